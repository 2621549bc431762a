"""The Annex 4 self-assessment report: catalogue of indicators and the frozen report data model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

from store.kpi.months import MonthlyKpi  # the report's monthly rows; the type lives in kpi (kpi never imports us)

GROUPS = ("facilities", "services", "scenarios", "management", "bonus")

# zh / en names and maxima of the groups (ANNEX4.md): 20 + 40 + 25 + 15 = 100, plus a 10-point bonus.
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "facilities": ("智慧设施", "Smart facilities"),
    "services": ("智慧服务", "Smart services"),
    "scenarios": ("智慧场景", "Smart scenarios"),
    "management": ("智慧管理", "Smart management"),
    "bonus": ("综合效益", "Results (bonus)"),
}
GROUP_MAXIMA: dict[str, int] = {
    "facilities": 20,
    "services": 40,
    "scenarios": 25,
    "management": 15,
    "bonus": 10,
}
BASE_MAXIMUM = 100
BONUS_MAXIMUM = 10
PASS_MARK = 90  # 自评 90 分以上 (attachment 1, section 二(二)); 以上 includes the number
FILING_MONTHS = 12  # a filing (申报) covers 12 months of operation


@dataclass(frozen=True)
class IndicatorSpec:
    """One row of the Annex 4 catalogue."""

    id: str
    group: str
    name_zh: str
    name_en: str
    maximum: int


def _spec(group: str, rows: str) -> tuple[IndicatorSpec, ...]:
    """Parse 'id|name_zh|name_en|max' lines into specs of one group."""
    specs = []
    for line in rows.strip().splitlines():
        ident, name_zh, name_en, maximum = (part.strip() for part in line.split("|"))
        specs.append(IndicatorSpec(ident, group, name_zh, name_en, int(maximum)))
    return tuple(specs)


# The 24 indicators in ANNEX4.md order F1..F5, S1..S10, C1..C5, M1..M4, B1..B4.
INDICATORS: tuple[IndicatorSpec, ...] = (
    _spec(
        "facilities",
        """
        F1|网络通信设施|Network|4
        F2|智能感知设施|Smart sensing|4
        F3|数据中心|Data center|4
        F4|智能安防管理|Smart security|4
        F5|智能运维设施|Smart O&M|4
    """,
    )
    + _spec(
        "services",
        """
        S1|数字营销服务|Digital marketing|5
        S2|电子会员服务|E-membership|5
        S3|精准推送服务|Precision push|5
        S4|线上交易额占比|Online revenue share|2
        S5|线上月活成交占比|MAU transaction share|2
        S6|同品同质同价|Price parity|3
        S7|即时送达|Unified delivery|3
        S8|直播服务|Live streaming|5
        S9|信用信息服务|Credit information|5
        S10|大数据应用服务|Big-data analytics|5
    """,
    )
    + _spec(
        "scenarios",
        """
        C1|智能导购|Smart guide|5
        C2|智能支付|Smart payment|5
        C3|互动体验|Interactive experience|5
        C4|智能自助服务设施|Self-service|5
        C5|智能停车|Smart parking|5
    """,
    )
    + _spec(
        "management",
        """
        M1|智能办公|Smart office|4
        M2|运营分析管理|Operations analytics|4
        M3|综合管理平台|Integrated platform|4
        M4|巡检管理|Patrol|3
    """,
    )
    + _spec(
        "bonus",
        """
        B1|客流量|Footfall|3
        B2|经营情况|Revenue|3
        B3|坪效|Sales per area|2
        B4|人效|Sales per staff|2
    """,
    )
)
INDICATORS_BY_ID: dict[str, IndicatorSpec] = {spec.id: spec for spec in INDICATORS}

STATUSES = ("measured", "recorded", "not_measured")


@dataclass(frozen=True)
class Figure:
    """One number behind a point, with its period and data source."""

    name: str
    label_zh: str
    label_en: str
    value: int | float | str | None
    unit: str
    period: str
    source: str


@dataclass(frozen=True)
class IndicatorResult:
    """The score of one indicator, the rule applied and the evidence behind it."""

    id: str
    group: str
    name_zh: str
    name_en: str
    points: int
    maximum: int
    status: str
    rule: str
    figures: tuple[Figure, ...]
    missing: str


@dataclass(frozen=True)
class GroupTotal:
    """Points of one indicator group."""

    group: str
    name_zh: str
    name_en: str
    points: int
    maximum: int


@dataclass(frozen=True)
class KpiAverage:
    """Monthly averages of the B1–B4 KPIs over baseline and period, and their growth."""

    name: str
    label_zh: str
    label_en: str
    unit: str
    baseline: Fraction | None
    period: Fraction | None

    @property
    def growth(self) -> Fraction | None:
        """(period - baseline) / baseline, or None without a positive baseline."""
        if self.baseline is None or self.period is None or self.baseline <= 0:
            return None
        return (self.period - self.baseline) / self.baseline


# B1 客流量, B2 经营情况, B3 坪效, B4 人效: the monthly fields averaged for the bonus group.
KPI_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("footfall", "月均客流量", "Monthly footfall", "people"),
    ("revenue_fen", "月均营业额", "Monthly revenue", "fen"),
    ("sales_per_m2_fen", "月均坪效", "Monthly sales per m²", "fen/m²"),
    ("sales_per_staff_fen", "月均人效", "Monthly sales per staff", "fen/staff"),
)


def _average(rows: tuple[MonthlyKpi, ...], field: str) -> Fraction | None:
    """Exact mean of one field over the rows; None when there are none or a month's data has gaps."""
    values = [row.value(field) for row in rows]
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Fraction(0)) / len(values)


@dataclass(frozen=True)
class AssessmentReport:
    """The self-assessment of one store over one period, ready to render."""

    store_code: str
    store_name: str
    timezone: str
    period_from: str
    period_to: str
    baseline_from: str | None
    baseline_to: str | None
    smart_upgrade_on: date | None
    generated_at: datetime
    indicators: tuple[IndicatorResult, ...]
    monthly: tuple[MonthlyKpi, ...]
    baseline_chosen: bool = False  # the baseline months were chosen for this report (else: the default)

    @property
    def period_months(self) -> int:
        """How many months the period names."""
        first, last = (
            (int(self.period_from[:4]), int(self.period_from[5:])),
            (int(self.period_to[:4]), int(self.period_to[5:])),
        )
        return (last[0] - first[0]) * 12 + last[1] - first[1] + 1

    @property
    def covers_a_filing(self) -> bool:
        """Whether the period has the 12 months a filing covers."""
        return self.period_months >= FILING_MONTHS

    @property
    def notices(self) -> tuple[str, ...]:
        """What a reader must know before trusting the totals (zh / en), e.g. a period too short to file."""
        if self.covers_a_filing:
            return ()
        return (
            f"本报告期仅 {self.period_months} 个月；正式申报需覆盖 {FILING_MONTHS} 个月，本结果仅供参考 / "
            f"this period covers {self.period_months} month(s); a filing covers {FILING_MONTHS} months, "
            "so this result is for reference only",
        )

    @property
    def baseline_text(self) -> str:
        """The baseline months and how they were set, as the report states them."""
        if self.baseline_from is None:
            return "—"
        how = "指定 / chosen" if self.baseline_chosen else "默认：改造月之前 / default: before the upgrade month"
        return f"{self.baseline_from} – {self.baseline_to}（{how}）"

    @property
    def groups(self) -> tuple[GroupTotal, ...]:
        """One subtotal per entry of GROUPS."""
        return tuple(
            GroupTotal(
                group,
                *GROUP_NAMES[group],
                points=sum(r.points for r in self.indicators if r.group == group),
                maximum=GROUP_MAXIMA[group],
            )
            for group in GROUPS
        )

    @property
    def base_points(self) -> int:
        """Points of the four base groups (out of 100)."""
        return sum(r.points for r in self.indicators if r.group != "bonus")

    @property
    def base_maximum(self) -> int:
        """Always 100."""
        return BASE_MAXIMUM

    @property
    def bonus_points(self) -> int:
        """Points of the 综合效益 bonus group (out of 10)."""
        return sum(r.points for r in self.indicators if r.group == "bonus")

    @property
    def bonus_maximum(self) -> int:
        """Always 10."""
        return BONUS_MAXIMUM

    @property
    def total(self) -> int:
        """Base plus bonus."""
        return self.base_points + self.bonus_points

    @property
    def passes(self) -> bool:
        """Whether the total reaches the 90-point bar (以上: 90 itself passes)."""
        return self.total >= PASS_MARK

    def is_baseline_month(self, month: str) -> bool:
        """Whether a YYYY-MM month lies in the baseline period."""
        if self.baseline_from is None or self.baseline_to is None:
            return False
        return self.baseline_from <= month <= self.baseline_to

    @property
    def kpi_averages(self) -> tuple[KpiAverage, ...]:
        """Monthly averages of footfall, revenue, 坪效 and 人效: baseline vs period."""
        baseline = tuple(m for m in self.monthly if self.is_baseline_month(m.month))
        period = tuple(m for m in self.monthly if self.period_from <= m.month <= self.period_to)
        return tuple(
            KpiAverage(field, zh, en, unit, _average(baseline, field), _average(period, field))
            for field, zh, en, unit in KPI_FIELDS
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole report."""
        return {
            "store": {
                "code": self.store_code,
                "name": self.store_name,
                "timezone": self.timezone,
                "smart_upgrade_on": self.smart_upgrade_on.isoformat() if self.smart_upgrade_on else None,
            },
            "period": {
                "from": self.period_from,
                "to": self.period_to,
                "months": self.period_months,
                "filing_months": FILING_MONTHS,
                "covers_a_filing": self.covers_a_filing,
            },
            "baseline": {"from": self.baseline_from, "to": self.baseline_to, "chosen": self.baseline_chosen},
            "notices": list(self.notices),
            "generated_at": iso_utc(self.generated_at),
            "indicators": [_indicator_json(r) for r in self.indicators],
            "groups": [
                {"group": g.group, "name_zh": g.name_zh, "name_en": g.name_en, "points": g.points, "maximum": g.maximum}
                for g in self.groups
            ],
            "totals": {
                "base_points": self.base_points,
                "base_maximum": self.base_maximum,
                "bonus_points": self.bonus_points,
                "bonus_maximum": self.bonus_maximum,
                "total": self.total,
                "passes_90": self.passes,
            },
            "monthly": [_monthly_json(m) for m in self.monthly],
        }


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z suffix (naive datetimes are read as UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _indicator_json(result: IndicatorResult) -> dict[str, Any]:
    """One indicator as a JSON-ready dict."""
    return {
        "id": result.id,
        "group": result.group,
        "name_zh": result.name_zh,
        "name_en": result.name_en,
        "points": result.points,
        "maximum": result.maximum,
        "status": result.status,
        "rule": result.rule,
        "figures": [
            {
                "name": f.name,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "value": f.value,
                "unit": f.unit,
                "period": f.period,
                "source": f.source,
            }
            for f in result.figures
        ],
        "missing": result.missing,
    }


def _shown(value: Fraction | None) -> float | None:
    """An exact figure rounded for display (two decimals)."""
    return None if value is None else round(float(value), 2)


def _monthly_json(row: MonthlyKpi) -> dict[str, Any]:
    """One month of KPIs as a JSON-ready dict: figures rounded to show, with the days their data covers."""
    return {
        "month": row.month,
        "days": row.days,
        "revenue_fen": row.revenue_fen,
        "orders": row.orders,
        "footfall": row.footfall,
        "selling_area_m2": _shown(row.selling_area_m2),
        "staff": _shown(row.staff),
        "sales_per_m2_fen": _shown(row.sales_per_m2_fen),
        "sales_per_staff_fen": _shown(row.sales_per_staff_fen),
        "covered_days": {source: row.covered(source) for source in ("revenue", "footfall", "area", "staff")},
    }
