"""Fixtures of the import tests: a small store to import into, and a way to import text as a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session

from store.imports import service as imports_service
from store.imports.errors import ImportRejected
from store.imports.service import ImportReport
from store.premises.models import Floor, Shop, Store
from tests.factories.premises import create_floor, create_shop, create_store

UPGRADE = date(2025, 7, 1)


@dataclass
class Mall:
    store: Store
    ground: Floor
    cosmetics: Shop  # trading since 2020
    closed: Shop  # closed after 2025-06-15


@pytest.fixture
def mall(session: Session) -> Mall:
    store = create_store(session, code="IMP1", smart_upgrade_on=UPGRADE)
    ground = create_floor(session, store, code="1F", level=1)
    cosmetics = create_shop(session, store, ground, code="CO01", category="cosmetics", area_m2=120)
    closed = create_shop(session, store, ground, code="WW02", category="womenswear", closed_on=date(2025, 6, 15))
    return Mall(store, ground, cosmetics, closed)


ImportText = Callable[..., ImportReport]


@pytest.fixture
def import_text(session: Session, mall: Mall) -> ImportText:
    """Import ``text`` (CSV, UTF-8) as a file of ``kind`` into the mall; a rejected file returns its report."""

    def run(kind: str, text: str, *, file_name: str = "file.csv", encoding: str = "utf-8", **options) -> ImportReport:
        options.setdefault("store_id", mall.store.id)
        try:
            return imports_service.run_import(session, kind, text.encode(encoding), file_name, **options)
        except ImportRejected as exc:
            return exc.report

    return run


def errors_of(report: ImportReport) -> list[str]:
    return [str(bad) for bad in report.bad_rows]
