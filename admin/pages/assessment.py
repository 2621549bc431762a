"""智慧商店自评 The Annex 4 self-assessment in the admin: the report page and its PDF, XLSX and JSON downloads.

Every route is a plain ``def``: scoring reads the database and the renderers are CPU-heavy, so they run in
the thread pool, never on the event loop.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from admin.deps import StaffContext, require_role
from admin.i18n import negotiate
from admin.pages.formats import MonthRange, last_full_months, month_range, period_message
from admin.render import render
from store.assessment import render as report_render
from store.assessment import report_cache
from store.assessment.report import AssessmentReport
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.config import get_settings
from store.db import SessionDep
from store.errors import InvalidInput
from store.kpi.errors import PeriodError

router = APIRouter(prefix="/admin/assessment", include_in_schema=False)

# Marketing may read the report; only managers and admins change the evidence behind it.
REPORT_READERS = (Role.admin, Role.manager, Role.marketing)
ReportReader = Annotated[StaffContext, Depends(require_role(*REPORT_READERS))]
PeriodFrom = Annotated[str | None, Query(alias="from", max_length=20)]
PeriodTo = Annotated[str | None, Query(alias="to", max_length=20)]
BaselineMonth = Annotated[str | None, Query(max_length=20)]  # B1–B4's baseline months; blank: the default

DOWNLOADS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def default_period(staff: StaffContext, today: date | None = None) -> MonthRange:
    """The last 12 full months in the store's own calendar."""
    return last_full_months(today or business_day(utcnow(), staff.store_timezone), 12)


def _report(
    request: Request,
    session: Session,
    staff: StaffContext,
    period_from: str | None,
    period_to: str | None,
    baseline: tuple[str | None, str | None] = (None, None),
    *,
    fresh: bool = False,
) -> AssessmentReport:
    """Score the asked period (blank fields: the last 12 full months) against the baseline months asked
    (blank: the default), or reuse the same report scored minutes ago (store.assessment.report_cache; never
    with ``fresh``); a bad period or baseline is InvalidInput in the page's language."""
    try:
        period = month_range(period_from, period_to, default_period(staff))
        months = (period.from_text, period.to_text, baseline[0] or None, baseline[1] or None)
        return report_cache.report(session, staff.store_id, months, fresh=fresh)
    except PeriodError as exc:
        raise InvalidInput(period_message(exc, negotiate(request))) from None


def _query(report: AssessmentReport) -> str:
    """The downloads' query: the period, and the baseline months when they were chosen."""
    params = {"from": report.period_from, "to": report.period_to}
    if report.baseline_chosen:
        params.update(baseline_from=report.baseline_from or "", baseline_to=report.baseline_to or "")
    return urlencode(params)


def report_lang(request: Request) -> str:
    """The renderers speak 'zh' or 'en'; the admin's locale decides which comes first."""
    return "en" if negotiate(request) == "en" else "zh"


def download_name(report: AssessmentReport, ext: str) -> str:
    """'assessment-SH01-2026-01_2026-10.pdf': the store code and period in the file name."""
    return f"assessment-{report.store_code}-{report.period_from}_{report.period_to}.{ext}"


def attachment(body: bytes, ext: str, filename: str) -> Response:
    """A download; the RFC 5987 form keeps non-ASCII store codes intact."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=DOWNLOADS[ext], headers={"Content-Disposition": disposition})


@router.get("", response_class=HTMLResponse)
def report_page(
    request: Request,
    session: SessionDep,
    staff: ReportReader,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    baseline_from: BaselineMonth = None,
    baseline_to: BaselineMonth = None,
    fresh: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """The self-assessment report of a period, with its downloads; the baseline months may be chosen;
    ``fresh`` scores it again rather than reuse the one scored minutes ago."""
    default = default_period(staff)
    form = {
        "from": period_from or default.from_text,
        "to": period_to or default.to_text,
        "baseline_from": baseline_from or "",
        "baseline_to": baseline_to or "",
    }
    context: dict[str, object] = {"form": form, "error": None, "report_html": None, "downloads": {}}
    try:
        report = _report(request, session, staff, period_from, period_to, (baseline_from, baseline_to), fresh=fresh)
    except InvalidInput as exc:
        # A reversed or empty period is the user's typo: say so on the page, keep the form.
        context["error"] = exc.message
        return render(request, "assessment/report.html", context, staff=staff, status_code=400)
    query = _query(report)
    context.update(
        report=report,
        report_html=Markup(with_style_nonce(request, report_render.render_html_fragment(report, report_lang(request)))),
        downloads={ext: f"/admin/assessment/report.{ext}?{query}" for ext in DOWNLOADS},
        scored_at=local_time(report),
        rescore=f"/admin/assessment?{query}&fresh=1",
        reuse_minutes=-(-get_settings().report_cache_s // 60),
    )
    return render(request, "assessment/report.html", context, staff=staff)


def local_time(report: AssessmentReport) -> str:
    """When the report's figures were read, in the store's own time ('2026-11-30 14:05')."""
    return report.generated_at.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M")


def with_style_nonce(request: Request, fragment: str) -> str:
    """The report's scoped ``<style>`` block, let through the CSP by this response's nonce (store.http_guard)."""
    nonce = getattr(request.state, "csp_nonce", "")
    return fragment.replace("<style>", f'<style nonce="{nonce}">') if nonce else fragment


@router.get("/report.pdf")
def report_pdf(
    request: Request,
    session: SessionDep,
    staff: ReportReader,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    baseline_from: BaselineMonth = None,
    baseline_to: BaselineMonth = None,
) -> Response:
    """The report as PDF (the same content as the page)."""
    report = _report(request, session, staff, period_from, period_to, (baseline_from, baseline_to))
    pdf = report_render.render_pdf(report, lang=report_lang(request))  # ?lang=en: the English report
    return attachment(pdf, "pdf", download_name(report, "pdf"))


@router.get("/report.xlsx")
def report_xlsx(
    request: Request,
    session: SessionDep,
    staff: ReportReader,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    baseline_from: BaselineMonth = None,
    baseline_to: BaselineMonth = None,
) -> Response:
    """The report as an Excel workbook (the same content as the page)."""
    report = _report(request, session, staff, period_from, period_to, (baseline_from, baseline_to))
    return attachment(report_render.render_xlsx(report), "xlsx", download_name(report, "xlsx"))


@router.get("/report.json")
def report_json(
    request: Request,
    session: SessionDep,
    staff: ReportReader,
    period_from: PeriodFrom = None,
    period_to: PeriodTo = None,
    baseline_from: BaselineMonth = None,
    baseline_to: BaselineMonth = None,
) -> Response:
    """The report as JSON, for the district's systems and for diffing two runs."""
    report = _report(request, session, staff, period_from, period_to, (baseline_from, baseline_to))
    body = json.dumps(report.to_json(), ensure_ascii=False, indent=2).encode()
    return attachment(body, "json", download_name(report, "json"))
