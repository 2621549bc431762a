"""Alert rules (hysteresis, on-delay) and energy-meter deltas: the pure functions, every boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.facilities import meter, thresholds
from store.facilities.thresholds import Phase

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
CO2 = thresholds.RULES["co2_ppm"]


def _run(values: list[float], every: timedelta = timedelta(minutes=1)) -> tuple[int, int, Phase]:
    phase, since, raised, cleared = Phase.idle, None, 0, 0
    for i, value in enumerate(values):
        step = thresholds.step(CO2, phase, since, value, T0 + i * every)
        phase, since = step.phase, step.since
        raised += step.raise_now
        cleared += step.clear_now
    return raised, cleared, phase


class TestCo2Alert:
    def test_exactly_1000_ppm_is_within_the_standard(self):
        assert _run([1000] * 30) == (0, 0, Phase.idle)

    def test_hovering_at_the_limit_for_half_an_hour_raises_one_alert(self):
        hover = [990 + (i * 7) % 21 for i in range(30)]  # 990..1010, crossing the limit again and again
        raised, cleared, phase = _run([1010] * 6 + hover)
        assert (raised, cleared, phase) == (1, 0, Phase.active)

    def test_crossing_the_limit_without_staying_over_raises_nothing(self):
        assert _run([990 + (i * 7) % 21 for i in range(30)])[0] == 0

    def test_a_short_peak_within_the_on_delay_raises_nothing(self):
        assert _run([1200, 1200, 1200, 1200, 900]) == (0, 0, Phase.idle)

    def test_the_alert_raises_when_the_on_delay_has_run_exactly(self):
        raised, _, phase = _run([1200] * 5)  # 0..4 minutes: not yet
        assert (raised, phase) == (0, Phase.pending)
        raised, _, phase = _run([1200] * 6)  # the 6th value is 5 minutes after the first
        assert (raised, phase) == (1, Phase.active)

    def test_a_value_inside_the_hysteresis_band_keeps_the_alert(self):
        raised, cleared, phase = _run([1200] * 6 + [951, 960])
        assert (raised, cleared, phase) == (1, 0, Phase.active)

    def test_at_the_clear_level_the_alert_clears(self):
        raised, cleared, phase = _run([1200] * 6 + [950])
        assert (raised, cleared, phase) == (1, 1, Phase.idle)

    def test_leakage_current_raises_at_once(self):
        step = thresholds.step(thresholds.RULES["leak_ma"], Phase.idle, None, 31, T0)
        assert step.raise_now and step.phase is Phase.active


class TestMeter:
    def test_first_reading_books_nothing(self):
        assert meter.step(None, 1000.0, T0).use_kwh == 0

    def test_use_is_the_difference(self):
        step = meter.step((1000.0, T0), 1012.5, T0 + timedelta(hours=1))
        assert (step.event, step.use_kwh) == (meter.MeterEvent.use, 12.5)

    def test_a_reset_books_only_what_was_used_since(self):
        step = meter.step((98_000.0, T0), 3.0, T0 + timedelta(hours=1))
        assert (step.event, step.use_kwh, step.reference) == (
            meter.MeterEvent.reset,
            3.0,
            (3.0, T0 + timedelta(hours=1)),
        )

    def test_a_reset_boundary_at_5_kwh_is_a_reset_above_is_a_glitch(self):
        at = T0 + timedelta(hours=1)
        assert meter.step((98_000.0, T0), 5.0, at).event is meter.MeterEvent.reset
        assert meter.step((98_000.0, T0), 5.1, at).event is meter.MeterEvent.glitch

    def test_a_dip_books_nothing_and_keeps_the_reference(self):
        step = meter.step((98_000.0, T0), 97_990.0, T0 + timedelta(minutes=15))
        assert (step.event, step.use_kwh, step.reference) == (meter.MeterEvent.glitch, 0.0, None)

    def test_a_jump_beyond_the_meters_power_is_a_glitch(self):
        hour = T0 + timedelta(hours=1)
        assert meter.step((1000.0, T0), 1000.0 + meter.MAX_KW, hour).event is meter.MeterEvent.use
        assert meter.step((1000.0, T0), 1000.1 + meter.MAX_KW, hour).event is meter.MeterEvent.glitch

    def test_a_late_reading_books_nothing(self):
        assert meter.step((1000.0, T0), 999.0, T0 - timedelta(minutes=1)).event is meter.MeterEvent.late
