"""Pure Annex 4 rule of S10 大数据应用服务 (rules.py's conventions: the rule applied stated in the row, what is
missing said in words). Annex 4: lawful consumption and footfall analysis with trend forecasting 3 pts;
consumer group profiling for marketing 2 pts."""

from __future__ import annotations

from dataclasses import dataclass

from store.assessment.rules import Score, _bi

S10_ANALYSIS = 3
S10_PROFILES = 2
FRESH_DAYS = 7  # a forecast or clustering older than this means the nightly job stopped
MIN_GROUPS = 2  # one "group" of everybody is no profiling


@dataclass(frozen=True)
class AnalyticsFacts:
    sales_days: int  # business days with sales in the period (the analysis had consumption data)
    footfall_days: int  # business days with counted footfall in the period
    forecasts_backtested: int  # stored forecast series with a rolling-origin backtest
    forecast_age_days: int | None  # days since the latest forecast was fitted (None: never)
    profile_groups: int
    profiled_members: int
    profile_age_days: int | None


def _fresh(age: int | None) -> bool:
    return age is not None and 0 <= age <= FRESH_DAYS


# S10 大数据应用服务
def score_s10(facts: AnalyticsFacts) -> Score:
    """S10: consumption and footfall analysed in the period and a backtested forecast refitted within 7 days → 3;
    at least 2 consumer groups of consenting members clustered within 7 days → 2; max 5."""
    todo: list[tuple[str, str]] = []
    analysis = 0
    if facts.sales_days <= 0:
        todo.append(("评估期内无消费数据可分析", "no sales to analyse in the period"))
    if facts.footfall_days <= 0:
        todo.append(("评估期内无客流数据可分析", "no footfall to analyse in the period"))
    if facts.forecasts_backtested <= 0:
        todo.append(("无经回测的趋势预测", "no backtested forecast stored"))
    elif not _fresh(facts.forecast_age_days):
        todo.append((f"预测已超过 {FRESH_DAYS} 天未更新", f"the forecast is older than {FRESH_DAYS} days"))
    if not todo:
        analysis = S10_ANALYSIS
    profiling = 0
    if facts.profile_groups < MIN_GROUPS or facts.profiled_members <= 0:
        todo.append((f"客群画像少于 {MIN_GROUPS} 个", f"fewer than {MIN_GROUPS} consumer groups profiled"))
    elif not _fresh(facts.profile_age_days):
        todo.append((f"客群画像已超过 {FRESH_DAYS} 天未更新", f"the consumer groups are older than {FRESH_DAYS} days"))
    else:
        profiling = S10_PROFILES
    points = analysis + profiling
    rule = _bi(
        f"消费 {facts.sales_days} 天、客流 {facts.footfall_days} 天数据分析，回测预测 {facts.forecasts_backtested} 条"
        f"（{facts.forecast_age_days if facts.forecast_age_days is not None else '—'} 天前）→ {analysis} 分；"
        f"客群 {facts.profile_groups} 个、{facts.profiled_members} 名授权会员 → {profiling} 分；共 {points} 分",
        f"{facts.sales_days} sales days and {facts.footfall_days} footfall days analysed, "
        f"{facts.forecasts_backtested} backtested forecasts "
        f"({facts.forecast_age_days if facts.forecast_age_days is not None else '—'} days old) → {analysis} pts; "
        f"{facts.profile_groups} consumer groups of {facts.profiled_members} consenting members → {profiling} pts; "
        f"{points} pts in all",
    )
    if not todo:
        return points, rule, ""
    return points, rule, _bi("；".join(t[0] for t in todo), "; ".join(t[1] for t in todo))
