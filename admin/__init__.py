"""Manager-facing web: login, dashboards, KPIs, the Annex 4 self-assessment and the back office.

Server-rendered Jinja2 pages (``admin/templates``), htmx and ECharts vendored in
``admin/static/vendor`` with their licences, texts through the gettext catalog in
``admin/locale`` (zh_CN by default, ``?lang=en`` switches and a ``lang`` cookie remembers).

Adding a page (for example the dashboard):

1. ``admin/pages/dashboard.py`` with ``router = APIRouter(prefix="/admin", include_in_schema=False)``
   and a route ``@router.get("/dashboard")`` taking ``staff: CurrentStaff`` (or
   ``Depends(require_role(...))``) from :mod:`admin.deps` and returning
   ``render(request, "dashboard.html", {...}, staff=staff)`` from :mod:`admin.render`;
   POST routes take ``form: CheckedForm`` (the CSRF check). Every module in ``admin/pages`` with a
   ``router`` is mounted, no list to edit.
2. ``admin/templates/dashboard.html`` with ``{% extends "layout.html" %}``, blocks ``page_title``
   and ``content``; texts in ``{{ _("English id") }}``.
3. Its section in :data:`admin.nav.SECTIONS` lights up (it is greyed "coming soon" until a GET
   route answers at its path). ``/admin/`` lands on the first available section.
4. Add the new texts' Chinese to ``admin/locale/zh_CN/LC_MESSAGES/<module>.po`` (one file per module;
   every ``*.po`` there is loaded after ``messages.po``)
   (``pybabel extract -F babel.cfg -o /tmp/admin.pot admin`` then ``pybabel update``);
   ``tests/admin/test_catalog.py`` fails while a text has no translation.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from admin import i18n
from admin.deps import LoginRequired, login_redirect
from admin.i18n import N_
from admin.nav import get_paths
from admin.pages import page_modules
from admin.render import render

STATIC = Path(__file__).parent / "static"

# Titles and details the server's error handlers send (store.errors, store.app); the page translates them.
ERROR_TEXTS = (
    N_("Bad request"),
    N_("Invalid input"),
    N_("Not found"),
    N_("Conflict"),
    N_("Forbidden"),
    N_("Authentication required"),
    N_("Form rejected"),
    N_("Method not allowed"),
    N_("Request body too large"),
    N_("HTTP error"),
    N_("Internal error"),
    N_("Request is not valid"),
    N_("Store not found"),
    N_("Floor not found"),
    N_("Shop not found"),
    N_("Shop code already used"),
    N_("Code already used"),
    N_("Shop not trading"),
    N_("Dates out of order"),
    N_("Not Found"),
    N_("an unexpected error occurred; it was logged"),
)


def mount(app: FastAPI) -> None:
    """Add the admin routes and static files to the server app."""
    paths: set[str] = set()
    for module in page_modules():
        app.include_router(module.router)
        paths |= get_paths(module.router.routes)
    app.state.admin_page_paths = paths  # the navigation lights up the sections that exist
    app.mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static")

    async def _login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return login_redirect(request, exc)

    app.add_exception_handler(LoginRequired, _login_required)


# Said instead of a server detail that has no translation (an English sentence such as "shop 99999 does not
# exist in this store" never shows inside a Chinese page).
GENERIC_DETAILS = {
    404: N_("What you asked for does not exist in this store, or the address is mistyped."),
    409: N_("It clashes with what is already recorded; nothing was changed."),
}


def page_detail(detail: str, status: int, locale: str) -> str:
    """The detail in the page's language; an untranslated English sentence gives way to a general one."""
    translated = i18n.gettext(detail, locale)
    english = re.search(r"[A-Za-z]{3,}", detail) and not re.search(r"[\u3400-\u9fff]", detail)
    if locale == "en" or translated != detail or not english:
        return translated
    return i18n.gettext(GENERIC_DETAILS[status], locale) if status in GENERIC_DETAILS else ""


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A readable error page for the admin, in the layout when someone is signed in."""
    if status == 401:
        return RedirectResponse("/admin/login?next=/admin/", status_code=303)
    locale = i18n.negotiate(request)
    context = {
        "status": status,
        "title": i18n.gettext(title, locale),
        "detail": page_detail(detail, status, locale),
    }
    staff = getattr(request.state, "staff", None)
    return render(request, "error.html", context, staff=staff, status_code=status)
