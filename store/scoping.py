"""What a caller may see: rows of its own store, and of its own shop when it is bound to one.

Every service that loads a row by id goes through :func:`get_in_store`, so "another store's row reads as
not found" (and "another shop's, for tenant staff and shop-bound devices") is written once.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from store.errors import StoreError

Row = TypeVar("Row")


class Viewer(Protocol):
    """Who reads: anything bound to a store and maybe a shop (``store.auth.deps.Principal``)."""

    @property
    def store_id(self) -> int: ...

    @property
    def shop_id(self) -> int | None: ...

    def can_see_shop(self, shop_id: int) -> bool: ...


def get_in_store(
    session: Session,
    model: type[Row],
    row_id: int,
    *,
    store_id: int,
    not_found: type[StoreError],
    label: str,
    viewer: Viewer | None = None,
) -> Row:
    """The row, if it belongs to ``store_id`` (and to a shop ``viewer`` may see); else ``not_found``."""
    row: Any = session.get(model, row_id)
    hidden = row is None or row.store_id != store_id
    if not hidden and viewer is not None and getattr(row, "shop_id", None) is not None:
        hidden = not viewer.can_see_shop(row.shop_id)
    if hidden:
        raise not_found(f"{label} {row_id} does not exist in this store")
    return row
