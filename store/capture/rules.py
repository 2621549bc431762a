"""The rules of receipt capture as pure functions: template health, trading-hours silence, receipt-number gaps,
reconciliation flags (boundary tests: tests/capture/test_rules.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

HEALTHY = 80  # a template reading receipts at or above this mean score is healthy
DROPPED = 60  # a recent mean below this, after a healthy stretch, raises "health dropped"
HEALTH_WINDOW = 10  # receipts in the recent window (and in the one before it)
USUAL_SHARE = 0.5  # an hour is usual when receipts came in it on at least half of the days with receipts
SILENCE = timedelta(minutes=60)  # no receipt for this long in a usual trading hour: "silent while trading"
HEARTBEAT_LOST = timedelta(minutes=5)  # no heartbeat for this long: the box is off, unplugged or cut off
RECONCILE_TOLERANCE = 0.02  # tills, captured and declared turnover may differ by 2 % (rounding, timing)
_NUMBER = re.compile(r"^(.*?)(\d+)$")


def mean(scores: Iterable[int]) -> int | None:
    values = list(scores)
    return round(sum(values) / len(values)) if values else None


def health_dropped(scores: list[int]) -> bool:
    """``scores`` oldest first: the last window's mean fell below 60 while the window before was healthy."""
    if len(scores) < 2 * HEALTH_WINDOW:
        return False
    recent, before = scores[-HEALTH_WINDOW:], scores[-2 * HEALTH_WINDOW : -HEALTH_WINDOW]
    return (mean(recent) or 0) < DROPPED and (mean(before) or 0) >= HEALTHY


def usual_hours(local_times: Iterable[datetime]) -> set[int]:
    """Hours of the day (0–23) in which the shop printed receipts on at least half of its days with receipts."""
    days_by_hour: dict[int, set[date]] = defaultdict(set)
    days: set[date] = set()
    for moment in local_times:
        days_by_hour[moment.hour].add(moment.date())
        days.add(moment.date())
    if len(days) < 3:  # too little history to know the shop's hours
        return set()
    return {hour for hour, seen in days_by_hour.items() if len(seen) >= USUAL_SHARE * len(days)}


def silent_while_trading(now_local: datetime, last_job_local: datetime | None, usual: set[int]) -> bool:
    """No receipt for :data:`SILENCE` although this hour and the one before are the shop's usual trading hours."""
    if now_local.hour not in usual or (now_local - SILENCE).hour not in usual:
        return False
    return last_job_local is None or now_local - last_job_local >= SILENCE


@dataclass(frozen=True)
class Gaps:
    """A till's receipt numbers on one day: seen ÷ range (max − min + 1), and the numbers missing."""

    seen: int
    span: int
    missing: list[str]

    @property
    def coverage(self) -> float:
        return self.seen / self.span if self.span else 1.0


def receipt_gaps(receipt_nos: Iterable[str], *, shown: int = 20) -> Gaps:
    """Numbers are read as a prefix and a trailing counter; each prefix (a till) is its own sequence."""
    by_prefix: dict[str, dict[int, str]] = defaultdict(dict)
    for number in receipt_nos:
        found = _NUMBER.match(number.strip())
        if found:
            by_prefix[found.group(1)][int(found.group(2))] = found.group(2)
    seen = span = 0
    missing: list[str] = []
    for prefix, numbers in sorted(by_prefix.items()):
        low, high = min(numbers), max(numbers)
        width = len(numbers[low])
        seen += len(numbers)
        span += high - low + 1
        for n in range(low, high + 1):
            if n not in numbers and len(missing) < shown:
                missing.append(f"{prefix}{n:0{width}d}")
    return Gaps(seen, span, missing)


def differs(a: int, b: int) -> bool:
    """Whether two turnover figures disagree by more than the tolerance (of the larger)."""
    return abs(a - b) > RECONCILE_TOLERANCE * max(abs(a), abs(b))
