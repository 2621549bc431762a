"""The left navigation: every section of the back office, lit up once its page module exists.

A section the signed-in role may not open is left out of the navigation, and ``/admin/`` sends each
role to the first section it may open. Whether it may is asked of the page's own ``require_role``
dependency (the same check the page runs), so no second list of roles per section can drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from admin.i18n import N_
from admin.pages import page_modules
from store.errors import Forbidden


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # English message id; the template translates it
    path: str


@dataclass(frozen=True)
class NavItem:
    section: Section
    active: bool
    available: bool  # False: shown greyed as "coming soon", never a dead link


# The order managers see. A section is available as soon as a GET route answers at its path.
SECTIONS: tuple[Section, ...] = (
    Section("dashboard", N_("Dashboard"), "/admin/dashboard"),
    Section("kpi", N_("KPIs"), "/admin/kpi"),
    Section("analytics", N_("Analytics"), "/admin/analytics"),
    Section("assessment", N_("Self-assessment"), "/admin/assessment"),
    Section("premises", N_("Premises"), "/admin/premises"),
    Section("catalog", N_("Catalogue"), "/admin/catalog"),
    Section("members", N_("Members"), "/admin/members"),
    Section("points", N_("Points"), "/admin/points"),
    Section("marketing", N_("Marketing"), "/admin/marketing"),
    Section("pos", N_("POS"), "/admin/pos"),
    Section("capture", N_("Receipt capture"), "/admin/capture"),
    Section("credit", N_("Credit"), "/admin/credit"),
    Section("footfall", N_("Footfall"), "/admin/footfall"),
    Section("patrol", N_("Patrol"), "/admin/patrol"),
    Section("facilities", N_("Facilities"), "/admin/facilities"),
    Section("online-orders", N_("Online orders"), "/admin/online-orders"),
    Section("deliveries", N_("Deliveries"), "/admin/deliveries"),
    Section("live", N_("Live streaming"), "/admin/live"),
    Section("wayfinding", N_("Map and kiosks"), "/admin/wayfinding"),
    Section("parking", N_("Parking"), "/admin/parking"),
    Section("rentals", N_("Rentals"), "/admin/rentals"),
)


def get_paths(routes: list[BaseRoute]) -> set[str]:
    """Paths of the GET routes among ``routes`` (a page module's router)."""
    return {route.path for route in routes if isinstance(route, Route) and route.methods and "GET" in route.methods}


def page_paths(request: Request) -> set[str]:
    """Paths of the admin pages the app serves (collected by :func:`admin.mount`)."""
    return set(getattr(request.app.state, "admin_page_paths", set()))


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _dependencies(child)


@cache
def _page_routes() -> dict[str, APIRoute]:
    """The GET route of each admin page path (the page modules' own routers, as ``admin.mount`` adds them)."""
    return {
        route.path: route
        for module in page_modules()
        for route in module.router.routes
        if isinstance(route, APIRoute) and "GET" in (route.methods or ())
    }


def may_open(staff: Any, path: str) -> bool:
    """Whether ``staff`` passes the role checks (``admin.deps.require_role``) of the page at ``path``."""
    route = _page_routes().get(path)
    if route is None or staff is None:
        return True
    for dependency in _dependencies(route.dependant):
        check = dependency.call
        if check is not None and getattr(check, "__name__", "").startswith("require_"):
            try:
                check(staff)
            except Forbidden:
                return False
    return True


def nav_items(request: Request) -> list[NavItem]:
    """The sections the signed-in role may open, with which one is open and which exist yet."""
    served = page_paths(request)
    staff = getattr(request.state, "staff", None)
    here = request.url.path.rstrip("/")
    return [
        NavItem(
            section=section,
            active=here == section.path or here.startswith(section.path + "/"),
            available=section.path in served,
        )
        for section in SECTIONS
        if section.path not in served or may_open(staff, section.path)
    ]


def home_path(request: Request, staff: Any = None) -> str | None:
    """Where ``/admin/`` and a fresh login land: the first section ``staff`` may open (None: none)."""
    served = page_paths(request)
    for section in SECTIONS:
        if section.path in served and may_open(staff, section.path):
            return section.path
    return None if staff is not None else "/admin/premises"
