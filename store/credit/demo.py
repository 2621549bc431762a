"""Demo hook of credit: a profile per open shop, permits, quarterly inspections, a year of complaints with
realistic outcomes, signed codes with weekly patrol scans, two partner credit services with referrals.

Set-based inserts (one statement per table) and one set-based recompute: well under a second.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from store.clock import day_bounds_utc, utcnow
from store.credit import codes, service
from store.credit.complaints import TRACKING_ALPHABET
from store.credit.models import (
    ComplaintStatus,
    CreditComplaint,
    CreditInspection,
    CreditPermit,
    CreditProfile,
    CreditReferral,
    CreditScan,
    ReferralOutcome,
    ScanOutcome,
)
from store.premises import service as premises_service
from store.premises.models import Shop

FOOD = {"restaurant", "food_court", "cafe", "supermarket", "bakery"}
COMPLAINTS_PER_YEAR = 160
TEXTS = (
    "商品与描述不符，要求退货被拒绝。",
    "收银多收了钱，小票金额与标价不一致。",
    "店员服务态度差，咨询时不理睬。",
    "买到的食品已过保质期。",
    "促销活动的优惠没有兑现。",
    "维修承诺的时间一再拖延。",
    "会员积分没有到账。",
    "菜品里有异物，要求说明。",
)
RESPONSES = (
    "已与顾客沟通，办理退货退款。",
    "核对小票后已退还差价并致歉。",
    "已对店员进行培训，并向顾客道歉。",
    "经核查，商品在保质期内，已向顾客说明。",
)
REJECT_REASONS = ("经核查，投诉内容与事实不符。", "重复投诉，已合并处理。", "不属于本商户经营范围。")
SERVICES = (
    ("loan", "上海农商银行", "商户信用贷（凭信用评级免抵押）", "B"),
    ("guarantee", "市中小企业融资担保公司", "租金与备货融资担保", "C"),
    ("insurance", "人保财险", "商户经营责任保险", "C"),
)


def _licence(rng: random.Random) -> str:
    return (
        "9131"
        + "".join(rng.choice("0123456789") for _ in range(10))
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(4))
    )


def _at(day: date, tz: str, rng: random.Random) -> datetime:
    start = day_bounds_utc(day, tz)[0]
    return start + timedelta(hours=10 + rng.random() * 11)


def generate(ctx: Any) -> None:
    """Profiles, permits, inspections, complaints, codes, scans, services and referrals; then one recompute."""
    session: Session = ctx.session
    rng, store_id, end = ctx.rng("credit"), ctx.store_id, ctx.end_on
    tz = premises_service.get_store(session, store_id).timezone
    shops = premises_service.list_shops(session, store_id, open_on=end)
    _profiles_permits_inspections(session, rng, store_id, shops, end)
    _complaints(session, rng, store_id, shops, end, tz)
    now = min(utcnow(), day_bounds_utc(end, tz)[1] - timedelta(seconds=1))
    for shop in shops:
        codes.issue(session, store_id, shop.id, now=now - timedelta(days=40))  # type: ignore[arg-type]
    _scans(session, rng, store_id, shops, end, tz)
    _services(session, rng, store_id, shops, end)
    service.recompute_all(session, store_id, now=now)


def _profiles_permits_inspections(
    session: Session, rng: random.Random, store_id: int, shops: list[Shop], end: date
) -> None:
    profiles, permits, inspections = [], [], []
    for shop in shops:
        late = rng.choices((0, 1, 2, 4), weights=(80, 12, 6, 2))[0]
        profiles.append(
            {
                "store_id": store_id,
                "shop_id": shop.id,
                "licence_no": _licence(rng),
                "licence_name": shop.tenant or f"{shop.name}商贸有限公司",
                "contact_name": rng.choice("王李张刘陈杨黄赵") + rng.choice(("经理", "店长")),
                "rent_late_months": late,
                "score": 100,
                "rating": "A",
            }
        )
        kind = "food" if shop.category in FOOD else "other"
        roll = rng.random()
        expires = (
            end + timedelta(days=rng.randint(60, 900)) if roll > 0.06 else end + timedelta(days=rng.randint(-40, 25))
        )
        permits.append(
            {
                "store_id": store_id,
                "shop_id": shop.id,
                "kind": kind,
                "number": f"JY{rng.randint(10**13, 10**14 - 1)}",
                "expires_on": expires,
            }
        )
        for quarter in range(4):
            day = end - timedelta(days=quarter * 91 + rng.randint(5, 60))
            passed = rng.random() > (0.12 if kind == "food" else 0.05)
            note = "" if passed else rng.choice(("消防通道堆放杂物", "食品留样记录缺失", "明码标价不规范"))
            inspections.append(
                {"store_id": store_id, "shop_id": shop.id, "inspected_on": day, "passed": passed, "note": note}
            )
    session.execute(CreditProfile.__table__.insert(), profiles)  # type: ignore[attr-defined]
    session.execute(CreditPermit.__table__.insert(), permits)  # type: ignore[attr-defined]
    session.execute(CreditInspection.__table__.insert(), inspections)  # type: ignore[attr-defined]


def _complaint_row(
    rng: random.Random, store_id: int, shop: Shop, filed_at: datetime, now: datetime, n: int
) -> dict[str, Any]:
    due = filed_at + timedelta(hours=48)
    row: dict[str, Any] = {
        "store_id": store_id,
        "shop_id": shop.id,
        "tracking_no": "TS" + "".join(rng.choice(TRACKING_ALPHABET) for _ in range(9)) + TRACKING_ALPHABET[n % 34],
        "text": rng.choice(TEXTS),
        "phone": f"13{rng.randint(100000000, 999999999)}" if rng.random() < 0.7 else "",
        "shop_contact": "店长",
        "officer": rng.choice(("客服部 周敏", "营运部 孙磊")),
        "filed_at": filed_at,
        "due_at": due,
        "status": ComplaintStatus.resolved,
        "response": "",
        "responded_at": None,
        "closed_at": None,
        "close_reason": "",
        "satisfaction": None,
    }
    if due > now:  # the last two days: still being handled
        row["status"] = rng.choice((ComplaintStatus.open, ComplaintStatus.assigned))
        row["officer"] = row["officer"] if row["status"] == ComplaintStatus.assigned else ""
        return row
    late = rng.random() < 0.08
    responded = filed_at + (timedelta(hours=rng.randint(50, 120)) if late else timedelta(hours=rng.randint(2, 40)))
    if rng.random() < 0.25:
        row.update(status=ComplaintStatus.rejected, close_reason=rng.choice(REJECT_REASONS))
    else:
        row.update(
            close_reason=rng.choice(RESPONSES),
            satisfaction=rng.choices((5, 4, 3, 2, 1), weights=(40, 30, 15, 10, 5))[0],
        )
        if rng.random() < 0.3:
            row["satisfaction"] = None  # the shopper did not rate
    row.update(
        response=row["close_reason"], responded_at=responded, closed_at=responded + timedelta(hours=rng.randint(1, 24))
    )
    return row


def _complaints(session: Session, rng: random.Random, store_id: int, shops: list[Shop], end: date, tz: str) -> None:
    now = min(utcnow(), day_bounds_utc(end, tz)[1] - timedelta(seconds=1))
    weights = [3.0 if shop.category in FOOD else 1.0 for shop in shops]  # restaurants draw more complaints
    rows = []
    for n in range(COMPLAINTS_PER_YEAR):
        shop = rng.choices(shops, weights=weights)[0]
        filed = _at(end - timedelta(days=rng.randint(0, 364)), tz, rng)
        rows.append(_complaint_row(rng, store_id, shop, min(filed, now - timedelta(hours=1)), now, n))
    if rows:
        session.execute(CreditComplaint.__table__.insert(), rows)  # type: ignore[attr-defined]


def _scans(session: Session, rng: random.Random, store_id: int, shops: list[Shop], end: date, tz: str) -> None:
    """Weekly patrol rounds over the last four weeks: all valid, except one poster found moved and put back."""
    current = codes.current_codes(session, store_id)
    rows = []
    moved = rng.choice(shops).id if shops else None
    for week in range(4):
        day = end - timedelta(days=7 * (3 - week) + 1)
        for shop in shops:
            outcome = ScanOutcome.moved if (shop.id == moved and week == 1) else ScanOutcome.valid
            rows.append(
                {
                    "store_id": store_id,
                    "shop_id": shop.id,
                    "qr_id": current[shop.id].id,  # type: ignore[index]
                    "outcome": outcome,
                    "scanned_at": day_bounds_utc(day, tz)[0] + timedelta(hours=8, minutes=rng.randint(0, 120)),
                    "scanned_by": "security-patrol",
                }
            )
    if rows:
        session.execute(CreditScan.__table__.insert(), rows)  # type: ignore[attr-defined]


def _services(session: Session, rng: random.Random, store_id: int, shops: list[Shop], end: date) -> None:
    made = [service.add_service(session, store_id, kind=k, partner=p, name=n, min_rating=r) for k, p, n, r in SERVICES]
    rows = []
    for shop in rng.sample(shops, min(24, len(shops))):
        chosen = rng.choice(made)
        outcome = rng.choices(list(ReferralOutcome), weights=(15, 60, 25))[0]
        amount = (
            rng.randint(5, 80) * 10_000_00 if outcome == ReferralOutcome.approved and chosen.kind != "insurance" else 0
        )
        rows.append(
            {
                "store_id": store_id,
                "service_id": chosen.id,
                "shop_id": shop.id,
                "referred_on": end - timedelta(days=rng.randint(3, 330)),
                "outcome": outcome,
                "amount_fen": amount,
            }
        )
    if rows:
        session.execute(CreditReferral.__table__.insert(), rows)  # type: ignore[attr-defined]
