"""What the credit domain does when premises changes a shop (``premises_service.update_shop``).

A shop's credit poster prints its name, unit and floor, and its code carries the unit: when one of them
changes, the shop gets a new version of its code at once (ISSUE 15 §2 "regenerable when a shop changes"),
in the same transaction as the edit; the old code still leads to the shop's page and says it is superseded.
A shop that never had a code gets none here (the nightly refresh issues codes to open shops).
"""

from __future__ import annotations

from sqlmodel import Session

from store.credit import codes
from store.premises.models import Shop

PRINTED = {"code", "name", "name_en", "floor_id"}


def shop_changed(session: Session, shop: Shop, changed: set[str]) -> None:
    assert shop.id is not None
    if changed & PRINTED and shop.id in codes.current_codes(session, shop.store_id):
        codes.issue(session, shop.store_id, shop.id)
