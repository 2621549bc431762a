"""The box's disk: every receipt's raw bytes by their SHA-256, and the queue of receipts not yet uploaded.

Files are written to a temporary name, synced, then renamed: a power cut leaves a receipt whole or absent.
The queue survives restarts and days without the store; it empties in capture order.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store.capture.escpos import split_receipts


@dataclass(frozen=True)
class Entry:
    seq: int
    sha256: str
    captured_at: datetime
    path: Path  # the queue file


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Spool:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.queue = root / "queue"
        self.queue.mkdir(parents=True, exist_ok=True)
        self.blobs.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        counter = root / "seq"
        self._seq = int(counter.read_text()) if counter.exists() else 0

    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / f"{sha256}.bin"

    def add_job(self, data: bytes, *, now: datetime | None = None) -> list[Entry]:
        """Keep one print job: each receipt in it (cut at paper cuts) is stored and queued."""
        return [self.add_receipt(piece, now=now) for piece in split_receipts(data) or [data]]

    def add_receipt(self, data: bytes, *, now: datetime | None = None) -> Entry:
        sha = hashlib.sha256(data).hexdigest()
        blob = self.blob_path(sha)
        if not blob.exists():
            _write(blob, data)
        at = now or datetime.now(UTC)
        with self._lock:
            self._seq += 1
            seq = self._seq
            _write(self.root / "seq", str(seq).encode())
        path = self.queue / f"{seq:012d}.json"
        _write(path, json.dumps({"seq": seq, "sha256": sha, "captured_at": at.isoformat()}).encode())
        return Entry(seq, sha, at, path)

    def pending(self) -> list[Entry]:
        """Receipts not yet uploaded, oldest first."""
        entries = []
        for path in sorted(self.queue.glob("*.json")):
            try:
                raw = json.loads(path.read_text())
                entries.append(Entry(raw["seq"], raw["sha256"], datetime.fromisoformat(raw["captured_at"]), path))
            except (ValueError, KeyError, OSError):
                path.rename(path.with_suffix(".bad"))  # a half-written entry from before a crash: set aside
        return entries

    def read(self, entry: Entry) -> bytes:
        return self.blob_path(entry.sha256).read_bytes()

    def done(self, entry: Entry) -> None:
        entry.path.unlink(missing_ok=True)
