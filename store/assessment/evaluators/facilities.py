"""Indicators measured from the facilities domain and the platform's own activity: F1 (from the coverage
surveys), F5 智能运维设施, C3 互动体验, M1 智能办公 and M3 综合管理平台.

Each row says whether it is measured (from live data) or recorded (attested in the evidence register).
"Reporting" and "in use" look at the last LIVE_DAYS days of the period (a device installed and then
switched off earns nothing); F1 uses the newest survey of every zone on or before the period's end.
"""

from __future__ import annotations

from datetime import timedelta

from store.assessment import rules, rules_ops
from store.assessment.evaluators import evidence
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.models import EvidenceIndicator
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.facilities import integration
from store.facilities import service as facilities_service
from store.premises import service as premises_service

LIVE_DAYS = 30


def _window(ctx: EvalContext):  # type: ignore[no-untyped-def]
    first = max(ctx.period.start, ctx.period.end - timedelta(days=LIVE_DAYS - 1))
    return first, ctx.period.end


def _window_label(ctx: EvalContext) -> str:
    first, last = _window(ctx)
    return f"{first}..{last}"


# F1 网络通信设施
def evaluate_f1(ctx: EvalContext) -> IndicatorResult:
    """WiFi and 5G coverage from the newest survey of every zone; the evidence register when none was taken."""
    surveys = facilities_service.latest_surveys(ctx.session, ctx.store_id, until=ctx.period.end)
    if not surveys:
        return evidence.evaluate_f1(ctx)
    zones = {z.id: z.code for z in premises_service.list_zones(ctx.session, ctx.store_id)}
    rows = [
        rules_ops.zone_survey(
            zones[zone_id],
            wifi_dbm=s.wifi_dbm,
            wifi_mbps=s.wifi_mbps,
            g5_dbm=s.g5_dbm,
            g5_mbps=s.g5_mbps,
            other_signal=s.other_signal,
        )
        for zone_id, s in surveys.items()
        if zone_id in zones
    ]
    oldest = min(s.surveyed_on for s in surveys.values())
    on = f"{oldest}..{max(s.surveyed_on for s in surveys.values())}"
    source = "facility_survey 覆盖测试 / coverage surveys (admin, survey-app CSV)"
    figures = [
        figure("zones", "门店区域", "Zones of the store", len(zones), "zones", on, "premises 区域档案 / zone register"),
        figure("zones_surveyed", "已测试区域", "Zones surveyed", len(rows), "zones", on, source),
        figure("zones_wifi", "WiFi 覆盖区域", "Zones with WiFi", sum(r.wifi for r in rows), "zones", on, source),
        figure("zones_5g", "5G 覆盖区域", "Zones with 5G", sum(r.g5 for r in rows), "zones", on, source),
        figure(
            "zones_stable",
            "信号稳定区域",
            "Zones with stable signal",
            sum(r.wifi_stable and r.g5_stable for r in rows),
            "zones",
            on,
            source,
        ),
        figure("oldest_survey", "最早的最新测试", "Oldest latest survey", str(oldest), "", on, source),
    ]
    return result("F1", rules.score_f1(rows, len(zones)), figures, reading=rules_ops.F1_READING)


# F5 智能运维设施
def evaluate_f5(ctx: EvalContext) -> IndicatorResult:
    """O&M devices (smart power, IP broadcast, energy / air / electrical monitors) that reported over MQTT."""
    first, last = _window(ctx)
    reporting = facilities_service.kinds_reporting(ctx.session, ctx.store_id, first, last)
    label, source = _window_label(ctx), "facility_device_day (MQTT)"
    figures = [
        figure(f"reporting_{kind}", zh, en, reporting.get(kind, 0), "devices", label, source)
        for kind, (zh, en) in rules_ops.OM_NAMES.items()
    ]
    return result("F5", rules_ops.score_f5(reporting), figures)


# C3 互动体验
def evaluate_c3(ctx: EvalContext) -> IndicatorResult:
    """Interactive device kinds with usage events (mirror sessions, shelf interactions)."""
    first, last = _window(ctx)
    usage = facilities_service.usage_by_kind(ctx.session, ctx.store_id, ctx.store.timezone, first, last)
    label, source = _window_label(ctx), "facility_usage (MQTT)"
    figures = [
        figure(f"usage_{kind}", zh, en, usage.get(kind, 0), "events", label, source)
        for kind, (zh, en) in rules_ops.INTERACTIVE_NAMES.items()
    ]
    return result("C3", rules_ops.score_c3(usage), figures)


def _activity(ctx: EvalContext, sources: tuple[integration.Source, ...]) -> list[rules_ops.SourceActivity]:
    first, last = _window(ctx)
    since, until = day_bounds_utc(first, ctx.store.timezone)[0], day_bounds_utc(last, ctx.store.timezone)[1]
    counts = integration.activity(ctx.session, ctx.store_id, sources, since, until)
    return [rules_ops.SourceActivity(s.key, s.zh, s.en, counts[s.key]) for s in sources]


def _activity_figures(ctx: EvalContext, rows: list[rules_ops.SourceActivity]) -> list:  # type: ignore[type-arg]
    label = _window_label(ctx)
    return [
        figure(
            r.key,
            r.zh,
            r.en,
            r.rows if r.rows is not None else "not in this build",
            "rows",
            label,
            "integration.MODULES / WORKFLOWS" if r.rows is not None else "模块未上线 / module not built yet",
        )
        for r in rows
    ]


# M3 综合管理平台
def evaluate_m3(ctx: EvalContext) -> IndicatorResult:
    """Integrated modules that received data in the window (footfall, POS, merchants, members, supply chain,
    safety and emergency)."""
    rows = _activity(ctx, integration.MODULES)
    return result("M3", rules_ops.score_m3(rows), _activity_figures(ctx, rows))


# M1 智能办公
def evaluate_m1(ctx: EvalContext) -> IndicatorResult:
    """Paperless workflows used in the system (measured), and the evidence register for what a person attests."""
    rows = _activity(ctx, integration.WORKFLOWS)
    entry = evidence._latest(ctx, EvidenceIndicator.M1)
    paperless = bool(entry and entry.payload.get("paperless"))
    office = bool(entry and entry.payload.get("office_system"))
    figures = _activity_figures(ctx, rows)
    if entry is not None:
        on, source = f"{entry.recorded_at:%Y-%m-%d}", evidence._source(entry, ctx.store.timezone)
        figures.append(
            figure(
                "office_system",
                "覆盖全业务的办公系统（登记）",
                "Office system for all business (attested)",
                entry.payload.get("system_name") or ("yes" if office else "no"),
                "",
                on,
                source,
            )
        )
    measured = any(r.rows for r in rows)
    status = "measured" if measured else ("recorded" if entry is not None else "not_measured")
    return result("M1", rules_ops.score_m1(rows, paperless, office), figures, status=status)
