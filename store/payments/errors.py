"""Errors of the payments domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound, StoreError


class UnknownPaymentPlugin(StoreError):
    status_code = 500
    type = "payment-plugin-unknown"
    title = "Payment plugin not installed"


class PaymentNotFound(NotFound):
    type = "payment-not-found"
    title = "Payment not found"


class AlreadyPaid(Conflict):
    """A reference (an order, a parking ticket) already paid: a new attempt would charge twice."""

    type = "payment-already-paid"
    title = "Already paid"


class PaymentNotRefundable(Conflict):
    type = "payment-not-refundable"
    title = "Payment cannot be refunded"


class BadAmount(InvalidInput):
    type = "payment-bad-amount"
    title = "Amount not allowed"
