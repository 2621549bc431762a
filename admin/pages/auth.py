"""Signing in and out of the back office, and the ``/admin/`` entry point."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from admin import i18n
from admin.deps import CheckedForm, CurrentStaff, tokens_match
from admin.nav import home_path
from admin.render import render
from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE, client_address, secure_cookies
from store.auth.errors import TooManyAttempts
from store.config import get_settings
from store.db import SessionDep
from store.errors import Unauthorized
from store.ratelimit import RateLimited

router = APIRouter(prefix="/admin", include_in_schema=False)

# Before there is a session, the login form is protected by a double-submit cookie and an Origin check.
LOGIN_CSRF_COOKIE = "smartstore_login_csrf"


def safe_next(value: str | None) -> str:
    """Only paths inside the admin: never an open redirect to another site."""
    if not value or not value.startswith("/admin") or value.startswith("//") or "\\" in value:
        return "/admin/"
    return value


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None  # browsers send "null" from sandboxed or cross-site contexts
    parts = urlsplit(origin)
    return parts.netloc == request.url.netloc


def _login_page(request: Request, *, error: str = "", username: str = "", status_code: int = 200) -> Response:
    locale = i18n.negotiate(request)
    notice = ""
    if request.query_params.get("expired"):
        notice = i18n.gettext("Your session has expired. Please sign in again.", locale)
    elif request.query_params.get("bye"):
        notice = i18n.gettext("You have signed out.", locale)
    token = secrets.token_urlsafe(24)
    context = {
        "notice": notice,
        "error": error,
        "username": username,
        "next": safe_next(request.query_params.get("next")),
        "login_csrf": token,
    }
    response = render(request, "login.html", context, status_code=status_code)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/admin/login",
        secure=secure_cookies(request),
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    """The sign-in page."""
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/admin/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Check the password and start a session cookie."""
    locale = i18n.negotiate(request)
    if not _same_origin(request) or not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        message = i18n.gettext("The sign-in form expired. Please try again.", locale)
        return _login_page(request, error=message, username=username, status_code=403)
    settings = get_settings()
    try:
        secret, _row = auth_service.login(
            session, username.strip(), password, settings.session_max_age_s, client=client_address(request)
        )
    except Unauthorized:
        message = i18n.gettext("Wrong username or password.", locale)
        return _login_page(request, error=message, username=username, status_code=400)
    except RateLimited as exc:
        message = i18n.gettext(
            "Too many sign-in attempts from this address. Please wait a minute and try again.", locale
        )
        page = _login_page(request, error=message, username=username, status_code=429)
        page.headers.update(exc.headers)
        return page
    except TooManyAttempts as exc:
        message = i18n.gettext("Too many failed sign-in attempts. Please try again in %(minutes)s minutes.", locale)
        page = _login_page(
            request, error=message % {"minutes": exc.retry_after_minutes}, username=username, status_code=429
        )
        page.headers.update(exc.headers)
        return page
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.session_max_age_s,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, _form: CheckedForm) -> Response:
    """End the session and go back to the sign-in page."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        auth_service.logout(session, cookie)
    response = RedirectResponse("/admin/login?bye=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, staff: CurrentStaff) -> Response:
    """The back office's front door: the first section this role may open, or what the role can do."""
    target = home_path(request, staff)
    if target is None:  # e.g. a cashier: their work is at the till, not in the back office
        return render(request, "dashboard/no_section.html", {}, staff=staff)
    return RedirectResponse(target, status_code=303)
