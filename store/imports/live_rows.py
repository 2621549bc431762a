"""Import kind ``live-sessions``: a live-streaming schedule from an old system (S8 直播服务).

One row per session: title, platform, kind (selling, brand_pick, launch, event), start and end, and
optionally the shop, host, viewers, the SKUs shown (separated by ``;``) and its session-bound coupon
codes (``;``). A session is known by its platform, start and title: re-importing a file finds every
row already there and writes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.premises_rows import validated
from store.imports.readers import Row
from store.live import service as live_service
from store.live.models import LiveSession
from store.live.schemas import LiveSessionCreate, Platform, SessionKind
from store.premises import service as premises_service
from store.premises.errors import ShopNotFound
from store.premises.models import Store

PLATFORMS = {p.value: p.value for p in Platform} | {
    "抖音": "douyin",
    "视频号": "wechat_channels",
    "淘宝": "taobao",
    "快手": "kuaishou",
    "小红书": "xiaohongshu",
}
KINDS = {k.value: k.value for k in SessionKind} | {
    "带货": "selling",
    "品牌推荐": "brand_pick",
    "新品发布": "launch",
    "活动": "event",
}


def _items(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


class LiveSessionRows(Handler):
    kind = "live-sessions"
    required = ("title", "platform", "starts_at", "ends_at")
    optional = ("kind", "shop_code", "host", "viewers", "skus", "coupons")

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self.timezone = store.timezone if store is not None else "UTC"

    def parse(self, row: Row) -> Parsed:
        shop_code = cells.text(row, "shop_code", required=False, max_length=32)
        shop_id = None
        if shop_code:
            try:
                shop_id = premises_service.get_shop_by_code(self.session, self.store_id, shop_code).id
            except ShopNotFound:
                raise RowError("shop_code", f"unknown shop {shop_code!r} (import shops first)") from None
        viewers = cells.integer(row, "viewers", minimum=0, maximum=2_000_000_000, required=False, default=-1)
        data: dict[str, Any] = {
            "title": cells.text(row, "title"),
            "shop_id": shop_id,
            "platform": cells.choice(row, "platform", PLATFORMS, shown=[p.value for p in Platform]),
            "kind": cells.choice(row, "kind", KINDS, required=False, default="selling", shown=list(SessionKind)),
            "host": cells.text(row, "host", required=False, max_length=60),
            "starts_at": cells.moment(row, "starts_at", self.timezone),
            "ends_at": cells.moment(row, "ends_at", self.timezone),
            "viewers": None if viewers < 0 else viewers,
            "products": [{"sku": sku} for sku in _items(row.get("skus"))],
            "coupons": _items(row.get("coupons")),
        }
        if data["ends_at"] <= data["starts_at"]:
            raise RowError("ends_at", "is not after starts_at")
        session_in = validated(LiveSessionCreate, data, {})
        return Parsed(row, (session_in.platform, session_in.starts_at, session_in.title), session_in)

    def apply(self, parsed: Parsed) -> Outcome:
        data: LiveSessionCreate = parsed.item
        query = select(LiveSession).where(
            LiveSession.store_id == self.store_id,
            LiveSession.platform == data.platform,
            LiveSession.starts_at == data.starts_at,
            LiveSession.title == data.title,
        )
        existing = self.session.exec(query).first()
        if existing is None:
            live_service.create(self.session, self.store_id, data)
            return Outcome.imported
        same = (existing.ends_at, existing.kind, existing.host, existing.viewers, existing.shop_id) == (
            data.ends_at,
            data.kind,
            data.host,
            data.viewers,
            data.shop_id,
        )
        if not same:
            raise RowError("", "a session with this platform, start and title exists with other values")
        return Outcome.unchanged
