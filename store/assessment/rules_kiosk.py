"""Pure scoring rule of C1 智能导购 (smart guide): guide screens at the main entrances, online, with at
least one guide function in use (product info, floor guide, shop guide, promotions, coupon display)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.assessment.rules import Score, _bi, _pts

C1_MAX = 5
# kiosk function → (zh, en): the functions Annex 4 names (search is product info, route is shop guidance)
C1_FUNCTIONS: dict[str, tuple[str, str]] = {
    "search": ("商品/店铺查询", "product and shop search"),
    "floor_guide": ("楼层导览", "floor guide"),
    "shop_guide": ("店铺导览", "shop guide"),
    "route": ("动态导航", "route guidance"),
    "promotions": ("促销信息", "promotions"),
    "coupon": ("优惠券展示", "coupon display"),
}
C1_READING = _bi(
    "“在主要出入口”按导购屏登记的位置判断；“在线”指评估窗口内有心跳；功能以使用记录为准",
    "'at the main entrances' is the kiosk's registered place; 'online' means heartbeats in the window; "
    "functions count when used",
)


@dataclass(frozen=True)
class KioskFacts:
    code: str
    at_main_entrance: bool
    online: bool
    functions: frozenset[str]  # kiosk functions used in the window


def score_c1(kiosks: Sequence[KioskFacts]) -> Score:
    """C1: 5 points when at least one kiosk at a main entrance is online with a guide function in use, else 0."""
    qualifying = [k for k in kiosks if k.at_main_entrance and k.online and k.functions & set(C1_FUNCTIONS)]
    used = [f for f in C1_FUNCTIONS if any(f in k.functions for k in qualifying)]
    zh_used = "、".join(C1_FUNCTIONS[f][0] for f in used) or "无"
    en_used = ", ".join(C1_FUNCTIONS[f][1] for f in used) or "none"
    points = C1_MAX if qualifying else 0
    rule = _bi(
        f"主要出入口在线且有导购功能使用的导购屏 {len(qualifying)} 台（功能：{zh_used}）；"
        f"至少 1 台 → {C1_MAX} 分，否则 0 分 → {points} 分",
        f"{len(qualifying)} kiosks at main entrances online with guide functions in use ({en_used}); "
        f"at least 1 → {C1_MAX} pts, else 0 → {_pts(points)}",
    )
    if qualifying:
        return points, rule, ""
    if not any(k.at_main_entrance for k in kiosks):
        missing = _bi("在主要出入口设置导购屏并登记位置", "place a guide kiosk at a main entrance and register it")
    elif not any(k.at_main_entrance and k.online for k in kiosks):
        missing = _bi(
            "主要出入口的导购屏需在线（心跳上报）", "the kiosks at the main entrances must be online (heartbeat)"
        )
    else:
        missing = _bi("导购屏的导购功能需有使用记录", "the kiosks' guide functions need recorded use")
    return points, rule, missing
