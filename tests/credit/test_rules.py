"""The credit score rules (store.credit.rules): every rule, the ratings' boundaries, the clamps, the look-back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from store.credit import rules
from store.credit.rules import ComplaintFact, Facts, InspectionFact, PermitFact

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

TODAY = date(2026, 6, 30)


def _score(**kwargs) -> rules.CreditScore:
    return rules.compute(Facts(today=TODAY, **kwargs))


def _complaint(n: int = 1, *, upheld=True, overdue=False, satisfaction=None, days_ago=10) -> ComplaintFact:
    return ComplaintFact(n, TODAY - timedelta(days=days_ago), upheld, overdue, satisfaction)


class TestRatings:
    @pytest.mark.parametrize(
        ("score", "rating"),
        [(100, "A"), (90, "A"), (89, "B"), (75, "B"), (74, "C"), (60, "C"), (59, "D"), (0, "D")],
    )
    def test_each_rating_includes_its_lower_boundary(self, score, rating):
        assert rules.rating_of(score) == rating

    def test_a_shop_with_nothing_against_it_has_full_marks(self):
        assert _score() == rules.CreditScore(100, "A", ())


class TestComplaints:
    def test_an_upheld_complaint_costs_three_points_and_names_its_record(self):
        scored = _score(complaints=[_complaint(7)])
        assert scored.score == 97
        assert [(r.rule, r.points, r.record_kind, r.record_id) for r in scored.reasons] == [
            ("complaint_upheld", -3, "complaint", 7)
        ]

    def test_a_rejected_complaint_costs_nothing(self):
        assert _score(complaints=[_complaint(upheld=False)]).score == 100

    def test_an_overdue_complaint_costs_six_even_when_later_rejected_on_time_is_not_the_case(self):
        assert _score(complaints=[_complaint(overdue=True, upheld=False)]).score == 94

    def test_an_overdue_upheld_complaint_costs_six_not_nine(self):
        assert _score(complaints=[_complaint(overdue=True)]).score == 94

    @pytest.mark.parametrize(("satisfaction", "score"), [(5, 98), (4, 98), (3, 97), (None, 97)])
    def test_a_satisfied_complainant_gives_one_point_back_from_four_up(self, satisfaction, score):
        assert _score(complaints=[_complaint(satisfaction=satisfaction)]).score == score

    def test_a_satisfied_rating_of_a_rejected_complaint_gives_nothing(self):
        assert _score(complaints=[_complaint(upheld=False, satisfaction=5)]).score == 100

    @pytest.mark.parametrize(("days_ago", "score"), [(365, 97), (366, 100)])
    def test_complaints_count_for_a_year_the_boundary_day_included(self, days_ago, score):
        assert _score(complaints=[_complaint(days_ago=days_ago)]).score == score


class TestInspectionsPermitsRentSales:
    def test_a_failed_inspection_costs_ten(self):
        scored = _score(inspections=[InspectionFact(3, TODAY, False), InspectionFact(4, TODAY, True)])
        assert scored.score == 90 and scored.rating == "A"
        assert scored.reasons[0].record_id == 3

    @pytest.mark.parametrize(("expires", "score"), [(TODAY, 100), (TODAY - timedelta(days=1), 85)])
    def test_a_permit_costs_fifteen_from_the_day_after_it_expires(self, expires, score):
        assert _score(permits=[PermitFact(1, "JY1", expires)]).score == score

    @pytest.mark.parametrize(("months", "score"), [(0, 100), (1, 98), (5, 90), (9, 90)])
    def test_late_rent_costs_two_a_month_five_months_at_most(self, months, score):
        assert _score(rent_late_months=months).score == score

    @pytest.mark.parametrize(("days", "score"), [(None, 100), (20, 100), (19, 95), (0, 95)])
    def test_till_sales_on_fewer_than_seventy_percent_of_28_days_cost_five(self, days, score):
        # 70 % of 28 days is 19.6: 20 days pass, 19 do not; a shop without till data is not judged.
        assert _score(days_with_sales=days).score == score

    def test_the_score_never_goes_below_zero(self):
        failed = [InspectionFact(n, TODAY, False) for n in range(12)]
        scored = _score(inspections=failed)
        assert scored.score == 0 and scored.rating == "D"
        assert sum(r.points for r in scored.reasons) == -120  # every reason still listed


class TestRulesInOnePlace:
    def test_every_reason_comes_from_a_published_rule(self):
        scored = _score(
            complaints=[_complaint(1, satisfaction=5), _complaint(2, overdue=True)],
            inspections=[InspectionFact(3, TODAY, False)],
            permits=[PermitFact(4, "JY", TODAY - timedelta(days=3))],
            rent_late_months=1,
            days_with_sales=3,
        )
        assert {r.rule for r in scored.reasons} <= set(rules.RULES_BY_KEY)
        assert scored.score == 100 - 3 + 1 - 6 - 10 - 15 - 2 - 5
