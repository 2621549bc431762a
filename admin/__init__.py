"""Manager-facing web: login, dashboards, KPIs, the Annex 4 self-assessment and the back office."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def mount(app: FastAPI) -> None:
    """Add the admin routes and static files to the server app."""


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    """A readable error page for the admin."""
    return HTMLResponse(f"<h1>{escape(title)}</h1><p>{escape(detail)}</p>", status_code=status)
