"""The delivery promise fixed at placement: the store's cut-off and the official working days (调休)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from store.delivery import promise
from store.delivery.schemas import DeliveryLevel

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

TZ = "Asia/Shanghai"
CUTOFF = time(14, 0)


def local(*args: int) -> datetime:
    """A Shanghai wall-clock time, aware."""
    return datetime(*args, tzinfo=ZoneInfo(TZ))


class TestCutOff:
    def test_one_minute_before_the_cut_off_is_promised_the_same_day(self):
        p = promise.make(local(2026, 3, 4, 13, 59), TZ, CUTOFF)
        assert p.level == DeliveryLevel.same_day
        assert p.promised_by == local(2026, 3, 5, 0, 0)

    def test_at_the_cut_off_itself_it_is_next_day(self):
        p = promise.make(local(2026, 3, 4, 14, 0), TZ, CUTOFF)
        assert p.level == DeliveryLevel.next_day
        assert p.promised_by == p.next_day_by == local(2026, 3, 6, 0, 0)

    def test_a_customer_may_ask_for_next_day_before_the_cut_off(self):
        assert promise.make(local(2026, 3, 4, 9, 0), TZ, CUTOFF, DeliveryLevel.next_day).level == DeliveryLevel.next_day

    def test_asking_for_same_day_after_the_cut_off_gets_next_day(self):
        p = promise.make(local(2026, 3, 4, 15, 0), TZ, CUTOFF, DeliveryLevel.same_day)
        assert p.level == DeliveryLevel.next_day


class TestWorkingDays:
    def test_friday_after_the_cut_off_is_due_on_monday(self):
        p = promise.make(local(2026, 3, 6, 16, 0), TZ, CUTOFF)
        assert p.promised_by == local(2026, 3, 10, 0, 0)  # end of Monday 9 March

    def test_a_make_up_saturday_takes_same_day_orders(self):
        p = promise.make(local(2026, 2, 14, 10, 0), TZ, CUTOFF)  # 调休 working Saturday
        assert p.level == DeliveryLevel.same_day

    def test_an_order_in_the_spring_festival_is_due_on_the_first_working_day_after_it(self):
        p = promise.make(local(2026, 2, 16, 10, 0), TZ, CUTOFF)
        assert p.level == DeliveryLevel.next_day
        assert p.promised_by == local(2026, 2, 25, 0, 0)  # end of Tuesday 24 February

    def test_the_day_before_a_make_up_saturday_is_due_that_saturday(self):
        p = promise.make(local(2026, 10, 9, 18, 0), TZ, CUTOFF)
        assert p.promised_by == local(2026, 10, 11, 0, 0)

    @pytest.mark.parametrize(("year", "published"), [(2026, True), (2027, False)])
    def test_the_promise_says_whether_the_years_notice_was_known(self, year, published):
        assert promise.make(local(year, 3, 3, 10, 0), TZ, CUTOFF).calendar_published is published
