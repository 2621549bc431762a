"""Which modules of the platform are live: the data each received in a window (M3 综合管理平台, the M1
paperless workflows and the operations dashboard's integration status).

Each source is one line: a key, its Annex 4 names, and a function counting what the module received
between two moments, or ``None`` while the module is not in this build (supply chain). Wiring a module when
it lands is one line here: replace ``None`` with its counter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.credit.models import CreditComplaint
from store.facilities.models import FacilityAlert, FacilityReading
from store.footfall.models import FootfallCount
from store.members.models import Member
from store.patrol.models import PatrolFinding
from store.premises.models import Shop
from store.sales.models import Order

Counter = Callable[[Session, int, datetime, datetime], int]  # (session, store id, since, until) → rows


def _count(column, store_column, time_column) -> Counter:  # type: ignore[no-untyped-def]
    def count(session: Session, store_id: int, since: datetime, until: datetime) -> int:
        return session.exec(
            select(func.count(column)).where(store_column == store_id, time_column >= since, time_column < until)
        ).one()

    return count


def _orders(session: Session, store_id: int, since: datetime, until: datetime) -> int:
    """Orders placed in the window. An order's business day is the store's calendar day of ``ordered_at``,
    never more than a day from its UTC date: bounding it a day either side of the window changes no count
    and lets the (store, business day) index find the rows instead of reading every order of the store."""
    return session.exec(
        select(func.count(col(Order.id))).where(
            col(Order.store_id) == store_id,
            col(Order.business_on) >= since.date() - timedelta(days=1),
            col(Order.business_on) <= until.date() + timedelta(days=1),
            col(Order.ordered_at) >= since,
            col(Order.ordered_at) < until,
        )
    ).one()


def _footfall(session: Session, store_id: int, since: datetime, until: datetime) -> int:
    """Footfall intervals counted in the window; bounded by business day as ``_orders`` is (an interval's
    business day is the store's calendar day of its start), so the (store, business day) index finds them."""
    return session.exec(
        select(func.count(col(FootfallCount.id))).where(
            col(FootfallCount.store_id) == store_id,
            col(FootfallCount.business_on) >= since.date() - timedelta(days=1),
            col(FootfallCount.business_on) <= until.date() + timedelta(days=1),
            col(FootfallCount.interval_start) >= since,
            col(FootfallCount.interval_start) < until,
        )
    ).one()


def _shops_trading(session: Session, store_id: int, since: datetime, until: datetime) -> int:
    """Merchant management is live while the shop register holds shops trading in the window."""
    return session.exec(
        select(func.count(col(Shop.id))).where(
            col(Shop.store_id) == store_id,
            col(Shop.opened_on) <= until.date(),
            (col(Shop.closed_on).is_(None)) | (col(Shop.closed_on) >= since.date()),
        )
    ).one()


def _acknowledged_alerts(session: Session, store_id: int, since: datetime, until: datetime) -> int:
    return session.exec(
        select(func.count(col(FacilityAlert.id))).where(
            col(FacilityAlert.store_id) == store_id,
            col(FacilityAlert.acknowledged_at) >= since,
            col(FacilityAlert.acknowledged_at) < until,
        )
    ).one()


@dataclass(frozen=True)
class Source:
    key: str
    zh: str
    en: str
    count: Counter | None  # None: the module is not in this build yet


# M3 综合管理平台: 客流分析、智能云POS、商户管理、会员管理、供应链管理、安全和应急系统.
MODULES: tuple[Source, ...] = (
    Source("footfall", "客流分析系统", "footfall analysis", _footfall),
    Source("pos", "智能云POS系统", "cloud POS", _orders),
    Source("merchants", "商户管理", "merchant management", _shops_trading),
    Source(
        "members", "会员管理", "member management", _count(col(Member.id), col(Member.store_id), col(Member.joined_at))
    ),
    Source("supply_chain", "供应链管理", "supply chain", None),
    Source(
        "safety",
        "安全和应急系统",
        "safety and emergency",
        _count(col(FacilityReading.id), col(FacilityReading.store_id), col(FacilityReading.measured_at)),
    ),
)

# M1 智能办公: the product's own paperless workflows (approvals and sign-offs done in the system).
WORKFLOWS: tuple[Source, ...] = (
    Source("alert_acknowledgements", "设施告警确认", "facility alert acknowledgements", _acknowledged_alerts),
    Source("price_approvals", "商品调价审批", "catalog price approvals", catalog_service.approvals_in_period),
    Source(
        "complaint_handling",
        "投诉处理",
        "credit complaint handling",
        _count(col(CreditComplaint.id), col(CreditComplaint.store_id), col(CreditComplaint.closed_at)),
    ),
    Source(
        "patrol_acknowledgements",
        "巡检确认",
        "patrol acknowledgements",
        _count(col(PatrolFinding.id), col(PatrolFinding.store_id), col(PatrolFinding.acknowledged_at)),
    ),
)


def activity(
    session: Session, store_id: int, sources: tuple[Source, ...], since: datetime, until: datetime
) -> dict[str, int | None]:
    """Source key → rows received in [since, until); None where the module is not in this build."""
    return {s.key: (s.count(session, store_id, since, until) if s.count else None) for s in sources}
