"""S2 e-membership, the pure rule at every boundary."""

from __future__ import annotations

import pytest

from store.assessment.rules_members import score_s2

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestS2:
    def test_no_members_scores_zero_and_says_what_is_missing(self):
        points, _rule, missing = score_s2(0, 0, ["profile"])
        assert points == 0 and "sign up members" in missing

    def test_members_who_never_used_the_card_score_zero(self):
        points, rule, _missing = score_s2(200, 0, ["profile", "orders"])
        assert points == 0 and "none used the e-card" in rule

    def test_one_card_user_and_one_function_score_five(self):
        points, rule, missing = score_s2(1, 1, ["profile"])
        assert (points, missing) == (5, "") and "member profile" in rule

    def test_a_card_without_functions_scores_zero(self):
        assert score_s2(10, 3, [])[0] == 0

    @pytest.mark.parametrize(("members", "users", "functions"), [(-1, 0, []), (1, 2, []), (3, 1, ["coupons"])])
    def test_impossible_inputs_are_refused(self, members, users, functions):
        with pytest.raises(ValueError):
            score_s2(members, users, functions)
