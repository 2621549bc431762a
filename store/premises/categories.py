"""Shop categories: the code stored on a shop, with its Chinese and English names."""

from __future__ import annotations

CATEGORIES: dict[str, tuple[str, str]] = {
    "supermarket": ("超市", "Supermarket"),
    "food_court": ("美食广场", "Food court"),
    "bakery": ("烘焙", "Bakery"),
    "snacks": ("休闲食品", "Snacks"),
    "cafe": ("咖啡茶饮", "Café & tea"),
    "cosmetics": ("化妆品", "Cosmetics"),
    "jewellery": ("珠宝", "Jewellery"),
    "watches": ("钟表", "Watches"),
    "accessories": ("服饰配件", "Accessories"),
    "womenswear": ("女装", "Womenswear"),
    "lingerie": ("内衣", "Lingerie"),
    "shoes_bags": ("鞋包", "Shoes & bags"),
    "menswear": ("男装", "Menswear"),
    "kidswear": ("童装", "Childrenswear"),
    "toys": ("玩具", "Toys"),
    "sports": ("运动", "Sportswear"),
    "outdoor": ("户外", "Outdoor"),
    "electronics": ("数码", "Electronics"),
    "home": ("家居", "Home"),
    "restaurant": ("餐饮", "Restaurant"),
    "cinema": ("影院", "Cinema"),
    "services": ("生活服务", "Services"),
}


def label(code: str, locale: str = "zh_CN") -> str:
    """The category's name in ``locale`` (the code itself when unknown)."""
    names = CATEGORIES.get(code)
    if names is None:
        return code
    return names[0] if locale.startswith("zh") else names[1]
