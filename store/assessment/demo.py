"""Demo hook of the assessment domain: the evidence register a store manager would have filled in."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from store.assessment import service as assessment_service
from store.assessment.models import EvidenceIndicator
from store.assessment.schemas import EvidenceCreate
from store.clock import utcnow
from store.demo import DemoContext
from store.premises import service as premises_service


def generate(ctx: DemoContext) -> None:
    """F1 survey with WiFi and 5G in every zone, F3 rented cloud with backups, M1 paperless with an office system."""
    if ctx.store_id is None:
        return
    rng = ctx.rng("assessment")
    surveyed_on = ctx.end_on - timedelta(days=40)
    recorded_at = datetime.combine(surveyed_on, time(2, 30), tzinfo=UTC)
    zones = [
        {
            "zone": zone.code,
            "wifi": True,
            "wifi_stable": True,
            "g5": True,
            "g5_stable": True,
            "other_signal": True,
            "wifi_dbm": -rng.randint(42, 62),
            "g5_dbm": -rng.randint(75, 95),
        }
        for zone in premises_service.list_zones(ctx.session, ctx.store_id)
    ]
    entries: list[tuple[EvidenceIndicator, dict[str, Any], str, str]] = [
        (
            EvidenceIndicator.F1,
            {"surveyed_on": surveyed_on.isoformat(), "zones": zones},
            "全店信号覆盖测试（运营商联合测试）",
            "signal-survey.pdf",
        ),
        (
            EvidenceIndicator.F3,
            {
                "kind": "cloud",
                "provider": "阿里云 cn-shanghai",
                "database": "PostgreSQL 15",
            },
            "业务系统部署于租用云数据中心，每日备份",
            "cloud-contract.pdf",
        ),
        (
            EvidenceIndicator.M1,
            {"paperless": True, "office_system": True, "system_name": "钉钉 OA"},
            "审批、合同、排班均在线办理",
            "oa-process-list.xlsx",
        ),
    ]
    for indicator, payload, note, attachment in entries:
        data = EvidenceCreate(indicator=indicator, payload=payload, note=note, attachment_name=attachment)
        assessment_service.record_evidence(ctx.session, ctx.store_id, data, recorded_by="demo-manager", now=recorded_at)


def finish(ctx: DemoContext) -> None:
    """The default period's snapshots (S6 parity over every SKU), once every domain wrote its data, so that
    the first request of the self-assessment page finds them (the worker keeps them up to date after)."""
    if ctx.store_id is None:
        return
    store = premises_service.get_store(ctx.session, ctx.store_id)
    assessment_service.warm_snapshots(ctx.session, store, utcnow())
