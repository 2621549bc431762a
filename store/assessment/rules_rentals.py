"""C4 智能自助服务设施, pure, in the manner of ``rules.py``: plain facts in, (points, rule zh / en, missing) out."""

from __future__ import annotations

from collections.abc import Mapping

from store.assessment.rules import Score, _bi, _pts

C4_MAX = 5
# The five kinds Annex 4 names, 1 point each (store.rentals counts the uses of each).
C4_NAMES: dict[str, tuple[str, str]] = {
    "charging": ("手机充电", "phone charging"),
    "wheelchair": ("轮椅", "wheelchairs"),
    "stroller": ("婴儿车", "strollers"),
    "vending": ("自动售货机", "vending machines"),
    "rental": ("自助租借", "self-service rentals"),
}
C4_READING = _bi(
    "“投用”：该类设施在统计期最近 30 天内有使用记录（会员码租借、或设备上报的使用次数）",
    "'live': the kind was used in the last 30 days of the period (a rental by member code, "
    "or usage events reported by the device)",
)


# C4 智能自助服务设施
def score_c4(uses: Mapping[str, int]) -> Score:
    """C4: one point per self-service kind live (at least one use in the window), max 5."""
    live = [k for k in C4_NAMES if uses.get(k, 0) > 0]
    points = min(len(live), C4_MAX)
    zh = "、".join(C4_NAMES[k][0] for k in live) or "无"
    en = ", ".join(C4_NAMES[k][1] for k in live) or "none"
    rule = _bi(
        f"投用的自助服务设施 {len(live)} 种（{zh}），每种 1 分，最多 {C4_MAX} 分 → {points} 分",
        f"{len(live)} self-service kinds live ({en}), 1 pt each, max {C4_MAX} → {_pts(points)}",
    )
    if points == C4_MAX:
        return points, rule, ""
    lacking = [C4_NAMES[k] for k in C4_NAMES if k not in live]
    missing = _bi(
        "投用并记录使用：" + "、".join(z for z, _ in lacking),
        "put into use, with recorded uses: " + ", ".join(e for _, e in lacking),
    )
    return points, rule, missing
