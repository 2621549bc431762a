"""Pure Annex 4 rules of the omnichannel indicators S7 即时送达 and S8 直播服务 (rules.py's conventions:
exact fractions, 以上 includes the number, the rule applied stated in the row)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from store.assessment.rules import Score, _bi, _boundary, _check_part, pct

SAME_DAY_THRESHOLD = Fraction(20, 100)


# S7 即时送达
def score_s7(orders: int, same_day: int, next_day: int) -> Score:
    """S7: next-day 100 % and same-day ≥ 20 % → 3; next-day 100 %, same-day below 20 % → 2; next-day 100 %,
    no same-day → 1; next-day below 100 % or no delivery orders → 0.

    ``orders``: delivery orders measured in the period; ``same_day``: delivered the day they were placed;
    ``next_day``: delivered by the end of the next working day (a same-day delivery is one too).
    """
    if orders <= 0:
        rule = _bi("期内无已计量的配送订单 → 0 分", "no measured delivery orders in the period → 0 pts")
        return 0, rule, _bi("开通配送并记录承诺与送达时间", "offer delivery and record promised and delivered times")
    _check_part(next_day, orders)
    _check_part(same_day, next_day)
    late = orders - next_day
    if late:
        next_shown = pct(Fraction(next_day, orders), avoid=[Fraction(1)])
        rule = _bi(
            f"次日达 {next_shown} < 100%（{late} 单超时）→ 0 分", f"next-day {next_shown} < 100% ({late} late) → 0 pts"
        )
        return (
            0,
            rule,
            _bi(f"{late} 单未在次一工作日内送达：全部订单须次日达", f"{late} orders late: all must arrive next day"),
        )
    share = Fraction(same_day, orders)
    shown = pct(share, avoid=[SAME_DAY_THRESHOLD])
    if same_day == 0:
        rule = _bi("次日达 100%，无当日达 → 1 分", "next-day 100%, no same-day → 1 pt")
        return 1, rule, _bi("提供当日达（截单前下单当日送达）", "offer same-day delivery for orders before the cut-off")
    if share >= SAME_DAY_THRESHOLD:
        note_zh, note_en = _boundary(share == SAME_DAY_THRESHOLD)
        rule = _bi(
            f"次日达 100%，当日达 {shown} ≥ 20%{note_zh}→ 3 分",
            f"next-day 100%, same-day {shown} ≥ 20% {note_en} → 3 pts",
        )
        return 3, rule, ""
    rule = _bi(f"次日达 100%，当日达 {shown} < 20% → 2 分", f"next-day 100%, same-day {shown} < 20% → 2 pts")
    return 2, rule, _bi(f"当日达占比需达到 20%（现为 {shown}）", f"raise the same-day share to 20% (now {shown})")


# S8 直播服务
def score_s8(beyond_selling_by_month: Sequence[tuple[str, int]]) -> Score:
    """S8: a live session beyond pure selling (brand pick, launch, event) in every month assessed → 5, else 0.

    ``beyond_selling_by_month``: (month "YYYY-MM", such sessions) for each month assessed, oldest first.
    """
    if not beyond_selling_by_month:
        rule = _bi("评估期内无可计月份 → 0 分", "no month to assess in the period → 0 pts")
        return 0, rule, _bi("安排品牌推荐、新品发布或活动直播", "schedule brand-pick, launch or event live sessions")
    lacking = [month for month, count in beyond_selling_by_month if count <= 0]
    months = len(beyond_selling_by_month)
    if not lacking:
        rule = _bi(
            f"{months} 个月均有非纯带货直播（品牌推荐、新品发布、活动）→ 5 分",
            f"live sessions beyond selling (brand picks, launches, events) in all {months} months → 5 pts",
        )
        return 5, rule, ""
    shown = ", ".join(lacking[:12]) + (f" (+{len(lacking) - 12})" if len(lacking) > 12 else "")
    rule = _bi(
        f"{len(lacking)}/{months} 个月无非纯带货直播（{shown}）→ 0 分",
        f"{len(lacking)} of {months} months without a live session beyond selling ({shown}) → 0 pts",
    )
    return (
        0,
        rule,
        _bi(
            f"在 {shown} 安排品牌推荐、新品发布或活动直播", f"schedule a brand-pick, launch or event session in {shown}"
        ),
    )
