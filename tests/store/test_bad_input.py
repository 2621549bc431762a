"""Platform answers to bad input found by fuzzing the API: a clear problem+json, never a 500, nothing changed."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.premises.models import Floor
from tests.factories.auth import staff_headers
from tests.factories.premises import create_store

PREMISES = "/api/v1/premises"


@pytest.fixture
def manager(session):
    headers = staff_headers(session, create_store(session), Role.manager)
    session.commit()
    return headers


def _floors(session) -> int:
    return session.exec(select(func.count()).select_from(Floor)).one()


class TestNulCharacters:
    # PostgreSQL cannot store or compare text holding NUL: these were 500s there.
    def test_name_with_a_nul_is_refused_and_nothing_is_created(self, client, session, manager):
        before = _floors(session)
        body = {"code": "9F", "name": "九\u0000层", "level": 9}
        response = client.post(f"{PREMISES}/floors", json=body, headers=manager)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
        assert _floors(session) == before

    def test_filter_with_a_nul_is_refused(self, client, manager):
        response = client.get(f"{PREMISES}/zones", params={"floor": "1F\x00"}, headers=manager)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "floor"]

    def test_ordinary_text_is_untouched(self, client, manager):
        body = {"code": "9F", "name": "九层 \\u0000 literally", "level": 9}
        response = client.post(f"{PREMISES}/floors", json=body, headers=manager)
        assert response.status_code == 201, response.text


class TestWrongMethod:
    def test_405_lists_every_method_the_path_takes(self, client, manager):
        response = client.request("TRACE", f"{PREMISES}/store", headers=manager)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, PATCH"


class TestSpecDocumentsErrors:
    def test_every_error_response_is_documented_as_problem_json(self, app):
        spec = app.openapi()
        wrong = [
            (method, path, code)
            for path, item in spec["paths"].items()
            for method, operation in item.items()
            for code, response in operation["responses"].items()
            if code[0] in "45" and list(response.get("content", {})) != ["application/problem+json"]
        ]
        assert wrong == []
        assert "HTTPValidationError" not in spec["components"]["schemas"]

    def test_routes_that_need_a_caller_document_401_and_403(self, app):
        spec = app.openapi()
        missing = [
            (method, path)
            for path, item in spec["paths"].items()
            for method, operation in item.items()
            if operation.get("security") and not {"401", "403"} <= set(operation["responses"])
        ]
        assert missing == []
