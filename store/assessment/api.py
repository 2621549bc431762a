"""Assessment API: the Annex 4 self-assessment report and the evidence register (managers and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from store.assessment import service as assessment_service
from store.assessment.commands import render_report
from store.assessment.models import EvidenceIndicator
from store.assessment.schemas import EvidenceCreate, EvidenceRead, ReportFormat
from store.auth.deps import Manager
from store.db import SessionDep

router = APIRouter(prefix="/assessment", tags=["assessment"])

MEDIA_TYPES = {
    ReportFormat.json: "application/json",
    ReportFormat.html: "text/html; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
    ReportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A malformed month is a 422 that names the parameter; a reversed or future period is the service's 400.
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


@router.get("/report", responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, 400: {}})
def read_report(
    session: SessionDep,
    who: Manager,
    period_from: Annotated[str, Query(alias="from", pattern=MONTH, description="First month, YYYY-MM")],
    period_to: Annotated[str, Query(alias="to", pattern=MONTH, description="Last month, YYYY-MM")],
    format: ReportFormat = ReportFormat.json,
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
    baseline_from: Annotated[
        str | None, Query(pattern=MONTH, description="First baseline month for B1–B4, YYYY-MM (with baseline_to)")
    ] = None,
    baseline_to: Annotated[
        str | None,
        Query(pattern=MONTH, description="Last baseline month, before the upgrade month (with baseline_from)"),
    ] = None,
) -> Response:
    """The Annex 4 self-assessment of the caller's store over a period of months (baseline months optional)."""
    report = assessment_service.assess(
        session,
        who.store_id,
        period_from=period_from,
        period_to=period_to,
        baseline_from=baseline_from,
        baseline_to=baseline_to,
    )
    body = render_report(report, format, lang)
    headers = {}
    if format in (ReportFormat.pdf, ReportFormat.xlsx):
        name = f"assessment-{report.store_code}-{report.period_from}-{report.period_to}.{format.value}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type=MEDIA_TYPES[format], headers=headers)


@router.get("/evidence", response_model=list[EvidenceRead])
def list_evidence(session: SessionDep, who: Manager, indicator: EvidenceIndicator | None = None) -> list[EvidenceRead]:
    """The evidence register (F1 coverage survey, F3 data center, M1 office), newest first."""
    rows = assessment_service.list_evidence(session, who.store_id, indicator=indicator)
    return [EvidenceRead.model_validate(row) for row in rows]


@router.post("/evidence", response_model=EvidenceRead, status_code=status.HTTP_201_CREATED)
def record_evidence(data: EvidenceCreate, session: SessionDep, who: Manager) -> EvidenceRead:
    """Record evidence for F1, F3 or M1; the newest entry per indicator is the one the report scores."""
    by = who.user.username if who.user else who.label
    return EvidenceRead.model_validate(assessment_service.record_evidence(session, who.store_id, data, recorded_by=by))
