"""Every API route states who may call it: walked from the OpenAPI spec, called anonymously.

Routes added later by anyone are walked too. A route meant to be public goes into ``PUBLIC`` with a
reason; everything else must answer an anonymous caller with 401 (API) or a redirect to the login page
(admin pages that appear in the spec).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.permissions.routes import flat_routes

# (method, path template) -> why it is public
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "liveness probe",
    ("GET", "/readyz"): "readiness probe",
    ("POST", "/api/v1/auth/token"): "where a password is exchanged for a token; throttled (store.auth.throttle)",
    ("GET", "/api/v1/docs"): "the API's documentation page, like the OpenAPI spec it renders",
    ("POST", "/api/v1/members/sign-in/code"): "a member asks for an SMS sign-in code; limited per phone",
    ("POST", "/api/v1/members/sign-in"): "a phone and its SMS code become member tokens; five tries per code",
    ("POST", "/api/v1/members/token/refresh"): "a refresh token (the credential itself) becomes a new pair",
    ("GET", "/api/v1/credit/public/{code}"): "what a shopper's scan of a shop's signed credit QR shows; the code is "
    "the credential (Ed25519-signed, forged or altered codes refused)",
    ("POST", "/api/v1/delivery/courier/{store_id}/events"): "the courier's status callbacks, authenticated by an "
    "HMAC signature over timestamp and body (403 before the body is read without one)",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def operations(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every operation in the spec, plus API routes hidden from it."""
    found = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method.upper() in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
    }
    for route in api_routes(app):
        found.update((method, route.path) for method in route.methods - {"HEAD", "OPTIONS"})
    return sorted(found)


def api_routes(app: Any) -> list[Any]:
    """Every route under /api/, out of included routers too (FastAPI ≥ 0.16x no longer copies them)."""
    return [r for r in flat_routes(app) if getattr(r, "dependant", None) and r.path.startswith("/api/")]


def concrete(path: str) -> str:
    """The path with every ``{param}`` replaced by a value that parses as an id or a code."""
    parts = [("1" if part.startswith("{") and part.endswith("}") else part) for part in path.split("/")]
    return "/".join(parts)


def requires_someone(route: Any) -> bool:
    """Whether a ``store.auth.deps.require(...)`` dependency guards the route."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if getattr(dependency.call, "__name__", "").startswith("require_"):
            return True
        pending.extend(dependency.dependencies)
    return False


class TestAnonymousCallers:
    def test_every_non_public_route_answers_401(self, app, client):
        refused = []
        for method, path in operations(app):
            if (method, path) in PUBLIC:
                continue
            body = {"json": {}} if method in WRITE_METHODS else {}
            response = client.request(method, concrete(path), follow_redirects=False, **body)
            to_login = response.is_redirect and "login" in response.headers.get("location", "")
            if response.status_code != 401 and not (to_login and not path.startswith("/api/")):
                refused.append(f"{method} {path} -> {response.status_code}")
        assert refused == [], "answered an anonymous caller (add require(...) or list it in PUBLIC)"

    def test_api_refusal_is_problem_json(self, client):
        response = client.get("/api/v1/premises/shops")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"] == "sign in or send an API token"

    def test_public_routes_still_exist(self, app):
        assert set(PUBLIC) <= set(operations(app)), "a PUBLIC entry names a route that is gone"

    def test_the_walk_covers_the_domains(self, app):
        paths = {path for _, path in operations(app)}
        assert {"/api/v1/premises/shops/{shop_id}", "/api/v1/auth/me"} <= paths


class TestEveryRouteStatesWhoMayCall:
    @pytest.mark.parametrize("prefix", ["/api/"])
    def test_non_public_api_routes_depend_on_require(self, app, prefix):
        routes = [route for route in api_routes(app) if route.path.startswith(prefix)]
        unguarded = [
            f"{method} {route.path}"
            for route in routes
            for method in route.methods
            if (method, route.path) not in PUBLIC and not requires_someone(route)
        ]
        assert unguarded == []
        assert len(routes) > 30, "the walk must see the domains' routers, not only the app's own routes"
