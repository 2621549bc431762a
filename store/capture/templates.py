"""Templates shipped with the system: starting points an admin copies and adjusts per tenant (pure)."""

from __future__ import annotations

from store.capture.schemas import TemplateSpec

# The layout most Chinese tills print: 单号 / 时间 / items (name qty price amount) / 合计 / 优惠 / tenders.
ZH_BASIC = TemplateSpec(
    receipt_no=r"(?:单号|小票号|流水号|票号)\s*[:：]\s*(\S+)",
    time=r"(?:时间|日期)\s*[:：]\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})",
    total=r"(?:合计|应收|总计|实收)\s*[:：]\s*[¥￥]?\s*(-?[\d,]+\.\d{2})",
    discount=r"(?:优惠|折扣)\s*[:：]\s*[¥￥]?\s*-?([\d,]+\.\d{2})",
    line=r"^\s*(?P<name>\S.*?)\s+(?P<qty>\d+)\s+(?P<price>\d[\d,]*\.\d{2})\s+(?P<amount>\d[\d,]*\.\d{2})\s*$",
    payment=r"^\s*(?P<method>微信|支付宝|现金|银联|银行卡|刷卡|储值)\S*\s*[:：]\s*[¥￥]?\s*(?P<amount>[\d,]+\.\d{2})",
)

BUILTIN: dict[str, TemplateSpec] = {"zh-basic": ZH_BASIC}
