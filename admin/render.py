"""Rendering a page: the template of the request's locale, with the layout's common context."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from admin import i18n
from admin.deps import CSRF_FIELD, StaffContext
from admin.nav import nav_items
from store.config import get_settings

ROLE_LABELS = {
    "admin": i18n.N_("Administrator"),
    "manager": i18n.N_("Store manager"),
    "cashier": i18n.N_("Cashier"),
    "marketing": i18n.N_("Marketing"),
    "security": i18n.N_("Security"),
    "tenant": i18n.N_("Tenant staff"),
}


def switch_url(request: Request, locale: str) -> str:
    """The current page in another language (the ``lang`` cookie then keeps it)."""
    params = dict(request.query_params)
    params["lang"] = "en" if locale == "en" else "zh"
    return str(request.url.include_query_params(**params).replace(scheme="", netloc=""))


def growth_class(locale: str) -> str:
    """The page's growth colours: red up in Chinese unless the setting fixes them (``admin_growth_colours``)."""
    choice = get_settings().admin_growth_colours
    red_up = choice == "red_up" or (choice == "auto" and locale == "zh_CN")
    return "growth-red-up" if red_up else "growth-green-up"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    staff: StaffContext | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """``template`` rendered in the request's locale; the layout gets navigation, user and language links."""
    locale = i18n.negotiate(request)
    env = i18n.environment(locale)
    values: dict[str, Any] = {
        "request": request,
        "staff": staff,
        "nav": nav_items(request) if staff else [],
        "role_label": ROLE_LABELS.get(staff.role.value, staff.role.value) if staff else "",
        "csrf_field": CSRF_FIELD,
        "csrf_token": staff.csrf_token if staff else "",
        "url_zh": switch_url(request, "zh_CN"),
        "url_en": switch_url(request, "en"),
        "is_htmx": bool(request.headers.get("HX-Request")),
        "growth_class": growth_class(locale),
    }
    values.update(context or {})
    response = HTMLResponse(env.get_template(template).render(values), status_code=status_code)
    i18n.remember_choice(request, response)
    return response
