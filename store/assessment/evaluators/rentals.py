"""C4 智能自助服务设施 measured from store/rentals: rentals by member code and the stations' device usage."""

from __future__ import annotations

from datetime import timedelta

from store.assessment import rules_rentals
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.rentals import service as rentals_service

LIVE_DAYS = 30


# C4 智能自助服务设施
def evaluate_c4(ctx: EvalContext) -> IndicatorResult:
    """Self-service kinds used in the last 30 days of the period (rentals, charging and vending devices)."""
    first = max(ctx.period.start, ctx.period.end - timedelta(days=LIVE_DAYS - 1))
    since = day_bounds_utc(first, ctx.store.timezone)[0]
    until = day_bounds_utc(ctx.period.end, ctx.store.timezone)[1]
    uses = rentals_service.usage_by_kind(ctx.session, ctx.store_id, since, until)
    label, source = f"{first}..{ctx.period.end}", "rental (会员码租借 / member-code rentals), facility_usage (MQTT)"
    figures = [
        figure(f"uses_{kind}", zh, en, uses.get(kind, 0), "uses", label, source)
        for kind, (zh, en) in rules_rentals.C4_NAMES.items()
    ]
    return result("C4", rules_rentals.score_c4(uses), figures, reading=rules_rentals.C4_READING)
