"""Every route the app serves, flattened out of included routers (FastAPI ≥ 0.16x includes them lazily)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def flat_routes(app: Any) -> Iterator[Any]:
    """Each route with its full path and methods (``path``, ``methods``, ``dependant`` where it has one)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)


def app_operations(app: Any) -> set[tuple[str, str]]:
    """(method, path template) of every route: the OpenAPI spec's, the pages' and those hidden from the spec."""
    found = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method.upper() in METHODS
    }
    for route in flat_routes(app):
        methods = getattr(route, "methods", None) or set()  # mounted static files have none
        found.update((method, route.path) for method in set(methods) & METHODS)
    return found
