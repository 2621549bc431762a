"""S6 同品同质同价: which SKUs sell at the same effective price online and at the till, per shop and category.

The prices compared are the resolver's (``pricing.effective``: tax-inclusive, after channel-wide,
category and SKU promotions), never list prices.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func
from sqlmodel import Session, select

from store.catalog import pricing
from store.catalog import service as catalog_service
from store.catalog.schemas import ParityPreview, PriceChannel
from store.errors import InvalidInput
from store.premises.models import Shop

RULE_ZH = (
    "同价规则：期内线上（商城/小程序）与线下（门店收银）均在售、且任一时刻两渠道的含税实际成交价"
    "（含全渠道、品类、单品促销）均相同的SKU计为同价；分母为期内在任一渠道在售的SKU。"
    "价格由统一定价器计算，各渠道不另行计算。"
)
RULE_EN = (
    "Parity rule: a SKU is in parity for the period when, at the period's end, it is on sale both online "
    "(mall / mini-program) and at the till, and at no moment of the period when both sold it did their "
    "tax-inclusive effective prices (after channel-wide, category and SKU promotions) differ. The "
    "denominator is every SKU on sale on at least one of the two channels. All prices come from the one resolver."
)
_CHANNELS = (PriceChannel.offline, PriceChannel.online)


@dataclass(frozen=True)
class Drift:
    sku_id: int
    sku: str
    shop_id: int
    category: str
    offline_fen: int | None
    online_fen: int | None
    since: datetime | None
    until: datetime | None


@dataclass
class Share:
    in_parity: int = 0
    counted: int = 0

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.in_parity, self.counted) if self.counted else Fraction(0)

    @property
    def percent(self) -> float:
        return round(float(self.fraction * 100), 1)


@dataclass
class ParityReport:
    start: datetime
    end: datetime
    total: Share
    statuses: Counter[str]
    by_shop: dict[int, Share]
    by_category: dict[str, Share]
    drifted: list[Drift]
    shop_names: dict[int, str] = field(default_factory=dict)
    rule_zh: str = RULE_ZH
    rule_en: str = RULE_EN


def _statuses(
    facts: dict[int, catalog_service.SkuFacts],
    books: dict[tuple[int, str], pricing.Book],
    start: datetime,
    end: datetime,
) -> dict[int, pricing.Parity]:
    return {
        sku_id: pricing.parity(books[(sku_id, "offline")], books[(sku_id, "online")], start, end) for sku_id in facts
    }


def report(
    session: Session,
    store_id: int,
    start: datetime,
    end: datetime,
    *,
    shop_id: int | None = None,
    category: str | None = None,
) -> ParityReport:
    """The parity of every SKU over ``[start, end)`` (``start == end``: at that moment), by shop and category."""
    if end < start:
        raise InvalidInput(
            f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            errors=[{"loc": ["query", "end"], "msg": "must not be before start"}],
        )
    facts, books = catalog_service.load_books(session, store_id, _CHANNELS, shop_id=shop_id, until=end)
    if category is not None:
        facts = {k: v for k, v in facts.items() if v.category == category}
    results = _statuses(facts, books, start, end)
    total, statuses = Share(), Counter[str]()
    by_shop: dict[int, Share] = defaultdict(Share)
    by_category: dict[str, Share] = defaultdict(Share)
    drifted = []
    for sku_id, outcome in results.items():
        statuses[outcome.status] += 1
        if outcome.status == pricing.UNLISTED:
            continue
        sku = facts[sku_id]
        hit = int(outcome.status == pricing.PARITY)
        for share in (total, by_shop[sku.shop_id], by_category[sku.category]):
            share.in_parity += hit
            share.counted += 1
        if outcome.status == pricing.DRIFTED:
            drifted.append(
                Drift(
                    sku_id,
                    sku.code,
                    sku.shop_id,
                    sku.category,
                    outcome.offline_fen,
                    outcome.online_fen,
                    outcome.since,
                    outcome.until,
                )
            )
    drifted.sort(key=lambda d: (d.since or start, d.sku))
    names = {
        sid: name
        for sid, name in session.execute(select(Shop.id, Shop.name).where(Shop.store_id == store_id))  # type: ignore[arg-type]
    }
    return ParityReport(start, end, total, statuses, dict(by_shop), dict(by_category), drifted, names)


@dataclass(frozen=True)
class Totals:
    """What the self-assessment (S6) reads of a report: the counts, never the lists."""

    in_parity: int
    counted: int
    drifted: int
    one_channel: int  # on sale offline only or online only

    @classmethod
    def of(cls, found: ParityReport) -> Totals:
        one = found.statuses[pricing.OFFLINE_ONLY] + found.statuses[pricing.ONLINE_ONLY]
        return cls(found.total.in_parity, found.total.counted, len(found.drifted), one)


def data_version(session: Session, store_id: int) -> str:
    """A fingerprint of everything a report reads: the book version (every product, price or promotion write
    publishes one), and the count and newest id of the SKUs, prices and promotions and the books' tax setting,
    so that a row written without publishing changes it too. Equal fingerprints, equal reports."""
    book = catalog_service.current_version(session, store_id)
    parts = [str(book)]
    for table in (catalog_service.SKU, catalog_service.PRICE, catalog_service.PROMOTION):
        count, newest = session.execute(
            select(func.count(), func.max(table.c.id)).where(table.c.store_id == store_id)
        ).one()
        parts.append(f"{count}.{newest or 0}")
    parts.append(
        str(
            int(
                session.execute(
                    select(func.coalesce(func.sum(catalog_service.SKU.c.rev), 0)).where(
                        catalog_service.SKU.c.store_id == store_id
                    )
                ).scalar_one()
            )
        )
    )
    included = catalog_service.tax_included(session, store_id)
    parts.append("".join("t" if included[c.value] else "f" for c in _CHANNELS))
    return ":".join(parts)


def stable_until(session: Session, store_id: int, at: datetime) -> datetime | None:
    """The first moment after ``at`` where a price entry or a promotion of the store starts or ends (None: none
    is known). Until then a report over ``[start, t)`` for ``at <= t`` reads what it reads at ``at``: no price
    entry starts and no promotion changes in between, so the books and their change points are the same."""
    chans = [c.value for c in _CHANNELS]
    price = catalog_service.PRICE
    promo = catalog_service.PROMOTION
    found = [
        session.execute(
            select(func.min(price.c.starts_at)).where(
                price.c.store_id == store_id, price.c.channel.in_(chans), price.c.starts_at > at
            )
        ).scalar(),
        *(
            session.execute(
                select(func.min(column)).where(promo.c.store_id == store_id, promo.c.channel.in_(chans), column > at)
            ).scalar()
            for column in (promo.c.starts_at, promo.c.ends_at)
        ),
    ]
    moments = [m for m in found if m is not None]
    return min(moments) if moments else None


def share_text(before: Share, after: Share) -> str:
    return f"S6 share {before.percent:.1f}% → {after.percent:.1f}%"


def preview(
    session: Session, store_id: int, sku_code: str, channel: PriceChannel, price_fen: int, at: datetime
) -> ParityPreview:
    """What setting ``sku``'s ``channel`` price to ``price_fen`` from ``at`` does to the S6 share at ``at``."""
    catalog_service.check_price(price_fen)
    sku = catalog_service.get_sku_by_code(session, store_id, sku_code)
    snapshot = report(session, store_id, at, at)
    sku_id = sku.id
    assert sku_id is not None
    _, books = catalog_service.load_books(session, store_id, _CHANNELS, sku_ids=[sku_id], until=at)
    key = (sku_id, "offline"), (sku_id, "online")
    before = pricing.parity(books[key[0]], books[key[1]], at, at)
    if channel in _CHANNELS:
        books[(sku_id, channel.value)] = books[(sku_id, channel.value)].with_entry(at, price_fen)
    after = pricing.parity(books[key[0]], books[key[1]], at, at)
    shifted = Share(snapshot.total.in_parity, snapshot.total.counted)
    for outcome, sign in ((before, -1), (after, 1)):
        if outcome.status != pricing.UNLISTED:
            shifted.counted += sign
            shifted.in_parity += sign * int(outcome.status == pricing.PARITY)
    return ParityPreview(
        sku=sku.code,
        status_before=before.status,
        status_after=after.status,
        share_before=snapshot.total.percent,
        share_after=shifted.percent,
        message=share_text(snapshot.total, shifted),
    )
