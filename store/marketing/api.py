"""Marketing API: campaigns and their results, coupons (claimed by members, redeemed by tills), segments with
their preview, weekly push plans and the delivery log.

The till's coupon hook is ``POST /marketing/redemptions`` (device key of a ``pos_terminal``; retry with the same
``Idempotency-Key``): a coupon is redeemed once, the second till gets 409 ``coupon-already-redeemed``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.errors import Forbidden
from store.idempotency import IdempotencyKey, respond_once
from store.marketing import push, segments, service
from store.marketing.schemas import (
    CampaignCreate,
    CampaignRead,
    ChannelGrantIn,
    ClaimIn,
    ClaimRead,
    CouponCreate,
    CouponRead,
    PushPlanCreate,
    PushPlanRead,
    RedemptionCreate,
    RedemptionRead,
    SegmentCreate,
    SegmentPreview,
    SegmentRules,
    WeekRun,
)
from store.members.deps import CurrentMember
from store.wire import Day, RowId

router = APIRouter(prefix="/marketing", tags=["marketing"])

Marketer = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.marketing))]
Till = Annotated[
    Principal, Depends(require(Role.admin, Role.manager, Role.cashier, devices=(DeviceKind.pos_terminal,)))
]


class ChannelResultRead(BaseModel):
    channel: str
    issued: int
    claimed: int
    redeemed: int
    revenue_fen: int
    discount_fen: int


class CampaignResultsRead(BaseModel):
    campaign: CampaignRead
    issued: int
    claimed: int
    redeemed: int
    revenue_fen: int
    discount_fen: int
    cost_fen: int
    by_channel: list[ChannelResultRead]


class DeliveryRead(BaseModel):
    id: int
    plan_id: int
    week_on: date
    phone_masked: str
    channel: str
    status: str
    reason: str
    personalised: bool


class WeekIn(BaseModel):
    week_on: Day


@router.post("/campaigns", status_code=201, response_model=CampaignRead, responses={400: {}, 404: {}})
def post_campaign(data: CampaignCreate, session: SessionDep, who: Marketer) -> CampaignRead:
    """Create a campaign (period, shops, channels, content); one ending before it starts is refused."""
    return CampaignRead.model_validate(service.create_campaign(session, who.store_id, data))


@router.get("/campaigns", response_model=list[CampaignRead])
def get_campaigns(
    session: SessionDep,
    who: Marketer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[CampaignRead]:
    """The store's campaigns, newest first."""
    rows, _total = service.list_campaigns(session, who.store_id, limit=limit, offset=offset)
    return [CampaignRead.model_validate(r) for r in rows]


@router.get("/campaigns/{campaign_id}/results", response_model=CampaignResultsRead, responses={404: {}})
def get_results(campaign_id: RowId, session: SessionDep, who: Marketer) -> CampaignResultsRead:
    """Issued, claimed, redeemed, attributed revenue and cost of a campaign, by channel."""
    found = service.results(session, who.store_id, campaign_id)
    return CampaignResultsRead(
        campaign=CampaignRead.model_validate(found.campaign),
        issued=found.total("issued"),
        claimed=found.total("claimed"),
        redeemed=found.total("redeemed"),
        revenue_fen=found.total("revenue_fen"),
        discount_fen=found.total("discount_fen"),
        cost_fen=found.cost_fen,
        by_channel=[ChannelResultRead(**vars(c)) for c in found.by_channel],
    )


@router.post("/coupons", status_code=201, response_model=CouponRead, responses={400: {}, 404: {}})
def post_coupon(data: CouponCreate, session: SessionDep, who: Marketer) -> CouponRead:
    """Create a coupon of a campaign: amount off, or percent off with a cap; threshold, limits, shops."""
    return CouponRead.model_validate(service.create_coupon(session, who.store_id, data))


@router.post(
    "/coupons/{coupon_id}/claim", status_code=201, response_model=ClaimRead, responses={400: {}, 404: {}, 409: {}}
)
def post_claim(coupon_id: RowId, data: ClaimIn, session: SessionDep, who: CurrentMember) -> ClaimRead:
    """Mini-program or kiosk: the signed-in member claims a coupon (within its quantity and per-member limit)."""
    row = service.claim(session, who.store_id, who.member_id, coupon_id, channel=data.channel)
    return ClaimRead.model_validate(row)


@router.get("/me/coupons", response_model=list[ClaimRead])
def get_my_coupons(session: SessionDep, who: CurrentMember) -> list[ClaimRead]:
    """Mini-program: my coupons, newest first, with their codes and status."""
    return [ClaimRead.model_validate(r) for r in service.my_coupons(session, who.store_id, who.member_id)]


@router.post("/me/channels", status_code=201, responses={400: {}})
def post_my_channel(data: ChannelGrantIn, session: SessionDep, who: CurrentMember) -> dict[str, object]:
    """Mini-program: a subscription accepted, the official account followed, the app installed, or SMS refused."""
    row = push.set_grant(session, who.store_id, who.member_id, data)
    return {"channel": row.channel, "remaining": row.remaining, "opted_out": row.opted_out}


@router.post(
    "/redemptions", status_code=201, response_model=RedemptionRead, responses={400: {}, 403: {}, 404: {}, 409: {}}
)
def post_redemption(
    request: Request, data: RedemptionCreate, session: SessionDep, who: Till, key: IdempotencyKey = None
) -> JSONResponse:
    """The till's coupon hook: redeem by coupon code or member code; once only, checked before anything is written."""
    if who.shop_id is not None and who.shop_id != data.shop_id:
        raise Forbidden("a shop's till redeems coupons only for its own shop")

    def produce() -> RedemptionRead:
        terminal = who.device.id if who.device is not None else None
        return RedemptionRead.model_validate(service.redeem(session, who.store_id, data, terminal_id=terminal))

    return respond_once(session, request, who.label, key=key, payload=data, produce=produce)


@router.post("/segments", status_code=201, responses={400: {}})
def post_segment(data: SegmentCreate, session: SessionDep, who: Marketer) -> dict[str, object]:
    """Save a rule-based segment (tier, spend, recency, frequency, categories, shops, birthday month, RFM)."""
    row = segments.create(session, who.store_id, data)
    return {"id": row.id, "name": row.name, "rules": row.rules}


@router.post("/segments/preview", response_model=SegmentPreview, responses={400: {}})
def post_segment_preview(data: SegmentRules, session: SessionDep, who: Marketer) -> SegmentPreview:
    """How many members the rules pick, and how many of them consented to marketing push."""
    return segments.preview(session, who.store_id, data)


@router.post("/push/plans", status_code=201, response_model=PushPlanRead, responses={400: {}, 404: {}})
def post_plan(data: PushPlanCreate, session: SessionDep, who: Marketer) -> PushPlanRead:
    """A campaign's weekly push to a segment; refused when no member of the segment consented."""
    return PushPlanRead.model_validate(push.create_plan(session, who.store_id, data))


@router.post("/push/plans/{plan_id}/weeks", response_model=WeekRun, responses={400: {}, 404: {}})
def post_week(plan_id: RowId, data: WeekIn, session: SessionDep, who: Marketer) -> WeekRun:
    """Prepare a plan's week now (what the weekly job does) and send what is due; a second call sends nothing."""
    run = push.prepare_week(session, who.store_id, plan_id, data.week_on)
    push.dispatch_due(session, who.store_id)
    return push.prepare_week(session, who.store_id, plan_id, run.week_on)


@router.get("/push/deliveries", response_model=list[DeliveryRead])
def get_deliveries(
    session: SessionDep,
    who: Marketer,
    week_on: Day | None = None,
    status: Annotated[str | None, Query(pattern="^(queued|sent|cancelled|skipped)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryRead]:
    """The delivery log, newest first (phones masked)."""
    rows = push.delivery_log(session, who.store_id, week_on=week_on, status=status, limit=limit)
    return [
        DeliveryRead(
            id=d.id,  # type: ignore[arg-type]
            plan_id=d.plan_id,
            week_on=d.week_on,
            phone_masked=phone,
            channel=d.channel,
            status=d.status,
            reason=d.reason,
            personalised=d.personalised,
        )
        for d, phone in rows
    ]
