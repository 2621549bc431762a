"""The admin's self-assessment, reused for a few minutes and kept fresh in the background: a manager opening
the page, then its PDF, XLSX and JSON gets one scoring run, not four, and does not wait for it again while
they keep coming back (issue 9: every admin page under 300 ms p95).

Scoring the whole of Annex 4 over 12 months reads every domain (about a second of CPU on the demo store) and
the report is a monthly filing, not a live figure, so the admin keeps each report it scored for
``report_cache_s`` seconds (setting ``SMARTSTORE_REPORT_CACHE_S``, default 300; 0 scores every request)
and says so: the page prints the moment the figures were read, with a link that scores again at once
(``?fresh=1``), and the downloads carry that same moment (``generated_at``), so the PDF filed is the page
seen. What a manager edits for the report itself ends the reuse at once: a new entry in the evidence
register, or a change of the store's name, timezone or smart-upgrade date (read in one short query each
time). Sales, footfall and the other live data reach the report within ``report_cache_s``.

A report asked for in the last hour is scored again in the background (one daemon thread per process, its
own database session) once it is half that age, so a manager coming back finds a report younger than
``report_cache_s`` without waiting for it; only the first request for a period after a start, or after an
hour nobody asked, scores while the manager waits.

The reports live in this process's memory (they are frozen dataclasses), keyed by the database, the store
and the months asked; each server process keeps its own, and a full cache drops its oldest report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from store.assessment import service as assessment_service
from store.assessment.models import AssessmentEvidence
from store.assessment.report import AssessmentReport
from store.config import get_settings
from store.premises.models import Store

log = logging.getLogger("store.assessment")

MAX_REPORTS = 64  # periods × stores × baselines one process keeps at most
KEEP_FRESH_S = 3600  # a report asked for within this long is scored again in the background
Months = tuple[str, str, str | None, str | None]  # period from, to, baseline from, to (YYYY-MM)


@dataclass(frozen=True)
class Cached:
    report: AssessmentReport
    version: tuple[object, ...]
    scored_at: float  # time.monotonic() when it was scored
    asked_at: float  # time.monotonic() of the last request for it
    engine: Engine
    store_id: int
    months: Months


_reports: OrderedDict[tuple[object, ...], Cached] = OrderedDict()
_lock = threading.Lock()
_refresher: threading.Thread | None = None


def edits_version(session: Session, store_id: int) -> tuple[object, ...]:
    """What the manager edits for the report: the evidence register's size and newest entry, and the
    store's own fields that the report states (two short indexed reads)."""
    count, newest = session.exec(
        select(func.count(), func.max(AssessmentEvidence.id)).where(AssessmentEvidence.store_id == store_id)
    ).one()
    store = session.get(Store, store_id)
    fields = (store.code, store.name, store.timezone, store.smart_upgrade_on) if store else ()
    return (count, newest, *fields)


def _score(session: Session, store_id: int, months: Months) -> AssessmentReport:
    return assessment_service.assess(
        session, store_id, period_from=months[0], period_to=months[1], baseline_from=months[2], baseline_to=months[3]
    )


def report(session: Session, store_id: int, months: Months, *, fresh: bool = False) -> AssessmentReport:
    """The report of ``months`` for ``store_id``: the one scored in the last ``report_cache_s`` seconds
    while the evidence and the store's fields are unchanged, else scored now (always with ``fresh``) and
    kept for the next request."""
    max_age = get_settings().report_cache_s
    if max_age <= 0:
        return _score(session, store_id, months)
    engine = session.get_bind().engine
    key = (str(engine.url), store_id, *months)
    version = edits_version(session, store_id)
    now = time.monotonic()
    with _lock:
        hit = _reports.get(key)
        if not fresh and hit is not None and hit.version == version and now - hit.scored_at < max_age:
            _reports[key] = replace(hit, asked_at=now)
            return hit.report
    scored = _score(session, store_id, months)
    _keep(key, Cached(scored, version, time.monotonic(), now, engine, store_id, months))
    _start_refresher(max_age)
    return scored


def _keep(key: tuple[object, ...], entry: Cached) -> None:
    with _lock:
        _reports[key] = entry
        _reports.move_to_end(key)
        while len(_reports) > MAX_REPORTS:
            _reports.popitem(last=False)


def refresh_due() -> int:
    """Score again every report asked for in the last hour that is at least half ``report_cache_s`` old;
    forget the ones nobody asked for. A report that cannot be scored (its database gone) is forgotten and
    logged. Returns how many were scored."""
    max_age = get_settings().report_cache_s
    now = time.monotonic()
    with _lock:
        entries = list(_reports.items())
    scored = 0
    for key, entry in entries:
        if max_age <= 0 or now - entry.asked_at > KEEP_FRESH_S:
            with _lock:
                _reports.pop(key, None)
            continue
        if now - entry.scored_at < max_age / 2:
            continue
        try:
            with Session(entry.engine) as session:
                version = edits_version(session, entry.store_id)
                fresh = _score(session, entry.store_id, entry.months)
        except Exception:
            log.warning("self-assessment not scored in the background", exc_info=True, extra={"months": key[2:]})
            with _lock:
                _reports.pop(key, None)
            continue
        with _lock:
            asked_at = _reports[key].asked_at if key in _reports else entry.asked_at
        _keep(key, replace(entry, report=fresh, version=version, scored_at=time.monotonic(), asked_at=asked_at))
        scored += 1
    return scored


def _start_refresher(max_age: int) -> None:
    """The process's background thread, started with its first kept report: every half ``report_cache_s``
    (at least 30 s) it runs :func:`refresh_due`."""
    global _refresher
    with _lock:
        if _refresher is not None and _refresher.is_alive():
            return

        def run() -> None:
            while True:
                time.sleep(max(30.0, max_age / 2))
                try:
                    refresh_due()
                except Exception:  # never let the thread die: the next round tries again
                    log.warning("self-assessment refresh failed", exc_info=True)

        _refresher = threading.Thread(target=run, name="report-refresh", daemon=True)
        _refresher.start()


def clear() -> None:
    """Forget every report (tests; a deployment restarts instead)."""
    with _lock:
        _reports.clear()
