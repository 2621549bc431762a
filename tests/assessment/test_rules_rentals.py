"""C4 智能自助服务设施: boundaries of the rule (a kind is live with one use, one point each, max 5)."""

from __future__ import annotations

import pytest

from store.assessment.rules_rentals import C4_MAX, C4_NAMES, score_c4

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestC4:
    def test_no_use_earns_nothing_and_names_every_kind(self):
        points, rule, missing = score_c4({})
        assert points == 0 and "→ 0 分" in rule and all(zh in missing for zh, _ in C4_NAMES.values())

    def test_zero_uses_is_not_live(self):
        assert score_c4({"wheelchair": 0})[0] == 0

    def test_one_use_makes_a_kind_live(self):
        points, rule, missing = score_c4({"wheelchair": 1})
        assert points == 1 and "轮椅" in rule and "轮椅" not in missing

    def test_four_kinds_earn_four(self):
        points, _rule, missing = score_c4({k: 3 for k in list(C4_NAMES)[:4]})
        assert points == 4 and "自助租借" in missing

    def test_all_five_kinds_earn_full_marks(self):
        points, rule, missing = score_c4({k: 1 for k in C4_NAMES})
        assert points == C4_MAX == 5 and missing == "" and "max 5" in rule

    def test_unknown_kinds_do_not_count(self):
        assert score_c4({"parking": 9, "locker": 9})[0] == 0
