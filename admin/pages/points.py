"""Points in the back office: the liability (points outstanding valued in fen, the month's movements, exports),
the earn rules, and a member's ledger with a manager's adjustment (a reason required, logged)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, func, select

from admin.deps import BACK_OFFICE, CheckedForm, StaffContext, require_role
from admin.i18n import N_
from admin.pages.formats import yuan
from admin.pages.premises import save, today_of
from admin.render import render
from store.auth.models import Role
from store.db import SessionDep
from store.points import liability, service
from store.points.models import PointsMismatch, PointsRule
from store.wire import RowId

router = APIRouter(prefix="/admin/points", include_in_schema=False)
Viewer = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.marketing))]
Editor = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE))]
# The ledger's entry kinds, as the member page shows them.
KIND_TEXTS = (N_("earn"), N_("redeem"), N_("expire"), N_("adjust"), N_("reverse"))
ADJUST_ERRORS = {
    "points-reason-required": N_("An adjustment needs a reason. Nothing was saved."),
    "points-insufficient": N_("The member does not have that many points. Nothing was saved."),
    "points-invalid-amount": N_("Enter a whole number of points other than zero. Nothing was saved."),
}


def _month(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.year:04d}-{day.month:02d}"


@router.get("")
def points_home(request: Request, session: SessionDep, staff: Viewer) -> Response:
    """The points liability over the last 12 months, the earn rules and the last reconciliation."""
    today = today_of(staff)
    end = _month(today)
    first = today.replace(day=1)
    start = _month(
        first.replace(year=first.year - 1, month=first.month % 12 + 1) if first.month < 12 else first.replace(month=1)
    )
    months = liability.monthly(session, staff.store_id, start, end)
    rules = session.exec(
        select(PointsRule).where(PointsRule.store_id == staff.store_id).order_by(col(PointsRule.id))
    ).all()
    mismatches = session.exec(select(func.count()).where(PointsMismatch.store_id == staff.store_id)).one()
    context: dict[str, object] = {
        "months": list(reversed(months)),
        "current": months[-1] if months else None,
        "start": start,
        "end": end,
        "rules": rules,
        "mismatches": mismatches,
        "yuan": yuan,
        "can_edit": staff.can(*BACK_OFFICE),
        "errors": {},
    }
    return render(request, "points/index.html", context, staff=staff)


@router.post("/rules")
def add_rule(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Add an earn rule from the form; refused whole (nothing saved) on a bad value."""
    raw = {
        k: form.get(k, "").strip()
        for k in (
            "kind",
            "fen_per_point",
            "multiplier_pct",
            "shop_id",
            "category",
            "channel",
            "valid_from",
            "valid_to",
            "name",
        )
    }
    from pydantic import ValidationError

    from store.points.schemas import RuleIn

    try:
        data = RuleIn.model_validate({k: v for k, v in raw.items() if v != ""})
    except ValidationError:
        return RedirectResponse("/admin/points?error=1#rules", status_code=303)
    _rule, failure = save(session, lambda: service.add_rule(session, staff.store_id, data.model_dump(), viewer=staff))
    if failure is not None:
        return RedirectResponse("/admin/points?error=1#rules", status_code=303)
    return RedirectResponse("/admin/points?saved=1#rules", status_code=303)


@router.get("/members/{member_id}")
def member_ledger(request: Request, session: SessionDep, staff: Viewer, member_id: RowId) -> Response:
    """A member's points: spendable balance, lots about to lapse, the ledger newest first."""
    member = service.get_member(session, member_id, staff.store_id)
    today = today_of(staff)
    context = {
        "member": member,
        "balance": service.balance(session, member, today),
        "expiring": service.expiring(session, member_id, today, within_days=365),
        "entries": service.history(session, member_id, limit=100),
        "can_edit": staff.can(*BACK_OFFICE),
        "error": ADJUST_ERRORS.get(request.query_params.get("error", ""), ""),
    }
    return render(request, "points/member.html", context, staff=staff)


@router.post("/members/{member_id}/adjust")
def adjust(request: Request, session: SessionDep, staff: Editor, form: CheckedForm, member_id: RowId) -> Response:
    """A manager's adjustment: signed whole points and a reason; refused whole otherwise."""
    raw_points = form.get("points", "").strip().replace(",", "")
    points: object = int(raw_points) if raw_points.lstrip("-").isdigit() else raw_points
    _entry, failure = save(
        session,
        lambda: service.adjust(
            session,
            store_id=staff.store_id,
            member_id=member_id,
            points=points,
            reason=form.get("reason", ""),
            key=form.get("key", "") or uuid.uuid4().hex,
            actor=f"user:{staff.user_id}",
        ),
    )
    if failure is not None:
        return RedirectResponse(f"/admin/points/members/{member_id}?error={failure.type}#adjust", status_code=303)
    return RedirectResponse(f"/admin/points/members/{member_id}?saved=1", status_code=303)
