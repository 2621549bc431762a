"""Errors of the catalogue, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound


class SkuNotFound(NotFound):
    type = "sku-not-found"
    title = "SKU not found"


class ProductNotFound(NotFound):
    type = "product-not-found"
    title = "Product not found"


class PriceChangeNotFound(NotFound):
    type = "price-change-not-found"
    title = "Price change not found"


class ReservationNotFound(NotFound):
    type = "reservation-not-found"
    title = "Reservation not found"


class PriceNegative(InvalidInput):
    type = "price-negative"
    title = "A price may not be below zero"


class PromotionEndsBeforeStart(InvalidInput):
    type = "promotion-ends-before-start"
    title = "A promotion must end after it starts"


class BadPromotion(InvalidInput):
    type = "bad-promotion"
    title = "Promotion is not valid"


class BadCursor(InvalidInput):
    type = "bad-cursor"
    title = "Sync cursor is not valid"


class PriceChangeDecided(Conflict):
    type = "price-change-decided"
    title = "Price change was already decided"


class SelfApproval(Forbidden):
    """Four eyes: whoever asked for a price change may not approve it."""

    type = "price-change-self-approval"
    title = "A price change needs a second person to approve it"


class OutOfStock(Conflict):
    type = "out-of-stock"
    title = "Not enough stock"


class ReservationClosed(Conflict):
    type = "reservation-closed"
    title = "Reservation is already released or committed"
