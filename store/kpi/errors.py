"""Errors of the KPI domain: a period or baseline the figures cannot be computed for.

Each ``PeriodError`` carries a machine ``code`` and its ``params`` beside the English message, so an
edge (the admin pages, in Chinese by default) says it in its own language by code instead of showing
the service's English inside a Chinese page. The API keeps the English ``detail``.
"""

from __future__ import annotations

from store.errors import InvalidInput

# code → English message (the API's problem ``detail``); the params fill the braces.
MESSAGES: dict[str, str] = {
    "reversed": "the {name} is reversed: {start} comes after {end}",
    "bad_month": "{name} must be a month written YYYY-MM (e.g. 2026-01), got {text!r}",
    "bad_day": "{name} must be a month (YYYY-MM) or a day (YYYY-MM-DD), got {text!r}",
    "after_today": "the range starts on {start}, after today ({today}): no figures yet",
    "both_baseline_ends": "give both baseline_start and baseline_end, or neither",
    "too_many_days": "a daily series covers at most {limit} days: ask for grain=month",
    "empty": "the {name} is empty: give its first and last month as YYYY-MM (e.g. 2026-01)",
    "in_future": "the {name} {start}..{end} lies in the future: nothing to assess yet",
    "both_baseline_months": "give both baseline months (from and to), or neither",
    "baseline_after_upgrade": "the baseline {start}..{end} must end before the smart-upgrade month {upgrade}",
}


class PeriodError(InvalidInput):
    """A period, month or baseline that cannot be read; ``code`` says which rule it broke."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(MESSAGES[code].format(**params))
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}
