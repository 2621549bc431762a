"""The official working-day calendar of the PRC (国务院办公厅 holiday notices), with its 调休 make-up days.

Make-up working days (weekends worked to bridge a holiday) cannot be derived from any rule, so the notices
are data: ``store/workdays_cn.txt`` (bundled; its format is in its header) lists each published year's days
off (``HOLIDAYS``, weekends inside them included) and weekend days worked (``MAKE_UP_DAYS``). A year without a
published notice is read by the plain rule (Monday to Friday work) and :func:`is_published` says so, so callers
can tell a user (the delivery promise carries it).

The notice for the next year comes out each November or December; a store adds it without waiting for a
release by writing its lines into the file ``SMARTSTORE_WORKDAYS_FILE`` names (same format; a year that file
gives a ``notice`` line replaces the bundled entries of that year) and restarting.

Bundled: 国办发明电〔2023〕7号 (2024), 〔2024〕12号 (2025), 〔2025〕7号 (2026), checked against the
``chinesecalendar`` 1.11.0 package's table and the published text of the 2026 notice (2025-11-04). The 2027
notice could not be found in any source checked when this was written (2026-11-30): 2027 falls back to the
plain rule until its lines are added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

BUNDLED = Path(__file__).with_name("workdays_cn.txt")


class WorkdaysFileError(ValueError):
    """A calendar file line that cannot be read (its file and line number are in the message)."""


@dataclass
class Calendar:
    holidays: dict[date, str] = field(default_factory=dict)
    make_up_days: set[date] = field(default_factory=set)
    notices: dict[int, str] = field(default_factory=dict)  # year → the notice's document number


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _entries(path: Path) -> list[tuple[int, str, list[str]]]:
    found = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        found.append((number, kind, rest.split(maxsplit=2 if kind == "holiday" else 1)))
    return found


def parse(path: Path) -> Calendar:
    """Read one calendar file; a malformed line is a :class:`WorkdaysFileError` naming it."""
    calendar = Calendar()
    for number, kind, fields in _entries(path):
        try:
            if kind == "notice":
                calendar.notices[int(fields[0])] = fields[1] if len(fields) > 1 else ""
            elif kind == "holiday":
                first, last = date.fromisoformat(fields[0]), date.fromisoformat(fields[1])
                if last < first:
                    raise ValueError(f"{last} is before {first}")
                for day in _span(first, last):
                    calendar.holidays[day] = fields[2] if len(fields) > 2 else ""
            elif kind == "workday":
                day = date.fromisoformat(fields[0])
                if day.weekday() < 5:
                    raise ValueError(f"{day} is a weekday: only a weekend day is worked to make up")
                calendar.make_up_days.add(day)
            else:
                raise ValueError(f"unknown entry {kind!r} (notice, holiday or workday)")
        except (ValueError, IndexError) as exc:
            raise WorkdaysFileError(f"{path}:{number}: {exc}") from None
    return calendar


def load(extra: Path | None = None) -> Calendar:
    """The bundled calendar, with the years of ``extra`` (a newer notice) replacing those it names."""
    calendar = parse(BUNDLED)
    if extra is None:
        return calendar
    newer = parse(extra)
    years = set(newer.notices)
    calendar.holidays = {d: n for d, n in calendar.holidays.items() if d.year not in years} | newer.holidays
    calendar.make_up_days = {d for d in calendar.make_up_days if d.year not in years} | newer.make_up_days
    calendar.notices.update(newer.notices)
    return calendar


HOLIDAYS: dict[date, str] = {}
MAKE_UP_DAYS: frozenset[date] = frozenset()
PUBLISHED_YEARS: frozenset[int] = frozenset()


def reload(extra: Path | str | None = None) -> None:
    """Read the calendar again: ``extra``, else the file ``SMARTSTORE_WORKDAYS_FILE`` names (if any)."""
    global HOLIDAYS, MAKE_UP_DAYS, PUBLISHED_YEARS
    if extra is None:
        from store.config import get_settings

        extra = get_settings().workdays_file or None
    calendar = load(Path(extra) if extra else None)
    HOLIDAYS = calendar.holidays
    MAKE_UP_DAYS = frozenset(calendar.make_up_days)
    PUBLISHED_YEARS = frozenset(calendar.notices)


reload()


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
