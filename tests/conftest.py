"""One test database per run (per xdist worker), migrated once; each test in a rolled-back transaction.

SQLite by default; PostgreSQL when ``SMARTSTORE_TEST_DATABASE_URL`` is set (a database named
``<db>_t_<worker>`` is created next to the one in that URL and dropped afterwards).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool
from sqlmodel import Session

os.environ["SMARTSTORE_ENV"] = "test"
os.environ.setdefault("SMARTSTORE_LOG_LEVEL", "WARNING")
# Every test scores its own report: the admin's reuse of a report (store.assessment.report_cache) keys by
# database URL and store id, which tests repeat; tests/admin/test_report_cache.py turns it on.
os.environ.setdefault("SMARTSTORE_REPORT_CACHE_S", "0")

from store import config, db, migrate
from store.app import create_app
from store.logs import install_redaction

install_redaction()  # as serve and create_app do: the log scan (tests/logscan.py) checks what it lets through

PG_URL = os.environ.get("SMARTSTORE_TEST_DATABASE_URL")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin_engine(url: str) -> Engine:
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


def fresh_database_url(tmp_dir: Path, name: str) -> Iterator[str]:
    """An empty database for one purpose (suite, live server), dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_dir / (name + '.db')}"
        return
    base = make_url(PG_URL)
    db_name = f"{base.database}_{name}".lower()
    admin = _admin_engine(PG_URL)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    try:
        yield base.set(database=db_name, drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        url = base.set(database=db_name, drivername="postgresql+psycopg").render_as_string(hide_password=False)
        db.dispose_engines(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def separate_database(tmp_dir: Path, name: str) -> Iterator[str]:
    """A fresh migrated database that settings point at (CLI, live server); the suite's comes back after."""
    previous = os.environ.get("SMARTSTORE_DATABASE_URL")
    # The pid keeps xdist workers and parallel runs on one PostgreSQL server apart.
    urls = fresh_database_url(tmp_dir, f"{name}_{_worker()}_{os.getpid()}")
    url = next(urls)
    use_database(None, url)
    try:
        migrate.upgrade(db.get_engine())
        yield url
    finally:
        if previous is None:
            os.environ.pop("SMARTSTORE_DATABASE_URL", None)
        else:
            os.environ["SMARTSTORE_DATABASE_URL"] = previous
        config.get_settings.cache_clear()
        db.dispose_engines(url)
        next(urls, None)  # drops the PostgreSQL database


def use_database(monkeypatch_env: pytest.MonkeyPatch | None, url: str) -> None:
    """Point settings (and so ``db.get_engine()``) at ``url``; engines of other URLs stay open and cached."""
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    config.get_settings.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The pid keeps two concurrent runs on one PostgreSQL server from dropping each other's database.
    yield from fresh_database_url(tmp_path_factory.mktemp("db"), f"t_{_worker()}_{os.getpid()}")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    use_database(None, database_url)
    engine = db.get_engine()
    migrate.upgrade(engine)
    yield engine
    db.dispose_engines()


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of its own, for a test whose threads commit (the MQTT subscribers' writers): the
    rolled-back test transaction of ``session`` would not see their rows."""
    urls = fresh_database_url(tmp_path, f"own_{uuid4().hex[:6]}")
    engine = db.make_engine(next(urls))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    next(urls, None)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; commits become savepoints."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def app(session: Session):
    """The server app, sharing the test's session (so the test sees what a request wrote)."""
    application = create_app()

    def _same_session() -> Iterator[Session]:
        # A savepoint per request: a failed request undoes its own writes, not the test's setup.
        request_savepoint = session.begin_nested()
        try:
            yield session
            if request_savepoint.is_active:
                request_savepoint.commit()
        except BaseException:
            if request_savepoint.is_active:
                request_savepoint.rollback()
            raise

    application.dependency_overrides[db.get_session] = _same_session
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# The PostgreSQL pass runs what can differ by database; the rest runs once, in the SQLite pass.
#
# * ``dbless`` (a module's ``pytestmark`` or a test's mark): the test opens no database connection: no
#   database fixture (``session``, ``app``, ``client``, ``engine``...), no ``separate_database``, no server
#   or CLI that reaches one. Pure rules, parsers, decoders, geometry, the detector, fuzzing of a parser.
# * ``browser``: the pages are rendered by the same code on every database; what they read and write is
#   covered by the API and page tests (TestClient), which run in both passes.
#
# The mark is checked, not trusted: a ``dbless`` test that asks for a database fixture is refused at
# collection, and one that opens a SQLAlchemy connection in the test's thread fails in the SQLite pass
# (``_DatabaseUse`` below). A subprocess that reaches the database is not seen: mark such a test as a
# database test (leave ``dbless`` off).
SAME_ON_EVERY_DATABASE = "same on every database: runs in the SQLite pass"
DATABASE_FIXTURES = frozenset(
    {"database_url", "engine", "own_engine", "session", "app", "client", "live_server", "live"}
)


class _DatabaseUse:
    """Counts SQLAlchemy pool check-outs made by the thread that runs the test (any engine, any pool)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.count = 0
        event.listen(Pool, "checkout", self._checkout)

    def _checkout(self, *_: object) -> None:
        if threading.get_ident() == self.thread:
            self.count += 1


_database_use = _DatabaseUse()


def _refuse_database_use(item: pytest.Item) -> Iterator[None]:
    before = _database_use.count
    result = yield
    if item.get_closest_marker("dbless") is not None and _database_use.count != before:
        pytest.fail(
            f"{item.nodeid} is marked dbless but opened {_database_use.count - before} database connection(s): "
            "remove the mark (the PostgreSQL pass would skip it)",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """A ``dbless`` test whose fixtures opened a database connection fails (its mark is wrong)."""
    return (yield from _refuse_database_use(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A ``dbless`` test that opened a database connection fails (its mark is wrong)."""
    return (yield from _refuse_database_use(item))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run only when a PostgreSQL URL is given; with one, ``dbless`` and ``browser``
    tests are skipped (the rule above)."""
    for item in items:
        used = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("dbless") is not None and used:
            raise pytest.UsageError(f"{item.nodeid} is marked dbless but uses the fixture(s) {sorted(used)}")
    if PG_URL:
        skip_same = pytest.mark.skip(reason=SAME_ON_EVERY_DATABASE)
        for item in items:
            if item.get_closest_marker("dbless") is not None or item.get_closest_marker("browser") is not None:
                item.add_marker(skip_same)
        return
    skip = pytest.mark.skip(reason="set SMARTSTORE_TEST_DATABASE_URL to run PostgreSQL-only tests")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
