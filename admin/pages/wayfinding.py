"""The store map and the guide kiosks (导购屏): IMDF import and export, the map drawn from the premises,
lifts and escalators in or out of service (routes leave them at once), each kiosk's "you are here" anchor,
whether it stands at a main entrance, and whether it is online (heartbeat) with its use this week (C1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from admin import i18n
from admin.deps import CheckedForm, StaffContext, require_role
from admin.pages.premises import save
from admin.render import render
from store.auth.models import Role
from store.clock import utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.wayfinding import service as wayfinding_service
from store.wayfinding import svg
from store.wayfinding.errors import MapNotReady
from store.wayfinding.imdf import MAX_ARCHIVE_BYTES

router = APIRouter(prefix="/admin/wayfinding", include_in_schema=False)

Operator = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
Editor = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
USAGE_DAYS = 7


def _context(session: Session, staff: StaffContext, level_code: str = "") -> dict[str, Any]:
    now = utcnow()
    kiosks = wayfinding_service.list_kiosks(session, staff.store_id)
    usage = wayfinding_service.usage(session, staff.store_id, now - timedelta(days=USAGE_DAYS), now)
    try:
        loaded = wayfinding_service.load(session, staff.store_id)
    except MapNotReady:
        loaded = None
    levels, drawn, anchors, counts, spans = [], None, [], {}, {}
    if loaded is not None:
        levels = [lv["properties"]["short_name"]["zh"] for lv in loaded.data.levels()]
        anchors = wayfinding_service.anchors(loaded)
        counts = {kind: len(rows) for kind, rows in loaded.data.by_type.items()}
        short = {lv["id"]: lv["properties"]["short_name"]["zh"] for lv in loaded.data.levels()}
        spans = {
            rel["id"]: " · ".join(short.get(loaded.data.level_of.get(u, ""), "?") for u in rel["properties"]["units"])
            for rel in loaded.data.by_type.get("relationship", [])
        }
        labels = {
            loaded.data.unit_of[str(o["properties"]["anchor_id"])]: (
                loaded.data.name(o),
                str(o["properties"].get("shop_code", "")),
            )
            for o in loaded.data.by_type.get("occupant", [])
            if str(o["properties"].get("anchor_id")) in loaded.data.unit_of
        }
        chosen = next(
            (lv for lv in loaded.data.levels() if lv["properties"]["short_name"]["zh"] == (level_code or "1F")),
            loaded.data.levels()[0] if levels else None,
        )
        if chosen is not None:
            here = {
                k.anchor_id for k in kiosks if k.anchor_id and loaded.data.level_of.get(k.anchor_id) == chosen["id"]
            }
            xy = loaded.graphs[next(iter(loaded.graphs))].xy
            point = next((xy[a] for a in here if a in xy), None)
            drawn = Markup(
                svg.level_svg(
                    loaded.data,
                    chosen["id"],
                    labels=labels,
                    here=point,
                    closed=wayfinding_service.closed_units(loaded),
                )
            )
    return {
        "loaded": loaded,
        "levels": levels,
        "level": level_code or "1F",
        "drawn": drawn,
        "counts": counts,
        "spans": spans,
        "connectors": wayfinding_service.connectors(session, staff.store_id),
        "kiosks": [(k, wayfinding_service.is_online(k, now), usage.get(k.id, {})) for k in kiosks],
        "anchors": anchors,
        "anchor_names": dict(anchors),
        "can_edit": staff.role in (Role.admin, Role.manager),
        "error": "",
    }


@router.get("")
def index(request: Request, session: SessionDep, staff: Operator, level: str = "") -> Response:
    """The map, its connectors and the kiosks."""
    return render(request, "wayfinding/index.html", _context(session, staff, level[:16]), staff=staff)


def _failed(request: Request, session: Session, staff: StaffContext, failure: StoreError) -> Response:
    context = _context(session, staff) | {"error": i18n.gettext(failure.message, i18n.negotiate(request))}
    return render(request, "wayfinding/index.html", context, staff=staff, status_code=failure.status_code)


@router.post("/generate")
def generate(request: Request, session: SessionDep, staff: Editor, _form: CheckedForm) -> Response:
    """Draw the map again from the premises (floors, shops trading today, entrance zones)."""
    _n, failure = save(session, lambda: wayfinding_service.generate_from_premises(session, staff.store_id))
    if failure:
        return _failed(request, session, staff, failure)
    return RedirectResponse("/admin/wayfinding?saved=1", status_code=303)


@router.post("/import")
def import_imdf(
    request: Request, session: SessionDep, staff: Editor, _form: CheckedForm, file: Annotated[UploadFile, File()]
) -> Response:
    """Replace the map with an IMDF archive; an invalid archive is refused whole, with its first problems."""
    raw = file.file.read(MAX_ARCHIVE_BYTES + 1)
    _n, failure = save(session, lambda: wayfinding_service.import_archive(session, staff.store_id, raw))
    if failure:
        return _failed(request, session, staff, failure)
    return RedirectResponse("/admin/wayfinding?saved=1", status_code=303)


@router.get("/imdf.zip")
def export_imdf(session: SessionDep, staff: Editor) -> Response:
    """The map as an IMDF archive."""
    body = wayfinding_service.export_archive(session, staff.store_id)
    return Response(
        body, media_type="application/zip", headers={"Content-Disposition": 'attachment; filename="imdf.zip"'}
    )


@router.post("/connectors/{feature_id}")
def toggle_connector(
    request: Request, session: SessionDep, staff: Operator, form: CheckedForm, feature_id: str
) -> Response:
    """Put a lift, escalator or stairs out of service (or back); every route leaves it at once."""
    in_service = form.get("in_service") == "1"
    _row, failure = save(
        session, lambda: wayfinding_service.set_in_service(session, staff.store_id, feature_id[:36], in_service)
    )
    if failure:
        return _failed(request, session, staff, failure)
    return RedirectResponse("/admin/wayfinding?saved=1#connectors", status_code=303)


@router.post("/kiosks")
def save_kiosk(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Place a kiosk: its code, name, "you are here" anchor and whether it stands at a main entrance."""
    _row, failure = save(
        session,
        lambda: wayfinding_service.save_kiosk(
            session,
            staff.store_id,
            code=form.get("code", ""),
            name=form.get("name", ""),
            anchor_id=form.get("anchor_id") or None,
            at_main_entrance=form.get("at_main_entrance") == "1",
        ),
    )
    if failure:
        return _failed(request, session, staff, failure)
    return RedirectResponse("/admin/wayfinding?saved=1#kiosks", status_code=303)
