"""``smartstore serve`` trusts X-Forwarded-For only from the proxies that settings name (issue 7).

Uvicorn trusted it from 127.0.0.1 by default, so anyone on the machine could rotate the header and
walk past the per-address sign-in limits. Checked through uvicorn's own wrapping of the app, built from
the options ``serve`` passes.
"""

from __future__ import annotations

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth.models import Role
from store.cli import proxy_options
from store.config import StoreSettings, get_settings
from tests.factories.auth import PASSWORD, create_user
from tests.factories.premises import create_store

TOKEN = "/api/v1/auth/token"


def served(app, settings: StoreSettings) -> TestClient:
    """The app as uvicorn would serve it with ``serve``'s options, called from 127.0.0.1."""
    config = uvicorn.Config(app, **proxy_options(settings))
    config.load()
    return TestClient(config.loaded_app, client=("127.0.0.1", 40000))


def wrong_then_right(client: TestClient) -> int:
    """Five wrong passwords, each from a new forwarded address, then the right one from yet another."""
    for n in range(5):
        client.post(TOKEN, json={"username": "li.na", "password": "wrong"}, headers={"X-Forwarded-For": f"10.0.0.{n}"})
    response = client.post(
        TOKEN, json={"username": "li.na", "password": PASSWORD}, headers={"X-Forwarded-For": "10.0.0.99"}
    )
    return response.status_code


@pytest.fixture
def user(session: Session) -> None:
    create_user(session, create_store(session), username="li.na", role=Role.cashier)
    session.commit()


class TestForwardedHeaders:
    def test_by_default_no_forwarded_header_is_trusted(self):
        assert proxy_options(StoreSettings()) == {"proxy_headers": False, "forwarded_allow_ips": ""}

    def test_the_named_proxies_are_trusted(self):
        options = proxy_options(StoreSettings(forwarded_allow_ips="10.1.2.3, 10.1.2.4"))
        assert options == {"proxy_headers": True, "forwarded_allow_ips": ["10.1.2.3", "10.1.2.4"]}

    @pytest.mark.usefixtures("user")
    def test_rotating_the_header_does_not_get_around_the_throttle(self, app):
        assert get_settings().forwarded_allow_ips == ""
        assert wrong_then_right(served(app, get_settings())) == 429

    @pytest.mark.usefixtures("user")
    def test_behind_a_named_proxy_each_forwarded_address_counts_as_its_own(self, app):
        assert wrong_then_right(served(app, StoreSettings(forwarded_allow_ips="127.0.0.1"))) == 200
