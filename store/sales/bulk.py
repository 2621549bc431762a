"""Many orders at once (imports): the same rules as ``create_order``, written with core inserts.

The bulk path does not touch the KPI rollups row by row: its caller runs ``store.sales.rollups.rebuild`` for
the days it wrote (they are in the orders it passed).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    insert,
    literal,
    true,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store import staging
from store.clock import business_day, utcnow
from store.dbtypes import AwareDateTime
from store.errors import StoreError
from store.kpi import service as kpi_service
from store.kpi.models import SALES_SUMS
from store.premises import service as premises_service
from store.premises.models import Shop
from store.sales import checks
from store.sales.errors import OrderDoesNotAddUp, OrderNumberTaken
from store.sales.models import DailyTotal, Order, OrderLine, Payment
from store.sales.schemas import OrderCreate, Source

CHUNK = 2000
MAX_REPORTED = 50  # a file with a million bad rows should not produce a million-line message


def _chunks(items: Iterable[OrderCreate], size: int) -> Iterator[list[OrderCreate]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Checker:
    """Validates orders against the store: numbers, trading shops, order numbers not yet used."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.session, self.store_id = session, store_id
        self.timezone = premises_service.get_store(session, store_id).timezone
        self.shops: dict[int, Shop | None] = {}
        self.seen: set[str] = set()
        self.now = utcnow()

    def _shop_error(self, shop_id: int, day: date) -> str | None:
        if shop_id not in self.shops:
            try:
                self.shops[shop_id] = premises_service.get_shop(self.session, self.store_id, shop_id)
            except StoreError:
                self.shops[shop_id] = None
        shop = self.shops[shop_id]
        if shop is None:
            return f"shop {shop_id} does not exist in this store"
        if day < shop.opened_on or (shop.closed_on is not None and day > shop.closed_on):
            return f"shop {shop.code} did not trade on {day}"
        return None

    def check(self, chunk: list[OrderCreate], first: int) -> list[dict[str, Any]]:
        numbers = [o.order_no for o in chunk]
        taken = set(
            self.session.exec(
                select(Order.order_no).where(Order.store_id == self.store_id, col(Order.order_no).in_(numbers))
            )
        )
        errors = []
        for i, data in enumerate(chunk, start=first):
            errors += [{**e, "loc": [i, *e["loc"]]} for e in checks.order_errors(data, now=self.now)]
            shop_error = self._shop_error(data.shop_id, business_day(data.ordered_at, self.timezone))
            if shop_error:
                errors.append({"loc": [i, "shop_id"], "msg": shop_error})
            if data.order_no in taken or data.order_no in self.seen:
                errors.append({"loc": [i, "order_no"], "msg": f"order number {data.order_no!r} is already used"})
            self.seen.add(data.order_no)
        return errors


def _write(session: Session, store_id: int, chunk: list[OrderCreate], source: Source, timezone: str) -> None:
    rows = [
        {
            "store_id": store_id,
            "shop_id": o.shop_id,
            "order_no": o.order_no,
            "channel": o.channel.value,
            "source": (o.source or source).value,
            "member_id": o.member_id,
            "terminal_id": None,
            "ordered_at": o.ordered_at,
            "business_on": business_day(o.ordered_at, timezone),
            "subtotal_fen": o.subtotal_fen,
            "discount_fen": o.discount_fen,
            "total_fen": o.total_fen,
            "refunded_fen": 0,
            "created_at": utcnow(),
        }
        for o in chunk
    ]
    conn = session.connection()
    table = Order.__table__  # type: ignore[attr-defined]
    ids = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    lines = [
        {"order_id": oid, "line_no": n, **line.model_dump()}
        for oid, o in zip(ids, chunk, strict=True)
        for n, line in enumerate(o.lines, start=1)
    ]
    payments = [
        {"order_id": oid, "method": p.method.value, "amount_fen": p.amount_fen}
        for oid, o in zip(ids, chunk, strict=True)
        for p in o.payments
    ]
    conn.execute(insert(OrderLine.__table__), lines)  # type: ignore[attr-defined]
    conn.execute(insert(Payment.__table__), payments)  # type: ignore[attr-defined]


def bulk_insert_orders(session: Session, store_id: int, orders: Iterable[OrderCreate], *, source: Source) -> int:
    """Validate and insert many orders; ``source`` applies where an order names none. Returns the count.

    Raises on the first chunk with a bad order; the caller's unit of work then rolls everything back.
    """
    checker = _Checker(session, store_id)
    count = 0
    for chunk in _chunks(orders, CHUNK):
        errors = checker.check(chunk, count)
        if errors:
            shown = errors[:MAX_REPORTED]
            taken = all(e["loc"][-1] == "order_no" for e in errors)
            error_class = OrderNumberTaken if taken else OrderDoesNotAddUp
            raise error_class(f"{len(errors)} problem(s): {checks.summary(shown)}", errors=shown)
        _write(session, store_id, chunk, source, checker.timezone)
        count += len(chunk)
    return count


# --- Staged bulk writes (imports): rows are checked and staged in a temporary table outside any write
# transaction, then moved into the sales tables by a few set-based statements, so the write lock of
# SQLite is held for well under a second even for 200k orders (issue 7 items 2 and 6).

_stage_meta = MetaData()
ORDER_STAGE = Table(
    "sales_stage_order",
    _stage_meta,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # 1, 2, … in file order
    Column("order_no", String(64), nullable=False),
    Column("shop_id", Integer, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    Column("member_id", Integer),
    Column("ordered_at", AwareDateTime, nullable=False),
    Column("business_on", Date, nullable=False),
    Column("subtotal_fen", BigInteger, nullable=False),
    Column("discount_fen", BigInteger, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("method", String(20), nullable=False),
    prefixes=["TEMPORARY"],
)
# What the staged rows add to the rollups, per rollup key: computed before the write transaction, so
# the write only upserts these rows (orders add whatever else is stored; daily totals are checked).
ORDER_ROLLUP_STAGE = Table(
    "sales_stage_order_rollup",
    _stage_meta,
    Column("business_on", Date, nullable=False),
    Column("shop_id", Integer, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    *(Column(name, BigInteger, nullable=False) for name in SALES_SUMS),
    prefixes=["TEMPORARY"],
)
DAILY_TOTAL_STAGE = Table(
    "sales_stage_daily_total",
    _stage_meta,
    Column("shop_id", Integer, nullable=False),
    Column("business_on", Date, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    Column("revenue_fen", BigInteger, nullable=False),
    Column("orders", Integer, nullable=False),
    Column("refunds_fen", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)


def open_stage(session: Session, stage: Table) -> None:
    """An empty temporary ``stage`` on the session's connection (it lives as long as the connection)."""
    conn = session.connection()
    stage.drop(conn, checkfirst=True)
    stage.create(conn)


def close_stage(session: Session, stage: Table) -> None:
    stage.drop(session.connection(), checkfirst=True)
    ORDER_ROLLUP_STAGE.drop(session.connection(), checkfirst=True)


def stage_rows(session: Session, stage: Table, rows: list[dict[str, Any]]) -> None:
    """Add checked rows to ``stage`` (writes only the connection's temporary database: no write lock)."""
    staging.add_rows(session.connection(), stage, rows)


def _orders_table() -> Table:
    return Order.__table__  # type: ignore[attr-defined,no-any-return]


def _sort_stage(conn: Any) -> None:
    """Renumber the stage by business day, shop and time: the write then appends to the day indexes of
    ``sales_order`` (and, as order numbers grow with time, to its number index) instead of inserting all
    over them, which is most of the write transaction's time."""
    unsorted = "sales_stage_order_unsorted"
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {unsorted}")
    conn.exec_driver_sql(f"ALTER TABLE {ORDER_STAGE.name} RENAME TO {unsorted}")
    ORDER_STAGE.create(conn)
    names = [column.name for column in ORDER_STAGE.columns if column.name != "seq"]
    listed = ", ".join(names)
    conn.exec_driver_sql(
        f"INSERT INTO {ORDER_STAGE.name} ({listed}) SELECT {listed} FROM {unsorted} "
        "ORDER BY business_on, shop_id, ordered_at, order_no"
    )
    conn.exec_driver_sql(f"DROP TABLE {unsorted}")


def prepare_staged_orders(session: Session) -> None:
    """Sort the stage (before the write transaction: it takes no write lock); the write then sums each
    slice into the rollups as it goes."""
    _sort_stage(session.connection())


def staged_orders(session: Session) -> tuple[int, date | None, date | None]:
    """How many orders are staged, and their first and last business day."""
    stage = ORDER_STAGE
    query = core_select(func.count(), func.min(stage.c.business_on), func.max(stage.c.business_on))
    count, first, last = session.connection().execute(query).one()
    return int(count), first, last


def next_order_id(session: Session) -> int:
    """The id after the highest order (SQLite hands out ids the same way: the highest one plus one)."""
    orders = _orders_table()
    return int(session.connection().execute(core_select(func.coalesce(func.max(orders.c.id), 0))).scalar_one()) + 1


def insert_staged_orders(
    session: Session, store_id: int, seqs: tuple[int, int] | None = None, base: int | None = None
) -> None:
    """Insert the staged orders ``seqs`` (first and last ``seq``; default: all) with their one line
    ``imported`` and their payment, and add them to the rollups.

    The caller checked each order as ``create_order`` would; a number taken since (a till posting the
    same order number meanwhile) fails the unique constraint, and the caller's transaction rolls back.
    On SQLite, which the caller holds the write lock of, order ``seq`` takes the id ``base + seq`` (default
    ``base``: the highest id now), so lines and payments need no lookup; PostgreSQL hands out ids from its
    sequence and the lines find their order by number."""
    conn, stage, orders = session.connection(), ORDER_STAGE, _orders_table()
    in_slice: Any = stage.c.seq.between(*seqs) if seqs is not None else true()
    columns = ["shop_id", "order_no", "channel", "source", "member_id", "ordered_at", "business_on"]
    amounts = ["subtotal_fen", "discount_fen", "total_fen"]
    values = [literal(store_id), *(stage.c[c] for c in columns + amounts), literal(0), literal(utcnow(), AwareDateTime)]
    names = ["store_id", *columns, *amounts, "refunded_fen", "created_at"]
    if session.get_bind().dialect.name == "sqlite":
        if base is None:
            base = next_order_id(session) - 1
        order_id: Any = literal(base) + stage.c.seq
        conn.execute(insert(orders).from_select(["id", *names], core_select(order_id, *values).where(in_slice)))
        source: Any = stage
    else:
        order_id = orders.c.id
        conn.execute(insert(orders).from_select(names, core_select(*values).where(in_slice)))
        source = stage.join(orders, and_(orders.c.store_id == store_id, orders.c.order_no == stage.c.order_no))
    line = (literal(1), literal("imported"), literal("imported"), literal(1), stage.c.subtotal_fen, literal(0))
    conn.execute(
        insert(OrderLine.__table__).from_select(  # type: ignore[attr-defined]
            ["order_id", "line_no", "sku", "name", "quantity", "unit_price_fen", "discount_fen", "total_fen"],
            core_select(order_id, *line, stage.c.subtotal_fen).select_from(source).where(in_slice),
        )
    )
    conn.execute(
        insert(Payment.__table__).from_select(  # type: ignore[attr-defined]
            ["order_id", "method", "amount_fen"],
            core_select(order_id, stage.c.method, stage.c.total_fen)
            .select_from(source)
            .where(in_slice, stage.c.total_fen > 0),
        )
    )
    member = stage.c.member_id.is_not(None)
    deltas = core_select(
        stage.c.business_on,
        stage.c.shop_id,
        stage.c.channel,
        stage.c.source,
        stage.c.total_fen.label("revenue_fen"),
        literal(0).label("refunds_fen"),
        literal(1).label("orders"),
        case((member, 1), else_=0).label("member_orders"),
        case((member, stage.c.total_fen), else_=0).label("member_revenue_fen"),
    ).where(in_slice)
    kpi_service.add_sales_days(session, store_id, deltas)


def _daily_total_deltas(store_id: int) -> Any:
    """What each staged daily total adds to its rollup: its values less those stored now (0 when new)."""
    stage, totals = DAILY_TOTAL_STAGE, DailyTotal.__table__  # type: ignore[attr-defined]
    key = ["shop_id", "business_on", "channel", "source"]
    stored = stage.outerjoin(totals, and_(totals.c.store_id == store_id, *(totals.c[k] == stage.c[k] for k in key)))
    return core_select(
        *(stage.c[k] for k in key),
        (stage.c.revenue_fen - func.coalesce(totals.c.revenue_fen, 0)).label("revenue_fen"),
        (stage.c.refunds_fen - func.coalesce(totals.c.refunds_fen, 0)).label("refunds_fen"),
        (stage.c.orders - func.coalesce(totals.c.orders, 0)).label("orders"),
        literal(0).label("member_orders"),
        literal(0).label("member_revenue_fen"),
    ).select_from(stored)


def _daily_totals_signature(session: Session, store_id: int) -> tuple[Any, ...]:
    totals = DailyTotal.__table__  # type: ignore[attr-defined]
    query = core_select(func.count(), func.max(totals.c.updated_at)).where(totals.c.store_id == store_id)
    return tuple(session.connection().execute(query).one())


def prepare_staged_daily_totals(session: Session, store_id: int) -> tuple[Any, ...]:
    """Compute the rollup deltas of the staged totals before the write transaction (no write lock); returns
    a signature of the store's stored totals, which the write compares to know the deltas still hold."""
    conn = session.connection()
    ORDER_ROLLUP_STAGE.drop(conn, checkfirst=True)
    ORDER_ROLLUP_STAGE.create(conn)
    columns = ["shop_id", "business_on", "channel", "source", "revenue_fen", "refunds_fen", "orders"]
    columns += ["member_orders", "member_revenue_fen"]
    conn.execute(insert(ORDER_ROLLUP_STAGE).from_select(columns, _daily_total_deltas(store_id)))
    return _daily_totals_signature(session, store_id)


def upsert_staged_daily_totals(session: Session, store_id: int, signature: tuple[Any, ...] | None = None) -> None:
    """Write every staged daily total (a new one, or a correction replacing the stored one) and move the
    rollups by the difference, as ``record_daily_total`` does for one.

    With the ``signature`` of ``prepare_staged_daily_totals`` and no total stored or changed since, the
    deltas computed then are used; otherwise they are computed again here."""
    conn, stage, totals = session.connection(), DAILY_TOTAL_STAGE, DailyTotal.__table__  # type: ignore[attr-defined]
    key = ["shop_id", "business_on", "channel", "source"]
    if signature is not None and _daily_totals_signature(session, store_id) == signature:
        kpi_service.add_sales_days(session, store_id, core_select(ORDER_ROLLUP_STAGE))
    else:
        kpi_service.add_sales_days(session, store_id, _daily_total_deltas(store_id))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = ["revenue_fen", "orders", "refunds_fen"]
    rows = core_select(literal(store_id), *(stage.c[c] for c in key + values), literal(utcnow(), AwareDateTime)).where(
        true()
    )  # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
    stmt = dialect.insert(totals).from_select(["store_id", *key, *values, "updated_at"], rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id", *key],
        set_={name: stmt.excluded[name] for name in [*values, "updated_at"]},
    )
    conn.execute(stmt)
