"""The read side of the KPIs: revenue, orders, 客单价, footfall, conversion, 坪效 and 人效 per period.

Everything is read from the daily rollups (never from order lines), so a year of a 2-million-line store
is a few hundred thousand rows at most. 坪效 = net revenue / selling area open in the period (a day-
weighted average, so a shop that opened mid-month counts for the days it traded); 人效 = net revenue /
the day-weighted average headcount.

Growth compares per day (a month with a year, a month under way with a whole month), and only against
a baseline the store's history covers in full: a baseline that starts before the first day with any
sales (``first_sales_day``) or reaches past today has no growth figures and ``baseline_incomplete`` set.
Scaling the covered days up instead would be a guess (six days of a November against a whole one, with
Double 11 in it or not), so the page says "baseline incomplete" rather than showing +414%.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from store.assessment.report import MonthlyKpi
from store.clock import business_day, month_key, utcnow
from store.kpi.errors import PeriodError
from store.kpi.models import FOOTFALL_TABLE, SALES_TABLE
from store.kpi.periods import area_days, month_end, parse_month, same_day_last_year, staff_days
from store.kpi.schemas import Dashboard, Grain, GroupBy, KpiRow
from store.premises import categories
from store.premises import service as premises_service
from store.premises.models import Shop, StaffHeadcount, Store

SALES, FOOTFALL = SALES_TABLE, FOOTFALL_TABLE


@dataclass
class _Group:
    """The shops one row adds up: the whole store, a floor, a shop or a category."""

    key: str
    label: str
    shops: list[Shop]
    store_level: bool = False


@dataclass(frozen=True)
class _Bucket:
    period: str
    start: date
    end: date
    partial: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class _Totals:
    revenue_fen: int = 0
    orders: int = 0
    footfall: int = 0


@dataclass
class _Context:
    store_id: int
    groups: list[_Group]
    entries: list[StaffHeadcount] = field(default_factory=list)
    today: date = date.max  # the store's business day now
    first_day: date | None = None  # the first day with any sales: where the history starts

    def covers(self, start: date, end: date) -> bool:
        """Whether the store's history holds every day of ``start``..``end`` (a fair baseline)."""
        return self.first_day is not None and self.first_day <= start and end <= self.today


def _groups(session: Session, store: Store, by: GroupBy, shop_id: int | None) -> list[_Group]:
    store_id = store.id or 0
    shops = premises_service.list_shops(session, store_id)
    if shop_id is not None:
        shop = premises_service.get_shop(session, store_id, shop_id)
        return [_Group(shop.code, shop.name, [shop])]
    if by == GroupBy.store:
        return [_Group("store", store.name, shops, store_level=True)]
    if by == GroupBy.shop:
        return [_Group(shop.code, shop.name, [shop]) for shop in shops]
    if by == GroupBy.floor:
        floors = premises_service.list_floors(session, store_id)
        return [_Group(f.code, f.name, [s for s in shops if s.floor_id == f.id]) for f in floors]
    codes = sorted({shop.category for shop in shops})
    return [_Group(c, categories.label(c), [s for s in shops if s.category == c]) for c in codes]


def _buckets(start: date, end: date, grain: Grain) -> list[_Bucket]:
    if grain == Grain.total:
        whole_months = start.day == 1 and end == month_end(end)
        return [_Bucket(f"{start}..{end}", start, end, partial=not whole_months)]
    if grain == Grain.day:
        return [
            _Bucket(
                (start + timedelta(days=i)).isoformat(), start + timedelta(days=i), start + timedelta(days=i), False
            )
            for i in range((end - start).days + 1)
        ]
    result, first = [], start.replace(day=1)
    while first <= end:
        last = month_end(first)
        lo, hi = max(first, start), min(last, end)
        result.append(_Bucket(month_key(first), lo, hi, partial=(lo, hi) != (first, last)))
        first = last + timedelta(days=1)
    return result


def fetch(session: Session, query: Any) -> list[Any]:
    """The rows of a Core query (SQLModel's ``exec`` is typed for its own selects only)."""
    return list(session.exec(query))


def _sales_rows(session: Session, store_id: int, start: date, end: date, by_shop: bool) -> list[Any]:
    """(day, shop_id or None, net revenue, orders) from the rollups."""
    shop = SALES.c.shop_id if by_shop else None
    columns = [SALES.c.business_on, *([shop] if shop is not None else [])]
    query = (
        select(*columns, func.sum(SALES.c.revenue_fen - SALES.c.refunds_fen), func.sum(SALES.c.orders))
        .where(SALES.c.store_id == store_id, SALES.c.business_on.between(start, end))
        .group_by(*columns)
    )
    if by_shop:
        return [(r[0], r[1], int(r[2] or 0), int(r[3] or 0)) for r in fetch(session, query)]
    return [(r[0], None, int(r[1] or 0), int(r[2] or 0)) for r in fetch(session, query)]


def _footfall(session: Session, store_id: int, start: date, end: date) -> dict[date, int]:
    query = select(FOOTFALL.c.business_on, FOOTFALL.c.footfall_in).where(
        FOOTFALL.c.store_id == store_id, FOOTFALL.c.business_on.between(start, end)
    )
    return {row[0]: int(row[1]) for row in fetch(session, query)}


def _bucket_of(buckets: list[_Bucket]) -> dict[date, int]:
    return {b.start + timedelta(days=i): index for index, b in enumerate(buckets) for i in range(b.days)}


def _totals(session: Session, ctx: _Context, buckets: list[_Bucket]) -> dict[tuple[int, int], _Totals]:
    """Sums per (group index, bucket index)."""
    start, end = buckets[0].start, buckets[-1].end
    store_level = len(ctx.groups) == 1 and ctx.groups[0].store_level
    group_of = {shop.id: g for g, group in enumerate(ctx.groups) for shop in group.shops}
    bucket_of = _bucket_of(buckets)
    sums: dict[tuple[int, int], _Totals] = defaultdict(_Totals)
    for day, shop_id, revenue, orders in _sales_rows(session, ctx.store_id, start, end, by_shop=not store_level):
        g = 0 if store_level else group_of.get(shop_id)
        if g is not None:
            cell = sums[g, bucket_of[day]]
            cell.revenue_fen += revenue
            cell.orders += orders
    if store_level:
        for day, count in _footfall(session, ctx.store_id, start, end).items():
            sums[0, bucket_of[day]].footfall += count
    return sums


def _ratio(numerator: float, denominator: float) -> int | None:
    return round(numerator / denominator) if denominator > 0 else None


def _row(ctx: _Context, group: _Group, bucket: _Bucket, totals: _Totals) -> KpiRow:
    area = area_days(group.shops, bucket.start, bucket.end) / bucket.days
    staff = staff_days(ctx.entries, group.shops, bucket.start, bucket.end, store_staff=group.store_level) / bucket.days
    footfall = totals.footfall if group.store_level else None
    return KpiRow(
        period=bucket.period,
        key=group.key,
        label=group.label,
        days=bucket.days,
        partial=bucket.partial,
        revenue_fen=totals.revenue_fen,
        orders=totals.orders,
        avg_ticket_fen=_ratio(totals.revenue_fen, totals.orders),
        footfall=footfall,
        conversion=round(totals.orders / footfall, 4) if footfall else None,
        selling_area_m2=round(area, 2),
        staff=round(staff, 2),
        sales_per_m2_fen=_ratio(totals.revenue_fen, area),
        sales_per_staff_fen=_ratio(totals.revenue_fen, staff),
    )


def _rows(session: Session, ctx: _Context, buckets: list[_Bucket]) -> list[KpiRow]:
    sums = _totals(session, ctx, buckets)
    return [
        _row(ctx, group, bucket, sums.get((g, b), _Totals()))
        for b, bucket in enumerate(buckets)
        for g, group in enumerate(ctx.groups)
    ]


def _growth(now: float | None, base: float | None) -> float | None:
    if now is None or base is None or base <= 0:
        return None
    return round(now / base - 1, 4)


def _with_growth(row: KpiRow, base: KpiRow | None, *, covered: bool = True) -> KpiRow:
    """Growth of ``row`` against ``base``; amounts that add up over days are compared per day.

    ``covered`` False: the baseline holds days outside the store's history, so no growth is given."""
    if base is None:
        return row
    if not covered:
        return row.model_copy(update={"baseline_incomplete": True})

    def per_day(r: KpiRow, attr: str) -> float | None:
        value = getattr(r, attr)
        return None if value is None else value / r.days

    changes: dict[str, float | None] = {
        f"{name}_growth": _growth(per_day(row, attr), per_day(base, attr))
        for name, attr in (
            ("revenue", "revenue_fen"),
            ("orders", "orders"),
            ("footfall", "footfall"),
            ("sales_per_m2", "sales_per_m2_fen"),
            ("sales_per_staff", "sales_per_staff_fen"),
        )
    }
    changes["avg_ticket_growth"] = _growth(row.avg_ticket_fen, base.avg_ticket_fen)
    changes["conversion_growth"] = _growth(row.conversion, base.conversion)
    return row.model_copy(update=changes)


def first_sales_day(session: Session, store_id: int) -> date | None:
    """The earliest business day with any sales rollup (how far back a baseline can reach)."""
    return fetch(session, select(func.min(SALES.c.business_on)).where(SALES.c.store_id == store_id))[0][0]


def _context(session: Session, store_id: int, by: GroupBy, shop_id: int | None, *, history: bool = False) -> _Context:
    """The groups to add up; ``history``: also where the store's history starts and today (for baselines)."""
    store = premises_service.get_store(session, store_id)
    entries = premises_service.headcount_entries(session, store_id)
    ctx = _Context(store_id, _groups(session, store, by, shop_id), entries)
    if history:
        ctx.today = business_day(utcnow(), store.timezone)
        ctx.first_day = first_sales_day(session, store_id)
    return ctx


def _check_range(start: date, end: date, name: str = "range") -> None:
    if start > end:
        raise PeriodError("reversed", name=name, start=start, end=end)


def series(
    session: Session,
    store_id: int,
    *,
    start: date,
    end: date,
    grain: Grain | str = Grain.day,
    by: GroupBy | str = GroupBy.store,
    baseline: tuple[date, date] | None = None,
    shop_id: int | None = None,
    per_period: bool = False,
) -> list[KpiRow]:
    """KPI rows per period and key; ``baseline`` fills the growth fields; ``shop_id`` limits to one shop.

    Every row is compared with its key's figures over the whole baseline; with ``per_period`` the
    baseline is cut into periods of the same grain and the n-th period compared with the n-th (each
    month beside the same month last year). ``Grain.total`` gives one row per key for the whole range.
    """
    _check_range(start, end)
    grain, by = Grain(grain), GroupBy(by)
    ctx = _context(session, store_id, by, shop_id, history=baseline is not None)
    rows = _rows(session, ctx, _buckets(start, end, grain))
    if baseline is None:
        return rows
    _check_range(*baseline, name="baseline")
    base_buckets = _buckets(*baseline, grain) if per_period else [_Bucket("baseline", *baseline, False)]
    base_rows = _rows(session, ctx, base_buckets)
    width = len(ctx.groups)  # rows run period by period, the keys in the same order within each

    def against(index: int, row: KpiRow) -> KpiRow:
        at = index if per_period else index % width
        if at >= len(base_rows):
            return row
        bucket = base_buckets[at // width]
        return _with_growth(row, base_rows[at], covered=ctx.covers(bucket.start, bucket.end))

    return [against(i, row) for i, row in enumerate(rows)]


def _period(session: Session, ctx: _Context, start: date, end: date, label: str) -> KpiRow:
    return _rows(session, ctx, [_Bucket(label, start, end, False)])[0]


def _span(session: Session, ctx: _Context, start: date, end: date) -> KpiRow:
    label = start.isoformat() if start == end else f"{start}..{end}"
    return _period(session, ctx, start, end, label)


def dashboard(session: Session, store_id: int, *, today: date, shop_id: int | None = None) -> Dashboard:
    """Today and month to date beside the same days last year (the store, or one shop).

    Growth covers completed days only, so a day under way never shows -100% before the first sale:
    today's growth is given once the day is over, and the month's compares its days up to yesterday
    (``compared_through``; None on the first of the month, while no day of it is over yet).
    """
    ctx = _context(session, store_id, GroupBy.store, shop_id, history=True)
    first, last_year = today.replace(day=1), same_day_last_year(today)
    done = min(today, ctx.today - timedelta(days=1))  # the last completed day
    through = done if done >= first else None
    day, day_ly = _span(session, ctx, today, today), _span(session, ctx, last_year, last_year)
    if through == today:
        day = _with_growth(day, day_ly, covered=ctx.covers(last_year, last_year))
    elif not ctx.covers(last_year, last_year):
        day = day.model_copy(update={"baseline_incomplete": True})
    mtd = _span(session, ctx, first, today)
    ly_first, ly_last = same_day_last_year(first), same_day_last_year(through or today)
    mtd_ly = _span(session, ctx, ly_first, ly_last)
    if through is not None:
        done_part = mtd if through == today else _span(session, ctx, first, through)
        compared = _with_growth(done_part, mtd_ly, covered=ctx.covers(ly_first, ly_last))
        mtd = mtd.model_copy(
            update={
                k: v for k, v in compared.model_dump().items() if k.endswith("_growth") or k == "baseline_incomplete"
            }
        )
    elif not ctx.covers(ly_first, ly_last):
        mtd = mtd.model_copy(update={"baseline_incomplete": True})
    return Dashboard(
        today=today,
        day=day,
        day_last_year=day_ly,
        month_to_date=mtd,
        month_to_date_last_year=mtd_ly,
        compared_through=through,
    )


def monthly(session: Session, store_id: int, start_month: str, end_month: str) -> list[MonthlyKpi]:
    """Store-level KPIs of each whole month ``start_month``..``end_month`` (YYYY-MM), B1–B4's figures."""
    first, last = parse_month(start_month, name="start month"), parse_month(end_month, name="end month")
    rows = series(session, store_id, start=first, end=month_end(last), grain=Grain.month, by=GroupBy.store)
    return [
        MonthlyKpi(
            month=r.period,
            revenue_fen=r.revenue_fen,
            orders=r.orders,
            footfall=r.footfall or 0,
            selling_area_m2=r.selling_area_m2,
            staff=r.staff,
            sales_per_m2_fen=r.sales_per_m2_fen or 0,
            sales_per_staff_fen=r.sales_per_staff_fen or 0,
        )
        for r in rows
    ]
