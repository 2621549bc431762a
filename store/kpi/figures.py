"""The read side of the KPIs: revenue, orders, 客单价, footfall, conversion, 坪效 and 人效 per period.

Everything is read from the daily rollups (never from order lines), so a year of a 2-million-line store
is a few hundred thousand rows at most. 坪效 = net revenue / selling area open in the period (a day-
weighted average, so a shop that opened mid-month counts for the days it traded); 人效 = net revenue /
the day-weighted average headcount.

Missing data is never a zero: each figure is covered by its own data (footfall by days with counts,
坪效 by the shops' dated area records, 人效 by dated headcount records); where a period is not covered on
every day the figure is None and ``gaps`` says how many days are. Figures are exact fractions inside and
rounded only on the way out (``KpiRow``), so growth is computed from the exact values.

Growth compares per day (a month with a year, a month under way with a whole month), and only against
a baseline covered in full: a baseline that starts before the first day with any sales
(``first_sales_day``) or reaches past today has no growth figures and ``baseline_incomplete`` set, and
a baseline figure whose own data has gaps gives that figure no growth (``baseline_gaps``). Scaling the
covered days up instead would be a guess (six days of a November against a whole one, with Double 11
in it or not), so the page says "baseline incomplete" rather than showing +414%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from store.clock import business_day, month_key, utcnow
from store.kpi.errors import PeriodError
from store.kpi.models import FOOTFALL_TABLE, SALES_TABLE
from store.kpi.months import MonthlyKpi
from store.kpi.periods import (
    Measure,
    Step,
    area_days,
    area_steps,
    month_end,
    overlap_days,
    parse_month,
    same_day_last_year,
    staff_days,
    staff_steps,
)
from store.kpi.schemas import Coverage, CoverageFigure, Dashboard, Grain, GroupBy, KpiRow
from store.premises import categories
from store.premises import service as premises_service
from store.premises.models import Shop, Store

SALES, FOOTFALL = SALES_TABLE, FOOTFALL_TABLE


@dataclass(frozen=True)
class ShopFilter:
    """Which shops a breakdown adds up: those of one floor, and closed shops or not."""

    floor_id: int | None = None
    trading_from: date | None = None  # leave out the shops that closed before this day

    def keeps(self, shop: Shop) -> bool:
        if self.floor_id is not None and shop.floor_id != self.floor_id:
            return False
        return self.trading_from is None or shop.closed_on is None or shop.closed_on >= self.trading_from


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
    footfall_days: int = 0  # days with a count


@dataclass
class _Context:
    store_id: int
    groups: list[_Group]
    staff: Mapping[int | None, Sequence[Step]] = field(default_factory=dict)  # headcount steps per shop
    areas: Mapping[int | None, Sequence[Step]] = field(default_factory=dict)  # area steps per shop
    today: date = date.max  # the store's business day now
    first_day: date | None = None  # the first day with any sales: where the history starts

    def history_days(self, start: date, end: date) -> int:
        """Days of ``start``..``end`` inside the store's sales history (its first sale to today)."""
        return 0 if self.first_day is None else overlap_days(start, end, self.first_day, self.today)


@dataclass(frozen=True)
class _Figures:
    """The exact figures of one group over one bucket, and the days each one's data covers."""

    group: _Group
    bucket: _Bucket
    totals: _Totals
    area: Measure
    staff: Measure
    history_days: int

    @property
    def days(self) -> int:
        return self.bucket.days

    @property
    def footfall(self) -> int | None:
        """People in; None below store level or when a day of the bucket has no count."""
        if not self.group.store_level or self.totals.footfall_days < self.days:
            return None
        return self.totals.footfall

    @property
    def sales_per_m2(self) -> Fraction | None:
        """坪效: revenue ÷ the day-weighted area, when every day has the area of every trading shop."""
        return _per(self.totals.revenue_fen * self.days, self.area, self.days)

    @property
    def sales_per_staff(self) -> Fraction | None:
        """人效: revenue ÷ the day-weighted headcount, when every day has its headcount on record."""
        return _per(self.totals.revenue_fen * self.days, self.staff, self.days)

    def gaps(self, *, history: bool = False) -> list[Coverage]:
        """The figures whose data misses days of the bucket (``history``: sales history too)."""
        found: list[tuple[CoverageFigure, int]] = [
            ("revenue", self.history_days if history else self.days),
            ("footfall", self.totals.footfall_days if self.group.store_level else self.days),
            ("sales_per_m2", self.area.covered),
            ("sales_per_staff", self.staff.covered),
        ]
        return [Coverage(figure=name, days=days, of=self.days) for name, days in found if days < self.days]


def _per(numerator: int, measure: Measure, days: int) -> Fraction | None:
    """``numerator`` ÷ the measure's day-weighted total; None unless its records cover every day."""
    if measure.covered < days or measure.total <= 0:
        return None
    return Fraction(numerator) / measure.total


def _groups(
    session: Session, store: Store, by: GroupBy, shop_id: int | None, shops_of: ShopFilter | None = None
) -> list[_Group]:
    store_id = store.id or 0
    shops = premises_service.list_shops(session, store_id)
    if shops_of is not None:
        shops = [shop for shop in shops if shops_of.keeps(shop)]
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
    if grain == Grain.week:
        return _week_buckets(start, end)
    result, first = [], start.replace(day=1)
    while first <= end:
        last = month_end(first)
        lo, hi = max(first, start), min(last, end)
        result.append(_Bucket(month_key(first), lo, hi, partial=(lo, hi) != (first, last)))
        first = last + timedelta(days=1)
    return result


def week_key(day: date) -> str:
    """The ISO week a day lies in: '2026-W05' (weeks run Monday to Sunday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week_buckets(start: date, end: date) -> list[_Bucket]:
    """Monday-to-Sunday weeks touching ``start``..``end``; a week the range cuts is partial."""
    result, monday = [], start - timedelta(days=start.weekday())
    while monday <= end:
        sunday = monday + timedelta(days=6)
        lo, hi = max(monday, start), min(sunday, end)
        result.append(_Bucket(week_key(monday), lo, hi, partial=(lo, hi) != (monday, sunday)))
        monday += timedelta(days=7)
    return result


def fetch(session: Session, query: Any) -> list[Any]:
    """The rows of a Core query (SQLModel's ``exec`` is typed for its own selects only)."""
    return list(session.exec(query))


def _bucket_index(column: Any, buckets: list[_Bucket], *, few_days: bool = False) -> Any:
    """A SQL expression giving each day's bucket index; None: group by the day itself and find its bucket
    here (one bucket per day, or ``few_days``: a store-level query whose rows are one per day anyway)."""
    if len(buckets) == 1:
        return literal(0)
    if few_days or all(b.days == 1 for b in buckets):
        return None
    return case(*((column.between(b.start, b.end), index) for index, b in enumerate(buckets)), else_=-1)


def _sales_sums(session: Session, ctx: _Context, buckets: list[_Bucket], by_shop: bool) -> list[Any]:
    """(bucket index, shop_id or None, net revenue, orders), summed in SQL from the rollups: one row per
    bucket and shop (or per bucket for the store), never one per day and shop."""
    start, end = buckets[0].start, buckets[-1].end
    index = _bucket_index(SALES.c.business_on, buckets, few_days=not by_shop)
    at = SALES.c.business_on if index is None else index.label("bucket")
    columns = [at, *([SALES.c.shop_id] if by_shop else [])]
    query = (
        select(*columns, func.sum(SALES.c.revenue_fen - SALES.c.refunds_fen), func.sum(SALES.c.orders))
        .where(SALES.c.store_id == ctx.store_id, SALES.c.business_on.between(start, end))
        .group_by(*columns)
    )
    if by_shop:
        shops = {shop.id for group in ctx.groups for shop in group.shops}
        if len(shops) < 50:  # one shop or a floor's few: let the index on shop_id narrow the scan
            query = query.where(SALES.c.shop_id.in_(shops))
    day_index = _bucket_of(buckets) if index is None else None
    result = []
    for row in fetch(session, query):
        bucket = day_index[_day(row[0])] if day_index is not None else int(row[0])
        shop = row[1] if by_shop else None
        result.append((bucket, shop, int(row[-2] or 0), int(row[-1] or 0)))
    return result


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _footfall_sums(session: Session, ctx: _Context, buckets: list[_Bucket]) -> list[tuple[int, int, int]]:
    """(bucket index, people in, days with a count), summed in SQL."""
    start, end = buckets[0].start, buckets[-1].end
    index = _bucket_index(FOOTFALL.c.business_on, buckets, few_days=True)
    at = FOOTFALL.c.business_on if index is None else index.label("bucket")
    query = (
        select(at, func.sum(FOOTFALL.c.footfall_in), func.count())
        .where(FOOTFALL.c.store_id == ctx.store_id, FOOTFALL.c.business_on.between(start, end))
        .group_by(at)
    )
    day_index = _bucket_of(buckets) if index is None else None
    return [
        (day_index[_day(r[0])] if day_index is not None else int(r[0]), int(r[1] or 0), int(r[2]))
        for r in fetch(session, query)
    ]


def _bucket_of(buckets: list[_Bucket]) -> dict[date, int]:
    return {b.start + timedelta(days=i): index for index, b in enumerate(buckets) for i in range(b.days)}


def _totals(session: Session, ctx: _Context, buckets: list[_Bucket]) -> dict[tuple[int, int], _Totals]:
    """Sums per (group index, bucket index)."""
    store_level = len(ctx.groups) == 1 and ctx.groups[0].store_level
    group_of = {shop.id: g for g, group in enumerate(ctx.groups) for shop in group.shops}
    sums: dict[tuple[int, int], _Totals] = defaultdict(_Totals)
    for bucket, shop_id, revenue, orders in _sales_sums(session, ctx, buckets, by_shop=not store_level):
        g = 0 if store_level else group_of.get(shop_id)
        if g is not None and bucket >= 0:
            cell = sums[g, bucket]
            cell.revenue_fen += revenue
            cell.orders += orders
    if store_level:
        for bucket, count, days in _footfall_sums(session, ctx, buckets):
            if bucket >= 0:
                cell = sums[0, bucket]
                cell.footfall += count
                cell.footfall_days += days
    return sums


def _round(value: Fraction | None) -> int | None:
    return None if value is None else round(value)


def _figures(session: Session, ctx: _Context, buckets: list[_Bucket]) -> list[_Figures]:
    """Exact figures per bucket and group, bucket by bucket, the groups in the same order within each."""
    sums = _totals(session, ctx, buckets)
    return [
        _Figures(
            group,
            bucket,
            sums.get((g, b), _Totals()),
            area_days(group.shops, ctx.areas, bucket.start, bucket.end),
            staff_days(ctx.staff, group.shops, bucket.start, bucket.end, store_staff=group.store_level),
            ctx.history_days(bucket.start, bucket.end),
        )
        for b, bucket in enumerate(buckets)
        for g, group in enumerate(ctx.groups)
    ]


def _row(f: _Figures) -> KpiRow:
    """The figures as the wire shows them: rounded here and only here."""
    totals, footfall = f.totals, f.footfall
    return KpiRow(
        period=f.bucket.period,
        key=f.group.key,
        label=f.group.label,
        days=f.days,
        partial=f.bucket.partial,
        revenue_fen=totals.revenue_fen,
        orders=totals.orders,
        avg_ticket_fen=round(Fraction(totals.revenue_fen, totals.orders)) if totals.orders else None,
        footfall=footfall,
        conversion=round(totals.orders / footfall, 4) if footfall else None,
        selling_area_m2=round(float(f.area.total / f.days), 2),
        staff=round(float(f.staff.total / f.days), 2),
        sales_per_m2_fen=_round(f.sales_per_m2),
        sales_per_staff_fen=_round(f.sales_per_staff),
        gaps=f.gaps(),
    )


def _rows(session: Session, ctx: _Context, buckets: list[_Bucket]) -> list[KpiRow]:
    return [_row(f) for f in _figures(session, ctx, buckets)]


def _growth(now: Fraction | None, base: Fraction | None) -> float | None:
    """(now - base) / base, exactly, handed out as a float (not rounded); None without a positive base."""
    if now is None or base is None or base <= 0:
        return None
    return float(now / base - 1)


def _per_day(value: int | Fraction | None, days: int) -> Fraction | None:
    return None if value is None else Fraction(value) / days


def _growth_fields(now: _Figures, base: _Figures) -> dict[str, Any]:
    """Growth of ``now`` against ``base``; amounts that add up over days are compared per day.

    A baseline outside the store's sales history gives no growth at all (``baseline_incomplete``); a
    baseline figure whose own data has gaps gives that figure none (``baseline_gaps``)."""
    gaps = base.gaps(history=True)
    if any(g.figure == "revenue" for g in gaps):
        return {"baseline_incomplete": True, "baseline_gaps": gaps}
    t, b = now.totals, base.totals
    now_ticket = Fraction(t.revenue_fen, t.orders) if t.orders else None
    base_ticket = Fraction(b.revenue_fen, b.orders) if b.orders else None
    now_conversion = Fraction(t.orders, now.footfall) if now.footfall else None
    base_conversion = Fraction(b.orders, base.footfall) if base.footfall else None
    return {
        "revenue_growth": _growth(_per_day(t.revenue_fen, now.days), _per_day(b.revenue_fen, base.days)),
        "orders_growth": _growth(_per_day(t.orders, now.days), _per_day(b.orders, base.days)),
        "footfall_growth": _growth(_per_day(now.footfall, now.days), _per_day(base.footfall, base.days)),
        "sales_per_m2_growth": _growth(_per_day(now.sales_per_m2, now.days), _per_day(base.sales_per_m2, base.days)),
        "sales_per_staff_growth": _growth(
            _per_day(now.sales_per_staff, now.days), _per_day(base.sales_per_staff, base.days)
        ),
        "avg_ticket_growth": _growth(now_ticket, base_ticket),
        "conversion_growth": _growth(now_conversion, base_conversion),
        "baseline_gaps": gaps,
    }


def _with_growth(now: _Figures, base: _Figures) -> KpiRow:
    return _row(now).model_copy(update=_growth_fields(now, base))


def first_sales_day(session: Session, store_id: int) -> date | None:
    """The earliest business day with any sales rollup (how far back a baseline can reach)."""
    return fetch(session, select(func.min(SALES.c.business_on)).where(SALES.c.store_id == store_id))[0][0]


def _context(
    session: Session,
    store_id: int,
    by: GroupBy,
    shop_id: int | None,
    *,
    history: bool = False,
    shops_of: ShopFilter | None = None,
) -> _Context:
    """The groups to add up; ``history``: also where the store's history starts and today (for baselines)."""
    store = premises_service.get_store(session, store_id)
    groups = _groups(session, store, by, shop_id, shops_of)
    shops = {shop.id: shop for group in groups for shop in group.shops}.values()
    ctx = _Context(
        store_id,
        groups,
        staff_steps(premises_service.headcount_entries(session, store_id)),
        area_steps(shops, premises_service.area_records(session, store_id)),
    )
    if history:
        ctx.today = business_day(utcnow(), store.timezone)
        ctx.first_day = first_sales_day(session, store_id)
    return ctx


def _check_range(start: date, end: date, name: str = "range") -> None:
    if start > end:
        raise PeriodError("reversed", name=name, start=start, end=end)


def _compare(
    session: Session,
    store_id: int,
    *,
    start: date,
    end: date,
    grain: Grain | str,
    by: GroupBy | str,
    baseline: tuple[date, date] | None,
    shop_id: int | None,
    per_period: bool,
    shops_of: ShopFilter | None,
) -> tuple[list[_Figures], list[_Figures] | None, int]:
    """The figures of every period and key, those of the baseline (None without one), and the keys per period."""
    _check_range(start, end)
    grain, by = Grain(grain), GroupBy(by)
    ctx = _context(session, store_id, by, shop_id, history=baseline is not None, shops_of=shops_of)
    figures = _figures(session, ctx, _buckets(start, end, grain))
    if baseline is None:
        return figures, None, len(ctx.groups)
    _check_range(*baseline, name="baseline")
    base_buckets = _buckets(*baseline, grain) if per_period else [_Bucket("baseline", *baseline, False)]
    return figures, _figures(session, ctx, base_buckets), len(ctx.groups)


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
    shops_of: ShopFilter | None = None,
) -> list[KpiRow]:
    """KPI rows per period and key; ``baseline`` fills the growth fields; ``shop_id`` limits to one shop,
    ``shops_of`` to one floor's shops and/or those still trading.

    Every row is compared with its key's figures over the whole baseline; with ``per_period`` the
    baseline is cut into periods of the same grain and the n-th period compared with the n-th (each
    month beside the same month last year, each day beside the same weekday a week or a year before).
    ``Grain.total`` gives one row per key for the whole range.
    """
    return series_beside_baseline(
        session,
        store_id,
        start=start,
        end=end,
        grain=grain,
        by=by,
        baseline=baseline,
        shop_id=shop_id,
        per_period=per_period,
        shops_of=shops_of,
    )[0]


def series_beside_baseline(
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
    shops_of: ShopFilter | None = None,
) -> tuple[list[KpiRow], list[KpiRow | None]]:
    """:func:`series`, and beside each row the baseline's own figures it was compared with (the chart's
    "last year" line): None where there is none, or where the store's sales history does not cover it."""
    figures, base, width = _compare(
        session,
        store_id,
        start=start,
        end=end,
        grain=grain,
        by=by,
        baseline=baseline,
        shop_id=shop_id,
        per_period=per_period,
        shops_of=shops_of,
    )
    if base is None:
        return [_row(f) for f in figures], [None] * len(figures)
    base_rows = [None if any(g.figure == "revenue" for g in b.gaps(history=True)) else _row(b) for b in base]
    rows: list[KpiRow] = []
    beside: list[KpiRow | None] = []
    for index, now in enumerate(figures):  # rows run period by period, the keys in the same order within each
        at = index if per_period else index % width
        if at >= len(base):
            rows.append(_row(now))
            beside.append(None)
        else:
            rows.append(_with_growth(now, base[at]))
            beside.append(base_rows[at])
    return rows, beside


def _span(session: Session, ctx: _Context, start: date, end: date) -> _Figures:
    label = start.isoformat() if start == end else f"{start}..{end}"
    return _figures(session, ctx, [_Bucket(label, start, end, False)])[0]


def _incomplete(row: KpiRow, base: _Figures) -> KpiRow:
    """No growth yet (the period is under way), but say whether the baseline would be covered."""
    gaps = base.gaps(history=True)
    return row.model_copy(
        update={"baseline_incomplete": any(g.figure == "revenue" for g in gaps), "baseline_gaps": gaps}
    )


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
    day_now, day_base = _span(session, ctx, today, today), _span(session, ctx, last_year, last_year)
    day = _with_growth(day_now, day_base) if through == today else _incomplete(_row(day_now), day_base)
    ly_first, ly_last = same_day_last_year(first), same_day_last_year(through or today)
    mtd_base = _span(session, ctx, ly_first, ly_last)
    mtd = _row(_span(session, ctx, first, today))
    if through is not None:
        compared = _growth_fields(_span(session, ctx, first, through), mtd_base)
        mtd = mtd.model_copy(update=compared)
    else:
        mtd = _incomplete(mtd, mtd_base)
    return Dashboard(
        today=today,
        day=day,
        day_last_year=_row(day_base),
        month_to_date=mtd,
        month_to_date_last_year=_row(mtd_base),
        compared_through=through,
    )


def monthly(session: Session, store_id: int, start_month: str, end_month: str) -> list[MonthlyKpi]:
    """Store-level KPIs of each whole month ``start_month``..``end_month`` (YYYY-MM), B1–B4's figures, exact
    and with the days each figure's data covers (a figure not covered on every day is None)."""
    first, last = parse_month(start_month, name="start month"), parse_month(end_month, name="end month")
    _check_range(first, last)
    ctx = _context(session, store_id, GroupBy.store, None, history=True)
    return [
        MonthlyKpi(
            month=f.bucket.period,
            days=f.days,
            revenue_fen=f.totals.revenue_fen,
            orders=f.totals.orders,
            footfall=f.footfall,
            selling_area_m2=f.area.total / f.days,
            staff=f.staff.total / f.days,
            sales_per_m2_fen=f.sales_per_m2,
            sales_per_staff_fen=f.sales_per_staff,
            revenue_days=f.history_days,
            footfall_days=f.totals.footfall_days,
            area_days=f.area.covered,
            staff_days=f.staff.covered,
        )
        for f in _figures(session, ctx, _buckets(first, month_end(last), Grain.month))
    ]
