"""What the points domain holds about one member, for the member's own data export (PIPL art. 45).

Found by ``store.registry.domain_modules("member_data")``: the members domain adds each domain's
``SECTION`` to the export without importing the domains above it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from store.members.models import Member
from store.points import service
from store.points.models import PointsEntry, PointsLot

SECTION = "points"


def export(session: Session, member: Member) -> dict[str, Any]:
    """The member's balance now, every ledger entry and every lot with what is left of it."""
    now = service.balance(session, member)
    entries = session.exec(
        select(PointsEntry).where(PointsEntry.member_id == member.id).order_by(col(PointsEntry.id))
    ).all()
    lots = session.exec(select(PointsLot).where(PointsLot.member_id == member.id).order_by(col(PointsLot.id))).all()
    return {
        "balance": now.points,
        "lapsing_today": now.lapsing_today,
        "debt": now.debt,
        "entries": [
            {
                "kind": str(e.kind),
                "points": e.points,
                "source_type": e.source_type,
                "reason": e.reason,
                "business_on": e.business_on.isoformat(),
                "created_at": e.created_at.isoformat(),
            }
            for e in entries
        ],
        "lots": [
            {
                "points": lot.points,
                "remaining": lot.remaining,
                "earned_on": lot.earned_on.isoformat(),
                "expires_on": lot.expires_on.isoformat() if lot.expires_on else None,
            }
            for lot in lots
        ],
    }
