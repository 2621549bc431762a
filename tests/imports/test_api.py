"""POST /api/v1/imports/{kind}: managers upload the same files and get the same report as JSON."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from store.auth.models import Role
from store.premises.models import Floor
from tests.factories.auth import staff_headers

API = "/api/v1/imports"
FLOORS = "floor_code,name,level\n2F,二层,2\n3F,三层,x\n"


@pytest.fixture
def manager(session: Session, mall) -> dict[str, str]:
    headers = staff_headers(session, mall.store, Role.manager)
    session.commit()  # a failing request rolls back to here, not past the setup
    return headers


def upload(client, headers, kind: str, text: str, **form):
    files = {"file": (f"{kind}.csv", text.encode("gb18030"), "text/csv")}
    return client.post(f"{API}/{kind}", files=files, data=form, headers=headers)


class TestUpload:
    def test_a_file_with_a_bad_row_is_a_problem_listing_each_row_and_nothing_is_imported(
        self, client, session, manager, mall
    ):
        response = upload(client, manager, "floors", FLOORS)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"] == [{"row": 3, "column": "level", "reason": "'x' is not a whole number"}]
        assert session.exec(select(Floor).where(Floor.code == "2F")).first() is None

    def test_skip_bad_imports_the_good_rows_and_returns_the_report(self, client, session, manager, mall):
        response = upload(client, manager, "floors", FLOORS, skip_bad="true")
        body = response.json()
        assert response.status_code == 200
        assert (body["imported"], body["skipped"], body["written"], body["errors"][0]["row"]) == (1, 1, True, 3)
        assert session.exec(select(Floor).where(Floor.code == "2F", Floor.store_id == mall.store.id)).one()

    def test_a_missing_column_is_a_problem_naming_the_columns(self, client, manager):
        response = upload(client, manager, "floors", "floor_code,name\n2F,x\n")
        assert response.status_code == 400
        assert "floors files have the columns: floor_code, name, level" in response.json()["detail"]


class TestWhoMayImport:
    def test_a_cashier_may_not_import(self, client, session, mall):
        cashier = staff_headers(session, mall.store, Role.cashier)
        assert upload(client, cashier, "floors", FLOORS).status_code == 403

    def test_an_unknown_kind_is_not_a_route(self, client, manager):
        assert upload(client, manager, "members", FLOORS).status_code == 422
