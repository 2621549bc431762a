"""The evidence register a manager fills in: F1 coverage survey, F3 data center, M1 office, and the
smart-upgrade date that B1–B4 compare around.

Each form checks on the server and shows its messages beside the fields; a saved form comes back to
the page with a note. The newest entry per indicator is the one the self-assessment scores.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from admin.deps import CheckedForm, StaffContext, require_role
from admin.forms import FieldErrors, store_error_fields, validate
from admin.i18n import N_, gettext, negotiate
from admin.render import render
from store.assessment import service as assessment_service
from store.assessment.models import EvidenceIndicator
from store.assessment.schemas import CoverageSurvey, DataCenterRecord, EvidenceCreate, OfficeRecord
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.schemas import StoreUpdate

router = APIRouter(prefix="/admin/assessment/evidence", include_in_schema=False)

EvidenceKeeper = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
ZONE_FLAGS = ("wifi", "wifi_stable", "g5", "g5_stable", "other_signal")
DATA_CENTER_KINDS = {
    "self_hosted": N_("Own server room / data center"),
    "cloud": N_("Rented cloud data center"),
    "other": N_("Other storage"),
}
NOT_IN_FUTURE = N_("The day cannot be in the future.")
STABLE_NEEDS_SIGNAL = N_("A signal must be there before it can be stable.")


def at_store(moment: datetime, timezone: str) -> datetime:
    """A stored UTC time (naive read as UTC) in the store's timezone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def _today(staff: StaffContext) -> date:
    return business_day(utcnow(), staff.store_timezone)


def _page(
    request: Request,
    session: Session,
    staff: StaffContext,
    *,
    errors: dict[str, FieldErrors] | None = None,
    posted: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The register page; ``posted`` keeps what a refused form said, the rest shows the latest entries."""
    latest = assessment_service.latest_evidence(session, staff.store_id)
    saved = {ind.value: dict(entry.payload, note=entry.note) for ind, entry in latest.items()}
    values = {**saved, **(posted or {})}
    f1 = values.get("F1", {})
    by_zone = {row["zone"]: row for row in f1.get("zones", [])}
    store = premises_service.get_store(session, staff.store_id)
    context = {
        "zones": premises_service.list_zones(session, staff.store_id),
        "by_zone": by_zone,
        "values": values,
        "errors": errors or {},
        "entries": assessment_service.list_evidence(session, staff.store_id)[:10],
        "kinds": DATA_CENTER_KINDS,
        "flags": ZONE_FLAGS,
        "upgrade_on": values.get("upgrade", {}).get("smart_upgrade_on", store.smart_upgrade_on or ""),
        "saved": request.query_params.get("saved"),
        "today": _today(staff),
        "local_time": lambda at: at_store(at, staff.store_timezone),
        "timezone": staff.store_timezone,
    }
    return render(request, "assessment/evidence.html", context, staff=staff, status_code=status_code)


def _record(session: Session, staff: StaffContext, indicator: EvidenceIndicator, payload: BaseModel, note: str) -> None:
    data = EvidenceCreate(indicator=indicator, payload=payload.model_dump(mode="json"), note=note[:500])
    assessment_service.record_evidence(session, staff.store_id, data, recorded_by=staff.username)


def _saved(what: str) -> Response:
    return RedirectResponse(f"/admin/assessment/evidence?saved={what}#{what}", status_code=303)


@router.get("", response_class=HTMLResponse)
def evidence_page(request: Request, session: SessionDep, staff: EvidenceKeeper) -> HTMLResponse:
    """The evidence register of F1, F3 and M1, and the smart-upgrade date."""
    return _page(request, session, staff)


def survey_from_form(
    form: dict[str, str], zone_codes: list[str], today: date, locale: str
) -> tuple[CoverageSurvey | None, dict[str, Any], FieldErrors]:
    """The F1 survey the form describes (one row per zone), what to show again, and messages by field."""
    rows = [{"zone": code, **{flag: form.get(f"{flag}-{code}") == "on" for flag in ZONE_FLAGS}} for code in zone_codes]
    shown = {"surveyed_on": form.get("surveyed_on", ""), "zones": rows, "note": form.get("note", "")}
    survey, errors = validate(CoverageSurvey, {"surveyed_on": form.get("surveyed_on") or None, "zones": rows}, locale)
    if survey is not None and survey.surveyed_on > today:
        errors["surveyed_on"] = gettext(NOT_IN_FUTURE, locale)
    for row in rows:
        if (row["wifi_stable"] and not row["wifi"]) or (row["g5_stable"] and not row["g5"]):
            errors[f"zone-{row['zone']}"] = gettext(STABLE_NEEDS_SIGNAL, locale)
    return (survey if not errors else None), shown, errors


@router.post("/f1", response_class=HTMLResponse)
def save_f1(request: Request, session: SessionDep, staff: EvidenceKeeper, form: CheckedForm) -> Response:
    """Record the per-zone WiFi/5G coverage survey (F1 网络通信设施)."""
    locale = negotiate(request)
    codes = [zone.code for zone in premises_service.list_zones(session, staff.store_id)]
    survey, shown, errors = survey_from_form(form, codes, _today(staff), locale)
    if survey is None:
        return _page(request, session, staff, errors={"F1": errors}, posted={"F1": shown}, status_code=400)
    _record(session, staff, EvidenceIndicator.F1, survey, form.get("note", ""))
    return _saved("F1")


@router.post("/f3", response_class=HTMLResponse)
def save_f3(request: Request, session: SessionDep, staff: EvidenceKeeper, form: CheckedForm) -> Response:
    """Record where the data lives (F3 数据中心; backups are checked by the system itself)."""
    locale = negotiate(request)
    data = {
        "kind": form.get("kind") or None,
        "provider": form.get("provider", ""),
        "database": form.get("database", ""),
    }
    record, errors = validate(DataCenterRecord, data, locale)
    if "kind" in errors:
        errors["kind"] = gettext(N_("Choose where the data is kept."), locale)
    if errors:
        shown = {**data, "note": form.get("note", "")}
        return _page(request, session, staff, errors={"F3": errors}, posted={"F3": shown}, status_code=400)
    _record(session, staff, EvidenceIndicator.F3, record, form.get("note", ""))
    return _saved("F3")


@router.post("/m1", response_class=HTMLResponse)
def save_m1(request: Request, session: SessionDep, staff: EvidenceKeeper, form: CheckedForm) -> Response:
    """Record the paperless office and the office system (M1 智能办公)."""
    locale = negotiate(request)
    data = {
        "paperless": form.get("paperless") == "on",
        "office_system": form.get("office_system") == "on",
        "system_name": form.get("system_name", ""),
    }
    record, errors = validate(OfficeRecord, data, locale)
    if record is not None and record.office_system and not record.system_name:
        errors["system_name"] = gettext(N_("Name the office system that covers all business."), locale)
    if errors:
        return _page(
            request,
            session,
            staff,
            errors={"M1": errors},
            posted={"M1": {**data, "note": form.get("note", "")}},
            status_code=400,
        )
    _record(session, staff, EvidenceIndicator.M1, record, form.get("note", ""))
    return _saved("M1")


@router.post("/upgrade", response_class=HTMLResponse)
def save_upgrade_date(request: Request, session: SessionDep, staff: EvidenceKeeper, form: CheckedForm) -> Response:
    """Set (or clear) the day the smart upgrade went live: B1–B4 compare the months around it."""
    locale = negotiate(request)
    text = form.get("smart_upgrade_on", "")
    update, errors = validate(StoreUpdate, {"smart_upgrade_on": text or None}, locale)
    if update is not None and update.smart_upgrade_on and update.smart_upgrade_on > _today(staff):
        errors["smart_upgrade_on"] = gettext(NOT_IN_FUTURE, locale)
    if errors:
        return _page(
            request,
            session,
            staff,
            errors={"upgrade": errors},
            posted={"upgrade": {"smart_upgrade_on": text}},
            status_code=400,
        )
    try:
        premises_service.update_store(session, staff.store_id, update)
    except StoreError as exc:
        return _page(
            request,
            session,
            staff,
            errors={"upgrade": store_error_fields(exc, locale)},
            posted={"upgrade": {"smart_upgrade_on": text}},
            status_code=400,
        )
    return _saved("upgrade")
