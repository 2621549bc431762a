"""A realistic Annex 4 self-assessment report built by hand, for renderer tests."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime
from fractions import Fraction

from store.assessment import rules
from store.assessment.report import (
    INDICATORS_BY_ID,
    AssessmentReport,
    Figure,
    IndicatorResult,
    MonthlyKpi,
)

PERIOD = "2026-01..2026-10"
BASELINE = "2025-01..2025-12"
GENERATED_AT = datetime(2026, 11, 5, 2, 30, tzinfo=UTC)


def fig(
    name: str, zh: str, en: str, value: int | float | str | None, unit: str, source: str, period: str = PERIOD
) -> Figure:
    """A figure of the sample period."""
    return Figure(name, zh, en, value, unit, period, source)


def result(
    ident: str, points: int, status: str, rule: str, missing: str = "", figures: tuple[Figure, ...] = ()
) -> IndicatorResult:
    """An indicator result named and bounded from the Annex 4 catalogue."""
    spec = INDICATORS_BY_ID[ident]
    return IndicatorResult(
        ident, spec.group, spec.name_zh, spec.name_en, points, spec.maximum, status, rule, figures, missing
    )


def scored(ident: str, score: rules.Score, figures: tuple[Figure, ...] = ()) -> IndicatorResult:
    """An indicator measured by one of the scoring rules."""
    points, rule, missing = score
    return result(ident, points, "measured", rule, missing, figures)


def not_measured(ident: str, missing: str) -> IndicatorResult:
    """An indicator the product cannot measure yet: 0 points."""
    return result(ident, 0, "not_measured", "未测量 → 0 分 / not measured → 0 pts", missing)


def recorded(ident: str, what_zh: str, what_en: str) -> IndicatorResult:
    """An indicator earned in full from the evidence register."""
    spec = INDICATORS_BY_ID[ident]
    rule = f"{what_zh} → {spec.maximum} 分 / {what_en} → {spec.maximum} pts"
    return result(ident, spec.maximum, "recorded", rule)


def month_rows(months: list[str], *, revenue: int, footfall: int, area: float, staff: float) -> list[MonthlyKpi]:
    """Monthly KPIs with a small deterministic seasonal wobble."""
    rows = []
    for index, month in enumerate(months):
        wobble = Fraction(100 + (index * 7) % 11 - 5, 100)
        month_revenue = int(revenue * wobble)
        days = monthrange(int(month[:4]), int(month[5:]))[1]
        rows.append(
            MonthlyKpi(
                month=month,
                days=days,
                revenue_fen=month_revenue,
                orders=int(month_revenue // 38_500),
                footfall=int(footfall * wobble),
                selling_area_m2=Fraction(repr(area)),
                staff=Fraction(repr(staff)),
                sales_per_m2_fen=month_revenue / Fraction(repr(area)),
                sales_per_staff_fen=month_revenue / Fraction(repr(staff)),
                revenue_days=days,
                footfall_days=days,
                area_days=days,
                staff_days=days,
            )
        )
    return rows


def monthly() -> tuple[MonthlyKpi, ...]:
    """12 baseline months (2025) then 10 period months (2026-01..2026-10)."""
    baseline = month_rows(
        [f"2025-{m:02d}" for m in range(1, 13)], revenue=3_000_000_000, footfall=400_000, area=42_000.0, staff=850.0
    )
    period = month_rows(
        [f"2026-{m:02d}" for m in range(1, 11)], revenue=3_120_000_000, footfall=424_000, area=40_000.0, staff=800.0
    )
    return tuple(baseline + period)


def _mean(rows: list[MonthlyKpi], field: str) -> Fraction:
    """Exact mean of one field."""
    return Fraction(sum(getattr(row, field) for row in rows), len(rows))


def bonus(rows: tuple[MonthlyKpi, ...]) -> list[IndicatorResult]:
    """B1–B4 scored from the monthly rows: baseline 2025 vs period 2026."""
    before = [r for r in rows if r.month < "2026-01"]
    after = [r for r in rows if r.month >= "2026-01"]
    fields = {
        "B1": ("footfall", "people"),
        "B2": ("revenue_fen", "fen"),
        "B3": ("sales_per_m2_fen", "fen/m²"),
        "B4": ("sales_per_staff_fen", "fen/staff"),
    }
    results = []
    for ident, (field, unit) in fields.items():
        b, a = _mean(before, field), _mean(after, field)
        zh, en = rules.GROWTH_RULES[ident][:2]
        figures = (
            fig(f"{field}_baseline", f"基期{zh}", f"baseline {en}", round(b), unit, "kpi: monthly rollup", BASELINE),
            fig(f"{field}_period", f"本期{zh}", f"period {en}", round(a), unit, "kpi: monthly rollup"),
        )
        results.append(scored(ident, rules.score_growth(ident, b, a), figures))
    return results


def indicators(rows: tuple[MonthlyKpi, ...]) -> tuple[IndicatorResult, ...]:
    """All 24 indicators: some measured, some recorded, three not measured."""
    survey = [rules.ZoneSurvey(f"{floor}F", True, True, True, True, True) for floor in range(1, 7)]
    return (
        scored(
            "F1",
            rules.score_f1(survey, 6),
            (fig("zones_surveyed", "已测区域", "zones surveyed", 6, "zones", "facilities: coverage survey"),),
        ),
        recorded("F2", "出入口客流摄像机在线上报", "entrance cameras online and reporting"),
        scored(
            "F3",
            rules.score_f3(
                "cloud", rules.BackupCheck(date(2026, 1, 1), date(2026, 10, 31), date(2026, 10, 31), date(2026, 10, 3))
            ),
        ),
        recorded("F4", "视频监控 + 客流监测", "video surveillance + footfall monitoring"),
        not_measured("F5", "接入能耗/空气/电气监测设备读数 / connect energy, air and electrical meters"),
        recorded("S1", "统一营销平台，线上发券线下核销", "one platform, coupons online, used in store"),
        recorded("S2", "电子会员卡：积分查询与兑换", "e-member card with points query and redemption"),
        recorded("S3", "每周授权精准推送", "weekly push with consent"),
        scored(
            "S4",
            rules.score_s4(3_494_400_000, 31_200_000_000),
            (
                fig(
                    "online_revenue_fen",
                    "线上交易额",
                    "online revenue",
                    3_494_400_000,
                    "fen",
                    "sales: orders by channel (online mall)",
                ),
                fig(
                    "total_revenue_fen",
                    "交易总额",
                    "total revenue",
                    31_200_000_000,
                    "fen",
                    "sales: orders by channel (offline till, online mall)",
                ),
                fig("online_revenue_share", "线上交易额占比", "online share", 11.2, "%", "computed"),
            ),
        ),
        scored(
            "S5",
            rules.score_s5(5_500, 10_000),
            (
                fig(
                    "mau_online_orders",
                    "月活会员线上订单",
                    "online orders by MAU",
                    5_500,
                    "orders",
                    "sales + members: monthly activity",
                ),
                fig("online_orders", "线上订单", "online orders", 10_000, "orders", "sales: online mall"),
            ),
        ),
        recorded("S6", "同品同质同价 SKU 占比 34%", "price parity on 34% of SKUs"),
        not_measured("S7", "登记配送订单的承诺与实际送达时间 / record promised and actual delivery times"),
        recorded("S8", "门店及商户直播（品牌推荐、新品发布）", "store and shop live streams"),
        result(
            "S9",
            4,
            "measured",
            "信用体系 2 + 商户信用码 2 / credit system 2 + shop QR 2",
            "引入信用金融服务（贷款、保险等）/ refer shops to credit-based financial services",
        ),
        recorded("S10", "消费与客流趋势预测 + 客群画像", "trend forecasts + consumer profiles"),
        recorded("C1", "入口导购屏：楼层、店铺、促销", "entrance guide kiosks: floors, shops, promotions"),
        scored(
            "C2",
            rules.score_c2(118, 120),
            (
                fig(
                    "shops_with_pos",
                    "已接入智能POS商户",
                    "shops with smart POS",
                    118,
                    "shops",
                    "sales: terminals that posted sales",
                ),
                fig("shops_open", "营业商户", "shops open", 120, "shops", "premises: shop register"),
            ),
        ),
        result(
            "C3",
            3,
            "recorded",
            "试衣镜 1 + 智能货架 1 + LED 触摸屏 1 = 3 分 / 3 device kinds → 3 pts",
            "增设虚拟试衣/试妆镜或智能试衣间 / add virtual mirrors or smart fitting rooms",
        ),
        result(
            "C4",
            4,
            "measured",
            "充电宝、轮椅、童车、售货机 = 4 分 / 4 self-service kinds → 4 pts",
            "增设一种自助租赁设施 / add one more self-service rental",
        ),
        recorded("C5", "扫码寻车 + 无感支付", "find-my-car + contactless payment"),
        scored("M1", rules.score_m1(True, True)),
        recorded("M2", "客流、会员、商品、商户四类分析", "footfall, member, goods and merchant dashboards"),
        result(
            "M3",
            3,
            "measured",
            "客流、云POS、会员 3 个模块在线 → 3 分 / 3 modules live → 3 pts",
            "上线供应链或安全应急模块 / bring the supply-chain or safety module live",
        ),
        not_measured("M4", "排定视频巡检并记录结果 / schedule video patrol rounds and log them"),
        *bonus(rows),
    )


def sample_report(*, generated_at: datetime = GENERATED_AT) -> AssessmentReport:
    """A department store's self-assessment for 2026-01..2026-10 against the 2025 baseline."""
    rows = monthly()
    return AssessmentReport(
        store_code="SH-HQ01",
        store_name="上海智慧百货 <南京路店> & Co",
        timezone="Asia/Shanghai",
        period_from="2026-01",
        period_to="2026-10",
        baseline_from="2025-01",
        baseline_to="2025-12",
        smart_upgrade_on=date(2026, 1, 1),
        generated_at=generated_at,
        indicators=indicators(rows),
        monthly=rows,
    )
