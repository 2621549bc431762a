"""Pure marketing rules: a coupon's discount, RFM quintiles and labels, the push windows (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SMS_OPENS = time(8, 0)  # 通信短信息服务管理规定 / provider rules: commercial SMS only 8:00–21:00
SMS_CLOSES = time(21, 0)
QUIET_STARTS = time(21, 0)  # quiet hours for every channel (store time)
QUIET_ENDS = time(8, 0)
OFFICIAL_ACCOUNT_MONTHLY = 4  # 服务号: 4 group messages per member per month
WEEKLY_CAP = 1  # marketing messages per member per week, all plans together
SMS_OPT_OUT = "拒收请回复R"


def discount_fen(kind: str, basket_fen: int, *, amount_off_fen: int, percent_off: int, cap_fen: int) -> int:
    """What a coupon takes off a basket: never more than the basket; percent rounds down to the fen, capped."""
    if basket_fen <= 0:
        return 0
    if kind == "amount":
        return min(amount_off_fen, basket_fen)
    off = basket_fen * percent_off // 100
    if cap_fen > 0:
        off = min(off, cap_fen)
    return min(off, basket_fen)


def quintiles(values: Sequence[int], *, higher_is_better: bool = True) -> list[int]:
    """Scores 1–5 by rank (ties share the lower rank's score: deterministic); equal values, equal scores."""
    n = len(values)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: values[i])
    scores = [0] * n
    first_rank: dict[int, int] = {}
    for rank, i in enumerate(order):
        first_rank.setdefault(values[i], rank)
    for i in range(n):
        score = 1 + first_rank[values[i]] * 5 // n
        scores[i] = score if higher_is_better else 6 - score
    return scores


def rfm_label(r: int, f: int, m: int, *, bought: bool) -> str:
    """Ten named segments (after the R package ``rfm``), plus ``none`` for members who bought nothing."""
    if not bought:
        return "none"
    if r >= 4 and f >= 4 and m >= 4:
        return "champions"
    if r >= 3 and f >= 3 and m >= 3:
        return "loyal"
    if r >= 4 and f <= 2:
        return "new" if f == 1 else "promising"
    if r >= 3 and f <= 3:
        return "potential"
    if r == 3:
        return "need_attention"
    if r == 2 and f >= 3:
        return "at_risk"
    if r == 2:
        return "about_to_sleep"
    if f >= 4:
        return "cannot_lose"
    if f >= 2:
        return "hibernating"
    return "lost"


RFM_LABELS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
    "lost",
    "none",
)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def scheduled_at(week_on: date, weekday: int, hour: int, tz: str) -> datetime:
    """The plan's moment in that week (store time), moved out of the quiet hours to 08:00."""
    day = week_on + timedelta(days=weekday)
    at = time(hour, 0)
    if at >= QUIET_STARTS:
        day, at = day + timedelta(days=1), QUIET_ENDS
    elif at < QUIET_ENDS:
        at = QUIET_ENDS
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz))


def sms_allowed_at(moment: datetime, tz: str) -> datetime:
    """The first moment from ``moment`` when a marketing SMS may go out (8:00–21:00 store time)."""
    local = moment.astimezone(ZoneInfo(tz))
    if SMS_OPENS <= local.time() < SMS_CLOSES:
        return moment
    day = local.date() if local.time() < SMS_OPENS else local.date() + timedelta(days=1)
    return datetime.combine(day, SMS_OPENS, tzinfo=ZoneInfo(tz))


def personalise(generic: str, personal: str, *, allowed: bool, category: str) -> tuple[str, bool]:
    """PIPL art. 24: a member who switched personalisation off (or never allowed profiling) gets the generic
    content; so does one without a known category. Returns (text, personalised)."""
    if allowed and personal and category:
        return personal.replace("{category}", category), True
    return generic, False
