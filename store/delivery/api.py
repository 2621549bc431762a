"""Delivery API: the couriers' status callbacks (signed; repeated and out-of-order callbacks are safe)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import ValidationError

from store.db import SessionDep
from store.delivery import courier
from store.delivery import service as delivery_service
from store.delivery.schemas import CallbackRead, CourierCallback, CourierEvent
from store.errors import InvalidInput
from store.wire import RowId

router = APIRouter(prefix="/delivery", tags=["delivery"])


async def raw_body(request: Request) -> bytes:
    """The body as sent: the signature covers its exact bytes."""
    return await request.body()


@router.post("/courier/{store_id}/events", response_model=CallbackRead, responses={400: {}, 403: {}, 404: {}, 409: {}})
def courier_event(
    store_id: RowId,
    session: SessionDep,
    body: Annotated[bytes, Depends(raw_body)],
    timestamp: Annotated[str | None, Header(alias=courier.TIMESTAMP_HEADER, max_length=20)] = None,
    signature: Annotated[str | None, Header(alias=courier.SIGNATURE_HEADER, max_length=128)] = None,
) -> CallbackRead:
    """A courier reports one step of a delivery (dispatched, handed over, delivered), signed with the store's key.
    The same report again answers `recorded: false`; a step earlier than the one before it, or for an unknown
    order, is refused and writes nothing."""
    courier.verify(store_id, timestamp, signature, body)
    try:
        data = CourierCallback.model_validate_json(body)
    except ValidationError as exc:
        errors = [{"loc": ["body", *map(str, e["loc"])], "msg": e["msg"]} for e in exc.errors()]
        raise InvalidInput("the callback body is not a courier event", errors=errors) from None
    event = CourierEvent(data.order_no, data.kind, data.at, courier=data.courier, tracking_no=data.tracking_no)
    recorded = delivery_service.record_event(session, store_id, event)
    row = delivery_service.by_order_no(session, store_id, data.order_no)
    return CallbackRead(recorded=recorded, order_no=row.order_no, status=row.status)
