"""The admin reuses a self-assessment it scored minutes ago (store.assessment.report_cache): the page and
its downloads get one scoring run, say when the figures were read, and an evidence edit shows at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store import config
from store.assessment import report_cache
from store.assessment import service as assessment_service
from tests.admin.report_data import sign_in as sign_in_manager
from tests.admin.report_data import small_store
from tests.admin.test_assessment_pages import indicator_row, post


@pytest.fixture
def scorings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Reuse on (300 s), and the periods scored, one entry per scoring run."""
    monkeypatch.setenv("SMARTSTORE_REPORT_CACHE_S", "300")
    config.get_settings.cache_clear()
    report_cache.clear()
    runs: list[str] = []
    assess = assessment_service.assess

    def counted(*args: object, **kwargs: object) -> object:
        runs.append(f"{kwargs['period_from']}..{kwargs['period_to']}")
        return assess(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assessment_service, "assess", counted)
    yield runs
    report_cache.clear()
    monkeypatch.delenv("SMARTSTORE_REPORT_CACHE_S")
    config.get_settings.cache_clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The reuse's monotonic clock, moved by the test (``clock[0] += seconds``)."""
    now = [1000.0]
    monkeypatch.setattr(report_cache.time, "monotonic", lambda: now[0])
    return now


def scored_at(html: str) -> str:
    found = re.search(r'<p class="rp-note" id="scored-at">数据读取于 (\d{4}-\d\d-\d\d \d\d:\d\d)', html)
    assert found, "the page does not say when its figures were read"
    return found[1]


def test_page_and_downloads_share_one_scoring_and_say_when(
    client: TestClient, session: Session, scorings: list[str]
) -> None:
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)

    first = client.get("/admin/assessment")
    again = client.get("/admin/assessment")
    pdf = client.get(re.search(r'href="(/admin/assessment/report\.pdf\?[^"]+)"', first.text)[1].replace("&amp;", "&"))
    xlsx = client.get(re.search(r'href="(/admin/assessment/report\.xlsx\?[^"]+)"', first.text)[1].replace("&amp;", "&"))

    assert first.status_code == again.status_code == pdf.status_code == xlsx.status_code == 200
    assert len(scorings) == 1
    assert scored_at(again.text) == scored_at(first.text)
    assert "5 分钟内沿用" in first.text and "立即重新计算" in first.text


def test_score_again_now_scores_a_new_report(client: TestClient, session: Session, scorings: list[str]) -> None:
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)
    page = client.get("/admin/assessment")
    link = re.search(r'<a href="(/admin/assessment\?[^"]*fresh=1)">立即重新计算</a>', page.text)
    assert link, "no link to score again"

    client.get(link[1].replace("&amp;", "&"))
    client.get("/admin/assessment")

    assert len(scorings) == 2  # the fresh one, then it is reused


def test_an_evidence_entry_shows_at_once(client: TestClient, session: Session, scorings: list[str]) -> None:
    shop_store = small_store(session)
    csrf = sign_in_manager(client, session, shop_store.store)
    assert '<span class="full">4</span> / 4' not in indicator_row(client.get("/admin/assessment").text, "F1")
    flags = {
        f"{flag}-{code}": "on" for code in shop_store.zone_codes for flag in ("wifi", "wifi_stable", "g5", "g5_stable")
    }

    assert post(client, csrf, "f1", {"surveyed_on": str(shop_store.today), **flags}).status_code == 303

    assert '<span class="full">4</span> / 4' in indicator_row(client.get("/admin/assessment").text, "F1")
    assert len(scorings) == 2


def test_a_new_upgrade_date_shows_at_once(client: TestClient, session: Session, scorings: list[str]) -> None:
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)
    client.get("/admin/assessment")

    shop_store.store.smart_upgrade_on = date(shop_store.today.year - 1, 1, 1)
    session.add(shop_store.store)
    session.commit()
    client.get("/admin/assessment")

    assert len(scorings) == 2


def test_reuse_ends_after_its_minutes(
    client: TestClient, session: Session, scorings: list[str], clock: list[float]
) -> None:
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)
    client.get("/admin/assessment")

    clock[0] += 299
    client.get("/admin/assessment")
    assert len(scorings) == 1
    clock[0] += 2
    client.get("/admin/assessment")
    assert len(scorings) == 2


def test_another_period_is_its_own_report(client: TestClient, session: Session, scorings: list[str]) -> None:
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)
    month = f"{shop_store.today:%Y-%m}"

    client.get("/admin/assessment")
    client.get(f"/admin/assessment?from={month}&to={month}")

    assert len(scorings) == 2 and scorings[1] == f"{month}..{month}"


def test_zero_seconds_scores_every_request(
    client: TestClient, session: Session, scorings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTSTORE_REPORT_CACHE_S", "0")
    config.get_settings.cache_clear()
    shop_store = small_store(session)
    sign_in_manager(client, session, shop_store.store)

    page = client.get("/admin/assessment")
    client.get("/admin/assessment")

    assert len(scorings) == 2
    assert "分钟内沿用" not in page.text and scored_at(page.text)


class TestKeptFreshInTheBackground:
    """A report asked for in the last hour is scored again once it is half ``report_cache_s`` old, so a
    manager coming back does not wait; one nobody asked for is forgotten."""

    @pytest.fixture(autouse=True)
    def background_sees_the_tests_data(self, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
        # The background scoring opens a session of its own; the test's data lives in the test's
        # transaction, so it gets the test's session (what it does with it is the code under test).
        monkeypatch.setattr(report_cache, "Session", lambda engine: nullcontext(session))

    def test_a_report_asked_for_is_scored_again_and_the_next_request_does_not_wait(
        self, client: TestClient, session: Session, scorings: list[str], clock: list[float]
    ) -> None:
        shop_store = small_store(session)
        sign_in_manager(client, session, shop_store.store)
        first = client.get("/admin/assessment")

        clock[0] += 100
        assert report_cache.refresh_due() == 0  # not yet half its age
        clock[0] += 60
        assert report_cache.refresh_due() == 1
        clock[0] += 200  # 360 s after the first scoring, 200 s after the background one
        again = client.get("/admin/assessment")

        assert len(scorings) == 2  # the request's, then the background's; the last request waited for none
        assert again.status_code == 200 and scored_at(again.text) >= scored_at(first.text)

    def test_a_report_nobody_asked_for_in_an_hour_is_forgotten(
        self, client: TestClient, session: Session, scorings: list[str], clock: list[float]
    ) -> None:
        shop_store = small_store(session)
        sign_in_manager(client, session, shop_store.store)
        client.get("/admin/assessment")

        clock[0] += report_cache.KEEP_FRESH_S + 1
        assert report_cache.refresh_due() == 0
        client.get("/admin/assessment")

        assert len(scorings) == 2  # scored again while the manager waited

    def test_a_report_that_cannot_be_scored_is_forgotten_and_logged(
        self,
        client: TestClient,
        session: Session,
        scorings: list[str],
        monkeypatch: pytest.MonkeyPatch,
        clock: list[float],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        shop_store = small_store(session)
        sign_in_manager(client, session, shop_store.store)
        client.get("/admin/assessment")

        def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("database gone")

        monkeypatch.setattr(assessment_service, "assess", broken)
        clock[0] += 200
        assert report_cache.refresh_due() == 0

        assert "not scored in the background" in caplog.text
        assert not report_cache._reports
