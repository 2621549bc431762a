"""大数据应用 S10 and 运营分析 M2 in the back office: consumption and footfall analysis, the stored forecast with
its backtest beside the seasonal-naive baseline, and the consumer groups. Nothing is fitted while a page
waits (the worker's nightly job stores the results); profiles show groups and counts, never a member."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from admin.deps import StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.pages.formats import number, yuan, yuan_short
from admin.render import render
from store import workdays
from store.analytics import profiles, service
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES

router = APIRouter(prefix="/admin", include_in_schema=False)

Analyst = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing))]
PERIODS = (28, 91, 182, 364)
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
METRICS = {"revenue": N_("Revenue"), "footfall": N_("Footfall")}
HISTORY_SHOWN = 56  # days of actuals drawn before the forecast


def _json(value: Any) -> Markup:
    """Chart data for a ``<script type="application/json">`` block (``</`` cannot close the script)."""
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))  # as the KPI page embeds its charts


def _translator(locale: str) -> Any:
    def translate(message: str, **values: Any) -> str:
        text = gettext(message, locale)
        return text % values if values else text

    return translate


def _floors(session: Any, store_id: int, locale: str) -> dict[int, str]:
    return {
        f.id: f"{f.code} {f.name if locale == 'zh_CN' else (f.name_en or f.name)}"  # type: ignore[misc]
        for f in premises_service.list_floors(session, store_id)
    }


@router.get("/analytics", response_class=HTMLResponse)
def analysis(
    request: Request, session: SessionDep, staff: Analyst, days: Annotated[int, Query(ge=7, le=400)] = 91
) -> HTMLResponse:
    """Consumption and footfall of the last N days by hour, weekday, floor, category, member or not (M2)."""
    locale = negotiate(request)
    _ = _translator(locale)
    end = business_day(utcnow(), staff.store_timezone) - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    found = service.analyse(session, staff.store_id, start, end)
    floors = _floors(session, staff.store_id, locale)
    categories = {code: (zh if locale == "zh_CN" else en) for code, (zh, en) in CATEGORIES.items()}
    charts = {
        "an-hour": {
            "categories": [f"{h}:00" for h, *_rest in found.by_hour],
            "series": [
                {"name": _("Orders"), "kind": "bar", "values": [o for _h, o, _r, _p in found.by_hour]},
                {"name": _("Footfall"), "kind": "line", "axis": 1, "values": [p for _h, _o, _r, p in found.by_hour]},
            ],
        },
        "an-weekday": {
            "categories": [_(WEEKDAYS[d]) for d, *_rest in found.by_weekday],
            "series": [
                {"name": _("Revenue"), "kind": "bar", "values": [r / 100 for _d, r, _o, _p in found.by_weekday]},
                {"name": _("Footfall"), "kind": "line", "axis": 1, "values": [p for _d, _r, _o, p in found.by_weekday]},
            ],
        },
        "an-category": {
            "horizontal": True,
            "categories": [categories.get(c, c) for c, _r, _o in found.by_category],
            "series": [{"name": _("Revenue"), "kind": "bar", "values": [r / 100 for _c, r, _o in found.by_category]}],
        },
    }
    context = {
        "found": found,
        "days": days,
        "periods": PERIODS,
        "floors": floors,
        "categories": categories,
        "weekdays": WEEKDAYS,
        "charts": {key: _json(value) for key, value in charts.items()},
        "yuan": lambda fen: yuan(fen, decimals=0, locale=locale),
        "yuan_short": lambda fen: yuan_short(fen, locale),
        "number": number,
        "share": lambda part, whole: f"{100 * part / whole:.1f}%" if whole else "—",
        "tab": "analysis",
    }
    return render(request, "analytics/analysis.html", context, staff=staff)


def _scope_label(scope: str, floors: dict[int, str], _: Any) -> str:
    if scope == "store":
        return str(_("Whole store"))
    return floors.get(int(scope.split(":")[1]), scope)


@router.get("/analytics/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    session: SessionDep,
    staff: Analyst,
    scope: Annotated[str, Query(max_length=20, pattern=r"^(store|floor:\d{1,9})$")] = "store",
    metric: Annotated[str, Query(pattern=r"^(revenue|footfall)$")] = "revenue",
) -> HTMLResponse:
    """The stored 8-week forecast with its interval, the 调休 and holiday days, and the backtest's MAPE beside
    the seasonal-naive baseline's."""
    locale = negotiate(request)
    _ = _translator(locale)
    floors = _floors(session, staff.store_id, locale)
    rows = service.stored_forecasts(session, staff.store_id)
    chosen = next((r for r in rows if r.scope == scope and r.metric == metric), None)
    chart = None
    marks: list[dict[str, str]] = []
    if chosen is not None:
        chart, marks = _forecast_chart(session, staff.store_id, chosen, _)
    years = sorted({date.fromisoformat(p[0]).year for p in (chosen.points if chosen else [])})
    context = {
        "rows": rows,
        "chosen": chosen,
        "scope": scope,
        "metric": metric,
        "metrics": METRICS,
        "label": lambda s: _scope_label(s, floors, _),
        "chart": _json(chart) if chart else None,
        "marks": marks,
        "unpublished": [y for y in years if not workdays.is_published(y)],
        "yuan": lambda fen: yuan(fen, decimals=0, locale=locale),
        "number": number,
        "tab": "forecast",
    }
    return render(request, "analytics/forecast.html", context, staff=staff)


def _forecast_chart(session: Any, store_id: int, row: Any, _: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    scale = 100 if row.metric == "revenue" else 1  # revenue drawn in yuan
    end = row.history_to
    days, actual = service.daily_series(
        session, store_id, row.metric, end - timedelta(days=HISTORY_SHOWN - 1), end, row.floor_id
    )
    future = [date.fromisoformat(p[0]) for p in row.points]
    naive = actual[-7:]
    pad: list[float | None] = [None] * len(days)
    marks = []
    for day in days + future:
        holiday = workdays.holiday_name(day)
        if day in workdays.MAKE_UP_DAYS:
            marks.append({"day": day.isoformat(), "kind": "workday", "name": str(_("Make-up working day (调休)"))})
        elif holiday:
            marks.append({"day": day.isoformat(), "kind": "holiday", "name": holiday})
    chart = {
        "categories": [d.isoformat() for d in days + future],
        "actual": [round(v / scale, 2) for v in actual] + [None] * len(future),
        "mean": pad + [round(p[1] / scale, 2) for p in row.points],
        "lower": pad + [round(p[2] / scale, 2) for p in row.points],
        "upper": pad + [round(p[3] / scale, 2) for p in row.points],
        "naive": pad + [round(naive[i % 7] / scale, 2) for i in range(len(future))],
        "marks": marks,
        "names": {
            "actual": str(_("Actual")),
            "mean": str(_("Forecast")),
            "band": str(_("%(level)s%% interval", level=row.level)),
            "naive": str(_("Seasonal naive (same weekday last week)")),
            "workday": str(_("Make-up working day (调休)")),
            "holiday": str(_("Holiday")),
        },
    }
    return chart, [m for m in marks if date.fromisoformat(m["day"]) > end]


@router.get("/analytics/profiles", response_class=HTMLResponse)
def profiles_page(request: Request, session: SessionDep, staff: Analyst) -> HTMLResponse:
    """Consumer groups: generated descriptions, sizes and averages; no member is listed (personal data stays out)."""
    locale = negotiate(request)
    groups = profiles.list_groups(session, staff.store_id)
    total = sum(g.members for g in groups)
    context = {
        "groups": groups,
        "total": total,
        "families": {k: (zh if locale == "zh_CN" else en) for k, (zh, en, _c) in profiles.FAMILIES.items()},
        "yuan": lambda fen: yuan(fen, decimals=0, locale=locale),
        "number": number,
        "tab": "profiles",
    }
    return render(request, "analytics/profiles.html", context, staff=staff)
