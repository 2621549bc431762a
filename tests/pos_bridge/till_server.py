"""The store's API as the kill test runs it: only the routers a till calls, with problem+json errors.

The whole app (every domain, admin, kiosk) takes several seconds to import on a loaded test machine; a
server restarted 11 times would spend the test starting. The routes, services and database code are the
real ones; the handlers below answer like ``store.app``'s (a StoreError → its problem, a database that does
not answer → 503), without importing the edges.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from store.errors import StoreError
from store.health import router as health_router


def create_app() -> FastAPI:
    from store.catalog import api as catalog_api
    from store.members import api as members_api
    from store.pos import api as pos_api
    from store.sales import api as sales_api

    app = FastAPI()

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse(exc.problem(request.url.path), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(OperationalError)
    async def _unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse({"type": "database-unavailable"}, status_code=503, headers={"Retry-After": "1"})

    for module in (sales_api, catalog_api, members_api, pos_api):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(health_router)
    return app
