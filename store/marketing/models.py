"""Tables of the marketing domain: campaigns, coupons (issued and redeemed), segments and RFM scores, the weekly
push (plans, runs, deliveries, the bundled channel's outbox, members' channel grants).

A coupon is redeemed at most once: ``marketing_coupon_issue.status`` moves from ``issued`` to ``redeemed`` in one
guarded UPDATE, and ``marketing_redemption.issue_id`` is unique, so two tills at the same moment get one success.
A delivery is unique per (plan, member, week): a re-run of a week sends nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Campaign(SQLModel, table=True):
    """A marketing campaign: period, shops (none: the whole store), channels and the content it publishes."""

    __tablename__ = "marketing_campaign"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("cost_fen >= 0", name="cost_not_negative"),
        Index("ix_marketing_campaign_store_start", "store_id", "starts_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    name: str = Field(max_length=120)
    starts_on: date
    ends_on: date
    shop_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    content_title: str = Field(default="", max_length=120)
    content_body: str = Field(default="", max_length=1000)
    cost_fen: int = Field(default=0, sa_type=BigInteger)  # fixed cost (design, screens, SMS fees), besides discounts
    # The catalog promotion whose kiosk claim QR gives this campaign's coupon (store.marketing.kiosk); checked
    # by the service, no foreign key (marketing_campaign is not rebuilt on SQLite for it).
    promotion_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Coupon(SQLModel, table=True):
    """A coupon type of a campaign: amount off, or percent off with a cap; threshold, limits, shops, categories."""

    __tablename__ = "marketing_coupon"
    __table_args__ = (
        CheckConstraint("valid_until > valid_from", name="valid_after_start"),
        CheckConstraint("issued_count <= total_quantity", name="issued_within_quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    campaign_id: int = Field(foreign_key="marketing_campaign.id", index=True)
    name: str = Field(max_length=80)
    kind: str = Field(sa_type=String(10))  # amount | percent
    amount_off_fen: int = Field(default=0, sa_type=BigInteger)
    percent_off: int = 0  # 1..90
    cap_fen: int = Field(default=0, sa_type=BigInteger)  # percent coupons: the most taken off (0: no cap)
    threshold_fen: int = Field(default=0, sa_type=BigInteger)
    per_member_limit: int = 1
    total_quantity: int
    issued_count: int = 0
    shop_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: datetime = Field(sa_type=AwareDateTime)
    valid_until: datetime = Field(sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CouponIssue(SQLModel, table=True):
    """One coupon in one member's hands (its code); ``status`` issued → redeemed once, or void."""

    __tablename__ = "marketing_coupon_issue"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        UniqueConstraint("coupon_id", "member_id", "seq"),
        Index("ix_marketing_coupon_issue_member", "member_id", "coupon_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    coupon_id: int = Field(foreign_key="marketing_coupon.id", index=True)
    campaign_id: int = Field(foreign_key="marketing_campaign.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    seq: int = 1  # the member's n-th coupon of this type (the per-member limit, race-safe)
    code: str = Field(max_length=24)
    channel: str = Field(sa_type=String(20))  # miniprogram | kiosk | push | online | admin
    claimed: bool = True  # the member took it (mini-program, kiosk) rather than being given it (push)
    status: str = Field(default="issued", sa_type=String(10))  # issued | redeemed | void
    issued_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    redeemed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Redemption(SQLModel, table=True):
    """A coupon used on a sale (till or online), with the basket it was used on: the campaign's revenue."""

    __tablename__ = "marketing_redemption"
    __table_args__ = (Index("ix_marketing_redemption_campaign", "campaign_id", "redeemed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    issue_id: int = Field(foreign_key="marketing_coupon_issue.id", unique=True)
    coupon_id: int = Field(foreign_key="marketing_coupon.id")
    campaign_id: int = Field(foreign_key="marketing_campaign.id")
    member_id: int = Field(foreign_key="member.id")
    shop_id: int = Field(foreign_key="shop.id")
    channel: str = Field(sa_type=String(10))  # offline | online
    order_no: str = Field(default="", max_length=64)
    basket_fen: int = Field(sa_type=BigInteger)
    discount_fen: int = Field(sa_type=BigInteger)
    terminal_id: int | None = Field(default=None, foreign_key="device.id")
    redeemed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Segment(SQLModel, table=True):
    """A rule-based set of members (see ``store.marketing.segments.SegmentRules``)."""

    __tablename__ = "marketing_segment"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    name: str = Field(max_length=80)
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class RfmScore(SQLModel, table=True):
    """A member's nightly RFM scores (quintiles 1–5) and the figures behind them (last 365 days)."""

    __tablename__ = "marketing_rfm"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    recency_days: int | None = None  # None: no purchase in the window
    frequency: int = 0
    monetary_fen: int = Field(default=0, sa_type=BigInteger)
    r: int = 1
    f: int = 1
    m: int = 1
    label: str = Field(default="lost", sa_type=String(20))
    top_category: str = Field(default="", max_length=30)
    computed_on: date


class PushPlan(SQLModel, table=True):
    """A campaign's weekly push to a segment: weekday and hour (store time), content, an optional coupon."""

    __tablename__ = "marketing_push_plan"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    campaign_id: int = Field(foreign_key="marketing_campaign.id", index=True)
    segment_id: int = Field(foreign_key="marketing_segment.id")
    weekday: int = 0  # 0 Monday
    send_hour: int = 10
    title: str = Field(max_length=60)
    body: str = Field(max_length=300)  # generic content: what a member who switched personalisation off gets
    personal_body: str = Field(default="", max_length=300)  # may name {category}
    coupon_id: int | None = Field(default=None, foreign_key="marketing_coupon.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PushRun(SQLModel, table=True):
    """One plan prepared for one week (unique): a second run of the same week prepares nothing."""

    __tablename__ = "marketing_push_run"
    __table_args__ = (UniqueConstraint("plan_id", "week_on"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    plan_id: int = Field(foreign_key="marketing_push_plan.id")
    week_on: date  # the Monday of the week (store time)
    segment_size: int = 0
    queued: int = 0
    skipped: int = 0
    prepared_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Delivery(SQLModel, table=True):
    """One member's message of one plan and week: queued → sent | cancelled, or skipped with the reason."""

    __tablename__ = "marketing_delivery"
    __table_args__ = (
        UniqueConstraint("plan_id", "member_id", "week_on"),
        Index("ix_marketing_delivery_store_week", "store_id", "week_on", "status"),
        Index("ix_marketing_delivery_due", "status", "scheduled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    plan_id: int = Field(foreign_key="marketing_push_plan.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    week_on: date
    channel: str = Field(default="", sa_type=String(20))
    status: str = Field(sa_type=String(10))  # queued | sent | cancelled | skipped
    reason: str = Field(default="", max_length=40)  # no_lawful_channel, frequency_cap, consent_withdrawn, ...
    personalised: bool = False
    body: str = Field(default="", max_length=400)
    scheduled_at: datetime = Field(sa_type=AwareDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Outbox(SQLModel, table=True):
    """What the bundled channel plugin 'sent' (a real gateway's plugin sends instead)."""

    __tablename__ = "marketing_outbox"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    delivery_id: int = Field(foreign_key="marketing_delivery.id", unique=True)
    channel: str = Field(sa_type=String(20))
    member_no: str = Field(max_length=32)
    body: str = Field(max_length=400)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class ChannelGrant(SQLModel, table=True):
    """How a member can be reached outside the mini-program session: subscription acceptances left, following
    the official account, the app installed, SMS (opted out by replying R)."""

    __tablename__ = "marketing_channel_grant"
    __table_args__ = (UniqueConstraint("member_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    channel: str = Field(sa_type=String(20))  # miniprogram | official_account | app | sms
    remaining: int = 0  # mini-program subscription: messages left (one per acceptance)
    opted_out: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
