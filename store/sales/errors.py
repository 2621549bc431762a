"""Errors of the sales domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound, StoreError


class OrderNotFound(NotFound):
    type = "order-not-found"
    title = "Order not found"


class OrderDoesNotAddUp(InvalidInput):
    """Lines, discounts, totals or payments disagree; ``errors`` names every wrong field."""

    type = "order-does-not-add-up"
    title = "Order numbers do not add up"


class OrderNumberTaken(Conflict):
    type = "order-number-taken"
    title = "Order number already used in this store"


class TillSequenceTaken(Conflict):
    """The till already posted another sale (another order number) under this sequence number."""

    type = "till-sequence-taken"
    title = "Till sequence number already used by another sale"


class RefundExceedsPaid(Conflict):
    type = "refund-exceeds-paid"
    title = "Refund exceeds what was paid"


class WrongShop(Forbidden):
    """A till or capture box bound to one shop posted for another."""

    type = "wrong-shop"
    title = "Device may not post for this shop"


class TooLarge(StoreError):
    """More lines in an order, or more sales in a batch, than the settings allow; nothing is read further."""

    status_code = 422
    type = "too-large"
    title = "Request is larger than allowed"


class UnknownMember(InvalidInput):
    """The sale names a member id that is no member of this store (members: ``store.members``)."""

    type = "unknown-member"
    title = "No such member in this store"


class MemberAlreadyNamed(Conflict):
    """A member was to be named on a sale that names another member already."""

    type = "member-already-named"
    title = "The sale names another member"


class RefundLinesInvalid(InvalidInput):
    """A refund names lines the order does not have, or more of a line than is left to refund."""

    type = "refund-lines-invalid"
    title = "Refund lines not valid"


class UnknownSku(StoreError):
    """A till's sale names a SKU its shop does not sell: not in the store's catalogue, or another shop's.

    ``errors`` holds one entry per bad line: ``loc`` (``body.lines.N.sku``), ``line`` (the 0-based index of the
    line in ``lines``), ``sku`` and ``msg``. A store without a catalogue checks no SKU."""

    status_code = 422
    type = "unknown-sku"
    title = "SKU not sold by this shop"


class RefundMethodsInvalid(InvalidInput):
    """A refund's methods: one the order was not paid with, twice, not adding up, or more than that method paid."""

    type = "refund-methods-invalid"
    title = "Refund methods not valid"
