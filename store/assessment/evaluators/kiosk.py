"""C1 智能导购 measured from the guide kiosks: placement, heartbeats and function use (wayfinding)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from store.assessment import rules_kiosk
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.wayfinding import service as wayfinding_service

LIVE_DAYS = 30


# C1 智能导购
def evaluate_c1(ctx: EvalContext) -> IndicatorResult:
    """Kiosks at the main entrances with heartbeats and guide functions used in the last 30 days of the period."""
    first = max(ctx.period.start, ctx.period.end - timedelta(days=LIVE_DAYS - 1))
    since = day_bounds_utc(first, ctx.store.timezone)[0]
    until = day_bounds_utc(ctx.period.end, ctx.store.timezone)[1]
    kiosks = wayfinding_service.list_kiosks(ctx.session, ctx.store_id)
    usage = wayfinding_service.usage(ctx.session, ctx.store_id, since, until)
    empty: Counter[str] = Counter()
    facts = [
        rules_kiosk.KioskFacts(
            k.code,
            k.at_main_entrance,
            usage.get(k.id, empty)["heartbeat"] > 0,
            frozenset(f for f, n in usage.get(k.id, empty).items() if n > 0 and f != "heartbeat"),
        )
        for k in kiosks
    ]
    label, source = f"{first}..{ctx.period.end}", "wayfinding_kiosk, wayfinding_kiosk_event"
    totals = {f: sum(c.get(f, 0) for c in usage.values()) for f in rules_kiosk.C1_FUNCTIONS}
    figures = [
        figure("kiosks", "导购屏", "Guide kiosks", len(kiosks), "kiosks", label, source),
        figure(
            "at_entrance",
            "位于主要出入口",
            "At main entrances",
            sum(f.at_main_entrance for f in facts),
            "kiosks",
            label,
            source,
        ),
        figure(
            "online",
            "有心跳（在线）",
            "With heartbeats (online)",
            sum(f.online for f in facts),
            "kiosks",
            label,
            source,
        ),
    ] + [
        figure(f"uses_{f}", zh, en, totals[f], "uses", label, source)
        for f, (zh, en) in rules_kiosk.C1_FUNCTIONS.items()
    ]
    return result("C1", rules_kiosk.score_c1(facts), figures, reading=rules_kiosk.C1_READING)
