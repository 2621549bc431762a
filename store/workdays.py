"""The official working-day calendar of the PRC (国务院办公厅 holiday notices), with its 调休 make-up days.

Make-up working days (weekends worked to bridge a holiday) cannot be derived from any rule, so the
notices are written down here year by year: ``HOLIDAYS`` are the days off of each holiday (weekends inside
them included) and ``MAKE_UP_DAYS`` the weekend days worked. A year without a published notice is read
by the plain rule (Monday to Friday work) and :func:`is_published` says so, so callers can tell a user.

Sources: 国办发明电〔2023〕7号 (2024), 国办发明电〔2024〕12号 (2025), 国办发明电〔2025〕7号 (2026);
checked against the ``chinesecalendar`` 1.11.0 package's table. The 2027 notice was not yet published
when this table was written: add its lines when it is.
"""

from __future__ import annotations

from datetime import date, timedelta


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# (first day off, last day off, name) per holiday, as the notice lists them.
_HOLIDAY_SPANS: tuple[tuple[date, date, str], ...] = (
    (date(2024, 1, 1), date(2024, 1, 1), "元旦"),
    (date(2024, 2, 10), date(2024, 2, 17), "春节"),
    (date(2024, 4, 4), date(2024, 4, 6), "清明节"),
    (date(2024, 5, 1), date(2024, 5, 5), "劳动节"),
    (date(2024, 6, 10), date(2024, 6, 10), "端午节"),
    (date(2024, 9, 15), date(2024, 9, 17), "中秋节"),
    (date(2024, 10, 1), date(2024, 10, 7), "国庆节"),
    (date(2025, 1, 1), date(2025, 1, 1), "元旦"),
    (date(2025, 1, 28), date(2025, 2, 4), "春节"),
    (date(2025, 4, 4), date(2025, 4, 6), "清明节"),
    (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
    (date(2025, 5, 31), date(2025, 6, 2), "端午节"),
    (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
)
HOLIDAYS: dict[date, str] = {day: name for first, last, name in _HOLIDAY_SPANS for day in _span(first, last)}
# Weekend days worked (调休上班).
MAKE_UP_DAYS: frozenset[date] = frozenset(
    {
        date(2024, 2, 4),
        date(2024, 2, 18),
        date(2024, 4, 7),
        date(2024, 4, 28),
        date(2024, 5, 11),
        date(2024, 9, 14),
        date(2024, 9, 29),
        date(2024, 10, 12),
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)
PUBLISHED_YEARS: frozenset[int] = frozenset({2024, 2025, 2026})


def is_published(year: int) -> bool:
    """Whether the official notice of ``year`` is in the table (else weekends are the only days off)."""
    return year in PUBLISHED_YEARS


def is_working_day(day: date) -> bool:
    """A working day: a make-up day, or a Monday–Friday that is no official holiday."""
    if day in MAKE_UP_DAYS:
        return True
    return day.weekday() < 5 and day not in HOLIDAYS


def next_working_day(day: date) -> date:
    """The first working day after ``day``."""
    following = day + timedelta(days=1)
    while not is_working_day(following):
        following += timedelta(days=1)
    return following


def holiday_name(day: date) -> str | None:
    """The official holiday ``day`` belongs to, if any."""
    return HOLIDAYS.get(day)
