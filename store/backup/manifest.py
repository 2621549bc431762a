"""The small JSON manifest written next to every backup file, file names, and atomic writes.

``smartstore-20261130T021500Z.sqlite3`` (or ``.pgdump``) is the backup; ``<file>.json`` beside it says
what it holds: the backend, the migration, the SHA-256 of the file and the rows of every table. A
backup counts (for restore, retention and F3) only once both files are in place; both are written
under a temporary name first and renamed, so a crash never leaves a half-written file under a
backup's name.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from store.backup.errors import BackupUnusable

FORMAT = 1
PREFIX = "smartstore-"
EXTENSIONS = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
MANIFEST_SUFFIX = ".json"


@dataclass(frozen=True)
class Manifest:
    """What one backup file holds; ``tables`` maps every table to its row count in the backup."""

    file: str
    backend: str
    created_at: datetime
    revision: str | None
    size_bytes: int
    sha256: str
    tables: dict[str, int]
    check: str
    app_version: str = ""
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str) -> Manifest:
        """Parse a manifest; anything malformed is :class:`BackupUnusable` naming ``source``."""
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown manifest format {data.get('format')!r}")
            tables = {str(k): int(v) for k, v in data["tables"].items()}
            created_at = datetime.fromisoformat(data["created_at"])
            if created_at.tzinfo is None:
                raise ValueError("created_at has no timezone")
            return cls(
                file=str(data["file"]),
                backend=str(data["backend"]),
                created_at=created_at,
                revision=data.get("revision"),
                size_bytes=int(data["size_bytes"]),
                sha256=str(data["sha256"]),
                tables=tables,
                check=str(data.get("check", "")),
                app_version=str(data.get("app_version", "")),
                extra=dict(data.get("extra") or {}),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupUnusable(f"{source} is not a smartstore backup manifest: {exc}") from None


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + MANIFEST_SUFFIX)


def read(file: Path) -> Manifest:
    """The manifest beside ``file``, checked against the file (size and SHA-256)."""
    if not file.is_file():
        raise BackupUnusable(f"{file}: no such backup file")
    path = manifest_path(file)
    if not path.is_file():
        raise BackupUnusable(f"{file}: no manifest beside it ({path.name}), so its row counts cannot be compared")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupUnusable(f"{path}: cannot be read: {exc}") from None
    manifest = Manifest.from_json(text, source=str(path))
    if manifest.backend not in EXTENSIONS:
        raise BackupUnusable(f"{path}: unknown backend {manifest.backend!r}")
    if sha256_of(file) != manifest.sha256:
        raise BackupUnusable(f"{file}: its SHA-256 differs from the manifest: the file is damaged or was replaced")
    return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def temporary(path: Path) -> Path:
    """The hidden name a file is written under before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def publish(temp: Path, final: Path) -> None:
    """Flush ``temp`` to disk and rename it to ``final`` in one step (same folder, so atomic)."""
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, final)
    _sync_folder(final.parent)


def write_text(final: Path, text: str) -> None:
    temp = temporary(final)
    temp.write_text(text, encoding="utf-8")
    publish(temp, final)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_file(directory: Path, backend: str, now: datetime) -> Path:
    """A backup file name in ``directory`` that is not taken yet (sorts by time)."""
    stem = f"{PREFIX}{now:%Y%m%dT%H%M%SZ}"
    candidate, n = directory / f"{stem}{EXTENSIONS[backend]}", 1
    while candidate.exists() or manifest_path(candidate).exists():
        n += 1
        candidate = directory / f"{stem}-{n}{EXTENSIONS[backend]}"
    return candidate


def complete_backups(directory: Path) -> list[tuple[Path, Manifest]]:
    """The backups in ``directory`` with a readable manifest beside them, oldest first."""
    found: list[tuple[Path, Manifest]] = []
    if not directory.is_dir():
        return found
    for path in directory.glob(f"{PREFIX}*"):
        if path.suffix not in EXTENSIONS.values() or not manifest_path(path).is_file():
            continue
        try:
            manifest = Manifest.from_json(manifest_path(path).read_text(encoding="utf-8"), source=str(path))
        except (BackupUnusable, OSError, UnicodeDecodeError):
            continue  # not ours to judge or delete
        found.append((path, manifest))
    return sorted(found, key=lambda item: (item[1].created_at, item[0].name))
