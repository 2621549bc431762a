"""Pure Annex 4 rules of the marketing indicators S1 数字营销服务 and S3 精准推送 (rules.py's conventions: the
rule applied stated in the row, what is missing said in words)."""

from __future__ import annotations

from collections.abc import Sequence

from store.assessment.rules import Score, _bi


# S1 数字营销服务
def score_s1(*, online_channels: int, coupons_issued: int, redeemed_offline: int) -> Score:
    """S1: a campaign publishing to an online channel, coupons issued online and at least one of them redeemed
    at a till in the period → 5; anything missing → 0 with what is missing."""
    missing = []
    if online_channels <= 0:
        missing.append(("无发布到小程序/导购屏/服务号的活动内容", "no campaign content published online"))
    if coupons_issued <= 0:
        missing.append(("无线上发放的优惠券", "no coupon issued online"))
    if redeemed_offline <= 0:
        missing.append(("无线下核销", "no coupon redeemed at a till"))
    if not missing:
        rule = _bi(
            f"线上内容 {online_channels} 个渠道，线上发券 {coupons_issued} 张，线下核销 {redeemed_offline} 张 → 5 分",
            f"content on {online_channels} online channels, {coupons_issued} coupons issued online, "
            f"{redeemed_offline} redeemed at the till → 5 pts",
        )
        return 5, rule, ""
    zh = "；".join(m[0] for m in missing)
    en = "; ".join(m[1] for m in missing)
    return 0, _bi(f"{zh} → 0 分", f"{en} → 0 pts"), _bi(zh, en)


# S3 精准推送
def score_s3(sent_by_week: Sequence[tuple[str, int, str]]) -> Score:
    """S3: a consented push sent in every week assessed (the delivery log) → 5; a week without → 0, listing
    the weeks and why (the log's reason, e.g. no lawful channel).

    ``sent_by_week``: (week's Monday "YYYY-MM-DD", messages sent, reason when none) for each week assessed.
    """
    if not sent_by_week:
        rule = _bi("评估期内无可计周 → 0 分", "no week to assess in the period → 0 pts")
        return 0, rule, _bi("开启每周精准推送", "start the weekly precision push")
    lacking = [(week, why) for week, sent, why in sent_by_week if sent <= 0]
    weeks = len(sent_by_week)
    if not lacking:
        rule = _bi(
            f"{weeks} 周均有经授权的推送（发送记录为证）→ 5 分",
            f"a consented push sent in all {weeks} weeks (delivery log) → 5 pts",
        )
        return 5, rule, ""
    shown = ", ".join(f"{week}{f' ({why})' if why else ''}" for week, why in lacking[:12])
    if len(lacking) > 12:
        shown += f" (+{len(lacking) - 12})"
    rule = _bi(
        f"{len(lacking)}/{weeks} 周无推送（{shown}）→ 0 分",
        f"{len(lacking)} of {weeks} weeks without a push ({shown}) → 0 pts",
    )
    return 0, rule, _bi(f"以下周无推送：{shown}", f"weeks without a push: {shown}")
