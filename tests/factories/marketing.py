"""Factories for marketing: a campaign with a coupon in a store with a shop, and members with consents."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from store.clock import utcnow
from store.marketing import service
from store.marketing.models import Campaign, Coupon
from store.marketing.schemas import CampaignCreate, CouponCreate
from store.members import service as members_service
from store.members.models import Member
from store.premises.models import Shop, Store
from tests.factories.members import create_member


def create_campaign(
    session: Session, store: Store, *, starts_on: date | None = None, days: int = 60, cost_fen: int = 0
) -> Campaign:
    today = utcnow().date()
    starts_on = starts_on or today - timedelta(days=7)
    data = CampaignCreate(
        name="春季焕新",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days),
        channels=["miniprogram", "kiosk"],  # type: ignore[list-item]
        content_title="春季焕新",
        cost_fen=cost_fen,
    )
    return service.create_campaign(session, store.id, data)  # type: ignore[arg-type]


def create_coupon(
    session: Session,
    campaign: Campaign,
    *,
    shops: list[Shop] | None = None,
    kind: str = "amount",
    amount_off_fen: int = 2_000,
    percent_off: int = 0,
    cap_fen: int = 0,
    threshold_fen: int = 10_000,
    per_member_limit: int = 1,
    total_quantity: int = 100,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    categories: list[str] | None = None,
) -> Coupon:
    now = utcnow()
    data = CouponCreate(
        campaign_id=campaign.id,  # type: ignore[arg-type]
        name="满100减20",
        kind=kind,  # type: ignore[arg-type]
        amount_off_fen=amount_off_fen,
        percent_off=percent_off,
        cap_fen=cap_fen,
        threshold_fen=threshold_fen,
        per_member_limit=per_member_limit,
        total_quantity=total_quantity,
        shop_ids=[s.id for s in shops or []],  # type: ignore[misc]
        categories=categories or [],
        valid_from=valid_from or now - timedelta(days=1),
        valid_until=valid_until or now + timedelta(days=30),
    )
    return service.create_coupon(session, campaign.store_id, data)


def consenting_member(
    session: Session, store: Store | int, *, push: bool = True, profiling: bool = False, tier: str = "basic"
) -> Member:
    member = create_member(session, store, tier=tier)
    if push:
        members_service.record_consent(session, member, "marketing_push", True, text_version="t1")
    if profiling:
        members_service.record_consent(session, member, "profiling", True, text_version="t1")
    return member
