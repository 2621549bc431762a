"""The members pages of the back office: search, a member's card, the tier rules, the KPIs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.members import service
from store.members.rules import DEFAULT_THRESHOLDS
from tests.admin.conftest import premises, sign_in, store_today  # noqa: F401
from tests.factories.auth import create_user
from tests.factories.kpi import sell
from tests.factories.members import create_member
from tests.factories.premises import create_store

PHONE = "13812345678"


@pytest.fixture
def manager(client, session, premises):  # noqa: F811
    return sign_in(client, session, premises.manager)


class TestSearch:
    @pytest.mark.parametrize("q", [PHONE, "138 1234 5678", "138****5678", "5678", "T-LOOKUP"])
    def test_by_phone_masked_phone_last_digits_or_member_number(self, client, session, premises, manager, q):  # noqa: F811
        member = create_member(session, premises.store, phone=PHONE)
        member.member_no = "T-LOOKUP"
        create_member(session, premises.store, phone="13900000000")
        session.commit()
        page = client.get("/admin/members", params={"q": q})
        assert page.status_code == 200 and "/admin/members?q=" + PHONE not in str(page.url)
        assert f"/admin/members/{member.id}" in page.text and PHONE not in page.text
        assert page.text.count('<a class="code" href="/admin/members/') == 1

    def test_nothing_found_says_so(self, client, session, premises, manager):  # noqa: F811
        assert "No member found" in client.get("/admin/members", params={"q": "nobody", "lang": "en"}).text


class TestDetail:
    def test_a_member_of_another_store_is_not_found(self, client, session, premises, manager):  # noqa: F811
        stranger = create_member(session, create_store(session))
        session.commit()
        assert client.get(f"/admin/members/{stranger.id}").status_code == 404

    def test_the_card_shows_the_masked_phone_consents_and_orders(self, client, session, premises, manager):  # noqa: F811
        member = create_member(session, premises.store, phone=PHONE)
        service.record_consent(session, member, "marketing_push", False, text_version="v2")
        sell(session, premises.shops["1F-001"], day=store_today(premises), total_fen=12_345, member_id=member.id)
        session.commit()
        page = client.get(f"/admin/members/{member.id}", params={"lang": "en"}).text
        assert "138****5678" in page and "Withdrawn" in page and "¥123.45" in page and PHONE not in page


class TestTierRules:
    def test_the_thresholds_are_shown_in_yuan_and_saved(self, client, session, premises, manager):  # noqa: F811
        assert 'value="2000"' in client.get("/admin/members/tiers").text
        form = {"csrf_token": manager, "basic": "0", "silver": "1,500", "gold": "5000", "diamond": "18000"}
        saved = client.post("/admin/members/tiers", data=form, follow_redirects=False)
        assert saved.status_code == 303
        assert service.thresholds(session, premises.store.id)["silver"] == 150_000

    def test_thresholds_that_do_not_rise_are_refused_and_nothing_is_saved(self, client, session, premises, manager):  # noqa: F811
        form = {"csrf_token": manager, "basic": "0", "silver": "5000", "gold": "4000", "diamond": "x"}
        refused = client.post("/admin/members/tiers", data=form)
        assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
        form["diamond"] = "9000"
        refused = client.post("/admin/members/tiers", data=form, params={"lang": "en"})
        assert refused.status_code == 400 and "gold must need more spend than silver" in refused.text
        assert service.thresholds(session, premises.store.id) == DEFAULT_THRESHOLDS

    def test_marketing_may_read_but_not_save(self, client, session, premises):  # noqa: F811
        from store.auth.models import Role

        csrf = sign_in(client, session, create_user(session, premises.store, role=Role.marketing))
        assert client.get("/admin/members/tiers").status_code == 200
        form = {"csrf_token": csrf, "basic": "0", "silver": "1", "gold": "2", "diamond": "3"}
        assert client.post("/admin/members/tiers", data=form).status_code == 403


class TestKpis:
    def test_members_active_members_and_their_share_of_revenue(self, client, session, premises, manager):  # noqa: F811
        buyer = create_member(session, premises.store)
        create_member(session, premises.store)
        yesterday = store_today(premises) - timedelta(days=1)
        shop = premises.shops["1F-001"]
        sell(session, shop, day=yesterday, total_fen=30_000, member_id=buyer.id)
        sell(session, shop, day=yesterday, total_fen=70_000)
        session.commit()
        page = client.get("/admin/members", params={"lang": "en"}).text
        assert 'data-metric="members"><h3>Members</h3><div class="value">2<' in page
        assert 'data-metric="active_members"><h3>Active members</h3><div class="value">1<' in page
        assert "30.0%" in page
