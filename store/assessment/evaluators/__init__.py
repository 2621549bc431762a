"""One evaluator per Annex 4 indicator (ids as in ANNEX4.md): ``EVALUATORS[id](ctx) -> IndicatorResult``.

Indicators the product cannot measure yet are registered as "not measured yet" with the module that will
earn them; a later issue replaces that entry with its evaluator and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable

from store.assessment.evaluators.analytics import evaluate_s10
from store.assessment.evaluators.bonus import evaluate_b1, evaluate_b2, evaluate_b3, evaluate_b4
from store.assessment.evaluators.catalog import evaluate_s6
from store.assessment.evaluators.context import EvalContext, Period
from store.assessment.evaluators.credit import evaluate_s9
from store.assessment.evaluators.evidence import evaluate_f3
from store.assessment.evaluators.facilities import evaluate_c3, evaluate_f1, evaluate_f5, evaluate_m1, evaluate_m3
from store.assessment.evaluators.kiosk import evaluate_c1
from store.assessment.evaluators.marketing import evaluate_s1, evaluate_s3
from store.assessment.evaluators.members import evaluate_s2
from store.assessment.evaluators.omni import evaluate_s7, evaluate_s8
from store.assessment.evaluators.operations import evaluate_m2
from store.assessment.evaluators.parking import evaluate_c5
from store.assessment.evaluators.patrol import evaluate_f2, evaluate_f4, evaluate_m4
from store.assessment.evaluators.rentals import evaluate_c4
from store.assessment.evaluators.trade import evaluate_c2, evaluate_s4, evaluate_s5
from store.assessment.evaluators.unmeasured import PENDING, not_measured
from store.assessment.report import INDICATORS, IndicatorResult

Evaluator = Callable[[EvalContext], IndicatorResult]

MEASURED: dict[str, Evaluator] = {
    "F1": evaluate_f1,
    "F3": evaluate_f3,
    "S2": evaluate_s2,
    "F5": evaluate_f5,  # facilities (issue 17)
    "C3": evaluate_c3,  # facilities (issue 17)
    "M3": evaluate_m3,  # facilities (issue 17)
    "M2": evaluate_m2,  # operations part (issue 17); the analytics areas plug into operations.AREAS
    "S4": evaluate_s4,
    "S5": evaluate_s5,
    "C2": evaluate_c2,
    "M1": evaluate_m1,
    "B1": evaluate_b1,
    "B2": evaluate_b2,
    "B3": evaluate_b3,
    "B4": evaluate_b4,
    "S6": evaluate_s6,  # catalog
    "S9": evaluate_s9,
    "F2": evaluate_f2,
    "F4": evaluate_f4,
    "M4": evaluate_m4,
    "S7": evaluate_s7,
    "S8": evaluate_s8,
    "C1": evaluate_c1,  # kiosk (issue 14)
    "S1": evaluate_s1,  # marketing (issue 16)
    "S3": evaluate_s3,  # marketing (issue 16)
    "C5": evaluate_c5,  # parking (issue 14)
    "C4": evaluate_c4,  # rentals (issue 14)
    "S10": evaluate_s10,  # analytics (issue 16)
}
# In the catalogue's order F1..F5, S1..S10, C1..C5, M1..M4, B1..B4.
EVALUATORS: dict[str, Evaluator] = {
    spec.id: MEASURED[spec.id] if spec.id in MEASURED else not_measured(spec.id) for spec in INDICATORS
}
assert set(EVALUATORS) == set(MEASURED) | set(PENDING), "every indicator needs an evaluator or a pending reason"

__all__ = ["EVALUATORS", "EvalContext", "Evaluator", "Period"]
