"""An orders import written on SQLite in short slices, all or nothing in its end state (issue 7 item 2).

SQLite has one writer at a time: 200,000 orders, their lines, payments and rollups in one transaction
held the write lock for seconds, and a till posting meanwhile waited that long. So on SQLite the write
runs in slices of ``SLICE`` staged orders, each its own short transaction (orders, lines, payments and
the rollup deltas of the slice), and tills post between them. The import stays all or nothing:

* The orders take the ids ``base + seq``, one contiguous range known up front. The first transaction
  writes the *top* slice (the highest ids) together with an ``import_write`` row (the range, the day
  range, state "writing"): from then on SQLite hands tills ids above the range, so every id in it is
  this import's.
* A slice that fails (a till took one of the order numbers meanwhile: a unique violation) is rolled
  back and the slices already written are removed again (``undo``: the range's orders, lines and
  payments deleted, the rollups of its days rebuilt, each step a short transaction); the error then
  goes to the caller, which checks the file again (nothing was imported).
* The last slice commits with the import's batch row and state "done". A process killed between two
  slices leaves a "writing" row; the next `smartstore import` or `smartstore db upgrade` finds it, sees
  its process gone, and undoes it the same way (``recover``).

Readers may see a partly written import during the seconds it writes: it is history, not live sales.
PostgreSQL writes every slice in the one transaction (MVCC: tills are not blocked by it).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from store.clock import utcnow
from store.imports.models import ImportWrite
from store.sales import bulk as sales_bulk
from store.sales import rollups
from store.sales.models import Order, OrderLine, Payment, Refund

SLICE = 5_000  # staged orders per transaction: a slice holds SQLite's write lock a tenth of a second or two
STALE = timedelta(minutes=10)  # a "writing" row of another host not touched this long: its process is gone
# After each slice the import waits this long before it takes the lock again: a till waiting for the
# lock polls for it every 100 ms at most (SQLite's busy handler), so it gets its turn instead of being
# starved by one slice after another.
PAUSE_S = 0.15
REBUILD_DAYS = 31  # days of rollups rebuilt per transaction when an import is undone

_ACTIVE: set[int] = set()  # import_write ids this process is writing now

Commit = Callable[[], None]


class Killed(BaseException):
    """Raised by tests between two slices to stand for ``kill -9``: it bypasses the compensation."""


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(write: ImportWrite) -> bool:
    """Whether the process that wrote ``write`` is gone (so its "writing" row is a half import)."""
    if write.id in _ACTIVE:
        return False
    host, _, pid = write.owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return True  # this process, not writing it now: what is left of an attempt that died
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    return utcnow() - write.updated_at > STALE


def slices(count: int, size: int) -> list[tuple[int, int]]:
    """The ``seq`` ranges to write, the top one first (it takes the ids above which tills then write)."""
    ranges = [(first, min(first + size - 1, count)) for first in range(1, count + 1, size)]
    return ranges[-1:] + ranges[:-1]


def write_orders(
    session: Session, store_id: int, file_name: str, commit: Commit, finish: Callable[[], None], size: int | None = None
) -> None:
    """Write the staged orders in slices (see the module); ``commit`` ends each slice's transaction and
    ``finish`` adds what the last one records (the batch row). The last slice is left for the caller to
    commit. Should a slice fail, the slices written are removed again before the error goes on."""
    count, first_day, last_day = sales_bulk.staged_orders(session)
    ranges = slices(count, size or SLICE)
    if len(ranges) <= 1 or first_day is None or last_day is None:
        if count:
            sales_bulk.insert_staged_orders(session, store_id)
        finish()
        return
    base = sales_bulk.next_order_id(session) - 1
    write = ImportWrite(
        store_id=store_id,
        kind="orders",
        file_name=file_name[:255],
        first_order_id=base + 1,
        last_order_id=base + count,
        first_day=first_day,
        last_day=last_day,
        owner=owner()[:120],
    )
    session.add(write)
    session.flush()
    assert write.id is not None
    write_id = write.id
    _ACTIVE.add(write_id)
    written = 0
    try:
        for number, seqs in enumerate(ranges, start=1):
            try:
                sales_bulk.insert_staged_orders(session, store_id, seqs, base)
                record = session.get(ImportWrite, write_id)
                assert record is not None
                record.updated_at = utcnow()
                if number == len(ranges):
                    record.state = "done"
                    finish()
                    session.flush()
                    return
                session.flush()
                commit()
                written += 1
                _checkpoint(session)
                time.sleep(PAUSE_S)
            except Exception:
                session.rollback()
                if written:
                    undo(session, write_id, commit)
                raise
    finally:
        _ACTIVE.discard(write_id)


def _checkpoint(session: Session) -> None:
    """Copy the slice just committed from SQLite's WAL into the database now, outside any transaction (it
    takes no write lock), so that a till's commit does not find a long WAL to checkpoint after its sale.
    Only where the session is bound to one connection (the command's)."""
    raw = getattr(getattr(session.get_bind(), "connection", None), "driver_connection", None)
    if raw is not None:
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def undo(session: Session, write_id: int, commit: Commit) -> None:
    """Remove what an import wrote (its id range's orders, lines, payments and any refund of them) and
    rebuild the rollups of its days, in short transactions; the row then says "undone"."""
    write = session.get(ImportWrite, write_id)
    assert write is not None
    store_id, first, last = write.store_id, write.first_order_id, write.last_order_id
    first_day, last_day = write.first_day, write.last_day
    refunds = Refund.__table__  # type: ignore[attr-defined]
    found = session.connection().execute(
        core_select(refunds.c.business_on).distinct().where(refunds.c.order_id.between(first, last))
    )
    refund_days = set(found.scalars())
    conn = session.connection()
    orders = Order.__table__  # type: ignore[attr-defined]
    for start in range(first, last + 1, SLICE):
        end = min(start + SLICE - 1, last)
        for table in (OrderLine.__table__, Payment.__table__, refunds):  # type: ignore[attr-defined]
            conn = session.connection()
            conn.execute(delete(table).where(table.c.order_id.between(start, end)))
        conn.execute(delete(orders).where(orders.c.store_id == store_id, orders.c.id.between(start, end)))
        commit()
        time.sleep(PAUSE_S)
    day = first_day
    while day <= last_day:
        until = min(day + timedelta(days=REBUILD_DAYS - 1), last_day)
        rollups.rebuild(session, store_id, day, until)
        commit()
        time.sleep(PAUSE_S)
        day = until + timedelta(days=1)
    for refund_day in sorted(d for d in refund_days if not first_day <= d <= last_day):
        rollups.rebuild(session, store_id, refund_day, refund_day)
        commit()
    write = session.get(ImportWrite, write_id)
    assert write is not None
    write.state, write.updated_at = "undone", utcnow()
    session.flush()
    commit()


def recover(session: Session, commit: Commit) -> list[str]:
    """Undo every import left "writing" by a process that is gone; returns a line for each."""
    done: list[str] = []
    writing = session.exec(select(ImportWrite).where(ImportWrite.state == "writing").order_by(col(ImportWrite.id)))
    for write in list(writing):
        if not _gone(write):
            continue
        assert write.id is not None
        line = (
            f"removed a half-written import of {write.file_name or write.kind} "
            f"(orders {write.first_order_id}..{write.last_order_id}, days {write.first_day}..{write.last_day}) "
            f"left by {write.owner or 'a stopped process'}"
        )
        undo(session, write.id, commit)
        done.append(line)
    commit()
    return done
