"""Appeals against a line of a shop's credit score (ISSUE 15 §1: "each point change linked to its record, so
a tenant can see why and appeal").

Tenant staff appeal a line of their own shop's current score that names a record (a complaint, an inspection,
a permit); the store's office (admin, manager) upholds or rejects it with a reason. An upheld appeal takes the
record out of the score (``service._facts_by_shop`` skips it) and the shop is recomputed at once; a rejected one
changes nothing. One open appeal per record; another shop's records read as not found.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from store.clock import utcnow
from store.credit import service
from store.credit.errors import AppealNotFound, CreditInputInvalid
from store.credit.models import AppealStatus, CreditAppeal
from store.premises import service as premises_service
from store.scoping import Viewer, get_in_store

APPEALABLE = ("complaint", "inspection", "permit")
MIN_TEXT, MAX_TEXT = 5, 1000


def file(
    session: Session, viewer: Viewer, shop_id: int, *, record_kind: str, record_id: int, text: str, filed_by: str
) -> CreditAppeal:
    """Appeal the line of the shop's current score that names this record; refused before anything is written."""
    shop = premises_service.shop_for(session, viewer, shop_id)
    text = text.strip()
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        raise CreditInputInvalid(f"say why in {MIN_TEXT} to {MAX_TEXT} characters")
    line = next(
        (
            r
            for r in service.reasons(session, viewer.store_id, shop_id)
            if r.record_kind == record_kind and r.record_id == record_id and r.record_kind in APPEALABLE
        ),
        None,
    )
    if line is None:
        raise CreditInputInvalid("only a line of the shop's current score that names a record can be appealed")
    pending = session.exec(
        select(CreditAppeal.id).where(
            CreditAppeal.shop_id == shop.id,
            CreditAppeal.record_kind == record_kind,
            CreditAppeal.record_id == record_id,
            CreditAppeal.status == AppealStatus.open.value,
        )
    ).first()
    if pending is not None:
        raise CreditInputInvalid("this line already has an open appeal")
    row = CreditAppeal(
        store_id=viewer.store_id,
        shop_id=shop_id,
        record_kind=record_kind,
        record_id=record_id,
        reason_text=line.text[:255],
        text=text,
        filed_by=filed_by[:64],
    )
    session.add(row)
    session.flush()
    return row


def decide(
    session: Session,
    store_id: int,
    appeal_id: int,
    *,
    upheld: bool,
    decision: str,
    decided_by: str,
    now: datetime | None = None,
) -> CreditAppeal:
    """Uphold (the record leaves the score) or reject an open appeal, with the reason the shop will read."""
    row = get_in_store(session, CreditAppeal, appeal_id, store_id=store_id, not_found=AppealNotFound, label="appeal")
    decision = decision.strip()
    if row.status != AppealStatus.open:
        raise CreditInputInvalid("this appeal has already been decided")
    if not decision:
        raise CreditInputInvalid("give the reason for the decision")
    row.status = AppealStatus.upheld if upheld else AppealStatus.rejected
    row.decision, row.decided_by, row.decided_at = decision[:500], decided_by[:64], now or utcnow()
    session.add(row)
    session.flush()
    if upheld:
        service.recompute_shop(session, store_id, row.shop_id, now=now)
    return row


def list_for(session: Session, viewer: Viewer, *, limit: int = 200) -> list[CreditAppeal]:
    """Appeals ``viewer`` may see (tenant staff: their shop's), open ones first, newest first."""
    query = select(CreditAppeal).where(CreditAppeal.store_id == viewer.store_id)
    if viewer.shop_id is not None:
        query = query.where(CreditAppeal.shop_id == viewer.shop_id)
    rows = session.exec(query.order_by(col(CreditAppeal.filed_at).desc()).limit(limit)).all()
    return sorted(rows, key=lambda a: a.status != AppealStatus.open)
