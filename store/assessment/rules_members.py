"""Pure Annex 4 scoring rule of S2 (e-membership), in the style of ``store.assessment.rules``.

S2 电子会员服务: "e-member card with one or more of: member profile, order management, points query, points
redemption → 5". Read here as: the card is in service (members exist and at least one of them used the
card in the period: signed in to it or showed its code at a till) and offers one or more of the four
functions → 5; otherwise 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from store.assessment.rules import Score

FUNCTIONS: dict[str, tuple[str, str]] = {
    "profile": ("会员信息", "member profile"),
    "orders": ("订单管理", "order management"),
    "points_query": ("积分查询", "points query"),
    "points_redemption": ("积分兑换", "points redemption"),
}


def score_s2(members: int, card_users: int, functions: Sequence[str]) -> Score:
    """S2: members > 0, card users in the period > 0 and one or more card functions → 5, else 0."""
    unknown = set(functions) - set(FUNCTIONS)
    if unknown or members < 0 or card_users < 0 or card_users > members:
        raise ValueError(f"bad S2 inputs: members {members}, card users {card_users}, functions {functions}")
    if members == 0:
        return (
            0,
            "无会员 → 0 分 / no members → 0 pts",
            "开通电子会员卡并导入或招募会员 / open the e-member card and import or sign up members",
        )
    if card_users == 0:
        return (
            0,
            f"会员 {members} 人，期内无人使用电子会员卡 → 0 分 / {members} members, none used the e-card in the "
            "period → 0 pts",
            "会员需在期内登录电子会员卡或出示会员码 / members must sign in to the e-card or show its code",
        )
    if not functions:
        return (
            0,
            "电子会员卡无服务功能 → 0 分 / the e-card offers no service → 0 pts",
            "提供会员信息等功能 / offer a profile",
        )
    zh = "、".join(FUNCTIONS[f][0] for f in functions)
    en = ", ".join(FUNCTIONS[f][1] for f in functions)
    return (
        5,
        f"电子会员卡在用（期内 {card_users} 人使用），提供{zh} → 5 分 / e-member card in use ({card_users} users in "
        f"the period) offering {en} → 5 pts",
        "",
    )
