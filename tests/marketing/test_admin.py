"""The marketing pages: campaign results by channel, coupons, a segment preview, the push calendar marking
weeks without a push, and the delivery log with masked phones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.clock import utcnow
from store.marketing import push, rules, segments, service
from store.marketing.schemas import ChannelGrantIn, PushPlanCreate, RedemptionCreate, SegmentCreate, SegmentRules
from store.premises import service as premises_service
from tests.admin.conftest import premises, sign_in  # noqa: F401
from tests.factories.marketing import consenting_member, create_campaign, create_coupon


@pytest.fixture
def filled(session, premises):  # noqa: F811
    store = premises.store
    campaign = create_campaign(session, store, cost_fen=10_000)
    coupon = create_coupon(session, campaign)
    member = consenting_member(session, store, tier="gold")
    issue = service.claim(session, store.id, member.id, coupon.id, channel="kiosk")
    shop = premises_service.list_shops(session, store.id)[0]
    data = RedemptionCreate(code=issue.code, shop_id=shop.id, basket_fen=25_000)
    service.redeem(session, store.id, data)
    segment = segments.create(session, store.id, SegmentCreate(name="金卡", rules=SegmentRules(tiers=["gold"])))
    push.set_grant(session, store.id, member.id, ChannelGrantIn(channel="app"))
    plan = push.create_plan(
        session,
        store.id,
        PushPlanCreate(campaign_id=campaign.id, segment_id=segment.id, title="本周", body="会员日"),
    )
    now = utcnow()
    push.prepare_week(session, store.id, plan.id, rules.week_monday(now.date()), now=now)
    push.dispatch_due(session, store.id, now=now + timedelta(days=7))
    session.commit()
    return campaign, member


@pytest.fixture
def marketer(client, session, premises):  # noqa: F811
    return sign_in(client, session, premises.manager)


def test_campaign_results_by_channel(client, filled, marketer):
    campaign, _member = filled
    page = client.get(f"/admin/marketing/campaigns/{campaign.id}", params={"lang": "en"})
    assert page.status_code == 200
    assert "Kiosk" in page.text and "¥250.00" in page.text and "¥120.00" in page.text  # revenue; 100 + 20 cost
    listing = client.get("/admin/marketing", params={"lang": "en"})
    assert listing.status_code == 200 and campaign.name in listing.text


def test_coupons_and_segment_preview(client, filled, marketer):
    assert "满100减20" in client.get("/admin/marketing/coupons").text
    page = client.get("/admin/marketing/segments", params={"tiers": "gold", "lang": "en"})
    assert page.status_code == 200 and 'id="preview"' in page.text and "Consented to marketing push" in page.text
    bad = client.get("/admin/marketing/segments", params={"birthday_month": "13", "lang": "en"})
    assert bad.status_code == 200 and "field-error" in bad.text


def test_push_calendar_and_delivery_log_mask_phones(client, filled, marketer):
    _campaign, member = filled
    calendar = client.get("/admin/marketing/push", params={"lang": "en"})
    assert calendar.status_code == 200 and "No push" in calendar.text  # the 25 weeks before had none
    log = client.get("/admin/marketing/push/deliveries", params={"lang": "en"})
    assert log.status_code == 200 and member.phone_masked in log.text and "****" in member.phone_masked
