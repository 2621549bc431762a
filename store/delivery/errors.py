"""Errors of the delivery domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound


class DeliveryNotFound(NotFound):
    """An event or a look-up names an order the store has no delivery for."""

    type = "delivery-not-found"
    title = "Delivery order not found"


class DeliveryExists(Conflict):
    type = "delivery-exists"
    title = "Order already has a delivery"


class EventOutOfOrder(InvalidInput):
    """An event earlier than the placement or a step before it, or later than a step after it."""

    type = "delivery-event-out-of-order"
    title = "Delivery event moves backwards in time"


class EventConflict(Conflict):
    """A step already recorded at another time."""

    type = "delivery-event-conflict"
    title = "Delivery step already recorded"


class DeliveryClosed(Conflict):
    type = "delivery-closed"
    title = "Delivery is cancelled"


class CallbackSignatureInvalid(Forbidden):
    """A courier callback whose signature does not verify, or whose timestamp is too far from ours (a replay)."""

    type = "courier-signature-invalid"
    title = "Courier callback signature not valid"
