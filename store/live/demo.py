"""Demo hook of live: a weekly programme and the live-channel orders its links brought.

Every Wednesday 20:00 the store streams a selling session on 抖音; every Saturday 19:00 a shop streams
a brand pick, a launch or an event (in turn) on 视频号. The demo's live-channel orders placed during a
session or within the link's 72 hours after it are the ones that came through its link: a
``live_attribution`` row is written for each (as the order API does when a link code is given): one
INSERT … SELECT per session.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, insert, literal, select
from sqlmodel import col

from store.live.models import LiveAttribution, LiveCoupon, LiveProduct, LiveSession
from store.live.schemas import Platform, SessionKind
from store.live.service import LINK_WINDOW
from store.premises import service as premises_service
from store.sales.models import Order

SATURDAY_KINDS = (SessionKind.brand_pick, SessionKind.launch, SessionKind.event)
TITLES = {
    SessionKind.selling: "周三直播间·好物秒杀",
    SessionKind.brand_pick: "品牌推荐·{shop}",
    SessionKind.launch: "新品首发·{shop}",
    SessionKind.event: "店内活动直播·{shop}",
}
HOSTS = ("小王", "小李", "安娜", "阿杰")


def generate(ctx: Any) -> None:
    session = ctx.session
    rng = ctx.rng("live")
    store = premises_service.get_store(session, ctx.store_id)
    shops = premises_service.list_shops(session, ctx.store_id)
    zone = ZoneInfo(store.timezone)
    sessions: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    coupons: list[dict[str, Any]] = []
    saturday = 0
    for day in ctx.days():
        if day.weekday() == 2:
            kind, shop, at, platform = SessionKind.selling, None, time(20), Platform.douyin
        elif day.weekday() == 5 and shops:
            kind, shop, at = SATURDAY_KINDS[saturday % 3], shops[saturday % len(shops)], time(19)
            platform, saturday = Platform.wechat_channels, saturday + 1
        else:
            continue
        starts_at = datetime.combine(day, at, tzinfo=zone)
        n = len(sessions) + 1
        sessions.append(
            {
                "id": n,
                "store_id": ctx.store_id,
                "shop_id": shop.id if shop else None,
                "code": f"LD{n:06d}",
                "title": TITLES[kind].format(shop=shop.name if shop else ""),
                "platform": platform.value,
                "kind": kind.value,
                "host": rng.choice(HOSTS),
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=2),
                "viewers": rng.randint(800, 25_000),
                "created_at": starts_at - timedelta(days=7),
            }
        )
        products += [
            {"session_id": n, "sku": f"SKU-{rng.randint(1, 60_000):05d}-{k}", "price_fen": rng.randint(20, 2_000) * 100}
            for k in range(rng.randint(5, 12))
        ]
        coupons.append({"store_id": ctx.store_id, "session_id": n, "code": f"LIVE{n:05d}"})
    conn = session.connection()
    if sessions:
        conn.execute(insert(LiveSession.__table__), sessions)  # type: ignore[attr-defined]
        conn.execute(insert(LiveProduct.__table__), products)  # type: ignore[attr-defined]
        conn.execute(insert(LiveCoupon.__table__), coupons)  # type: ignore[attr-defined]
    attributed = 0
    for row in sessions:
        until = row["ends_at"] + LINK_WINDOW
        came = select(
            literal(ctx.store_id),
            col(Order.id),
            literal(row["id"]),
            literal("link"),
            literal(row["code"]),
            col(Order.ordered_at),
        ).where(
            col(Order.store_id) == ctx.store_id,
            col(Order.business_on) >= row["starts_at"].date(),
            col(Order.business_on) <= until.date(),
            col(Order.channel) == "live",
            col(Order.ordered_at) >= row["starts_at"],
            col(Order.ordered_at) < until,
            ~exists().where(col(LiveAttribution.order_id) == col(Order.id)),
        )
        columns = ["store_id", "order_id", "session_id", "via", "code", "stamped_at"]
        attributed += conn.execute(insert(LiveAttribution.__table__).from_select(columns, came)).rowcount  # type: ignore[attr-defined]
    if conn.dialect.name == "postgresql" and sessions:
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('live_session', 'id'), (SELECT MAX(id) FROM live_session))"
        )
    ctx.echo(f"demo: live       {len(sessions):,} sessions, {attributed:,} orders attributed by link")
