"""Energy meters send cumulative totals; the use between two readings is computed here.

A total below the previous one is a reset (meter replaced, register rolled over) only when the new
total is near zero: the use since the reset is the new total itself, and the continuity is kept by
taking the new total as the reference. Any other dip is a glitch (a bad frame, a device that came back
with a stale register): it books nothing and the previous reference stays. A jump larger than the
meter could physically draw in the elapsed time (``MAX_KW``) is a glitch too. So a day's use is never
the meter's lifetime total (Home Assistant core#55565, the research note's pitfall 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

RESET_NEAR_ZERO_KWH = 5.0  # a new total at or below this after a drop reads as a reset
MAX_KW = 2000.0  # a store-wide main meter of 2 MW; more than that between readings is a glitch


class MeterEvent(StrEnum):
    first = "first"  # no reference yet: nothing booked
    use = "use"
    reset = "reset"
    glitch = "glitch"
    late = "late"  # older than the reference: history only, nothing booked


@dataclass(frozen=True)
class MeterStep:
    event: MeterEvent
    use_kwh: float  # booked as use at the new reading's time (0 for first, glitch, late)
    reference: tuple[float, datetime] | None  # the new reference (total, time); None keeps the old one


def step(previous: tuple[float, datetime] | None, total: float, at: datetime) -> MeterStep:
    """What a new cumulative ``total`` read ``at`` books, given the previous accepted reading."""
    if previous is None:
        return MeterStep(MeterEvent.first, 0.0, (total, at))
    last_total, last_at = previous
    if at <= last_at:
        return MeterStep(MeterEvent.late, 0.0, None)
    if total < last_total:
        if total <= RESET_NEAR_ZERO_KWH:
            return MeterStep(MeterEvent.reset, total, (total, at))
        return MeterStep(MeterEvent.glitch, 0.0, None)
    delta = total - last_total
    hours = (at - last_at).total_seconds() / 3600
    if delta > MAX_KW * hours:
        return MeterStep(MeterEvent.glitch, 0.0, None)
    return MeterStep(MeterEvent.use, delta, (total, at))
