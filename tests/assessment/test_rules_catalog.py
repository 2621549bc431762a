"""S6 同品同质同价: ≥ 30 % of SKUs in parity → 3, below → 1, nothing on sale → 0; every boundary."""

from __future__ import annotations

import pytest

from store.assessment.report import INDICATORS
from store.assessment.rules_catalog import score_s6

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestParityShare:
    def test_s6_is_worth_three_points(self) -> None:
        assert {s.id: s.maximum for s in INDICATORS}["S6"] == 3

    def test_exactly_thirty_percent_earns_three_and_says_the_higher_branch(self) -> None:
        points, rule, missing = score_s6(30, 100)
        assert (points, missing) == (3, "")
        assert "30.0% ≥ 30%" in rule and "取高档" in rule and "1259" in rule

    def test_just_below_thirty_percent_earns_one_and_does_not_print_thirty(self) -> None:
        points, rule, missing = score_s6(29_999, 100_000)
        assert points == 1
        assert "29.999% < 30%" in rule
        assert "29999/100000" in missing

    def test_a_third_in_parity_earns_three(self) -> None:
        points, rule, _ = score_s6(1, 3)
        assert points == 3 and rule.startswith("同品同质同价SKU占比 33.3% ≥ 30%")

    def test_none_in_parity_earns_one(self) -> None:
        assert score_s6(0, 10)[0] == 1

    def test_all_in_parity_earns_three(self) -> None:
        assert score_s6(10, 10)[0] == 3

    def test_nothing_on_sale_earns_zero_with_what_to_do(self) -> None:
        points, rule, missing = score_s6(0, 0)
        assert points == 0 and "no SKU on sale" in rule and "price book" in missing

    def test_more_in_parity_than_on_sale_is_refused(self) -> None:
        with pytest.raises(ValueError):
            score_s6(11, 10)
