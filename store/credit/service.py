"""Credit profiles and scores (S9 信用信息服务): the facts of each shop, the recompute, credit services and
referrals, and the figures the admin overview and the S9 evaluator read.

The score is recomputed on every event (a complaint closed, an inspection or permit recorded, the profile
changed) for that shop, and nightly for every shop (:func:`recompute_all`, set-based).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from store.clock import business_day, day_bounds_utc, utcnow
from store.credit import codes, rules, schemas, shopfront
from store.credit.errors import CreditInputInvalid, ServiceNotFound
from store.credit.models import (
    AppealStatus,
    ComplaintStatus,
    CreditAppeal,
    CreditComplaint,
    CreditInspection,
    CreditPermit,
    CreditProfile,
    CreditReason,
    CreditReferral,
    CreditService,
    ReferralOutcome,
)
from store.kpi.models import KpiSalesDaily
from store.premises import service as premises_service
from store.premises.models import Shop
from store.scoping import Viewer, get_in_store

SERVICE_KINDS = {
    "consulting": ("信用咨询", "credit consulting"),
    "guarantee": ("融资担保", "guarantee"),
    "loan": ("信用贷款", "loan"),
    "insurance": ("信用保险", "insurance"),
    "trade_finance": ("贸易融资", "trade finance"),
}
PERMIT_KINDS = {"food": ("食品经营许可证", "food business permit"), "other": ("其他许可证", "other permit")}
EXPIRING_DAYS = 30
LICENCE_LENGTH = 18


def mask_licence(licence_no: str) -> str:
    """91310101****5678X: the first 8 and last 5 characters of a licence number."""
    if len(licence_no) <= 8:
        return "*" * len(licence_no)
    return licence_no[:8] + "*" * max(len(licence_no) - 13, 4) + licence_no[-5:]


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else ("****" if phone else "")


def today_of(session: Session, store_id: int, now: datetime | None = None) -> date:
    return business_day(now or utcnow(), premises_service.get_store(session, store_id).timezone)


# ---- profiles, permits, inspections -------------------------------------------------------------------


def profile(session: Session, store_id: int, shop_id: int) -> CreditProfile:
    """The shop's credit file, created empty the first time it is asked for."""
    premises_service.get_shop(session, store_id, shop_id)
    found = session.exec(select(CreditProfile).where(CreditProfile.shop_id == shop_id)).first()
    if found is None:
        found = CreditProfile(store_id=store_id, shop_id=shop_id)
        session.add(found)
        session.flush()
    return found


def update_profile(
    session: Session,
    store_id: int,
    shop_id: int,
    *,
    licence_no: str,
    licence_name: str,
    contact_name: str,
    rent_late_months: int,
) -> CreditProfile:
    licence_no = licence_no.strip().upper()
    if licence_no and (len(licence_no) != LICENCE_LENGTH or not licence_no.isalnum() or not licence_no.isascii()):
        raise CreditInputInvalid("the licence number (统一社会信用代码) has 18 letters and digits")
    if not 0 <= rent_late_months <= 12:
        raise CreditInputInvalid("late months are between 0 and 12")
    row = profile(session, store_id, shop_id)
    row.licence_no, row.licence_name = licence_no, licence_name.strip()[:120]
    row.contact_name, row.rent_late_months = contact_name.strip()[:60], rent_late_months
    session.add(row)
    recompute_shop(session, store_id, shop_id)
    return row


def add_permit(
    session: Session, store_id: int, shop_id: int, *, kind: str, number: str, expires_on: date
) -> CreditPermit:
    premises_service.get_shop(session, store_id, shop_id)
    if kind not in PERMIT_KINDS or not number.strip():
        raise CreditInputInvalid("a permit needs a kind (food, other) and a number")
    permit = CreditPermit(
        store_id=store_id, shop_id=shop_id, kind=kind, number=number.strip()[:40], expires_on=expires_on
    )
    session.add(permit)
    session.flush()
    recompute_shop(session, store_id, shop_id)
    return permit


def add_inspection(
    session: Session, store_id: int, shop_id: int, *, inspected_on: date, passed: bool, note: str = ""
) -> CreditInspection:
    premises_service.get_shop(session, store_id, shop_id)
    if inspected_on > today_of(session, store_id):
        raise CreditInputInvalid("an inspection cannot be in the future")
    row = CreditInspection(
        store_id=store_id, shop_id=shop_id, inspected_on=inspected_on, passed=passed, note=note.strip()[:255]
    )
    session.add(row)
    session.flush()
    recompute_shop(session, store_id, shop_id)
    return row


def permits(session: Session, store_id: int, shop_id: int) -> list[CreditPermit]:
    query = select(CreditPermit).where(CreditPermit.store_id == store_id, CreditPermit.shop_id == shop_id)
    return list(session.exec(query.order_by(col(CreditPermit.expires_on).desc())))


def inspections(session: Session, store_id: int, shop_id: int, *, limit: int = 10) -> list[CreditInspection]:
    query = select(CreditInspection).where(CreditInspection.store_id == store_id, CreditInspection.shop_id == shop_id)
    return list(session.exec(query.order_by(col(CreditInspection.inspected_on).desc()).limit(limit)))


def reasons(session: Session, store_id: int, shop_id: int) -> list[CreditReason]:
    query = select(CreditReason).where(CreditReason.store_id == store_id, CreditReason.shop_id == shop_id)
    return list(session.exec(query.order_by(col(CreditReason.points), col(CreditReason.id))))


# ---- the score -----------------------------------------------------------------------------------------


def is_overdue(complaint: CreditComplaint, now: datetime) -> bool:
    """Answered after its deadline, or still unanswered (and not rejected) past it."""
    if complaint.status == ComplaintStatus.rejected:
        return False
    answered = complaint.responded_at or complaint.closed_at
    return (answered or now) > complaint.due_at


def _facts_by_shop(
    session: Session, store_id: int, shop_ids: list[int], today: date, now: datetime
) -> dict[int, rules.Facts]:
    """Every fact the rules read, for ``shop_ids``, in one query per table."""
    since = today - timedelta(days=rules.LOOKBACK_DAYS + 1)
    tz = premises_service.get_store(session, store_id).timezone
    since_at = day_bounds_utc(since, tz)[0]
    struck = upheld_appeals(session, store_id, shop_ids)  # records an upheld appeal took out of the score
    complaints: dict[int, list[rules.ComplaintFact]] = defaultdict(list)
    for c in session.exec(
        select(CreditComplaint).where(
            CreditComplaint.store_id == store_id,
            col(CreditComplaint.shop_id).in_(shop_ids),
            col(CreditComplaint.filed_at) >= since_at,
        )
    ):
        if ("complaint", c.id) in struck:
            continue
        upheld = c.status == ComplaintStatus.resolved
        fact = rules.ComplaintFact(c.id or 0, business_day(c.filed_at, tz), upheld, is_overdue(c, now), c.satisfaction)
        complaints[c.shop_id].append(fact)
    found_inspections: dict[int, list[rules.InspectionFact]] = defaultdict(list)
    for i in session.exec(
        select(CreditInspection).where(
            CreditInspection.store_id == store_id,
            col(CreditInspection.shop_id).in_(shop_ids),
            col(CreditInspection.inspected_on) >= since,
        )
    ):
        if ("inspection", i.id) not in struck:
            found_inspections[i.shop_id].append(rules.InspectionFact(i.id or 0, i.inspected_on, i.passed))
    found_permits: dict[int, list[rules.PermitFact]] = defaultdict(list)
    for p in session.exec(
        select(CreditPermit).where(CreditPermit.store_id == store_id, col(CreditPermit.shop_id).in_(shop_ids))
    ):
        if ("permit", p.id) not in struck:
            found_permits[p.shop_id].append(rules.PermitFact(p.id or 0, p.number, p.expires_on))
    profiles = {
        p.shop_id: p for p in session.exec(select(CreditProfile).where(col(CreditProfile.shop_id).in_(shop_ids)))
    }
    sales = _days_with_sales(session, store_id, shop_ids, today)
    return {
        shop_id: rules.Facts(
            today=today,
            complaints=complaints[shop_id],
            inspections=found_inspections[shop_id],
            permits=_current_permits(found_permits[shop_id]),
            rent_late_months=profiles[shop_id].rent_late_months if shop_id in profiles else 0,
            profile_id=profiles[shop_id].id if shop_id in profiles else None,
            days_with_sales=sales.get(shop_id),
        )
        for shop_id in shop_ids
    }


def upheld_appeals(session: Session, store_id: int, shop_ids: list[int]) -> set[tuple[str, int]]:
    """(record kind, record id) of every record of these shops that an upheld appeal took out of the score."""
    rows = session.exec(
        select(CreditAppeal.record_kind, CreditAppeal.record_id).where(
            CreditAppeal.store_id == store_id,
            col(CreditAppeal.shop_id).in_(shop_ids),
            CreditAppeal.status == AppealStatus.upheld.value,
        )
    ).all()
    return {(kind, record_id) for kind, record_id in rows}


def _current_permits(found: list[rules.PermitFact]) -> list[rules.PermitFact]:
    """A renewed permit (same number, later expiry) replaces the old one: only the latest of each number counts."""
    latest: dict[str, rules.PermitFact] = {}
    for permit in found:
        if permit.number not in latest or permit.expires_on > latest[permit.number].expires_on:
            latest[permit.number] = permit
    return list(latest.values())


def _days_with_sales(session: Session, store_id: int, shop_ids: list[int], today: date) -> dict[int, int]:
    """Days of the last 28 (before today) with till orders, per shop that has any till data at all."""
    window_start = today - timedelta(days=rules.SALES_WINDOW_DAYS)
    # Shop ids belong to one store: the shop_id index alone answers this (no row lookups).
    any_sales = set(
        session.exec(select(KpiSalesDaily.shop_id).where(col(KpiSalesDaily.shop_id).in_(shop_ids)).distinct())
    )
    counted = session.exec(
        select(KpiSalesDaily.shop_id, func.count(func.distinct(KpiSalesDaily.business_on)))
        .where(
            KpiSalesDaily.store_id == store_id,
            col(KpiSalesDaily.shop_id).in_(shop_ids),
            col(KpiSalesDaily.business_on) >= window_start,
            col(KpiSalesDaily.business_on) < today,
            col(KpiSalesDaily.orders) > 0,
        )
        .group_by(col(KpiSalesDaily.shop_id))
    ).all()
    days = {shop_id: 0 for shop_id in any_sales}
    days.update({shop_id: int(n) for shop_id, n in counted})
    return days


def _write(session: Session, store_id: int, results: dict[int, rules.CreditScore], now: datetime) -> None:
    shop_ids = list(results)
    session.exec(delete(CreditReason).where(col(CreditReason.shop_id).in_(shop_ids)))  # type: ignore[call-overload]
    profiles = {
        p.shop_id: p for p in session.exec(select(CreditProfile).where(col(CreditProfile.shop_id).in_(shop_ids)))
    }
    for shop_id, scored in results.items():
        row = profiles.get(shop_id) or CreditProfile(store_id=store_id, shop_id=shop_id)
        row.score, row.rating, row.computed_at = scored.score, scored.rating, now
        session.add(row)
    reason_rows = [
        {
            "store_id": store_id,
            "shop_id": shop_id,
            "points": r.points,
            "rule": r.rule,
            "record_kind": r.record_kind,
            "record_id": r.record_id,
            "text": r.text[:255],
        }
        for shop_id, scored in results.items()
        for r in scored.reasons
    ]
    if reason_rows:
        session.execute(CreditReason.__table__.insert(), reason_rows)  # type: ignore[attr-defined]
    session.flush()


def recompute_shop(session: Session, store_id: int, shop_id: int, *, now: datetime | None = None) -> rules.CreditScore:
    """Recompute one shop's score now (called on every event)."""
    now = now or utcnow()
    facts = _facts_by_shop(session, store_id, [shop_id], today_of(session, store_id, now), now)[shop_id]
    scored = rules.compute(facts)
    _write(session, store_id, {shop_id: scored}, now)
    return scored


def recompute_all(session: Session, store_id: int, *, now: datetime | None = None) -> int:
    """Recompute every shop open today (the nightly job); returns how many."""
    now = now or utcnow()
    today = today_of(session, store_id, now)
    shop_ids = [s.id for s in premises_service.list_shops(session, store_id, open_on=today) if s.id is not None]
    if not shop_ids:
        return 0
    facts = _facts_by_shop(session, store_id, shop_ids, today, now)
    _write(session, store_id, {shop_id: rules.compute(f) for shop_id, f in facts.items()}, now)
    return len(shop_ids)


def profiles_by_shop(session: Session, store_id: int) -> dict[int, CreditProfile]:
    return {p.shop_id: p for p in session.exec(select(CreditProfile).where(CreditProfile.store_id == store_id))}


# ---- credit services and referrals (S9: one or more credit-based financial services) ---------------------


def add_service(
    session: Session, store_id: int, *, kind: str, partner: str, name: str, min_rating: str = "C"
) -> CreditService:
    if kind not in SERVICE_KINDS or not partner.strip() or not name.strip() or min_rating not in "ABCD":
        raise CreditInputInvalid("a service needs a kind, a partner and a name")
    row = CreditService(
        store_id=store_id, kind=kind, partner=partner.strip()[:120], name=name.strip()[:120], min_rating=min_rating
    )
    session.add(row)
    session.flush()
    return row


def list_services(session: Session, store_id: int) -> list[CreditService]:
    return list(
        session.exec(select(CreditService).where(CreditService.store_id == store_id).order_by(col(CreditService.id)))
    )


def refer(session: Session, store_id: int, *, service_id: int, shop_id: int, referred_on: date) -> CreditReferral:
    get_in_store(
        session, CreditService, service_id, store_id=store_id, not_found=ServiceNotFound, label="credit service"
    )
    premises_service.get_shop(session, store_id, shop_id)
    row = CreditReferral(store_id=store_id, service_id=service_id, shop_id=shop_id, referred_on=referred_on)
    session.add(row)
    session.flush()
    return row


def set_referral_outcome(
    session: Session, store_id: int, referral_id: int, outcome: str, amount_fen: int = 0
) -> CreditReferral:
    row = get_in_store(
        session, CreditReferral, referral_id, store_id=store_id, not_found=ServiceNotFound, label="referral"
    )
    if outcome not in ReferralOutcome.__members__ or amount_fen < 0:
        raise CreditInputInvalid("outcome is pending, approved or declined; the amount is not negative")
    row.outcome, row.amount_fen = outcome, amount_fen if outcome == ReferralOutcome.approved else 0
    session.add(row)
    return row


def list_referrals(session: Session, store_id: int) -> list[CreditReferral]:
    query = select(CreditReferral).where(CreditReferral.store_id == store_id)
    return list(session.exec(query.order_by(col(CreditReferral.referred_on).desc(), col(CreditReferral.id).desc())))


def services_with_referrals(session: Session, store_id: int, start: date, end: date) -> list[tuple[CreditService, int]]:
    """Services with referrals made between ``start`` and ``end`` (inclusive), and how many."""
    rows = session.exec(
        select(CreditReferral.service_id, func.count())
        .where(
            CreditReferral.store_id == store_id,
            col(CreditReferral.referred_on) >= start,
            col(CreditReferral.referred_on) <= end,
        )
        .group_by(col(CreditReferral.service_id))
    ).all()
    by_id = {s.id: s for s in list_services(session, store_id)}
    return [(by_id[sid], int(n)) for sid, n in rows if sid in by_id]


# ---- overview, S9, M1 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    ratings: dict[str, int]
    unscored: int
    expiring: list[tuple[Shop, CreditPermit]]
    overdue: list[CreditComplaint]
    open_complaints: int


def overview(session: Session, store_id: int, *, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    today = today_of(session, store_id, now)
    shops = {s.id: s for s in premises_service.list_shops(session, store_id, open_on=today)}
    profiles = profiles_by_shop(session, store_id)
    ratings = {letter: 0 for letter, _ in rules.RATINGS}
    unscored = 0
    for shop_id in shops:
        found = profiles.get(shop_id)  # type: ignore[arg-type]
        if found is None or found.computed_at is None:
            unscored += 1
        else:
            ratings[found.rating] += 1
    expiring = [
        (shops[p.shop_id], p)
        for p in session.exec(
            select(CreditPermit)
            .where(
                CreditPermit.store_id == store_id, col(CreditPermit.expires_on) <= today + timedelta(days=EXPIRING_DAYS)
            )
            .order_by(col(CreditPermit.expires_on))
        )
        if p.shop_id in shops
    ]
    renewed = {
        (p.shop_id, p.number)
        for p in session.exec(
            select(CreditPermit).where(
                CreditPermit.store_id == store_id, col(CreditPermit.expires_on) > today + timedelta(days=EXPIRING_DAYS)
            )
        )
    }
    expiring = [(s, p) for s, p in expiring if (p.shop_id, p.number) not in renewed]
    active = list(
        session.exec(
            select(CreditComplaint).where(
                CreditComplaint.store_id == store_id,
                col(CreditComplaint.status).in_(
                    [ComplaintStatus.open, ComplaintStatus.assigned, ComplaintStatus.responded]
                ),
            )
        )
    )
    overdue = [c for c in active if c.responded_at is None and now > c.due_at]
    return Overview(ratings, unscored, expiring, overdue, len(active))


@dataclass(frozen=True)
class CreditUse:
    open_shops: list[Shop]
    scored_shop_ids: set[int]


def credit_use(session: Session, store_id: int, on: date) -> CreditUse:
    """Shops open on ``on`` and those of them whose score was computed within the week before."""
    tz = premises_service.get_store(session, store_id).timezone
    shops = premises_service.list_shops(session, store_id, open_on=on)
    since = day_bounds_utc(on - timedelta(days=7), tz)[0]
    until = day_bounds_utc(on, tz)[1]
    scored = {
        p.shop_id
        for p in session.exec(select(CreditProfile).where(CreditProfile.store_id == store_id))
        if p.computed_at is not None and since <= p.computed_at < until
    }
    return CreditUse(shops, scored & {s.id for s in shops if s.id is not None})


def complaints_handled_in_period(session: Session, store_id: int, start: date, end: date) -> int:
    """Complaints closed (resolved or rejected) on the store's business days ``start``..``end`` (M1 evaluator)."""
    tz = premises_service.get_store(session, store_id).timezone
    count = session.exec(
        select(func.count()).where(
            CreditComplaint.store_id == store_id,
            col(CreditComplaint.closed_at) >= day_bounds_utc(start, tz)[0],
            col(CreditComplaint.closed_at) < day_bounds_utc(end, tz)[1],
        )
    ).one()
    return int(count)


def shops_by_id(session: Session, store_id: int, ids: Iterable[int]) -> dict[int, Shop]:
    wanted = set(ids)
    return {s.id: s for s in premises_service.list_shops(session, store_id) if s.id in wanted}  # type: ignore[misc]


# ---- reading: the credit API ------------------------------------------------------------------------------


def shop_summaries(session: Session, viewer: Viewer) -> list[schemas.CreditShopRead]:
    """Every shop open today that ``viewer`` may see, with its score (computed once if never computed)."""
    today = today_of(session, viewer.store_id)
    shops = [
        s
        for s in premises_service.list_shops(session, viewer.store_id, open_on=today)
        if viewer.can_see_shop(s.id)  # type: ignore[arg-type]
    ]
    floors = {f.id: f.code for f in premises_service.list_floors(session, viewer.store_id)}
    profiles = profiles_by_shop(session, viewer.store_id)
    if any(s.id not in profiles or profiles[s.id].computed_at is None for s in shops):  # type: ignore[index]
        recompute_all(session, viewer.store_id)
        profiles = profiles_by_shop(session, viewer.store_id)
    return [_summary(s, floors[s.floor_id], profiles[s.id]) for s in shops]  # type: ignore[index]


def _summary(shop: Shop, floor: str, row: CreditProfile) -> schemas.CreditShopRead:
    return schemas.CreditShopRead(
        shop_id=shop.id,  # type: ignore[arg-type]
        unit=shop.code,
        name=shop.name,
        floor=floor,
        score=row.score,
        rating=row.rating,
        computed_at=row.computed_at,
    )


def _facts(session: Session, store_id: int, shop_id: int) -> dict[str, Any]:
    today = today_of(session, store_id)
    row = profile(session, store_id, shop_id)
    if row.computed_at is None:
        recompute_shop(session, store_id, shop_id)
    return {
        "profile": row,
        "reasons": [schemas.ReasonRead.model_validate(r) for r in reasons(session, store_id, shop_id)],
        "permits": [
            schemas.PermitRead(kind=p.kind, expires_on=p.expires_on, valid=p.expires_on >= today)
            for p in permits(session, store_id, shop_id)
        ],
        "inspections": [
            schemas.InspectionRead.model_validate(i) for i in inspections(session, store_id, shop_id, limit=10)
        ],
    }


def shop_detail(session: Session, viewer: Viewer, shop_id: int, *, full_licence: bool) -> schemas.CreditShopDetail:
    """One shop's credit as the back office reads it (another tenant's shop reads as not found)."""
    shop = premises_service.shop_for(session, viewer, shop_id)
    facts = _facts(session, viewer.store_id, shop_id)
    row: CreditProfile = facts.pop("profile")
    qr = codes.current_codes(session, viewer.store_id).get(shop_id)
    photo = shopfront.version(session, viewer.store_id, shop_id)
    floor = premises_service.get_floor(session, viewer.store_id, shop.floor_id)
    return schemas.CreditShopDetail(
        **_summary(shop, floor.code, row).model_dump(),
        licence_name=row.licence_name,
        licence_no=row.licence_no if full_licence else mask_licence(row.licence_no),
        rent_late_months=row.rent_late_months,
        code=schemas.CodeRead(
            version=qr.version, kid=qr.kid, unit=qr.unit, issued_at=qr.issued_at, page=f"/kiosk/q/{qr.code}"
        )
        if qr
        else None,
        shopfront=f"/kiosk/q/{qr.code}/shopfront.jpg?v={photo}" if qr and photo else None,
        **facts,
    )


def public_view(session: Session, code: str) -> schemas.CreditPublicRead:
    """What a credit QR code shows (``signed_codes.CodeInvalid`` 400 for an altered or forged code)."""
    scanned = codes.verify(session, code)
    shop, store_id = scanned.shop, scanned.shop.store_id
    assert shop.id is not None
    store = premises_service.get_store(session, store_id)
    floor = premises_service.get_floor(session, store_id, shop.floor_id)
    facts = _facts(session, store_id, shop.id)
    row: CreditProfile = facts.pop("profile")
    photo = shopfront.version(session, store_id, shop.id)
    return schemas.CreditPublicRead(
        outcome=scanned.outcome.value,
        printed_unit=scanned.qr.unit,
        store=store.name,
        shop=shop.name,
        shop_en=shop.name_en or "",
        unit=shop.code,
        floor=f"{floor.code} {floor.name}".strip(),
        score=row.score,
        rating=row.rating,
        licence_name=row.licence_name or shop.tenant or shop.name,
        licence_no=mask_licence(row.licence_no),
        shopfront=f"/kiosk/q/{code}/shopfront.jpg?v={photo}" if photo else None,
        complaint=f"/kiosk/q/{code}/complaint",
        rules="/kiosk/credit/rules",
        **facts,
    )
