"""What the demo store is made of: floors, zones, which shops each floor holds, brand-like names.

The names are invented (no real brand), Chinese first with an English name, as a tenant would sign.
"""

from __future__ import annotations

from datetime import date

from store.premises.models import ZoneKind

STORE_OPENED_ON = date(2012, 9, 28)  # anchors and the store's own staff date from the grand opening

# code, level, zh, en
FLOORS = (
    ("B1", -1, "地下一层 超市·美食", "B1 Supermarket & Food Court"),
    ("1F", 1, "一层 化妆品·珠宝", "1F Cosmetics & Jewellery"),
    ("2F", 2, "二层 女装", "2F Womenswear"),
    ("3F", 3, "三层 女装·鞋包", "3F Womenswear, Shoes & Bags"),
    ("4F", 4, "四层 男装", "4F Menswear"),
    ("5F", 5, "五层 儿童·运动", "5F Children & Sports"),
    ("6F", 6, "六层 餐饮·影院", "6F Dining & Cinema"),
)

# floor code -> (zone code suffix, zh, kind); every floor also gets an atrium
ZONES: dict[str, tuple[tuple[str, str, ZoneKind], ...]] = {
    "B1": (
        ("METRO", "地铁通道入口", ZoneKind.entrance),
        ("PARK", "地下车库入口", ZoneKind.entrance),
        ("MKT", "超市区", ZoneKind.selling),
        ("FOOD", "美食广场", ZoneKind.dining),
    ),
    "1F": (
        ("MAIN", "正门", ZoneKind.entrance),
        ("EAST", "东门", ZoneKind.entrance),
        ("NORTH", "北门", ZoneKind.entrance),
        ("BEAUTY", "美妆区", ZoneKind.selling),
        ("JEWEL", "珠宝钟表区", ZoneKind.selling),
        ("DESK", "服务台", ZoneKind.service),
    ),
    "2F": (("E", "东区", ZoneKind.selling), ("W", "西区", ZoneKind.selling)),
    "3F": (("E", "东区", ZoneKind.selling), ("W", "西区", ZoneKind.selling)),
    "4F": (("E", "东区", ZoneKind.selling), ("W", "西区", ZoneKind.selling)),
    "5F": (("KIDS", "儿童区", ZoneKind.selling), ("SPORT", "运动区", ZoneKind.selling)),
    "6F": (("DINING", "餐饮区", ZoneKind.dining), ("CINEMA", "影城", ZoneKind.selling)),
}

# floor code -> (category, number of shops, (smallest, largest) selling area in m²)
PLAN: dict[str, tuple[tuple[str, int, tuple[int, int]], ...]] = {
    "B1": (
        ("supermarket", 1, (3150, 3250)),
        ("food_court", 10, (45, 85)),
        ("bakery", 2, (70, 120)),
        ("cafe", 2, (35, 70)),
        ("snacks", 2, (40, 80)),
        ("services", 2, (60, 150)),
    ),
    "1F": (
        ("cosmetics", 22, (45, 125)),
        ("jewellery", 9, (70, 170)),
        ("watches", 3, (100, 200)),
        ("accessories", 2, (80, 140)),
        ("cafe", 1, (120, 180)),
    ),
    "2F": (("womenswear", 19, (220, 440)), ("lingerie", 2, (90, 150))),
    "3F": (("womenswear", 15, (220, 440)), ("shoes_bags", 5, (120, 240))),
    "4F": (
        ("menswear", 13, (230, 460)),
        ("shoes_bags", 3, (120, 240)),
        ("electronics", 1, (300, 450)),
        ("home", 1, (350, 500)),
    ),
    "5F": (("kidswear", 7, (160, 320)), ("toys", 2, (300, 500)), ("sports", 7, (300, 540)), ("outdoor", 3, (260, 440))),
    "6F": (("cinema", 1, (2450, 2550)), ("restaurant", 10, (260, 560)), ("cafe", 2, (100, 180))),
}

# category -> (fewest, most) staff of one shop
STAFF: dict[str, tuple[int, int]] = {
    "supermarket": (60, 70),
    "cinema": (22, 26),
    "food_court": (3, 4),
    "bakery": (4, 5),
    "cafe": (3, 4),
    "snacks": (2, 3),
    "services": (3, 4),
    "cosmetics": (3, 4),
    "jewellery": (4, 5),
    "watches": (3, 4),
    "accessories": (2, 3),
    "womenswear": (4, 6),
    "lingerie": (2, 3),
    "shoes_bags": (3, 4),
    "menswear": (3, 5),
    "electronics": (5, 7),
    "home": (3, 4),
    "kidswear": (3, 4),
    "toys": (3, 5),
    "sports": (5, 7),
    "outdoor": (3, 5),
    "restaurant": (11, 16),
}
STORE_STAFF = 124  # the store's own staff: management, service desk, security, cleaning, marketing
STORE_STAFF_AFTER_UPGRADE = 116  # self-service desks and e-membership take over some counter work

_NAMES = {
    "supermarket": "鲜选超市|FreshPick Supermarket",
    "cinema": "星光影城|Starlight Cinemas",
    "food_court": "马记兰州牛肉面|Ma's Lanzhou Noodles, 阿婆煲仔饭|Granny's Claypot Rice, 蜀香麻辣烫|Shu Malatang, "
    "北方饺子馆|Northern Dumplings, 津门煎饼|Tianjin Jianbing, 滇味过桥米线|Yunnan Rice Noodles, "
    "广式烧腊|Canton Roast Meats, 秦镇凉皮|Qinzhen Cold Noodles, 脆皮炸鸡|Crispy Chicken, 陈记肠粉|Chen's Rice Rolls, "
    "周记卤味|Zhou's Braised Snacks, 潮汕牛肉丸|Chaoshan Beef Balls",
    "bakery": "麦香园|Wheat Garden Bakery, 面包物语|Bread Story, 甜心烘焙|Sweetheart Bakery",
    "snacks": "良品小铺|Good Bites, 坚果森林|Nut Forest, 零嘴时光|Snack Time",
    "services": "康宁大药房|Kangning Pharmacy, 洁净洗衣|Clean Laundry & Keys, 快修小站|Quick Fix",
    "cafe": "星野咖啡|Hoshino Coffee, 茶语时光|Tea Moments, 柠檬工坊|Lemon Lab, 山茶里|Camellia Tea, "
    "咖啡研究所|Coffee Institute, 奶茶小镇|Milk Tea Town, 慢半拍|Half Beat Café",
    "cosmetics": "兰芮诗|Lanressie, 雪颜集|Snowface, 澜蔻|Lancou, 玉肌坊|Jade Skin Atelier, 花间集|Floralis, "
    "珀莱娜|Perlaina, 若水堂|Ruoshui, 云朵美妆|Cloudbeauty, 芙丽雅|Fleuria, 青木之源|Aoki Source, "
    "卡诗蔓|Kashimara, 悦诗兰|Yueshilan, 薇诺蓓|Vinobelle, 美肌研|Bihada Lab, 黛兰娜|Dailana, 璞颜|Puyan, "
    "香榭丽|Champelise, 雅漾泉|Avenelle, 柏芮丝|Berise, 紫罗兰之约|Violette Promise, 水漾肌|Aqualis, "
    "朵拉薇|Doravie, 蔻思美|Kosmé, 诺拉香氛|Nora Parfums, 贝蕾丝|Beleis, 沐光|Muguang Beauty, 月白|Yuebai, "
    "瑰珀翠|Rosamber",
    "jewellery": "金满堂|Golden Hall, 瑞丰珠宝|Ruifeng Jewellery, 明珠坊|Pearl Atelier, 宝莱缇|Bolaidy, "
    "钻石之心|Diamond Heart, 翠玉轩|Jade Pavilion, 金六合|Jin Liuhe, 老凤鸣|Lao Fengming, 卡缇亚|Cartéa, "
    "蒂芙琳|Tiffelin, 潮宏金|Chaohong Gold, 星辰钻饰|Stellar Diamonds",
    "watches": "名表廊|Watch Gallery, 浪琴湾|Longbay Watches, 恒时|Eterna Time, 北极星表|Polaris Watches, 时度|Chronos",
    "accessories": "丝巾屋|Silk Scarf House, 眼镜视界|Optic World, 伞语|Umbrella Story, 帽子工坊|Hat Atelier, "
    "一叶|Yiye Accessories",
    "womenswear": "素言|Suyan, 云裳|Cloud Robe, 锦瑟|Jinse, 白鹭|Egret, 桑丝语|Mulberry Whisper, 初见|First Sight, "
    "蔓楼兰|Manloulan, 拾光|Shiguang, 月光森林|Moonlit Forest, 伊丝诺|Isnow, 茉莉花开|Jasmine Bloom, 兰亭|Lanting, "
    "简素|Jian Su, 清浅|Qingqian, 秋水伊人|Autumn Lady, 安妮兰|Annielan, 莫兰迪|Morandi Studio, 衣香|Yixiang, "
    "若兰|Ruolan, 缪斯|Muse Atelier, 维纳斯之约|Venus Date, 黛丝|Daisy Mode, 柒七|Qiqi, 艾莉森|Allison Mode, "
    "卡洛琳|Caroline, 玛丽安|Marianne, 菲妮|Feini, 诺雅|Noya, 娅丽|Yali, 晨曦|Dawnlight, 凝香|Ningxiang, "
    "悠然|Youran, 曼妙|Manmiao, 雅格|Yage, 薇拉|Vera Mode, 芊芊|Qianqian, 绮梦|Dream Silk, 紫苑|Aster, "
    "青衫|Qingshan, 素锦|Sujin",
    "lingerie": "蕾丝秘语|Lace Secret, 柔肌|Softskin, 轻语|Whisper Lingerie, 暖暖|Nuannuan",
    "shoes_bags": "步步高升|Step Up, 足迹|Footprint, 皮匠|Leathersmith, 蓝鹊|Blue Magpie, 行者|Walker, "
    "鞋柜|Shoe Cabinet, 包罗万象|Bagsworld, 旅途|Journey Bags, 优步|Yoobu Shoes, 芙蕾|Fleur Shoes, "
    "金鹿|Golden Deer",
    "menswear": "绅士堂|Gentleman Hall, 海岳|Haiyue, 骏马|Stallion, 劲松|Jinsong, 利仁|Liren, 罗森堡|Rosenberg, "
    "卡尔顿|Carlton Man, 玖牌|Jiupai, 柏杉|Baishan, 君子|Junzi, 蓝天|Bluesky Men, 北岸|North Shore, "
    "墨石|Inkstone, 松柏|Pine & Cypress, 商务先生|Mr Business, 狮王|Lion Men",
    "electronics": "数码港|Digital Port, 智享|SmartLife Tech",
    "home": "家之物|Home Things, 木艺生活|Woodcraft Living",
    "kidswear": "童趣|Kiddo Fun, 小蜜蜂|Little Bee, 嘟嘟|Dudu Kids, 小鸭|Duckling, 星星童装|Star Kids, "
    "成长树|Growing Tree, 贝贝熊|Bebe Bear, 棉花糖|Cotton Candy Kids, 小小王子|Little Prince",
    "toys": "积木王国|Brick Kingdom, 玩具总动员|Toy Parade, 梦想岛|Dream Island Toys",
    "sports": "跃动|Leap Sports, 风行|Windrun, 极速|Velocity, 冠军之路|Road to Victory, 动力源|Powerhouse, "
    "奔跑吧|Run On, 跳跃|Jumpline, 体坛之星|Sportstar, 篮球公园|Hoop Park",
    "outdoor": "山野|Wildland, 探途|Trailseeker, 极地|Polar Outdoor, 峰行|Summit Walk, 野营家|Camper Home",
    "restaurant": "川味坊|Sichuan House, 粤港茶餐厅|Canton Café, 海之宴火锅|Ocean Feast Hotpot, "
    "奶奶家|Grandma's Kitchen, 青竹|Bamboo Green, 西北风|Northwest Wind, 鼎盛坊|Dingsheng Dumplings, "
    "一心拉面|Isshin Ramen, 韩宫烤肉|Korean Palace BBQ, 湘里人家|Hunan Home, 江南小馆|Jiangnan Bistro, "
    "牛排工坊|Steak Works, 寿司之家|Sushi House, 泰香|Thai Fragrance",
}

NAMES: dict[str, list[tuple[str, str]]] = {
    category: [tuple(item.strip().split("|", 1)) for item in text.split(", ")]  # type: ignore[misc]
    for category, text in _NAMES.items()
}

TENANT_CITIES = ("上海", "杭州", "广州", "深圳", "北京", "南京", "苏州", "成都", "厦门", "宁波")
