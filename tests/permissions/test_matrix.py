"""Every route of the app has a row in the permission matrix, and every cell of it holds.

A cell is (caller, route): an allowed caller is not refused (no 401, no 403, not sent to the login page);
any other caller is refused (401, 403 or 404, or the login page). Public routes are only checked not to
ask for a sign-in.
"""

from __future__ import annotations

import pytest

from tests.permissions.cells import admitted, refused, send, to_login
from tests.permissions.matrix import MATRIX
from tests.permissions.routes import app_operations
from tests.permissions.world import PRINCIPALS


class TestEveryRouteHasARule:
    def test_no_route_without_a_row(self, app):
        missing = sorted(app_operations(app) - set(MATRIX))
        assert missing == [], "add a row to tests/permissions/matrix.py saying who may call each of these"

    def test_no_row_for_a_route_that_is_gone(self, app):
        assert sorted(set(MATRIX) - app_operations(app)) == []

    def test_public_rows_say_why(self):
        assert all(rule.public for rule in MATRIX.values() if rule.allowed == frozenset(PRINCIPALS))


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)])
def test_each_cell_holds(client, session, world, method, path):
    rule = MATRIX[(method, path)]
    wrong = []
    for principal in PRINCIPALS:
        cell = session.begin_nested()  # each cell starts from the same world (a logout, a revoked key...)
        try:
            response = send(client, session, world, method, rule, principal)
        finally:
            cell.rollback()
        if rule.public:
            ok = response.status_code != 401 and not to_login(response)
        elif principal in rule.allowed:
            ok = admitted(response)
        else:
            ok = refused(response)
        assert response.status_code < 500, f"{principal}: {response.status_code} {response.text[:300]}"
        if not ok:
            expected = "allowed" if principal in rule.allowed else "refused"
            wrong.append(f"{principal}: expected {expected}, got {response.status_code} {response.text[:120]}")
    assert wrong == []
