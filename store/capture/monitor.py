"""Capture alerts, raised within minutes by the worker: a box gone quiet, a box that beats but sees no
receipts while its shop usually trades, and a template whose health score dropped (a till update)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from store.capture import rules
from store.capture import service as capture_service
from store.capture.models import CaptureAlert, CaptureJob
from store.premises import service as premises_service

HISTORY = timedelta(days=28)  # the shop's usual hours are learnt from this much of its own receipts
RULES = ("heartbeat_lost", "no_receipts", "health_drop")


def _usual_hours(session: Session, shop_id: int, now: datetime, zone: ZoneInfo) -> set[int]:
    query = select(CaptureJob.captured_at).where(
        CaptureJob.shop_id == shop_id, col(CaptureJob.captured_at) >= now - HISTORY
    )
    return rules.usual_hours(moment.astimezone(zone) for moment in session.exec(query))


def _recent_scores(session: Session, shop_id: int) -> list[int]:
    query = (
        select(CaptureJob.score)
        .where(CaptureJob.shop_id == shop_id, col(CaptureJob.kind).in_(("sale", "unparsed")))
        .order_by(col(CaptureJob.captured_at).desc())
        .limit(2 * rules.HEALTH_WINDOW)
    )
    return list(reversed(list(session.exec(query))))


def health(session: Session, shop_id: int) -> int | None:
    """The template's health score now: the mean score of the shop's last receipts (None: none read yet)."""
    return rules.mean(_recent_scores(session, shop_id)[-rules.HEALTH_WINDOW :])


def conditions(session: Session, store_id: int, now: datetime) -> dict[tuple[int, str], tuple[int, str]]:
    """(device, rule) → (shop, detail) for every alert condition true now."""
    zone = ZoneInfo(premises_service.get_store(session, store_id).timezone)
    found: dict[tuple[int, str], tuple[int, str]] = {}
    for device, status in capture_service.list_boxes(session, store_id):
        if device.shop_id is None or device.id is None:
            continue
        usual = _usual_hours(session, device.shop_id, now, zone)
        local = now.astimezone(zone)
        trading = local.hour in usual or not usual
        beat = status.last_heartbeat_at if status else None
        if trading and (beat is None or now - beat >= rules.HEARTBEAT_LOST):
            if beat is None:
                detail = "从未收到心跳 / never heard from"
            else:
                heard = beat.astimezone(zone).strftime("%m-%d %H:%M")
                detail = f"{heard} 起无心跳 / no heartbeat since {heard}"
            found[(device.id, "heartbeat_lost")] = (device.shop_id, detail)
        last_job = status.last_job_at.astimezone(zone) if status and status.last_job_at else None
        if beat is not None and rules.silent_while_trading(local, last_job, usual):
            minutes = int(rules.SILENCE.total_seconds() // 60)
            detail = f"惯常营业时段 {minutes} 分钟无小票 / no receipts for {minutes} min in usual hours"
            found[(device.id, "no_receipts")] = (device.shop_id, detail)
        if rules.health_dropped(_recent_scores(session, device.shop_id)):
            found[(device.id, "health_drop")] = (
                device.shop_id,
                "模板健康分下降，请检查模板 / health score dropped: check the template",
            )
    return found


def check(session: Session, store_id: int, now: datetime) -> list[CaptureAlert]:
    """Raise alerts whose condition is true and not yet open; resolve open ones whose condition cleared."""
    current = conditions(session, store_id, now)
    open_rows = session.exec(
        select(CaptureAlert).where(CaptureAlert.store_id == store_id, col(CaptureAlert.resolved_at).is_(None))
    ).all()
    open_keys = {(row.device_id, row.rule): row for row in open_rows}
    for key, row in open_keys.items():
        if key not in current:
            row.resolved_at = now
    raised = []
    for (device_id, rule), (shop_id, detail) in current.items():
        if (device_id, rule) not in open_keys:
            row = CaptureAlert(
                store_id=store_id, shop_id=shop_id, device_id=device_id, rule=rule, detail=detail, raised_at=now
            )
            session.add(row)
            raised.append(row)
    session.flush()
    return raised


def open_alerts(session: Session, store_id: int) -> list[CaptureAlert]:
    query = (
        select(CaptureAlert)
        .where(CaptureAlert.store_id == store_id, col(CaptureAlert.resolved_at).is_(None))
        .order_by(col(CaptureAlert.raised_at).desc())
    )
    return list(session.exec(query))
