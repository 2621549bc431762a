"""Indicators measured from the members domain: S2 e-membership."""

from __future__ import annotations

from sqlmodel import select

from store.assessment import rules_members
from store.assessment.evaluators.context import EvalContext, figure, result
from store.assessment.report import IndicatorResult
from store.members import service as members_service
from store.points.models import PointsEntry

SOURCE = "member, member_token：会员、登录与会员码核验 / members, sign-ins, member-code checks"


# S2 电子会员服务
def evaluate_s2(ctx: EvalContext) -> IndicatorResult:
    """The e-member card in use in the period, with the functions it offers."""
    period, session = ctx.period, ctx.session
    members = members_service.count_members(session, ctx.store_id)
    users = members_service.card_users(session, ctx.store_id, period.start, period.end)
    # Profile and orders are routes of the card itself; points query and redemption are the points ledger's.
    functions = ["profile", "orders"]
    ledger = session.exec(select(PointsEntry.id).where(PointsEntry.store_id == ctx.store_id).limit(1))
    if ledger.first() is not None:  # any entry: the first one found, never a count of the whole ledger
        functions += ["points_query", "points_redemption"]
    days = period.days_label
    figures = [
        figure("members", "会员数", "Members", members, "members", days, SOURCE),
        figure("card_users", "期内使用电子会员卡的会员", "Members who used the e-card", users, "members", days, SOURCE),
        figure(
            "card_functions",
            "电子会员卡功能",
            "E-card functions",
            "、".join(rules_members.FUNCTIONS[f][0] for f in functions),
            "",
            days,
            "小程序会员接口 / mini-program member API",
        ),
    ]
    reading = (
        "使用 = 期内登录电子会员卡或在收银台出示会员码 / use = signed in to the e-card or showed its code at a till"
    )
    return result("S2", rules_members.score_s2(members, users, functions), figures, reading=reading)
