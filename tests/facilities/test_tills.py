"""Outbox backlogs the tills report with their heartbeats: the alert rule, the /metrics gauges (no ids), the
dashboard's till table, and the Prometheus alert rules shipped in deploy/ naming only metrics that exist."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.facilities import tills
from tests.admin.conftest import premises, sign_in  # noqa: F401  (the fixture)

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Heartbeat:  # the shape docs/contracts.md asks of store.pos.service.till_backlogs
    store_id: int
    device_id: int
    name: str
    pending: int
    oldest_pending_at: datetime | None
    reported_at: datetime


def _row(pending: int, waited: timedelta, heard: timedelta, device_id: int = 7) -> tills.TillBacklog:
    oldest = NOW - waited if pending else None
    return tills.TillBacklog(1, device_id, f"till {device_id}", pending, oldest, NOW - heard)


class TestAlertRule:
    def test_a_backlog_alerts_only_past_its_age(self):
        limit = tills.BACKLOG_ALERT_AGE
        assert not _row(3, limit, timedelta(seconds=10)).alerting(NOW)  # exactly at the limit: not yet
        assert _row(3, limit + timedelta(seconds=1), timedelta(seconds=10)).alerting(NOW)

    def test_a_silent_till_alerts_only_while_sales_wait(self):
        silent = tills.HEARTBEAT_STALE + timedelta(seconds=1)
        assert _row(1, timedelta(seconds=30), silent).alerting(NOW)
        assert not _row(0, timedelta(0), silent).alerting(NOW)  # a till switched off for the night, outbox empty

    def test_the_summary_adds_up_every_till(self):
        rows = [
            _row(4, timedelta(minutes=20), timedelta(seconds=5), 1),
            _row(0, timedelta(0), timedelta(seconds=5), 2),
            _row(2, timedelta(minutes=1), timedelta(minutes=30), 3),
        ]
        summary = tills.summarize(rows, NOW)
        assert summary == tills.BacklogSummary(
            tills=3, with_backlog=2, pending=6, oldest_age_s=1200.0, silent=1, alerting=2
        )


@pytest.fixture
def reporting_tills(monkeypatch: pytest.MonkeyPatch):
    """Two tills' heartbeats, as the POS side will report them (its function is not in this build yet)."""

    def till_backlogs(session, store_id):
        now, store = datetime.now(UTC), store_id or 1
        return [
            Heartbeat(store, 11, "收银台 1F-01", 5, now - timedelta(minutes=40), now - timedelta(seconds=20)),
            Heartbeat(store, 12, "收银台 2F-03", 0, None, now - timedelta(seconds=20)),
        ]

    monkeypatch.setattr(tills, "provider", lambda: till_backlogs)
    return till_backlogs


class TestWithoutPos:
    def test_a_build_without_till_heartbeats_has_no_figures_and_no_error(self, client, monkeypatch):
        monkeypatch.setattr(tills, "provider", lambda: None)
        text = client.get("/metrics").text
        assert "store_till_outbox_backlog_sales" not in text


class TestMetrics:
    def test_metrics_show_the_backlog_totals_without_ids(self, client, reporting_tills):
        text = client.get("/metrics").text
        assert "store_till_outbox_backlog_sales 5.0" in text
        assert 'store_tills{state="alerting"} 1.0' in text
        age = float(re.search(r"^store_till_outbox_oldest_age_seconds (\S+)$", text, re.M).group(1))  # type: ignore[union-attr]
        assert 2390 < age < 2500
        assert not re.search(r"^store_till\S*\{[^}]*(device|till|id)=", text, re.M)  # no label names a till

    def test_every_metric_the_alert_rules_name_is_exposed(self, client, reporting_tills):
        text = client.get("/metrics").text
        exposed = set(re.findall(r"^(?:# TYPE )?(store_[a-z_0-9]+)", text, re.M))
        rules = (ROOT / "deploy/prometheus/alerts.yml").read_text(encoding="utf-8")
        named = {m for line in rules.splitlines() if "expr:" in line for m in re.findall(r"store_[a-z_0-9]+", line)}
        assert named and named <= exposed | {"store_alerts_active", "store_backup_last_success_timestamp_seconds"}


class TestDashboard:
    def test_the_operations_page_lists_the_tills_and_flags_the_old_backlog(
        self,
        client,
        session,
        premises,  # noqa: F811
        reporting_tills,
    ):
        sign_in(client, session, premises.manager)
        html = client.get("/admin/facilities").text
        assert "收银机待发队列" in html and "收银台 1F-01" in html and "积压告警" in html


class TestFromTheTills:
    """The real path: a till agent's heartbeat (store.pos) is what facilities reads, nothing stood in."""

    def test_a_heartbeat_with_an_old_backlog_alerts_and_an_emptied_outbox_clears_it(self, client, session):
        from store.auth.models import DeviceKind
        from tests.factories.auth import create_device
        from tests.factories.premises import create_store

        assert tills.provider() is not None  # store.pos.service.till_backlogs is in this build
        store = create_store(session)
        key, till = create_device(session, store, kind=DeviceKind.pos_terminal, name="收银台 3F-02")
        oldest = datetime.now(UTC) - timedelta(minutes=40)
        beat = {"outbox_backlog": 3, "oldest_pending_at": oldest.isoformat(), "last_seq": 0}
        assert client.post("/api/v1/pos/heartbeat", json=beat, headers={"X-Device-Key": key}).status_code == 200
        (row,) = tills.backlogs(session, store.id)  # type: ignore[misc]
        assert (row.device_id, row.name, row.pending) == (till.id, "收银台 3F-02", 3)
        assert row.alerting(datetime.now(UTC))  # 40 minutes waiting: past the 15-minute age

        beat = {"outbox_backlog": 0, "oldest_pending_at": oldest.isoformat(), "last_seq": 0}
        assert client.post("/api/v1/pos/heartbeat", json=beat, headers={"X-Device-Key": key}).status_code == 200
        (row,) = tills.backlogs(session, store.id)  # type: ignore[misc]
        assert row.pending == 0 and row.oldest_pending_at is None and not row.alerting(datetime.now(UTC))
