"""Analytics reads and the stored forecasts (S10 大数据应用服务, M2 运营分析管理).

Every figure is a SQL aggregate (kpi rollups, grouped order and footfall reads): no loop over order rows
in Python. Forecasts are fitted by :mod:`store.analytics.forecast` in the nightly job and stored; pages
read the stored rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, extract, func, select
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from store.analytics import forecast
from store.analytics.models import ForecastSeries
from store.clock import business_day, day_bounds_utc, utcnow
from store.footfall import service as footfall_service
from store.footfall.models import FootfallCount
from store.kpi.models import FOOTFALL_TABLE, SALES_TABLE
from store.members.models import Member
from store.premises import service as premises_service
from store.premises.models import Shop, Zone
from store.sales.models import Order

HISTORY_DAYS = 730
_s = SALES_TABLE
_f = FOOTFALL_TABLE
_o = Order.__table__  # type: ignore[attr-defined]
_m = Member.__table__  # type: ignore[attr-defined]
_shop = Shop.__table__  # type: ignore[attr-defined]
_fc = FootfallCount.__table__  # type: ignore[attr-defined]
_zone = Zone.__table__  # type: ignore[attr-defined]
NET = _s.c.revenue_fen - _s.c.refunds_fen


@dataclass
class Analysis:
    """Consumption and footfall of a period, cut seven ways (the page's tables and charts)."""

    start: date
    end: date
    by_hour: list[tuple[int, int, int, int]] = field(default_factory=list)  # hour, orders, revenue, footfall
    by_weekday: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0 = Monday, revenue, orders, people
    by_floor: list[tuple[int, int, int]] = field(default_factory=list)  # floor id, revenue, orders
    by_category: list[tuple[str, int, int]] = field(default_factory=list)  # category, revenue, orders
    member_split: dict[str, tuple[int, int]] = field(default_factory=dict)  # member|guest -> revenue, orders
    new_returning: dict[str, tuple[int, int, int]] = field(
        default_factory=dict
    )  # new|returning -> members, orders, revenue


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sales_where(store_id: int, start: date, end: date) -> list[Any]:
    return [_s.c.store_id == store_id, _s.c.business_on >= start, _s.c.business_on <= end]


def _utc_offset_hours(timezone: str, day: date) -> int:
    offset = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def analyse(session: Session, store_id: int, start: date, end: date) -> Analysis:
    """Revenue, orders and footfall of ``start``..``end`` by hour, weekday, floor, category, member or not, and
    new members (joined in the period) against returning ones."""
    tz = premises_service.get_store(session, store_id).timezone
    found = Analysis(start, end)
    lo, _ = day_bounds_utc(start, tz)
    _, hi = day_bounds_utc(end, tz)
    shift = _utc_offset_hours(tz, end)  # hours are read in UTC in SQL and shifted (a whole-hour zone)
    hour = extract("hour", _o.c.ordered_at)
    orders_by_hour = {
        (int(h) + shift) % 24: (int(n), int(r or 0))
        for h, n, r in session.execute(
            select(hour, func.count(), func.sum(_o.c.total_fen - _o.c.refunded_fen))
            .where(_o.c.store_id == store_id, _o.c.ordered_at >= lo, _o.c.ordered_at < hi)
            .group_by(hour)
        )
    }
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    people: dict[int, int] = {}
    for hours in footfall_service.hourly_in(session, store_id, days, tz).values():
        for h, n in hours.items():
            people[h] = people.get(h, 0) + n
    found.by_hour = [
        (h, orders_by_hour.get(h, (0, 0))[0], orders_by_hour.get(h, (0, 0))[1], people.get(h, 0))
        for h in sorted(set(orders_by_hour) | set(people))
    ]
    found.by_weekday = _by_weekday(session, store_id, start, end)
    floor = _shop.c.floor_id
    found.by_floor = [
        (int(f), int(r or 0), int(n or 0))
        for f, r, n in session.execute(
            select(floor, func.sum(NET), func.sum(_s.c.orders))
            .select_from(_s.join(_shop, _shop.c.id == _s.c.shop_id))
            .where(*_sales_where(store_id, start, end))
            .group_by(floor)
        )
    ]
    category = _shop.c.category
    found.by_category = sorted(
        (
            (str(c), int(r or 0), int(n or 0))
            for c, r, n in session.execute(
                select(category, func.sum(NET), func.sum(_s.c.orders))
                .select_from(_s.join(_shop, _shop.c.id == _s.c.shop_id))
                .where(*_sales_where(store_id, start, end))
                .group_by(category)
            )
        ),
        key=lambda row: -row[1],
    )
    revenue, orders, member_revenue, member_orders = session.execute(
        select(
            func.sum(_s.c.revenue_fen),
            func.sum(_s.c.orders),
            func.sum(_s.c.member_revenue_fen),
            func.sum(_s.c.member_orders),
        ).where(*_sales_where(store_id, start, end))
    ).one()
    revenue, orders, member_revenue, member_orders = (
        int(v or 0) for v in (revenue, orders, member_revenue, member_orders)
    )
    found.member_split = {
        "member": (member_revenue, member_orders),
        "guest": (revenue - member_revenue, orders - member_orders),
    }
    found.new_returning = _new_returning(session, store_id, lo, hi)
    return found


def _by_weekday(session: Session, store_id: int, start: date, end: date) -> list[tuple[int, int, int, int]]:
    dow = extract("dow", _s.c.business_on)  # 0 = Sunday on both databases
    sales = {
        (int(d) + 6) % 7: (int(r or 0), int(n or 0))
        for d, r, n in session.execute(
            select(dow, func.sum(NET), func.sum(_s.c.orders)).where(*_sales_where(store_id, start, end)).group_by(dow)
        )
    }
    fdow = extract("dow", _f.c.business_on)
    people = {
        (int(d) + 6) % 7: int(n or 0)
        for d, n in session.execute(
            select(fdow, func.sum(_f.c.footfall_in))
            .where(_f.c.store_id == store_id, _f.c.business_on >= start, _f.c.business_on <= end)
            .group_by(fdow)
        )
    }
    return [(d, sales.get(d, (0, 0))[0], sales.get(d, (0, 0))[1], people.get(d, 0)) for d in range(7)]


def _new_returning(session: Session, store_id: int, lo: datetime, hi: datetime) -> dict[str, tuple[int, int, int]]:
    """Member orders of the period split by whether the member joined in the period (new) or before."""
    kind = case((_m.c.joined_at >= lo, "new"), else_="returning")
    rows = session.execute(
        select(
            kind, func.count(func.distinct(_o.c.member_id)), func.count(), func.sum(_o.c.total_fen - _o.c.refunded_fen)
        )
        .select_from(_o.join(_m, _m.c.id == _o.c.member_id))
        .where(_o.c.store_id == store_id, _o.c.ordered_at >= lo, _o.c.ordered_at < hi)
        .group_by(kind)
    )
    found = {k: (int(m), int(n), int(r or 0)) for k, m, n, r in rows}
    return {k: found.get(k, (0, 0, 0)) for k in ("new", "returning")}


# --- daily series and forecasts --------------------------------------------------------------------------------


def daily_series(
    session: Session, store_id: int, metric: str, start: date, end: date, floor_id: int | None = None
) -> tuple[list[date], list[float]]:
    """One value per day of ``start``..``end`` (0 where nothing was recorded): net revenue in fen or people in."""
    if metric == "revenue":
        query = select(_s.c.business_on, func.sum(NET)).where(*_sales_where(store_id, start, end))
        if floor_id is not None:
            query = query.select_from(_s.join(_shop, _shop.c.id == _s.c.shop_id)).where(_shop.c.floor_id == floor_id)
        query = query.group_by(_s.c.business_on)
    elif floor_id is None:
        query = (
            select(_f.c.business_on, func.sum(_f.c.footfall_in))
            .where(_f.c.store_id == store_id, _f.c.business_on >= start, _f.c.business_on <= end)
            .group_by(_f.c.business_on)
        )
    else:  # people in through the entrances on that floor
        query = (
            select(_fc.c.business_on, func.sum(_fc.c.count_in))
            .select_from(_fc.join(_zone, _zone.c.id == _fc.c.zone_id))
            .where(_fc.c.store_id == store_id, _fc.c.business_on >= start, _fc.c.business_on <= end)
            .where(_zone.c.floor_id == floor_id)
            .group_by(_fc.c.business_on)
        )
    values = {_day(d): float(v or 0) for d, v in session.execute(query)}
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return days, [values.get(d, 0.0) for d in days]


def _floors_with_footfall(session: Session, store_id: int, start: date) -> set[int]:
    rows = session.execute(
        select(func.distinct(_zone.c.floor_id))
        .select_from(_fc.join(_zone, _zone.c.id == _fc.c.zone_id))
        .where(_fc.c.store_id == store_id, _fc.c.business_on >= start)
    )
    return {int(r) for (r,) in rows}


def _first_day(days: list[date], values: list[float]) -> int:
    """Index of the first day with trade (a floor opened later starts there)."""
    return next((i for i, v in enumerate(values) if v > 0), len(values))


def refit(
    session: Session,
    store_id: int,
    *,
    today: date | None = None,
    floors: bool = True,
    origins: int = 3,
    floor_origins: int | None = None,
) -> list[ForecastSeries]:
    """Fit, backtest (``origins`` rolling origins; ``floor_origins`` for floors, default the same) and store the
    forecast of each series (store, and each floor when ``floors``), replacing the stored ones. History: up to
    ``HISTORY_DAYS`` days before ``today``."""
    store = premises_service.get_store(session, store_id)
    today = today or business_day(utcnow(), store.timezone)
    end, start = today - timedelta(days=1), today - timedelta(days=HISTORY_DAYS)
    scopes: list[tuple[str, int | None, str]] = [("store", None, "revenue"), ("store", None, "footfall")]
    if floors:
        with_people = _floors_with_footfall(session, store_id, start)
        for floor in premises_service.list_floors(session, store_id):
            scopes.append((f"floor:{floor.id}", floor.id, "revenue"))
            if floor.id in with_people:
                scopes.append((f"floor:{floor.id}", floor.id, "footfall"))
    stored = []
    for scope, floor_id, metric in scopes:
        days, values = daily_series(session, store_id, metric, start, end, floor_id)
        first = _first_day(days, values)
        days, values = days[first:], values[first:]
        if len(values) < 8 * forecast.SEASON:
            continue
        wanted = origins if floor_id is None or floor_origins is None else floor_origins
        stored.append(_fit_one(session, store_id, scope, floor_id, metric, days, values, wanted))
    return stored


def _fit_one(
    session: Session,
    store_id: int,
    scope: str,
    floor_id: int | None,
    metric: str,
    days: list[date],
    values: list[float],
    origins: int,
) -> ForecastSeries:
    started = time.perf_counter()
    checked = forecast.backtest(days, values, wanted=origins) if origins else forecast.Backtest(0, None, None, 0)
    found = forecast.fit_predict(days, values)
    session.execute(
        delete(ForecastSeries.__table__).where(  # type: ignore[attr-defined]
            col(ForecastSeries.store_id) == store_id,
            col(ForecastSeries.scope) == scope,
            col(ForecastSeries.metric) == metric,
        )
    )
    row = ForecastSeries(
        store_id=store_id,
        scope=scope,
        floor_id=floor_id,
        metric=metric,
        model=forecast.MODEL_NAME,
        history_from=days[0],
        history_to=days[-1],
        fit_ms=round((time.perf_counter() - started) * 1000),
        level=forecast.LEVEL,
        origins=checked.origins,
        model_mape=checked.model_mape,
        naive_mape=checked.naive_mape,
        points=[
            [d.isoformat(), round(m, 1), round(lo, 1), round(hi, 1)]
            for d, m, lo, hi in zip(found.days, found.mean, found.lower, found.upper, strict=True)
        ],
    )
    session.add(row)
    session.flush()
    return row


def stored_forecasts(session: Session, store_id: int) -> list[ForecastSeries]:
    """The stored forecasts of the store: whole store first, then floors."""
    rows = session.exec(sm_select(ForecastSeries).where(ForecastSeries.store_id == store_id)).all()
    return sorted(rows, key=lambda r: (r.scope != "store", r.scope, r.metric))


def get_forecast(session: Session, store_id: int, scope: str, metric: str) -> ForecastSeries | None:
    return session.exec(
        sm_select(ForecastSeries).where(
            ForecastSeries.store_id == store_id, ForecastSeries.scope == scope, ForecastSeries.metric == metric
        )
    ).first()


# --- what the assessment counts (S10, M2) ----------------------------------------------------------------------


def sales_days(session: Session, store_id: int, first: date, last: date) -> int:
    """Business days with sales in ``first``..``last`` (the consumption analysis had data)."""
    return int(
        session.execute(
            select(func.count(func.distinct(_s.c.business_on))).where(
                *_sales_where(store_id, first, last), _s.c.orders > 0
            )
        ).scalar_one()
    )


def footfall_days(session: Session, store_id: int, first: date, last: date) -> int:
    """Business days with people counted in ``first``..``last`` (M2 footfall analysis)."""
    return int(
        session.execute(
            select(func.count()).where(
                _f.c.store_id == store_id, _f.c.business_on >= first, _f.c.business_on <= last, _f.c.footfall_in > 0
            )
        ).scalar_one()
    )


def member_orders_analysed(session: Session, store_id: int, first: date, last: date) -> int:
    """Member orders in ``first``..``last`` (M2 member spending analysis: members vs guests, new vs returning)."""
    return int(
        session.execute(
            select(func.coalesce(func.sum(_s.c.member_orders), 0)).where(*_sales_where(store_id, first, last))
        ).scalar_one()
    )


def categories_analysed(session: Session, store_id: int, first: date, last: date) -> int:
    """Shop categories with sales in ``first``..``last`` (M2 goods and services analysis by category)."""
    return int(
        session.execute(
            select(func.count(func.distinct(_shop.c.category)))
            .select_from(_s.join(_shop, _shop.c.id == _s.c.shop_id))
            .where(*_sales_where(store_id, first, last), _s.c.orders > 0)
        ).scalar_one()
    )


def forecast_summary(session: Session, store_id: int) -> tuple[int, int, datetime | None]:
    """(stored series backtested, of them beating the seasonal-naive baseline, latest fit time)."""
    rows = stored_forecasts(session, store_id)
    tested = [r for r in rows if r.origins and r.model_mape is not None and r.naive_mape is not None]
    beating = len([r for r in tested if (r.model_mape or 0.0) < (r.naive_mape or 0.0)])
    return len(tested), beating, max((r.made_at for r in rows), default=None)


def latest_sales_day(session: Session, store_id: int) -> date:
    """The last business day with sales (the demo's or an import's history may stop before yesterday)."""
    found = session.execute(select(func.max(_s.c.business_on)).where(_s.c.store_id == store_id)).scalar_one()
    return (
        _day(found)
        if found is not None
        else business_day(utcnow(), premises_service.get_store(session, store_id).timezone)
    )
