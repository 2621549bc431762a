"""Indicators earned by the cameras: F2 smart sensing, F4 smart security, M4 video patrol."""

from __future__ import annotations

from datetime import timedelta

from store.assessment import rules_patrol
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.facilities import service as facilities_service
from store.facilities.models import FacilityKind
from store.patrol import service as patrol_service
from store.premises import service as premises_service

NOW = "截至评估时 / at assessment time"


# F2 智能感知设施
def evaluate_f2(ctx: EvalContext) -> IndicatorResult:
    """Every entrance has a camera online now whose counts reached the store in the last day, or a sensor or
    camera of the facilities register in that zone reporting over MQTT now (issue 17: sensors count too)."""
    entrances, reporting, silent = patrol_service.entrances_reporting(ctx.session, ctx.store_id, ctx.now)
    if silent:
        live = facilities_service.zones_with_live_devices(
            ctx.session, ctx.store_id, ctx.now, (FacilityKind.sensor, FacilityKind.camera)
        )
        codes = {z.code for z in premises_service.list_zones(ctx.session, ctx.store_id) if z.id in live}
        rescued = [code for code in silent if code in codes]
        reporting, silent = reporting + len(rescued), [code for code in silent if code not in codes]
    source = (
        "camera 状态 + footfall_count（摄像头上报）、facility_device 传感器（MQTT）/ camera status + counts posted by "
        "camera nodes, facilities sensors reporting over MQTT"
    )
    figures = [
        figure("entrances", "入口区域", "Entrance zones", entrances, "zones", NOW, "premises 区域档案 / zone register"),
        figure(
            "entrances_reporting", "在线并上报的入口", "Entrances online and reporting", reporting, "zones", NOW, source
        ),
        figure(
            "entrances_silent", "未上报的入口", "Entrances not reporting", ", ".join(silent) or None, "", NOW, source
        ),
    ]
    return result("F2", rules_patrol.score_f2(entrances, reporting), figures)


# F4 智能安防管理
def evaluate_f4(ctx: EvalContext) -> IndicatorResult:
    """Cameras online (video surveillance) and footfall counted by them in the period (flow monitoring)."""
    online = patrol_service.cameras_online_since(ctx.session, ctx.store_id, ctx.now - timedelta(days=1))
    counted = patrol_service.camera_counted_intervals(ctx.session, ctx.store_id, ctx.period.start, ctx.period.end)
    figures = [
        figure(
            "cameras_online", "近一日在线摄像头", "Cameras online in the last day", online, "cameras", NOW, "camera"
        ),
        figure(
            "camera_intervals",
            "摄像头计数时段",
            "Intervals counted by cameras",
            counted,
            "intervals",
            ctx.period.days_label,
            "footfall_count（device_id 非空 / posted by camera nodes）",
        ),
    ]
    return result("F4", rules_patrol.score_f4(online, counted), figures)


# M4 巡检管理
def evaluate_m4(ctx: EvalContext) -> IndicatorResult:
    """A scheduled video patrol route and rounds run in the period (the patrol log)."""
    tz = ctx.store.timezone
    start, end = day_bounds_utc(ctx.period.start, tz)[0], day_bounds_utc(ctx.period.end, tz)[1]
    scheduled, finished = patrol_service.patrol_figures(ctx.session, ctx.store_id, start, end)
    figures = [
        figure("routes_scheduled", "定时巡检路线", "Scheduled patrol routes", scheduled, "routes", NOW, "patrol_route"),
        figure(
            "rounds_finished",
            "完成巡检轮次",
            "Patrol rounds run",
            finished,
            "rounds",
            ctx.period.days_label,
            "patrol_round",
        ),
    ]
    return result("M4", rules_patrol.score_m4(scheduled, finished), figures)
