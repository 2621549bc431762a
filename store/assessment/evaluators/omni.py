"""Omnichannel indicators measured from the delivery and live domains: S7 即时送达, S8 直播服务."""

from __future__ import annotations

from datetime import date

from store.assessment import rules_omni
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import month_key
from store.delivery import service as delivery_service
from store.live import service as live_service
from store.premises import service as premises_service

DELIVERY_SOURCE = "delivery_order：下单时确定的承诺与实际送达时间 / promise fixed at placement, delivered time"
LIVE_SOURCE = "live_session：直播排期与场次类型 / live schedule with the session type"


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 2)


# S7 即时送达
def evaluate_s7(ctx: EvalContext) -> IndicatorResult:
    """Delivery orders placed in the period, measured against the promise fixed when they were placed."""
    period = ctx.period
    months = delivery_service.monthly_sla(ctx.session, ctx.store_id, period.start, period.end, now=ctx.now)
    total = delivery_service.Sla(period.days_label)
    for month in months:
        total.add(month)
    days = period.days_label
    figures = [
        figure(
            "delivery_orders",
            "已计量配送订单",
            "Delivery orders measured",
            total.measured,
            "orders",
            days,
            DELIVERY_SOURCE,
        ),
        figure(
            "delivery_open",
            "未到期订单（不计）",
            "Orders not yet due (not counted)",
            total.open,
            "orders",
            days,
            DELIVERY_SOURCE,
        ),
    ]
    if total.measured:
        figures += [
            figure(
                "same_day_share",
                "当日达占比",
                "Same-day share",
                _pct(total.same_day_met, total.measured),
                "%",
                days,
                DELIVERY_SOURCE,
            ),
            figure(
                "next_day_share",
                "次日达占比",
                "Next-day share",
                _pct(total.next_day_met, total.measured),
                "%",
                days,
                DELIVERY_SOURCE,
            ),
        ]
    for month in months:
        if month.measured:
            value = f"{_pct(month.same_day_met, month.measured)}% / {_pct(month.next_day_met, month.measured)}%"
            figures.append(
                figure(
                    f"sla_{month.label}",
                    f"{month.label} 当日达/次日达",
                    f"{month.label} same-day / next-day",
                    value,
                    "",
                    month.label,
                    DELIVERY_SOURCE,
                )
            )
    reading = (
        "当日达 = 下单当日送达；次日达 = 下单后次一工作日（含调休）结束前送达；截单时间后或非工作日下单承诺次日达；"
        "到期未送达计为超时 / same-day = delivered the day it was placed; next-day = before the end of the next "
        "working day (official calendar with make-up days); undelivered past the deadline counts as late"
    )
    score = rules_omni.score_s7(total.measured, total.same_day_met, total.next_day_met)
    return result("S7", score, figures, reading=reading)


def _months(first: date, last: date) -> list[str]:
    keys, day = [], first.replace(day=1)
    while day <= last:
        keys.append(month_key(day))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return keys


# S8 直播服务
def evaluate_s8(ctx: EvalContext) -> IndicatorResult:
    """Live sessions per month of the period, and those beyond pure selling (brand picks, launches, events)."""
    period = ctx.period
    tz = premises_service.get_store(ctx.session, ctx.store_id).timezone
    counts = live_service.monthly_counts(ctx.session, ctx.store_id, period.start, period.end, tz)
    keys = _months(period.start, period.end)
    in_progress = month_key(period.today) if period.end == period.today else None
    assessed = [(key, counts[key].beyond_selling if key in counts else 0) for key in keys]
    if in_progress and assessed and assessed[-1][0] == in_progress and assessed[-1][1] == 0:
        assessed = assessed[:-1]  # the running month has not had its session yet: not held against the store
    days = period.days_label
    sessions = sum(c.sessions for c in counts.values())
    beyond = sum(c.beyond_selling for c in counts.values())
    figures = [
        figure("live_sessions", "直播场次", "Live sessions", sessions, "sessions", days, LIVE_SOURCE),
        figure("live_beyond_selling", "非纯带货场次", "Sessions beyond selling", beyond, "sessions", days, LIVE_SOURCE),
    ]
    for key in keys:
        month = counts.get(key)
        value = f"{month.beyond_selling}/{month.sessions}" if month else "0/0"
        figures.append(
            figure(f"live_{key}", f"{key} 非纯带货/全部", f"{key} beyond selling / all", value, "", key, LIVE_SOURCE)
        )
    reading = (
        "每个评估月均需至少一场品牌推荐、新品发布或活动直播；进行中的当月尚无场次时不计 / every month assessed "
        "needs a brand-pick, launch or event session; the running month is skipped while it has none yet"
    )
    return result("S8", rules_omni.score_s8(assessed), figures, reading=reading)
