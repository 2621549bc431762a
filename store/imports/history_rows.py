"""Import kinds that carry the store's sales history: orders, and daily totals per shop and channel.

Every row states its ``source`` (own till, receipt capture, declared by the tenant, ...), so C2 智能支付
and S4 线上交易额占比 can be measured from imported history as from live data; B1–B4 compare the months
before ``smart_upgrade_on`` with those after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from store.clock import business_day, utcnow
from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import BulkHandler, Outcome, Parsed
from store.imports.readers import Row
from store.members.models import Member
from store.premises import service as premises_service
from store.premises.models import Shop, Store
from store.sales import bulk as sales_bulk
from store.sales import checks
from store.sales.models import DailyTotal, Order
from store.sales.schemas import Channel, PaymentMethod, Source
from store.wire import MONEY_MAX

INT32_MAX = 2**31 - 1

CHANNELS: dict[str, str] = {
    **{channel.value: channel.value for channel in Channel},
    "线下": "offline",
    "线上": "online",
    "直播": "live",
    "其他": "other",
}
SOURCES: dict[str, str] = {
    **{source.value: source.value for source in Source if source is not Source.import_},
    "自有收银": "own_till",
    "小票采集": "receipt_capture",
    "租户申报": "tenant_declared",
    "线上商城": "online_mall",
    "直播间": "live_stream",
}
PAYMENT_METHODS: dict[str, str] = {
    **{method.value: method.value for method in PaymentMethod},
    "微信": "wechat",
    "支付宝": "alipay",
    "银联": "unionpay",
    "现金": "cash",
    "储值卡": "stored_value",
    "积分": "points",
    "优惠券": "coupon",
    "其他": "other",
}


class HistoryHandler(BulkHandler):
    """Sales history: looks shops up once per file and refuses days a shop did not trade."""

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self._shops: dict[int, Shop] = {}
        self._shop_ids: dict[str, int] | None = None
        self.signature: tuple[Any, ...] | None = None
        self.now = utcnow()
        # Plain copies: an ORM attribute read per row costs more than the rest of a row's checks.
        self.timezone = store.timezone if store is not None else "UTC"
        self.today = business_day(self.now, self.timezone)
        self._store_id: int = (store.id or 0) if store is not None else 0

    def shop_id(self, code: str, column: str = "shop_code") -> int:
        """The id of the shop with ``code``: every shop of the store is read once per file, so a file of
        a million rows naming unknown shops costs no query per row."""
        if self._shop_ids is None:
            shops = premises_service.list_shops(self.session, self._store_id)
            self._shops = {shop.id: shop for shop in shops}  # type: ignore[misc]
            self._shop_ids = {shop.code: shop.id for shop in shops}  # type: ignore[misc]
        if code not in self._shop_ids:
            raise RowError(column, f"unknown shop {code!r} (import shops first)")
        return self._shop_ids[code]

    def check_trading(self, shop_id: int, day: date, column: str) -> None:
        if shop_id not in self._shops:
            self._shops[shop_id] = premises_service.get_shop(self.session, self.store_id, shop_id)
        shop = self._shops[shop_id]
        if day < shop.opened_on or (shop.closed_on is not None and day > shop.closed_on):
            until = f" to {shop.closed_on}" if shop.closed_on else ""
            raise RowError(column, f"shop {shop.code} did not trade on {day} (open {shop.opened_on}{until})")


class OrderRows(HistoryHandler):
    kind = "orders"
    required = ("order_no", "ordered_at", "shop_code", "channel", "source", "total_fen|total_yuan")
    optional = ("member_id", "member_no", "discount_fen|discount_yuan", "payment_method")

    def parse(self, row: Row) -> Parsed:
        """The checks ``create_order`` makes, on the one line and one payment an imported order gets."""
        order_no = cells.text(row, "order_no", max_length=64)
        ordered_at = cells.moment(row, "ordered_at", self.timezone)
        shop_id = self.shop_id(cells.text(row, "shop_code", max_length=32))
        total = cells.money(row, "total")
        discount = cells.money(row, "discount", required=False)
        member_id = cells.integer(row, "member_id", minimum=1, maximum=INT32_MAX, required=False, default=0) or None
        member_no = cells.text(row, "member_no", required=False, max_length=32)
        if member_no:
            found = self.member_for(member_no)
            if member_id is not None and member_id != found:
                raise RowError("member_no", f"member {member_no!r} is member id {found}, not {member_id}")
            member_id = found
        method = cells.choice(row, "payment_method", PAYMENT_METHODS, required=False, default="other")
        channel = cells.choice(row, "channel", CHANNELS)
        source = cells.choice(row, "source", SOURCES)
        # An order without its lines gets one line "imported" holding the whole amount (total + discount).
        if total + discount > MONEY_MAX:
            raise RowError("discount_fen", f"total + discount must be at most {MONEY_MAX} fen")
        if ordered_at > self.now + checks.CLOCK_SKEW:
            raise RowError("ordered_at", f"{ordered_at.isoformat()} is in the future")
        day = business_day(ordered_at, self.timezone)
        self.check_trading(shop_id, day, "ordered_at")
        item = {
            "order_no": order_no,
            "shop_id": shop_id,
            "channel": channel,
            "source": source,
            "member_id": member_id,
            "ordered_at": ordered_at,
            "business_on": day,
            "subtotal_fen": total + discount,
            "discount_fen": discount,
            "total_fen": total,
            "method": method,
        }
        return Parsed(row, order_no, item)

    def open(self) -> None:
        sales_bulk.open_stage(self.session, sales_bulk.ORDER_STAGE)

    def close(self) -> None:
        sales_bulk.close_stage(self.session, sales_bulk.ORDER_STAGE)

    def check(self, chunk: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        stored = self._stored([parsed.item["order_no"] for parsed in chunk])
        members = self._members({parsed.item["member_id"] for parsed in chunk} - {None})
        new = []
        for parsed in chunk:
            order = stored.get(parsed.item["order_no"])
            member_id = parsed.item["member_id"]
            if member_id is not None and member_id not in members:
                yield parsed.row, RowError("member_id", f"no member {member_id} in this store (import members first)")
            elif order is None:
                new.append(parsed.item)
                yield parsed.row, Outcome.imported
            else:
                yield parsed.row, _compare(order, parsed.item)
        sales_bulk.stage_rows(self.session, sales_bulk.ORDER_STAGE, new)

    def member_for(self, member_no: str) -> int:
        """The id of the member with ``member_no`` (the old system's number, as imported by ``members``)."""
        cache: dict[str, int | None] = self.__dict__.setdefault("_member_nos", {})
        if member_no not in cache:
            query = select(Member.id).where(Member.store_id == self.store_id, Member.member_no == member_no)
            cache[member_no] = self.session.exec(query).first()
        found = cache[member_no]
        if found is None:
            raise RowError("member_no", f"unknown member {member_no!r} (import members first)")
        return found

    def _members(self, ids: set[int]) -> set[int]:
        """Which of ``ids`` are members of this store (orders name members by a foreign key)."""
        query = select(Member.id).where(Member.store_id == self.store_id, col(Member.id).in_(sorted(ids)))
        return set(self.session.exec(query)) if ids else set()  # type: ignore[arg-type]

    def _stored(self, numbers: list[str]) -> dict[str, tuple[Any, ...]]:
        fields = [Order.order_no, *(getattr(Order, name) for name in _COMPARED)]
        found: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(numbers), 500):
            query = select(
                *fields
            ).where(  # type: ignore[call-overload]
                Order.store_id == self.store_id, col(Order.order_no).in_(numbers[start : start + 500])
            )
            found.update({row[0]: tuple(row[1:]) for row in self.session.exec(query)})
        return found

    def prepare(self) -> None:
        sales_bulk.prepare_staged_orders(self.session)

    def write(self) -> None:
        sales_bulk.insert_staged_orders(self.session, self.store_id)


_COMPARED = ("total_fen", "discount_fen", "shop_id", "channel", "source", "member_id", "ordered_at")


def _compare(stored: tuple[Any, ...], item: dict[str, Any]) -> Outcome | RowError:
    """Re-importing an order is a no-op; the same number with other figures is a bad row."""
    recorded = dict(zip(_COMPARED, stored, strict=True))
    amounts = [name for name in ("total_fen", "discount_fen") if recorded[name] != item[name]]
    if amounts:
        shown = ", ".join(f"{name} {item[name]} here, {recorded[name]} recorded" for name in amounts)
        return RowError("order_no", f"order_no exists with different amounts ({shown})")
    others = [name for name in _COMPARED[2:] if recorded[name] != item[name]]
    if others:
        shown = ", ".join("shop_code" if name == "shop_id" else name for name in others)
        return RowError("order_no", f"order_no exists with a different {shown}")
    return Outcome.unchanged


class DailyTotalRows(HistoryHandler):
    kind = "daily-totals"
    required = ("business_on", "shop_code", "channel", "source", "revenue_fen|revenue_yuan")
    optional = ("orders", "refunds_fen|refunds_yuan")

    def parse(self, row: Row) -> Parsed:
        day = cells.day(row, "business_on")
        assert day is not None  # required
        shop_id = self.shop_id(cells.text(row, "shop_code", max_length=32))
        item = {
            "shop_id": shop_id,
            "business_on": day,
            "channel": cells.choice(row, "channel", CHANNELS),
            "source": cells.choice(row, "source", SOURCES),
            "revenue_fen": cells.money(row, "revenue"),
            "orders": cells.integer(row, "orders", minimum=0, maximum=INT32_MAX, required=False),
            "refunds_fen": cells.money(row, "refunds", required=False),
        }
        if self.today is not None and day > self.today:
            raise RowError("business_on", f"{day} is in the future")
        self.check_trading(shop_id, day, "business_on")
        return Parsed(row, (shop_id, day, item["channel"], item["source"]), item)

    def open(self) -> None:
        sales_bulk.open_stage(self.session, sales_bulk.DAILY_TOTAL_STAGE)

    def close(self) -> None:
        sales_bulk.close_stage(self.session, sales_bulk.DAILY_TOTAL_STAGE)

    def check(self, chunk: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        days = [parsed.item["business_on"] for parsed in chunk]
        query = select(  # type: ignore[call-overload]
            DailyTotal.shop_id,
            DailyTotal.business_on,
            DailyTotal.channel,
            DailyTotal.source,
            DailyTotal.revenue_fen,
            DailyTotal.orders,
            DailyTotal.refunds_fen,
        ).where(DailyTotal.store_id == self.store_id, col(DailyTotal.business_on).between(min(days), max(days)))
        stored = {tuple(row[:4]): tuple(row[4:]) for row in self.session.exec(query)}
        new = []
        for parsed in chunk:
            item = parsed.item
            key = (item["shop_id"], item["business_on"], item["channel"], item["source"])
            if stored.get(key) == (item["revenue_fen"], item["orders"], item["refunds_fen"]):
                yield parsed.row, Outcome.unchanged
            else:
                new.append(item)
                yield parsed.row, Outcome.imported
        sales_bulk.stage_rows(self.session, sales_bulk.DAILY_TOTAL_STAGE, new)

    def prepare(self) -> None:
        self.signature = sales_bulk.prepare_staged_daily_totals(self.session, self.store_id)

    def write(self) -> None:
        sales_bulk.upsert_staged_daily_totals(self.session, self.store_id, self.signature)
