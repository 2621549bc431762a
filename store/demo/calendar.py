"""The shape of trade over the year: weekdays, Chinese holidays and the smart-upgrade uplift."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

# 春节 first day of the lunar year (the demo covers these years).
SPRING_FESTIVAL = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
}
WEEKDAY_SHAPE = (0.82, 0.80, 0.84, 0.88, 1.02, 1.38, 1.30)  # Monday .. Sunday


def holiday(day: date) -> str | None:
    """The holiday or shopping festival ``day`` belongs to, if any."""
    festival = SPRING_FESTIVAL.get(day.year)
    if festival and -7 <= (day - festival).days <= 6:
        return "spring_festival"
    if day.month == 5 and day.day <= 5:
        return "may_day"
    if day.month == 6 and 12 <= day.day <= 18:
        return "618"
    if day.month == 10 and day.day <= 7:
        return "national_day"
    if day.month == 11 and 8 <= day.day <= 11:
        return "double_11"
    return None


_HOLIDAY_LIFT = {"spring_festival": 1.55, "may_day": 1.6, "618": 1.35, "national_day": 1.75, "double_11": 1.45}


@dataclass(frozen=True)
class DemoCalendar:
    """Multiplies a base daily volume; after ``upgrade_on`` trade grows by ``uplift`` over ~3 months."""

    upgrade_on: date
    uplift: float = 0.14

    def factor(self, day: date) -> float:
        """Relative volume of ``day`` (about 1.0 on an ordinary weekday before the upgrade)."""
        base = WEEKDAY_SHAPE[day.weekday()]
        name = holiday(day)
        if name == "spring_festival":
            festival = SPRING_FESTIVAL[day.year]
            # Shopping before the new year, quiet on its first days.
            base *= _HOLIDAY_LIFT[name] if day < festival else (0.6 if (day - festival).days < 3 else 1.2)
        elif name:
            base *= _HOLIDAY_LIFT[name]
        season = 1.0 + 0.06 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.0)
        return base * season * self.upgrade_lift(day)

    def upgrade_lift(self, day: date) -> float:
        if day < self.upgrade_on:
            return 1.0
        ramp = min(1.0, (day - self.upgrade_on).days / 90)
        return 1.0 + self.uplift * ramp

    def is_upgraded(self, day: date) -> bool:
        return day >= self.upgrade_on
