"""Marketing indicators measured from the marketing domain: S1 数字营销服务, S3 精准推送."""

from __future__ import annotations

from store.assessment import rules_marketing
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.clock import day_bounds_utc
from store.marketing import push
from store.marketing import service as marketing_service
from store.premises import service as premises_service

PUSH_SOURCE = "marketing_delivery：每周推送发送记录 / the weekly push's delivery log"
COUPON_SOURCE = "marketing_coupon_issue, marketing_redemption：线上发券与线下核销 / coupons issued and redeemed"


# S1 数字营销服务
def evaluate_s1(ctx: EvalContext) -> IndicatorResult:
    """Campaign content published online, coupons issued online and redeemed at the tills in the period."""
    period = ctx.period
    tz = premises_service.get_store(ctx.session, ctx.store_id).timezone
    start, end = day_bounds_utc(period.start, tz)[0], day_bounds_utc(period.end, tz)[1]
    issued, offline = marketing_service.redemptions_in_period(ctx.session, ctx.store_id, start, end)
    online = marketing_service.online_channels_in_period(ctx.session, ctx.store_id, period.start, period.end)
    days = period.days_label
    figures = [
        figure("content_channels", "活动内容发布渠道", "Online content channels", len(online), "", days, COUPON_SOURCE),
        figure("coupons_issued", "线上发放优惠券", "Coupons issued online", issued, "coupons", days, COUPON_SOURCE),
        figure("coupons_redeemed_offline", "线下核销", "Redeemed at the till", offline, "coupons", days, COUPON_SOURCE),
    ]
    score = rules_marketing.score_s1(online_channels=len(online), coupons_issued=issued, redeemed_offline=offline)
    return result("S1", score, figures)


# S3 精准推送
def evaluate_s3(ctx: EvalContext) -> IndicatorResult:
    """A consented push sent in every week of the period, as the delivery log records it."""
    period = ctx.period
    weeks = push.weeks(ctx.session, ctx.store_id, period.start, period.end)
    if period.end == period.today and weeks and weeks[-1].sent == 0:
        weeks = weeks[:-1]  # the running week has not had its push yet: not held against the store
    assessed = []
    for week in weeks:
        if week.sent:
            why = ""
        elif week.no_channel:
            why = f"无合法渠道 {week.no_channel} 人 / no lawful channel for {week.no_channel}"
        elif week.cancelled:
            why = f"撤回授权 {week.cancelled} 人 / consent withdrawn for {week.cancelled}"
        else:
            why = "未安排推送 / no push prepared"
        assessed.append((week.week_on.isoformat(), week.sent, why))
    days = period.days_label
    with_push = sum(1 for w in weeks if w.sent)
    figures = [
        figure("push_weeks", "评估周数", "Weeks assessed", len(weeks), "weeks", days, PUSH_SOURCE),
        figure("push_weeks_sent", "有推送的周数", "Weeks with a push", with_push, "weeks", days, PUSH_SOURCE),
        figure("push_sent", "推送条数", "Messages sent", sum(w.sent for w in weeks), "messages", days, PUSH_SOURCE),
        figure(
            "push_no_channel",
            "无合法渠道（未发送）",
            "No lawful channel (not sent)",
            sum(w.no_channel for w in weeks),
            "members",
            days,
            PUSH_SOURCE,
        ),
    ]
    reading = (
        "仅向授权营销推送的会员发送；每周（周一起）须有发送记录；进行中的当周尚无发送时不计 / only members who "
        "consented are messaged; every week (from Monday) needs a sent message in the log; the running week is "
        "skipped while it has none yet"
    )
    return result("S3", rules_marketing.score_s3(assessed), figures, reading=reading)
