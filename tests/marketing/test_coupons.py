"""Issue 16 (1): coupons claimed online and redeemed at the till once; bad redemptions refused, nothing written;
the campaign's results by channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.clock import utcnow
from store.marketing import service
from store.marketing.errors import (
    BelowThreshold,
    CampaignDatesInvalid,
    CouponAlreadyRedeemed,
    CouponExpired,
    CouponSoldOut,
    MemberLimitReached,
    WrongShop,
)
from store.marketing.models import Redemption
from store.marketing.schemas import CampaignCreate, RedemptionCreate
from store.members import codes as member_codes
from tests.factories.auth import create_device, staff_headers
from tests.factories.marketing import consenting_member, create_campaign, create_coupon
from tests.factories.members import member_tokens
from tests.factories.premises import create_shop, create_store


@pytest.fixture
def world(session):
    store = create_store(session)
    shop = create_shop(session, store, category="sports")
    other = create_shop(session, store, category="cosmetics")
    campaign = create_campaign(session, store, cost_fen=50_000)
    coupon = create_coupon(session, campaign, shops=[shop], total_quantity=3)
    member = consenting_member(session, store)
    return store, shop, other, campaign, coupon, member


def _redeem(session, store, shop, code, basket=12_000, **kw):
    data = RedemptionCreate(code=code, shop_id=shop.id, basket_fen=basket, order_no="A-1", **kw)
    return service.redeem(session, store.id, data)


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Redemption)).one()


class TestRedeem:
    def test_a_claimed_coupon_takes_its_amount_off_once(self, session, world):
        store, shop, _other, _c, coupon, member = world
        issue = service.claim(session, store.id, member.id, coupon.id)
        row = _redeem(session, store, shop, issue.code)
        assert (row.discount_fen, row.basket_fen, issue.status) == (2_000, 12_000, "redeemed")
        with pytest.raises(CouponAlreadyRedeemed):
            _redeem(session, store, shop, issue.code)
        assert _count(session) == 1

    def test_refused_below_threshold_after_expiry_and_at_the_wrong_shop(self, session, world):
        store, shop, other, _c, coupon, member = world
        issue = service.claim(session, store.id, member.id, coupon.id)
        with pytest.raises(BelowThreshold):
            _redeem(session, store, shop, issue.code, basket=9_999)
        with pytest.raises(WrongShop):
            _redeem(session, store, other, issue.code)
        data = RedemptionCreate(code=issue.code, shop_id=shop.id, basket_fen=12_000)
        with pytest.raises(CouponExpired):
            service.redeem(session, store.id, data, now=utcnow() + timedelta(days=31))
        assert _count(session) == 0 and issue.status == "issued"

    def test_the_member_qr_code_redeems_the_members_coupon(self, session, world):
        store, shop, _other, _c, coupon, member = world
        service.claim(session, store.id, member.id, coupon.id)
        code = member_codes.current_code(member).digits
        data = RedemptionCreate(member_code=code, coupon_id=coupon.id, shop_id=shop.id, basket_fen=20_000)
        assert service.redeem(session, store.id, data).member_id == member.id

    def test_percent_off_is_capped(self, session, world):
        store, shop, _other, campaign, _coupon, member = world
        coupon = create_coupon(session, campaign, kind="percent", percent_off=20, cap_fen=3_000, threshold_fen=0)
        issue = service.claim(session, store.id, member.id, coupon.id)
        assert _redeem(session, store, shop, issue.code, basket=50_000).discount_fen == 3_000


class TestClaim:
    def test_per_member_limit_and_total_quantity(self, session, world):
        store, _shop, _other, _c, coupon, member = world
        service.claim(session, store.id, member.id, coupon.id)
        with pytest.raises(MemberLimitReached):
            service.claim(session, store.id, member.id, coupon.id)
        for _ in range(2):
            service.claim(session, store.id, consenting_member(session, store).id, coupon.id)
        with pytest.raises(CouponSoldOut):
            service.claim(session, store.id, consenting_member(session, store).id, coupon.id)
        assert coupon.issued_count == 3


class TestCampaign:
    def test_a_campaign_ending_before_it_starts_is_refused(self, session, world):
        store = world[0]
        today = utcnow().date()
        with pytest.raises(CampaignDatesInvalid):
            service.create_campaign(
                session, store.id, CampaignCreate(name="x", starts_on=today, ends_on=today - timedelta(days=1))
            )

    def test_results_by_channel(self, session, world):
        store, shop, _other, campaign, coupon, member = world
        issue = service.claim(session, store.id, member.id, coupon.id, channel="kiosk")
        service.claim(session, store.id, consenting_member(session, store).id, coupon.id, channel="push", claimed=False)
        _redeem(session, store, shop, issue.code, basket=30_000)
        found = service.results(session, store.id, campaign.id)
        kiosk = next(c for c in found.by_channel if c.channel == "kiosk")
        assert (found.total("issued"), found.total("claimed"), found.total("redeemed")) == (2, 1, 1)
        assert (kiosk.revenue_fen, kiosk.discount_fen, found.cost_fen) == (30_000, 2_000, 52_000)


class TestApi:
    def test_member_claims_and_the_till_redeems_once(self, session, client, world):
        store, shop, _other, _c, coupon, member = world
        tokens = member_tokens(session, member)
        claimed = client.post(
            f"/api/v1/marketing/coupons/{coupon.id}/claim",
            json={"channel": "kiosk"},
            headers={"Authorization": f"Bearer {tokens.access_token}"},
        )
        assert claimed.status_code == 201, claimed.text
        key, _device = create_device(session, store, shop=shop)
        body = {"code": claimed.json()["code"], "shop_id": shop.id, "basket_fen": 15_000, "order_no": "T-9"}
        first = client.post("/api/v1/marketing/redemptions", json=body, headers={"X-Device-Key": key})
        again = client.post("/api/v1/marketing/redemptions", json=body, headers={"X-Device-Key": key})
        assert first.status_code == 201 and first.json()["discount_fen"] == 2_000
        assert again.status_code == 409 and again.json()["type"].endswith("coupon-already-redeemed")

    def test_bad_campaign_is_a_problem(self, session, client, world):
        headers = staff_headers(session, world[0], role=Role.marketing)
        body = {"name": "x", "starts_on": "2026-05-02", "ends_on": "2026-05-01"}
        answer = client.post("/api/v1/marketing/campaigns", json=body, headers=headers)
        assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/problem+json")
