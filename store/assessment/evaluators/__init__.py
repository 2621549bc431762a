"""One evaluator per Annex 4 indicator (ids as in ANNEX4.md): ``EVALUATORS[id](ctx) -> IndicatorResult``.

Indicators the product cannot measure yet are registered as "not measured yet" with the module that will
earn them; a later issue replaces that entry with its evaluator and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable

from store.assessment.evaluators.bonus import evaluate_b1, evaluate_b2, evaluate_b3, evaluate_b4
from store.assessment.evaluators.context import EvalContext, Period
from store.assessment.evaluators.evidence import evaluate_f1, evaluate_f3, evaluate_m1
from store.assessment.evaluators.omni import evaluate_s7, evaluate_s8
from store.assessment.evaluators.trade import evaluate_c2, evaluate_s4, evaluate_s5
from store.assessment.evaluators.unmeasured import PENDING, not_measured
from store.assessment.report import INDICATORS, IndicatorResult

Evaluator = Callable[[EvalContext], IndicatorResult]

MEASURED: dict[str, Evaluator] = {
    "F1": evaluate_f1,
    "F3": evaluate_f3,
    "S4": evaluate_s4,
    "S5": evaluate_s5,
    "C2": evaluate_c2,
    "M1": evaluate_m1,
    "B1": evaluate_b1,
    "B2": evaluate_b2,
    "B3": evaluate_b3,
    "B4": evaluate_b4,
    "S7": evaluate_s7,
    "S8": evaluate_s8,
}
# In the catalogue's order F1..F5, S1..S10, C1..C5, M1..M4, B1..B4.
EVALUATORS: dict[str, Evaluator] = {
    spec.id: MEASURED[spec.id] if spec.id in MEASURED else not_measured(spec.id) for spec in INDICATORS
}
assert set(EVALUATORS) == set(MEASURED) | set(PENDING), "every indicator needs an evaluator or a pending reason"

__all__ = ["EVALUATORS", "EvalContext", "Evaluator", "Period"]
