"""/metrics: requests counted by route template (never an id), and totals that add up across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from tests.factories.auth import create_user, headers_for
from tests.factories.premises import create_shop, create_store

COUNT_REQUESTS = """
import os
from fastapi import FastAPI
from fastapi.testclient import TestClient
from store.metrics import Metrics
app = FastAPI()
app.add_middleware(Metrics)
@app.get("/things/{thing_id}")
def thing(thing_id: int) -> dict:
    return {}
with TestClient(app) as client:
    for i in range(25):
        client.get(f"/things/{i}")
"""

SCRAPE = """
from store.metrics import render
print(render().decode())
"""


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


class TestSeveralProcesses:
    def test_four_processes_of_25_requests_show_100(self, tmp_path: Path):
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
        for _ in range(4):
            _python(COUNT_REQUESTS, env)
        text = _python(SCRAPE, env)
        line = 'store_http_requests_total{method="GET",route="/things/{thing_id}",status="2xx"} 100.0'
        assert line in text


class TestLabels:
    def test_a_route_is_labelled_by_its_template_never_its_id(self, session: Session, client):
        store = create_store(session)
        shop = create_shop(session, store)
        headers = headers_for(session, create_user(session, store))
        client.get(f"/api/v1/premises/shops/{shop.id}", headers=headers)
        text = client.get("/metrics").text
        assert 'route="/api/v1/premises/shops/{shop_id}"' in text
        assert f"/shops/{shop.id}" not in text
        assert "store_devices" in text or "store_alerts_active" in text
