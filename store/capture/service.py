"""Receipt capture: templates, receipts uploaded by capture boxes, the review queue, re-parsing history.

A receipt arrives with its raw bytes; the store keeps them once per hash, reads them with the shop's
template and records what they are. A sale the box did not post (it had an older template, or its post
was refused) is posted here through the sales ingest, with the same ``Idempotency-Key`` and scope the box
would have used: a receipt is one sale however many times and by whichever path it arrives.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind
from store.capture import parse as receipt_parse
from store.capture.errors import BadJob, BadTemplate, BoxNotBound, JobNotFound, TemplateNotFound
from store.capture.escpos import decode
from store.capture.models import CaptureBlob, CaptureBoxStatus, CaptureJob, CaptureTemplate
from store.capture.schemas import (
    BoxConfig,
    HeartbeatIn,
    JobIn,
    JobKind,
    ParsedReceipt,
    TemplateRead,
    TemplateSpec,
)
from store.clock import business_day, utcnow
from store.premises import service as premises_service
from store.sales import ingest
from store.sales import service as sales_service
from store.scoping import get_in_store

SALES_PATH = "/api/v1/sales/orders"  # the scope of the box's own posts: a sale posted here is the same sale
STATUS_BY_KIND = {
    JobKind.sale: "posted",
    JobKind.reprint: "ignored",
    JobKind.report: "ignored",
    JobKind.refund: "review",
    JobKind.image: "review",
    JobKind.unparsed: "review",
}
NO_TEMPLATE = "该商户尚无解析模板 / no parse template for this shop yet"


@dataclass(frozen=True)
class BoxPoster:
    """A capture box as the sales ingest sees a poster (``auth.deps.Principal``'s shape)."""

    store_id: int
    shop_id: int | None
    device: Device

    def can_see_shop(self, shop_id: int) -> bool:
        return self.shop_id is None or self.shop_id == shop_id


# Templates ------------------------------------------------------------------------------------------------
def template_read(row: CaptureTemplate) -> TemplateRead:
    return TemplateRead(
        id=row.id or 0,
        name=row.name,
        shop_id=row.shop_id,
        version=row.version,
        spec=TemplateSpec.model_validate_json(row.spec),
        updated_at=row.updated_at,
    )


def list_templates(session: Session, store_id: int) -> list[CaptureTemplate]:
    query = select(CaptureTemplate).where(CaptureTemplate.store_id == store_id).order_by(col(CaptureTemplate.name))
    return list(session.exec(query))


def get_template(session: Session, store_id: int, template_id: int) -> CaptureTemplate:
    return get_in_store(
        session, CaptureTemplate, template_id, store_id=store_id, not_found=TemplateNotFound, label="template"
    )


def template_for_shop(session: Session, shop_id: int) -> CaptureTemplate | None:
    return session.exec(select(CaptureTemplate).where(CaptureTemplate.shop_id == shop_id)).first()


def save_template(
    session: Session, store_id: int, *, shop_id: int, name: str, spec: TemplateSpec, by: str
) -> CaptureTemplate:
    """Create the shop's template, or change it (its version goes up); one template per shop."""
    premises_service.get_shop(session, store_id, shop_id)
    row = template_for_shop(session, shop_id)
    clash = session.exec(
        select(CaptureTemplate).where(CaptureTemplate.store_id == store_id, CaptureTemplate.name == name.strip())
    ).first()
    if clash is not None and (row is None or clash.id != row.id):
        raise BadTemplate(f"the name {name!r} is taken by another shop's template")
    if row is None:
        row = CaptureTemplate(store_id=store_id, shop_id=shop_id, name=name.strip(), spec="{}")
    else:
        row.version += 1
    row.name, row.spec, row.updated_by, row.updated_at = name.strip(), spec.model_dump_json(), by, utcnow()
    session.add(row)
    session.flush()
    return row


def try_template(spec: TemplateSpec, receipt: str | bytes) -> ParsedReceipt:
    """Read a pasted receipt (decoded text, or raw printer bytes) with ``spec``: the admin's live test."""
    if isinstance(receipt, bytes):
        return receipt_parse.parse(receipt, spec)
    return receipt_parse.parse(receipt.replace("\r\n", "\n").encode("gb18030", errors="replace"), spec)


# Boxes ----------------------------------------------------------------------------------------------------
def box_config(session: Session, device: Device) -> BoxConfig:
    store = premises_service.get_store(session, device.store_id)
    template = template_for_shop(session, device.shop_id) if device.shop_id is not None else None
    return BoxConfig(
        device_id=device.id or 0,
        shop_id=device.shop_id,
        timezone=store.timezone,
        template=template_read(template) if template else None,
    )


def _status_row(session: Session, device: Device) -> CaptureBoxStatus:
    row = session.get(CaptureBoxStatus, device.id)
    if row is None:
        row = CaptureBoxStatus(device_id=device.id or 0, store_id=device.store_id)
        session.add(row)
    return row


def heartbeat(session: Session, device: Device, beat: HeartbeatIn, *, now: datetime) -> CaptureBoxStatus:
    row = _status_row(session, device)
    row.last_heartbeat_at, row.backlog, row.printer_ok = now, beat.backlog, beat.printer_ok
    row.jobs_total = max(row.jobs_total, beat.jobs_total)
    session.flush()
    return row


def list_boxes(session: Session, store_id: int) -> list[tuple[Device, CaptureBoxStatus | None]]:
    """Capture boxes in service with their last status (None: never heard from)."""
    boxes = [
        d
        for d in auth_service.list_devices(session, store_id)
        if d.kind == DeviceKind.capture_box and d.revoked_at is None
    ]
    statuses = {
        s.device_id: s for s in session.exec(select(CaptureBoxStatus).where(CaptureBoxStatus.store_id == store_id))
    }
    return [(d, statuses.get(d.id or 0)) for d in boxes]


# Receipts -------------------------------------------------------------------------------------------------
def _raw(data: JobIn) -> bytes:
    try:
        raw = base64.b64decode(data.raw_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadJob(f"raw_b64 is not base64: {exc}") from exc
    if hashlib.sha256(raw).hexdigest() != data.sha256:
        raise BadJob("sha256 does not match the bytes sent: the receipt was damaged on the way")
    return raw


def _keep_blob(session: Session, sha256: str, raw: bytes) -> None:
    if session.get(CaptureBlob, sha256) is None:
        session.add(CaptureBlob(sha256=sha256, size=len(raw), data=raw))
        session.flush()


def read_receipt(raw: bytes, template: CaptureTemplate | None) -> tuple[str, ParsedReceipt]:
    """The decoded text of ``raw`` and what the template reads in it."""
    spec = TemplateSpec.model_validate_json(template.spec) if template else None
    decoded = decode(raw, chinese_default=spec.chinese_default if spec else True)
    if spec is None:
        return decoded.text, ParsedReceipt(kind=JobKind.unparsed, reason=NO_TEMPLATE)
    return decoded.text, receipt_parse.parse_decoded(decoded, spec)


def _post_sale(session: Session, device: Device, sha256: str, parsed: ParsedReceipt, timezone: str) -> tuple[str, Any]:
    """Post the parsed sale as the box would have; returns (status, order id or the reason it was not)."""
    assert device.shop_id is not None
    try:
        order = receipt_parse.to_order(parsed, device.shop_id, timezone)
    except ValueError as exc:
        return "review", f"not a valid sale: {exc}"[:300]
    poster = BoxPoster(device.store_id, device.shop_id, device)
    key = receipt_parse.idempotency_key(sha256)
    (outcome,) = ingest.post(session, poster, [ingest.Sale(key, order)], scope=f"device:{device.id}:POST {SALES_PATH}")
    if outcome.error is None and outcome.body is not None:
        return "posted", int(outcome.body["id"])
    error = outcome.error
    if error is not None and error.type == "order-number-taken":
        return (
            "ignored",
            "小票号已入账：重打只计一次 / this receipt number was already recorded: a reprint, counted once",
        )
    return "review", (error.message if error is not None else "not recorded")[:300]


def _apply(
    session: Session, job: CaptureJob, device: Device, parsed: ParsedReceipt, timezone: str, order_id: int | None
) -> None:
    job.kind, job.reason, job.score = parsed.kind.value, parsed.reason, parsed.score
    job.receipt_no = parsed.receipt_no[:64] if parsed.receipt_no else None
    job.total_fen = parsed.total_fen
    if parsed.ordered_at is not None:
        job.business_on = parsed.ordered_at.date()
    status = STATUS_BY_KIND[parsed.kind]
    if parsed.kind == JobKind.sale and job.order_id is None:
        if order_id is not None:
            job.order_id = order_id
        else:
            status, result = _post_sale(session, device, job.sha256, parsed, timezone)
            if status == "posted":
                job.order_id = int(result)
            else:
                job.reason = str(result)
    elif parsed.kind == JobKind.sale:
        status = "posted"
    job.status = status


def record_job(session: Session, device: Device, data: JobIn) -> tuple[CaptureJob, bool]:
    """Keep a receipt a box uploaded and read it; the same bytes from the same box again return the first."""
    if device.shop_id is None:
        raise BoxNotBound("this capture box is not bound to a shop: register it with the shop it serves")
    raw = _raw(data)
    existing = session.exec(
        select(CaptureJob).where(CaptureJob.device_id == device.id, CaptureJob.sha256 == data.sha256)
    ).first()
    if existing is not None:
        return existing, False
    _keep_blob(session, data.sha256, raw)
    store = premises_service.get_store(session, device.store_id)
    template = template_for_shop(session, device.shop_id)
    text, parsed = read_receipt(raw, template)
    if data.order_id is not None:  # the box posted it: the order must be this shop's
        sales_service.get_order(
            session, device.store_id, data.order_id, viewer=BoxPoster(device.store_id, device.shop_id, device)
        )
    job = CaptureJob(
        store_id=device.store_id,
        shop_id=device.shop_id,
        device_id=device.id or 0,
        seq=data.seq,
        sha256=data.sha256,
        captured_at=data.captured_at,
        business_on=business_day(data.captured_at, store.timezone),
        kind=parsed.kind.value,
        status="review",
        template_version=template.version if template else None,
        text=text,
    )
    _apply(session, job, device, parsed, store.timezone, data.order_id)
    session.add(job)
    status = _status_row(session, device)
    status.last_job_at = max(filter(None, [status.last_job_at, data.captured_at]))
    status.jobs_total += 1
    session.flush()
    return job, True


def list_jobs(
    session: Session, store_id: int, *, status: str | None = None, shop_id: int | None = None, limit: int = 100
) -> list[CaptureJob]:
    query = select(CaptureJob).where(CaptureJob.store_id == store_id)
    if status is not None:
        query = query.where(CaptureJob.status == status)
    if shop_id is not None:
        query = query.where(CaptureJob.shop_id == shop_id)
    return list(session.exec(query.order_by(col(CaptureJob.captured_at).desc()).limit(limit)))


def get_job(session: Session, store_id: int, job_id: int) -> CaptureJob:
    return get_in_store(session, CaptureJob, job_id, store_id=store_id, not_found=JobNotFound, label="receipt")


def resolve_job(session: Session, store_id: int, job_id: int, *, note: str) -> CaptureJob:
    """Take a receipt off the review queue (looked at: entered by hand, or not a sale)."""
    job = get_job(session, store_id, job_id)
    if job.status == "review":
        job.status, job.reason = "resolved", (f"{job.reason} · {note}" if note else job.reason)[:300]
        session.flush()
    return job


def raw_bytes(session: Session, store_id: int, job_id: int) -> bytes:
    job = get_job(session, store_id, job_id)
    blob = session.get(CaptureBlob, job.sha256)
    return blob.data if blob is not None else b""


@dataclass(frozen=True)
class Reparsed:
    """One stored receipt read again with a changed template: before and after."""

    job: CaptureJob
    before_kind: str
    before_total_fen: int | None
    after: ParsedReceipt

    @property
    def changed(self) -> bool:
        return (self.before_kind, self.before_total_fen) != (self.after.kind.value, self.after.total_fen)


def reparse(session: Session, store_id: int, template_id: int, *, apply: bool, limit: int = 5000) -> list[Reparsed]:
    """Read the shop's stored receipts again with its template as it is now; with ``apply``, record the result:
    receipts now read as sales are posted (once: same key as before), the others keep their new kind."""
    template = get_template(session, store_id, template_id)
    store = premises_service.get_store(session, store_id)
    query = (
        select(CaptureJob)
        .where(CaptureJob.shop_id == template.shop_id, CaptureJob.status != "resolved")
        .order_by(col(CaptureJob.captured_at))
        .limit(limit)
    )
    results = []
    for job in session.exec(query).all():
        blob = session.get(CaptureBlob, job.sha256)
        if blob is None:
            continue
        _, parsed = read_receipt(blob.data, template)
        results.append(Reparsed(job, job.kind, job.total_fen, parsed))
        if apply and job.status != "posted":
            device = session.get(Device, job.device_id)
            assert device is not None
            job.template_version = template.version
            _apply(session, job, device, parsed, store.timezone, None)
    session.flush()
    return results
