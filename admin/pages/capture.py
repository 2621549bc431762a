"""小票采集 Receipt capture: capture boxes and alerts, parse templates with a live test and re-parsing of
history, the review queue, coverage (C2) and the daily reconciliation of tills, captured receipts and
declared turnover."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import N_
from admin.render import render
from store.auth.models import Role
from store.capture import coverage as capture_coverage
from store.capture import monitor
from store.capture import service as capture_service
from store.capture.schemas import TemplateSpec
from store.capture.templates import ZH_BASIC
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service

router = APIRouter(prefix="/admin/capture", include_in_schema=False)

BackOffice = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
SPEC_FIELDS = ("receipt_no", "time", "time_format", "total", "line", "discount", "payment", "reprint", "report")
ALERT_LABELS = {
    "heartbeat_lost": N_("No heartbeat from the box"),
    "no_receipts": N_("Heartbeat but no receipts in usual trading hours"),
    "health_drop": N_("Template health score dropped"),
}
KIND_LABELS = {
    "sale": N_("Sale"),
    "reprint": N_("Reprint"),
    "report": N_("X/Z report"),
    "refund": N_("Refund slip"),
    "image": N_("Printed as an image"),
    "unparsed": N_("Not read"),
}


def _local(staff: StaffContext) -> Any:
    zone = ZoneInfo(staff.store_timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    return local


def _shops(session: Any, store_id: int) -> dict[int, Any]:
    return {s.id or 0: s for s in premises_service.list_shops(session, store_id)}


@router.get("")
def boxes(request: Request, session: SessionDep, staff: BackOffice) -> Response:
    """Capture boxes (status, last heartbeat, backlog, printer), open alerts, the review queue's size."""
    context = {
        "boxes": capture_service.list_boxes(session, staff.store_id),
        "alerts": monitor.open_alerts(session, staff.store_id),
        "review": len(capture_service.list_jobs(session, staff.store_id, status="review", limit=1000)),
        "shops": _shops(session, staff.store_id),
        "alert_labels": ALERT_LABELS,
        "local": _local(staff),
        "now": utcnow(),
    }
    return render(request, "capture/index.html", context, staff=staff)


def _spec_values(spec: TemplateSpec) -> dict[str, str]:
    values = {name: str(getattr(spec, name)) for name in SPEC_FIELDS}
    values["payment_methods"] = json.dumps({k: v.value for k, v in spec.payment_methods.items()}, ensure_ascii=False)
    return values


def _spec_from(form: dict[str, str]) -> tuple[TemplateSpec | None, dict[str, str]]:
    raw: dict[str, Any] = {name: form.get(name, "") for name in SPEC_FIELDS}
    errors: dict[str, str] = {}
    try:
        methods = json.loads(form.get("payment_methods") or "{}")
    except ValueError:
        methods, errors["payment_methods"] = {}, "JSON"
    if methods:  # none given: the standard words (微信, 支付宝, 现金 …)
        raw["payment_methods"] = methods
    try:
        return TemplateSpec.model_validate(raw), errors
    except ValidationError as exc:
        for error in exc.errors():
            errors[str(error["loc"][0])] = str(error["msg"])
        return None, errors


def _templates_context(session: Any, staff: StaffContext, **extra: Any) -> dict[str, Any]:
    templates = capture_service.list_templates(session, staff.store_id)
    shops = _shops(session, staff.store_id)
    context = {
        "templates": templates,
        "health": {t.id: monitor.health(session, t.shop_id) for t in templates},
        "shops": shops,
        "shop_options": [(str(i), f"{s.code} · {s.name}") for i, s in shops.items()],
        "values": {},
        "errors": {},
        "result": None,
        "reparsed": None,
        "kind_labels": KIND_LABELS,
        "spec_fields": SPEC_FIELDS,
    }
    context.update(extra)
    return context


@router.get("/templates")
def templates(request: Request, session: SessionDep, staff: BackOffice, template_id: int | None = None) -> Response:
    """Parse templates: edit one, test it live against a pasted receipt, re-parse the shop's history."""
    values = _spec_values(ZH_BASIC)
    if template_id is not None:
        row = capture_service.get_template(session, staff.store_id, template_id)
        values = _spec_values(TemplateSpec.model_validate_json(row.spec)) | {
            "name": row.name,
            "shop_id": str(row.shop_id),
            "template_id": str(row.id),
        }
    context = _templates_context(session, staff, values=values)
    return render(request, "capture/templates.html", context, staff=staff)


@router.post("/templates")
def save_or_test(request: Request, session: SessionDep, staff: BackOffice, form: CheckedForm) -> Response:
    """``action=test`` reads the pasted receipt with the template as typed; ``action=save`` stores it."""
    spec, errors = _spec_from(form)
    values = dict(form)
    if spec is None or errors:
        context = _templates_context(session, staff, values=values, errors=errors)
        return render(request, "capture/templates.html", context, staff=staff, status_code=400)
    if form.get("action") == "save":
        try:
            shop_id = int(form.get("shop_id") or 0)
            row = capture_service.save_template(
                session, staff.store_id, shop_id=shop_id, name=form.get("name", ""), spec=spec, by=staff.username
            )
        except (StoreError, ValueError) as exc:
            message = exc.message if isinstance(exc, StoreError) else str(exc)
            context = _templates_context(session, staff, values=values, errors={"name": message})
            return render(request, "capture/templates.html", context, staff=staff, status_code=400)
        return RedirectResponse(f"/admin/capture/templates?template_id={row.id}&saved=1", status_code=303)
    result = capture_service.try_template(spec, form.get("sample", "") or " ")
    context = _templates_context(session, staff, values=values, result=result)
    return render(request, "capture/templates.html", context, staff=staff)


@router.post("/templates/{template_id}/reparse")
def reparse(request: Request, session: SessionDep, staff: BackOffice, form: CheckedForm, template_id: int) -> Response:
    """Read the shop's stored receipts again with the saved template; ``apply`` records the new readings."""
    apply = form.get("apply") == "1"
    results = capture_service.reparse(session, staff.store_id, template_id, apply=apply)
    row = capture_service.get_template(session, staff.store_id, template_id)
    values = _spec_values(TemplateSpec.model_validate_json(row.spec)) | {
        "name": row.name,
        "shop_id": str(row.shop_id),
        "template_id": str(row.id),
    }
    changed = [r for r in results if r.changed]
    context = _templates_context(
        session, staff, values=values, reparsed={"rows": changed[:200], "total": len(results), "applied": apply}
    )
    return render(request, "capture/templates.html", context, staff=staff)


@router.get("/review")
def review(request: Request, session: SessionDep, staff: BackOffice) -> Response:
    """Receipts the templates could not read (or printed as images), with their decoded text and the reason."""
    context = {
        "jobs": capture_service.list_jobs(session, staff.store_id, status="review"),
        "shops": _shops(session, staff.store_id),
        "kind_labels": KIND_LABELS,
        "local": _local(staff),
    }
    return render(request, "capture/review.html", context, staff=staff)


@router.post("/review/{job_id}/resolve")
def resolve(request: Request, session: SessionDep, staff: BackOffice, form: CheckedForm, job_id: int) -> Response:
    capture_service.resolve_job(session, staff.store_id, job_id, note=form.get("note", "")[:100])
    return RedirectResponse("/admin/capture/review", status_code=303)


@router.get("/review/{job_id}/raw.bin")
def raw(session: SessionDep, staff: BackOffice, job_id: int) -> Response:
    """The receipt's raw printer bytes (for ``smartstore pos decode``)."""
    data = capture_service.raw_bytes(session, staff.store_id, job_id)
    headers = {"Content-Disposition": f'attachment; filename="receipt-{job_id}.bin"'}
    return Response(data, media_type="application/octet-stream", headers=headers)


def _day(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


@router.get("/reconciliation")
def reconciliation(
    request: Request, session: SessionDep, staff: BackOffice, day: str | None = None, start: str | None = None
) -> Response:
    """The day's reconciliation per shop, and coverage (C2) with receipt-number gaps over a period."""
    yesterday = business_day(utcnow(), staff.store_timezone) - timedelta(days=1)
    chosen = _day(day, yesterday)
    since = min(_day(start, chosen - timedelta(days=6)), chosen)
    context = {
        "day": chosen,
        "start": since,
        "rows": capture_coverage.reconciliation(session, staff.store_id, chosen),
        "coverage": capture_coverage.coverage(session, staff.store_id, since, chosen),
    }
    return render(request, "capture/reconciliation.html", context, staff=staff)
