"""The credit score in one place: plain facts in, a 0–100 score, an A/B/C/D rating and its reasons out.

Every rule is a row of :data:`RULES` (the public page lists them as they are here); every point change
names the record it comes from, so a tenant can see why and appeal. Start at 100, add the rows, keep
between 0 and 100. A complaint counts once the store has closed it: upheld (resolved) or overdue costs
points, a rejected one costs none. Records older than :data:`LOOKBACK_DAYS` no longer count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

START = 100
LOOKBACK_DAYS = 365
SALES_WINDOW_DAYS = 28
SALES_REGULAR_SHARE = Fraction(7, 10)  # at least 70 % of the last 28 days with till sales
RENT_LATE_CAP = 5  # months counted at most


@dataclass(frozen=True)
class Rule:
    key: str
    points: int
    zh: str
    en: str


RULES: tuple[Rule, ...] = (
    Rule("complaint_upheld", -3, "投诉经核实成立（按时处理）", "complaint upheld (handled in time)"),
    Rule("complaint_overdue", -6, "投诉超过答复期限未答复", "complaint not answered by its deadline"),
    Rule(
        "complaint_satisfied",
        1,
        "投诉处理后顾客满意（4 分及以上）",
        "complainant satisfied afterwards (4 of 5 or more)",
    ),
    Rule("inspection_failed", -10, "检查不合格", "inspection failed"),
    Rule("permit_expired", -15, "许可证已过期（续期后恢复）", "permit expired (restored once renewed)"),
    Rule("rent_late", -2, "租金或结算逾期（每月，最多 5 个月）", "rent or settlement paid late (per month, 5 at most)"),
    Rule(
        "sales_irregular",
        -5,
        "近 28 天有收银记录的天数不足 70%",
        "till sales on fewer than 70 % of the last 28 days",
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
RATINGS: tuple[tuple[str, int], ...] = (("A", 90), ("B", 75), ("C", 60), ("D", 0))  # at or above


@dataclass(frozen=True)
class ComplaintFact:
    id: int
    filed_on: date
    upheld: bool  # resolved (not rejected)
    overdue: bool  # answered after its deadline, or still unanswered past it
    satisfaction: int | None


@dataclass(frozen=True)
class InspectionFact:
    id: int
    inspected_on: date
    passed: bool


@dataclass(frozen=True)
class PermitFact:
    id: int
    number: str
    expires_on: date


@dataclass(frozen=True)
class Facts:
    today: date
    complaints: Sequence[ComplaintFact] = ()
    inspections: Sequence[InspectionFact] = ()
    permits: Sequence[PermitFact] = ()
    rent_late_months: int = 0
    profile_id: int | None = None
    days_with_sales: int | None = None  # of the last SALES_WINDOW_DAYS; None: the shop has no till data


@dataclass(frozen=True)
class Reason:
    rule: str
    points: int
    record_kind: str
    record_id: int | None
    text: str  # "zh：detail / en: detail"


@dataclass(frozen=True)
class CreditScore:
    score: int
    rating: str
    reasons: tuple[Reason, ...]


def rating_of(score: int) -> str:
    """A ≥ 90, B 75–89, C 60–74, D below 60 (以上 includes the number)."""
    return next(letter for letter, floor in RATINGS if score >= floor)


def _reason(key: str, kind: str, record_id: int | None, detail: str, times: int = 1) -> Reason:
    rule = RULES_BY_KEY[key]
    return Reason(key, rule.points * times, kind, record_id, f"{rule.zh}：{detail} / {rule.en}: {detail}")


def _complaint_reasons(facts: Facts, since: date) -> list[Reason]:
    reasons = []
    for c in facts.complaints:
        if c.filed_on < since:
            continue
        if c.overdue:
            reasons.append(_reason("complaint_overdue", "complaint", c.id, f"{c.filed_on}"))
        elif c.upheld:
            reasons.append(_reason("complaint_upheld", "complaint", c.id, f"{c.filed_on}"))
        else:
            continue
        if c.upheld and c.satisfaction is not None and c.satisfaction >= 4:
            reasons.append(_reason("complaint_satisfied", "complaint", c.id, f"{c.satisfaction}/5"))
    return reasons


def compute(facts: Facts) -> CreditScore:
    """The score, rating and reasons of one shop on ``facts.today``."""
    since = facts.today - timedelta(days=LOOKBACK_DAYS)
    reasons = _complaint_reasons(facts, since)
    reasons += [
        _reason("inspection_failed", "inspection", i.id, f"{i.inspected_on}")
        for i in facts.inspections
        if not i.passed and i.inspected_on >= since
    ]
    reasons += [
        _reason("permit_expired", "permit", p.id, f"{p.number} {p.expires_on}")
        for p in facts.permits
        if p.expires_on < facts.today
    ]
    late = min(max(facts.rent_late_months, 0), RENT_LATE_CAP)
    if late:
        reasons.append(_reason("rent_late", "profile", facts.profile_id, f"{late}", times=late))
    days = facts.days_with_sales
    if days is not None and Fraction(days, SALES_WINDOW_DAYS) < SALES_REGULAR_SHARE:
        reasons.append(_reason("sales_irregular", "sales", None, f"{days}/{SALES_WINDOW_DAYS}"))
    score = max(0, min(START, START + sum(r.points for r in reasons)))
    return CreditScore(score, rating_of(score), tuple(reasons))
