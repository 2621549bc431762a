"""``smartstore user`` and ``smartstore device``: secrets printed once, only hashes stored.

The CLI opens its own connection and commits, so these tests run against a separate, migrated SQLite
file (the per-test transaction of the ``session`` fixture would be invisible to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from store import db
from store.auth import service as auth_service
from store.auth.commands import device, user
from store.auth.models import Device, StaffToken, StaffUser
from store.premises.models import Floor, Shop, Store
from tests.conftest import separate_database


@pytest.fixture(scope="module")
def cli_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The CLI's own committed database (the suite's test transaction is invisible to its connection)."""
    with separate_database(tmp_path_factory.mktemp("cli"), "cli"):
        engine = db.get_engine()
        with db.unit_of_work(engine) as session:
            store = Store(code="CLI", name="命令行百货")
            session.add(store)
            session.flush()
            floor = Floor(store_id=store.id, code="1F", name="一层", level=1)
            session.add(floor)
            session.flush()
            session.add(
                Shop(
                    store_id=store.id,
                    floor_id=floor.id,
                    code="1F-01",
                    name="兰芮诗",
                    category="cosmetics",
                    selling_area_m2=80,
                    opened_on=date(2024, 1, 1),
                )
            )
        yield engine


def run(command, args: list[str], stdin: str | None = None):
    return CliRunner().invoke(command, args, input=stdin, catch_exceptions=False)


def secret_lines(output: str, label: str) -> list[str]:
    return re.findall(rf"^{label}: (\S+)$", output, flags=re.MULTILINE)


class TestUserCreate:
    def test_generated_password_is_printed_once_and_stored_hashed(self, cli_engine):
        result = run(user, ["create", "wang.fang", "--role", "manager"])
        assert result.exit_code == 0, result.output
        [password] = secret_lines(result.output, "password")
        assert result.output.count(password) == 1
        with Session(cli_engine) as session:
            stored = session.exec(select(StaffUser).where(StaffUser.username == "wang.fang")).one()
            assert password not in stored.password_hash
            assert auth_service.authenticate(session, "wang.fang", password) is not None

    def test_password_from_stdin_is_not_echoed(self, cli_engine):
        result = run(user, ["create", "li.lei", "--role", "cashier", "--password-stdin"], stdin="typed-in-secret\n")
        assert result.exit_code == 0, result.output
        assert "typed-in-secret" not in result.output
        with Session(cli_engine) as session:
            assert auth_service.authenticate(session, "li.lei", "typed-in-secret") is not None

    def test_tenant_staff_bound_to_their_shop(self, cli_engine):
        result = run(user, ["create", "shop.one", "--role", "tenant", "--shop", "1F-01"])
        assert "shop 1F-01" in result.output
        with Session(cli_engine) as session:
            assert session.exec(select(StaffUser).where(StaffUser.username == "shop.one")).one().shop_id is not None

    def test_unknown_shop_is_one_readable_line(self, cli_engine):
        result = CliRunner().invoke(user, ["create", "shop.two", "--role", "tenant", "--shop", "9F-99"])
        assert result.exit_code == 1
        assert "no shop with code '9F-99'" in result.output and "Traceback" not in result.output

    def test_taken_username_changes_nothing(self, cli_engine):
        run(user, ["create", "dup.user", "--role", "security"])
        result = CliRunner().invoke(user, ["create", "dup.user", "--role", "admin"])
        assert "'dup.user' is taken" in result.output
        with Session(cli_engine) as session:
            assert session.exec(select(StaffUser).where(StaffUser.username == "dup.user")).one().role == "security"


class TestUserToken:
    def test_token_is_printed_once_and_works(self, cli_engine):
        run(user, ["create", "api.bot", "--role", "marketing"])
        result = run(user, ["token", "api.bot"])
        [token] = secret_lines(result.output, "token")
        with Session(cli_engine) as session:
            assert auth_service.resolve_token(session, token).username == "api.bot"
            hashes = session.exec(select(StaffToken.token_hash)).all()
            assert token not in hashes and auth_service.digest(token) in hashes


class TestDeviceCreate:
    def test_key_is_printed_once_and_only_its_hash_is_stored(self, cli_engine):
        result = run(device, ["create", "--kind", "pos_terminal", "--name", "Till 1", "--shop", "1F-01"])
        assert result.exit_code == 0, result.output
        [key] = secret_lines(result.output, "api key")
        assert result.output.count(key) == 1
        with Session(cli_engine) as session:
            row = session.exec(select(Device).where(Device.name == "Till 1")).one()
            assert row.key_hash == auth_service.digest(key) and row.shop_id is not None
        listed = run(device, ["list"]).output
        assert "Till 1" in listed and key not in listed and row.key_prefix in listed

    def test_unknown_kind_is_refused_by_click(self, cli_engine):
        result = CliRunner().invoke(device, ["create", "--kind", "toaster", "--name", "T"])
        assert result.exit_code == 2 and "toaster" in result.output
