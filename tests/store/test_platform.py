"""Platform behaviour: health, readiness, problem+json, settings and migrations."""

from __future__ import annotations

import pytest

from store import migrate
from store.config import SettingsError, load_settings


class TestHealth:
    def test_healthz_answers(self, client):
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_readyz_reports_migrations_at_head(self, client):
        body = client.get("/readyz").json()
        assert body["status"] == "ok"
        assert body["revision"] == migrate.head_revision()


class TestProblemJson:
    def test_unknown_api_route_is_problem_json(self, client):
        response = client.get("/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 404


class TestSettings:
    def test_unknown_setting_is_named(self, monkeypatch):
        monkeypatch.setenv("SMARTSTORE_DATABSE_URL", "sqlite:///x.db")
        with pytest.raises(SettingsError, match="SMARTSTORE_DATABSE_URL"):
            load_settings()

    def test_bad_value_is_explained(self, monkeypatch):
        monkeypatch.setenv("SMARTSTORE_DEFAULT_TIMEZONE", "Mars/Olympus")
        with pytest.raises(SettingsError, match="SMARTSTORE_DEFAULT_TIMEZONE.*unknown IANA timezone"):
            load_settings()

    def test_placeholder_secret_refused_in_production(self, monkeypatch):
        monkeypatch.setenv("SMARTSTORE_ENV", "production")
        monkeypatch.delenv("SMARTSTORE_SECRET_KEY", raising=False)
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            load_settings()


class TestMigrations:
    def test_upgrade_twice_changes_nothing(self, engine):
        before, after = migrate.upgrade(engine)
        assert before == after == migrate.head_revision()


class TestApiDocs:
    def test_docs_page_loads_its_scripts_from_the_server_not_a_cdn(self, client):
        page = client.get("/api/v1/docs")
        assert page.status_code == 200
        assert "cdn." not in page.text and "/api/v1/docs/static/swagger-ui-bundle.js" in page.text
        script = client.get("/api/v1/docs/static/swagger-ui-bundle.js")
        assert script.status_code == 200 and len(script.content) > 100_000
