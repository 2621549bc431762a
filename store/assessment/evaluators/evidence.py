"""Indicators earned from the evidence register a manager fills in: F1 network, F3 data center, M1 office.

F3 takes only the deployment from the register; whether backups work comes from the system's own
records (``backup_file``, ``backup_drill``), not from a tick.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from store.assessment import rules
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.models import AssessmentEvidence, EvidenceIndicator
from store.assessment.report import Figure, IndicatorResult
from store.backup.models import BackupDrill, BackupFile
from store.clock import business_day, day_bounds_utc
from store.premises import service as premises_service


def _latest(ctx: EvalContext, indicator: EvidenceIndicator) -> AssessmentEvidence | None:
    from store.assessment import service as assessment_service  # the service imports the evaluators

    if "evidence" not in ctx.cache:
        ctx.cache["evidence"] = assessment_service.latest_evidence(ctx.session, ctx.store_id)
    return ctx.cache["evidence"].get(indicator)


NOTE_SHOWN = 200  # characters of an evidence note the report shows (the register keeps up to 500)


def _source(entry: AssessmentEvidence, timezone: str) -> str:
    """Who recorded the evidence and when (in the store's timezone), and the attached document; the
    note is not repeated here under every figure but given once (:func:`_note`)."""
    at = entry.recorded_at
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(ZoneInfo(timezone))
    text = f"证据登记 / evidence register #{entry.id}: {entry.recorded_by}, {local:%Y-%m-%d %H:%M} ({timezone})"
    if entry.attachment_name:
        text += f", {entry.attachment_name}"
    return text


def _note(entry: AssessmentEvidence, on: str) -> list[Figure]:
    """The register entry's note, once per indicator, cut to :data:`NOTE_SHOWN` characters."""
    note = (entry.note or "").strip()
    if not note:
        return []
    shown = note if len(note) <= NOTE_SHOWN else note[: NOTE_SHOWN - 1] + "…"
    return [figure("note", "登记备注", "Note", shown, "", on, f"证据登记 / evidence register #{entry.id}")]


def _nothing_recorded(indicator: str, what_zh: str, what_en: str) -> IndicatorResult:
    rule = "证据登记中无记录 → 0 分 / nothing recorded in the evidence register → 0 pts"
    missing = f"在证据登记中记录{what_zh} / record {what_en} in the evidence register"
    return result(indicator, (0, rule, missing), [], status="not_measured")


# F1 网络通信设施
def evaluate_f1(ctx: EvalContext) -> IndicatorResult:
    """WiFi and 5G coverage from the latest per-zone survey, against every zone of the store."""
    entry = _latest(ctx, EvidenceIndicator.F1)
    if entry is None:
        return _nothing_recorded("F1", "各区域 WiFi/5G 覆盖测试", "a WiFi/5G coverage survey of every zone")
    zones = {z.code for z in premises_service.list_zones(ctx.session, ctx.store_id)}
    survey = [
        rules.ZoneSurvey(
            zone=row["zone"],
            wifi=row["wifi"],
            wifi_stable=row.get("wifi_stable", False),
            g5=row["g5"],
            g5_stable=row.get("g5_stable", False),
            other_signal=row.get("other_signal", False),
        )
        for row in entry.payload["zones"]
        if row["zone"] in zones
    ]  # zones removed since do not count
    on, source = entry.payload["surveyed_on"], _source(entry, ctx.store.timezone)
    figures = [
        figure("zones", "门店区域", "Zones of the store", len(zones), "zones", on, "premises 区域档案 / zone register"),
        figure("zones_surveyed", "已测试区域", "Zones surveyed", len({s.zone for s in survey}), "zones", on, source),
        figure("zones_wifi", "WiFi 覆盖区域", "Zones with WiFi", sum(s.wifi for s in survey), "zones", on, source),
        figure("zones_5g", "5G 覆盖区域", "Zones with 5G", sum(s.g5 for s in survey), "zones", on, source),
        figure(
            "zones_stable",
            "信号稳定区域",
            "Zones with stable signal",
            sum(s.wifi_stable and s.g5_stable for s in survey),
            "zones",
            on,
            source,
        ),
    ]
    return result("F1", rules.score_f1(survey, len(zones)), figures + _note(entry, on), status="recorded")


# F3 数据中心
def _backup_check(ctx: EvalContext) -> tuple[rules.BackupCheck, BackupFile | None, BackupDrill | None]:
    """The last good backup and the last successful drill as of the period's last day (the system's own records)."""
    from store.backup import service as backup_service

    period, tz = ctx.period, ctx.store.timezone
    until = day_bounds_utc(period.end, tz)[1] - timedelta(microseconds=1)
    backup = backup_service.last_good_backup(ctx.session, until=until)
    drill = backup_service.last_good_drill(ctx.session, until=until)
    check = rules.BackupCheck(
        period_start=period.start,
        period_end=period.end,
        last_backup_on=business_day(backup.started_at, tz) if backup else None,
        last_drill_on=business_day(drill.started_at, tz) if drill else None,
    )
    return check, backup, drill


def evaluate_f3(ctx: EvalContext) -> IndicatorResult:
    """Where the data lives (evidence register), and the system's own backups and restore drills."""
    entry = _latest(ctx, EvidenceIndicator.F3)
    if entry is None:
        return _nothing_recorded("F3", "部署方式（自有机房或云）", "the deployment (own server room or cloud)")
    data, source = entry.payload, _source(entry, ctx.store.timezone)
    on = f"{entry.recorded_at:%Y-%m-%d}"
    check, backup, drill = _backup_check(ctx)
    backup_source = (
        f"backup_file #{backup.id}: {backup.file_name}, {backup.check}"
        if backup
        else "backup_file: 无合格备份 / no good backup (smartstore backup)"
    )
    drill_source = (
        f"backup_drill #{drill.id}: {drill.file_name}, {drill.tables} tables, {drill.message}"
        if drill
        else "backup_drill: 无成功演练 / no successful drill (smartstore restore FILE --drill)"
    )
    figures: list[Figure] = [
        figure("kind", "部署方式", "Deployment", data["kind"], "", on, source),
        figure(
            "provider", "机房/云服务商", "Server room / cloud provider", data.get("provider") or None, "", on, source
        ),
        figure(
            "database",
            "数据库",
            "Database",
            data.get("database") or (backup.backend if backup else None),
            "",
            on,
            source,
        ),
        figure(
            "last_backup_on",
            "最近合格备份",
            "Last good backup",
            str(check.last_backup_on) if check.last_backup_on else None,
            "",
            ctx.period.days_label,
            backup_source,
        ),
        figure(
            "last_drill_on",
            "最近成功恢复演练",
            "Last successful restore drill",
            str(check.last_drill_on) if check.last_drill_on else None,
            "",
            ctx.period.days_label,
            drill_source,
        ),
        figure(
            "backups_verified",
            "备份已验证",
            "Backups verified",
            "yes" if check.verified else "no",
            "",
            ctx.period.days_label,
            "backup_file + backup_drill",
        ),
    ]
    return result("F3", rules.score_f3(data["kind"], check), figures + _note(entry, on), status="recorded")


# M1 智能办公
def evaluate_m1(ctx: EvalContext) -> IndicatorResult:
    """Paperless office and an office system that covers all business."""
    entry = _latest(ctx, EvidenceIndicator.M1)
    if entry is None:
        return _nothing_recorded("M1", "无纸化办公与办公系统情况", "the paperless office and the office system")
    data, source = entry.payload, _source(entry, ctx.store.timezone)
    on = f"{entry.recorded_at:%Y-%m-%d}"
    figures = [
        figure("paperless", "无纸化办公", "Paperless office", "yes" if data["paperless"] else "no", "", on, source),
        figure(
            "office_system",
            "覆盖全业务的办公系统",
            "Office system for all business",
            data.get("system_name") or ("yes" if data["office_system"] else "no"),
            "",
            on,
            source,
        ),
    ]
    score = rules.score_m1(bool(data["paperless"]), bool(data["office_system"]))
    return result("M1", score, figures + _note(entry, on), status="recorded")
