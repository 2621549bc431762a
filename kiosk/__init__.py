"""Shopper-facing web: kiosk screens and the phone pages that QR codes open."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def mount(app: FastAPI) -> None:
    """Add the kiosk routes and static files to the server app."""


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """A readable error page for the kiosk."""
    return HTMLResponse(f"<h1>{escape(title)}</h1><p>{escape(detail)}</p>", status_code=status)
