"""Campaigns and coupons: create, claim (mini-program, kiosk, push), redeem at the till or online, results.

S1 数字营销服务: coupons issued online and redeemed offline. A coupon is redeemed at most once even when two
tills try at the same moment: the issue row moves ``issued → redeemed`` in one guarded UPDATE (the loser sees
0 rows and gets 409 ``coupon-already-redeemed``) and ``marketing_redemption.issue_id`` is unique besides.
Every check runs before anything is written, so a refused redemption writes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.clock import business_day, utcnow
from store.errors import InvalidInput
from store.marketing import rules
from store.marketing.errors import (
    BelowThreshold,
    CampaignDatesInvalid,
    CampaignNotFound,
    CouponAlreadyRedeemed,
    CouponExpired,
    CouponInvalid,
    CouponNotFound,
    CouponSoldOut,
    CouponUnknown,
    MemberLimitReached,
    PromotionUnknown,
    WrongCategory,
    WrongShop,
)
from store.marketing.models import Campaign, Coupon, CouponIssue, Redemption
from store.marketing.schemas import CampaignCreate, CouponCreate, RedemptionCreate
from store.members import codes as member_codes
from store.members import service as members_service
from store.premises import service as premises_service
from store.scoping import get_in_store

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till


def new_code() -> str:
    return "C" + "".join(secrets.choice(_ALPHABET) for _ in range(11))


# --- campaigns -------------------------------------------------------------------------------------------


def _check_campaign(session: Session, store_id: int, data: CampaignCreate) -> None:
    if data.ends_on < data.starts_on:
        raise CampaignDatesInvalid(f"the campaign ends ({data.ends_on}) before it starts ({data.starts_on})")
    if data.cost_fen < 0:
        raise InvalidInput("a campaign's cost cannot be negative")
    for shop_id in set(data.shop_ids):
        premises_service.get_shop(session, store_id, shop_id)
    if data.promotion_id is not None and not any(
        p.id == data.promotion_id for p in catalog_service.list_promotions(session, store_id, limit=1000)
    ):
        raise PromotionUnknown(f"the store has no promotion {data.promotion_id}")


def _apply_campaign(row: Campaign, data: CampaignCreate) -> None:
    row.name = data.name.strip()
    row.starts_on = data.starts_on
    row.ends_on = data.ends_on
    row.shop_ids = sorted(set(data.shop_ids))
    row.channels = sorted({c.value for c in data.channels})
    row.content_title = data.content_title
    row.content_body = data.content_body
    row.cost_fen = data.cost_fen
    row.promotion_id = data.promotion_id


def create_campaign(session: Session, store_id: int, data: CampaignCreate) -> Campaign:
    """A campaign; one that ends before it starts, or names another store's shop or promotion, is refused."""
    _check_campaign(session, store_id, data)
    row = Campaign(store_id=store_id, name="", starts_on=data.starts_on, ends_on=data.ends_on)
    _apply_campaign(row, data)
    session.add(row)
    session.flush()
    return row


def update_campaign(session: Session, store_id: int, campaign_id: int, data: CampaignCreate) -> Campaign:
    """Edit a campaign with the same checks as a new one; refused changes write nothing."""
    row = get_campaign(session, store_id, campaign_id)
    _check_campaign(session, store_id, data)
    _apply_campaign(row, data)
    session.add(row)
    session.flush()
    return row


def get_campaign(session: Session, store_id: int, campaign_id: int) -> Campaign:
    return get_in_store(session, Campaign, campaign_id, store_id=store_id, not_found=CampaignNotFound, label="campaign")


def list_campaigns(session: Session, store_id: int, *, limit: int = 200, offset: int = 0) -> tuple[list[Campaign], int]:
    query = select(Campaign).where(Campaign.store_id == store_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Campaign.starts_on).desc(), col(Campaign.id).desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def active_content(session: Session, store_id: int, on: datetime, channel: str) -> list[Campaign]:
    """Campaigns running on ``on``'s day that publish to ``channel`` (kiosk, mini-program, screens)."""
    tz = premises_service.get_store(session, store_id).timezone
    day = business_day(on, tz)
    rows = session.exec(
        select(Campaign).where(Campaign.store_id == store_id, Campaign.starts_on <= day, Campaign.ends_on >= day)
    ).all()
    return [c for c in rows if channel in c.channels]


# --- coupons ---------------------------------------------------------------------------------------------


def _check_coupon(data: CouponCreate) -> None:
    if data.valid_until <= data.valid_from:
        raise CouponInvalid("the coupon's validity ends before it starts")
    if data.total_quantity < 1 or data.per_member_limit < 1:
        raise CouponInvalid("quantity and per-member limit must be at least 1")
    if data.threshold_fen < 0 or data.amount_off_fen < 0 or data.cap_fen < 0:
        raise CouponInvalid("amounts cannot be negative")
    if data.kind == "amount" and data.amount_off_fen <= 0:
        raise CouponInvalid("an amount-off coupon needs the amount it takes off")
    if data.kind == "percent" and not 1 <= data.percent_off <= 90:
        raise CouponInvalid("a percent-off coupon takes 1–90 % off")


def _coupon_campaign(session: Session, store_id: int, data: CouponCreate) -> Campaign:
    _check_coupon(data)
    campaign = get_campaign(session, store_id, data.campaign_id)
    for shop_id in set(data.shop_ids):
        premises_service.get_shop(session, store_id, shop_id)
    if campaign.shop_ids and not set(data.shop_ids) <= set(campaign.shop_ids):
        raise CouponInvalid("a coupon's shops must be among its campaign's shops")
    return campaign


def _apply_coupon(row: Coupon, campaign: Campaign, data: CouponCreate) -> None:
    row.campaign_id = campaign.id  # type: ignore[assignment]
    row.name = data.name.strip()
    row.kind = data.kind.value
    row.amount_off_fen = data.amount_off_fen if data.kind == "amount" else 0
    row.percent_off = data.percent_off if data.kind == "percent" else 0
    row.cap_fen = data.cap_fen if data.kind == "percent" else 0
    row.threshold_fen = data.threshold_fen
    row.per_member_limit = data.per_member_limit
    row.total_quantity = data.total_quantity
    row.shop_ids = sorted(set(data.shop_ids) or set(campaign.shop_ids))
    row.categories = sorted({c.strip() for c in data.categories if c.strip()})
    row.valid_from = data.valid_from
    row.valid_until = data.valid_until


def create_coupon(session: Session, store_id: int, data: CouponCreate) -> Coupon:
    campaign = _coupon_campaign(session, store_id, data)
    row = Coupon(
        store_id=store_id,
        campaign_id=campaign.id,  # type: ignore[arg-type]
        name="",
        kind=data.kind.value,
        total_quantity=data.total_quantity,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    _apply_coupon(row, campaign, data)
    session.add(row)
    session.flush()
    return row


def update_coupon(session: Session, store_id: int, coupon_id: int, data: CouponCreate) -> Coupon:
    """Edit a coupon: its quantity never below what is already issued, and it stays in its campaign once
    issued (the issued coupons are attributed to that campaign)."""
    row = get_coupon(session, store_id, coupon_id)
    campaign = _coupon_campaign(session, store_id, data)
    if data.total_quantity < row.issued_count:
        raise CouponInvalid(f"{row.issued_count} coupons are already issued: the total cannot be lower")
    if row.issued_count and campaign.id != row.campaign_id:
        raise CouponInvalid("issued coupons stay with their campaign")
    _apply_coupon(row, campaign, data)
    session.add(row)
    session.flush()
    return row


def get_coupon(session: Session, store_id: int, coupon_id: int) -> Coupon:
    return get_in_store(session, Coupon, coupon_id, store_id=store_id, not_found=CouponNotFound, label="coupon")


def list_coupons(session: Session, store_id: int, *, campaign_id: int | None = None) -> list[Coupon]:
    query = select(Coupon).where(Coupon.store_id == store_id)
    if campaign_id is not None:
        query = query.where(Coupon.campaign_id == campaign_id)
    return list(session.exec(query.order_by(col(Coupon.id).desc())).all())


def claim(
    session: Session,
    store_id: int,
    member_id: int,
    coupon_id: int,
    *,
    channel: str = "miniprogram",
    claimed: bool = True,
    now: datetime | None = None,
) -> CouponIssue:
    """Give a coupon to a member (a claim in the mini-program or at a kiosk, or a push): within its validity,
    its total quantity (guarded UPDATE) and the per-member limit (unique seq per member)."""
    now = now or utcnow()
    coupon = get_coupon(session, store_id, coupon_id)
    member = members_service.get_member(session, store_id, member_id)
    if member.status != "active":
        raise InvalidInput("this member's account is closed")
    if not coupon.valid_from <= now < coupon.valid_until:
        raise CouponExpired(
            f"coupon {coupon.name!r} is valid {coupon.valid_from:%Y-%m-%d} – {coupon.valid_until:%Y-%m-%d}"
        )
    held = session.exec(
        select(func.count()).where(CouponIssue.coupon_id == coupon.id, CouponIssue.member_id == member_id)
    ).one()
    if held >= coupon.per_member_limit:
        raise MemberLimitReached(f"the member already holds {held} of at most {coupon.per_member_limit}")
    taken = session.execute(
        update(Coupon)
        .where(col(Coupon.id) == coupon.id, col(Coupon.issued_count) < col(Coupon.total_quantity))
        .values(issued_count=Coupon.issued_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise CouponSoldOut(f"all {coupon.total_quantity} coupons of {coupon.name!r} are taken")
    row = CouponIssue(
        store_id=store_id,
        coupon_id=coupon.id,  # type: ignore[arg-type]
        campaign_id=coupon.campaign_id,
        member_id=member_id,
        seq=int(held) + 1,
        code=new_code(),
        channel=channel,
        claimed=claimed,
        issued_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same member claiming twice at the same moment
        raise MemberLimitReached("the member is already claiming this coupon") from None
    session.refresh(coupon)
    return row


@dataclass
class KioskOffer:
    """What a kiosk claim QR of a promotion offers now: the coupon of a campaign linked to the promotion and
    whether it can be claimed (``open``), or why not (``none``, ``not-started``, ``ended``, ``sold-out``)."""

    state: str
    coupon: Coupon | None = None
    campaign: Campaign | None = None


def kiosk_offer(session: Session, store_id: int, promotion_id: int, now: datetime) -> KioskOffer:
    """The coupon a kiosk claim of ``promotion_id`` gives at ``now``: the first one valid and not sold out
    among the coupons of campaigns linked to the promotion; otherwise the reason none can be claimed."""
    rows = session.exec(
        select(Coupon, Campaign)
        .join(Campaign, col(Campaign.id) == Coupon.campaign_id)
        .where(Campaign.store_id == store_id, Campaign.promotion_id == promotion_id)
        .order_by(col(Coupon.valid_from), col(Coupon.id))
    ).all()
    if not rows:
        return KioskOffer("none")
    current = [(c, k) for c, k in rows if c.valid_from <= now < c.valid_until]
    for coupon, campaign in current:
        if coupon.issued_count < coupon.total_quantity:
            return KioskOffer("open", coupon, campaign)
    if current:
        return KioskOffer("sold-out", *current[0])
    upcoming = [(c, k) for c, k in rows if c.valid_from > now]
    if upcoming:
        return KioskOffer("not-started", *upcoming[0])
    return KioskOffer("ended", *rows[-1])


def my_coupons(session: Session, store_id: int, member_id: int) -> list[CouponIssue]:
    return list(
        session.exec(
            select(CouponIssue)
            .where(CouponIssue.store_id == store_id, CouponIssue.member_id == member_id)
            .order_by(col(CouponIssue.id).desc())
        ).all()
    )


# --- redemption ------------------------------------------------------------------------------------------


def _find_issue(session: Session, store_id: int, data: RedemptionCreate, now: datetime) -> CouponIssue:
    if data.code:
        issue = session.exec(
            select(CouponIssue).where(CouponIssue.store_id == store_id, CouponIssue.code == data.code.strip().upper())
        ).first()
        if issue is None:
            raise CouponUnknown("no coupon of this store has that code")
        return issue
    if not data.member_code or data.coupon_id is None:
        raise InvalidInput("send the coupon's code, or the member's code with the coupon id")
    member = member_codes.verify(session, store_id, data.member_code, now)
    issue = session.exec(
        select(CouponIssue)
        .where(
            CouponIssue.store_id == store_id,
            CouponIssue.member_id == member.id,
            CouponIssue.coupon_id == data.coupon_id,
        )
        .order_by(col(CouponIssue.status) != "issued", col(CouponIssue.id))
    ).first()
    if issue is None:
        raise CouponUnknown("the member holds no such coupon")
    return issue


def check_redemption(session: Session, store_id: int, issue: CouponIssue, data: RedemptionCreate, now: datetime) -> int:
    """Every rule a redemption must pass; returns the discount. Raises before anything is written."""
    coupon = get_coupon(session, store_id, issue.coupon_id)
    premises_service.get_shop(session, store_id, data.shop_id)
    if issue.status == "redeemed":
        raise CouponAlreadyRedeemed(f"coupon {issue.code} was redeemed at {issue.redeemed_at:%Y-%m-%d %H:%M} UTC")
    if issue.status != "issued":
        raise CouponExpired(f"coupon {issue.code} is void")
    if not coupon.valid_from <= now < coupon.valid_until:
        raise CouponExpired(f"coupon {issue.code} is valid until {coupon.valid_until:%Y-%m-%d %H:%M} UTC")
    if coupon.shop_ids and data.shop_id not in coupon.shop_ids:
        raise WrongShop(f"coupon {issue.code} is not valid at this shop")
    if coupon.categories and data.categories and not set(data.categories) & set(coupon.categories):
        raise WrongCategory(f"coupon {issue.code} is valid only for {', '.join(coupon.categories)}")
    if data.basket_fen < coupon.threshold_fen:
        raise BelowThreshold(
            f"the basket (¥{data.basket_fen / 100:.2f}) is below the coupon's threshold "
            f"(¥{coupon.threshold_fen / 100:.2f})"
        )
    return rules.discount_fen(
        coupon.kind,
        data.basket_fen,
        amount_off_fen=coupon.amount_off_fen,
        percent_off=coupon.percent_off,
        cap_fen=coupon.cap_fen,
    )


def redeem(
    session: Session,
    store_id: int,
    data: RedemptionCreate,
    *,
    terminal_id: int | None = None,
    now: datetime | None = None,
) -> Redemption:
    """Use a coupon on a sale (the till's coupon hook and the online shop call this). At most once: the loser of
    two tills at the same moment gets ``CouponAlreadyRedeemed`` and nothing is written for it."""
    now = now or utcnow()
    issue = _find_issue(session, store_id, data, now)
    discount = check_redemption(session, store_id, issue, data, now)
    moved = session.execute(
        update(CouponIssue)
        .where(col(CouponIssue.id) == issue.id, col(CouponIssue.status) == "issued")
        .values(status="redeemed", redeemed_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise CouponAlreadyRedeemed(f"coupon {issue.code} was redeemed at another till a moment ago")
    row = Redemption(
        store_id=store_id,
        issue_id=issue.id,  # type: ignore[arg-type]
        coupon_id=issue.coupon_id,
        campaign_id=issue.campaign_id,
        member_id=issue.member_id,
        shop_id=data.shop_id,
        channel=data.channel,
        order_no=data.order_no,
        basket_fen=data.basket_fen,
        discount_fen=discount,
        terminal_id=terminal_id,
        redeemed_at=now,
    )
    session.add(row)
    session.flush()
    session.refresh(issue)
    return row


# --- results ---------------------------------------------------------------------------------------------


@dataclass
class ChannelResult:
    channel: str
    issued: int = 0
    claimed: int = 0
    redeemed: int = 0
    revenue_fen: int = 0
    discount_fen: int = 0


@dataclass
class CampaignResults:
    campaign: Campaign
    by_channel: list[ChannelResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.by_channel)

    @property
    def cost_fen(self) -> int:
        """The campaign's fixed cost plus every discount given."""
        return self.campaign.cost_fen + self.total("discount_fen")


def results(session: Session, store_id: int, campaign_id: int) -> CampaignResults:
    """Issued, claimed, redeemed, attributed revenue (baskets the coupons were used on) and cost, by channel."""
    campaign = get_campaign(session, store_id, campaign_id)
    found: dict[str, ChannelResult] = {}
    issued = session.exec(
        select(CouponIssue.channel, func.count(), func.sum(func.cast(col(CouponIssue.claimed), Integer)))
        .where(CouponIssue.campaign_id == campaign_id)
        .group_by(CouponIssue.channel)
    ).all()
    for channel, count, claimed_count in issued:
        found[channel] = ChannelResult(channel, issued=int(count), claimed=int(claimed_count or 0))
    used = session.exec(
        select(CouponIssue.channel, func.count(), func.sum(Redemption.basket_fen), func.sum(Redemption.discount_fen))
        .join(CouponIssue, col(CouponIssue.id) == Redemption.issue_id)
        .where(Redemption.campaign_id == campaign_id)
        .group_by(CouponIssue.channel)
    ).all()
    for channel, count, revenue, discount in used:
        row = found.setdefault(channel, ChannelResult(channel))
        row.redeemed, row.revenue_fen, row.discount_fen = int(count), int(revenue or 0), int(discount or 0)
    return CampaignResults(campaign, sorted(found.values(), key=lambda r: r.channel))


def redemptions_in_period(session: Session, store_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    """S1: (coupons issued online in ``[start, end)``, of them redeemed at a till)."""
    issued = session.exec(
        select(func.count()).where(
            CouponIssue.store_id == store_id, CouponIssue.issued_at >= start, CouponIssue.issued_at < end
        )
    ).one()
    offline = session.exec(
        select(func.count()).where(
            Redemption.store_id == store_id,
            Redemption.channel == "offline",
            Redemption.redeemed_at >= start,
            Redemption.redeemed_at < end,
        )
    ).one()
    return int(issued), int(offline)


ONLINE_CHANNELS = frozenset({"miniprogram", "kiosk", "screen", "official_account", "app", "live"})


def online_channels_in_period(session: Session, store_id: int, start: date, end: date) -> set[str]:
    """S1: the online channels campaigns running in ``start``..``end`` published content to."""
    rows = session.exec(
        select(Campaign.channels).where(
            Campaign.store_id == store_id, Campaign.starts_on <= end, Campaign.ends_on >= start
        )
    ).all()
    return {c for channels in rows for c in channels if c in ONLINE_CHANNELS}
