"""Indicators the product cannot measure yet: 0 points, and which module will earn them."""

from __future__ import annotations

from collections.abc import Callable

from store.assessment.evaluators.context import EvalContext, result
from store.assessment.report import IndicatorResult

NOT_MEASURED_RULE = "尚未测量 → 0 分 / not measured yet → 0 pts"

# id → (module zh, module en): the capability that will earn the indicator once it lands.
PENDING: dict[str, tuple[str, str]] = {
    "C4": ("设施模块：自助租借设施及归还记录", "facilities module: self-service rentals with return tracking"),
    "C5": ("停车模块：找车、无感支付、扫码缴费", "parking module: find-my-car, contactless and QR payment"),
}


def not_measured(indicator: str) -> Callable[[EvalContext], IndicatorResult]:
    """An evaluator that reports ``indicator`` as not measured yet."""
    zh, en = PENDING[indicator]

    def evaluate(ctx: EvalContext) -> IndicatorResult:
        missing = f"尚未测量：{zh} / not measured yet: {en}"
        return result(indicator, (0, NOT_MEASURED_RULE, missing), [], status="not_measured")

    evaluate.__name__ = f"evaluate_{indicator.lower()}"
    return evaluate
