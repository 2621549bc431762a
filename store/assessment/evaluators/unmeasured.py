"""Indicators the product cannot measure yet: 0 points, and which module will earn them."""

from __future__ import annotations

from collections.abc import Callable

from store.assessment.evaluators.context import EvalContext, result
from store.assessment.report import IndicatorResult

NOT_MEASURED_RULE = "尚未测量 → 0 分 / not measured yet → 0 pts"

# id → (module zh, module en): the capability that will earn the indicator once it lands.
PENDING: dict[str, tuple[str, str]] = {}


def not_measured(indicator: str) -> Callable[[EvalContext], IndicatorResult]:
    """An evaluator that reports ``indicator`` as not measured yet."""
    zh, en = PENDING[indicator]

    def evaluate(ctx: EvalContext) -> IndicatorResult:
        missing = f"尚未测量：{zh} / not measured yet: {en}"
        return result(indicator, (0, NOT_MEASURED_RULE, missing), [], status="not_measured")

    evaluate.__name__ = f"evaluate_{indicator.lower()}"
    return evaluate
