"""The project's own rules, checked by the suite: lint, DESIGN.md's dependency rule, migrations = models."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from store.registry import load_all_models

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


class TestDependencyRule:
    def test_import_contracts_hold(self):
        result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


class TestLint:
    def test_ruff_finds_nothing(self):
        result = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


class TestMigrations:
    def test_migrations_create_exactly_the_models(self, engine):
        load_all_models()
        # Column types are compared on PostgreSQL, where they are strict (BIGINT money, VARCHAR lengths);
        # SQLite's type affinity would report differences that are not there.
        compare_type = engine.dialect.name == "postgresql"
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == [], f"models and migrations differ: {diff}"


class TestFormat:
    def test_ruff_format_changes_nothing(self):
        result = subprocess.run([_tool("ruff"), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
