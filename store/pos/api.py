"""Tills' API: heartbeats (outbox backlog, sequence), sales discarded at the till, the terminals' status, payments
through the plugin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.clock import utcnow
from store.db import SessionDep
from store.pos import metrics as _metrics  # noqa: F401  (adds the till figures to /metrics)
from store.pos import service as pos_service
from store.pos.errors import NotATill
from store.pos.schemas import (
    DiscardIn,
    DiscardRead,
    HeartbeatIn,
    HeartbeatRead,
    PosPaymentCreate,
    PosPaymentRead,
    PosPaymentRefundCreate,
    PosPaymentRefundRead,
    ReceiptKeyRead,
    TillPage,
)
from store.wire import RowId

router = APIRouter(prefix="/pos", tags=["pos"])

Till = Annotated[Principal, Depends(require(devices=(DeviceKind.pos_terminal,)))]
Viewer = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.tenant))]
Payer = Annotated[
    Principal, Depends(require(Role.admin, Role.manager, Role.cashier, devices=(DeviceKind.pos_terminal,)))
]


@router.post("/heartbeat", response_model=HeartbeatRead)
def heartbeat(data: HeartbeatIn, session: SessionDep, till: Till) -> HeartbeatRead:
    """A till's report: outbox backlog, dead letters, its last sequence number; rescans its missing sales."""
    if till.device is None:  # pragma: no cover (the dependency admits tills only)
        raise NotATill("only a till sends heartbeats")
    read = pos_service.heartbeat(session, till.device, data)
    return HeartbeatRead(till=read, server_time=utcnow())


@router.post("/discards", status_code=201, response_model=DiscardRead, responses={200: {}, 400: {}, 409: {}})
def report_discard(data: DiscardIn, session: SessionDep, till: Till, response: Response) -> DiscardRead:
    """A sale the till's supervisor discarded from the dead-letter list (its number, order number, reason): its
    missing-sale alarm closes as "discarded at the till", never as a sale. 201 the first time, 200 for a repeat;
    409 when the number was reported under another order number."""
    if till.device is None:  # pragma: no cover (the dependency admits tills only)
        raise NotATill("only a till reports the sales it discarded")
    read, created = pos_service.report_discard(session, till.device, data)
    if not created:
        response.status_code = 200
    return read


@router.get("/receipt-key", response_model=ReceiptKeyRead)
def receipt_key(till: Till) -> ReceiptKeyRead:
    """The till's own key for signing its receipts' e-receipt links (offline too); only that till gets it."""
    if till.device is None:  # pragma: no cover (the dependency admits tills only)
        raise NotATill("only a till signs receipt links")
    device_id, secret = pos_service.receipt_key(till.device)
    return ReceiptKeyRead(
        device_id=device_id,
        purpose=pos_service.RECEIPT_PURPOSE,
        secret=secret,
        max_age_s=int(pos_service.RECEIPT_AGE.total_seconds()),
    )


@router.get("/tills", response_model=TillPage)
def list_tills(session: SessionDep, viewer: Viewer) -> TillPage:
    """Every till with its last heartbeat, outbox backlog, missing-sale alarms and price-book version."""
    return pos_service.tills(session, viewer.store_id, shop_id=viewer.shop_id)


@router.post("/payments", status_code=201, response_model=PosPaymentRead, responses={400: {}, 409: {}})
def create_payment(data: PosPaymentCreate, session: SessionDep, payer: Payer) -> PosPaymentRead:
    """A new payment attempt for a till sale (new payment number each time): paid, declined or pending."""
    return pos_service.pay(session, payer.store_id, data)


@router.get("/payments/{payment_id}", response_model=PosPaymentRead, responses={404: {}})
def get_payment(payment_id: RowId, session: SessionDep, payer: Payer) -> PosPaymentRead:
    """A till payment, asked of the network first while it is pending."""
    return pos_service.payment_status(session, payer.store_id, payment_id)


@router.post(
    "/payments/{payment_id}/refunds",
    status_code=201,
    response_model=PosPaymentRefundRead,
    responses={400: {}, 404: {}, 409: {}},
)
def refund_payment(
    payment_id: RowId, data: PosPaymentRefundCreate, session: SessionDep, payer: Payer
) -> PosPaymentRefundRead:
    """Give money back to the payment's own method (WeChat Pay back to WeChat Pay, never cash instead)."""
    return pos_service.refund_payment(session, payer.store_id, payment_id, data.amount_fen, reason=data.reason)
