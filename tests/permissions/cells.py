"""How one cell of the matrix is sent: as which caller, with which credentials, and how to read the answer."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE
from tests.permissions.matrix import Rule
from tests.permissions.world import ROLES, World

REFUSED = {401, 403, 404}


def send(client: TestClient, session: Session, world: World, method: str, rule: Rule, principal: str) -> httpx.Response:
    """Send the rule's request as ``principal`` of the home store (pages: staff by session cookie)."""
    call = rule.call(world)
    client.cookies.clear()
    headers: dict[str, str] = {}
    form: dict[str, Any] = dict(call.data or {})
    if rule.page and principal in ROLES:
        secret, row = auth_service.start_session(session, world.home.users[principal], 3600)
        client.cookies.set(SESSION_COOKIE, secret)
        if method != "GET":
            form["csrf_token"] = row.csrf_token
    else:
        headers = world.headers(principal)
    extra: dict[str, Any] = {}
    if call.json is not None:
        extra["json"] = call.json
    if form or call.files:
        extra["data"] = form
    if call.files:
        extra["files"] = call.files
    return client.request(method, call.path, headers=headers, params=call.params, follow_redirects=False, **extra)


def to_login(response: httpx.Response) -> bool:
    location = response.headers.get("location", "")
    return response.is_redirect and location.startswith("/admin/login") and "next=" in location


def refused(response: httpx.Response) -> bool:
    return response.status_code in REFUSED or to_login(response)


def admitted(response: httpx.Response) -> bool:
    return response.status_code not in (401, 403) and not to_login(response)
