"""Consumer group profiles (S10 消费群体画像): KMeans (scikit-learn) on each member's last 365 days.

Features per member, read as two grouped SQL queries: recency, orders, net spend, visit days a month, the
weekend share of orders, and the share of spend in each category family. Only active members whose latest
decision on ``profiling`` is a grant are profiled (PIPL art. 24; 中消协: no profiling without consent). Each
group gets a generated name and description in Chinese and English from its averages; pages show groups
and counts, never a member's phone or name.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Select, case, delete, extract, func, insert, select
from sqlmodel import Session

from store.analytics.models import MemberProfile, ProfileGroup
from store.members.models import Member, MemberConsent
from store.premises.models import Shop
from store.sales.models import Order

WINDOW_DAYS = 365
GROUPS = 6
PURPOSE = "profiling"
# Category families: (code, Chinese, English persona word), and which shop categories each holds.
FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "food": ("餐饮美食", "food and dining", ("supermarket", "food_court", "bakery", "snacks", "cafe", "restaurant")),
    "beauty": ("美妆珠宝", "beauty and jewellery", ("cosmetics", "jewellery", "watches", "accessories")),
    "fashion": ("时尚服饰", "fashion", ("womenswear", "lingerie", "shoes_bags", "menswear")),
    "kids": ("儿童亲子", "children", ("kidswear", "toys")),
    "sports": ("运动户外", "sports and outdoor", ("sports", "outdoor")),
    "home": ("家居数码", "home and electronics", ("electronics", "home")),
    "leisure": ("休闲娱乐", "leisure", ("cinema", "services")),
}
FAMILY_OF = {category: family for family, (_, _, cats) in FAMILIES.items() for category in cats}
FAMILY_KEYS = tuple(FAMILIES)

_o = Order.__table__  # type: ignore[attr-defined]
_m = Member.__table__  # type: ignore[attr-defined]
_c = MemberConsent.__table__  # type: ignore[attr-defined]
_shop = Shop.__table__  # type: ignore[attr-defined]
_p = MemberProfile.__table__  # type: ignore[attr-defined]
_g = ProfileGroup.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Features:
    member_ids: np.ndarray
    recency: np.ndarray  # days since the last purchase
    orders: np.ndarray
    spend_fen: np.ndarray
    visits_per_month: np.ndarray
    weekend_share: np.ndarray
    shares: np.ndarray  # members × families: share of spend


@dataclass(frozen=True)
class Clustering:
    groups: list[ProfileGroup]
    members: int
    seconds: float


def profiled_members(store_id: int) -> Select[Any]:
    """``SELECT member.id`` of the store's active members whose latest ``profiling`` decision is a grant (one
    grouped read of the consent ledger, not a correlated lookup per member)."""
    latest = select(func.max(_c.c.id).label("id")).where(_c.c.purpose == PURPOSE).group_by(_c.c.member_id).subquery()
    granted = select(_c.c.member_id).join(latest, latest.c.id == _c.c.id).where(_c.c.granted.is_(True))
    return select(_m.c.id).where(_m.c.store_id == store_id, _m.c.status == "active", _m.c.id.in_(granted))


def features(session: Session, store_id: int, today: date) -> Features:
    """Every profiled member's features over the 365 days before ``today`` (members who bought nothing are left out)."""
    since = datetime.combine(today - timedelta(days=WINDOW_DAYS), datetime.min.time(), tzinfo=UTC)
    until = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    net = _o.c.total_fen - _o.c.refunded_fen
    window = [
        _o.c.store_id == store_id,
        _o.c.ordered_at >= since,
        _o.c.ordered_at < until,
        _o.c.member_id.in_(profiled_members(store_id)),
    ]
    weekend = case((extract("dow", _o.c.business_on).in_((0, 6)), 1), else_=0)
    rows = session.execute(
        select(
            _o.c.member_id,
            func.max(_o.c.business_on),
            func.count(),
            func.count(func.distinct(_o.c.business_on)),
            func.sum(weekend),
            func.sum(net),
        )
        .where(*window)
        .group_by(_o.c.member_id)
        .order_by(_o.c.member_id)
    ).all()
    if not rows:
        empty = np.zeros(0)
        return Features(empty.astype(int), empty, empty, empty, empty, empty, np.zeros((0, len(FAMILY_KEYS))))
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    last = [r[1] if isinstance(r[1], date) else date.fromisoformat(str(r[1])[:10]) for r in rows]
    orders = np.array([r[2] for r in rows], dtype=float)
    position = {int(m): i for i, m in enumerate(ids)}
    shares = np.zeros((len(ids), len(FAMILY_KEYS)))
    for member_id, category, spent in session.execute(
        select(_o.c.member_id, _shop.c.category, func.sum(net))
        .select_from(_o.join(_shop, _shop.c.id == _o.c.shop_id))
        .where(*window)
        .group_by(_o.c.member_id, _shop.c.category)
    ):
        family = FAMILY_OF.get(category, "leisure")
        shares[position[int(member_id)], FAMILY_KEYS.index(family)] += max(int(spent or 0), 0)
    totals = shares.sum(axis=1, keepdims=True)
    shares = np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)
    return Features(
        member_ids=ids,
        recency=np.array([(today - d).days for d in last], dtype=float),
        orders=orders,
        spend_fen=np.array([max(int(r[5] or 0), 0) for r in rows], dtype=float),
        visits_per_month=np.array([r[3] for r in rows], dtype=float) / 12.0,
        weekend_share=np.array([r[4] for r in rows], dtype=float) / np.maximum(orders, 1),
        shares=shares,
    )


def _matrix(found: Features) -> np.ndarray:
    columns = [
        np.log1p(found.recency),
        np.log1p(found.orders),
        np.log1p(found.spend_fen / 100),
        found.visits_per_month,
        found.weekend_share,
    ]
    raw = np.column_stack(columns)
    scaled = (raw - raw.mean(axis=0)) / np.where(raw.std(axis=0) > 0, raw.std(axis=0), 1.0)
    return np.hstack([scaled, found.shares * 2.0])  # shares are 0..1: weighted to count beside z-scores


def describe(traits: dict[str, Any], overall_spend_fen: float) -> tuple[str, str, str, str]:
    """(name zh, name en, description zh, description en) of a group from its averages."""
    weekend = traits["weekend_share"]
    when_zh, when_en = (
        ("周末", "Weekend") if weekend >= 0.55 else ("工作日", "Weekday") if weekend <= 0.25 else ("", "")
    )
    if traits["recency_days"] >= 120:
        value_zh, value_en = "沉睡", "lapsing"
    elif traits["spend_fen"] >= 1.5 * overall_spend_fen:
        value_zh, value_en = "高消费", "high-spending"
    else:
        value_zh, value_en = "", ""
    top = sorted(FAMILY_KEYS, key=lambda k: -traits["shares"][k])
    picked = [k for k in top[:2] if traits["shares"][k] >= 0.2] or top[:1]
    persona_zh = "家庭" if picked[0] == "kids" else FAMILIES[picked[0]][0]
    persona_en = "family" if picked[0] == "kids" else FAMILIES[picked[0]][1]
    name_zh = f"{when_zh}{value_zh}{persona_zh}客群"
    words = [w for w in (when_en, value_en, persona_en) if w]
    name_en = " ".join(words).capitalize() + " shoppers"
    cats_zh = "与".join(FAMILIES[k][0] for k in picked)
    cats_en = " and ".join(FAMILIES[k][1] for k in picked)
    visits = traits["visits_per_month"]
    yuan = round(traits["spend_fen"] / 100)
    description_zh = (
        f"{name_zh}：{cats_zh}，月均到店 {visits:.1f} 次，周末订单占 {round(weekend * 100)}%，"
        f"近一年人均消费 ¥{yuan:,}，平均 {round(traits['recency_days'])} 天前最近一次消费"
    )
    description_en = (
        f"{name_en}: {cats_en}, {visits:.1f} visits a month, {round(weekend * 100)}% of orders at weekends, "
        f"¥{yuan:,} a year each, last purchase {round(traits['recency_days'])} days ago on average"
    )
    return name_zh, name_en, description_zh, description_en


def cluster(session: Session, store_id: int, today: date, *, groups: int = GROUPS, seed: int = 0) -> Clustering:
    """Cluster the profiled members, describe each group and store both (replacing the previous clustering)."""
    from sklearn.cluster import KMeans  # heavy import: only where members are clustered
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    found = features(session, store_id, today)
    session.execute(delete(_p).where(_p.c.store_id == store_id))
    session.execute(delete(_g).where(_g.c.store_id == store_id))
    count = len(found.member_ids)
    if count == 0:
        return Clustering([], 0, time.perf_counter() - started)
    k = max(1, min(groups, count))
    with threadpool_limits(1):  # a loaded server: threads only fight over the cores
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(_matrix(found))
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")  # group 1 is the biggest
    number = {int(label): rank + 1 for rank, label in enumerate(order)}
    overall = float(found.spend_fen.mean())
    stored = []
    for label in order:
        mask = labels == label
        traits = {
            "recency_days": float(found.recency[mask].mean()),
            "orders": float(found.orders[mask].mean()),
            "spend_fen": float(found.spend_fen[mask].mean()),
            "visits_per_month": float(found.visits_per_month[mask].mean()),
            "weekend_share": float(found.weekend_share[mask].mean()),
            "shares": {key: float(found.shares[mask, i].mean()) for i, key in enumerate(FAMILY_KEYS)},
        }
        name_zh, name_en, text_zh, text_en = describe(traits, overall)
        row = ProfileGroup(
            store_id=store_id,
            group_no=number[int(label)],
            members=int(mask.sum()),
            name_zh=name_zh,
            name_en=name_en,
            description_zh=text_zh,
            description_en=text_en,
            traits={key: (round(v, 3) if isinstance(v, float) else v) for key, v in traits.items()},
        )
        session.add(row)
        stored.append(row)
    session.flush()
    rows = [
        {"store_id": store_id, "member_id": int(m), "group_no": number[int(label)]}
        for m, label in zip(found.member_ids, labels, strict=True)
    ]
    for i in range(0, len(rows), 10_000):
        session.execute(insert(_p), rows[i : i + 10_000])
    return Clustering(stored, count, time.perf_counter() - started)


def list_groups(session: Session, store_id: int) -> list[ProfileGroup]:
    return list(
        session.execute(select(ProfileGroup).where(_g.c.store_id == store_id).order_by(_g.c.group_no)).scalars()
    )


def members_in_groups(store_id: int, group_nos: list[int]) -> Select[Any]:
    """``SELECT member_id`` of the members in any of the groups (for a marketing segment's rule)."""
    # A member who withdrew the profiling consent since the last clustering is left out at once.
    return select(_p.c.member_id).where(
        _p.c.store_id == store_id, _p.c.group_no.in_(group_nos), _p.c.member_id.in_(profiled_members(store_id))
    )
