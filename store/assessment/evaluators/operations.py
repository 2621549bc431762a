"""M2 运营分析管理 operations analytics: one point per analysis area with its admin dashboard and data.

Annex 4 names four areas: footfall, member spending, goods and services, merchant operations. Each is one
``Area`` line: its names, the admin page that shows the analysis, and a function counting the records the
analysis covered in the window (the last ``LIVE_DAYS`` days of the period), or ``None`` while that
dashboard is not in this build. Issue 17 (the integrated operations platform) wires the operations part,
merchant operations (商户经营分析: every trading shop's sales, 坪效 and 人效 on ``/admin/kpi?by=shop``);
the analytics module wires the other three by replacing ``None`` with its counter (docs/contracts.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from store.analytics import service as analytics_service
from store.assessment import rules_ops
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.kpi import service as kpi_service
from store.sales.schemas import Source

LIVE_DAYS = 30
UNITS = {
    "footfall": "days",
    "member_spending": "orders",
    "goods_services": "categories",
    "merchant_operations": "shops",
}

AreaCounter = Callable[[Session, int, date, date], int]  # (session, store id, first, last business day) → rows


def _shops_analysed(session: Session, store_id: int, first: date, last: date) -> int:
    """Shops whose sales the merchant operations analysis covered (the per-shop KPI rollups, any source)."""
    return len(kpi_service.shops_with_orders(session, store_id, first, last, [s.value for s in Source]))


@dataclass(frozen=True)
class Area:
    key: str
    zh: str
    en: str
    dashboard: str
    count: AreaCounter | None  # None: not in this build yet


AREAS: tuple[Area, ...] = (
    # The analytics module's page cuts footfall by hour and weekday (days with counts), member spending into
    # members vs guests and new vs returning (member orders), goods and services by category (categories sold).
    Area("footfall", "客流分析", "footfall analysis", "/admin/analytics", analytics_service.footfall_days),
    Area(
        "member_spending",
        "会员消费分析",
        "member spending analysis",
        "/admin/analytics",
        analytics_service.member_orders_analysed,
    ),
    Area(
        "goods_services",
        "商品与服务分析",
        "goods and services analysis",
        "/admin/analytics",
        analytics_service.categories_analysed,
    ),
    Area("merchant_operations", "商户经营分析", "merchant operations analysis", "/admin/kpi?by=shop", _shops_analysed),
)


def areas(ctx: EvalContext, first: date, last: date) -> list[rules_ops.AnalysisArea]:
    return [
        rules_ops.AnalysisArea(
            a.key, a.zh, a.en, a.dashboard, a.count(ctx.session, ctx.store_id, first, last) if a.count else None
        )
        for a in AREAS
    ]


# M2 运营分析管理
def evaluate_m2(ctx: EvalContext) -> IndicatorResult:
    """Analysis areas with a dashboard in this build and data analysed in the last 30 days of the period."""
    first = max(ctx.period.start, ctx.period.end - timedelta(days=LIVE_DAYS - 1))
    rows = areas(ctx, first, ctx.period.end)
    label = f"{first}..{ctx.period.end}"
    figures = [
        figure(
            r.key,
            r.zh,
            r.en,
            r.rows if r.rows is not None else "not in this build",
            UNITS[r.key],
            label,
            f"{r.dashboard}" if r.rows is not None else "看板未上线 / dashboard not built yet",
        )
        for r in rows
    ]
    measured = any(r.rows is not None for r in rows)
    return result("M2", rules_ops.score_m2(rows), figures, status="measured" if measured else "not_measured")
