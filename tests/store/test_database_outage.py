"""A database that does not answer (restarting, failing over, locked) is a 503 to retry, never a 500."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from store.auth.models import Role
from store.premises import service as premises_service
from tests.factories.auth import staff_headers
from tests.factories.premises import create_store


def _gone(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection unexpectedly"))


@pytest.fixture
def manager(session):
    headers = staff_headers(session, create_store(session), Role.manager)
    session.commit()
    return headers


def test_api_answers_503_problem_with_retry_after(client, manager, monkeypatch):
    monkeypatch.setattr(premises_service, "list_floors", _gone)
    response = client.get("/api/v1/premises/floors", headers=manager)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"].endswith("/database-unavailable")


def test_kiosk_page_says_so_in_a_page(client, session, monkeypatch):
    create_store(session)
    session.commit()
    monkeypatch.setattr(premises_service, "list_floors", _gone)
    response = client.get("/kiosk/")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")


def test_the_log_names_the_kind_not_the_message(client, manager, monkeypatch, caplog):
    monkeypatch.setattr(premises_service, "list_floors", _gone)
    with caplog.at_level(logging.WARNING, logger="store.http"):
        client.get("/api/v1/premises/floors", headers=manager)
    outage = [r for r in caplog.records if r.getMessage() == "database unavailable"]
    assert outage and outage[0].reason == "ConnectionError"
    assert not [r for r in caplog.records if r.getMessage() == "unhandled error"]
