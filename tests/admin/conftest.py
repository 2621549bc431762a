"""A small store for the admin pages: two floors, three shops, a manager, a tenant and a cashier."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE
from store.auth.models import Role, StaffUser
from store.clock import business_day, utcnow
from store.premises import service as premises_service
from store.premises.models import Floor, Shop, Store
from store.premises.schemas import FloorCreate, ShopCreate, StoreCreate
from tests.factories.auth import create_user


@dataclass
class Premises:
    store: Store
    floors: dict[str, Floor]
    shops: dict[str, Shop]
    manager: StaffUser
    tenant: StaffUser  # works in shop 1F-001
    cashier: StaffUser


def _shop(session: Session, store: Store, code: str, floor: str, category: str, area: float) -> Shop:
    data = ShopCreate(
        code=code,
        name=f"商户{code}",
        name_en=f"Shop {code}",
        category=category,
        floor_code=floor,
        selling_area_m2=area,
        opened_on=date(2020, 1, 1),
    )
    return premises_service.create_shop(session, store.id, data)  # type: ignore[arg-type]


@pytest.fixture
def premises(session: Session) -> Premises:
    store = premises_service.create_store(
        session, StoreCreate(code="ADM", name="管理测试百货", name_en="Admin Test Store")
    )
    floors = {
        code: premises_service.create_floor(
            session,
            store.id,
            FloorCreate(  # type: ignore[arg-type]
                code=code, name=name, name_en=name_en, level=level
            ),
        )
        for code, name, name_en, level in (("1F", "一楼", "Level 1", 1), ("2F", "二楼", "Level 2", 2))
    }
    shops = {
        "1F-001": _shop(session, store, "1F-001", "1F", "cosmetics", 80.0),
        "1F-002": _shop(session, store, "1F-002", "1F", "jewellery", 40.5),
        "2F-001": _shop(session, store, "2F-001", "2F", "womenswear", 120.0),
    }
    for code, staff in (("1F-001", 4), ("1F-002", 2), ("2F-001", 6)):
        premises_service.set_headcount(
            session,
            store.id,
            shop_id=shops[code].id,  # type: ignore[arg-type]
            effective_on=date(2020, 1, 1),
            headcount=staff,
        )
    premises_service.set_headcount(
        session,
        store.id,
        shop_id=None,
        effective_on=date(2020, 1, 1),  # type: ignore[arg-type]
        headcount=10,
    )
    return Premises(
        store=store,
        floors=floors,
        shops=shops,
        manager=create_user(session, store, role=Role.manager, username="manager-wang"),
        tenant=create_user(session, store, role=Role.tenant, shop=shops["1F-001"], username="tenant-li"),
        cashier=create_user(session, store, role=Role.cashier, username="cashier-zhao"),
    )


def store_today(premises: Premises) -> date:
    """Today in the store's timezone, as the pages date what they save (not the machine's ``date.today()``)."""
    return business_day(utcnow(), premises.store.timezone)


def sign_in(client: TestClient, session: Session, user: StaffUser) -> str:
    """Give the client a session cookie for ``user``; returns the session's CSRF token."""
    secret, row = auth_service.start_session(session, user, 3600)
    # As if an earlier request had committed it: a refused request's rollback must not undo the set-up.
    session.commit()
    client.cookies.set(SESSION_COOKIE, secret)
    return row.csrf_token


def hidden(html: str, name: str) -> str:
    """The value of a hidden input in a page."""
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def field_error(html: str, field: str) -> str:
    """The message shown beside a form field ('' when none)."""
    match = re.search(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', html)
    return match.group(1) if match else ""
