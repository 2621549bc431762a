"""The tier rule, pure: which tier a member holds after a review, from the rolling 12-month net spend.

- A member reaches a tier when the net spend (paid minus refunded, in fen) over the 12 months before the
  review day is at least the tier's threshold (the threshold itself reaches it).
- Upgrades take effect at the review that sees the spend.
- A member keeps a tier at least 12 months from the day it was reached (保级 year); a review after that
  moves the member down to the tier the spend reaches (several steps at once if the spend fell that far).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

BASIC, SILVER, GOLD, DIAMOND = "basic", "silver", "gold", "diamond"
TIERS: tuple[str, ...] = (BASIC, SILVER, GOLD, DIAMOND)  # lowest first
TIER_NAMES: dict[str, tuple[str, str]] = {
    BASIC: ("普卡", "Basic"),
    SILVER: ("银卡", "Silver"),
    GOLD: ("金卡", "Gold"),
    DIAMOND: ("钻石卡", "Diamond"),
}
# ¥2,000 / ¥6,000 / ¥20,000 in 12 months (research note: mall rules of 2,000 and 6,000 points a year).
DEFAULT_THRESHOLDS: dict[str, int] = {BASIC: 0, SILVER: 200_000, GOLD: 600_000, DIAMOND: 2_000_000}
KEEP_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, the 29–31st falling back to the month's last day (29 Feb + 12 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def window_start(review_on: date) -> date:
    """First day of the rolling window ending the day before ``review_on``: 12 months back."""
    return add_months(review_on, -KEEP_MONTHS)


def check_thresholds(thresholds: Mapping[str, int]) -> list[str]:
    """What is wrong with a set of thresholds (empty when it is usable): basic at 0, strictly rising."""
    problems = []
    if set(thresholds) != set(TIERS):
        problems.append(f"give a threshold for each of {', '.join(TIERS)}")
        return problems
    if thresholds[BASIC] != 0:
        problems.append("basic needs no spend: its threshold is 0")
    for lower, upper in zip(TIERS, TIERS[1:], strict=False):
        if thresholds[upper] <= thresholds[lower]:
            problems.append(f"{upper} must need more spend than {lower}")
    return problems


def tier_for(spend_fen: int, thresholds: Mapping[str, int]) -> str:
    """The highest tier whose threshold ``spend_fen`` reaches."""
    reached = BASIC
    for tier in TIERS:
        if spend_fen >= thresholds[tier]:
            reached = tier
    return reached


@dataclass(frozen=True)
class Review:
    tier: str
    since: date
    changed: str  # "" | "up" | "down"


def review(current: str, since: date | None, spend_fen: int, review_on: date, thresholds: Mapping[str, int]) -> Review:
    """The tier after a review on ``review_on`` (see the module's rule)."""
    held = current if current in TIERS else BASIC
    since = since or review_on
    target = tier_for(spend_fen, thresholds)
    rank, target_rank = TIERS.index(held), TIERS.index(target)
    if target_rank > rank:
        return Review(target, review_on, "up")
    if target_rank < rank and review_on >= add_months(since, KEEP_MONTHS):
        return Review(target, review_on, "down")
    return Review(held, since, "")
