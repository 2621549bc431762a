"""Coverage (C2 智能支付) and the daily reconciliation: per shop, did its own till or its capture box post sales,
how complete are its tills' receipt numbers, and do tills, captured receipts and declared turnover agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from store.capture import rules
from store.capture.models import CaptureJob
from store.kpi import service as kpi_service
from store.kpi.periods import trading_span
from store.premises import service as premises_service
from store.premises.models import Shop
from store.sales.schemas import Source

COUNTED = ("sale", "reprint")  # the kinds whose receipt numbers show which receipts were printed


@dataclass(frozen=True)
class CoverageRow:
    shop: Shop
    till_sales: bool  # our till agent posted sales
    captured_sales: bool  # its capture box posted sales
    receipts: int  # receipts captured in the period (all kinds)
    gaps: rules.Gaps  # the tenant till's receipt numbers, per day, added up

    @property
    def covered(self) -> bool:
        """C2: covered by its own till or capture box, never by declared daily totals alone."""
        return self.till_sales or self.captured_sales


def _trading(session: Session, store_id: int, start: date, end: date) -> list[Shop]:
    shops = premises_service.list_shops(session, store_id)
    return [s for s in shops if trading_span(s)[0] <= end and trading_span(s)[1] >= start]


def receipt_numbers(session: Session, store_id: int, start: date, end: date) -> dict[int, dict[date, list[str]]]:
    """Receipt numbers read from captured sales and reprints, per shop and business day."""
    query = select(col(CaptureJob.shop_id), col(CaptureJob.business_on), col(CaptureJob.receipt_no)).where(
        CaptureJob.store_id == store_id,
        col(CaptureJob.business_on).between(start, end),
        col(CaptureJob.kind).in_(COUNTED),
        col(CaptureJob.receipt_no).is_not(None),
    )
    found: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for shop_id, day, number in session.exec(query):
        if number is not None:
            found[shop_id][day].append(number)
    return found


def _receipt_counts(session: Session, store_id: int, start: date, end: date) -> dict[int, int]:
    query = select(CaptureJob.shop_id).where(
        CaptureJob.store_id == store_id, col(CaptureJob.business_on).between(start, end)
    )
    counts: dict[int, int] = defaultdict(int)
    for shop_id in session.exec(query):
        counts[shop_id] += 1
    return counts


def day_gaps(numbers_by_day: dict[date, list[str]]) -> rules.Gaps:
    seen = span = 0
    missing: list[str] = []
    for _, numbers in sorted(numbers_by_day.items()):
        gaps = rules.receipt_gaps(numbers)
        seen, span, missing = seen + gaps.seen, span + gaps.span, missing + gaps.missing
    return rules.Gaps(seen, span, missing[:20])


def coverage(session: Session, store_id: int, start: date, end: date) -> list[CoverageRow]:
    """One row per shop trading in ``start``..``end``."""
    posting = kpi_service.shops_with_orders_by_source(
        session, store_id, start, end, [Source.own_till.value, Source.receipt_capture.value]
    )
    till, captured = posting[Source.own_till.value], posting[Source.receipt_capture.value]
    numbers = receipt_numbers(session, store_id, start, end)
    counts = _receipt_counts(session, store_id, start, end)
    return [
        CoverageRow(
            shop=shop,
            till_sales=shop.id in till,
            captured_sales=shop.id in captured,
            receipts=counts.get(shop.id or 0, 0),
            gaps=day_gaps(numbers.get(shop.id or 0, {})),
        )
        for shop in _trading(session, store_id, start, end)
    ]


@dataclass(frozen=True)
class ReconciliationRow:
    shop: Shop
    till_fen: int  # our till agent's sales
    captured_fen: int  # sales read from captured receipts
    declared_fen: int  # the tenant's declared daily turnover
    review: int  # captured receipts of the day waiting for review

    @property
    def flags(self) -> list[str]:
        """Which figures disagree (beyond rounding): each pair of figures the shop has."""
        figures = {"till": self.till_fen, "captured": self.captured_fen, "declared": self.declared_fen}
        present = [(name, value) for name, value in figures.items() if value]
        found = [f"{a}≠{b}" for i, (a, x) in enumerate(present) for b, y in present[i + 1 :] if rules.differs(x, y)]
        if self.review:
            found.append("review")
        return found


def reconciliation(session: Session, store_id: int, day: date) -> list[ReconciliationRow]:
    """Sales per shop on ``day`` from tills, from captured receipts and as the tenant declared them."""
    revenue = kpi_service.revenue_by_shop_source(session, store_id, day, day)
    review_query = select(CaptureJob.shop_id).where(
        CaptureJob.store_id == store_id, CaptureJob.business_on == day, CaptureJob.status == "review"
    )
    review: dict[int, int] = defaultdict(int)
    for shop_id in session.exec(review_query):
        review[shop_id] += 1
    rows = []
    for shop in _trading(session, store_id, day, day):
        sid = shop.id or 0
        rows.append(
            ReconciliationRow(
                shop=shop,
                till_fen=revenue.get((sid, Source.own_till.value), 0),
                captured_fen=revenue.get((sid, Source.receipt_capture.value), 0),
                declared_fen=revenue.get((sid, Source.tenant_declared.value), 0),
                review=review.get(sid, 0),
            )
        )
    return rows
