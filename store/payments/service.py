"""Paying through the plugin network: one payment order per attempt, pending until the network knows.

Rules (what a cashier, an online buyer or a parking driver notices):

- Every attempt gets a new ``payment_no`` (the network's idempotency key); a retry never reuses one.
- ``unknown`` from the network (timeout) leaves the payment ``pending``; :func:`resolve` queries it later
  (the worker does so every few minutes) and only the network's answer moves it to paid or declined.
- A reference already paid refuses a new attempt; pending attempts are queried first. Should two attempts
  of one reference both turn out paid, the later one is refunded at once (reason "duplicate payment").
- Refunds go back to the payment's own method, never more than was paid (pending refunds count).
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from store.clock import utcnow
from store.payments.errors import AlreadyPaid, BadAmount, PaymentNotFound, PaymentNotRefundable
from store.payments.models import PaymentOrder, PaymentRefund
from store.payments.network import PaymentNetwork, get_network
from store.payments.schemas import Answer, NetworkAnswer, PaymentRequest, PaymentStatus, RefundStatus
from store.scoping import get_in_store

DUPLICATE = "duplicate payment"


def _number(prefix: str) -> str:
    """A new payment or refund number: time of issue and 32 random bits (never reused)."""
    return f"{prefix}{utcnow():%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def get(session: Session, store_id: int, payment_id: int) -> PaymentOrder:
    return get_in_store(
        session, PaymentOrder, payment_id, store_id=store_id, not_found=PaymentNotFound, label="payment"
    )


def attempts(session: Session, store_id: int, purpose: str, reference: str) -> list[PaymentOrder]:
    """Every attempt to pay ``reference``, oldest first."""
    query = select(PaymentOrder).where(
        PaymentOrder.store_id == store_id, PaymentOrder.purpose == purpose, PaymentOrder.reference == reference
    )
    return list(session.exec(query.order_by(col(PaymentOrder.id))))


def _apply(payment: PaymentOrder, answer: NetworkAnswer) -> None:
    if answer.answer == Answer.unknown:
        payment.message = answer.message[:200]
        return
    payment.status = PaymentStatus.paid if answer.answer == Answer.paid else PaymentStatus.declined
    payment.network_ref = answer.network_ref[:64]
    payment.message = answer.message[:200]
    payment.resolved_at = utcnow()


def start(
    session: Session,
    store_id: int,
    *,
    purpose: str,
    reference: str,
    amount_fen: int,
    method: str,
    description: str = "",
    network: PaymentNetwork | None = None,
) -> PaymentOrder:
    """A new attempt to pay ``reference``: paid, declined, or pending when the network's answer is unknown."""
    if amount_fen <= 0:
        raise BadAmount(f"a payment must be more than 0 fen, not {amount_fen}")
    network = network or get_network()
    for earlier in attempts(session, store_id, purpose, reference):
        if earlier.status == PaymentStatus.pending:
            resolve(session, store_id, earlier.id, network=network)  # type: ignore[arg-type]
        if earlier.status == PaymentStatus.paid:
            raise AlreadyPaid(f"{purpose} {reference} is already paid (payment {earlier.payment_no})")
    payment = PaymentOrder(
        store_id=store_id,
        payment_no=_number("P"),
        purpose=purpose,
        reference=reference,
        amount_fen=amount_fen,
        method=method,
        network=network.name,
    )
    session.add(payment)
    session.flush()  # the attempt exists before the network is asked
    _apply(payment, network.create(PaymentRequest(payment.payment_no, amount_fen, method, description)))
    session.flush()
    return payment


def resolve(session: Session, store_id: int, payment_id: int, *, network: PaymentNetwork | None = None) -> PaymentOrder:
    """Ask the network what became of a pending payment; a paid duplicate is refunded at once."""
    payment = get(session, store_id, payment_id)
    if payment.status != PaymentStatus.pending:
        return payment
    network = network or get_network(payment.network)
    _apply(payment, network.query(payment.payment_no))
    session.flush()
    if payment.status == PaymentStatus.paid:
        others = [
            p
            for p in attempts(session, store_id, payment.purpose, payment.reference)
            if p.id != payment.id and p.status == PaymentStatus.paid and p.refunded_fen < p.amount_fen
        ]
        if others:
            refund(session, store_id, payment.id, payment.amount_fen, reason=DUPLICATE, network=network)  # type: ignore[arg-type]
    return payment


def resolve_pending(session: Session, *, network: PaymentNetwork | None = None) -> int:
    """Query every pending payment and refund of every store; returns how many were settled."""
    settled = 0
    for payment in list(session.exec(select(PaymentOrder).where(PaymentOrder.status == PaymentStatus.pending))):
        resolve(session, payment.store_id, payment.id, network=network)  # type: ignore[arg-type]
        settled += payment.status != PaymentStatus.pending
    for row in list(session.exec(select(PaymentRefund).where(PaymentRefund.status == RefundStatus.pending))):
        resolve_refund(session, row, network=network)
        settled += row.status != RefundStatus.pending
    return settled


def refund(
    session: Session,
    store_id: int,
    payment_id: int,
    amount_fen: int,
    *,
    reason: str = "",
    network: PaymentNetwork | None = None,
) -> PaymentRefund:
    """Give money back to the payment's own method; pending when the network does not answer."""
    payment = get(session, store_id, payment_id)
    if payment.status != PaymentStatus.paid:
        raise PaymentNotRefundable(f"payment {payment.payment_no} is {payment.status}, not paid: nothing to refund")
    if amount_fen <= 0:
        raise BadAmount(f"a refund must be more than 0 fen, not {amount_fen}")
    left = payment.amount_fen - payment.refunded_fen
    if amount_fen > left:
        raise PaymentNotRefundable(f"refund of {amount_fen} fen exceeds the {left} fen left on {payment.payment_no}")
    row = PaymentRefund(
        store_id=store_id,
        payment_order_id=payment.id,  # type: ignore[arg-type]
        refund_no=_number("R"),
        amount_fen=amount_fen,
        method=payment.method,
        reason=reason[:200],
    )
    payment.refunded_fen += amount_fen  # held while pending, so two refunds cannot overdraw
    session.add(row)
    session.flush()
    network = network or get_network(payment.network)
    _apply_refund(payment, row, network.refund(payment.payment_no, row.refund_no, amount_fen))
    session.flush()
    return row


def resolve_refund(session: Session, row: PaymentRefund, *, network: PaymentNetwork | None = None) -> PaymentRefund:
    """Ask the network what became of a pending refund."""
    if row.status != RefundStatus.pending:
        return row
    payment = get(session, row.store_id, row.payment_order_id)
    network = network or get_network(payment.network)
    _apply_refund(payment, row, network.query_refund(row.refund_no))
    session.flush()
    return row


def _apply_refund(payment: PaymentOrder, row: PaymentRefund, answer: NetworkAnswer) -> None:
    if answer.answer == Answer.unknown:
        return
    row.resolved_at = utcnow()
    row.network_ref = answer.network_ref[:64]
    if answer.answer == Answer.paid:
        row.status = RefundStatus.done
    else:
        row.status = RefundStatus.failed
        payment.refunded_fen -= row.amount_fen  # the held amount is free again
