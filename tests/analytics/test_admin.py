"""The analytics pages on a small demo store: analysis tables and charts, the stored forecast beside the
seasonal-naive baseline with the verdict said in words, the consumer groups without any personal data; Chinese
first, English on request; store-wide figures closed to tenants."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from store.analytics import profiles, service
from store.analytics.models import ForecastSeries
from store.auth.models import Role
from store.members.models import Member
from store.premises.models import Store
from tests.admin.conftest import sign_in
from tests.factories.auth import create_user

PHONE = re.compile(r"1\d{10}")


@pytest.fixture
def staffed(session, demo):
    store = session.get(Store, demo.store_id)
    manager = create_user(session, store, role=Role.manager)
    return demo, store, manager


def test_analysis_page_shows_every_cut(client, session, staffed):
    demo, store, manager = staffed
    sign_in(client, session, manager)
    page = client.get("/admin/analytics", params={"days": 28})
    assert page.status_code == 200
    for marker in (
        'id="by-weekday"',
        'id="by-floor"',
        'id="member-split"',
        'id="new-returning"',
        'data-chart="an-hour"',
    ):
        assert marker in page.text
    assert "消费与客流" in page.text and "会员" in page.text
    english = client.get("/admin/analytics", params={"days": 28, "lang": "en"})
    assert "New (joined in the period)" in english.text and "By category" in english.text
    assert client.get("/admin/analytics", params={"days": 3}).status_code == 422  # below a week: refused


def test_forecast_page_says_whether_the_model_beats_the_baseline(client, session, staffed):
    demo, store, manager = staffed
    sign_in(client, session, manager)
    empty = client.get("/admin/analytics/forecast", params={"lang": "en"})
    assert 'id="no-forecast"' in empty.text
    service.refit(session, store.id, today=demo.end_on + timedelta(days=1), floors=False, origins=1)
    session.commit()
    page = client.get("/admin/analytics/forecast", params={"lang": "en"})
    assert page.status_code == 200 and 'id="backtest"' in page.text and "Seasonal-naive MAPE" in page.text
    row = service.get_forecast(session, store.id, "store", "revenue")
    verdict = "beats the seasonal-naive baseline" if row.model_mape < row.naive_mape else "does NOT beat"
    assert verdict in page.text
    assert 'data-forecast="fc-chart"' in page.text and '"upper"' in page.text and '"naive"' in page.text
    footfall = client.get("/admin/analytics/forecast", params={"metric": "footfall", "lang": "en"})
    assert footfall.status_code == 200 and "Footfall" in footfall.text
    assert client.get("/admin/analytics/forecast", params={"scope": "shop:1"}).status_code == 422


def test_a_model_that_loses_is_said_to_lose(client, session, staffed):
    demo, store, manager = staffed
    session.add(
        ForecastSeries(
            store_id=store.id,
            scope="store",
            metric="revenue",
            model="m",
            history_from=demo.start_on,
            history_to=demo.end_on,
            origins=2,
            model_mape=20.0,
            naive_mape=10.0,
            points=[[(demo.end_on + timedelta(days=1)).isoformat(), 1.0, 0.5, 2.0]],
        )
    )
    session.commit()
    sign_in(client, session, manager)
    page = client.get("/admin/analytics/forecast", params={"lang": "en"})
    assert "does NOT beat the seasonal-naive baseline" in page.text


def test_profiles_page_shows_groups_and_no_personal_data(client, session, staffed):
    demo, store, manager = staffed
    profiles.cluster(session, store.id, demo.end_on + timedelta(days=1))
    session.commit()
    sign_in(client, session, manager)
    page = client.get("/admin/analytics/profiles")
    assert page.status_code == 200 and 'id="groups"' in page.text and "月均到店" in page.text
    member = session.exec(select(Member).where(Member.store_id == store.id)).first()
    assert member.phone_masked not in page.text and member.member_no not in page.text
    assert not PHONE.search(page.text)
    english = client.get("/admin/analytics/profiles", params={"lang": "en"})
    assert "visits a month" in english.text and "shoppers" in english.text


def test_tenants_do_not_see_store_wide_analytics(client, session, staffed):
    demo, store, _manager = staffed
    tenant = create_user(session, store, role=Role.cashier)
    sign_in(client, session, tenant)
    assert client.get("/admin/analytics", follow_redirects=False).status_code in (302, 303, 403)
