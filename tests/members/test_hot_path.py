"""The hot path of `POST /members/codes/verify` (store.hot_route) answers exactly what the FastAPI route answers.

The same checks go to the app as served (hot path in front) and to the same app without it (the FastAPI route
alone); statuses, bodies and headers must match, check by check, and so must the steps the checks moved.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from store import hot_route
from store.auth.models import DeviceKind, Role
from store.members import codes
from store.members.models import Member
from tests.factories.members import create_member
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_till, staff_token

VERIFY = "/api/v1/members/codes/verify"
JSON = "application/json"


@pytest.fixture
def world(session):
    store, other = create_store(session), create_store(session)
    shop = create_shop(session, store, create_floor(session, store))
    members = [create_member(session, store) for _ in range(8)]
    stranger = create_member(session, other)
    closed = create_member(session, store)
    closed.status = "closed"
    session.add(closed)
    till, _ = create_till(session, shop)
    kiosk, _ = create_till(session, shop, kind=DeviceKind.kiosk)
    camera, _ = create_till(session, shop, kind=DeviceKind.camera_node)
    token = staff_token(session, store.id, Role.cashier)
    session.commit()
    return {"members": members, "stranger": stranger, "closed": closed, "till": till, "kiosk": kiosk,
            "camera": camera, "token": token}  # fmt: skip


def _requests(world) -> list[tuple[str, dict[str, str], bytes]]:
    """(what, headers, body): ordinary checks, a replay, and every kind of refusal."""
    m = world["members"]
    till = {"X-Device-Key": world["till"], "Content-Type": JSON}
    code = lambda member: json.dumps({"code": codes.current_code(member).digits}).encode()  # noqa: E731
    first = code(m[0])
    return [
        ("first check", till, first),
        ("replayed", till, first),
        ("kiosk", {**till, "X-Device-Key": world["kiosk"]}, code(m[1])),
        ("QR payload", till, json.dumps({"code": codes.qr_payload(m[2].store_id, codes.current_code(m[2]))}).encode()),
        ("other store's member", till, code(world["stranger"])),
        ("closed membership", till, code(world["closed"])),
        ("bad digits", till, b'{"code": "812345678912345678"}'),
        ("not digits", till, b'{"code": "abc"}'),
        ("camera", {**till, "X-Device-Key": world["camera"]}, code(m[3])),
        ("unknown key", {**till, "X-Device-Key": "nope"}, code(m[3])),
        ("empty device key", {**till, "X-Device-Key": ""}, code(m[3])),
        ("two credentials", {**till, "Authorization": "Bearer garbage"}, code(m[3])),
        ("staff token", {"Authorization": f"Bearer {world['token']}", "Content-Type": JSON}, code(m[4])),
        ("cookie", {**till, "Cookie": "smartstore_session=x"}, code(m[5])),
        ("extra field", till, json.dumps({"code": codes.current_code(m[5]).digits, "x": 1}).encode()),
        ("empty code", till, b'{"code": ""}'),
        ("not json", till, b"{not json"),
        ("empty body", till, b""),
        ("NUL", till, b'{"code": "8\\u0000"}'),
        ("charset", {**till, "Content-Type": "application/json; charset=utf-8"}, code(m[6])),
        ("no content type", {"X-Device-Key": world["till"]}, code(m[7])),
    ]


def _answers(client: TestClient, requests) -> list[tuple[str, int, Any, dict[str, str]]]:
    answers = []
    for what, headers, body in requests:
        response = client.post(VERIFY, content=body, headers=headers)
        assert int(response.headers["content-length"]) == len(response.content)
        varying = ("x-request-id", "content-security-policy")  # per request
        kept = {k: v for k, v in response.headers.items() if k not in varying}
        answers.append((what, response.status_code, response.json(), kept))
    return answers


def _steps(session) -> list[int]:
    session.expire_all()
    return list(session.exec(select(Member.code_last_step).order_by(col(Member.id))).all())


@pytest.fixture
def declined(monkeypatch) -> list[str]:
    """The requests the hot path handed to the FastAPI route."""
    seen: list[str] = []
    decline = hot_route.HotRoute._decline

    async def counting(self, scope, receive, send, read):
        seen.append(scope["path"])
        await decline(self, scope, receive, send, read)

    monkeypatch.setattr(hot_route.HotRoute, "_decline", counting)
    return seen


def test_the_hot_path_answers_what_the_fastapi_route_answers(app, session, world, declined):
    requests = _requests(world)
    outer = session.begin_nested()
    with TestClient(app, raise_server_exceptions=False) as client:
        hot = _answers(client, requests)
    hot_steps = _steps(session)
    outer.rollback()
    assert len(declined) == 11  # other credentials, what validation refuses, other content types
    app.router.routes[:] = [route for route in app.router.routes if not isinstance(route, hot_route.HotRoute)]
    with TestClient(app, raise_server_exceptions=False) as client:
        plain = _answers(client, requests)
    for hot_answer, plain_answer in zip(hot, plain, strict=True):
        assert hot_answer == plain_answer
    assert _steps(session) == hot_steps
    statuses = {what: status for what, status, _, _ in hot}
    assert statuses["first check"] == statuses["kiosk"] == statuses["QR payload"] == statuses["charset"] == 200
    assert statuses["replayed"] == 409 and statuses["other store's member"] == 403
    assert statuses["unknown key"] == 401 and statuses["camera"] == 403 and statuses["bad digits"] == 400
    assert statuses["NUL"] == statuses["empty code"] == statuses["extra field"] == 422


def test_an_ordinary_check_is_not_declined(client, session, world, declined):
    member = world["members"][0]
    answer = client.post(
        VERIFY, json={"code": codes.current_code(member).digits}, headers={"X-Device-Key": world["till"]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["member_no"] == member.member_no and "phone_hash" not in answer.json()
    assert declined == []
