"""The till's local SQLite: the outbox of sales and refunds, the catalogue cache, counters and pending payments.

Crash safety: WAL with ``synchronous=FULL`` and one transaction per change, so a ``kill -9`` at any moment
leaves a sale either wholly in the outbox (with its sequence number) or not at all. A sale gets its till
sequence number in the same transaction that queues it; the receipt prints only after that commit.

Entries leave the queue in ``id`` order. ``state``: ``queued`` (waiting or retrying with backoff),
``sent`` (the server answered with the order), ``dead`` (the server refused it: a supervisor fixes the
payload and resends it; the entries behind it never wait for it), ``discarded`` (a supervisor gave a dead one
up, with a reason kept in ``last_error``). A discarded sale is reported to the store (``discard_report``, sent by
the forwarder to ``POST /pos/discards``), which closes its number's missing-sale alarm as "discarded at the
till" with the reason, never as a sale.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
    till_seq INTEGER UNIQUE,
    order_no TEXT NOT NULL,
    idem_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dead', 'discarded')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    server_id INTEGER,
    created_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS ix_entry_state ON entry (state, id);
CREATE INDEX IF NOT EXISTS ix_entry_order_no ON entry (order_no);
CREATE TABLE IF NOT EXISTS catalog (
    sku TEXT PRIMARY KEY, barcode TEXT NOT NULL, name TEXT NOT NULL, price_fen INTEGER, active INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_catalog_barcode ON catalog (barcode);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS member_key (
    valid_from REAL PRIMARY KEY, valid_until REAL NOT NULL, public_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS member_cache (
    member_id INTEGER PRIMARY KEY, member_no TEXT NOT NULL, phone_masked TEXT NOT NULL, tier TEXT NOT NULL,
    tier_name TEXT NOT NULL, points_balance INTEGER NOT NULL, last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS member_claim (
    entry_id INTEGER PRIMARY KEY, order_no TEXT NOT NULL, code TEXT NOT NULL, scanned_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
    points INTEGER
);
CREATE TABLE IF NOT EXISTS discard_report (
    entry_id INTEGER PRIMARY KEY, till_seq INTEGER NOT NULL, order_no TEXT NOT NULL, reason TEXT NOT NULL,
    discarded_at REAL NOT NULL, state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS pending_payment (
    order_no TEXT PRIMARY KEY, payment_id INTEGER NOT NULL, sale TEXT NOT NULL, extra TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', message TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    till_seq: int | None
    order_no: str
    idem_key: str
    payload: dict[str, Any]
    extra: dict[str, Any]
    state: str
    attempts: int
    last_error: str
    server_id: int | None


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=row["id"],
        kind=row["kind"],
        till_seq=row["till_seq"],
        order_no=row["order_no"],
        idem_key=row["idem_key"],
        payload=json.loads(row["payload"]),
        extra=json.loads(row["extra"]),
        state=row["state"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        server_id=row["server_id"],
    )


class Outbox:
    """One SQLite file; safe to share between the web threads and the forwarder (one lock, short writes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._upgrade()
        self._db.executescript(SCHEMA)
        self._report_earlier_discards()

    def _upgrade(self) -> None:
        """An outbox file from before ``discarded`` existed: its entry table rebuilt with the new check."""
        row = self._db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entry'").fetchone()
        if row is None or "'discarded'" in row[0]:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("ALTER TABLE entry RENAME TO entry_old")
            self._db.execute("DROP INDEX IF EXISTS ix_entry_state")
            self._db.execute("DROP INDEX IF EXISTS ix_entry_order_no")
            for statement in SCHEMA.split("CREATE TABLE IF NOT EXISTS catalog")[0].split(";"):
                if statement.strip():  # one by one: executescript would commit the rebuild half done
                    self._db.execute(statement)
            self._db.execute("INSERT INTO entry SELECT * FROM entry_old")
            self._db.execute("DROP TABLE entry_old")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _report_earlier_discards(self) -> None:
        """Sales discarded before the store was told of discards (an older agent): queued for reporting once."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT e.id, e.till_seq, e.order_no, e.last_error, e.created_at FROM entry e "
                "WHERE e.state = 'discarded' AND e.kind = 'sale' AND e.till_seq IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM discard_report d WHERE d.entry_id = e.id)"
            ).fetchall()
            for row in rows:
                reason = row["last_error"].removeprefix("discarded: ").split(" (was: ")[0].strip() or "discarded"
                db.execute(
                    "INSERT INTO discard_report (entry_id, till_seq, order_no, reason, discarded_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (row["id"], row["till_seq"], row["order_no"], reason[:200], row["created_at"]),
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- counters and settings kept with the data -------------------------------------------------------

    def get_meta(self, key: str, default: str = "") -> str:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                (key, value, value),
            )

    def next_order_no(self, till_code: str) -> str:
        """A new order number of this till (``TILL1-000042``): a counter kept in the file, never reused."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'order_counter'").fetchone()
            n = int(row[0]) + 1 if row else 1
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('order_counter', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(n),),
            )
        return f"{till_code}-{n:06d}"

    # --- the queue ------------------------------------------------------------------------------------------

    @staticmethod
    def _insert_sale(db: sqlite3.Connection, order: dict[str, Any], extra: dict[str, Any]) -> sqlite3.Row:
        """The sale with the next sequence number, and the claim of the member code it was accepted with
        offline (``extra["member_claim"]``), in the caller's transaction."""
        seq = db.execute("SELECT COALESCE(MAX(till_seq), 0) + 1 FROM entry").fetchone()[0]
        payload = {**order, "till_seq": seq}
        key = f"sale-{seq}-{uuid.uuid4().hex[:12]}"
        cur = db.execute(
            "INSERT INTO entry (kind, till_seq, order_no, idem_key, payload, extra, created_at) "
            "VALUES ('sale', ?, ?, ?, ?, ?, ?)",
            (seq, order["order_no"], key, json.dumps(payload), json.dumps(extra), time.time()),
        )
        claim = extra.get("member_claim")
        if claim:
            db.execute(
                "INSERT INTO member_claim (entry_id, order_no, code, scanned_at) VALUES (?, ?, ?, ?)",
                (cur.lastrowid, order["order_no"], claim["code"], claim["scanned_at"]),
            )
        row: sqlite3.Row = db.execute("SELECT * FROM entry WHERE id = ?", (cur.lastrowid,)).fetchone()
        return row

    def add_sale(self, order: dict[str, Any], extra: dict[str, Any] | None = None) -> Entry:
        """Queue a sale with the till's next sequence number; committed when this returns (then print)."""
        with self.transaction() as db:
            row = self._insert_sale(db, order, extra or {})
        return _entry(row)

    def add_refund(
        self,
        order_no: str,
        amount_fen: int,
        reason: str,
        extra: dict[str, Any] | None = None,
        methods: list[dict[str, Any]] | None = None,
    ) -> Entry:
        payload: dict[str, Any] = {"amount_fen": amount_fen, "reason": reason}
        if methods:
            payload["payments"] = methods  # how the money went back, per method (sales_refund_payment)
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO entry (kind, order_no, idem_key, payload, extra, created_at) "
                "VALUES ('refund', ?, ?, ?, ?, ?)",
                (order_no, f"refund-{uuid.uuid4().hex}", json.dumps(payload), json.dumps(extra or {}), time.time()),
            )
            row = db.execute("SELECT * FROM entry WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _entry(row)

    def due(self, limit: int, now: float | None = None) -> list[Entry]:
        """Queued entries in queue order, up to the first one still waiting out its backoff."""
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM entry WHERE state = 'queued' ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        due = []
        for row in rows:
            if row["next_try_at"] > now:
                break  # in order: nothing overtakes an entry that is waiting to be retried
            due.append(_entry(row))
        return due

    def mark_sent(self, results: list[tuple[int, int | None]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE entry SET state = 'sent', server_id = ?, sent_at = ?, last_error = '' WHERE id = ?",
                [(server_id, time.time(), entry_id) for entry_id, server_id in results],
            )

    def mark_dead(self, entry_id: int, error: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE entry SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
                (error[:2000], entry_id),
            )

    def mark_retry(self, entry_ids: list[int], error: str, backoff_max_s: float) -> None:
        with self.transaction() as db:
            for entry_id in entry_ids:
                attempts = db.execute("SELECT attempts FROM entry WHERE id = ?", (entry_id,)).fetchone()[0] + 1
                wait = min(backoff_max_s, 0.5 * 2 ** min(attempts, 20))
                db.execute(
                    "UPDATE entry SET attempts = ?, next_try_at = ?, last_error = ? WHERE id = ?",
                    (attempts, time.time() + wait, error[:2000], entry_id),
                )

    def retry_now(self) -> None:
        """Forget the backoff of every queued entry (the server is back: try at once)."""
        with self.transaction() as db:
            db.execute("UPDATE entry SET next_try_at = 0 WHERE state = 'queued'")

    def resend(self, entry_id: int, payload: dict[str, Any] | None = None) -> Entry:
        """A dead entry back in the queue, with a supervisor's corrected payload (its number and key stay)."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM entry WHERE id = ?", (entry_id,)).fetchone()
            if row is None or row["state"] != "dead":
                raise KeyError(entry_id)
            if payload is not None:
                if row["kind"] == "sale":
                    payload = {**payload, "till_seq": row["till_seq"], "order_no": row["order_no"]}
                db.execute("UPDATE entry SET payload = ? WHERE id = ?", (json.dumps(payload), entry_id))
            db.execute("UPDATE entry SET state = 'queued', next_try_at = 0, attempts = 0 WHERE id = ?", (entry_id,))
            row = db.execute("SELECT * FROM entry WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row)

    def discard(self, entry_id: int, reason: str) -> Entry:
        """A supervisor gives a dead entry up; the reason is kept with it (never deleted), and a sale's discard is
        queued for reporting to the store."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM entry WHERE id = ?", (entry_id,)).fetchone()
            if row is None or row["state"] != "dead":
                raise KeyError(entry_id)
            note = f"discarded: {reason} (was: {row['last_error']})"
            db.execute("UPDATE entry SET state = 'discarded', last_error = ? WHERE id = ?", (note[:2000], entry_id))
            if row["kind"] == "sale" and row["till_seq"] is not None:  # the store is told, in the same commit
                db.execute(
                    "INSERT OR IGNORE INTO discard_report (entry_id, till_seq, order_no, reason, discarded_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (entry_id, row["till_seq"], row["order_no"], reason[:200], time.time()),
                )
            row = db.execute("SELECT * FROM entry WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row)

    def get(self, entry_id: int) -> Entry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM entry WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row) if row else None

    def entries(self, state: str | None = None, limit: int = 100) -> list[Entry]:
        with self._lock:
            if state is None:
                rows = self._db.execute("SELECT * FROM entry ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT * FROM entry WHERE state = ? ORDER BY id LIMIT ?", (state, limit)
                ).fetchall()
        return [_entry(row) for row in rows]

    def sale(self, order_no: str) -> Entry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM entry WHERE kind = 'sale' AND order_no = ?", (order_no,)).fetchone()
        return _entry(row) if row else None

    def refunded_fen(self, order_no: str) -> int:
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM entry WHERE kind = 'refund' AND order_no = ?", (order_no,)
            ).fetchall()
        return sum(json.loads(row[0])["amount_fen"] for row in rows)

    def refunded_by_method(self, order_no: str) -> dict[str, int]:
        """What the sale's refunds gave back per method (refunds queued before methods were kept: none)."""
        found: dict[str, int] = {}
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM entry WHERE kind = 'refund' AND order_no = ?", (order_no,)
            ).fetchall()
        for row in rows:
            for part in json.loads(row[0]).get("payments", []):
                found[part["method"]] = found.get(part["method"], 0) + part["amount_fen"]
        return found

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM entry GROUP BY state").fetchall()
        found = {"queued": 0, "sent": 0, "dead": 0, "discarded": 0}
        found.update({row[0]: row[1] for row in rows})
        return found

    def oldest_queued_at(self) -> float | None:
        """When the oldest sale or refund still waiting was queued (epoch seconds), None with an empty outbox."""
        with self._lock:
            row = self._db.execute("SELECT MIN(created_at) FROM entry WHERE state = 'queued'").fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def last_seq(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(MAX(till_seq), 0) FROM entry").fetchone()[0])

    def dead_seqs(self) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT till_seq FROM entry WHERE state = 'dead' AND till_seq IS NOT NULL ORDER BY id LIMIT 200"
            ).fetchall()
        return [row[0] for row in rows]

    # --- the catalogue cache ----------------------------------------------------------------------------------

    def store_catalog(self, items: list[dict[str, Any]], version: int, cursor: str) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO catalog (sku, barcode, name, price_fen, active) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (sku) DO UPDATE SET barcode = excluded.barcode, name = excluded.name, "
                "price_fen = excluded.price_fen, active = excluded.active",
                [
                    (i["sku"], i.get("barcode", ""), i["name"], i.get("price_fen"), int(i.get("active", True)))
                    for i in items
                ],
            )
            for key, value in (("catalog_cursor", cursor), ("catalog_version", str(version))):
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                    (key, value, value),
                )

    def lookup(self, code: str) -> dict[str, Any] | None:
        """A SKU by its code or barcode, as the till can sell it (None: not in the catalogue)."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM catalog WHERE sku = ? OR barcode = ? ORDER BY sku = ? DESC LIMIT 1", (code, code, code)
            ).fetchone()
        return dict(row) if row else None

    # --- payments whose answer is not known yet -----------------------------------------------------------

    def add_pending(self, order_no: str, payment_id: int, sale: dict[str, Any], extra: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO pending_payment (order_no, payment_id, sale, extra, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (order_no) DO UPDATE SET payment_id = excluded.payment_id, state = 'pending'",
                (order_no, payment_id, json.dumps(sale), json.dumps(extra), time.time()),
            )

    def pending(self, state: str = "pending") -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM pending_payment WHERE state = ? ORDER BY created_at", (state,))
            return [{**dict(row), "sale": json.loads(row["sale"]), "extra": json.loads(row["extra"])} for row in rows]

    def settle_pending(self, order_no: str, state: str, message: str = "") -> Entry | None:
        """A pending payment answered: ``paid`` queues its sale (in the same transaction), ``declined`` drops it."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM pending_payment WHERE order_no = ? AND state = 'pending'", (order_no,)
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE pending_payment SET state = ?, message = ? WHERE order_no = ?", (state, message, order_no)
            )
            if state != "paid":
                return None
            entry = self._insert_sale(db, json.loads(row["sale"]), json.loads(row["extra"]))
        return _entry(entry)

    # --- member codes offline: the store's public keys, its members, and the claims made at sync -----------

    def store_member_snapshot(
        self, meta: dict[str, str], keys: list[tuple[float, float, str]], members: list[dict[str, Any]], *, first: bool
    ) -> None:
        """One page of ``GET /members/codes/offline-snapshot``: the first page replaces the keys; members are
        upserted (their last accepted step stays: the till's replay guard)."""
        with self.transaction() as db:
            if first:
                db.execute("DELETE FROM member_key")
                db.executemany("INSERT INTO member_key (valid_from, valid_until, public_key) VALUES (?, ?, ?)", keys)
                for key, value in meta.items():
                    db.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                        (key, value, value),
                    )
            db.executemany(
                "INSERT INTO member_cache (member_id, member_no, phone_masked, tier, tier_name, points_balance) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET member_no = excluded.member_no, "
                "phone_masked = excluded.phone_masked, tier = excluded.tier, tier_name = excluded.tier_name, "
                "points_balance = excluded.points_balance",
                [
                    (m["member_id"], m["member_no"], m["phone_masked"], m["tier"], m["tier_name"], m["points_balance"])
                    for m in members
                ],
            )

    def member_keys(self) -> list[tuple[float, float, bytes]]:
        with self._lock:
            rows = self._db.execute("SELECT valid_from, valid_until, public_key FROM member_key").fetchall()
        return [(row[0], row[1], bytes.fromhex(row[2])) for row in rows]

    def cached_member(self, member_id: int) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM member_cache WHERE member_id = ?", (member_id,)).fetchone()
        return dict(row) if row else None

    def accept_member_step(self, member_id: int, step: int) -> bool:
        """Record ``step`` as the member's last accepted code; False when it is not above the last one."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE member_cache SET last_step = ? WHERE member_id = ? AND last_step < ?", (step, member_id, step)
            )
            return cur.rowcount == 1

    def claims_due(self, limit: int = 50) -> list[dict[str, Any]]:
        """Member claims whose sale the store has stored (sent), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT c.*, e.state AS entry_state FROM member_claim c JOIN entry e ON e.id = c.entry_id "
                "WHERE c.state = 'queued' AND e.state = 'sent' ORDER BY c.entry_id LIMIT ?",
                (limit,),
            ).fetchall()
        return [dict(row) for row in rows]

    def finish_claim(self, entry_id: int, state: str, *, points: int | None = None, error: str = "") -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE member_claim SET state = ?, points = ?, last_error = ?, attempts = attempts + 1 "
                "WHERE entry_id = ?",
                (state, points, error[:2000], entry_id),
            )

    def claims(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM member_claim GROUP BY state").fetchall()
        found = {"queued": 0, "done": 0, "refused": 0}
        found.update({row[0]: row[1] for row in rows})
        return found

    # --- discarded sales, reported to the store ---------------------------------------------------------------

    def discards_due(self, limit: int = 50) -> list[dict[str, Any]]:
        """Discarded sales the store has not been told of yet, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM discard_report WHERE state = 'queued' ORDER BY entry_id LIMIT ?", (limit,)
            ).fetchall()
        return [dict(row) for row in rows]

    def finish_discard(self, entry_id: int, state: str, error: str = "") -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE discard_report SET state = ?, last_error = ?, attempts = attempts + 1 WHERE entry_id = ?",
                (state, error[:2000], entry_id),
            )

    def discard_reports(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM discard_report GROUP BY state").fetchall()
        found = {"queued": 0, "sent": 0, "refused": 0}
        found.update({row[0]: row[1] for row in rows})
        return found
