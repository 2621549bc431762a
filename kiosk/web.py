"""Kiosk screens: the home page with the store and its floors, and one page per floor (导购屏)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kiosk import i18n
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.models import Floor, Shop

router = APIRouter(prefix="/kiosk", include_in_schema=False)
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


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    """The kiosk home: the store's name and its floors, top floor first as on a directory board."""
    store = premises_service.default_store(session)
    today = business_day(utcnow(), store.timezone)
    floors = premises_service.list_floors(session, store.id)  # type: ignore[arg-type]
    shops = premises_service.list_shops(session, store.id, open_on=today)  # type: ignore[arg-type]
    cards = floor_cards(list(reversed(floors)), shops)
    return render(request, "home.html", {"store": store, "cards": cards, "total_shops": len(shops)})


@router.get("/floors/{code}")
def floor(request: Request, session: SessionDep, code: str) -> HTMLResponse:
    """One floor's shops, for a shopper looking for where to go."""
    store = premises_service.default_store(session)
    today = business_day(utcnow(), store.timezone)
    found = premises_service.get_floor_by_code(session, store.id, code)  # type: ignore[arg-type]
    shops = premises_service.list_shops(session, store.id, floor_id=found.id, open_on=today)  # type: ignore[arg-type]
    rows = [(shop, _category(shop.category)) for shop in shops]
    return render(request, "floor.html", {"store": store, "floor": found, "shops": rows})
