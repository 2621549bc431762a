"""Issue 16, bad input through the till's API and the weekly job: a till retrying with the same Idempotency-Key
gets its first answer and one redemption is written; the member's QR redeems the member's coupon at the till; a
week prepared after every member of the segment withdrew consent is refused and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import func, select

from store.marketing import push, segments
from store.marketing.errors import NoConsentingMembers
from store.marketing.models import Delivery, PushRun, Redemption
from store.marketing.schemas import PushPlanCreate, SegmentCreate, SegmentRules
from store.members import codes as member_codes
from store.members import service as members_service
from tests.factories.auth import create_device
from tests.factories.marketing import consenting_member, create_campaign, create_coupon
from tests.factories.premises import create_shop, create_store


def redemptions(session) -> int:
    return session.exec(select(func.count()).select_from(Redemption)).one()


def test_a_till_retrying_with_its_idempotency_key_redeems_once(session, client):
    from store.marketing import service

    store = create_store(session)
    shop = create_shop(session, store)
    coupon = create_coupon(session, create_campaign(session, store), shops=[shop])
    member = consenting_member(session, store)
    issue = service.claim(session, store.id, member.id, coupon.id)
    key, _device = create_device(session, store, shop=shop)
    body = {"code": issue.code, "shop_id": shop.id, "basket_fen": 15_000, "order_no": "T-1"}
    headers = {"X-Device-Key": key, "Idempotency-Key": "till-1-sale-0001"}
    first = client.post("/api/v1/marketing/redemptions", json=body, headers=headers)
    retry = client.post("/api/v1/marketing/redemptions", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201 and first.json() == retry.json()
    assert redemptions(session) == 1
    reused = client.post("/api/v1/marketing/redemptions", json=body | {"basket_fen": 16_000}, headers=headers)
    assert reused.status_code in (409, 422) and redemptions(session) == 1


def test_the_members_qr_redeems_at_the_till_and_a_wrong_shop_writes_nothing(session, client):
    from store.marketing import service

    store = create_store(session)
    shop, other = create_shop(session, store), create_shop(session, store)
    coupon = create_coupon(session, create_campaign(session, store), shops=[shop])
    member = consenting_member(session, store)
    service.claim(session, store.id, member.id, coupon.id)
    key, _device = create_device(session, store, shop=None)
    body = {
        "member_code": member_codes.current_code(member).digits,
        "coupon_id": coupon.id,
        "shop_id": other.id,
        "basket_fen": 15_000,
        "order_no": "T-2",
    }
    wrong = client.post("/api/v1/marketing/redemptions", json=body, headers={"X-Device-Key": key})
    assert wrong.status_code == 400 and wrong.json()["type"].endswith("coupon-wrong-shop")
    assert redemptions(session) == 0
    right = client.post(
        "/api/v1/marketing/redemptions", json=body | {"shop_id": shop.id}, headers={"X-Device-Key": key}
    )
    assert right.status_code == 201 and right.json()["member_id"] == member.id and redemptions(session) == 1


def test_a_week_whose_segment_withdrew_consent_sends_nothing(session):
    store = create_store(session)
    member = consenting_member(session, store, tier="gold")
    week = date(2026, 3, 2)
    campaign = create_campaign(session, store, starts_on=week - timedelta(days=7), days=60)
    segment = segments.create(session, store.id, SegmentCreate(name="g", rules=SegmentRules(tiers=["gold"])))
    plan = push.create_plan(
        session, store.id, PushPlanCreate(campaign_id=campaign.id, segment_id=segment.id, title="t", body="b")
    )
    members_service.record_consent(session, member, "marketing_push", False, text_version="t1")
    try:
        push.prepare_week(session, store.id, plan.id, week)
    except NoConsentingMembers:
        pass
    else:
        raise AssertionError("a week without consenting members was prepared")
    assert session.exec(select(func.count()).select_from(PushRun)).one() == 0
    assert session.exec(select(func.count()).select_from(Delivery)).one() == 0
