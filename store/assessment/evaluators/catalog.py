"""S6 同品同质同价, measured from the catalogue's price books by the parity report's rule."""

from __future__ import annotations

from store.assessment import rules_catalog
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.assessment.rules import pct
from store.catalog import parity
from store.clock import day_bounds_utc

SOURCE = "catalog_price、catalog_promotion：分渠道价格簿与促销 / price books per channel and promotions"


# S6 同品同质同价
def evaluate_s6(ctx: EvalContext) -> IndicatorResult:
    """SKUs in parity over the period (never a different effective price online and offline) over SKUs on sale."""
    period, tz = ctx.period, ctx.store.timezone
    start = day_bounds_utc(period.start, tz)[0]
    end = max(start, min(day_bounds_utc(period.end, tz)[1], ctx.now))
    found = parity.report(ctx.session, ctx.store_id, start, end)
    days = period.days_label
    figures = [
        figure("skus_in_parity", "线上线下同价SKU", "SKUs in parity", found.total.in_parity, "SKUs", days, SOURCE),
        figure("skus_on_sale", "在售SKU", "SKUs on sale", found.total.counted, "SKUs", days, SOURCE),
        figure("skus_drifted", "价格漂移SKU", "Drifted SKUs", len(found.drifted), "SKUs", days, SOURCE),
        figure(
            "skus_one_channel",
            "仅单渠道在售SKU",
            "SKUs on one channel only",
            found.statuses["offline_only"] + found.statuses["online_only"],
            "SKUs",
            days,
            SOURCE,
        ),
    ]
    if found.total.counted:
        share = pct(found.total.fraction, avoid=[rules_catalog.S6_THRESHOLD])
        figures.append(figure("parity_share", "同价占比", "Parity share", share, "", days, SOURCE))
    reading = f"{parity.RULE_ZH} / {parity.RULE_EN}"
    return result("S6", rules_catalog.score_s6(found.total.in_parity, found.total.counted), figures, reading=reading)
