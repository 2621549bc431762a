"""Formatting at the edge for the manager pages: growth arrows, month ranges from forms, and the KPI
service's period errors in the page's language. Money and numbers are formatted by :mod:`store.formats`
(Babel), the one set of formatters the pages, downloads and reports share; the names here keep the
pages' calls short."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from admin.i18n import N_, gettext
from store import formats
from store.clock import month_key
from store.kpi.errors import PeriodError
from store.kpi.periods import add_months, month_end, parse_month


def yuan(fen: int | float | None, *, decimals: int = 2, locale: str = "zh_CN") -> str:
    """Fen as '¥1,234.50' (or '¥1,235' with decimals=0); None as a dash (:func:`store.formats.yuan`)."""
    return formats.yuan(fen, locale, decimals=decimals)


def yuan_short(fen: int | float | None, locale: str) -> str:
    """A card-sized amount: '¥1,249.18万' (or '¥1.25亿') from 10万 up in Chinese, '¥12.49M' from 1M up in
    English; smaller amounts exactly as :func:`yuan`. Pages put the exact amount in a title beside it."""
    return formats.yuan_compact(fen, locale)


def yuan_plain(fen: int | float | None) -> Decimal | None:
    """Fen as a Decimal number of yuan with 2 decimals (for CSV/XLSX cells)."""
    return formats.yuan_amount(fen)


def number(value: int | float | None, *, decimals: int = 0) -> str:
    """Thousands separators; None as a dash."""
    return formats.number(value, decimals=decimals)


def share(value: float | None) -> str:
    """A ratio (0.123) as '12.3%'; None as a dash."""
    return formats.share(value)


@dataclass(frozen=True)
class Growth:
    """A growth ratio ready for display: text, arrow and colour class."""

    text: str
    arrow: str
    css: str


def places_off_marks(value: Any, places: int, marks: tuple[Any, ...], *, most: int) -> int:
    """Decimals enough that rounding ``value`` does not land on a mark it is not (the bonus rules' 5 %
    and 0 %): 4.9996 % never reads as 5.0 %. At most ``most``."""
    while places < most and any(value != mark and round(value, places) == mark for mark in marks):
        places += 1
    return places


def growth(value: float | None) -> Growth:
    """+12.3% ▲ up (green), -4.0% ▼ down (red), or a dash when there is no baseline. Near the 5 % the bonus
    rules use (and near 0 %) more decimals are shown, so +4.9996 % never reads as +5.0 %."""
    if value is None:
        return Growth("—", "", "flat")
    places = places_off_marks(value * 100, 1, (5.0, 0.0), most=6)
    text = formats.signed_percent(value, decimals=places)
    if value > 0:
        return Growth(text, "▲", "up")
    if value < 0:
        return Growth(text, "▼", "down")
    return Growth("0.0%", "■", "flat")


def growth_of(row: Any, field: str) -> float | None:
    """The ``*_growth`` attribute of a KPI row for ``field`` (``revenue_fen`` → ``revenue_growth``)."""
    for name in (f"{field}_growth", f"{field.removesuffix('_fen')}_growth"):
        if hasattr(row, name):
            return getattr(row, name)
    return None


# --- months from forms --------------------------------------------------------------------------


# The KPI service's period error codes (store.kpi.errors) as page texts, and the names it gives periods.
PERIOD_TEXTS = {
    "reversed": N_("The %(name)s runs backwards: %(start)s is after %(end)s."),
    "bad_month": N_("The %(name)s must be a month written YYYY-MM (e.g. 2026-01), not “%(text)s”."),
    "bad_day": N_("The %(name)s must be a month (YYYY-MM) or a day (YYYY-MM-DD), not “%(text)s”."),
    "after_today": N_("The period starts on %(start)s, after today (%(today)s): there are no figures yet."),
    "both_baseline_ends": N_("Give both ends of the baseline, or neither."),
    "too_many_days": N_("A daily series covers at most %(limit)s days: choose a monthly view."),
    "empty": N_("Choose the first and the last month of the %(name)s."),
    "in_future": N_("The %(name)s %(start)s – %(end)s lies in the future: there is nothing to assess yet."),
    "both_baseline_months": N_("Give both baseline months, or neither."),
    "baseline_after_upgrade": N_(
        "The baseline %(start)s – %(end)s must end before the smart-upgrade month %(upgrade)s."
    ),
}
PERIOD_NAMES = {
    "range": N_("period"),
    "period": N_("period"),
    "baseline": N_("baseline"),
    "month": N_("month"),
    "day": N_("day"),
    "start month": N_("start month"),
    "end month": N_("end month"),
    "report period": N_("report period"),
    "period start (--from)": N_("first month"),
    "period end (--to)": N_("last month"),
    "baseline start (--baseline-from)": N_("first baseline month"),
    "baseline end (--baseline-to)": N_("last baseline month"),
}


def period_message(exc: PeriodError, locale: str) -> str:
    """A period error in the page's language, by its code (an unknown code keeps the English message)."""
    text = PERIOD_TEXTS.get(exc.code)
    if text is None:
        return gettext(exc.message, locale)
    params = dict(exc.params)
    if "name" in params:
        params["name"] = gettext(PERIOD_NAMES.get(params["name"], params["name"]), locale)
    return gettext(text, locale) % params


@dataclass(frozen=True)
class MonthRange:
    """A range of whole months as the forms carry it."""

    start: date  # first day of the first month
    end: date  # first day of the last month

    @property
    def first_day(self) -> date:
        return self.start

    @property
    def last_day(self) -> date:
        return month_end(self.end)

    @property
    def from_text(self) -> str:
        return month_key(self.start)

    @property
    def to_text(self) -> str:
        return month_key(self.end)

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def shifted(self, months: int) -> MonthRange:
        """The same range ``months`` later (negative: earlier)."""
        return MonthRange(add_months(self.start, months), add_months(self.end, months))


def last_full_months(today: date, count: int) -> MonthRange:
    """The ``count`` whole months that ended before ``today``'s month."""
    this_month = today.replace(day=1)
    return MonthRange(add_months(this_month, -count), add_months(this_month, -1))


def month_range(from_text: str | None, to_text: str | None, default: MonthRange, *, name: str = "period") -> MonthRange:
    """The range a form asked for (blank fields take the default); a bad month or reversed → PeriodError."""
    start = parse_month(from_text, name=name) if from_text else default.start
    end = parse_month(to_text, name=name) if to_text else default.end
    if end < start:
        raise PeriodError("reversed", name=name, start=month_key(start), end=month_key(end))
    return MonthRange(start, end)


@dataclass(frozen=True)
class DayRange:
    """A range of days as the KPI form carries it: whole months are read and written as ``YYYY-MM``,
    any other range as ``YYYY-MM-DD`` (the date-range picker)."""

    first_day: date
    last_day: date

    @property
    def whole_months(self) -> bool:
        return self.first_day.day == 1 and self.last_day == month_end(self.last_day)

    @property
    def from_text(self) -> str:
        return month_key(self.first_day) if self.whole_months else self.first_day.isoformat()

    @property
    def to_text(self) -> str:
        return month_key(self.last_day) if self.whole_months else self.last_day.isoformat()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def shifted_days(self, days: int) -> DayRange:
        """The same weekdays ``days`` later (negative: earlier)."""
        step = timedelta(days=days)
        return DayRange(self.first_day + step, self.last_day + step)

    def shifted_months(self, months: int) -> DayRange:
        """The same calendar days ``months`` later (negative: earlier); a month's last day stays its last
        day, and a day the other month lacks (31st, 29 February) becomes that month's last."""
        return DayRange(_shift_day(self.first_day, months), _shift_day(self.last_day, months, end=True))

    @classmethod
    def of_months(cls, months: MonthRange) -> DayRange:
        return cls(months.first_day, months.last_day)


def _shift_day(day: date, months: int, *, end: bool = False) -> date:
    first = add_months(day.replace(day=1), months)
    last = month_end(first)
    if end and day == month_end(day):
        return last
    return min(first + timedelta(days=day.day - 1), last)


def _day_of(text: str, *, end: bool, name: str) -> date:
    text = text.strip()
    if len(text) == 7:  # YYYY-MM: the month's first day, or its last for the range's end
        first = parse_month(text, name=name)
        return month_end(first) if end else first
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PeriodError("bad_day", name=name, text=text) from None
    if len(text) != 10 or day.year < 1900:
        raise PeriodError("bad_day", name=name, text=text)
    return day


def day_range(from_text: str | None, to_text: str | None, default: DayRange, *, name: str = "period") -> DayRange:
    """The range a form asked for, each end a month or a day (blank fields take the default's); a bad
    text or a reversed range → PeriodError."""
    first = _day_of(from_text, end=False, name=name) if from_text else default.first_day
    last = _day_of(to_text, end=True, name=name) if to_text else default.last_day
    if last < first:
        start = from_text.strip() if from_text else first.isoformat()
        raise PeriodError("reversed", name=name, start=start, end=to_text.strip() if to_text else last.isoformat())
    return DayRange(first, last)
