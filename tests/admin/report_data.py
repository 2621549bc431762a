"""A small store with sales and footfall on a few days this year and last, and signed-in browsers.

Shared by the dashboard, KPI and self-assessment page tests: two floors, three shops, one entrance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.premises.models import Shop, Store, ZoneKind
from tests.factories import auth as auth_factory
from tests.factories import footfall as footfall_factory
from tests.factories import kpi as kpi_factory
from tests.factories import premises as premises_factory


@dataclass
class SmallStore:
    store: Store
    shops: list[Shop]
    today: date
    zone_codes: list[str]


def one_year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else day.replace(year=day.year - 1, day=28)


def small_store(session: Session, *, smart_upgrade_on: date | None = None) -> SmallStore:
    """Sales on today and two earlier days, the same days last year at 80%, footfall at the entrance (counted
    every day of those months, 50 people on the sales days)."""
    store = premises_factory.create_store(session, smart_upgrade_on=smart_upgrade_on)
    first = premises_factory.create_floor(session, store, code="1F", level=1)
    second = premises_factory.create_floor(session, store, code="2F", level=2)
    shops = [
        premises_factory.create_shop(session, store, first, code="A101", category="cosmetics", area_m2=120.0),
        premises_factory.create_shop(session, store, first, code="A102", category="jewellery", area_m2=80.0),
        premises_factory.create_shop(session, store, second, code="B201", category="womenswear", area_m2=200.0),
    ]
    premises_factory.set_headcount(session, store, 12, effective_on=date(2000, 1, 1))
    entrance = footfall_factory.create_zone(session, store, first)
    atrium = footfall_factory.create_zone(session, store, second, kind=ZoneKind.atrium)
    today = business_day(utcnow(), store.timezone)
    counted_from = (today - timedelta(days=40)).replace(day=1)  # the cameras count every day from here
    kpi_factory.count_days(session, entrance, counted_from, today)
    kpi_factory.count_days(session, entrance, one_year_before(counted_from), one_year_before(today))
    for back in (0, 1, 40):
        day = today - timedelta(days=back)
        for n, shop in enumerate(shops, start=1):
            kpi_factory.sell(session, shop, day=day, total_fen=100_000 * n)
            kpi_factory.sell(session, shop, day=one_year_before(day), total_fen=80_000 * n)
        kpi_factory.count_in(session, entrance, day=day, people=50)
        kpi_factory.count_in(session, entrance, day=one_year_before(day), people=40)
    return SmallStore(store, shops, today, [entrance.code, atrium.code])


def sign_in(
    client: TestClient, session: Session, store: Store, role: Role = Role.manager, shop: Shop | None = None
) -> str:
    """Give the test browser the session cookie of a new user with ``role``; returns its CSRF token."""
    user = auth_factory.create_user(session, store, role=role, shop=shop)
    secret, row = auth_service.start_session(session, user, 3600)
    session.commit()  # as if a login request had committed it: a refused request's rollback keeps it
    client.cookies.set(SESSION_COOKIE, secret)
    return row.csrf_token
