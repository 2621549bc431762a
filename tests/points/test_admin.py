"""The points pages of the back office: liability and rules, a member's ledger, a manager's adjustment."""

from __future__ import annotations

import pytest

from store.points import service
from tests.admin.conftest import premises, sign_in  # noqa: F401
from tests.factories.points import create_member
from tests.factories.premises import create_store


@pytest.fixture
def manager(client, session, premises):  # noqa: F811
    return sign_in(client, session, premises.manager)


@pytest.fixture
def member(session, premises):  # noqa: F811
    m = create_member(session, premises.store)
    service.open_balance(session, member_id=m.id, points=1_200, expires_on=None, source="旧系统")
    session.commit()
    return m


def test_liability_page_shows_outstanding_points(client, member, manager):
    page = client.get("/admin/points", params={"lang": "en"})
    assert page.status_code == 200
    assert "Points outstanding" in page.text and "1,200" in page.text and "¥12" in page.text


def test_member_ledger_and_adjustment(client, session, member, manager):
    page = client.get(f"/admin/points/members/{member.id}", params={"lang": "en"})
    assert page.status_code == 200 and "1,200" in page.text and "旧系统" in page.text
    url = f"/admin/points/members/{member.id}/adjust"
    refused = client.post(url, data={"points": "50", "reason": " ", "csrf_token": manager}, follow_redirects=False)
    assert refused.status_code == 303
    shown = client.get(refused.headers["location"].split("#")[0] + "&lang=en").text
    assert "needs a reason" in shown
    session.refresh(member)
    assert member.points_balance == 1_200
    client.post(url, data={"points": "-200", "reason": "duplicate card", "csrf_token": manager})
    session.refresh(member)
    assert member.points_balance == 1_000


def test_member_of_another_store_is_not_found(client, session, manager):
    stranger = create_member(session, create_store(session))
    session.commit()
    assert client.get(f"/admin/points/members/{stranger.id}").status_code == 404


def test_an_earn_rule_is_added_from_the_form_and_a_bad_one_saves_nothing(client, session, manager, premises):  # noqa: F811
    from sqlmodel import select

    from store.points.models import PointsRule

    form = {"csrf_token": manager, "kind": "promo", "name": "双十一", "fen_per_point": "100", "multiplier_pct": "200"}
    saved = client.post(
        "/admin/points/rules",
        data={**form, "valid_from": "2026-11-11", "valid_to": "2026-11-12"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "saved=1" in saved.headers["location"]
    rule = session.exec(select(PointsRule).where(PointsRule.store_id == premises.store.id)).one()
    assert (rule.kind, rule.multiplier_pct, rule.valid_to.isoformat()) == ("promo", 200, "2026-11-12")  # type: ignore[union-attr]
    assert "2026-11-11 – 2026-11-12" in client.get("/admin/points", params={"lang": "en"}).text
    for bad in (
        {"valid_from": "2026-11-12", "valid_to": "2026-11-11"},  # a period that ends before it starts
        {"fen_per_point": "0", "valid_from": "2026-11-11", "valid_to": "2026-11-12"},
        {"multiplier_pct": "1.5", "valid_from": "2026-11-11", "valid_to": "2026-11-12"},
        {},  # a promotion needs its period
    ):
        refused = client.post("/admin/points/rules", data={**form, **bad}, follow_redirects=False)
        assert refused.status_code == 303 and "error=1" in refused.headers["location"], bad
    assert "Nothing was saved" in client.get(refused.headers["location"].split("#")[0] + "&lang=en").text
    session.expire_all()
    assert len(session.exec(select(PointsRule).where(PointsRule.store_id == premises.store.id)).all()) == 1
