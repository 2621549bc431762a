"""Composition root of the server: the API, the admin pages and the kiosk in one ASGI app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

import admin
import kiosk
from store import __version__, watchdog
from store.access_log import AccessLog
from store.config import get_settings
from store.db import is_locked
from store.errors import PROBLEM_BASE, DatabaseBusy, StoreError
from store.health import router as health_router
from store.http_guard import BodyLimit, SecurityHeaders
from store.logs import install_redaction
from store.metrics import Metrics
from store.metrics import router as metrics_router
from store.nul_guard import reject_nul
from store.openapi_links import add_links
from store.problem_docs import document_problems
from store.registry import domain_modules

log = logging.getLogger("store.http")
PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/v1"
SWAGGER_UI = Path(__file__).parent / "static" / "swagger-ui"


def _edge_for(path: str) -> Any | None:
    if path.startswith("/admin"):
        return admin
    if path.startswith("/kiosk"):
        return kiosk
    return None


def _problem(request: Request, status: int, type_: str, title: str, detail: str, **extra: Any) -> Response:
    edge = _edge_for(request.url.path)
    if edge is not None:
        return edge.error_page(request, status, title, detail)
    body = {"type": PROBLEM_BASE + type_, "title": title, "status": status, "detail": detail}
    body.update({"instance": request.url.path, **extra})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _allowed_methods(request: Request) -> str:
    # Starlette's 405 names the methods of the first route on the path only; a path served by two
    # routes (GET and PATCH) must list both, so ask the router which methods it would take here.
    routes = request.app.router.routes
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    return ", ".join(allowed)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        extra = {"errors": exc.errors} if exc.errors else {}
        response = _problem(request, exc.status_code, exc.type, exc.title, exc.message, **extra)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return _problem(request, 422, "validation-error", "Request is not valid", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed", 413: "Request body too large"}.get(
            exc.status_code, "HTTP error"
        )
        response = _problem(request, exc.status_code, f"http-{exc.status_code}", title, str(exc.detail))
        # Keep what the exception says to clients, e.g. the Allow header a 405 must carry (RFC 9110).
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(request)
        return response

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> Response:
        if is_locked(exc):  # SQLite's write lock stayed taken past the busy timeout: a retry, not a 500
            return await _store_error(request, DatabaseBusy("the database is busy with another write; retry"))
        # The database is restarting, unreachable or busy (a crash, a failover, SQLite's write lock): a 503 the
        # client retries with the same Idempotency-Key, not a 500. Logged by kind only: the text may hold the URL.
        log.warning("database unavailable", extra={"path": request.url.path, "reason": type(exc.orig).__name__})
        detail = "the database did not answer; retry shortly (writes with the same Idempotency-Key are safe)"
        response = _problem(request, 503, "database-unavailable", "Service unavailable", detail)
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": request.url.path})
        return _problem(request, 500, "internal", "Internal error", "an unexpected error occurred; it was logged")


SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>smartstore API</title>
<link rel="stylesheet" href="{static}/swagger-ui.css">
<link rel="icon" href="{static}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{spec}"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script src="{static}/swagger-init.js"></script>
</body>
</html>
"""


def _mount_api_docs(app: FastAPI) -> None:
    """Swagger UI at /api/v1/docs from the copy vendored in store/static/swagger-ui (no inline script: CSP)."""
    app.mount(f"{API_PREFIX}/docs/static", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    page = SWAGGER_PAGE.format(static=f"{API_PREFIX}/docs/static", spec=f"{API_PREFIX}/openapi.json")

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)


def _document_problems(app: FastAPI) -> None:
    """The spec documents every error response as the problem+json this module renders."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(document_problems(build()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _guard(app: FastAPI) -> None:
    """Body cap inside the error handlers (a streamed 413 renders like any error); headers outside everything."""
    settings = get_settings()
    app.add_middleware(
        BodyLimit,  # type: ignore[arg-type]
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        render=_problem,
    )
    # Outside Starlette's own error middleware too, so even a 500 carries the security headers.
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build())  # type: ignore[method-assign,assignment]


HOT_ROUTERS = ("store.sales.api",)  # the tills' routes: matched first


def create_app() -> FastAPI:
    """Build the ASGI app: health, every domain's API router, the admin and kiosk edges."""
    install_redaction()  # no phone number or secret reaches a log, whoever configured the handlers
    docs = get_settings().api_docs
    app = FastAPI(
        title="smartstore",
        version=__version__,
        description="In-store system of a department store, measured against the MOFCOM smart-store indicators.",
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        docs_url=None,  # served below from vendored files: nothing loads from a CDN
        redoc_url=None,
        dependencies=[Depends(reject_nul)],  # PostgreSQL cannot hold a NUL: refused up front as a 422
    )
    install_error_handlers(app)
    # Before the access log: the body cap sits inside it, so its receive is the one the routes call
    # (inside BaseHTTPMiddleware a raised 413 would reach FastAPI wrapped in an ExceptionGroup, as a 400).
    _guard(app)

    app.add_middleware(AccessLog)  # request id and access log (plain ASGI: cheap on the hot path)
    app.add_middleware(Metrics)  # /metrics: requests by route template and status class (issue 17)

    if docs:
        _mount_api_docs(app)
    # Routers are tried in order and a request walks every route before the one that answers (each
    # included router matches its routes one by one): the tills' sales routes go first, so a till's post
    # does not pay for matching the rest of the API (it cost more than the sale itself).
    api_modules = sorted(domain_modules("api"), key=lambda m: m.__name__ not in HOT_ROUTERS)
    for module in api_modules:
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(health_router)
    app.include_router(metrics_router)
    admin.mount(app)
    kiosk.mount(app)
    # Hot routes (store.hot_route) go in front of everything: a till's ordinary sale is answered without
    # FastAPI's dependency solving; what they decline, the app's own routes dispatch as if they were absent.
    for module in api_modules:
        for route in getattr(module, "hot_routes", lambda *_: [])(app.router.app, API_PREFIX):
            app.router.routes.insert(0, route)
    _document_problems(app)
    app.router.lifespan_context = watchdog.lifespan(app.router.lifespan_context)  # systemd Type=notify (issue 17)
    return app
