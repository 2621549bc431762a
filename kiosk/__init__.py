"""Shopper-facing web: kiosk screens and the phone pages that QR codes open.

Server-rendered Jinja2 (``kiosk/templates``, one base layout), htmx vendored in
``kiosk/static/vendor`` with its licence, texts through ``kiosk/locale`` (zh_CN by default,
``?lang=en`` for English). Screens are laid out for a 1080×1920 portrait kiosk and a 390×844 phone.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from kiosk import i18n
from kiosk.credit import router as credit_router
from kiosk.guide import TEXTS as _GUIDE_TEXTS  # noqa: F401  (error titles of the guide pages)
from kiosk.guide import router as guide_router
from kiosk.parking import router as parking_router
from kiosk.receipts import router as receipts_router
from kiosk.rentals import router as rentals_router
from kiosk.web import render, router

STATIC = Path(__file__).parent / "static"


def N_(message: str) -> str:
    return message


# Error titles the server may send; the page shows them translated.
ERROR_TEXTS = (
    N_("Not found"),
    N_("Not Found"),
    N_("Store not found"),
    N_("Floor not found"),
    N_("Internal error"),
    N_("Request is not valid"),
    N_("Method not allowed"),
    N_("Request body too large"),
    N_("HTTP error"),
    N_("Bad request"),
    N_("no store: run smartstore demo or import"),
    N_("an unexpected error occurred; it was logged"),
    N_("Invalid code"),
    N_("Complaint not found"),
    N_("Complaint already closed"),
)


def mount(app: FastAPI) -> None:
    """Add the kiosk routes and static files to the server app."""
    app.include_router(router)
    app.include_router(guide_router)  # search, directory, shops, maps, routes, promotions (issue 14)
    app.include_router(credit_router)  # the credit QR phone pages and complaints (S9)
    app.include_router(parking_router)  # find-my-car and pay by QR (C5)
    app.include_router(rentals_router)  # self-service rentals and the rental status phone page (C4)
    app.include_router(receipts_router)  # the e-receipt a till receipt's QR opens (issue 12)
    app.mount("/kiosk/static", StaticFiles(directory=STATIC), name="kiosk-static")


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """A readable error page for the kiosk, with a big way back to the home screen."""
    locale = i18n.negotiate(request)
    context = {"status": status, "title": i18n.gettext(title, locale), "detail": i18n.gettext(detail, locale)}
    return render(request, "error.html", context, status_code=status)
