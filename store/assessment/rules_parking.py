"""Pure scoring rule of C5 智能停车 (smart parking): a parking system live from its gates, with at least one of
the smart functions Annex 4 names in use: find-my-car (反向寻车), contactless payment (无感支付), QR self-pay
(扫码缴费)."""

from __future__ import annotations

from dataclasses import dataclass

from store.assessment.rules import Score, _bi, _pts

C5_MAX = 5
# function → (zh, en); contactless payment needs a provider's 无感支付 contract: not in this build, never counted
C5_FUNCTIONS: dict[str, tuple[str, str]] = {
    "find_car": ("扫码/屏幕反向寻车", "find-my-car by kiosk or phone"),
    "qr_pay": ("扫码缴费", "QR self-pay"),
}
C5_READING = _bi(
    "“智能停车系统”指评估窗口内有道闸车牌识别产生的停车记录；功能以窗口内的使用记录为准（找到车辆的查询、已支付的扫码缴费）",
    "'a smart parking system' means stays recorded from the gates' plate reads in the window; functions count when "
    "used in the window (lookups that found the car, QR payments paid)",
)


@dataclass(frozen=True)
class ParkingFacts:
    gates: int  # gates registered
    stays: int  # stays opened by gate reads in the window
    finds: int  # find-my-car lookups that found the car
    qr_payments: int  # parking payments paid by QR


def score_c5(facts: ParkingFacts) -> Score:
    """C5: 5 points when the gates recorded stays and at least one smart function was used, else 0."""
    used = [f for f, n in (("find_car", facts.finds), ("qr_pay", facts.qr_payments)) if n > 0]
    live = facts.gates > 0 and facts.stays > 0
    points = C5_MAX if live and used else 0
    zh_used = "、".join(C5_FUNCTIONS[f][0] for f in used) or "无"
    en_used = ", ".join(C5_FUNCTIONS[f][1] for f in used) or "none"
    rule = _bi(
        f"道闸 {facts.gates} 个，窗口内停车记录 {facts.stays} 条；使用中的智能功能：{zh_used}；"
        f"系统在用且至少 1 项功能 → {C5_MAX} 分，否则 0 分 → {points} 分",
        f"{facts.gates} gates, {facts.stays} stays in the window; smart functions in use: {en_used}; "
        f"a live system with at least 1 function → {C5_MAX} pts, else 0 → {_pts(points)}",
    )
    if points:
        return points, rule, ""
    if facts.gates == 0:
        missing = _bi("登记停车场道闸并接入车牌识别", "register the car park's gates and connect their plate cameras")
    elif facts.stays == 0:
        missing = _bi("道闸在评估窗口内没有停车记录", "the gates recorded no stays in the window")
    else:
        missing = _bi("反向寻车或扫码缴费需有使用记录", "find-my-car or QR self-pay needs recorded use in the window")
    return points, rule, missing
