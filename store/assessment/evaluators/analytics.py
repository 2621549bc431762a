"""S10 大数据应用服务 measured from the analytics domain: consumption and footfall analysis with a backtested
forecast, and consumer group profiles of consenting members."""

from __future__ import annotations

from store.analytics import profiles
from store.analytics import service as analytics_service
from store.assessment import rules_analytics
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import business_day
from store.premises import service as premises_service

SOURCE = "kpi_sales_daily, kpi_footfall_daily：日汇总 / daily rollups"
FORECAST_SOURCE = (
    "analytics_forecast：夜间拟合与滚动回测 / nightly fit and rolling-origin backtest (/admin/analytics/forecast)"
)
PROFILE_SOURCE = (
    "analytics_profile_group：授权会员的客群画像 / groups of members who consented to profiling "
    "(/admin/analytics/profiles)"
)


# S10 大数据应用服务
def evaluate_s10(ctx: EvalContext) -> IndicatorResult:
    """Analysis with data in the period, a fresh backtested forecast, and fresh consumer groups."""
    period, session, store_id = ctx.period, ctx.session, ctx.store_id
    tz = premises_service.get_store(session, store_id).timezone
    tested, beating, made_at = analytics_service.forecast_summary(session, store_id)
    groups = profiles.list_groups(session, store_id)
    today = business_day(ctx.now, tz)  # freshness: is the nightly job running now
    grouped_at = max((g.made_at for g in groups), default=None)
    facts = rules_analytics.AnalyticsFacts(
        sales_days=analytics_service.sales_days(session, store_id, period.start, period.end),
        footfall_days=analytics_service.footfall_days(session, store_id, period.start, period.end),
        forecasts_backtested=tested,
        forecast_age_days=(today - business_day(made_at, tz)).days if made_at else None,
        profile_groups=len(groups),
        profiled_members=sum(g.members for g in groups),
        profile_age_days=(today - business_day(grouped_at, tz)).days if grouped_at else None,
    )
    days = period.days_label
    figures = [
        figure("sales_days", "有消费数据的天数", "Days with sales analysed", facts.sales_days, "days", days, SOURCE),
        figure(
            "footfall_days",
            "有客流数据的天数",
            "Days with footfall analysed",
            facts.footfall_days,
            "days",
            days,
            SOURCE,
        ),
        figure("forecasts", "经回测的预测序列", "Backtested forecast series", tested, "series", days, FORECAST_SOURCE),
        figure(
            "forecasts_beating_naive",
            "优于季节朴素基线的序列",
            "Series beating seasonal naive",
            beating,
            "series",
            days,
            FORECAST_SOURCE,
        ),
        figure("profile_groups", "客群数", "Consumer groups", facts.profile_groups, "groups", days, PROFILE_SOURCE),
        figure(
            "profiled_members",
            "画像会员数",
            "Members profiled",
            facts.profiled_members,
            "members",
            days,
            PROFILE_SOURCE,
        ),
    ]
    return result("S10", rules_analytics.score_s10(facts), figures)
