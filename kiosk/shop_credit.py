"""The shop's current credit rating (issue 15) for the kiosk's shop page, once the credit module has one.

Read only: a shop whose score was never computed (or a build without ``store.credit``) shows no rating,
rather than the empty file's default "A".
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from sqlmodel import Session, select

CREDIT_MODULE = "store.credit"


@dataclass(frozen=True)
class Rating:
    letter: str
    score: int


def current(session: Session, store_id: int, shop_id: int) -> Rating | None:
    """The shop's latest computed rating, or None."""
    if importlib.util.find_spec(CREDIT_MODULE) is None:
        return None
    from store.credit.models import CreditProfile

    row = session.exec(
        select(CreditProfile.rating, CreditProfile.score).where(
            CreditProfile.store_id == store_id,
            CreditProfile.shop_id == shop_id,
            CreditProfile.computed_at.is_not(None),  # type: ignore[union-attr]
        )
    ).first()
    return Rating(row[0], row[1]) if row else None
