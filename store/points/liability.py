"""Points liability per month (the deferred revenue IFRS 15 / CAS 14 ask for), and what redemptions cost each
funder (the store, or a tenant brand) — for finance, as rows, CSV and XLSX.

A month's row: points outstanding at its start, each kind of movement in it (earned, adjusted, redeemed, expired,
reversed), outstanding at its end, and that closing figure valued in fen at the store's ``fen_per_100_points``
(truncated). Months are the store's calendar (entries carry the store's business day).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlmodel import Session

from store.points import rules
from store.points.models import EntryKind, PointsAllocation, PointsEntry, PointsLot
from store.points.service import policy

_E = PointsEntry.__table__  # type: ignore[attr-defined]
_A = PointsAllocation.__table__  # type: ignore[attr-defined]
_L = PointsLot.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    opening_points: int
    earned: int
    adjusted: int
    redeemed: int  # negative: points spent
    expired: int  # negative
    reversed: int  # refunds and released holds, net
    closing_points: int
    closing_value_fen: int
    redeemed_value_fen: int
    expired_value_fen: int


@dataclass(frozen=True)
class FunderRow:
    month: str
    funder: str  # "store" or "shop:<id>"
    redeemed_points: int
    redeemed_value_fen: int
    outstanding_points: int  # what is left in this funder's lots now


def _first(month: str) -> date:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1)


def _next(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


MAX_MONTHS = 120


def months_between(start: str, end: str) -> list[str]:
    """The months from ``start`` to ``end``; past :data:`MAX_MONTHS` it stops one beyond (the caller refuses)."""
    first, last = _first(start), _first(end)
    out: list[str] = []
    while first <= last and len(out) <= MAX_MONTHS:
        out.append(f"{first.year:04d}-{first.month:02d}")
        first = _next(first)
    return out


def monthly(session: Session, store_id: int, start: str, end: str) -> list[MonthRow]:
    """One row per month from ``start`` to ``end`` (``YYYY-MM``, inclusive)."""
    value = policy(session, store_id).fen_per_100_points
    months = months_between(start, end)
    if not months:
        return []
    begin = _first(months[0])
    opening = int(
        session.execute(
            select(func.coalesce(func.sum(_E.c.points), 0)).where(_E.c.store_id == store_id, _E.c.business_on < begin)
        ).scalar_one()
    )
    rows = []
    for month in months:
        first = _first(month)
        moved = dict(
            session.execute(
                select(_E.c.kind, func.sum(_E.c.points))
                .where(_E.c.store_id == store_id, and_(_E.c.business_on >= first, _E.c.business_on < _next(first)))
                .group_by(_E.c.kind)
            ).all()
        )
        by = {kind: int(moved.get(kind.value, 0) or 0) for kind in EntryKind}
        closing = opening + sum(by.values())
        rows.append(
            MonthRow(
                month=month,
                opening_points=opening,
                earned=by[EntryKind.earn],
                adjusted=by[EntryKind.adjust],
                redeemed=by[EntryKind.redeem],
                expired=by[EntryKind.expire],
                reversed=by[EntryKind.reverse],
                closing_points=closing,
                closing_value_fen=rules.points_value_fen(closing, value),
                redeemed_value_fen=rules.points_value_fen(-by[EntryKind.redeem], value),
                expired_value_fen=rules.points_value_fen(-by[EntryKind.expire], value),
            )
        )
        opening = closing
    return rows


def by_funder(session: Session, store_id: int, start: str, end: str) -> list[FunderRow]:
    """Per month and funder: points redeemed from that funder's lots (net of holds given back) and their value."""
    value = policy(session, store_id).fen_per_100_points
    begin, stop = _first(start), _next(_first(end))
    month = func.substr(func.cast(_E.c.business_on, _E.c.source_id.type), 1, 7)
    spent = session.execute(
        select(month, _L.c.funder_shop_id, func.sum(_A.c.points))
        .select_from(_A.join(_E, _E.c.id == _A.c.entry_id).join(_L, _L.c.id == _A.c.lot_id))
        .where(
            _E.c.store_id == store_id,
            _E.c.business_on >= begin,
            _E.c.business_on < stop,
            (_E.c.kind == EntryKind.redeem.value) | (_E.c.source_type == "hold"),
        )
        .group_by(month, _L.c.funder_shop_id)
        .order_by(month, _L.c.funder_shop_id)
    ).all()
    outstanding = dict(
        session.execute(
            select(_L.c.funder_shop_id, func.sum(_L.c.remaining))
            .where(_L.c.store_id == store_id)
            .group_by(_L.c.funder_shop_id)
        ).all()
    )
    return [
        FunderRow(
            month=str(m),
            funder="store" if shop is None else f"shop:{shop}",
            redeemed_points=int(points),
            redeemed_value_fen=rules.points_value_fen(int(points), value),
            outstanding_points=int(outstanding.get(shop, 0) or 0),
        )
        for m, shop, points in spent
    ]


def to_csv(rows: list[MonthRow] | list[FunderRow]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))
    return out.getvalue()


def to_xlsx(months: list[MonthRow], funders: list[FunderRow]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "liability"
    sheet.append(list(MonthRow.__dataclass_fields__))
    for month in months:
        sheet.append(list(asdict(month).values()))
    funder_sheet = book.create_sheet("funders")
    funder_sheet.append(list(FunderRow.__dataclass_fields__))
    for funder in funders:
        funder_sheet.append(list(asdict(funder).values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
