"""A live server on a fresh database and headless Chromium driving it (tests marked ``browser``).

The server runs uvicorn in a background thread of the test process. Its database is set through
``SMARTSTORE_DATABASE_URL`` for the module's tests only: the variable, the settings cache and the
engine cache are restored afterwards, so the rest of the suite keeps its own database.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from store import db
from store.auth import service as auth_service
from store.auth.models import Role
from store.premises import service as premises_service
from store.premises.schemas import FloorCreate, ShopCreate, StoreCreate
from tests.conftest import separate_database

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/shots")
MANAGER = ("manager-live", "live-server-password")


@dataclass(frozen=True)
class LiveServer:
    url: str
    username: str
    password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed() -> None:
    """A small store, through the services, as a manager would have set it up."""
    with db.unit_of_work() as session:
        store = premises_service.create_store(
            session, StoreCreate(code="LIVE", name="智慧示范百货", name_en="Smart Demo Department Store")
        )
        floors = (
            ("B1", "地下一层 美食超市", "B1 Food & Market", -1),
            ("1F", "一楼 化妆珠宝", "Beauty & Jewellery", 1),
            ("2F", "二楼 女装", "Womenswear", 2),
            ("3F", "三楼 男装运动", "Men & Sports", 3),
        )
        for code, name, name_en, level in floors:
            premises_service.create_floor(
                session,
                store.id,
                FloorCreate(  # type: ignore[arg-type]
                    code=code, name=name, name_en=name_en, level=level
                ),
            )
        shops = (
            ("B1-01", "B1", "supermarket", "华润万家"),
            ("B1-02", "B1", "bakery", "面包新语"),
            ("1F-01", "1F", "cosmetics", "雅诗兰黛"),
            ("1F-02", "1F", "jewellery", "周大福"),
            ("1F-03", "1F", "cosmetics", "兰蔻"),
            ("2F-01", "2F", "womenswear", "江南布衣"),
            ("3F-01", "3F", "sports", "安踏"),
            ("3F-02", "3F", "menswear", "七匹狼"),
        )
        for code, floor, category, name in shops:
            shop = premises_service.create_shop(
                session,
                store.id,
                ShopCreate(  # type: ignore[arg-type]
                    code=code,
                    name=name,
                    name_en=f"Shop {code}",
                    category=category,
                    floor_code=floor,
                    selling_area_m2=120.0,
                    opened_on=date(2020, 1, 1),
                ),
            )
            premises_service.set_headcount(
                session,
                store.id,
                shop_id=shop.id,  # type: ignore[arg-type]
                effective_on=date(2020, 1, 1),
                headcount=3,
            )
        auth_service.create_user(
            session,
            store_id=store.id,
            username=MANAGER[0],  # type: ignore[arg-type]
            password=MANAGER[1],
            role=Role.manager,
            display_name="王店长",
        )


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The whole server (API, admin, kiosk) on a free port, on its own migrated and seeded database."""
    from store.app import create_app

    with separate_database(tmp_path_factory.mktemp("live"), "live"):
        _seed()
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        yield LiveServer(f"http://127.0.0.1:{port}", *MANAGER)
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (the system's), driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def no_horizontal_overflow(page: Page) -> bool:
    """True when nothing sticks out sideways (no sideways scrolling on a touch screen or phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
