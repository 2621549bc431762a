"""Who is looking at an admin page: the signed-in staff member from the session cookie, and CSRF checks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from admin.i18n import N_
from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE
from store.auth.models import Role, StaffSession, StaffUser
from store.db import SessionDep
from store.errors import Forbidden
from store.premises import service as premises_service
from store.premises.models import Store

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
BACK_OFFICE = (Role.admin, Role.manager)


class LoginRequired(Exception):
    """No usable session: the handler sends the browser to the login page (saying why)."""

    def __init__(self, next_path: str, *, expired: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


class CsrfRejected(Forbidden):
    type = "csrf-rejected"
    title = "Form rejected"


@dataclass(frozen=True)
class StaffContext:
    """The signed-in staff member and their store, as plain values (error pages render it after a rollback)."""

    user_id: int
    username: str
    display_name: str
    role: Role
    user_shop_id: int | None
    store_id: int
    store_name: str
    store_name_en: str
    store_timezone: str
    csrf_token: str

    @classmethod
    def of(cls, user: StaffUser, staff_session: StaffSession, store: Store) -> StaffContext:
        return cls(
            user_id=user.id or 0,
            username=user.username,
            display_name=user.display_name or user.username,
            role=Role(user.role),
            user_shop_id=user.shop_id,
            store_id=store.id or 0,
            store_name=store.name,
            store_name_en=store.name_en,
            store_timezone=store.timezone,
            csrf_token=staff_session.csrf_token,
        )

    @property
    def shop_id(self) -> int | None:
        """Tenant staff are limited to their own shop; everyone else sees the whole store."""
        return self.user_shop_id if self.role == Role.tenant else None

    def can(self, *roles: Role) -> bool:
        return self.role in roles

    def can_see_shop(self, shop_id: int) -> bool:
        return self.shop_id is None or self.shop_id == shop_id

    def store_label(self, locale: str) -> str:
        return self.store_name if locale == "zh_CN" else (self.store_name_en or self.store_name)


def current_staff(request: Request, session: SessionDep) -> StaffContext:
    """The staff member behind the session cookie, or a redirect to the login page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    # After signing in, a GET comes back where it was; a lost POST starts again from the home page.
    next_path = str(request.url.replace(scheme="", netloc="")) if request.method == "GET" else "/admin/"
    found = auth_service.resolve_session(session, cookie) if cookie else None
    if found is None:
        raise LoginRequired(next_path, expired=cookie is not None)
    user, staff_session = found
    staff = StaffContext.of(user, staff_session, premises_service.get_store(session, user.store_id))
    request.state.staff = staff  # so an error page raised later in this request keeps the layout
    return staff


CurrentStaff = Annotated[StaffContext, Depends(current_staff)]


def require_role(*roles: Role) -> Callable[[StaffContext], StaffContext]:
    """A dependency letting only staff with one of ``roles`` open the page (others get the 403 page)."""

    def dependency(staff: CurrentStaff) -> StaffContext:
        if not staff.can(*roles):
            raise Forbidden(N_("Your role may not open this page."))
        return staff

    dependency.__name__ = "require_" + "_".join(r.value for r in roles)
    return dependency


def tokens_match(expected: str | None, given: str | None) -> bool:
    # Bytes: compare_digest refuses non-ASCII str, and a posted token is whatever the form sent.
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected).encode(), str(given).encode())


async def checked_form(request: Request, staff: CurrentStaff) -> dict[str, str]:
    """The posted form, once its CSRF token (hidden field or htmx header) matches the session's."""
    form = await request.form()
    given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not tokens_match(staff.csrf_token, given if isinstance(given, str) else None):
        raise CsrfRejected(N_("The form expired or came from another site. Reload the page and try again."))
    return {key: value.strip() for key, value in form.items() if isinstance(value, str)}


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    """Send a signed-out browser to the login page; htmx requests get an ``HX-Redirect``."""
    query = {"next": exc.next_path}
    if exc.expired:
        query["expired"] = "1"
    target = "/admin/login?" + urlencode(query)
    if request.headers.get("HX-Request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    if exc.expired:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response
