"""Receipt capture API: capture boxes fetch their template, upload receipts and beat; staff manage templates,
work the review queue and read coverage and the daily reconciliation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.capture import coverage as capture_coverage
from store.capture import service as capture_service
from store.capture.schemas import (
    BoxConfig,
    HeartbeatIn,
    JobIn,
    JobRead,
    ParsedReceipt,
    TemplateCreate,
    TemplateRead,
    TemplateSpec,
)
from store.clock import utcnow
from store.db import SessionDep
from store.wire import Day, RowId

router = APIRouter(prefix="/capture", tags=["capture"])

Box = Annotated[Principal, Depends(require(devices=(DeviceKind.capture_box,)))]
BackOffice = Annotated[Principal, Depends(require(Role.admin, Role.manager))]


class TemplateTest(BaseModel):
    """A pasted receipt (its decoded text) to read with a template that is not saved yet."""

    spec: TemplateSpec
    text: str = Field(min_length=1, max_length=20_000)


class CoverageRowRead(BaseModel):
    shop_id: int
    shop_code: str
    covered: bool
    till_sales: bool
    captured_sales: bool
    receipts: int
    receipt_numbers_seen: int
    receipt_number_range: int
    missing_receipt_numbers: list[str]


class ReconciliationRowRead(BaseModel):
    shop_id: int
    shop_code: str
    till_fen: int
    captured_fen: int
    declared_fen: int
    review: int
    flags: list[str]


def _device(principal: Principal):  # type: ignore[no-untyped-def]
    assert principal.device is not None
    return principal.device


@router.get("/config", response_model=BoxConfig)
def get_config(session: SessionDep, box: Box) -> BoxConfig:
    """The box's shop, the store's timezone and the shop's parse template (None: not set up yet)."""
    return capture_service.box_config(session, _device(box))


@router.post("/jobs", response_model=JobRead, status_code=201, responses={200: {}, 400: {}, 409: {}})
def upload_job(data: JobIn, session: SessionDep, box: Box) -> JSONResponse:
    """Upload one captured receipt's raw bytes; the same bytes again answer 200 with the first record."""
    job, created = capture_service.record_job(session, _device(box), data)
    body = JobRead.model_validate(job).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.post("/heartbeat", status_code=204)
def post_heartbeat(data: HeartbeatIn, session: SessionDep, box: Box) -> None:
    """The box is alive: its backlog and whether its printer answers."""
    capture_service.heartbeat(session, _device(box), data, now=utcnow())


@router.get("/jobs", response_model=list[JobRead])
def list_jobs(
    session: SessionDep,
    staff: BackOffice,
    status: Annotated[str | None, Query(pattern="^(posted|review|ignored|resolved)$")] = None,
    shop_id: RowId | None = None,
) -> list[JobRead]:
    """Captured receipts newest first; ``status=review`` is the review queue."""
    rows = capture_service.list_jobs(session, staff.store_id, status=status, shop_id=shop_id)
    return [JobRead.model_validate(row) for row in rows]


@router.get("/templates", response_model=list[TemplateRead])
def list_templates(session: SessionDep, staff: BackOffice) -> list[TemplateRead]:
    """Every shop's parse template."""
    return [capture_service.template_read(row) for row in capture_service.list_templates(session, staff.store_id)]


@router.put("/templates", response_model=TemplateRead, responses={400: {}, 404: {}})
def save_template(data: TemplateCreate, session: SessionDep, staff: BackOffice) -> TemplateRead:
    """Create or change a shop's template (one per shop; each change raises its version)."""
    by = staff.user.username if staff.user else staff.label
    row = capture_service.save_template(
        session, staff.store_id, shop_id=data.shop_id, name=data.name, spec=data.spec, by=by
    )
    return capture_service.template_read(row)


@router.post("/templates/test", response_model=ParsedReceipt)
def test_template(data: TemplateTest, staff: BackOffice) -> ParsedReceipt:
    """Read a pasted receipt with a template: what it finds, what it misses, the health score."""
    return capture_service.try_template(data.spec, data.text)


@router.get("/coverage", response_model=list[CoverageRowRead])
def get_coverage(session: SessionDep, staff: BackOffice, start: Day, end: Day) -> list[CoverageRowRead]:
    """Per shop: own till or capture box posting sales (C2), and gaps in its till's receipt numbers."""
    rows = capture_coverage.coverage(session, staff.store_id, start, end)
    return [
        CoverageRowRead(
            shop_id=row.shop.id or 0,
            shop_code=row.shop.code,
            covered=row.covered,
            till_sales=row.till_sales,
            captured_sales=row.captured_sales,
            receipts=row.receipts,
            receipt_numbers_seen=row.gaps.seen,
            receipt_number_range=row.gaps.span,
            missing_receipt_numbers=row.gaps.missing,
        )
        for row in rows
    ]


@router.get("/reconciliation", response_model=list[ReconciliationRowRead])
def get_reconciliation(session: SessionDep, staff: BackOffice, day: Day) -> list[ReconciliationRowRead]:
    """Per shop on one business day: till sales, captured receipts, declared turnover; differences flagged."""
    rows = capture_coverage.reconciliation(session, staff.store_id, day)
    return [
        ReconciliationRowRead(
            shop_id=row.shop.id or 0,
            shop_code=row.shop.code,
            till_fen=row.till_fen,
            captured_fen=row.captured_fen,
            declared_fen=row.declared_fen,
            review=row.review,
            flags=row.flags,
        )
        for row in rows
    ]
