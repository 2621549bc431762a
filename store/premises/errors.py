"""Errors of the premises domain; each renders as problem+json with a stable ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class StoreNotFound(NotFound):
    type = "store-not-found"
    title = "Store not found"


class FloorNotFound(NotFound):
    type = "floor-not-found"
    title = "Floor not found"


class ShopNotFound(NotFound):
    type = "shop-not-found"
    title = "Shop not found"


class CodeTaken(Conflict):
    """A store, floor or zone code that is already used."""

    type = "code-taken"
    title = "Code already used"


class ShopCodeTaken(Conflict):
    type = "shop-code-taken"
    title = "Shop code already used"


class ShopClosed(Conflict):
    """The shop does not trade on that day (not yet opened, or already closed)."""

    type = "shop-closed"
    title = "Shop not trading"


class BadDates(InvalidInput):
    type = "invalid-dates"
    title = "Dates out of order"
