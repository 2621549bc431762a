"""The pure arithmetic of points, on integers only (no floats, no rounding surprises).

* Earn: ``points = ⌊net_fen × Π multipliers% ÷ (fen_per_point × 100ⁿ)⌋`` — truncated once per order, never
  per line; a net of zero or less earns nothing.
* Expiry: a lot earned on a day of year N lapses at 00:00 (store time) on 1 January of year
  N + 1 + ``expiry_years`` (``expiry_years = 1``: points of year N lapse on 1 January N + 2).
* A lot is spendable on the store's day ``d`` iff it never expires or ``d < expires_on``.
* Per line: an order's net is shared over its lines by their paid value, each line earns at its own
  category's rate and multipliers, and the sum is truncated once: ``⌊Σᵢ eᵢ⌋`` with
  ``eᵢ = net × vᵢ ÷ V × Πmᵢ% ÷ fppᵢ`` (exact fractions). A line of value 0 (a reward) earns nothing.
* Pro rata on refund: after refunds taking back a cumulative share ``s`` of what earned (by line where the
  refund names its lines: ``s = Σᵢ eᵢ × qᵢ/Qᵢ ÷ Σᵢ eᵢ``; by amount otherwise: ``c ÷ t``), ``⌊p × s⌋`` of
  ``p`` points are undone in total, so a refund in parts undoes exactly what one full refund would.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


def earn_points(net_fen: int, fen_per_point: int, multipliers_pct: Iterable[int] = ()) -> int:
    """Whole points for ``net_fen`` paid, at ``fen_per_point`` and each multiplier in percent."""
    if fen_per_point <= 0:
        raise ValueError("fen_per_point must be above zero")
    if net_fen <= 0:
        return 0
    numerator, denominator = net_fen, fen_per_point
    for pct in multipliers_pct:
        numerator *= pct
        denominator *= 100
    return numerator // denominator


@dataclass(frozen=True)
class EarnLine:
    """One order line as it earns: its paid value (after its own discount), its rate and multipliers."""

    value_fen: int
    fen_per_point: int
    multipliers_pct: tuple[int, ...] = ()


def line_earnings(net_fen: int, lines: Sequence[EarnLine]) -> list[Fraction]:
    """Each line's exact, untruncated points ``eᵢ``: ``net_fen`` shared by value, at the line's own rate."""
    total_value = sum(max(0, line.value_fen) for line in lines)
    if net_fen <= 0 or total_value <= 0:
        return [Fraction(0)] * len(lines)
    out = []
    for line in lines:
        if line.fen_per_point <= 0:
            raise ValueError("fen_per_point must be above zero")
        numerator, denominator = net_fen * max(0, line.value_fen), total_value * line.fen_per_point
        for pct in line.multipliers_pct:
            numerator *= pct
            denominator *= 100
        out.append(Fraction(numerator, denominator))
    return out


def earn_points_by_line(net_fen: int, lines: Sequence[EarnLine]) -> int:
    """Whole points for an order: the lines' exact points summed, truncated once (never per line)."""
    return math.floor(sum(line_earnings(net_fen, lines), Fraction(0)))


def share_step(points: int, share_before: Fraction, share_after: Fraction) -> int:
    """Points one refund undoes, from the cumulative shares (clamped to 0..1) before and after it."""
    if points <= 0:
        return 0
    before = min(max(share_before, Fraction(0)), Fraction(1))
    after = min(max(share_after, Fraction(0)), Fraction(1))
    return math.floor(points * after) - math.floor(points * before)


def lot_expiry(earned_on: date, expiry_years: int) -> date:
    """The day at whose 00:00 (store time) a lot earned on ``earned_on`` lapses."""
    if expiry_years < 0:
        raise ValueError("expiry_years must not be negative")
    return date(earned_on.year + 1 + expiry_years, 1, 1)


def spendable(expires_on: date | None, day: date) -> bool:
    """True if a lot expiring at 00:00 on ``expires_on`` may be spent on the store's day ``day``."""
    return expires_on is None or day < expires_on


def pro_rata_step(points: int, refunded_before_fen: int, refunded_after_fen: int, total_fen: int) -> int:
    """Points one refund undoes: the cumulative share after it minus the cumulative share before it."""
    if total_fen <= 0 or points <= 0:
        return 0
    after = min(refunded_after_fen, total_fen)
    before = min(refunded_before_fen, total_fen)
    return points * after // total_fen - points * before // total_fen


def points_value_fen(points: int, fen_per_100_points: int) -> int:
    """The value of ``points`` in fen (truncated toward zero), for the liability."""
    value = abs(points) * fen_per_100_points // 100
    return value if points >= 0 else -value
