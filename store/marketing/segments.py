"""Segments: rule-based member sets compiled to one SQL query, their preview (size, consenting), and the nightly
RFM scores they can use (quintiles over the last 365 days, ``store.marketing.rules``).

The consent filter is the members domain's rule (``members_service.consents_now``, a SQL condition embedded in
the segment's query: the latest marketing_push decision per member, as ``may_contact`` decides it for one): a
segment of 200,000 members is one query, not 200,000. The push dispatcher re-checks the same rule right before
each send (``members_service.consenting_ids``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, exists, extract, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from store.analytics import profiles as analytics_profiles
from store.clock import business_day, utcnow
from store.marketing import rules
from store.marketing.errors import SegmentNotFound, SegmentRulesInvalid
from store.marketing.models import RfmScore, Segment
from store.marketing.schemas import SegmentCreate, SegmentPreview, SegmentRules
from store.members import service as members_service
from store.members.models import Member
from store.premises import service as premises_service
from store.sales.models import Order
from store.scoping import get_in_store

WINDOW_DAYS = 365
PUSH_PURPOSE = "marketing_push"
PROFILING_PURPOSE = "profiling"

_m = Member.__table__  # type: ignore[attr-defined]
_r = RfmScore.__table__  # type: ignore[attr-defined]
_o = Order.__table__  # type: ignore[attr-defined]


def _check(data: SegmentRules) -> None:
    if data.min_spend_fen is not None and data.max_spend_fen is not None and data.max_spend_fen < data.min_spend_fen:
        raise SegmentRulesInvalid("the highest spend is below the lowest")
    if (
        data.min_recency_days is not None
        and data.max_recency_days is not None
        and data.max_recency_days < data.min_recency_days
    ):
        raise SegmentRulesInvalid("'bought within' is shorter than 'nothing for'")
    unknown = set(data.rfm_labels) - set(rules.RFM_LABELS)
    if unknown:
        raise SegmentRulesInvalid(f"unknown RFM labels: {', '.join(sorted(unknown))}")
    for value in (data.min_spend_fen, data.max_spend_fen, data.min_frequency, data.min_recency_days):
        if value is not None and value < 0:
            raise SegmentRulesInvalid("spend, frequency and days cannot be negative")


def members_query(store_id: int, data: SegmentRules, *, today: date) -> Select[Any]:
    """``SELECT member.id`` of the active members matching every rule given."""
    query = (
        select(_m.c.id)
        .select_from(_m.outerjoin(_r, _r.c.member_id == _m.c.id))
        .where(_m.c.store_id == store_id, _m.c.status == "active")
    )
    if data.tiers:
        query = query.where(_m.c.tier.in_(data.tiers))
    spend = func.coalesce(_r.c.monetary_fen, 0)
    if data.min_spend_fen is not None:
        query = query.where(spend >= data.min_spend_fen)
    if data.max_spend_fen is not None:
        query = query.where(spend <= data.max_spend_fen)
    if data.min_frequency is not None:
        query = query.where(func.coalesce(_r.c.frequency, 0) >= data.min_frequency)
    if data.max_recency_days is not None:
        query = query.where(_r.c.recency_days.is_not(None), _r.c.recency_days <= data.max_recency_days)
    if data.min_recency_days is not None:
        query = query.where(or_(_r.c.recency_days.is_(None), _r.c.recency_days >= data.min_recency_days))
    if data.categories:
        query = query.where(_r.c.top_category.in_(data.categories))
    if data.rfm_labels:
        query = query.where(func.coalesce(_r.c.label, "none").in_(data.rfm_labels))
    if data.birthday_month is not None:
        query = query.where(extract("month", _m.c.birthday) == data.birthday_month)
    if data.profile_groups:  # consumer groups of the analytics module (members who consented to profiling)
        query = query.where(_m.c.id.in_(analytics_profiles.members_in_groups(store_id, data.profile_groups)))
    if data.shop_ids:
        since = datetime.combine(today - timedelta(days=WINDOW_DAYS), datetime.min.time(), tzinfo=UTC)
        query = query.where(
            exists(
                select(literal(1)).where(
                    _o.c.member_id == _m.c.id, _o.c.shop_id.in_(data.shop_ids), _o.c.ordered_at >= since
                )
            )
        )
    return query


def consenting(query: Select[Any], purpose: str = PUSH_PURPOSE) -> Select[Any]:
    """Narrow a members query to those who consent to ``purpose`` now (the members domain's rule)."""
    return query.where(members_service.consents_now(purpose))


def consenting_ids(session: Session, member_ids: list[int], purpose: str) -> set[int]:
    """Of ``member_ids``, those who consent to ``purpose`` now, by the members domain's rule (the demo hook's
    bulk read; the push code asks ``members_service.consenting_ids`` of its store)."""
    found: set[int] = set()
    for i in range(0, len(member_ids), 5_000):
        query = consenting(select(_m.c.id).where(_m.c.id.in_(member_ids[i : i + 5_000])), purpose)
        found.update(session.execute(query).scalars())
    return found


def create(session: Session, store_id: int, data: SegmentCreate) -> Segment:
    _check(data.rules)
    row = Segment(store_id=store_id, name=data.name.strip(), rules=data.rules.model_dump(exclude_defaults=True))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise SegmentRulesInvalid(f"a segment named {data.name!r} exists already") from None
    return row


def update(session: Session, store_id: int, segment_id: int, data: SegmentCreate) -> Segment:
    """Rename a segment or change its rules (checked as a new one's); the push plans using it follow."""
    row = get(session, store_id, segment_id)
    _check(data.rules)
    row.name, row.rules = data.name.strip(), data.rules.model_dump(exclude_defaults=True)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise SegmentRulesInvalid(f"a segment named {data.name!r} exists already") from None
    return row


def get(session: Session, store_id: int, segment_id: int) -> Segment:
    return get_in_store(session, Segment, segment_id, store_id=store_id, not_found=SegmentNotFound, label="segment")


def list_segments(session: Session, store_id: int) -> list[Segment]:
    return list(session.exec(sm_select(Segment).where(Segment.store_id == store_id).order_by(col(Segment.id))).all())


def rules_of(segment: Segment) -> SegmentRules:
    return SegmentRules.model_validate(segment.rules)


def preview(session: Session, store_id: int, data: SegmentRules, *, today: date | None = None) -> SegmentPreview:
    """How many members the rules pick, and how many of them consented to marketing push."""
    _check(data)
    today = today or _today(session, store_id)
    query = members_query(store_id, data, today=today)
    size = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    agreed = session.execute(select(func.count()).select_from(consenting(query).subquery())).scalar_one()
    return SegmentPreview(size=int(size), consenting=int(agreed))


def _today(session: Session, store_id: int) -> date:
    return business_day(utcnow(), premises_service.get_store(session, store_id).timezone)


# --- RFM (nightly) -------------------------------------------------------------------------------------------


def compute_rfm(session: Session, store_id: int, today: date) -> int:
    """Recompute every member's RFM scores from the orders of the 365 days before ``today`` (set-based reads,
    one bulk insert); members with no purchase get no row (they read as label ``none``)."""
    since = datetime.combine(today - timedelta(days=WINDOW_DAYS), datetime.min.time()).replace(tzinfo=UTC)
    until = datetime.combine(today, datetime.min.time()).replace(tzinfo=UTC)
    net = _o.c.total_fen - _o.c.refunded_fen
    window = and_(
        _o.c.store_id == store_id, _o.c.member_id.is_not(None), _o.c.ordered_at >= since, _o.c.ordered_at < until
    )
    categories = {s.id: s.category for s in premises_service.list_shops(session, store_id)}
    # One grouped read per (member, shop): recency, frequency and spend add up per member, the shop with the
    # most spend names the member's top category.
    found: dict[int, list[Any]] = {}
    for member_id, shop_id, last_on, orders, spent in session.execute(
        select(_o.c.member_id, _o.c.shop_id, func.max(_o.c.business_on), func.count(), func.sum(net))
        .where(window)
        .group_by(_o.c.member_id, _o.c.shop_id)
    ):
        day, spent = _as_date(last_on), int(spent or 0)
        row = found.get(member_id)
        if row is None:
            found[member_id] = [day, int(orders), spent, spent, categories.get(shop_id, "")]
            continue
        row[0] = max(row[0], day)
        row[1] += int(orders)
        row[2] += spent
        if spent > row[3]:
            row[3], row[4] = spent, categories.get(shop_id, "")
    rows = [(member_id, r[0], r[1], r[2]) for member_id, r in found.items()]
    best = {member_id: (r[3], r[4]) for member_id, r in found.items()}
    ids = [r[0] for r in rows]
    recency = [(today - r[1]).days for r in rows]
    frequency = [int(r[2]) for r in rows]
    monetary = [r[3] for r in rows]
    r_scores = rules.quintiles(recency, higher_is_better=False)
    f_scores = rules.quintiles(frequency)
    m_scores = rules.quintiles(monetary)
    session.execute(delete(_r).where(_r.c.store_id == store_id))
    values = [
        {
            "member_id": ids[i],
            "store_id": store_id,
            "recency_days": recency[i],
            "frequency": frequency[i],
            "monetary_fen": monetary[i],
            "r": r_scores[i],
            "f": f_scores[i],
            "m": m_scores[i],
            "label": rules.rfm_label(r_scores[i], f_scores[i], m_scores[i], bought=True),
            "top_category": best.get(ids[i], (0, ""))[1][:30],
            "computed_on": today,
        }
        for i in range(len(ids))
    ]
    for i in range(0, len(values), 20_000):
        session.execute(insert(_r), values[i : i + 20_000])
    return len(values)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def rfm_computed_on(session: Session, store_id: int) -> date | None:
    """The day the store's RFM scores were last computed (None: never; spend and recency rules read as none)."""
    found = session.execute(select(func.max(_r.c.computed_on)).where(_r.c.store_id == store_id)).scalar()
    return _as_date(found) if found is not None else None
