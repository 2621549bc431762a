"""Appeals against a line of a shop's credit score: tenant staff see why their shop has its rating, line by
line, and appeal a line that names a record; the store's office upholds (the record leaves the score) or
rejects it with a reason the shop reads here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import gettext, negotiate
from admin.render import render
from store.auth.models import Role
from store.credit import appeals, service
from store.db import SessionDep
from store.errors import StoreError

router = APIRouter(prefix="/admin/credit/appeals", include_in_schema=False)

Reader = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.tenant))]
Tenant = Annotated[StaffContext, Depends(require_role(Role.tenant))]
Office = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]


def _page(request: Request, session: Session, staff: StaffContext, *, error: str = "", status: int = 200) -> Response:
    found = appeals.list_for(session, staff)
    context: dict[str, object] = {
        "appeals": found,
        "shops": service.shops_by_id(session, staff.store_id, [a.shop_id for a in found] + [staff.shop_id or 0]),
        "error": error,
        "saved": request.query_params.get("saved"),
        "appealable": appeals.APPEALABLE,
        "open_records": {(a.record_kind, a.record_id) for a in found if a.status == "open"},
    }
    if staff.shop_id is not None:
        context["profile"] = service.profile(session, staff.store_id, staff.shop_id)
        context["reasons"] = service.reasons(session, staff.store_id, staff.shop_id)
    return render(request, "credit/appeals.html", context, staff=staff, status_code=status)


@router.get("", response_class=HTMLResponse)
def appeals_page(request: Request, session: SessionDep, staff: Reader) -> Response:
    """Tenant staff: their shop's score line by line, to appeal; the office: every appeal to decide."""
    return _page(request, session, staff)


@router.post("", response_class=HTMLResponse)
def file_appeal(request: Request, session: SessionDep, form: CheckedForm, staff: Tenant) -> Response:
    """Appeal one line of the shop's score (the record it names) with the reason."""
    try:
        appeals.file(
            session,
            staff,
            staff.shop_id or 0,
            record_kind=form.get("record_kind", ""),
            record_id=int(form.get("record_id", "0") or 0) if form.get("record_id", "0").isdigit() else 0,
            text=form.get("text", ""),
            filed_by=staff.username,
        )
    except StoreError as exc:
        return _page(request, session, staff, error=gettext(exc.message, negotiate(request)), status=exc.status_code)
    return RedirectResponse("/admin/credit/appeals?saved=1", status_code=303)


@router.post("/{appeal_id}/decision", response_class=HTMLResponse)
def decide(request: Request, session: SessionDep, staff: Office, form: CheckedForm, appeal_id: int) -> Response:
    """Uphold (the record no longer counts) or reject an appeal, with the reason."""
    try:
        appeals.decide(
            session,
            staff.store_id,
            appeal_id,
            upheld=form.get("outcome") == "upheld",
            decision=form.get("decision", ""),
            decided_by=staff.username,
        )
    except StoreError as exc:
        return _page(request, session, staff, error=gettext(exc.message, negotiate(request)), status=exc.status_code)
    return RedirectResponse("/admin/credit/appeals?saved=1", status_code=303)
