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
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.premises_rows import shop_id_for, validated
from store.imports.readers import Row
from store.premises import service as premises_service
from store.premises.models import Shop, Store
from store.sales import checks
from store.sales import rollups as sales_rollups
from store.sales import service as sales_service
from store.sales.errors import OrderDoesNotAddUp, OrderNumberTaken
from store.sales.models import DailyTotal, Order
from store.sales.schemas import Channel, DailyTotalIn, OrderCreate, PaymentMethod, Source

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
# Where a sales-side refusal points in the file.
_ORDER_COLUMNS = {"shop_id": "shop_code", "payments": "total_fen", "subtotal_fen": "discount_fen", "lines": "total_fen"}


class HistoryHandler(Handler):
    """Remembers the business days it wrote, so the KPI rollups of exactly those days are rebuilt."""

    rollups: Any = sales_rollups  # the domain module whose ``rebuild`` recomputes the days written

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self.days_written: set[date] = set()
        self._shops: dict[int, Shop] = {}

    def business_on(self, parsed: Parsed) -> date:
        raise NotImplementedError

    def apply_all(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        by_number = {parsed.row.number: parsed for parsed in rows}
        for row, outcome in self.apply_rows(rows):
            if outcome is Outcome.imported:
                self.days_written.add(self.business_on(by_number[row.number]))
            yield row, outcome

    def apply_rows(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        return super().apply_all(rows)

    def finish(self) -> None:
        # Bulk writes skip the incremental rollups; one rebuild over the days written brings them in line.
        if self.days_written:
            self.rollups.rebuild(self.session, self.store_id, min(self.days_written), max(self.days_written))

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
    optional = ("member_id", "discount_fen|discount_yuan", "payment_method")

    def parse(self, row: Row) -> Parsed:
        order_no = cells.text(row, "order_no", max_length=64)
        ordered_at = cells.moment(row, "ordered_at", self.store.timezone)
        shop_id = shop_id_for(self, cells.text(row, "shop_code", max_length=32))
        total = cells.money(row, "total")
        discount = cells.money(row, "discount", required=False)
        member_id = cells.integer(row, "member_id", minimum=1, required=False, default=0) or None
        method = cells.choice(row, "payment_method", PAYMENT_METHODS, required=False, default="other")
        # An order without its lines gets one line "imported" holding the whole amount.
        subtotal = total + discount
        data: OrderCreate = validated(
            OrderCreate,
            dict(
                order_no=order_no,
                shop_id=shop_id,
                ordered_at=ordered_at,
                member_id=member_id,
                channel=Channel(cells.choice(row, "channel", CHANNELS)),
                source=Source(cells.choice(row, "source", SOURCES)),
                subtotal_fen=subtotal,
                discount_fen=discount,
                total_fen=total,
                # Plain dicts, so that an amount out of range is a bad row like any other field.
                lines=[
                    {
                        "sku": "imported",
                        "name": "imported",
                        "quantity": 1,
                        "unit_price_fen": subtotal,
                        "discount_fen": 0,
                        "total_fen": subtotal,
                    }
                ],
                payments=[{"method": PaymentMethod(method), "amount_fen": total}] if total else [],
            ),
            _ORDER_COLUMNS,
        )
        errors = checks.order_errors(data, now=utcnow())
        if errors:
            raise _order_error(errors[0])
        self.check_trading(shop_id, business_day(ordered_at, self.store.timezone), "ordered_at")
        return Parsed(row, order_no, data)

    def business_on(self, parsed: Parsed) -> date:
        return business_day(parsed.item.ordered_at, self.store.timezone)

    def apply_rows(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        existing = self._existing([parsed.item.order_no for parsed in rows])
        new = []
        for parsed in rows:
            order = existing.get(parsed.item.order_no)
            if order is None:
                new.append(parsed)
            else:
                yield parsed.row, _compare(order, parsed.item)
        yield from self.write_in_chunks(new, self._insert)

    def _existing(self, numbers: list[str]) -> dict[str, Order]:
        found: dict[str, Order] = {}
        for start in range(0, len(numbers), 500):
            query = select(Order).where(
                Order.store_id == self.store_id, col(Order.order_no).in_(numbers[start : start + 500])
            )
            found.update({order.order_no: order for order in self.session.exec(query)})
        return found

    def _insert(self, chunk: list[Parsed]) -> None:
        try:
            sales_service.bulk_insert_orders(
                self.session, self.store_id, [parsed.item for parsed in chunk], source=Source.import_
            )
        except (OrderDoesNotAddUp, OrderNumberTaken) as exc:
            if len(chunk) == 1 and exc.errors:
                raise _order_error(exc.errors[0], skip=1) from None
            raise


def _order_error(error: dict[str, Any], skip: int = 0) -> RowError:
    """A sales check → a RowError on the file's column (``skip`` drops a leading position in ``loc``)."""
    loc = [str(part) for part in error["loc"][skip:]]
    field = loc[0] if loc else ""
    return RowError(_ORDER_COLUMNS.get(field, field), str(error["msg"]))


def _compare(order: Order, data: OrderCreate) -> Outcome | RowError:
    """Re-importing an order is a no-op; the same number with other figures is a bad row."""
    amounts = [name for name in ("total_fen", "discount_fen") if getattr(order, name) != getattr(data, name)]
    if amounts:
        shown = ", ".join(f"{name} {getattr(data, name)} here, {getattr(order, name)} recorded" for name in amounts)
        return RowError("order_no", f"order_no exists with different amounts ({shown})")
    others = [
        name
        for name in ("shop_id", "channel", "source", "member_id", "ordered_at")
        if getattr(order, name) != getattr(data, name)
    ]
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
        shop_id = shop_id_for(self, cells.text(row, "shop_code", max_length=32))
        data = DailyTotalIn(
            shop_id=shop_id,
            business_on=day,
            channel=Channel(cells.choice(row, "channel", CHANNELS)),
            source=Source(cells.choice(row, "source", SOURCES)),
            revenue_fen=cells.money(row, "revenue"),
            orders=cells.integer(row, "orders", minimum=0, required=False),
            refunds_fen=cells.money(row, "refunds", required=False),
        )
        if day > business_day(utcnow(), self.store.timezone):
            raise RowError("business_on", f"{day} is in the future")
        self.check_trading(shop_id, day, "business_on")
        return Parsed(row, (shop_id, day, data.channel, data.source), data)

    def business_on(self, parsed: Parsed) -> date:
        return parsed.item.business_on

    def apply(self, parsed: Parsed) -> Outcome:
        data: DailyTotalIn = parsed.item
        existing = self.session.exec(
            select(DailyTotal).where(
                DailyTotal.store_id == self.store_id,
                DailyTotal.shop_id == data.shop_id,
                DailyTotal.business_on == data.business_on,
                DailyTotal.channel == data.channel,
                DailyTotal.source == data.source,
            )
        ).first()
        if existing is not None and (existing.revenue_fen, existing.orders, existing.refunds_fen) == (
            data.revenue_fen,
            data.orders,
            data.refunds_fen,
        ):
            return Outcome.unchanged
        sales_service.record_daily_total(self.session, self.store_id, data)
        return Outcome.imported
