"""Metrics a reading may carry, their plausible ranges, and the alert rules with hysteresis and on-delay.

Defaults follow the indoor air standard GB/T 18883-2022 (CO₂ ≤ 0.10 % = 1000 ppm, PM2.5 ≤ 50 µg/m³
(0.05 mg/m³), HCHO ≤ 0.08 mg/m³, summer temperature ≤ 28 °C) and, for electrical faults, the 30 mA
residual current of a personal-protection RCD. A rule raises only after the value stayed over ``limit``
for ``on_delay`` and clears only when it falls to ``clear_at`` or below, so a value hovering at the
limit raises one alert, not a storm. ``step`` is pure: the state it reads and returns is persisted in
``facility_alert`` (a restart during the on-delay keeps the timer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# metric → (lowest, highest) plausible value; outside it a reading is refused as out of range.
METRICS: dict[str, tuple[float, float]] = {
    "co2_ppm": (0, 10_000),
    "pm25_ugm3": (0, 2_000),
    "hcho_mgm3": (0, 10),
    "temp_c": (-40, 85),
    "humidity_pct": (0, 100),
    "power_w": (0, 2_000_000),
    "energy_kwh": (0, 1_000_000_000),  # a meter's cumulative register
    "energy_use_kwh": (0, 1_000_000),  # derived: use since the previous reading (never sent by a device)
    "current_a": (0, 5_000),
    "voltage_v": (0, 1_000),
    "leak_ma": (0, 10_000),  # residual (leakage) current
    "signal_dbm": (-140, 0),
}
DERIVED = {"energy_use_kwh"}


@dataclass(frozen=True)
class Rule:
    metric: str
    limit: float  # over this (strictly) counts as over the limit: exactly 1000 ppm is within GB/T 18883
    clear_at: float  # at or below this the alert clears (hysteresis band limit - clear_at)
    on_delay: timedelta
    zh: str
    en: str


RULES: dict[str, Rule] = {
    r.metric: r
    for r in (
        Rule("co2_ppm", 1000, 950, timedelta(minutes=5), "二氧化碳超标", "CO₂ above limit"),
        Rule("pm25_ugm3", 50, 45, timedelta(minutes=10), "PM2.5 超标", "PM2.5 above limit"),
        Rule("hcho_mgm3", 0.08, 0.07, timedelta(minutes=10), "甲醛超标", "formaldehyde above limit"),
        Rule("temp_c", 28, 27, timedelta(minutes=10), "温度过高", "temperature too high"),
        Rule("leak_ma", 30, 15, timedelta(0), "漏电流超限（电气故障）", "leakage current (electrical fault)"),
    )
}
SILENT = "silent"  # the rule name of a device that stopped reporting
UNCONFIRMED = "unconfirmed"  # the rule name of a device that did not confirm a command sent to it
# A device answers a command on its ``ack`` topic; one left unanswered this long raises an alert (a load
# switched from the admin that may not have switched: someone has to go and look).
COMMAND_ACK_TIMEOUT = timedelta(seconds=60)


class Phase(StrEnum):
    idle = "idle"
    pending = "pending"
    active = "active"


@dataclass(frozen=True)
class AlertStep:
    """What one value does to a rule's state: the new phase, and whether to raise or clear an alert now."""

    phase: Phase
    since: datetime | None  # first over the limit (pending and active)
    raise_now: bool = False
    clear_now: bool = False


def step(rule: Rule, phase: Phase, since: datetime | None, value: float, at: datetime) -> AlertStep:
    """The next state of ``rule`` after ``value`` measured ``at``."""
    over = value > rule.limit
    if phase is Phase.idle:
        if not over:
            return AlertStep(Phase.idle, None)
        if rule.on_delay <= timedelta(0):
            return AlertStep(Phase.active, at, raise_now=True)
        return AlertStep(Phase.pending, at)
    if phase is Phase.pending:
        assert since is not None
        if not over:
            return AlertStep(Phase.idle, None)  # back within the limit before the delay ran out: nothing raised
        if at - since >= rule.on_delay:
            return AlertStep(Phase.active, since, raise_now=True)
        return AlertStep(Phase.pending, since)
    if value <= rule.clear_at:
        return AlertStep(Phase.idle, None, clear_now=True)
    return AlertStep(Phase.active, since)  # inside the hysteresis band or still over: stays raised


def out_of_range(metric: str, value: float) -> bool:
    low, high = METRICS[metric]
    return not (low <= value <= high)
