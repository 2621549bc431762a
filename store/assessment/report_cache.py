"""The admin's self-assessment, reused for a few minutes: a manager opening the page, then its PDF, XLSX and
JSON gets one scoring run, not four (issue 9: every admin page under 300 ms p95).

Scoring the whole of Annex 4 over 12 months reads every domain (about a second of CPU on the demo store) and
the report is a monthly filing, not a live figure, so the admin keeps each report it scored for
``report_cache_s`` seconds (setting ``SMARTSTORE_REPORT_CACHE_S``, default 300; 0 scores every request)
and says so: the page prints the moment the figures were read, with a link that scores again at once
(``?fresh=1``), and the downloads carry that same moment (``generated_at``), so the PDF filed is the page
seen. What a manager edits for the report itself ends the reuse at once: a new entry in the evidence
register, or a change of the store's name, timezone or smart-upgrade date (read in one short query each
time). Sales, footfall and the other live data reach the report within ``report_cache_s``.

The reports live in this process's memory (they are frozen dataclasses), keyed by the database, the store
and the months asked; each server process keeps its own, and a full cache drops its oldest report.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from store.assessment.models import AssessmentEvidence
from store.assessment.report import AssessmentReport
from store.config import get_settings
from store.premises.models import Store

MAX_REPORTS = 64  # periods × stores × baselines one process keeps at most


@dataclass(frozen=True)
class Cached:
    report: AssessmentReport
    version: tuple[object, ...]
    scored_at: float  # time.monotonic() when it was scored


_reports: OrderedDict[tuple[object, ...], Cached] = OrderedDict()
_lock = threading.Lock()


def edits_version(session: Session, store_id: int) -> tuple[object, ...]:
    """What the manager edits for the report: the evidence register's size and newest entry, and the
    store's own fields that the report states (two short indexed reads)."""
    count, newest = session.exec(
        select(func.count(), func.max(AssessmentEvidence.id)).where(AssessmentEvidence.store_id == store_id)
    ).one()
    store = session.get(Store, store_id)
    fields = (store.code, store.name, store.timezone, store.smart_upgrade_on) if store else ()
    return (count, newest, *fields)


def report(
    session: Session,
    store_id: int,
    months: tuple[str, str, str | None, str | None],
    score: Callable[[], AssessmentReport],
    *,
    fresh: bool = False,
) -> AssessmentReport:
    """The report of ``months`` (period from, to, baseline from, to) for ``store_id``: the one scored in
    the last ``report_cache_s`` seconds while the evidence and the store's fields are unchanged, else
    ``score()`` (always with ``fresh``), kept for the next request."""
    max_age = get_settings().report_cache_s
    if max_age <= 0:
        return score()
    key = (str(session.get_bind().engine.url), store_id, *months)
    version = edits_version(session, store_id)
    now = time.monotonic()
    with _lock:
        hit = _reports.get(key)
    if not fresh and hit is not None and hit.version == version and now - hit.scored_at < max_age:
        return hit.report
    scored = score()
    with _lock:
        _reports[key] = Cached(scored, version, time.monotonic())
        _reports.move_to_end(key)
        while len(_reports) > MAX_REPORTS:
            _reports.popitem(last=False)
    return scored


def clear() -> None:
    """Forget every report (tests; a deployment restarts instead)."""
    with _lock:
        _reports.clear()
