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
