"""S9 信用信息服务 from the credit domain's own records: scores, patrol scans of the QR codes, referrals."""

from __future__ import annotations

from store.assessment.credit_rules import S9Facts, score_s9
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult

REASONS = {
    "no_scan": "无扫描 / no scan",
    "moved": "码被移位 / code moved",
    "superseded": "旧版码 / old version",
    "invalid": "无效码 / invalid code",
    "missing": "未张贴 / not posted",
}


def evaluate_s9(ctx: EvalContext) -> IndicatorResult:
    """Credit system in use, a valid code at every open shop (from patrol scans), credit services with referrals."""
    from store.credit import codes, service  # the credit domain sits above assessment's imports

    on, period = ctx.period.end, ctx.period
    use = service.credit_use(ctx.session, ctx.store_id, on)
    shops, missing = codes.shops_missing_valid_scan(ctx.session, ctx.store_id, on)
    used = service.services_with_referrals(ctx.session, ctx.store_id, period.start, on)
    facts = S9Facts(
        open_shops=len(use.open_shops),
        scored_shops=len(use.scored_shop_ids),
        missing_codes=[f"{shop.code}（{REASONS.get(why, why)}）" for shop, why in missing],
        services_with_referrals=len(used),
    )
    day, days = f"{on}", period.days_label
    figures = [
        figure(
            "open_shops", "在营商户", "Open shops", facts.open_shops, "shops", day, "premises 商户档案 / shop register"
        ),
        figure(
            "scored_shops", "已评分商户", "Shops scored", facts.scored_shops, "shops", day, "credit_profile.computed_at"
        ),
        figure(
            "valid_codes",
            "有效信用码（巡检扫码）",
            "Valid codes (patrol scans)",
            len(shops) - len(missing),
            "shops",
            f"{on} 前 30 天 / 30 days to {on}",
            "credit_scan",
        ),
        figure(
            "referrals",
            "信用服务转介",
            "Credit service referrals",
            sum(n for _s, n in used),
            "referrals",
            days,
            "credit_referral: " + "、".join(s.name for s, _n in used) if used else "credit_referral",
        ),
    ]
    return result("S9", score_s9(facts), figures)
