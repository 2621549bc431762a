"""The left navigation: every section of the back office, lit up once its page module exists."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.routing import BaseRoute, Route

from admin.i18n import N_


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
    Section("assessment", N_("Self-assessment"), "/admin/assessment"),
    Section("premises", N_("Premises"), "/admin/premises"),
    Section("members", N_("Members"), "/admin/members"),
    Section("marketing", N_("Marketing"), "/admin/marketing"),
    Section("pos", N_("POS"), "/admin/pos"),
    Section("credit", N_("Credit"), "/admin/credit"),
    Section("footfall", N_("Footfall"), "/admin/footfall"),
    Section("patrol", N_("Patrol"), "/admin/patrol"),
    Section("facilities", N_("Facilities"), "/admin/facilities"),
)


def get_paths(routes: list[BaseRoute]) -> set[str]:
    """Paths of the GET routes among ``routes`` (a page module's router)."""
    return {route.path for route in routes if isinstance(route, Route) and route.methods and "GET" in route.methods}


def page_paths(request: Request) -> set[str]:
    """Paths of the admin pages the app serves (collected by :func:`admin.mount`)."""
    return set(getattr(request.app.state, "admin_page_paths", set()))


def nav_items(request: Request) -> list[NavItem]:
    """The sections with which one is open and which exist yet."""
    served = page_paths(request)
    here = request.url.path.rstrip("/")
    return [
        NavItem(
            section=section,
            active=here == section.path or here.startswith(section.path + "/"),
            available=section.path in served,
        )
        for section in SECTIONS
    ]


def home_path(request: Request) -> str:
    """Where ``/admin/`` and a fresh login land: the dashboard once it exists, else premises."""
    served = page_paths(request)
    for section in SECTIONS:
        if section.path in served:
            return section.path
    return "/admin/premises"
