"""Engine, sessions and the unit of work; SQLite gets WAL and foreign keys, PostgreSQL runs as is."""

from __future__ import annotations

import functools
import inspect
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from store import driver_sql
from store.config import get_settings
from store.errors import DatabaseBusy

# Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

_engines: dict[str, Engine] = {}
_writers: dict[str, threading.Lock] = {}  # per SQLite database: this process's writers queue here
WRITE_INTENT = "smartstore_write_intent"  # execution option: this unit of work will write
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READS_FIRST = "smartstore_reads_first"  # a route that reads first and takes the write lock in write_lock()
OWN_UNIT = "smartstore_own_unit"  # session.info flag: this session's transactions are ours to end
_DEFERRED = "smartstore_deferred_writes"  # session.info: small writes waiting for write_lock()
_NO_WAIT = "smartstore_no_wait"  # session.info flag: write_lock() raises WouldBlock rather than wait its turn
# Connections kept open per SQLite database: as many as the threads that serve requests (anyio's default
# thread limit, 40), so that a busy server never closes one and opens another.
SQLITE_POOL_SIZE = 40
# How long a writer waits for SQLite's write lock before the request is answered 503 (retry).
BUSY_TIMEOUT_MS = 10_000


_database_keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def database_key(engine: Engine) -> str:
    """The database ``engine`` connects to, as a key for per-database state of this process.

    Memoised per engine: hashing an ``engine.url`` renders the whole URL as a string each time, which
    the tills' hot path did twice per sale.
    """
    key = _database_keys.get(engine)
    if key is None:
        key = _database_keys[engine] = str(engine.url)
    return key


class WouldBlock(Exception):
    """A :func:`write_lock` of a :func:`request_unit_at_once` found the write lock taken; nothing was written."""


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached or the URL is unusable."""


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide where transactions begin (savepoints work then).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing request takes the write lock up front (IMMEDIATE): a deferred transaction that read
        # first and writes after another connection committed fails at once with SQLITE_BUSY, which
        # busy_timeout cannot help; concurrent till posts turned into errors. Readers stay deferred.
        immediate = conn.get_execution_options().get(WRITE_INTENT, False)
        driver_sql.execute(conn, "BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """A new engine for ``url``; SQLite files get their folder created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"database URL is not valid: {exc}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        pool: dict[str, int] = {}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # Keep a connection for every thread that may hold one: a connection past the pool's size is
            # closed when returned, and opening one costs ~4 ms (SQLite reads the whole schema again), more
            # than a till's sale; with the default 5, eight busy tills opened one every few dozen sales.
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 10}
        try:
            engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        except NoSuchModuleError as exc:
            raise DatabaseUnavailable(f"unsupported database URL {safe_url(url)}: {exc}") from None
        _sqlite_pragmas(engine)
        return engine
    try:
        return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseUnavailable(f"unsupported database URL {safe_url(url)}: {exc}") from None


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    settings = get_settings()
    url = url or settings.database_url
    if url not in _engines:
        _engines[url] = make_engine(url, echo=settings.sql_echo)
    return _engines[url]


def dispose_engines(url: str | None = None) -> None:
    """Close pooled connections: of the engine for ``url``, or of every engine (process shutdown)."""
    for key in [url] if url else list(_engines):
        engine = _engines.pop(key, None) if key else None
        if engine is not None:
            engine.dispose()


def check_database(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailable` with a readable message if the database cannot be queried."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach database {safe_url(str(engine.url))}: {reason}") from None


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "busy": a writer waited ``BUSY_TIMEOUT_MS`` in vain."""
    if not isinstance(exc, OperationalError):
        return False
    text_ = str(exc.orig or exc).lower()
    return "database is locked" in text_ or "database is busy" in text_ or "database table is locked" in text_


def reads_first(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a writing route that takes the write lock itself, around its writes only (:func:`write_lock`).

    Its session starts as a reader (authentication, validation and the response run unlocked); without
    the mark a writing request holds SQLite's write lock from its first query to its commit.
    """
    setattr(endpoint, READS_FIRST, True)
    return endpoint


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Request-scoped unit of work: commits when the request succeeds, rolls back when it fails.

    ``async`` so that it costs no trip to the thread pool when nothing blocks: creating a session does
    no I/O (the connection is taken at the first query), and a session whose route already committed
    (a :func:`reads_first` route's :func:`write_lock`) has nothing left to end. Only a session with an
    open transaction is committed or rolled back on the thread pool, as a sync dependency would be.
    """
    route = request.scope.get("route")
    writes = request.method not in SAFE_METHODS
    reads_first_ = writes and getattr(getattr(route, "endpoint", None), READS_FIRST, False)
    session = request_session(writes=writes, reads_first=reads_first_)
    try:
        yield session
        if _has_work(session):
            await run_in_threadpool(session.commit)
        # else: nothing to commit (a reads-first route committed its own writes): a commit would only
        # begin and end an empty session transaction
    except BaseException:
        await _end(session, session.rollback)
        raise
    finally:
        if session.in_transaction() or session.identity_map:
            await _end(session, session.close)


def request_session(*, writes: bool, reads_first: bool) -> Session:
    """A request's session on the configured database (no I/O: the connection comes with the first query).

    A writing request that does not read first takes SQLite's write lock at its first query; in a
    reads-first one, small writes wait for its :func:`write_lock`, elsewhere they run at once.
    """
    engine = get_engine()
    if writes and not reads_first:
        engine = engine.execution_options(**{WRITE_INTENT: True})
    session = Session(engine, expire_on_commit=False)
    session.info[OWN_UNIT] = True
    session.info[_DEFERRED] = [] if reads_first else None
    return session


def request_unit(scope: Scope, *, reads_first: bool) -> Callable[[Callable[[Session], Any]], Any] | None:
    """For a route served without FastAPI's dependencies (``store.hot_route``): a call that runs ``work(session)``
    in the unit of work :class:`SessionDep` gives a writing request, or in the app's override of
    :func:`get_session` (the tests' shared session); None for an override it cannot run (not a plain
    generator without parameters). Blocking: call it on the thread pool.
    """
    override = getattr(scope.get("app"), "dependency_overrides", {}).get(get_session)
    if override is None:
        session = request_session(writes=True, reads_first=reads_first)
        return functools.partial(_in_request_session, session)
    if not inspect.isgeneratorfunction(override) or inspect.signature(override).parameters:
        return None

    def in_override(work: Callable[[Session], Any]) -> Any:
        with contextmanager(override)() as session:
            return work(session)

    return in_override


def request_unit_at_once(scope: Scope) -> Callable[[Callable[[Session], Any]], Any] | None:
    """Like :func:`request_unit`, for a call on the event loop's own thread: its :func:`write_lock` never waits.

    On SQLite a reads-first request's reads never wait (WAL), and the write lock is taken only if it is free
    this instant (this process's writers' lock, then ``BEGIN IMMEDIATE`` with no busy timeout); when it is
    not, :class:`WouldBlock` is raised before anything is written, the session is rolled back and closed,
    and the caller runs the work again on the thread pool with :func:`request_unit`, which waits its turn.
    So a till's sale costs no thread hop (a hop cost about as much CPU as a whole bare request, more with
    several tills at once: the threads hand the GIL to each other around every SQLite call), and a writer
    holding the lock (an import) never stalls the loop. None: PostgreSQL (its statements wait on the
    network and on row locks), or the app's override of :func:`get_session` (a test's shared session).
    """
    if getattr(scope.get("app"), "dependency_overrides", {}).get(get_session) is not None:
        return None
    if get_engine().dialect.name != "sqlite":
        return None
    session = request_session(writes=True, reads_first=True)
    session.info[_NO_WAIT] = True
    return functools.partial(_in_request_session, session)


def _in_request_session(session: Session, work: Callable[[Session], Any]) -> Any:
    """``work(session)`` ended as :func:`get_session` ends a request: commit what is left, roll back on error, close."""
    try:
        result = work(session)
        if _has_work(session):
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if session.in_transaction() or session.identity_map:
            session.close()
    return result


def _has_work(session: Session) -> bool:
    """Whether the session holds a transaction or pending objects: ending it may do I/O."""
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)


async def _end(session: Session, step: Callable[[], None]) -> None:
    """Roll back or close: on the thread pool when that may do I/O, else here."""
    if _has_work(session):
        await run_in_threadpool(step)
    else:
        step()


def defers_writes(session: Session) -> bool:
    """True in a :func:`reads_first` request: :func:`when_writing` keeps small writes for its write lock."""
    return session.info.get(_DEFERRED) is not None


def when_writing(session: Session, write: Callable[[Session], Any]) -> None:
    """Run a small write (a device's last-seen time) when the request may write: at once, or, in a
    :func:`reads_first` request, first thing in its :func:`write_lock`, so that no reader holds SQLite's
    write lock while it waits for its turn (a deadlock until the busy timeout)."""
    deferred = session.info.get(_DEFERRED)
    if deferred is None:
        write(session)
    else:
        deferred.append(write)


@contextmanager
def write_lock(session: Session, *, conn: Connection | None = None) -> Iterator[Connection]:
    """The writes of a :func:`reads_first` request, in a short transaction of their own; yields its connection.

    What the request did so far (reads) is committed, the writes run in a new transaction that on
    SQLite takes the write lock up front (``BEGIN IMMEDIATE``, queueing behind other writers for up to
    ``BUSY_TIMEOUT_MS``), and it commits on leaving, so the lock is held for the writes alone. An error
    rolls the writes back. A session whose transaction belongs to someone else (a job's unit of work, a
    test) gets a savepoint instead: its owner commits. ``conn``: the session's connection if the caller holds
    it (on SQLite the writes run on it; asking the session again costs more than a statement).
    """
    if not session.info.get(OWN_UNIT):
        with session.begin_nested():
            yield session.connection()
        return
    if session.get_bind().dialect.name != "sqlite":
        session.commit()
        with _writes(session):
            yield session.connection()
        return
    at_once = session.info.get(_NO_WAIT, False)
    with _writer_turn(session, wait=not at_once):
        # The read transaction ends and the write one begins on the same connection: cheaper than a
        # commit, a pool check-in and a new begin, and the session's own commit or rollback ends it.
        conn = conn or session.connection()
        driver_sql.execute(conn, "COMMIT")
        if at_once:
            _begin_immediate_at_once(conn)
        else:
            driver_sql.execute(conn, "BEGIN IMMEDIATE")
        with _writes(session):
            yield conn


@contextmanager
def _writes(session: Session) -> Iterator[None]:
    """The write transaction of :func:`write_lock`: deferred writes first, commit on success, else roll back."""
    try:
        _run_deferred(session)
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _run_deferred(session: Session) -> None:
    deferred = session.info.get(_DEFERRED) or []
    while deferred:
        deferred.pop(0)(session)


def _begin_immediate_at_once(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` if SQLite's write lock is free now, else :class:`WouldBlock` (no busy wait)."""
    driver_sql.execute(conn, "PRAGMA busy_timeout=0")
    try:
        driver_sql.execute(conn, "BEGIN IMMEDIATE")
    except OperationalError as exc:
        if is_locked(exc):
            raise WouldBlock from None
        raise
    finally:
        driver_sql.execute(conn, f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@contextmanager
def _writer_turn(session: Session, *, wait: bool = True) -> Iterator[None]:
    """On SQLite, this process's writers take turns on a lock of their own before ``BEGIN IMMEDIATE``.

    SQLite's busy handler polls, sleeping up to 100 ms between tries, so threads contending for the
    database lock lose most of their time asleep; a thread waiting here wakes the moment the one before
    it commits. Other processes still queue through the busy handler.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    lock = _writers.setdefault(database_key(bind.engine), threading.Lock())
    if not wait:
        if not lock.acquire(blocking=False):
            raise WouldBlock
    elif not lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        raise DatabaseBusy("the database is busy with another write; retry")
    try:
        yield
    finally:
        lock.release()


# scope="function": commit before the response leaves, so a failed commit is never reported as success.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """The one commit point for jobs and CLI commands, as the request dependency is for routes."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
