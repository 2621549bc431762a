"""Tills: heartbeats, the missing-sale scan over each till's sequence numbers, payments through the plugin.

Sequence numbers: every sale a till agent commits to its outbox gets the till's next number, and the sales
table keeps them unique per till (``sales_order`` (terminal_id, till_seq)). The agent forwards in order, so
a number missing below a stored one is a sale the server lacks: dead-lettered on the till (the till reports
those numbers in its heartbeat) or lost. The scan keeps a watermark (every number up to it is stored) and one
open ``pos_sequence_gap`` row per missing range, resolved when the numbers arrive; numbers above the highest
stored are missing too once the till reports a higher ``last_seq`` with an empty outbox.

A sale the till's supervisor discards from the dead-letter list is reported (``report_discard``, the till's
``POST /pos/discards``) and kept in ``pos_discarded_sale``: the scan counts its number as accounted for, so the
gap closes as "discarded at the till" with the supervisor's reason, and it is never a sale. A sale stored under
the same number, before or after the report, stays a sale (the sales table is never touched here): the
discard then reads as "the sale arrived after all".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from store import signed_codes
from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind
from store.catalog import service as catalog_service
from store.clock import utcnow
from store.config import get_settings
from store.errors import InvalidInput
from store.payments import service as payments_service
from store.payments.models import PaymentOrder, PaymentRefund
from store.points import service as points_service
from store.pos.errors import DiscardConflict, NotATill, PosPaymentNotFound
from store.pos.models import PosDiscardedSale, PosSequenceGap, PosTill
from store.pos.schemas import (
    DiscardIn,
    DiscardRead,
    GapRead,
    HeartbeatIn,
    PosPaymentCreate,
    PosPaymentRead,
    PosPaymentRefundRead,
    TillPage,
    TillRead,
    TillState,
)
from store.premises import service as premises_service
from store.premises.models import Shop, Store
from store.sales import service as sales_service
from store.sales.models import Order

FRESH = timedelta(minutes=2)  # a till heard from within this is online
DISCARDS_SHOWN = 20  # the latest discards listed per till
PURPOSE = "pos"  # payment_order.purpose of the tills' payments


def _till(session: Session, device: Device) -> PosTill:
    till = session.get(PosTill, device.id)
    if till is None:
        till = PosTill(device_id=device.id, store_id=device.store_id)  # type: ignore[arg-type]
        session.add(till)
    return till


def _dead(till: PosTill) -> set[int]:
    return {int(part) for part in till.dead_seqs.split(",") if part}


def heartbeat(session: Session, device: Device, data: HeartbeatIn, *, now: datetime | None = None) -> TillRead:
    """Record a till's report and rescan its sequence; returns what the admin page shows for it."""
    if device.kind != DeviceKind.pos_terminal:
        raise NotATill("only a till (pos_terminal) sends heartbeats here")
    now = now or utcnow()
    till = _till(session, device)
    till.last_heartbeat_at = now
    till.outbox_backlog = data.outbox_backlog
    till.oldest_pending_at = data.oldest_pending_at if data.outbox_backlog else None
    till.dead_letters = data.dead_letters
    till.last_seq = max(till.last_seq, data.last_seq)
    kept: list[str] = []
    for seq in sorted(set(data.dead_seqs)):  # whole numbers only, within the column
        if sum(len(k) + 1 for k in kept) + len(str(seq)) > 2000:
            break
        kept.append(str(seq))
    till.dead_seqs = ",".join(kept)
    till.price_book_version = data.price_book_version
    till.agent_version = data.agent_version
    till.shift_open = data.shift_open
    session.flush()
    scan(session, till, now=now)
    return _read(session, device, till, catalog_service.current_version(session, device.store_id), now)


def _missing_ranges(stored: list[int], start: int, top: int) -> tuple[int, list[tuple[int, int]]]:
    """(new watermark, missing ranges) given the numbers stored above ``start`` and the highest expected."""
    expected, watermark, ranges = start + 1, None, []
    for seq in stored:
        if seq > expected:
            ranges.append((expected, seq - 1))
            if watermark is None:
                watermark = expected - 1
        expected = seq + 1
    if top >= expected:
        ranges.append((expected, top))
        if watermark is None:
            watermark = expected - 1
    return (expected - 1 if watermark is None else watermark), ranges


def scan(session: Session, till: PosTill, *, now: datetime | None = None) -> list[PosSequenceGap]:
    """Open, narrow or resolve the till's missing-sale alarms; returns the open ones. A number is accounted for
    when a sale is stored under it or the till reported it discarded; an alarm that closes says how."""
    now = now or utcnow()
    start = till.contiguous_seq
    stored = sales_service.till_sequences(session, till.device_id, after=start)
    sold = set(stored)
    discarded = set(
        session.exec(
            select(PosDiscardedSale.till_seq).where(
                PosDiscardedSale.device_id == till.device_id, col(PosDiscardedSale.till_seq) > start
            )
        )
    )
    if len(stored) >= 10_000:  # the sales were read in part: nothing beyond them counts yet
        discarded = {seq for seq in discarded if seq < stored[-1]}
    accounted = sorted(sold | discarded)
    highest = accounted[-1] if accounted else start
    top = till.last_seq if till.outbox_backlog == 0 else highest  # queued numbers are not missing yet
    till.contiguous_seq, ranges = _missing_ranges(accounted, start, max(top, highest))
    open_rows = {
        gap.first_seq: gap
        for gap in session.exec(
            select(PosSequenceGap).where(
                PosSequenceGap.device_id == till.device_id, col(PosSequenceGap.resolved_at).is_(None)
            )
        )
    }
    kept = []
    for first, last in ranges:
        gap = open_rows.pop(first, None)
        if gap is None:
            gap = PosSequenceGap(store_id=till.store_id, device_id=till.device_id, first_seq=first, last_seq=last)
            session.add(gap)
        gap.last_seq = last
        kept.append(gap)
    for gap in open_rows.values():
        gap.resolved_at = now
        gap.closed_as = _closed_as(gap, ranges, sold, discarded)
    session.flush()
    return kept


def _closed_as(gap: PosSequenceGap, still_open: list[tuple[int, int]], sold: set[int], discarded: set[int]) -> str:
    """How a resolved alarm's numbers were accounted for: sales arrived, discarded at the till, or both (the
    numbers of the range that are open again in another alarm left out; a number sold and discarded is sold)."""

    def closed(seq: int) -> bool:
        return gap.first_seq <= seq <= gap.last_seq and not any(a <= seq <= b for a, b in still_open)

    dropped = any(closed(seq) for seq in discarded - sold)
    arrived = any(closed(seq) for seq in sold)
    if dropped and arrived:
        return "mixed"
    return "discarded" if dropped else "arrived"


def report_discard(
    session: Session, device: Device, data: DiscardIn, *, now: datetime | None = None
) -> tuple[DiscardRead, bool]:
    """Record a sale the till's supervisor discarded (its number, order number and reason) and rescan the till;
    returns the record and whether it is new. The same number reported again is answered with the first record;
    under another order number it is a conflict. A sale stored under the number stays a sale."""
    if device.kind != DeviceKind.pos_terminal:
        raise NotATill("only a till (pos_terminal) reports the sales it discarded")
    now = now or utcnow()
    reason, order_no = " ".join(data.reason.split()), data.order_no.strip()
    if len(reason) < 2:
        raise InvalidInput("give the supervisor's reason for discarding the sale")
    if not order_no:
        raise InvalidInput("name the discarded sale's order number")
    found = _discard(session, device.id, data.till_seq)  # type: ignore[arg-type]
    created = found is None
    if found is None:
        found = PosDiscardedSale(
            store_id=device.store_id,
            device_id=device.id,  # type: ignore[arg-type]
            till_seq=data.till_seq,
            order_no=order_no,
            reason=reason[:200],
            discarded_at=data.discarded_at or now,
            reported_at=now,
        )
        try:
            with session.begin_nested():
                session.add(found)
                session.flush()
        except IntegrityError:  # the same report on another connection a moment ago
            created, found = False, _discard(session, device.id, data.till_seq)  # type: ignore[arg-type]
            assert found is not None
    if found.order_no != order_no:
        raise DiscardConflict(
            f"till number {data.till_seq} was reported discarded as order {found.order_no}, not {order_no}"
        )
    scan(session, _till(session, device), now=now)
    return _discard_reads(session, device.id, [found])[0], created  # type: ignore[arg-type]


def _discard(session: Session, device_id: int, till_seq: int) -> PosDiscardedSale | None:
    return session.exec(
        select(PosDiscardedSale).where(PosDiscardedSale.device_id == device_id, PosDiscardedSale.till_seq == till_seq)
    ).first()


def _discard_reads(session: Session, device_id: int, rows: list[PosDiscardedSale]) -> list[DiscardRead]:
    seqs = [row.till_seq for row in rows]
    sold = (
        set(session.exec(select(Order.till_seq).where(Order.terminal_id == device_id, col(Order.till_seq).in_(seqs))))
        if seqs
        else set()
    )
    return [
        DiscardRead(
            till_seq=row.till_seq,
            order_no=row.order_no,
            reason=row.reason,
            discarded_at=row.discarded_at,
            reported_at=row.reported_at,
            sale_arrived=row.till_seq in sold,
        )
        for row in rows
    ]


def _discarded_count(session: Session, device_id: int) -> int:
    """The till's discarded numbers under which no sale is stored."""
    d = PosDiscardedSale
    sold = exists().where(col(Order.terminal_id) == d.device_id, col(Order.till_seq) == d.till_seq)
    return int(session.exec(select(func.count()).select_from(d).where(d.device_id == device_id, ~sold)).one())


def scan_all(session: Session) -> int:
    """Scan every till of every store (the worker, every minute); returns the open alarms."""
    found = 0
    tills = session.exec(
        select(Device).where(Device.kind == DeviceKind.pos_terminal, col(Device.revoked_at).is_(None))
    ).all()
    for device in tills:
        found += len(scan(session, _till(session, device)))
    return found


def _read(session: Session, device: Device, till: PosTill | None, current: int, now: datetime) -> TillRead:
    gaps: list[GapRead] = []
    discarded: list[DiscardRead] = []
    discarded_count = 0
    state = TillState.never
    if till is not None:
        dead = _dead(till)
        rows = session.exec(
            select(PosSequenceGap)
            .where(PosSequenceGap.device_id == device.id, col(PosSequenceGap.resolved_at).is_(None))
            .order_by(col(PosSequenceGap.first_seq))
        )
        gaps = [
            GapRead(
                first_seq=g.first_seq,
                last_seq=g.last_seq,
                detected_at=g.detected_at,
                resolved_at=g.resolved_at,
                in_dead_letter=all(seq in dead for seq in range(g.first_seq, min(g.last_seq, g.first_seq + 200) + 1)),
                closed_as=g.closed_as,
            )
            for g in rows
        ]
        latest = session.exec(
            select(PosDiscardedSale)
            .where(PosDiscardedSale.device_id == device.id)
            .order_by(col(PosDiscardedSale.till_seq).desc())
            .limit(DISCARDS_SHOWN)
        ).all()
        discarded = _discard_reads(session, device.id, list(latest))  # type: ignore[arg-type]
        discarded_count = _discarded_count(session, device.id) if discarded else 0  # type: ignore[arg-type]
        if till.last_heartbeat_at is not None:
            state = TillState.online if now - till.last_heartbeat_at <= FRESH else TillState.silent
    version = till.price_book_version if till is not None else None
    return TillRead(
        device_id=device.id,  # type: ignore[arg-type]
        name=device.name,
        shop_id=device.shop_id,
        state=state,
        last_heartbeat_at=till.last_heartbeat_at if till else None,
        outbox_backlog=till.outbox_backlog if till else 0,
        dead_letters=till.dead_letters if till else 0,
        last_seq=till.last_seq if till else 0,
        server_seq=sales_service.highest_till_seq(session, device.id),  # type: ignore[arg-type]
        price_book_version=version,
        current_book_version=current,
        stale_book=version is not None and version < current,
        open_gaps=gaps,
        discarded_sales=discarded_count,
        discarded=discarded,
    )


def tills(session: Session, store_id: int, *, shop_id: int | None = None, now: datetime | None = None) -> TillPage:
    """Every till of the store (tenant staff: of their shop) with its status and open missing-sale alarms."""
    now = now or utcnow()
    current = catalog_service.current_version(session, store_id)
    items = []
    for device in auth_service.list_devices(session, store_id):
        if device.kind != DeviceKind.pos_terminal or device.revoked_at is not None:
            continue
        if shop_id is not None and device.shop_id != shop_id:
            continue
        items.append(_read(session, device, session.get(PosTill, device.id), current, now))
    missing = sum(g.last_seq - g.first_seq + 1 for item in items for g in item.open_gaps)
    return TillPage(
        items=items,
        outbox_backlog=sum(i.outbox_backlog for i in items),
        missing_sales=missing,
        discarded_sales=sum(i.discarded_sales for i in items),
    )


def outbox_backlog(session: Session, store_id: int) -> int:
    """Sales and refunds waiting in the outboxes of the store's tills, as last reported (facilities reads it)."""
    rows = session.exec(select(PosTill.outbox_backlog).where(PosTill.store_id == store_id)).all()
    return int(sum(rows))


@dataclass(frozen=True)
class TillBacklogRow:
    store_id: int
    device_id: int
    name: str
    pending: int
    oldest_pending_at: datetime | None
    reported_at: datetime


def till_backlogs(session: Session, store_id: int | None) -> list[TillBacklogRow]:
    """Each till's outbox as its last heartbeat reported it (all stores when ``store_id`` is None); the
    facilities dashboard, its alert and the ``/metrics`` gauges read this (docs/contracts.md, facilities)."""
    query = (
        select(PosTill, Device.name)
        .join(Device, col(Device.id) == PosTill.device_id)
        .where(col(PosTill.last_heartbeat_at).is_not(None))
    )
    if store_id is not None:
        query = query.where(PosTill.store_id == store_id)
    return [
        TillBacklogRow(
            store_id=till.store_id,
            device_id=till.device_id,
            name=name,
            pending=till.outbox_backlog,
            oldest_pending_at=till.oldest_pending_at,
            reported_at=till.last_heartbeat_at,  # type: ignore[arg-type]
        )
        for till, name in session.exec(query.order_by(col(PosTill.device_id)))
    ]


# --- payments through the plugin network (store.payments) --------------------------------------------------


def _payment_read(payment: PaymentOrder) -> PosPaymentRead:
    return PosPaymentRead(
        id=payment.id,  # type: ignore[arg-type]
        payment_no=payment.payment_no,
        order_no=payment.reference,
        method=payment.method,
        amount_fen=payment.amount_fen,
        refunded_fen=payment.refunded_fen,
        status=str(payment.status),
        message=payment.message,
    )


def _payment(session: Session, store_id: int, payment_id: int) -> PaymentOrder:
    payment = payments_service.get(session, store_id, payment_id)
    if payment.purpose != PURPOSE:
        raise PosPaymentNotFound(f"payment {payment_id} is not a till payment")
    return payment


def pay(session: Session, store_id: int, data: PosPaymentCreate) -> PosPaymentRead:
    """A new attempt (new payment number): paid, declined, or pending while the network's answer is unknown."""
    payment = payments_service.start(
        session,
        store_id,
        purpose=PURPOSE,
        reference=data.order_no,
        amount_fen=data.amount_fen,
        method=data.method.value,
        description=f"till sale {data.order_no}",
    )
    return _payment_read(payment)


def payment_status(session: Session, store_id: int, payment_id: int) -> PosPaymentRead:
    """The payment, queried at the network first while it is pending."""
    _payment(session, store_id, payment_id)
    return _payment_read(payments_service.resolve(session, store_id, payment_id))


def refund_payment(
    session: Session, store_id: int, payment_id: int, amount_fen: int, *, reason: str = ""
) -> PosPaymentRefundRead:
    """Money back to the payment's own method (never another one)."""
    payment = _payment(session, store_id, payment_id)
    row: PaymentRefund = payments_service.refund(session, store_id, payment_id, amount_fen, reason=reason)
    return PosPaymentRefundRead(
        refund_no=row.refund_no,
        payment_no=payment.payment_no,
        method=row.method,
        amount_fen=row.amount_fen,
        status=str(row.status),
    )


# --- e-receipts: the receipt's QR opens the sale on a phone, by a link the till signs offline ----------------

RECEIPT_PURPOSE = "pos-receipt"  # signed_codes purpose of the receipt links
RECEIPT_AGE = timedelta(days=400)  # a receipt's link works this long (refunds run up to 360 days)


def receipt_secret(device_id: int) -> str:
    """The till's own key for its receipt links (derived from the store's secret, never stored): the till
    signs ``[device id, order number]`` with it while offline; nobody without it can make a link."""
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, f"smartstore.pos-receipt:{device_id}".encode(), hashlib.sha256).hexdigest()


def receipt_key(device: Device) -> tuple[int, str]:
    if device.kind != DeviceKind.pos_terminal:
        raise NotATill("only a till signs receipt links")
    return device.id, receipt_secret(device.id)  # type: ignore[return-value,arg-type]


@dataclass(frozen=True)
class ReceiptView:
    """What the e-receipt page shows: the store, the shop, the sale (None: not on the server yet)."""

    store: Store
    shop: Shop | None
    order_no: str
    order: Order | None
    lines: list[object]
    payments: list[object]
    points: int | None  # earned by the member named on the sale
    claimable_points: int  # a sale without a member: what a member would earn (one point a yuan)


def open_receipt(session: Session, token: str) -> ReceiptView:
    """The sale of a receipt link; ``signed_codes.CodeInvalid`` / ``CodeExpired`` for a link not made by a
    till of this server or past its time. A sale the till has not forwarded yet comes back with no order."""
    body = token.partition(".")[0]
    try:
        _expires, (device_id, order_no) = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        device_id, order_no = int(device_id), str(order_no)
    except (ValueError, TypeError) as exc:  # undecodable, or not [expires, [id, number]]
        raise signed_codes.CodeInvalid("this receipt link is not valid") from exc
    signed_codes.verify(RECEIPT_PURPOSE, token, secret=receipt_secret(device_id))
    device = session.get(Device, device_id)
    if device is None or device.kind != DeviceKind.pos_terminal:
        raise signed_codes.CodeInvalid("this receipt link is not valid")
    store = premises_service.get_store(session, device.store_id)
    order = session.exec(
        select(Order).where(
            Order.store_id == device.store_id, Order.terminal_id == device.id, Order.order_no == order_no
        )
    ).first()
    if order is None:
        shop = session.get(Shop, device.shop_id) if device.shop_id else None
        return ReceiptView(store, shop, order_no, None, [], [], None, 0)
    read = sales_service.order_read(session, order)
    points = _points_earned(session, order)
    return ReceiptView(
        store=store,
        shop=session.get(Shop, order.shop_id),
        order_no=order_no,
        order=order,
        lines=list(read.lines),
        payments=list(read.payments),
        points=points,
        claimable_points=(order.total_fen - order.refunded_fen) // 100 if order.member_id is None else 0,
    )


def _points_earned(session: Session, order: Order) -> int | None:
    if order.member_id is None:
        return None
    entry = points_service.earned(session, order.id)  # type: ignore[arg-type]
    return entry.points if entry is not None else 0
