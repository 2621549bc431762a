"""Kiosk screens: the home page with the store and its floors, and one page per floor (导购屏)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from kiosk import i18n
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.models import Floor, Shop

router = APIRouter(prefix="/kiosk", include_in_schema=False)
logger = logging.getLogger(__name__)
MAIN_CATEGORIES = 3


@dataclass(frozen=True)
class FloorCard:
    floor: Floor
    shops: int
    categories: list[tuple[str, str]]  # (zh, en) of the floor's main categories


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """``template`` in the request's locale, with the language switch links."""
    locale = i18n.negotiate(request)
    values = {"request": request, "url_zh": i18n.switch_url(request, "zh_CN"), "url_en": i18n.switch_url(request, "en")}
    values.update(context)
    response = HTMLResponse(i18n.environment(locale).get_template(template).render(values), status_code=status_code)
    i18n.remember_choice(request, response)
    return response


def _category(code: str) -> tuple[str, str]:
    return CATEGORIES.get(code, (code, code))


def floor_cards(floors: list[Floor], shops: list[Shop]) -> list[FloorCard]:
    """Each floor with its trading shops and its most common categories."""
    cards = []
    for floor in floors:
        on_floor = [shop for shop in shops if shop.floor_id == floor.id]
        common = Counter(shop.category for shop in on_floor).most_common(MAIN_CATEGORIES)
        cards.append(FloorCard(floor, len(on_floor), [_category(code) for code, _n in common]))
    return cards


def directory_counts(session: Session, store_id: int, day: date) -> dict[int, list[tuple[str, int]]]:
    """Floor id → (category, trading shops) most common first: one GROUP BY, no shop rows loaded (the home
    page's cost was hydrating every shop to count them)."""
    rows = session.execute(
        select(col(Shop.floor_id), col(Shop.category), func.count())
        .where(
            col(Shop.store_id) == store_id,
            col(Shop.opened_on) <= day,
            or_(col(Shop.closed_on).is_(None), col(Shop.closed_on) >= day),
        )
        .group_by(col(Shop.floor_id), col(Shop.category))
    ).all()
    result: dict[int, list[tuple[str, int]]] = {}
    for floor_id, category, n in sorted(rows, key=lambda r: (-r[2], r[1])):
        result.setdefault(floor_id, []).append((category, n))
    return result


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """The kiosk home: search, the guide tiles (a tile says when its module is down), promotions, the floors."""
    from kiosk import guide  # the guide pages import this module's render()
    from store.wayfinding.models import KioskFunction

    sc = guide.screen(request, session, KioskFunction.home)
    floors = premises_service.list_floors(session, sc.store.id)  # type: ignore[arg-type]
    counts = directory_counts(session, sc.store.id or 0, sc.today)
    cards = [
        FloorCard(
            f,
            sum(n for _c, n in counts.get(f.id or 0, [])),
            [_category(c) for c, _n in counts.get(f.id or 0, [])[:MAIN_CATEGORIES]],
        )
        for f in reversed(floors)
    ]
    try:
        promotions: list[Any] | None = [] if sc.care else guide.current_promotions(session, sc.store.id or 0)
    except Exception:  # the catalogue is down: the tile says so, the rest of the kiosk works
        logger.exception("kiosk home: promotions unavailable")
        promotions = None
    context = {
        "cards": cards,
        "total_shops": sum(card.shops for card in cards),
        "promotions": promotions,
        "modules": guide.module_tiles(),
    }
    return guide.page(request, sc, "home.html", context)


@router.get("/floors/{code}")
def floor(request: Request, session: SessionDep, code: str, q: str = "") -> HTMLResponse:
    """One floor: its map with "you are here", and its shops with unit numbers, filtered by ``q``."""
    from kiosk import guide
    from store.wayfinding import search
    from store.wayfinding.models import KioskFunction

    sc = guide.screen(request, session, KioskFunction.floor_guide)
    try:
        found = premises_service.get_floor_by_code(session, sc.store.id, code[:16])  # type: ignore[arg-type]
    except StoreError as exc:
        return guide.error(request, sc, exc)
    shops = premises_service.list_shops(session, sc.store.id, floor_id=found.id, open_on=sc.today)  # type: ignore[arg-type]
    query = q.strip()[: guide.MAX_QUERY]
    if query:
        index = search.build(search.Entry(s.code, s.name, s.name_en, (s.code,)) for s in shops)
        keep = {hit.entry.key for hit in search.find(index, query, limit=len(shops))}
        shops = [s for s in shops if s.code in keep]
    rows = [(shop, _category(shop.category)) for shop in shops]
    locale = i18n.negotiate(request)
    context = {"floor": found, "shops": rows, "q": query, "map": guide.floor_map(session, sc, found.code, locale)}
    return guide.page(request, sc, "floor.html", context)
