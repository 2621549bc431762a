"""Demo hook of marketing: two years of monthly campaigns with coupons whose redemptions are real member sales,
and a year of weekly pushes to the diamond members through the real push code.

- A campaign a month (mini-program, kiosks, screens), each with one coupon type (amount off or percent off with
  a cap, a threshold). Its redemptions are member orders of that month at or above the threshold (a fixed
  share, picked by order id): each becomes a coupon issued to that member a few days before (mini-program,
  kiosk or push) and redeemed on that order, its basket the order's total. Twice as many coupons are issued
  and never used. All set-based (one read of the orders, executemany inserts).
- Four segments, and the RFM scores of every member who bought in the last year, computed as the worker's
  nightly job does (``jobs.nightly_rfm``) the night after the demo's last day.
- A standing "会员周报" campaign over the weeks since the 1st of the month a year before the last day (so any
  12-month report period ending this month or last has a push every week: S3) pushed every Monday 10:00 to
  the diamond members who consented; channel grants as a mall has them (app, subscription acceptances,
  official account, SMS with a few R replies, some none → "no lawful channel"); each week's runs, deliveries
  and outbox rows written in bulk with the push code's own router (``channels.route``) and texts
  (``rules.personalise``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select, text
from sqlmodel import SQLModel

from store.marketing import channels, push, rules, segments
from store.marketing.models import (
    Campaign,
    ChannelGrant,
    Coupon,
    CouponIssue,
    Delivery,
    Outbox,
    PushPlan,
    PushRun,
    Redemption,
)
from store.marketing.schemas import PushPlanCreate, SegmentCreate, SegmentRules
from store.members.models import Member
from store.premises import service as premises_service
from store.sales.models import Order

THEMES = (
    "新春会员月",
    "情人节礼遇",
    "春季焕新",
    "踏青运动季",
    "五一欢乐购",
    "618 年中庆",
    "夏日清凉节",
    "七夕心意",
    "开学季",
    "国庆黄金周",
    "双十一狂欢",
    "年终感恩季",
)
REDEEM_EVERY = 47  # one member order in 47 at or above the threshold used a coupon


def push_weeks(end_on: date) -> tuple[date, int]:
    """The first Monday of the weekly push history and its number of weeks: every week from the one holding
    the 1st of the month a year before ``end_on`` to the one holding ``end_on`` (53–57 weeks)."""
    first = rules.week_monday(date(end_on.year - 1, end_on.month, 1))
    return first, (rules.week_monday(end_on) - first).days // 7 + 1


def generate(ctx: Any) -> None:
    session, rng = ctx.session, ctx.rng("marketing")
    conn = session.connection()
    store = premises_service.get_store(session, ctx.store_id)
    zone = ZoneInfo(store.timezone)
    shops = premises_service.list_shops(session, ctx.store_id)
    campaigns, coupons, months = [], [], []
    month = ctx.start_on.replace(day=1)
    cid = _next_id(session, Campaign)
    kid = _next_id(session, Coupon)
    while month <= ctx.end_on:
        following = (month + timedelta(days=32)).replace(day=1)
        ends = min(following - timedelta(days=1), ctx.end_on)
        theme = THEMES[month.month - 1]
        percent = month.month % 3 == 0
        category = rng.choice(sorted({s.category for s in shops})) if month.month % 4 == 0 and shops else None
        shop_ids = sorted(s.id for s in shops if s.category == category and s.id) if category else []
        campaigns.append(
            {
                "id": cid,
                "store_id": ctx.store_id,
                "name": f"{month.year} {theme}",
                "starts_on": month,
                "ends_on": ends,
                "shop_ids": shop_ids,
                "channels": ["kiosk", "miniprogram", "screen"],
                "content_title": theme,
                "content_body": f"{theme}：会员专享优惠券，小程序或导购屏领取，全场收银台核销。",
                "cost_fen": rng.randint(20, 80) * 1_000_00,
                "created_at": datetime.combine(month - timedelta(days=10), time(2), tzinfo=UTC),
            }
        )
        threshold = rng.choice((100_00, 200_00, 300_00, 500_00))
        coupons.append(
            {
                "id": kid,
                "store_id": ctx.store_id,
                "campaign_id": cid,
                "name": f"{theme} 满{threshold // 100}{'享9折' if percent else '减' + str(threshold // 500)}",
                "kind": "percent" if percent else "amount",
                "amount_off_fen": 0 if percent else threshold // 5,
                "percent_off": 10 if percent else 0,
                "cap_fen": 100_00 if percent else 0,
                "threshold_fen": threshold,
                "per_member_limit": 5,
                "total_quantity": 0,  # set below from what was issued
                "issued_count": 0,
                "shop_ids": shop_ids,
                "categories": [category] if category else [],
                "valid_from": datetime.combine(month, time(), tzinfo=zone).astimezone(UTC),
                "valid_until": datetime.combine(ends + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC),
                "created_at": datetime.combine(month - timedelta(days=10), time(2), tzinfo=UTC),
            }
        )
        months.append((month, ends, cid, kid))
        cid, kid, month = cid + 1, kid + 1, following
    issues, redemptions = _coupon_history(ctx, rng, months, {c["id"]: c for c in coupons})
    per_coupon: dict[int, int] = {}
    for issue in issues:
        per_coupon[issue["coupon_id"]] = per_coupon.get(issue["coupon_id"], 0) + 1
    for coupon in coupons:
        issued = per_coupon.get(coupon["id"], 0)
        coupon["issued_count"] = issued
        coupon["total_quantity"] = max(issued, 1) + 500
    conn.execute(insert(Campaign.__table__), campaigns)  # type: ignore[attr-defined]
    conn.execute(insert(Coupon.__table__), coupons)  # type: ignore[attr-defined]
    _bulk(conn, CouponIssue, issues)
    _bulk(conn, Redemption, redemptions)
    _sync_sequences(session)  # the push history below adds rows through the ORM too
    sent = _weekly_push(ctx, rng, zone)
    _sync_sequences(session)
    # The scores the worker's nightly job keeps (jobs.nightly_rfm), as of the night after the demo's last day:
    # the RFM segments and the segment previews read them.
    scored = segments.compute_rfm(session, ctx.store_id, ctx.end_on + timedelta(days=1))
    ctx.echo(
        f"demo: marketing  {len(campaigns)} campaigns, {len(issues):,} coupons, {len(redemptions):,} redeemed on "
        f"member sales, {sent:,} pushes over {push_weeks(ctx.end_on)[1]} weeks, RFM scores of {scored:,} members"
    )


def _sync_sequences(session: Any) -> None:
    """On PostgreSQL, move each marketing table's id sequence past the ids written here by hand, so the next
    row added without an id (the ORM, the API) does not collide with them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if table.name.startswith("marketing_") and "id" in table.c and table.c.id.primary_key:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
                )
            )


def _bulk(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with the driver's executemany in the storage format (no per-value type processing, which
    was most of the hook's time): times as AwareDateTime writes them, days as ISO text, lists as JSON."""
    if not rows:
        return
    sqlite = conn.dialect.name == "sqlite"
    columns = list(rows[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"

    moments: dict[datetime, str] = {}  # a week's deliveries share a handful of moments

    def value(v: Any) -> Any:
        if isinstance(v, datetime):
            text = moments.get(v)
            if text is None:
                utc = v.astimezone(UTC)
                text = moments[v] = utc.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else utc.isoformat()
            return text
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, list):
            return json.dumps(v)
        return v

    for i in range(0, len(rows), 20_000):
        conn.exec_driver_sql(sql, [tuple(value(r[c]) for c in columns) for r in rows[i : i + 20_000]])


def _next_id(session: Any, model: Any) -> int:
    return int(session.execute(select(func.max(model.id))).scalar() or 0) + 1


def _coupon_history(
    ctx: Any, rng: Any, months: list[tuple[date, date, int, int]], coupons: dict[int, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Redemptions from real member orders; issues for them and for as many again left unused."""
    o = Order.__table__  # type: ignore[attr-defined]
    first = datetime.combine(ctx.start_on, time(), tzinfo=UTC) - timedelta(days=1)
    rows = ctx.session.execute(
        select(o.c.id, o.c.shop_id, o.c.member_id, o.c.order_no, o.c.total_fen, o.c.ordered_at, o.c.business_on).where(
            and_(
                o.c.store_id == ctx.store_id,
                o.c.member_id.is_not(None),
                o.c.total_fen >= 100_00,
                o.c.id % REDEEM_EVERY == 0,
                o.c.ordered_at >= first,
                o.c.channel == "offline",
            )
        )
    ).all()
    by_month = {m[0]: m for m in months}
    issue_id = _next_id(ctx.session, CouponIssue)
    redemption_id = _next_id(ctx.session, Redemption)
    issues: list[dict[str, Any]] = []
    redemptions: list[dict[str, Any]] = []
    seq: dict[tuple[int, int], int] = {}
    members: list[int] = []
    for _order_id, shop_id, member_id, order_no, total, ordered_at, business_on in rows:
        day = business_on if isinstance(business_on, date) else date.fromisoformat(str(business_on)[:10])
        month = by_month.get(day.replace(day=1))
        if month is None:
            continue
        coupon = coupons[month[3]]
        if total < coupon["threshold_fen"] or (coupon["shop_ids"] and shop_id not in coupon["shop_ids"]):
            continue
        n = seq.get((coupon["id"], member_id), 0) + 1
        if n > coupon["per_member_limit"]:
            continue
        seq[(coupon["id"], member_id)] = n
        at = ordered_at if ordered_at.tzinfo else ordered_at.replace(tzinfo=UTC)
        issued_at = max(at - timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 20)), coupon["valid_from"])
        channel = rng.choice(("miniprogram", "miniprogram", "kiosk", "push"))
        issues.append(_issue(issue_id, ctx.store_id, coupon, member_id, n, channel, issued_at, "redeemed", at))
        discount = rules.discount_fen(
            coupon["kind"],
            total,
            amount_off_fen=coupon["amount_off_fen"],
            percent_off=coupon["percent_off"],
            cap_fen=coupon["cap_fen"],
        )
        redemptions.append(
            {
                "id": redemption_id,
                "store_id": ctx.store_id,
                "issue_id": issue_id,
                "coupon_id": coupon["id"],
                "campaign_id": coupon["campaign_id"],
                "member_id": member_id,
                "shop_id": shop_id,
                "channel": "offline",
                "order_no": order_no,
                "basket_fen": total,
                "discount_fen": discount,
                "terminal_id": None,
                "redeemed_at": at,
            }
        )
        members.append(member_id)
        issue_id, redemption_id = issue_id + 1, redemption_id + 1
    for _start, _ends, _cid, kid in months:  # coupons claimed and never used
        coupon = coupons[kid]
        for _ in range(2 * sum(1 for r in redemptions if r["coupon_id"] == kid) if members else 0):
            member_id = rng.choice(members)
            n = seq.get((kid, member_id), 0) + 1
            if n > coupon["per_member_limit"]:
                continue
            seq[(kid, member_id)] = n
            at = coupon["valid_from"] + timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 23))
            channel = rng.choice(("miniprogram", "kiosk", "push", "push"))
            issues.append(_issue(issue_id, ctx.store_id, coupon, member_id, n, channel, at, "issued", None))
            issue_id += 1
    return issues, redemptions


def _issue(
    issue_id: int,
    store_id: int,
    coupon: dict[str, Any],
    member_id: int,
    seq: int,
    channel: str,
    at: datetime,
    status: str,
    redeemed_at: datetime | None,
) -> dict[str, Any]:
    return {
        "id": issue_id,
        "store_id": store_id,
        "coupon_id": coupon["id"],
        "campaign_id": coupon["campaign_id"],
        "member_id": member_id,
        "seq": seq,
        "code": f"D{issue_id:011d}",
        "channel": channel,
        "claimed": channel != "push",
        "status": status,
        "issued_at": at,
        "redeemed_at": redeemed_at,
    }


def _weekly_push(ctx: Any, rng: Any, zone: ZoneInfo) -> int:
    """A year of weekly pushes to the consenting diamond members, prepared and sent by the push code."""
    session = ctx.session
    first_monday, _ = push_weeks(ctx.end_on)
    campaign = Campaign(
        store_id=ctx.store_id,
        name="会员周报",
        starts_on=first_monday,
        ends_on=ctx.end_on + timedelta(days=90),
        channels=["miniprogram", "official_account", "sms", "app"],
        content_title="会员周报",
        content_body="每周一次的会员专属资讯与优惠。",
        cost_fen=12_000_00,
    )
    session.add(campaign)
    session.flush()
    for name, data in (
        ("钻石会员", SegmentRules(tiers=["diamond"])),
        ("金卡及以上", SegmentRules(tiers=["gold", "diamond"])),
        ("近 30 天活跃", SegmentRules(max_recency_days=30)),
        ("沉睡会员", SegmentRules(min_recency_days=180)),
    ):
        segment = segments.create(session, ctx.store_id, SegmentCreate(name=name, rules=data))
        if name == "钻石会员":
            target = segment
    plan = push.create_plan(
        session,
        ctx.store_id,
        PushPlanCreate(
            campaign_id=campaign.id,  # type: ignore[arg-type]
            segment_id=target.id,  # type: ignore[arg-type]
            weekday=0,
            send_hour=10,
            title="会员周报",
            body="本周钻石会员专享：到店出示会员码领取礼遇。",
            personal_body="为喜欢{category}的您精选本周新品，到店出示会员码领取礼遇。",
        ),
    )
    query = segments.consenting(segments.members_query(ctx.store_id, segments.rules_of(target), today=ctx.end_on))
    ids = list(session.execute(query.order_by(Member.__table__.c.id)).scalars())  # type: ignore[attr-defined]
    personal = segments.consenting_ids(session, ids, segments.PROFILING_PURPOSE)
    category = _top_categories(ctx, ids)
    grants = _grants(ctx, rng, ids, first_monday)
    return _push_rows(ctx, plan, ids, grants, personal, category, first_monday, str(zone))


def _top_categories(ctx: Any, ids: list[int]) -> dict[int, str]:
    """The category each of ``ids`` spent most on in the last year (what the nightly RFM job stores)."""
    o = Order.__table__  # type: ignore[attr-defined]
    since = datetime.combine(ctx.end_on - timedelta(days=365), time(), tzinfo=UTC)
    shops = {s.id: s.category for s in premises_service.list_shops(ctx.session, ctx.store_id)}
    best: dict[int, tuple[int, str]] = {}
    for member_id, shop_id, spent in ctx.session.execute(
        select(o.c.member_id, o.c.shop_id, func.sum(o.c.total_fen))
        .where(o.c.member_id.in_(ids), o.c.ordered_at >= since)
        .group_by(o.c.member_id, o.c.shop_id)
    ):
        if member_id not in best or int(spent) > best[member_id][0]:
            best[member_id] = (int(spent), shops.get(shop_id, ""))
    return {member_id: found[1] for member_id, found in best.items()}


@dataclass
class _Grant:
    """A channel grant in the making (what ``channels.route`` reads); written as ``ChannelGrant`` rows at the end."""

    channel: str
    remaining: int
    opted_out: bool


def _grants(ctx: Any, rng: Any, ids: list[int], since: date) -> dict[int, _Grant]:
    """How each diamond member can be reached: app, subscription acceptances, official account, SMS (a few
    replied R), one in twenty on no channel at all (their weeks log "no lawful channel")."""
    found = {}
    for member_id in ids:
        roll = rng.random()
        if roll > 0.95:
            continue
        channel = "app" if roll < 0.35 else "miniprogram" if roll < 0.6 else "official_account" if roll < 0.8 else "sms"
        found[member_id] = _Grant(
            channel, rng.randint(4, 60) if channel == "miniprogram" else 0, channel == "sms" and rng.random() < 0.1
        )
    return found


def _push_rows(
    ctx: Any,
    plan: PushPlan,
    ids: list[int],
    grants: dict[int, _Grant],
    personal: set[int],
    category: dict[int, str],
    first_monday: date,
    tz: str,
) -> int:
    """The year's runs, deliveries and outbox rows as the push code writes them (same router, same texts),
    written in bulk: per week, each member's lawful channel, subscriptions used up one per message, the
    official account's monthly quota counted."""
    session = ctx.session
    conn = session.connection()
    numbers = dict(
        session.execute(
            select(Member.__table__.c.id, Member.__table__.c.member_no).where(Member.__table__.c.id.in_(ids))  # type: ignore[attr-defined]
        ).all()
    )
    delivery_id = _next_id(session, Delivery)
    runs, deliveries, outbox = [], [], []
    official: dict[tuple[int, int], int] = {}
    for week in range(push_weeks(ctx.end_on)[1]):
        monday = first_monday + timedelta(weeks=week)
        at = rules.scheduled_at(monday, plan.weekday, plan.send_hour, tz).astimezone(UTC)
        queued = 0
        for member_id in ids:
            grant = grants.get(member_id)
            mine = {grant.channel: grant} if grant is not None else {}
            used = official.get((member_id, monday.month), 0)
            picked = channels.route(mine, official_this_month=used, at=at, tz=tz)
            body, personalised = rules.personalise(
                plan.body, plan.personal_body, allowed=member_id in personal, category=category.get(member_id, "")
            )
            row = {
                "id": delivery_id,
                "store_id": ctx.store_id,
                "plan_id": plan.id,
                "member_id": member_id,
                "week_on": monday,
                "personalised": personalised,
                "scheduled_at": at,
            }
            if picked is None:
                row.update(channel="", status="skipped", reason=channels.NO_LAWFUL_CHANNEL, body="", sent_at=None)
            else:
                channel, when = picked
                text = channels.with_opt_out(channel, body)
                row.update(channel=channel, status="sent", reason="", body=text, sent_at=when)
                outbox.append(
                    {
                        "store_id": ctx.store_id,
                        "delivery_id": delivery_id,
                        "channel": channel,
                        "member_no": numbers.get(member_id, ""),
                        "body": text,
                        "created_at": when,
                    }
                )
                if channel == "miniprogram" and grant is not None:
                    grant.remaining -= 1
                if channel == "official_account":
                    official[(member_id, monday.month)] = used + 1
                queued += 1
            deliveries.append(row)
            delivery_id += 1
        runs.append(
            {
                "store_id": ctx.store_id,
                "plan_id": plan.id,
                "week_on": monday,
                "segment_size": len(ids),
                "queued": queued,
                "skipped": len(ids) - queued,
                "prepared_at": at,
            }
        )
    if grants:
        since = datetime.combine(first_monday, time(), tzinfo=UTC)
        _bulk(
            conn,
            ChannelGrant,
            [
                {"store_id": ctx.store_id, "member_id": m, "updated_at": since, **vars(g)}
                for m, g in sorted(grants.items())
            ],
        )
    _bulk(conn, PushRun, runs)
    _bulk(conn, Delivery, deliveries)
    _bulk(conn, Outbox, outbox)
    return len(outbox)
