"""How each kind of shop sells in the demo: ticket size, traffic, basket size and the goods on its lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    ticket_yuan: float  # median order value
    weight: float  # relative number of orders per shop
    lines: float  # mean lines per order
    max_qty: int  # most units of one item on a line
    goods: tuple[str, ...]


PROFILES: dict[str, Profile] = {
    "supermarket": Profile(85, 260, 3.6, 4, ("牛奶", "鸡蛋", "大米", "食用油", "苹果", "酸奶", "纸巾", "洗衣液")),
    "food_court": Profile(32, 14, 1.6, 2, ("牛肉面", "煲仔饭", "麻辣烫", "饺子", "米线", "烧腊饭", "饮料")),
    "bakery": Profile(48, 12, 2.2, 3, ("吐司", "可颂", "蛋糕", "蛋挞", "法棍")),
    "snacks": Profile(58, 6, 2.4, 3, ("坚果礼盒", "牛肉干", "果干", "饼干", "糖果")),
    "services": Profile(65, 3, 1.3, 2, ("药品", "洗衣", "配钥匙", "修鞋")),
    "cafe": Profile(38, 12, 1.8, 2, ("拿铁", "美式", "奶茶", "柠檬茶", "甜点")),
    "cosmetics": Profile(620, 4.5, 1.8, 2, ("精华液", "面霜", "口红", "粉底液", "面膜", "香水", "眼霜")),
    "jewellery": Profile(6800, 0.9, 1.05, 1, ("黄金项链", "钻戒", "手镯", "耳钉", "吊坠")),
    "watches": Profile(9500, 0.5, 1.0, 1, ("机械表", "石英表", "智能手表")),
    "accessories": Profile(420, 2.2, 1.4, 2, ("围巾", "帽子", "皮带", "墨镜")),
    "womenswear": Profile(880, 2.6, 1.7, 1, ("连衣裙", "针织衫", "外套", "半身裙", "衬衫", "大衣")),
    "lingerie": Profile(360, 2.0, 1.9, 3, ("文胸", "睡衣", "家居服", "袜子")),
    "shoes_bags": Profile(820, 2.0, 1.2, 1, ("女鞋", "运动鞋", "手提包", "双肩包", "钱包")),
    "menswear": Profile(1050, 2.0, 1.6, 1, ("衬衫", "西装", "夹克", "T恤", "西裤", "羽绒服")),
    "kidswear": Profile(340, 3.0, 2.0, 2, ("童装套装", "童鞋", "卫衣", "羽绒服")),
    "toys": Profile(260, 4.0, 1.7, 2, ("积木", "玩偶", "拼图", "遥控车")),
    "sports": Profile(690, 3.0, 1.7, 2, ("跑鞋", "运动服", "瑜伽垫", "篮球")),
    "outdoor": Profile(920, 2.0, 1.5, 1, ("冲锋衣", "登山鞋", "帐篷", "背包")),
    "electronics": Profile(2600, 3.0, 1.4, 1, ("耳机", "平板", "手机", "充电宝", "手环")),
    "home": Profile(480, 2.6, 2.0, 2, ("床品四件套", "餐具", "收纳盒", "香薰")),
    "restaurant": Profile(290, 13, 3.4, 2, ("招牌菜", "凉菜", "主食", "汤", "饮品", "甜品")),
    "cinema": Profile(115, 45, 1.8, 3, ("电影票", "爆米花", "可乐", "IMAX 票")),
}
DEFAULT = Profile(300, 2.0, 1.5, 2, ("商品",))

# Share of orders per channel (offline, online, live) before and after the smart upgrade; with equal
# ticket sizes the shares hold for revenue too: overall about 85% / 12% / 3%.
CHANNEL_SHARE_BEFORE = (0.885, 0.10, 0.015)
CHANNEL_SHARE_AFTER = (0.815, 0.14, 0.045)
# Chance that an order carries a member id: scanning the e-membership code grows after the upgrade.
MEMBER_SHARE = {"offline_before": 0.29, "offline_after": 0.38, "online": 0.85, "live": 0.6}
REFUND_SHARE = {"offline": 0.012, "online": 0.06, "live": 0.08}
PAYMENTS_OFFLINE = (("wechat", 45), ("alipay", 28), ("unionpay", 15), ("cash", 5), ("stored_value", 7))
PAYMENTS_ONLINE = (("wechat", 62), ("alipay", 35), ("stored_value", 3))
RECEIPT_CAPTURE_SHARE = 0.2  # shops whose own POS is bridged by a capture box
NO_POS_CATEGORIES = ("services", "snacks", "food_court")  # small counters that declare daily totals
NO_POS_SHOPS = 4

# Relative orders per local hour while the store is open (10:00 to 22:00); online from 07:00 to 24:00.
STORE_HOURS = {10: 4, 11: 7, 12: 9, 13: 9, 14: 10, 15: 10, 16: 9, 17: 9, 18: 11, 19: 12, 20: 10, 21: 6}
ONLINE_HOURS = {
    7: 2,
    8: 3,
    9: 4,
    10: 5,
    11: 6,
    12: 8,
    13: 6,
    14: 5,
    15: 5,
    16: 5,
    17: 6,
    18: 7,
    19: 8,
    20: 10,
    21: 11,
    22: 9,
    23: 5,
}
