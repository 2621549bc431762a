"""Indicators the product cannot measure yet: 0 points, and which module will earn them."""

from __future__ import annotations

from collections.abc import Callable

from store.assessment.evaluators.context import EvalContext, result
from store.assessment.report import IndicatorResult

NOT_MEASURED_RULE = "尚未测量 → 0 分 / not measured yet → 0 pts"

# id → (module zh, module en): the capability that will earn the indicator once it lands.
PENDING: dict[str, tuple[str, str]] = {
    "F2": (
        "视觉模块：入口摄像头/传感器在线并上报数据",
        "vision module: entrance cameras and sensors online and reporting",
    ),
    "F4": ("视觉模块：视频监控登记与客流计数", "vision module: camera registry and footfall counting"),
    "F5": (
        "设施模块：能耗、空气、电气等物联网读数与告警",
        "facilities module: IoT readings (energy, air, electrical) and alerts",
    ),
    "S1": (
        "营销模块：线上发券、线下核销、内容发布",
        "marketing module: coupons issued online, redeemed at the POS, content",
    ),
    "S2": ("会员模块：电子会员卡、积分查询与兑换", "members module: e-member card, points ledger and redemption"),
    "S3": ("营销模块：经授权的每周精准推送及发送记录", "marketing module: consented weekly push with its delivery log"),
    "S6": ("商品模块：分渠道价格簿与同价报告", "catalog module: price books per channel and the parity report"),
    "S9": (
        "信用模块：商户信用、店铺信用码、信用服务",
        "credit module: merchant credit, shop credit QR codes, credit services",
    ),
    "S10": (
        "分析模块：消费与客流趋势预测、客群画像",
        "analytics module: sales and footfall forecasts, customer profiles",
    ),
    "C1": (
        "导购屏：入口处楼层/店铺导览、促销与领券",
        "kiosk: guide screens at the entrances (directory, promotions, coupons)",
    ),
    "C3": ("设施模块：互动体验设备及使用记录", "facilities module: interactive devices with usage events"),
    "C4": ("设施模块：自助租借设施及归还记录", "facilities module: self-service rentals with return tracking"),
    "C5": ("停车模块：找车、无感支付、扫码缴费", "parking module: find-my-car, contactless and QR payment"),
    "M2": (
        "管理后台：客流、会员消费、商品服务、商户经营分析看板",
        "admin dashboards: footfall, member spending, goods and services, merchant operations",
    ),
    "M3": (
        "管理后台：客流、云POS、商户、会员、供应链、安全应急各模块上线",
        "admin platform: footfall, cloud POS, merchants, members, supply chain, safety modules live",
    ),
    "M4": ("巡检模块：定时视频巡检及巡检记录", "patrol module: scheduled video patrol rounds and their log"),
}


def not_measured(indicator: str) -> Callable[[EvalContext], IndicatorResult]:
    """An evaluator that reports ``indicator`` as not measured yet."""
    zh, en = PENDING[indicator]

    def evaluate(ctx: EvalContext) -> IndicatorResult:
        missing = f"尚未测量：{zh} / not measured yet: {en}"
        return result(indicator, (0, NOT_MEASURED_RULE, missing), [], status="not_measured")

    evaluate.__name__ = f"evaluate_{indicator.lower()}"
    return evaluate
