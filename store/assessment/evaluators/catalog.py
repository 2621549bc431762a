"""S6 同品同质同价, measured from the catalogue's price books by the parity report's rule."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from fractions import Fraction

from store.assessment import rules_catalog, snapshots
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
    found = totals(ctx, start, end)
    days = period.days_label
    figures = [
        figure("skus_in_parity", "线上线下同价SKU", "SKUs in parity", found.in_parity, "SKUs", days, SOURCE),
        figure("skus_on_sale", "在售SKU", "SKUs on sale", found.counted, "SKUs", days, SOURCE),
        figure("skus_drifted", "价格漂移SKU", "Drifted SKUs", found.drifted, "SKUs", days, SOURCE),
        figure(
            "skus_one_channel", "仅单渠道在售SKU", "SKUs on one channel only", found.one_channel, "SKUs", days, SOURCE
        ),
    ]
    if found.counted:
        share = pct(Fraction(found.in_parity, found.counted), avoid=[rules_catalog.S6_THRESHOLD])
        figures.append(figure("parity_share", "同价占比", "Parity share", share, "", days, SOURCE))
    reading = f"{parity.RULE_ZH} / {parity.RULE_EN}"
    return result("S6", rules_catalog.score_s6(found.in_parity, found.counted), figures, reading=reading)


def totals(ctx: EvalContext, start: datetime, end: datetime) -> parity.Totals:
    """The parity report's counts over ``[start, end)``, from the snapshot kept per catalogue version (the
    report walks every SKU's books: seconds on a department store's 60,000 SKUs)."""
    session, store_id = ctx.session, ctx.store_id
    payload = snapshots.cached(
        session,
        store_id,
        "S6",
        start=start,
        end=end,
        now=ctx.now,
        version=parity.data_version(session, store_id),
        compute=lambda: asdict(parity.Totals.of(parity.report(session, store_id, start, end))),
        valid_until=lambda at: parity.stable_until(session, store_id, at),
    )
    return parity.Totals(**payload)
