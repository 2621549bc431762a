"""综合效益 bonus B1–B4: monthly averages after the smart upgrade against the months before it.

After = the period's whole months after the upgrade month (the upgrade month itself is neither: trade
is changing during it; a month still running is left out). Before = the baseline months chosen for the
report, or by default as many months just before the upgrade month, starting no earlier than the first
whole month of sales history. Averages are exact fractions of the monthly figures the report's monthly
table shows, so an assessor can redo the sums from the table.

Each figure must be backed by its own data on every day of both sides (footfall by days with counts,
坪效 by area records, 人效 by headcount records, everything that divides revenue by the sales history):
a day without data is unknown, not zero. Where a side is not covered the row says how much is ("baseline:
footfall on 31 of 365 days") and earns nothing, rather than averaging zeros into a +100 % growth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from store.assessment import rules
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import KPI_FIELDS, IndicatorResult
from store.clock import month_key
from store.kpi import service as kpi_service
from store.kpi.months import SOURCE_LABELS, SOURCES, MonthlyKpi
from store.kpi.periods import add_months, month_end

FIELD_OF = {"B1": "footfall", "B2": "revenue_fen", "B3": "sales_per_m2_fen", "B4": "sales_per_staff_fen"}
SOURCE_TEXTS = {
    "footfall": "kpi_footfall_daily：入口摄像头客流（每日须有计数）/ entrance camera counts (a count each day)",
    "revenue_fen": "kpi_sales_daily：退款后净营业额 / net revenue",
    "sales_per_m2_fen": "kpi_sales_daily ÷ 当日营业商户面积记录（按日加权）/ ÷ selling area on record each day",
    "sales_per_staff_fen": "kpi_sales_daily ÷ 员工人数记录（按日加权）/ ÷ headcount on record each day",
}


@dataclass(frozen=True)
class Basis:
    """The months compared, and the monthly KPIs of both sides (empty when there is nothing to compare)."""

    upgrade_on: date | None
    before: tuple[MonthlyKpi, ...]
    after: tuple[MonthlyKpi, ...]
    monthly: tuple[MonthlyKpi, ...]  # the report's table: before months through the period's whole months
    chosen: bool = False  # the baseline months were chosen for the report (else: the default)

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


def _default_baseline(ctx: EvalContext, upgrade_month: date, count: int) -> tuple[date, date]:
    """As many months as compared after, just before the upgrade month, from the first whole month of sales."""
    before_last = add_months(upgrade_month, -1)
    before_first = add_months(before_last, 1 - count)
    first_sale = kpi_service.first_sales_day(ctx.session, ctx.store_id)
    if first_sale is not None:
        # A month the history starts in the middle of is not a whole month: the baseline starts after it.
        first_whole = first_sale if first_sale.day == 1 else add_months(first_sale.replace(day=1), 1)
        before_first = max(before_first, first_whole)
    return before_first, before_last


def _basis(ctx: EvalContext) -> Basis:
    upgrade_on = ctx.store.smart_upgrade_on
    if upgrade_on is None:
        return Basis(None, (), (), ())
    upgrade_month = upgrade_on.replace(day=1)
    after_first, last = max(ctx.period.first_month, add_months(upgrade_month, 1)), _last_whole_month(ctx)
    count = _month_count(after_first, last)
    if count == 0:
        return Basis(upgrade_on, (), (), ())
    before_first, before_last = ctx.baseline or _default_baseline(ctx, upgrade_month, count)
    table_first = min(before_first, after_first)
    monthly = kpi_service.monthly(ctx.session, ctx.store_id, month_key(table_first), month_key(last))
    before = tuple(m for m in monthly if month_key(before_first) <= m.month <= month_key(before_last))
    after = tuple(m for m in monthly if m.month >= month_key(after_first))
    # The report's monthly table holds exactly the months compared, so its averages are B1–B4's.
    return Basis(upgrade_on, before, after, before + after, chosen=ctx.baseline is not None)


def _average(rows: tuple[MonthlyKpi, ...], field: str) -> Fraction | None:
    values = [row.value(field) for row in rows]
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Fraction(0)) / len(values)


def coverage_gaps(rows: tuple[MonthlyKpi, ...], field: str) -> list[tuple[str, int, int]]:
    """(source, days covered, days) for each source of ``field`` that misses days over ``rows``."""
    days = sum(row.days for row in rows)
    found = [(source, sum(row.covered(source) for row in rows), days) for source in SOURCES[field]]
    return [gap for gap in found if gap[1] < gap[2]]


def _gap_text(side_zh: str, side_en: str, gaps: list[tuple[str, int, int]]) -> tuple[str, str]:
    zh = "；".join(f"{side_zh}{SOURCE_LABELS[s][0]}仅覆盖 {of} 天中的 {n} 天" for s, n, of in gaps)
    en = "; ".join(f"{side_en}: {SOURCE_LABELS[s][1]} on {n} of {of} days" for s, n, of in gaps)
    return zh, en


def _uncovered(indicator: str, data: Basis, field: str, upgrade: list) -> IndicatorResult | None:
    """The row when either side lacks data on some days: how much is covered, and no points."""
    before, after = coverage_gaps(data.before, field), coverage_gaps(data.after, field)
    if not before and not after:
        return None
    texts = [_gap_text("基期", "baseline", before)] if before else []
    texts += [_gap_text("本期", "period", after)] if after else []
    zh, en = "；".join(t[0] for t in texts), "; ".join(t[1] for t in texts)
    rule = f"{zh}，数据不足以支撑增长比较 → 0 分 / {en}: the data does not back a growth figure → 0 pts"
    missing = (
        "补齐缺失日期的数据（导入按日客流、登记营业面积或员工人数的起始日期），或选择数据完整的基期月份 / "
        "fill in the missing days (import daily footfall, record areas or headcount from their start date), "
        "or choose baseline months the data covers"
    )
    figures = list(upgrade)
    for side, rows, gaps in (("baseline", data.before, before), ("period", data.after, after)):
        for source, covered, days in gaps:
            zh_label, en_label = SOURCE_LABELS[source]
            figures.append(
                figure(
                    f"{source}_{side}_days",
                    f"{'基期' if side == 'baseline' else '本期'}{zh_label}覆盖天数",
                    f"{side.capitalize()} days with {en_label}",
                    f"{covered}/{days}",
                    "",
                    data.label(rows),
                    SOURCE_TEXTS[field],
                )
            )
    return result(indicator, (0, rule, missing), figures, status="not_measured")


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
    upgrade = [
        figure(
            "upgrade_on",
            "智慧化改造日期",
            "Smart-upgrade date",
            data.upgrade_on.isoformat(),
            "",
            data.upgrade_on.isoformat(),
            "门店设置 / store settings",
        )
    ]
    uncovered = _uncovered(indicator, data, field, upgrade)
    if uncovered is not None:
        return uncovered
    before, after = _average(data.before, field), _average(data.after, field)
    source = SOURCE_TEXTS[field]
    figures = [
        *upgrade,
        figure(f"{field}_before", f"改造前{zh}", f"{en} before", _shown(before), unit, data.label(data.before), source),
        figure(f"{field}_after", f"改造后{zh}", f"{en} after", _shown(after), unit, data.label(data.after), source),
    ]
    if before and after is not None:
        figures.append(
            figure(
                f"{field}_growth",
                f"{zh}增长",
                f"{en} growth",
                rules.growth_percent((after - before) / before),
                "%",
                f"{data.label(data.after)} vs {data.label(data.before)}",
                source,
            )
        )
    chosen_zh, chosen_en = ("（基期为指定月份）", " (baseline months chosen)") if data.chosen else ("", "")
    reading = (
        f"改造后 {len(data.after)} 个完整月 vs 改造前 {len(data.before)} 个月{chosen_zh} / "
        f"{len(data.after)} whole months after vs {len(data.before)} months before the upgrade month{chosen_en}"
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
