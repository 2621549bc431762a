"""综合效益 bonus B1–B4: monthly averages after the smart upgrade against the months before it.

After = the period's whole months after the upgrade month (the upgrade month itself is neither: trade
is changing during it; a month still running is left out). Before = as many months just before the
upgrade month, or all that have data when fewer. Averages are exact fractions of the monthly figures
the report's monthly table shows, so an assessor can redo the sums from the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from store.assessment import rules
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import KPI_FIELDS, IndicatorResult, MonthlyKpi
from store.clock import month_key
from store.kpi import service as kpi_service
from store.kpi.periods import add_months, month_end

FIELD_OF = {"B1": "footfall", "B2": "revenue_fen", "B3": "sales_per_m2_fen", "B4": "sales_per_staff_fen"}
SOURCES = {
    "footfall": "kpi_footfall_daily：入口摄像头客流 / entrance camera counts",
    "revenue_fen": "kpi_sales_daily：退款后净营业额 / net revenue",
    "sales_per_m2_fen": "kpi_sales_daily ÷ 营业中商户面积（按日加权）/ ÷ selling area open, day-weighted",
    "sales_per_staff_fen": "kpi_sales_daily ÷ 员工人数（按日加权）/ ÷ staff headcount, day-weighted",
}


@dataclass(frozen=True)
class Basis:
    """The months compared, and the monthly KPIs of both sides (empty when there is nothing to compare)."""

    upgrade_on: date | None
    before: tuple[MonthlyKpi, ...]
    after: tuple[MonthlyKpi, ...]
    monthly: tuple[MonthlyKpi, ...]  # the report's table: before months through the period's whole months

    def label(self, rows: tuple[MonthlyKpi, ...]) -> str:
        return f"{rows[0].month}..{rows[-1].month}" if rows else "—"


def _last_whole_month(ctx: EvalContext) -> date:
    """The period's last month that has ended (today's month has not)."""
    last = ctx.period.last_month
    return add_months(last, -1) if month_end(last) >= ctx.period.today else last


def _month_count(first: date, last: date) -> int:
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def basis(ctx: EvalContext) -> Basis:
    """Which months B1–B4 compare, and their KPIs (computed once per report)."""
    if "basis" not in ctx.cache:
        ctx.cache["basis"] = _basis(ctx)
    return ctx.cache["basis"]


def _basis(ctx: EvalContext) -> Basis:
    upgrade_on = ctx.store.smart_upgrade_on
    last = _last_whole_month(ctx)
    if upgrade_on is None:
        return Basis(None, (), (), ())
    upgrade_month = upgrade_on.replace(day=1)
    after_first = max(ctx.period.first_month, add_months(upgrade_month, 1))
    count = _month_count(after_first, last)
    first_sale = kpi_service.first_sales_day(ctx.session, ctx.store_id)
    if count == 0 or first_sale is None:
        return Basis(upgrade_on, (), (), ())
    before_last = add_months(upgrade_month, -1)
    # A month the history starts in the middle of is not a whole month: the baseline starts after it.
    first_whole = first_sale if first_sale.day == 1 else add_months(first_sale.replace(day=1), 1)
    before_first = max(add_months(before_last, 1 - count), first_whole)
    table_first = min(before_first, after_first)
    monthly = kpi_service.monthly(ctx.session, ctx.store_id, month_key(table_first), month_key(last))
    before = tuple(m for m in monthly if month_key(before_first) <= m.month <= month_key(before_last))
    after = tuple(m for m in monthly if m.month >= month_key(after_first))
    # The report's monthly table holds exactly the months compared, so its averages are B1–B4's.
    return Basis(upgrade_on, before, after, before + after)


def _average(rows: tuple[MonthlyKpi, ...], field: str) -> Fraction | None:
    return Fraction(sum(getattr(r, field) for r in rows), len(rows)) if rows else None


def _evaluate(indicator: str, ctx: EvalContext) -> IndicatorResult:
    field = FIELD_OF[indicator]
    _, zh, en, unit = next(f for f in KPI_FIELDS if f[0] == field)
    data = basis(ctx)
    if data.upgrade_on is None:
        rule = "未设置智慧化改造日期，无法比较改造前后 → 0 分 / no smart-upgrade date: nothing to compare → 0 pts"
        missing = "设置门店的智慧化改造日期（后台或导入）/ set the smart-upgrade date (admin or import)"
        return result(indicator, (0, rule, missing), [], status="not_measured")
    if not data.after:
        rule = (
            f"期内无改造月（{data.upgrade_on:%Y-%m}）之后的完整月份 → 0 分 / "
            f"no whole month after the upgrade month ({data.upgrade_on:%Y-%m}) in the period → 0 pts"
        )
        missing = "评估期需包含改造月之后的完整月份 / assess a period with whole months after the upgrade month"
        return result(indicator, (0, rule, missing), [], status="not_measured")
    before, after = _average(data.before, field), _average(data.after, field)
    source = SOURCES[field]
    figures = [
        figure(
            "upgrade_on",
            "智慧化改造日期",
            "Smart-upgrade date",
            data.upgrade_on.isoformat(),
            "",
            data.upgrade_on.isoformat(),
            "门店设置 / store settings",
        ),
        figure(f"{field}_before", f"改造前{zh}", f"{en} before", _shown(before), unit, data.label(data.before), source),
        figure(f"{field}_after", f"改造后{zh}", f"{en} after", _shown(after), unit, data.label(data.after), source),
    ]
    if before and after is not None:
        growth = round(float(100 * (after / before - 1)), 2)
        figures.append(
            figure(
                f"{field}_growth",
                f"{zh}增长",
                f"{en} growth",
                growth,
                "%",
                f"{data.label(data.after)} vs {data.label(data.before)}",
                source,
            )
        )
    reading = (
        f"改造后 {len(data.after)} 个完整月 vs 改造前 {len(data.before)} 个月 / "
        f"{len(data.after)} whole months after vs {len(data.before)} months before the upgrade month"
    )
    return result(indicator, rules.score_growth(indicator, before, after), figures, reading=reading)


def _shown(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


# B1 客流量
def evaluate_b1(ctx: EvalContext) -> IndicatorResult:
    return _evaluate("B1", ctx)


# B2 经营情况
def evaluate_b2(ctx: EvalContext) -> IndicatorResult:
    return _evaluate("B2", ctx)


# B3 坪效
def evaluate_b3(ctx: EvalContext) -> IndicatorResult:
    return _evaluate("B3", ctx)


# B4 人效
def evaluate_b4(ctx: EvalContext) -> IndicatorResult:
    return _evaluate("B4", ctx)
