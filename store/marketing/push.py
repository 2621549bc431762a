"""The weekly precision push (S3 精准推送): plans, the week's preparation, dispatch, the delivery log.

Each week, for every active plan whose campaign runs that week, :func:`prepare_week` picks the segment's
members who consented to marketing push, applies the weekly frequency cap (all plans together), chooses a
lawful channel per member (``channels.route``; none → a ``skipped`` delivery with ``no_lawful_channel``, so
the S3 evaluator can explain a gap), personalises the text only for members who allow profiling (the others
get the generic text, PIPL art. 24) and queues one delivery per member at the plan's hour out of the quiet
hours. ``marketing_push_run`` is unique per plan and week and ``marketing_delivery`` per plan, member and week:
a re-run of the week prepares and sends nothing twice. :func:`dispatch_due` sends what is due and first
cancels every queued delivery whose member no longer consents (withdrawal stops the very next message).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, insert, literal, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from store.clock import business_day, day_bounds_utc, utcnow
from store.errors import InvalidInput
from store.marketing import channels, rules, segments
from store.marketing import service as marketing_service
from store.marketing.errors import NoConsentingMembers, PlanNotFound
from store.marketing.models import ChannelGrant, Delivery, PushPlan, PushRun, RfmScore
from store.marketing.schemas import ChannelGrantIn, PushPlanCreate, WeekRun
from store.members import service as members_service
from store.members.models import Member
from store.premises import service as premises_service
from store.scoping import get_in_store

log = logging.getLogger("store.marketing")
_d = Delivery.__table__  # type: ignore[attr-defined]
_g = ChannelGrant.__table__  # type: ignore[attr-defined]
_m = Member.__table__  # type: ignore[attr-defined]
_r = RfmScore.__table__  # type: ignore[attr-defined]
CHUNK = 5_000


def create_plan(session: Session, store_id: int, data: PushPlanCreate) -> PushPlan:
    """A weekly push of a campaign to a segment; refused when no member of the segment consented."""
    campaign = marketing_service.get_campaign(session, store_id, data.campaign_id)
    segment = segments.get(session, store_id, data.segment_id)
    if data.coupon_id is not None:
        coupon = marketing_service.get_coupon(session, store_id, data.coupon_id)
        if coupon.campaign_id != campaign.id:
            raise InvalidInput("the push's coupon must belong to its campaign")
    size = segments.preview(session, store_id, segments.rules_of(segment))
    if size.consenting == 0:
        raise NoConsentingMembers(
            f"segment {segment.name!r} has {size.size} members and none consented to marketing push"
        )
    row = PushPlan(store_id=store_id, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def get_plan(session: Session, store_id: int, plan_id: int) -> PushPlan:
    return get_in_store(session, PushPlan, plan_id, store_id=store_id, not_found=PlanNotFound, label="push plan")


def list_plans(session: Session, store_id: int) -> list[PushPlan]:
    return list(session.exec(sm_select(PushPlan).where(PushPlan.store_id == store_id).order_by(col(PushPlan.id))))


def set_grant(session: Session, store_id: int, member_id: int, data: ChannelGrantIn) -> ChannelGrant:
    """Record how a member can be reached: a subscription accepted (adds to what is left), the official account
    followed, the app installed, or an SMS opt-out (the R reply)."""
    members_service.get_member(session, store_id, member_id)
    row = session.exec(
        sm_select(ChannelGrant).where(ChannelGrant.member_id == member_id, ChannelGrant.channel == data.channel.value)
    ).first()
    if row is None:
        row = ChannelGrant(store_id=store_id, member_id=member_id, channel=data.channel.value, remaining=0)
    row.remaining = row.remaining + data.remaining if data.channel == "miniprogram" else data.remaining
    row.opted_out = data.opted_out
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def _audience_query(session: Session, store_id: int, plan: PushPlan, week_on: date) -> Any:
    """The plan's segment narrowed to the members who consent to marketing push, as a subquery (``id``)."""
    segment = segments.get(session, store_id, plan.segment_id)
    query = segments.consenting(segments.members_query(store_id, segments.rules_of(segment), today=week_on))
    return query.subquery("audience")


_DELIVERY_COLUMNS = [
    "store_id",
    "plan_id",
    "member_id",
    "week_on",
    "personalised",
    "scheduled_at",
    "sent_at",
    "channel",
    "status",
    "reason",
    "body",
]


def _deliveries(store_id: int, plan: PushPlan, week_on: date, tz: str, at: datetime, audience: Any) -> Any:
    """``SELECT`` of the week's delivery rows, one per consenting member of the segment, all in the database
    (set-based: no per-member loop, no ids sent back and forth). The same rules as :func:`channels.route` and
    :func:`rules.personalise`: the weekly cap over all plans first, then the first lawful channel in
    ``channels.PREFERENCE`` (app; a mini-program subscription with one left; the official account under its
    monthly quota; SMS, moved out of the quiet hours), else ``no_lawful_channel``; the personal text only for
    members who allow profiling and have a known category, the SMS with its opt-out line."""
    member = audience.c.id
    month_start = day_bounds_utc(week_on.replace(day=1), tz)[0]
    week_start, week_end = day_bounds_utc(week_on, tz)[0], day_bounds_utc(week_on + timedelta(days=7), tz)[0]
    stamp = _d.c.scheduled_at.type
    sending = and_(_d.c.store_id == store_id, _d.c.status.in_(("queued", "sent")), _d.c.member_id == member)
    official = (
        select(func.count())
        .where(sending, _d.c.channel == "official_account", _d.c.scheduled_at >= literal(month_start, stamp))
        .scalar_subquery()
    )
    others = (
        select(func.count())
        .where(
            sending,
            _d.c.plan_id != plan.id,
            _d.c.scheduled_at >= literal(week_start, stamp),
            _d.c.scheduled_at < literal(week_end, stamp),
        )
        .scalar_subquery()
    )
    grants = {ch: _g.alias(f"g_{ch}") for ch in channels.PREFERENCE}
    joined = audience
    for name, grant in grants.items():
        usable = [grant.c.member_id == member, grant.c.channel == name, grant.c.opted_out.is_(False)]
        if name == "miniprogram":
            usable.append(grant.c.remaining > 0)
        joined = joined.outerjoin(grant, and_(*usable))
    rfm = _r.alias("rfm")
    joined = joined.outerjoin(rfm, and_(rfm.c.member_id == member, rfm.c.store_id == store_id))
    lawful = {
        "app": grants["app"].c.member_id.is_not(None),
        "miniprogram": grants["miniprogram"].c.member_id.is_not(None),
        "official_account": and_(
            grants["official_account"].c.member_id.is_not(None), official < rules.OFFICIAL_ACCOUNT_MONTHLY
        ),
        "sms": grants["sms"].c.member_id.is_not(None),
    }
    capped = others >= rules.WEEKLY_CAP
    routed = case((capped, literal("")), *[(lawful[ch], literal(ch)) for ch in channels.PREFERENCE], else_=literal(""))
    category = func.coalesce(rfm.c.top_category, "")
    allowing = members_service.consenting_query(store_id, segments.PROFILING_PURPOSE)
    personal = and_(literal(bool(plan.personal_body)), member.in_(allowing), category != "")
    text = case((personal, func.replace(literal(plan.personal_body), "{category}", category)), else_=literal(plan.body))
    sms_text = cast(text, String) + literal(" " + rules.SMS_OPT_OUT)
    skipped = or_(capped, routed == "")
    return select(
        literal(store_id),
        literal(plan.id),
        member,
        literal(week_on),
        case((personal, literal(True)), else_=literal(False)),
        case((routed == "sms", literal(rules.sms_allowed_at(at, tz), stamp)), else_=literal(at, stamp)),
        cast(null(), stamp),
        routed,
        case((skipped, literal("skipped")), else_=literal("queued")),
        case(
            (capped, literal("frequency_cap")), (routed == "", literal(channels.NO_LAWFUL_CHANNEL)), else_=literal("")
        ),
        case(
            (skipped, literal("")),
            (routed == "sms", func.substr(sms_text, 1, 400)),
            else_=func.substr(text, 1, 400),
        ),
    ).select_from(joined)


def prepare_week(
    session: Session, store_id: int, plan_id: int, week_on: date, *, now: datetime | None = None
) -> WeekRun:
    """Queue the plan's deliveries of the week starting ``week_on`` (a Monday), once."""
    now = now or utcnow()
    week_on = rules.week_monday(week_on)
    plan = get_plan(session, store_id, plan_id)
    done = session.exec(sm_select(PushRun).where(PushRun.plan_id == plan.id, PushRun.week_on == week_on)).first()
    if done is not None:
        return _week_run(session, done, already=True)
    tz = premises_service.get_store(session, store_id).timezone
    audience = _audience_query(session, store_id, plan, week_on)
    size = session.execute(select(func.count()).select_from(audience)).scalar_one()
    if not size:
        raise NoConsentingMembers("no member of the push's segment consents to marketing push: nothing queued")
    run = PushRun(store_id=store_id, plan_id=plan.id, week_on=week_on, segment_size=int(size))  # type: ignore[arg-type]
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:  # another worker prepared this week a moment ago
        done = session.exec(sm_select(PushRun).where(PushRun.plan_id == plan.id, PushRun.week_on == week_on)).one()
        return _week_run(session, done, already=True)
    at = max(rules.scheduled_at(week_on, plan.weekday, plan.send_hour, tz), now)
    session.execute(insert(_d).from_select(_DELIVERY_COLUMNS, _deliveries(store_id, plan, week_on, tz, at, audience)))
    counted = dict(
        session.execute(  # type: ignore[arg-type]
            select(_d.c.status, func.count())
            .where(_d.c.plan_id == plan.id, _d.c.week_on == week_on)
            .group_by(_d.c.status)
        ).all()
    )
    run.queued = int(counted.get("queued", 0))
    run.skipped = int(counted.get("skipped", 0))
    session.add(run)
    session.flush()
    return _week_run(session, run, already=False)


def _week_run(session: Session, run: PushRun, *, already: bool) -> WeekRun:
    sent = session.execute(
        select(func.count()).where(_d.c.plan_id == run.plan_id, _d.c.week_on == run.week_on, _d.c.status == "sent")
    ).scalar_one()
    return WeekRun(
        plan_id=run.plan_id,
        week_on=run.week_on,
        segment_size=run.segment_size,
        queued=run.queued,
        skipped=run.skipped,
        sent=int(sent),
        already_prepared=already,
    )


def dispatch_due(session: Session, store_id: int, *, now: datetime | None = None) -> int:
    """Send every queued delivery that is due; first cancel the queued ones of members who withdrew consent
    (or closed their account). Returns how many were sent."""
    now = now or utcnow()
    queued = session.execute(
        select(_d.c.id, _d.c.member_id, _d.c.channel, _d.c.body, _d.c.scheduled_at).where(
            _d.c.store_id == store_id, _d.c.status == "queued"
        )
    ).all()
    if not queued:
        return 0
    allowed = members_service.consenting_ids(session, store_id, segments.PUSH_PURPOSE, {q.member_id for q in queued})
    withdrawn = [q.id for q in queued if q.member_id not in allowed]
    _set_status(session, withdrawn, status="cancelled", reason="consent_withdrawn")
    tz = premises_service.get_store(session, store_id).timezone
    due = [
        q
        for q in queued
        if q.member_id in allowed
        and _aware(q.scheduled_at) <= now
        and (q.channel != "sms" or rules.sms_allowed_at(now, tz) == now)
    ]
    used_up = _take_subscriptions(session, [q for q in due if q.channel == "miniprogram"])
    _set_status(session, [q.id for q in due if q.id in used_up], status="cancelled", reason="subscription_used")
    due = [q for q in due if q.id not in used_up]
    numbers = (
        dict(session.execute(select(_m.c.id, _m.c.member_no).where(_m.c.id.in_({q.member_id for q in due}))).all())
        if due
        else {}
    )
    by_channel: dict[str, list[channels.Message]] = {}
    for q in due:
        by_channel.setdefault(q.channel, []).append(
            channels.Message(store_id, q.id, q.channel, numbers.get(q.member_id, ""), q.body)
        )
    for channel, messages in by_channel.items():
        channels.plugin_for(channel).send(session, messages)
    _set_status(session, [q.id for q in due], status="sent", sent_at=now)
    if withdrawn:
        log.info("push cancelled for withdrawn consent", extra={"store": store_id, "deliveries": len(withdrawn)})
    return len(due)


def _take_subscriptions(session: Session, rows: list) -> set[int]:  # type: ignore[type-arg]
    """One subscription message per acceptance: take one from each member's grant (set-based: the worker is the
    only sender, held by its lock); the ids of the deliveries whose member had none left."""
    members = sorted({q.member_id for q in rows})
    left: set[int] = set()
    for i in range(0, len(members), CHUNK):
        chunk = members[i : i + CHUNK]
        mine = (_g.c.member_id.in_(chunk), _g.c.channel == "miniprogram", _g.c.remaining > 0)
        left.update(session.execute(select(_g.c.member_id).where(*mine)).scalars())
        session.execute(update(_g).where(*mine).values(remaining=_g.c.remaining - 1))
    return {q.id for q in rows if q.member_id not in left}


def _set_status(session: Session, ids: list[int], **values: object) -> None:
    for i in range(0, len(ids), CHUNK):
        session.execute(update(_d).where(_d.c.id.in_(ids[i : i + CHUNK]), _d.c.status == "queued").values(**values))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run_week(session: Session, store_id: int, *, now: datetime | None = None) -> list[WeekRun]:
    """The weekly job for one store: prepare this week for every active plan whose campaign runs this week
    (a segment without consenting members is logged and skipped), then send what is due."""
    now = now or utcnow()
    tz = premises_service.get_store(session, store_id).timezone
    week_on = rules.week_monday(business_day(now, tz))
    runs = []
    for plan in list_plans(session, store_id):
        campaign = marketing_service.get_campaign(session, store_id, plan.campaign_id)
        if not plan.active or campaign.ends_on < week_on or campaign.starts_on > week_on + timedelta(days=6):
            continue
        try:
            runs.append(prepare_week(session, store_id, plan.id, week_on, now=now))  # type: ignore[arg-type]
        except NoConsentingMembers as error:
            log.warning("push plan skipped", extra={"store": store_id, "plan": plan.id, "why": error.message})
    dispatch_due(session, store_id, now=now)
    return runs


# --- the delivery log and the calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekFigure:
    week_on: date
    sent: int
    skipped: int
    cancelled: int
    no_channel: int


def weeks(session: Session, store_id: int, first: date, last: date) -> list[WeekFigure]:
    """Every week (Monday) from ``first``'s week to ``last``'s with its sent, skipped, cancelled deliveries."""
    start, end = rules.week_monday(first), rules.week_monday(last)
    counts: dict[tuple[date, str, str], int] = {}
    for week_on, status, reason, n in session.execute(
        select(_d.c.week_on, _d.c.status, _d.c.reason, func.count())
        .where(_d.c.store_id == store_id, _d.c.week_on >= start, _d.c.week_on <= end)
        .group_by(_d.c.week_on, _d.c.status, _d.c.reason)
    ):
        key = (_as_date(week_on), status, reason)
        counts[key] = counts.get(key, 0) + int(n)
    out, day = [], start
    while day <= end:
        mine = {k: v for k, v in counts.items() if k[0] == day}
        out.append(
            WeekFigure(
                day,
                sent=sum(v for k, v in mine.items() if k[1] == "sent"),
                skipped=sum(v for k, v in mine.items() if k[1] == "skipped"),
                cancelled=sum(v for k, v in mine.items() if k[1] == "cancelled"),
                no_channel=sum(v for k, v in mine.items() if k[2] == channels.NO_LAWFUL_CHANNEL),
            )
        )
        day += timedelta(days=7)
    return out


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def delivery_log(
    session: Session, store_id: int, *, week_on: date | None = None, status: str | None = None, limit: int = 100
) -> list[tuple[Delivery, str]]:
    """Deliveries, newest first, each with the member's masked phone (never the number)."""
    query = (
        sm_select(Delivery, Member.phone_masked)
        .join(Member, col(Member.id) == Delivery.member_id)
        .where(Delivery.store_id == store_id)
    )
    if week_on is not None:
        query = query.where(Delivery.week_on == rules.week_monday(week_on))
    if status:
        query = query.where(Delivery.status == status)
    return [(d, phone) for d, phone in session.exec(query.order_by(col(Delivery.id).desc()).limit(limit))]
