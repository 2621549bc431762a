"""C5 智能停车: boundaries of the rule (gates, stays in the window, a smart function in use)."""

from __future__ import annotations

import pytest

from store.assessment.rules_parking import C5_MAX, ParkingFacts, score_c5

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def facts(*, gates: int = 2, stays: int = 1, finds: int = 0, qr: int = 0) -> ParkingFacts:
    return ParkingFacts(gates, stays, finds, qr)


class TestC5:
    def test_one_find_earns_full_marks(self):
        points, rule, missing = score_c5(facts(finds=1))
        assert points == C5_MAX and missing == "" and "反向寻车" in rule

    def test_one_qr_payment_earns_full_marks(self):
        points, rule, _missing = score_c5(facts(qr=1))
        assert points == C5_MAX and "QR self-pay" in rule

    def test_no_gates_earn_nothing(self):
        points, _rule, missing = score_c5(facts(gates=0, stays=0, finds=3, qr=3))
        assert points == 0 and "gates" in missing

    def test_gates_without_stays_in_the_window_earn_nothing(self):
        points, _rule, missing = score_c5(facts(stays=0, finds=1, qr=1))
        assert points == 0 and "no stays" in missing

    def test_stays_without_a_smart_function_earn_nothing(self):
        points, _rule, missing = score_c5(facts(finds=0, qr=0))
        assert points == 0 and "recorded use" in missing

    def test_one_gate_one_stay_one_use_is_the_boundary(self):
        assert score_c5(facts(gates=1, stays=1, finds=1))[0] == C5_MAX
