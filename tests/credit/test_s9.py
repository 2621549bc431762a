"""S9 信用信息服务: the pure rule at its boundaries, and the evaluator reading scores, scans and referrals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.assessment.credit_rules import S9Facts, score_s9
from store.assessment.evaluators import EVALUATORS
from store.assessment.evaluators.context import EvalContext, Period
from store.clock import business_day, utcnow
from store.credit import codes, service
from tests.factories.credit import credit_world


def _facts(**kwargs) -> S9Facts:
    values = {"open_shops": 3, "scored_shops": 3, "missing_codes": [], "services_with_referrals": 1}
    return S9Facts(**{**values, **kwargs})


class TestScoreS9:
    def test_everything_in_place_earns_five(self):
        points, rule, missing = score_s9(_facts())
        assert (points, missing) == (5, "")
        assert "= 5 分" in rule

    def test_one_shop_unscored_loses_the_credit_system_points(self):
        points, _rule, missing = score_s9(_facts(scored_shops=2))
        assert points == 3 and "评分" in missing

    def test_one_shop_without_a_valid_code_loses_two_and_is_named(self):
        points, _rule, missing = score_s9(_facts(missing_codes=["2F-002（无扫描 / no scan）"]))
        assert points == 3
        assert "2F-002" in missing

    @pytest.mark.parametrize(("services", "points"), [(0, 4), (1, 5), (2, 5)])
    def test_one_service_with_referrals_is_enough(self, services, points):
        assert score_s9(_facts(services_with_referrals=services))[0] == points

    def test_no_open_shops_earns_nothing_for_shops(self):
        assert score_s9(_facts(open_shops=0, scored_shops=0, services_with_referrals=0))[0] == 0

    def test_a_long_missing_list_is_cut_with_a_count(self):
        missing = [f"S{n}" for n in range(15)]
        assert "+5" in score_s9(_facts(missing_codes=missing))[2]


def _context(session, store) -> EvalContext:
    today = business_day(utcnow(), store.timezone)
    first = today.replace(day=1)
    return EvalContext(session, store, Period(first, first, first, today, today), utcnow())


class TestEvaluator:
    def test_scans_not_a_tick_box_decide_the_qr_points(self, session):
        world = credit_world(session)
        store_id = world.store.id
        service.recompute_all(session, store_id)
        ref = service.add_service(session, store_id, kind="loan", partner="某银行", name="信用贷")
        service.refer(
            session,
            store_id,
            service_id=ref.id,
            shop_id=world.shop.id,
            referred_on=_context(session, world.store).period.end,
        )
        result = EVALUATORS["S9"](_context(session, world.store))
        assert result.points == 3  # codes printed, but no patrol has scanned them
        assert "2F-001" in result.missing and "2F-002" in result.missing

        current = codes.current_codes(session, store_id)
        codes.record_scan(session, store_id, at_shop_id=world.shop.id, code=current[world.shop.id].code, by="guard")
        codes.record_scan(
            session, store_id, at_shop_id=world.neighbour.id, code=current[world.shop.id].code, by="guard"
        )
        result = EVALUATORS["S9"](_context(session, world.store))
        assert result.points == 3 and "2F-002" in result.missing and "2F-001" not in result.missing
        assert "码被移位" in result.missing

        codes.record_scan(
            session, store_id, at_shop_id=world.neighbour.id, code=current[world.neighbour.id].code, by="guard"
        )
        result = EVALUATORS["S9"](_context(session, world.store))
        assert (result.points, result.missing) == (5, "")

    def test_a_scan_older_than_thirty_days_no_longer_counts(self, session):
        world = credit_world(session)
        store_id = world.store.id
        service.recompute_all(session, store_id)
        old = utcnow() - timedelta(days=31)
        for shop in (world.shop, world.neighbour):
            code = codes.current_codes(session, store_id)[shop.id].code
            codes.record_scan(session, store_id, at_shop_id=shop.id, code=code, by="guard", now=old)
        result = EVALUATORS["S9"](_context(session, world.store))
        assert result.points == 2  # the scores only: both codes count as not scanned
        assert "2F-001（无扫描" in result.missing and "2F-002（无扫描" in result.missing
