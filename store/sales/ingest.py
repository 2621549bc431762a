"""The tills' hot path: sales posted one by one or forwarded as a backlog, written set-based.

A request goes through three phases (docs/architecture.md, "Posting sales"):

1. Unlocked reads and checks: recorded ``Idempotency-Key``\\ s first (a retry gets the first result before
   anything else is looked at, as it always did), then per sale the size cap, the poster's shop, the
   arithmetic (``checks``) and the shop trading on the business day.
2. The writes, under ``db.write_lock`` (on SQLite: the write lock, for these statements only): the
   orders (one INSERT … RETURNING; many: one executemany and a read of their ids), one INSERT of their
   lines, one of their payments, one upsert per KPI rollup row they touch, one INSERT of their
   idempotency records; whatever the number of sales.
3. The response, built from the values written: nothing is read back.

A unique index that refuses a write (an order number or a key that a concurrent request recorded first)
rolls the writes back and the request runs again: its reads then see the other request's rows and answer
as a retry would (the first result, 409 order number taken, 409 key reused).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from store import driver_sql, idempotency
from store.auth.models import DeviceKind
from store.clock import business_day, utcnow
from store.config import get_settings
from store.db import write_lock
from store.errors import StoreError
from store.kpi import service as kpi_service
from store.premises import service as premises_service
from store.sales import checks
from store.sales import service as sales_service
from store.sales.errors import (
    OrderDoesNotAddUp,
    OrderNumberTaken,
    TillSequenceTaken,
    TooLarge,
    UnknownSku,
    WrongShop,
)
from store.sales.models import Order, OrderLine, Payment
from store.sales.schemas import OrderCreate
from store.sales.service import Poster, default_source, ensure_member

ORDER: Table = Order.__table__  # type: ignore[attr-defined]
LINE: Table = OrderLine.__table__  # type: ignore[attr-defined]
PAYMENT: Table = Payment.__table__  # type: ignore[attr-defined]
ATTEMPTS = 3  # a write refused by a unique index runs again with fresh reads; a third refusal is raised
# Built once: building a statement costs several times what running it does.
_INSERT_ORDER = insert(ORDER).returning(ORDER.c.id)
_INSERT_ORDERS = insert(ORDER)
_ORDER_IDS = select(ORDER.c.order_no, ORDER.c.id).where(
    ORDER.c.store_id == bindparam("store_id"), ORDER.c.order_no.in_(bindparam("numbers", expanding=True))
)
# The columns of a line and a payment, as the driver gets them (the order id first).
_LINE_COLUMNS = ("order_id", "line_no", "sku", "name", "quantity", "unit_price_fen", "discount_fen", "total_fen")
_PAYMENT_COLUMNS = ("order_id", "method", "amount_fen")
_PLAIN_INSERTS = {LINE.name: insert(LINE), PAYMENT.name: insert(PAYMENT)}
_TAKEN_SEQUENCES = select(ORDER.c.till_seq, ORDER.c.id, ORDER.c.order_no).where(
    ORDER.c.terminal_id == bindparam("terminal"), ORDER.c.till_seq.in_(bindparam("seqs", expanding=True))
)
_USED_NUMBERS = select(ORDER.c.order_no).where(
    ORDER.c.store_id == bindparam("store_id"), ORDER.c.order_no.in_(bindparam("numbers", expanding=True))
)


@dataclass
class Sale:
    """One sale as posted: the order and its ``Idempotency-Key`` (None: not retry-safe)."""

    key: str | None
    data: OrderCreate


@dataclass
class Outcome:
    """What a single post of the sale answers: the status and its JSON body, or the error."""

    status: int
    body: dict[str, Any] | None = None
    error: StoreError | None = None


@dataclass
class _Row:
    """A checked sale, ready to write: the values of its rows and of its response."""

    index: int
    key: str | None
    digest: str
    store_id: int
    shop_id: int
    business_on: date
    channel: str
    source: str
    member_id: int | None
    total_fen: int
    order: dict[str, Any]
    lines: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    response: dict[str, Any]


@dataclass
class _Context:
    """What the checks of one request share: the store's timezone and the shops' trading days."""

    poster: Poster
    now: Any
    max_lines: int
    conn: Connection  # the session's, for the reads (asking the session for it costs more than a query)
    timezone: str | None = None
    windows: dict[int, tuple[date, date | None] | None] = field(default_factory=dict)
    # A till's sales: the shop of each SKU code of the request in the store's catalogue (None: no check,
    # the poster is no till or the store has no catalogue).
    sku_shops: dict[str, int] | None = None


def post(session: Session, poster: Poster, sales: list[Sale], *, scope: str) -> list[Outcome]:
    """Record ``sales`` for ``poster``; each gets the outcome a single post of it would have had."""
    check_numbers = len(sales) > 1  # one sale: let the unique index find a used number (saves a query)
    for attempt in range(1, ATTEMPTS + 1):
        outcomes, rows, followers, conn = _plan(session, poster, sales, scope, check_numbers=check_numbers)
        try:
            if rows:
                with write_lock(session, conn=conn) as conn:
                    _write(session, conn, scope, rows, outcomes)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            check_numbers = True
            continue
        for index, first in followers:  # the same key twice in one batch: the second is a retry of the first
            outcomes[index] = _retry_of(sales[index], sales[first], outcomes[first])
        done = [outcome for outcome in outcomes if outcome is not None]
        assert len(done) == len(sales), "every sale has an outcome"
        return done
    raise AssertionError("unreachable")  # pragma: no cover


def _plan(
    session: Session, poster: Poster, sales: list[Sale], scope: str, *, check_numbers: bool
) -> tuple[list[Outcome | None], list[_Row], list[tuple[int, int]], Connection]:
    """The unlocked phase: replays of recorded keys, refusals, and the rows of the sales to write; and the
    session's connection it read on."""
    settings = get_settings()
    conn = session.connection()
    recorded = idempotency.find(session, scope, [sale.key for sale in sales if sale.key is not None], conn=conn)
    ctx = _Context(poster=poster, now=utcnow(), max_lines=settings.max_order_lines, conn=conn)
    device = poster.device
    if device is not None and device.kind == DeviceKind.pos_terminal:
        codes = {line.sku for sale in sales for line in sale.data.lines}
        shops, has_catalogue = sales_service.catalogue_shops(session, poster.store_id, codes, conn=conn)
        ctx.sku_shops = shops if has_catalogue else None
    outcomes: list[Outcome | None] = [None] * len(sales)
    rows: list[_Row] = []
    first_of_key: dict[str, int] = {}
    followers: list[tuple[int, int]] = []
    for index, sale in enumerate(sales):
        dump = sale.data.model_dump(mode="json")
        for newer in ("price_book_version", "till_seq"):  # keys recorded before these fields keep their fingerprint
            if dump[newer] is None:
                del dump[newer]
        digest = idempotency.request_fingerprint(dump)
        if sale.key is not None:
            if sale.key in recorded:
                outcomes[index] = _replay(sale.key, digest, recorded[sale.key])
                continue
            if sale.key in first_of_key:
                followers.append((index, first_of_key[sale.key]))
                continue
            first_of_key[sale.key] = index
        try:
            rows.append(_check(session, ctx, index, sale, dump, digest))
        except StoreError as exc:
            outcomes[index] = Outcome(exc.status_code, error=exc)
    if check_numbers and rows:
        rows = _answer_taken_sequences(session, poster, rows, outcomes)
    if check_numbers and rows:
        rows = _refuse_used_numbers(session, poster.store_id, rows, outcomes)
    return outcomes, rows, followers, conn


def _replay(key: str, digest: str, recorded: tuple[str, int, dict[str, Any]]) -> Outcome:
    first_digest, status, body = recorded
    if first_digest != digest:
        return Outcome(409, error=idempotency.conflict(key))
    return Outcome(status, body)


def _retry_of(sale: Sale, first: Sale, outcome: Outcome | None) -> Outcome:
    assert sale.key is not None and outcome is not None
    if idempotency.request_fingerprint(sale.data) != idempotency.request_fingerprint(first.data):
        return Outcome(409, error=idempotency.conflict(sale.key))
    return outcome


def _check(session: Session, ctx: _Context, index: int, sale: Sale, dump: dict[str, Any], digest: str) -> _Row:
    """The sale's rows, or the error a single post of it raises (in the same order as ``create_order``)."""
    data, poster = sale.data, ctx.poster
    if len(data.lines) > ctx.max_lines:
        raise TooLarge(
            f"an order may have at most {ctx.max_lines} lines, this one has {len(data.lines)}",
            errors=[{"loc": ["body", "lines"], "msg": f"at most {ctx.max_lines} lines"}],
        )
    if not poster.can_see_shop(data.shop_id):
        raise WrongShop(f"this device is bound to shop {poster.shop_id} and may not post for shop {data.shop_id}")
    errors = checks.order_errors(data, now=ctx.now)
    if errors:
        raise OrderDoesNotAddUp(checks.summary(errors), errors=errors)
    if ctx.sku_shops is not None:
        _check_skus(ctx.sku_shops, data)
    business_on = _business_day_at_trading_shop(session, ctx, data)
    ensure_member(session, poster.store_id, data.member_id)
    device = poster.device
    source = (data.source or default_source(data.channel, device.kind if device is not None else None)).value
    terminal_id = device.id if device is not None else None
    order = {
        "store_id": poster.store_id,
        "shop_id": data.shop_id,
        "order_no": data.order_no,
        "channel": data.channel.value,
        "source": source,
        "member_id": data.member_id,
        "terminal_id": terminal_id,
        "ordered_at": data.ordered_at,
        "business_on": business_on,
        "subtotal_fen": data.subtotal_fen,
        "discount_fen": data.discount_fen,
        "total_fen": data.total_fen,
        "refunded_fen": 0,
        "price_book_version": data.price_book_version,
        "till_seq": data.till_seq,
        "created_at": ctx.now,
    }
    lines = [{"line_no": n, **line} for n, line in enumerate(dump["lines"], start=1)]
    response = {  # the fields and order of OrderRead, from the values written
        "id": None,
        **{name: order[name] for name in ("shop_id", "order_no", "channel", "source", "member_id", "terminal_id")},
        "ordered_at": dump["ordered_at"],
        "business_on": business_on.isoformat(),
        **{name: order[name] for name in ("subtotal_fen", "discount_fen", "total_fen", "refunded_fen")},
        "price_book_version": data.price_book_version,
        "till_seq": data.till_seq,
        "lines": lines,
        "payments": dump["payments"],
        "refunds": [],
    }
    return _Row(
        index=index,
        key=sale.key,
        digest=digest,
        store_id=poster.store_id,
        shop_id=data.shop_id,
        business_on=business_on,
        channel=order["channel"],
        source=source,
        member_id=data.member_id,
        total_fen=data.total_fen,
        order=order,
        lines=lines,
        payments=dump["payments"],
        response=response,
    )


def _check_skus(shops: dict[str, int], data: OrderCreate) -> None:
    """A till sells its shop's catalogue: every line's SKU must be in the store's catalogue, of this shop."""
    errors = []
    for index, line in enumerate(data.lines):
        shop = shops.get(line.sku)
        if shop == data.shop_id:
            continue
        why = "not in the store's catalogue" if shop is None else f"sold by shop {shop}, not by shop {data.shop_id}"
        errors.append({"loc": ["body", "lines", index, "sku"], "line": index, "sku": line.sku, "msg": why})
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UnknownSku(f"line {first['line']}: SKU {first['sku']!r} is {first['msg']}{more}", errors=errors)


def _business_day_at_trading_shop(session: Session, ctx: _Context, data: OrderCreate) -> date:
    """The sale's business day, if its shop trades that day (one query per shop and request)."""
    store_id, shop_id = ctx.poster.store_id, data.shop_id
    if shop_id not in ctx.windows:
        found = premises_service.trading_window(session, store_id, shop_id, conn=ctx.conn)
        if found is not None:
            ctx.timezone = found[0]
        ctx.windows[shop_id] = found[1:] if found is not None else None
    if ctx.timezone is None:
        ctx.timezone = premises_service.get_store(session, store_id).timezone
    on = business_day(data.ordered_at, ctx.timezone)
    window = ctx.windows[shop_id]
    if window is None or on < window[0] or (window[1] is not None and on > window[1]):
        premises_service.ensure_shop_trading(session, store_id, shop_id, on)  # raises the worded refusal
    return on


def _answer_taken_sequences(
    session: Session, poster: Poster, rows: list[_Row], outcomes: list[Outcome | None]
) -> list[_Row]:
    """Rows whose till sequence number is free. A taken one holding the same order number is that sale
    replayed under another key (the till lost its answer and its key): answered 200 with the stored order;
    holding another order number, 409 ``till-sequence-taken``."""
    device = poster.device
    wanted = [row for row in rows if row.order["till_seq"] is not None]
    if device is None or not wanted:
        return rows
    seqs = [row.order["till_seq"] for row in wanted]
    stored = {
        seq: (oid, number)
        for seq, oid, number in session.connection().execute(_TAKEN_SEQUENCES, {"terminal": device.id, "seqs": seqs})
    }
    kept, seen = [], set()
    for row in rows:
        seq = row.order["till_seq"]
        if seq is None:
            kept.append(row)
        elif seq in stored and stored[seq][1] == row.order["order_no"]:
            order = sales_service.get_order(session, poster.store_id, stored[seq][0], viewer=poster)
            outcomes[row.index] = Outcome(200, sales_service.order_read(session, order).model_dump(mode="json"))
        elif seq in stored or seq in seen:
            outcomes[row.index] = Outcome(
                409, error=TillSequenceTaken(f"this till already posted another sale as number {seq}")
            )
        else:
            seen.add(seq)
            kept.append(row)
    return kept


def _refuse_used_numbers(
    session: Session, store_id: int, rows: list[_Row], outcomes: list[Outcome | None]
) -> list[_Row]:
    """Rows whose order number is neither recorded nor used by an earlier sale of the request."""
    numbers = [row.order["order_no"] for row in rows]
    used = set(session.connection().execute(_USED_NUMBERS, {"store_id": store_id, "numbers": numbers}).scalars())
    kept = []
    for row in rows:
        number = row.order["order_no"]
        if number in used:
            outcomes[row.index] = Outcome(
                409, error=OrderNumberTaken(f"order number {number!r} is already recorded in this store")
            )
            continue
        used.add(number)
        kept.append(row)
    return kept


def _write(session: Session, conn: Connection, scope: str, rows: list[_Row], outcomes: list[Outcome | None]) -> None:
    """The locked phase: every row of ``rows`` in a handful of statements; fills their outcomes."""
    busy = idempotency.claim(session, scope, [row.key for row in rows if row.key is not None], conn=conn)
    if busy:  # PostgreSQL: the first request with this key is still writing
        for row in rows:
            if row.key in busy:
                outcomes[row.index] = Outcome(409, error=idempotency.in_progress(row.key))
        rows = [row for row in rows if row.key not in busy]
        if not rows:
            return
    ids = _insert_orders(conn, rows)
    _insert_plain(conn, LINE, _LINE_COLUMNS, [(oid, row.lines) for oid, row in zip(ids, rows, strict=True)])
    _insert_plain(conn, PAYMENT, _PAYMENT_COLUMNS, [(oid, row.payments) for oid, row in zip(ids, rows, strict=True)])
    kpi_service.apply_orders(session, rows, conn=conn)
    for oid, row in zip(ids, rows, strict=True):
        row.response["id"] = oid
        outcomes[row.index] = Outcome(201, row.response)
    idempotency.record(
        session, scope, [(row.key, row.digest, 201, row.response) for row in rows if row.key is not None], conn=conn
    )


def _insert_orders(conn: Connection, rows: list[_Row]) -> list[int]:
    """Insert the orders of ``rows``; their ids, in the same order.

    One sale: INSERT … RETURNING. Many: one executemany and one read of the ids by order number (unique
    in the store, and the rows are ours until commit). INSERT … RETURNING of many rows in their order
    makes SQLAlchemy send one INSERT per row on SQLite, which has no way to sort what it returns.
    """
    if len(rows) == 1:
        return [driver_sql.fetch(conn, _INSERT_ORDER, rows[0].order)[0][0]]
    driver_sql.execute_many(conn, _INSERT_ORDERS, [row.order for row in rows])
    numbers = [row.order["order_no"] for row in rows]
    found = {
        number: oid for number, oid in conn.execute(_ORDER_IDS, {"store_id": rows[0].store_id, "numbers": numbers})
    }
    return [found[number] for number in numbers]


def _insert_plain(
    conn: Connection, table: Table, columns: tuple[str, ...], owned: list[tuple[int, list[dict[str, Any]]]]
) -> None:
    """Insert the lines (or payments) of each order id in ``owned``, as one executemany on the driver."""
    rows = [{columns[0]: oid, **{name: item[name] for name in columns[1:]}} for oid, items in owned for item in items]
    driver_sql.execute_many(conn, _PLAIN_INSERTS[table.name], rows)


def problems(outcomes: list[Outcome], instance: str) -> Iterator[dict[str, Any] | None]:
    """The problem+json body of each failed outcome (None for a recorded sale), as a single post shows it."""
    for outcome in outcomes:
        yield outcome.error.problem(instance) if outcome.error is not None else None
