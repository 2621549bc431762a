"""Live sessions, the orders they bring, and how long their records are kept.

Attribution (pitfall: orders saved as source "unknown" despite their campaign parameter): an order is
attributed to a session only by an explicit code given when the order is created — the session's
link/QR parameter or one of its session-bound coupons — and the session is stamped on the order in the
same transaction (:func:`create_attributed_order` writes a ``live_attribution`` row). Nothing is attributed
afterwards by time or product. A link is valid from the session's start until ``LINK_WINDOW`` after its end (replays and
clips); a coupon for as long as the session's records are kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.catalog.errors import SkuNotFound
from store.catalog.schemas import PriceChannel
from store.clock import business_day, day_bounds_utc, month_key
from store.live.errors import LiveCodeTaken, LiveCodeUnknown, LiveSessionNotFound, LiveTimesInvalid, RetentionTooShort
from store.live.models import LiveAttribution, LiveCoupon, LiveProduct, LiveSession
from store.live.schemas import BEYOND_SELLING, LiveSessionCreate, SessionKind
from store.premises import service as premises_service
from store.sales import service as sales_service
from store.sales.models import Order
from store.sales.schemas import OrderCreate
from store.scoping import Viewer, get_in_store

LINK_WINDOW = timedelta(hours=72)
MIN_RETENTION_YEARS = 3  # 直播电商监督管理办法: live and transaction records kept ≥ 3 years


def _code() -> str:
    return "L" + secrets.token_hex(5).upper()


def create(session: Session, store_id: int, data: LiveSessionCreate) -> LiveSession:
    """Schedule a session with its products and coupons; a coupon code already used refuses it all."""
    if data.ends_at <= data.starts_at:
        raise LiveTimesInvalid(f"the session ends ({data.ends_at.isoformat()}) before it starts")
    if data.shop_id is not None:
        premises_service.get_shop(session, store_id, data.shop_id)
    codes = [c.strip() for c in data.coupons]
    taken = session.exec(
        select(LiveCoupon.code).where(LiveCoupon.store_id == store_id, col(LiveCoupon.code).in_(codes))
    ).all()
    if taken or len(set(codes)) != len(codes) or any(not c for c in codes):
        raise LiveCodeTaken(f"coupon codes already used or repeated: {', '.join(sorted(set(taken)) or codes)}")
    row = LiveSession(
        store_id=store_id,
        shop_id=data.shop_id,
        code=_code(),
        title=data.title,
        platform=data.platform,
        kind=data.kind,
        host=data.host,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        viewers=data.viewers,
    )
    session.add(row)
    session.flush()
    skus = {p.sku: p.price_fen for p in data.products}
    session.add_all([LiveProduct(session_id=row.id, sku=sku, price_fen=price) for sku, price in skus.items()])  # type: ignore[arg-type]
    session.add_all([LiveCoupon(store_id=store_id, session_id=row.id, code=code) for code in codes])  # type: ignore[arg-type]
    session.flush()
    return row


def schedule(session: Session, store_id: int, data: LiveSessionCreate) -> LiveSession:
    """``create``, with each product's shown price (明码标价) taken from the one resolver at the session's start
    where the caller gives none: the live book, else the online one (a SKU in neither keeps no price)."""
    products = []
    for product in data.products:
        if product.price_fen is None:
            try:
                sku = catalog_service.get_sku_by_code(session, store_id, product.sku)
                books = (PriceChannel.live, PriceChannel.online)
                price = catalog_service.resolve_first(session, store_id, sku, books, data.starts_at)[1].price_fen
                product = product.model_copy(update={"price_fen": price})
            except SkuNotFound:
                pass
        products.append(product)
    return create(session, store_id, data.model_copy(update={"products": products}))


def get(session: Session, store_id: int, session_id: int, *, viewer: Viewer | None = None) -> LiveSession:
    return get_in_store(
        session,
        LiveSession,
        session_id,
        store_id=store_id,
        not_found=LiveSessionNotFound,
        label="live session",
        viewer=viewer,
    )


def set_viewers(session: Session, store_id: int, session_id: int, viewers: int) -> LiveSession:
    row = get(session, store_id, session_id)
    row.viewers = viewers
    session.add(row)
    session.flush()
    return row


def resolve_code(session: Session, store_id: int, code: str, at: datetime) -> LiveSession:
    """The session a link/QR code or a session-bound coupon names, if valid at ``at``."""
    code = code.strip()
    row = session.exec(select(LiveSession).where(LiveSession.store_id == store_id, LiveSession.code == code)).first()
    if row is not None:
        if not row.starts_at <= at <= row.ends_at + LINK_WINDOW:
            raise LiveCodeUnknown(f"session link {code!r} is valid {row.starts_at.isoformat()} .. 72 h after its end")
        return row
    coupon = session.exec(select(LiveCoupon).where(LiveCoupon.store_id == store_id, LiveCoupon.code == code)).first()
    if coupon is None:
        raise LiveCodeUnknown(f"{code!r} is no live session link or session coupon of this store")
    found = session.get(LiveSession, coupon.session_id)
    assert found is not None
    if at < found.starts_at:
        raise LiveCodeUnknown(f"coupon {code!r} is valid from its session's start {found.starts_at.isoformat()}")
    return found


def create_attributed_order(session: Session, store_id: int, data: OrderCreate, *, code: str | None) -> Order:
    """Create an order and, when it came with a live code, stamp its session on it in the same transaction."""
    live = resolve_code(session, store_id, code, data.ordered_at) if code else None
    order = sales_service.create_order(session, store_id, data)
    if live is not None and code:
        via = "link" if code.strip() == live.code else "coupon"
        stamp = LiveAttribution(
            store_id=store_id,
            order_id=order.id,  # type: ignore[arg-type]
            session_id=live.id,  # type: ignore[arg-type]
            via=via,
            code=code.strip()[:32],
        )
        session.add(stamp)
        session.flush()
    return order


def session_of_order(session: Session, store_id: int, order_id: int) -> int | None:
    """The live session an order was stamped with at creation, if any."""
    query = select(LiveAttribution.session_id).where(
        LiveAttribution.store_id == store_id, LiveAttribution.order_id == order_id
    )
    return session.exec(query).first()


def products(session: Session, session_id: int) -> list[LiveProduct]:
    return list(
        session.exec(select(LiveProduct).where(LiveProduct.session_id == session_id).order_by(col(LiveProduct.sku)))
    )


def coupons(session: Session, session_id: int) -> list[LiveCoupon]:
    return list(
        session.exec(select(LiveCoupon).where(LiveCoupon.session_id == session_id).order_by(col(LiveCoupon.code)))
    )


def attributed_orders(session: Session, store_id: int, session_id: int, *, limit: int = 200) -> list[Order]:
    query = (
        select(Order)
        .join(LiveAttribution, col(LiveAttribution.order_id) == col(Order.id))
        .where(LiveAttribution.store_id == store_id, LiveAttribution.session_id == session_id)
    )
    return list(session.exec(query.order_by(col(Order.ordered_at)).limit(limit)))


def attributed_totals(session: Session, store_id: int, session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(orders, net revenue in fen) attributed to each session."""
    if not session_ids:
        return {}
    query = (
        select(LiveAttribution.session_id, func.count(), func.sum(Order.total_fen - Order.refunded_fen))  # type: ignore[operator]
        .join(Order, col(Order.id) == col(LiveAttribution.order_id))
        .where(LiveAttribution.store_id == store_id, col(LiveAttribution.session_id).in_(session_ids))
        .group_by(col(LiveAttribution.session_id))
    )
    return {sid: (int(n), int(total or 0)) for sid, n, total in session.exec(query)}  # type: ignore[misc]


def list_between(session: Session, store_id: int, start: date, end: date, tz: str) -> list[LiveSession]:
    """Sessions starting on the business days ``start`` .. ``end``, in time order."""
    since, until = day_bounds_utc(start, tz)[0], day_bounds_utc(end, tz)[1]
    query = select(LiveSession).where(
        LiveSession.store_id == store_id, LiveSession.starts_at >= since, LiveSession.starts_at < until
    )
    return list(session.exec(query.order_by(col(LiveSession.starts_at))))


@dataclass
class MonthCount:
    month: str
    sessions: int = 0
    beyond_selling: int = 0
    kinds: dict[str, int] | None = None


def monthly_counts(session: Session, store_id: int, start: date, end: date, tz: str) -> dict[str, MonthCount]:
    """Sessions per month of their start (store's timezone), and how many go beyond pure selling (S8)."""
    counts: dict[str, MonthCount] = {}
    since, until = day_bounds_utc(start, tz)[0], day_bounds_utc(end, tz)[1]
    query = select(LiveSession.starts_at, LiveSession.kind).where(
        LiveSession.store_id == store_id, LiveSession.starts_at >= since, LiveSession.starts_at < until
    )
    for starts_at, kind in session.exec(query):
        key = month_key(business_day(starts_at, tz))
        month = counts.setdefault(key, MonthCount(key, kinds={}))
        month.sessions += 1
        month.beyond_selling += SessionKind(kind) in BEYOND_SELLING
        assert month.kinds is not None
        month.kinds[kind] = month.kinds.get(kind, 0) + 1
    return counts


def purge_before(session: Session, store_id: int, before: date, *, today: date) -> int:
    """Delete sessions that ended before ``before`` with their products, coupons and attributions (the orders
    stay); refused when ``before`` is less than 3 years ago, so no younger record can go."""
    try:
        oldest_allowed = today.replace(year=today.year - MIN_RETENTION_YEARS)
    except ValueError:  # 29 February
        oldest_allowed = today.replace(year=today.year - MIN_RETENTION_YEARS, day=28)
    if before > oldest_allowed:
        raise RetentionTooShort(
            f"live records are kept at least {MIN_RETENTION_YEARS} years: purge only before {oldest_allowed}"
        )
    tz = premises_service.get_store(session, store_id).timezone
    limit = day_bounds_utc(before, tz)[0]
    ids = list(
        session.exec(select(LiveSession.id).where(LiveSession.store_id == store_id, LiveSession.ends_at < limit))
    )
    if not ids:
        return 0
    session.exec(delete(LiveAttribution).where(col(LiveAttribution.session_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(LiveCoupon).where(col(LiveCoupon.session_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(LiveProduct).where(col(LiveProduct.session_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(LiveSession).where(col(LiveSession.id).in_(ids)))  # type: ignore[call-overload]
    return len(ids)
