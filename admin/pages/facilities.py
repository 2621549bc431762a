"""The operations dashboard (设施运维): the device status wall, open alerts, energy per floor per day, the
integration status of every module (what each received in the last 24 hours), MQTT ingestion counts,
and the WiFi / 5G coverage survey form (F1 网络通信设施).

A stale device shows no value, only when it was last heard: a silent sensor never looks live.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from admin import i18n
from admin.deps import CheckedForm, StaffContext, require_role
from admin.forms import FieldErrors, blank_to_none, store_error_fields, validate
from admin.i18n import N_
from admin.pages.premises import save
from admin.render import render
from store.auth.models import Role
from store.backup import service as backup_service
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.facilities import integration, thresholds, tills
from store.facilities import service as facilities_service
from store.facilities.schemas import SurveyIn
from store.premises import service as premises_service

router = APIRouter(prefix="/admin/facilities", include_in_schema=False)

Operator = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
Editor = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
ENERGY_DAYS = 7
SURVEY_FIELDS = ("zone_id", "surveyed_on", "wifi_dbm", "wifi_mbps", "g5_dbm", "g5_mbps")
OUTCOMES = {
    "stored": N_("Stored"),
    "bad_json": N_("Bad JSON"),
    "unknown_device": N_("Unknown device"),
    "invalid": N_("Invalid"),
    "out_of_range": N_("Out of range"),
    "future": N_("Future time"),
    "too_old": N_("Too old"),
    "bad_topic": N_("Bad topic"),
    "error": N_("Error"),
}
RULES = {
    "co2_ppm": N_("CO₂ above limit"),
    "pm25_ugm3": N_("PM2.5 above limit"),
    "hcho_mgm3": N_("Formaldehyde above limit"),
    "temp_c": N_("Temperature too high"),
    "leak_ma": N_("Leakage current"),
    "silent": N_("Silent device"),
    "unconfirmed": N_("Command not confirmed"),
}
# Device kinds as people name them (the register keeps the English keys).
KINDS = {
    "network": N_("Network equipment"),
    "sensor": N_("Sensor"),
    "camera": N_("Camera"),
    "kiosk": N_("Guide kiosk"),
    "screen": N_("Digital signage"),
    "fitting_mirror": N_("Virtual fitting mirror"),
    "makeup_mirror": N_("Virtual makeup mirror"),
    "fitting_room": N_("Smart fitting room"),
    "smart_shelf": N_("Smart shelf"),
    "led_touch_screen": N_("LED touch screen"),
    "self_service": N_("Self-service device"),
    "energy_meter": N_("Energy meter"),
    "air_quality": N_("Air-quality monitor"),
    "electrical_monitor": N_("Electrical monitor"),
    "ip_broadcast": N_("IP broadcast"),
    "power_control": N_("Smart power control"),
}
ACTIONS = {"switch_on": N_("Switch on"), "switch_off": N_("Switch off"), "broadcast": N_("Broadcast")}


def _today(staff: StaffContext) -> date:
    return business_day(utcnow(), staff.store_timezone)


def _context(session: Session, staff: StaffContext) -> dict[str, Any]:
    now, today = utcnow(), _today(staff)
    first = today - timedelta(days=ENERGY_DAYS - 1)
    energy = facilities_service.energy_per_floor(session, staff.store_id, staff.store_timezone, first, today)
    days = [first + timedelta(days=i) for i in range(ENERGY_DAYS)]
    floors = sorted({floor for floor, _ in energy})
    modules = integration.activity(session, staff.store_id, integration.MODULES, now - timedelta(hours=24), now)
    zones = premises_service.list_zones(session, staff.store_id)
    devices = {d.id: d.code for d in facilities_service.list_devices(session, staff.store_id)}
    till_rows = tills.backlogs(session, staff.store_id)
    return {
        "wall": facilities_service.status_wall(session, staff.store_id, now),
        "alerts": facilities_service.list_alerts(session, staff.store_id),
        "devices": devices,
        "rules": RULES,
        "kinds": KINDS,
        "actions": ACTIONS,
        "commands": facilities_service.recent_commands(session, staff.store_id),
        "ack_timeout": thresholds.COMMAND_ACK_TIMEOUT,
        "now": now,
        "tills": till_rows,
        "energy_days": days,
        "energy_floors": [(floor, [energy.get((floor, day)) for day in days]) for floor in floors],
        "modules": [(source, modules[source.key]) for source in integration.MODULES],
        "ingest": facilities_service.ingest_counts(session, today, today),
        "outcomes": OUTCOMES,
        "zones": zones,
        "zone_options": [(str(z.id), f"{z.code} · {z.name}") for z in zones],
        "surveys": facilities_service.latest_surveys(session, staff.store_id, until=today),
        "today": today,
        "backup": backup_service.last_good_backup(session),
        "drill": backup_service.last_good_drill(session),
        "backup_failure": backup_service.last_failure(session),
        "can_edit": staff.role in (Role.admin, Role.manager),
    }


@router.get("")
def dashboard(request: Request, session: SessionDep, staff: Operator) -> Response:
    """The operations dashboard."""
    context = _context(session, staff) | {"values": {"surveyed_on": _today(staff).isoformat()}, "errors": {}}
    return render(request, "facilities/index.html", context, staff=staff)


@router.post("/surveys")
def add_survey(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Record a zone's WiFi / 5G survey; a bad figure is shown beside its field and nothing is written."""
    locale = i18n.negotiate(request)
    values = {name: form.get(name, "") for name in SURVEY_FIELDS} | {"other_signal": form.get("other_signal", "")}
    raw = blank_to_none(values, SURVEY_FIELDS[2:] + ("zone_id", "surveyed_on"))
    raw["other_signal"] = bool(values["other_signal"])
    data, errors = validate(SurveyIn, raw, locale)
    if not errors:
        _row, failure = save(
            session,
            lambda: facilities_service.add_survey(
                session, staff.store_id, **data.model_dump(), recorded_by=staff.username, today=_today(staff)
            ),
        )
        errors = _survey_errors(failure, locale) if failure else {}
    if errors:
        context = _context(session, staff) | {"values": values, "errors": errors}
        return render(request, "facilities/index.html", context, staff=staff, status_code=400)
    return RedirectResponse("/admin/facilities?saved=1#survey", status_code=303)


def _survey_errors(failure: Any, locale: str) -> FieldErrors:
    message = failure.message
    for name in ("surveyed_on", "wifi_dbm", "g5_dbm", "wifi_mbps", "g5_mbps", "zone"):
        if name in message:
            field = "zone_id" if name == "zone" else name
            return {field: i18n.gettext(message, locale)}
    return store_error_fields(failure, locale)
