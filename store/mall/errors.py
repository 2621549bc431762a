"""Errors of the online mall, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class MallOrderNotFound(NotFound):
    type = "mall-order-not-found"
    title = "Order not found"


class SkuNotInShop(InvalidInput):
    type = "mall-sku-not-in-shop"
    title = "SKU is not sold by this shop"


class AddressMissing(InvalidInput):
    type = "mall-address-missing"
    title = "A delivery needs an address"


class OrderNotPayable(Conflict):
    """Paid, cancelled, or past its hold: no new payment attempt."""

    type = "mall-order-not-payable"
    title = "Order cannot be paid"


class PaymentInProgress(Conflict):
    """The network has not said yet whether the money was taken: cancelling must wait for its answer."""

    type = "mall-payment-in-progress"
    title = "Payment is being confirmed"


class NotCancellable(Conflict):
    type = "mall-order-not-cancellable"
    title = "Order can no longer be cancelled"


class NotRefundable(Conflict):
    type = "mall-order-not-refundable"
    title = "Order cannot be refunded"
