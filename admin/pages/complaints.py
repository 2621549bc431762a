"""The complaint queue and one complaint's handling (S9): assign, respond, resolve or reject with a reason.

Tenant staff see and answer only their own shop's complaints (``store.scoping`` through
``complaints.get``: another shop's complaint reads as not found); assigning, resolving and rejecting is
the store's (admin, manager).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import gettext, negotiate
from admin.render import render
from store.auth.models import Role
from store.clock import utcnow
from store.credit import complaints, service
from store.credit.models import ComplaintStatus
from store.db import SessionDep
from store.errors import StoreError

router = APIRouter(prefix="/admin/credit/complaints", include_in_schema=False)

Handler = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.tenant))]
Officer = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
FILTERS = ("active", "open", "assigned", "responded", "resolved", "rejected", "all")


@router.get("", response_class=HTMLResponse)
def queue(request: Request, session: SessionDep, staff: Handler, status: str = "active") -> HTMLResponse:
    """Complaints by deadline (tenant staff: their shop's only)."""
    status = status if status in FILTERS else "active"
    found = complaints.list_for(session, staff, status=None if status == "all" else status)
    now = utcnow()
    context = {
        "complaints": found,
        "shops": service.shops_by_id(session, staff.store_id, [c.shop_id for c in found]),
        "status": status,
        "filters": FILTERS,
        "overdue": {c.id for c in found if c.status in complaints.OPEN and c.responded_at is None and now > c.due_at},
        "mask": service.mask_phone,
    }
    return render(request, "credit/complaints.html", context, staff=staff)


def _page(
    request: Request,
    session: Session,
    staff: StaffContext,
    complaint_id: int,
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    complaint = complaints.get(session, staff, complaint_id)
    profile = service.profile(session, staff.store_id, complaint.shop_id)
    context = {
        "c": complaint,
        "shop": service.shops_by_id(session, staff.store_id, [complaint.shop_id])[complaint.shop_id],
        "profile": profile,
        "photos": complaints.photos(session, complaint),
        "phone": service.mask_phone(complaint.phone),
        "overdue": service.is_overdue(complaint, utcnow()),
        "closed": complaint.status in complaints.CLOSED,
        "can_decide": staff.can(Role.admin, Role.manager),
        "error": error,
    }
    return render(request, "credit/complaint.html", context, staff=staff, status_code=status_code)


@router.get("/{complaint_id}", response_class=HTMLResponse)
def complaint_page(request: Request, session: SessionDep, staff: Handler, complaint_id: int) -> HTMLResponse:
    """One complaint: what the shopper wrote, photos, deadline, and the handling."""
    return _page(request, session, staff, complaint_id)


@router.get("/{complaint_id}/photos/{photo_id}")
def complaint_photo(session: SessionDep, staff: Handler, complaint_id: int, photo_id: int) -> Response:
    """A photo the shopper attached (only to those who may see the complaint)."""
    photo = complaints.photo(session, staff, complaint_id, photo_id)
    return Response(photo.data, media_type=photo.content_type, headers={"X-Content-Type-Options": "nosniff"})


def _act(request: Request, session: Session, staff: StaffContext, complaint_id: int, action) -> Response:  # type: ignore[no-untyped-def]
    try:
        action()
    except StoreError as exc:
        if exc.status_code == 404:
            raise
        message = gettext(exc.message, negotiate(request))
        return _page(request, session, staff, complaint_id, error=message, status_code=exc.status_code)
    return RedirectResponse(f"/admin/credit/complaints/{complaint_id}", status_code=303)


@router.post("/{complaint_id}/assign", response_class=HTMLResponse)
def assign(request: Request, session: SessionDep, staff: Officer, form: CheckedForm, complaint_id: int) -> Response:
    """Name the shop's contact and the store officer in charge."""
    return _act(
        request,
        session,
        staff,
        complaint_id,
        lambda: complaints.assign(
            session, staff, complaint_id, shop_contact=form.get("shop_contact", ""), officer=form.get("officer", "")
        ),
    )


@router.post("/{complaint_id}/respond", response_class=HTMLResponse)
def respond(request: Request, session: SessionDep, staff: Handler, form: CheckedForm, complaint_id: int) -> Response:
    """The shop's or the store's answer to the shopper."""
    return _act(
        request,
        session,
        staff,
        complaint_id,
        lambda: complaints.respond(session, staff, complaint_id, text=form.get("response", "")),
    )


@router.post("/{complaint_id}/resolve", response_class=HTMLResponse)
def resolve(request: Request, session: SessionDep, staff: Officer, form: CheckedForm, complaint_id: int) -> Response:
    """Close the complaint as upheld and settled (counts in the shop's score)."""
    return _act(
        request,
        session,
        staff,
        complaint_id,
        lambda: complaints.close(session, staff, complaint_id, upheld=True, reason=form.get("reason", "")),
    )


@router.post("/{complaint_id}/reject", response_class=HTMLResponse)
def reject(request: Request, session: SessionDep, staff: Officer, form: CheckedForm, complaint_id: int) -> Response:
    """Close the complaint as not upheld, with the reason (no effect on the score)."""
    return _act(
        request,
        session,
        staff,
        complaint_id,
        lambda: complaints.close(session, staff, complaint_id, upheld=False, reason=form.get("reason", "")),
    )


STATUSES = [s.value for s in ComplaintStatus]
