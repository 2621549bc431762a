"""The parking fee in integer fen, pure: free minutes, a per-started-hour rate, a cap per 24 hours, minutes off
for members and for a member's spend the same business day, and the grace period after paying.

Rules (each boundary tested in ``tests/parking/test_fees.py``):

- A stay of at most ``free_minutes`` costs nothing (the whole stay, discounts aside).
- Otherwise the stay less the discount minutes is charged ``hourly_fen`` per started hour; every full 24 hours
  of it costs ``daily_cap_fen``, and what is left costs at most ``daily_cap_fen``.
- Discount minutes (减时长), for a member only (the spend is the member's, from the sales of the quote's
  business day): ``member_free_minutes``, plus ``spend_free_minutes`` when that spend is at least
  ``spend_threshold_fen``; at most ``max_discount_minutes`` per stay.
- After paying, the car may leave until ``exit_grace_minutes`` after the payment; later, billing restarts
  at the payment from the first hour (no free minutes, no discount again): what was paid stays paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DAY_S = 86_400
HOUR_S = 3_600


@dataclass(frozen=True)
class FeeRule:
    free_minutes: int = 30
    hourly_fen: int = 1_000
    daily_cap_fen: int = 6_000
    member_free_minutes: int = 60
    spend_threshold_fen: int = 20_000
    spend_free_minutes: int = 120
    max_discount_minutes: int = 180
    exit_grace_minutes: int = 15


@dataclass(frozen=True)
class Quote:
    stay_s: int
    discount_minutes: int
    owed_fen: int
    paid_fen: int
    grace_until: datetime | None  # the car may leave until then without paying more

    @property
    def free_to_leave(self) -> bool:
        return self.owed_fen == 0


def discount_minutes(rule: FeeRule, *, member: bool, spend_fen: int) -> int:
    """Minutes off the stay: member minutes, plus the spend minutes from the threshold on, capped."""
    if not member:
        return 0
    minutes = rule.member_free_minutes + (rule.spend_free_minutes if spend_fen >= rule.spend_threshold_fen else 0)
    return min(minutes, rule.max_discount_minutes)


def charge(rule: FeeRule, seconds: int, *, discount_min: int = 0, free: bool = True) -> int:
    """The fee of a stay of ``seconds``; ``free=False`` when billing restarts after a payment."""
    if seconds <= 0 or (free and seconds <= rule.free_minutes * 60):
        return 0
    billable = seconds - discount_min * 60
    if billable <= 0:
        return 0
    days, rest = divmod(billable, DAY_S)
    hours = -(-rest // HOUR_S)
    return days * rule.daily_cap_fen + min(rule.daily_cap_fen, hours * rule.hourly_fen)


def quote(
    rule: FeeRule,
    *,
    entered_at: datetime,
    now: datetime,
    discount_min: int,
    paid_fen: int = 0,
    paid_at: datetime | None = None,
) -> Quote:
    """What the car owes at ``now``: its stay's fee, or after a payment nothing within the grace period and the
    restarted fee after it."""
    stay_s = max(0, int((now - entered_at).total_seconds()))
    if paid_at is None:
        owed = charge(rule, stay_s, discount_min=discount_min)
        return Quote(stay_s, discount_min, owed, paid_fen, None)
    grace_until = paid_at + timedelta(minutes=rule.exit_grace_minutes)
    if now <= grace_until:
        return Quote(stay_s, discount_min, 0, paid_fen, grace_until)
    owed = charge(rule, int((now - paid_at).total_seconds()), free=False)
    return Quote(stay_s, discount_min, owed, paid_fen, None)
