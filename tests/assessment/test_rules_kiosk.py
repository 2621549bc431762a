"""C1 智能导购: boundaries of the rule (placement, online, a guide function in use)."""

from __future__ import annotations

import pytest

from store.assessment.rules_kiosk import C1_MAX, KioskFacts, score_c1

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def kiosk(*, entrance: bool = True, online: bool = True, functions: tuple[str, ...] = ("floor_guide",)) -> KioskFacts:
    return KioskFacts("K", entrance, online, frozenset(functions))


class TestC1:
    def test_one_kiosk_at_an_entrance_online_and_used_earns_full_marks(self):
        points, rule, missing = score_c1([kiosk()])
        assert points == C1_MAX and missing == "" and "楼层导览" in rule

    def test_no_kiosk_earns_nothing(self):
        points, _rule, missing = score_c1([])
        assert points == 0 and "主要出入口" in missing

    def test_a_kiosk_away_from_the_entrances_does_not_count(self):
        assert score_c1([kiosk(entrance=False)])[0] == 0

    def test_an_offline_kiosk_does_not_count(self):
        points, _rule, missing = score_c1([kiosk(online=False)])
        assert points == 0 and "heartbeat" in missing

    def test_heartbeats_alone_are_not_use(self):
        points, _rule, missing = score_c1([kiosk(functions=()), kiosk(functions=("home",))])
        assert points == 0 and "recorded use" in missing

    def test_one_good_kiosk_among_bad_ones_is_enough(self):
        assert score_c1([kiosk(online=False), kiosk(entrance=False), kiosk(functions=("coupon",))])[0] == C1_MAX
