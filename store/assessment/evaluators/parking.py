"""C5 智能停车 measured from the car park: stays from gate reads, find-my-car lookups, QR payments (parking)."""

from __future__ import annotations

from datetime import timedelta

from store.assessment import rules_parking
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.parking import service as parking_service

LIVE_DAYS = 30


# C5 智能停车
def evaluate_c5(ctx: EvalContext) -> IndicatorResult:
    """Gates with stays, and find-my-car or QR self-pay used, in the last 30 days of the period."""
    first = max(ctx.period.start, ctx.period.end - timedelta(days=LIVE_DAYS - 1))
    since = day_bounds_utc(first, ctx.store.timezone)[0]
    until = day_bounds_utc(ctx.period.end, ctx.store.timezone)[1]
    used = parking_service.usage(ctx.session, ctx.store_id, since, until)
    facts = rules_parking.ParkingFacts(used.gates, used.sessions, used.finds, used.qr_payments)
    label = f"{first}..{ctx.period.end}"
    figures = [
        figure("gates", "道闸", "Gates", used.gates, "gates", label, "parking_gate"),
        figure("stays", "停车记录", "Stays", used.sessions, "stays", label, "parking_session"),
        figure("finds", "反向寻车（找到）", "Find-my-car (found)", used.finds, "lookups", label, "parking_lookup"),
        figure("qr_payments", "扫码缴费", "QR payments", used.qr_payments, "payments", label, "payment_order"),
    ]
    return result("C5", rules_parking.score_c5(facts), figures, reading=rules_parking.C5_READING)
