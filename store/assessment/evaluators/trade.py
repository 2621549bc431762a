"""Indicators measured from the sales rollups: S4 online share, S5 monthly-active members' online share (with
the members domain), C2 smart POS."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select as sa_select
from sqlmodel import col

from store.assessment import rules
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.capture import coverage as capture_coverage
from store.members import service as members_service
from store.points.models import PointsEntry
from store.sales import rollups as sales_rollups
from store.sales.schemas import Channel

SALES_SOURCE = "kpi_sales_daily：订单、退款、申报日销售 / orders, refunds, declared daily totals"


def _channel_sums(ctx: EvalContext) -> dict[Channel, tuple[int, int, int]]:
    """(net revenue, orders, member orders) per channel over the period, read once for S4 and S5."""
    if "channel_sums" not in ctx.cache:
        period = ctx.period
        ctx.cache["channel_sums"] = sales_rollups.channel_sums(ctx.session, ctx.store_id, period.start, period.end)
    return ctx.cache["channel_sums"]


# S4 线上交易额占比
def evaluate_s4(ctx: EvalContext) -> IndicatorResult:
    """Online (mall + live-stream) net revenue over the store's net revenue in the period."""
    period = ctx.period
    totals = {channel: sums[0] for channel, sums in _channel_sums(ctx).items()}  # sales_rollups.channel_totals
    online = totals[Channel.online] + totals[Channel.live]
    total = sum(totals.values())
    # Refunds of earlier sales can make a channel's net negative; the share needs 0 ≤ online ≤ total.
    shown_online = min(max(online, 0), max(total, 0))
    days = period.days_label
    figures = [
        figure(
            "online_revenue_fen",
            "线上商城营业额",
            "Online mall revenue",
            totals[Channel.online],
            "fen",
            days,
            SALES_SOURCE,
        ),
        figure(
            "live_revenue_fen", "直播营业额", "Live-stream revenue", totals[Channel.live], "fen", days, SALES_SOURCE
        ),
        figure("total_revenue_fen", "全店营业额", "Store revenue", total, "fen", days, SALES_SOURCE),
    ]
    if total > 0:
        figures.append(
            figure(
                "online_share",
                "线上交易额占比",
                "Online share",
                round(100 * shown_online / total, 2),
                "%",
                days,
                SALES_SOURCE,
            )
        )
    reading = "线上 = 线上商城 + 直播渠道，按退款后净额计 / online = online mall + live channels, net of refunds"
    return result("S4", rules.score_s4(shown_online, max(total, 0)), figures, reading=reading)


# S5 线上月活成交占比
def evaluate_s5(ctx: EvalContext) -> IndicatorResult:
    """Online orders placed by members active online in their month, over all online orders in the period."""
    period = ctx.period
    sums = _channel_sums(ctx)  # sales_rollups.online_member_orders: online includes live
    orders = sum(sums[channel][1] for channel in sales_rollups.ONLINE_CHANNELS)
    months = members_service.monthly_active_online(
        ctx.session,
        ctx.store_id,
        period.start,
        period.end,
        other_activity=points_activity(ctx),
    )
    mau_orders = sum(m.active_online_orders for m in months)
    days = period.days_label
    source = SALES_SOURCE + "；member_token、points_entry：登录与积分活动 / sign-ins and points activity"
    figures = [
        figure(
            "mau_online_orders",
            "月活会员线上订单",
            "Online orders by monthly-active members",
            mau_orders,
            "orders",
            days,
            source,
        ),
        figure("online_orders", "线上订单", "Online orders", orders, "orders", days, SALES_SOURCE),
        figure(
            "monthly_active_members",
            "月均线上活跃会员",
            "Members active online per month (average)",
            round(sum(m.active_members for m in months) / len(months)) if months else 0,
            "members",
            days,
            source,
        ),
    ]
    if orders > 0:
        figures.append(
            figure(
                "member_share",
                "月活会员成交占比",
                "Monthly-active members' share",
                round(100 * mau_orders / orders, 2),
                "%",
                days,
                SALES_SOURCE,
            )
        )
    reading = (
        "月活用户 = 当月线上活跃的会员（当月有线上或直播订单、登录小程序或积分活动），其当月线上订单计入；线上含直播 / "
        "monthly-active users = members active online in the month (an online or live-stream order, a mini-program "
        "sign-in or points activity that month), their online orders of that month count; online includes live"
    )
    return result("S5", rules.score_s5(min(mau_orders, orders), orders), figures, reading=reading)


def points_activity(ctx: EvalContext) -> members_service.ActivityQuery:
    """Members with points activity (anything but an expiry) between two days, from the points ledger: the
    query the members domain adds to each month's sources of online activity."""

    def query(first: date, last: date) -> Select[Any]:
        return sa_select(col(PointsEntry.member_id)).where(
            col(PointsEntry.store_id) == ctx.store_id,
            col(PointsEntry.business_on) >= first,
            col(PointsEntry.business_on) <= last,
            col(PointsEntry.kind) != "expire",
        )

    return query


# C2 智能支付
def _gaps_shown(rows: list[capture_coverage.CoverageRow]) -> str:
    """Shops whose tills' receipt numbers have gaps: ``code seen/range (first missing…)``."""
    shown = []
    for row in rows:
        gaps = row.gaps
        if gaps.span and gaps.seen < gaps.span:
            first = f" {', '.join(gaps.missing[:3])}…" if gaps.missing else ""
            shown.append(f"{row.shop.code} {gaps.seen}/{gaps.span}{first}")
    return "; ".join(shown[:20]) + (f" (+{len(shown) - 20})" if len(shown) > 20 else "")


def evaluate_c2(ctx: EvalContext) -> IndicatorResult:
    """Shops covered by their own till agent or capture box posting sales, over the shops trading in the period;
    declared daily totals never count. Gaps in the tenants' receipt numbers are shown beside the figure."""
    period = ctx.period
    rows = capture_coverage.coverage(ctx.session, ctx.store_id, period.start, period.end)
    trading = [row.shop.id or 0 for row in rows]
    till = {row.shop.id or 0 for row in rows if row.till_sales}
    captured = {row.shop.id or 0 for row in rows if row.captured_sales}
    covered = rules.c2_covered(trading, till, captured)
    lacking = [row.shop.code for row in rows if (row.shop.id or 0) not in covered]
    days = period.days_label
    source = "kpi_sales_daily（来源 own_till / receipt_capture）；capture_job 小票号；premises 商户档案 / shop register"
    figures = [
        figure(
            "shops_with_pos",
            "智能POS上报销售的商户",
            "Shops whose POS posted sales",
            len(covered),
            "shops",
            days,
            source,
        ),
        figure("shops_trading", "期内营业商户", "Shops trading in the period", len(trading), "shops", days, source),
        figure(
            "shops_own_till",
            "自有收银上报",
            "Shops posting through our till",
            len(till & covered),
            "shops",
            days,
            source,
        ),
        figure(
            "shops_capture",
            "小票采集上报",
            "Shops posting through a capture box",
            len(captured & covered),
            "shops",
            days,
            source,
        ),
    ]
    if lacking:
        shown = ", ".join(lacking[:20]) + (f" (+{len(lacking) - 20})" if len(lacking) > 20 else "")
        figures.append(figure("shops_without_pos", "未接入商户", "Shops without POS sales", shown, "", days, source))
    gaps = _gaps_shown(rows)
    if gaps:
        figures.append(
            figure("receipt_number_gaps", "小票号缺口", "Gaps in tenants' receipt numbers", gaps, "", days, source)
        )
    reading = (
        "接入 = 期内有自有收银或小票采集盒的销售上报；仅申报日销售额不算 / linked = posted sales through our till "
        "or a receipt capture box in the period; declared daily totals alone do not count"
    )
    return result("C2", rules.score_c2(len(covered), len(trading)), figures, reading=reading)
