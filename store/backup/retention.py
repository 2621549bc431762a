"""Which backups to keep: the newest ``daily`` backups, plus the newest backup of each of the last
``weekly`` ISO weeks and of each of the last ``monthly`` months (grandfather-father-son; the research
note's 7 daily, 4 weekly, 12 monthly). Weeks and months are read in ``tz``. Pure: times in, indices out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo


def _newest_per(times: Sequence[datetime], key: Callable[[datetime], Hashable], periods: int) -> set[int]:
    """Indices of the newest backup in each of the newest ``periods`` distinct periods."""
    chosen: dict[Hashable, int] = {}
    for index in sorted(range(len(times)), key=lambda i: times[i], reverse=True):
        period = key(times[index])
        if period not in chosen:
            if len(chosen) == periods:
                break
            chosen[period] = index
    return set(chosen.values())


def to_keep(times: Sequence[datetime], *, daily: int, weekly: int = 0, monthly: int = 0, tz: str = "UTC") -> set[int]:
    """Indices into ``times`` (when each backup was taken) of the backups the retention keeps."""
    zone = ZoneInfo(tz)
    newest_first = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    keep = set(newest_first[:daily])
    keep |= _newest_per(times, lambda t: t.astimezone(zone).isocalendar()[:2], weekly)
    keep |= _newest_per(times, lambda t: (t.astimezone(zone).year, t.astimezone(zone).month), monthly)
    return keep
