"""The capture box end to end against the app: spool → parse → POST /sales/orders → POST /capture/jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from pos_bridge.capture.box import Uploader
from pos_bridge.capture.client import StoreClient, Unreachable
from pos_bridge.capture.spool import Spool
from store.capture.models import CaptureJob
from store.sales.models import Order
from tests.factories.capture import create_box, create_template, fixture_bytes, job_in, receipt
from tests.factories.premises import create_floor, create_shop, create_store


@pytest.fixture
def shop(session: Session):  # type: ignore[no-untyped-def]
    store = create_store(session)
    return create_shop(session, store, create_floor(session, store))


def _orders(session: Session, shop_id: int) -> list[Order]:
    return list(session.exec(select(Order).where(Order.shop_id == shop_id).order_by(Order.order_no)))


def _jobs(session: Session, shop_id: int) -> dict[str, str]:
    rows = session.exec(select(CaptureJob).where(CaptureJob.shop_id == shop_id).order_by(CaptureJob.seq))
    return {f"{row.seq}:{row.kind}": row.status for row in rows}


class TestBoxUploads:
    def test_sales_posted_once_reprint_and_z_report_ignored_image_to_review(
        self, session: Session, client: TestClient, shop, tmp_path: Path
    ) -> None:
        key, _ = create_box(session, shop)
        create_template(session, shop)
        spool = Spool(tmp_path / "spool")
        for name in ("escpos_sale.bin", "escpos_reprint.bin", "hand_z_report.bin", "hand_raster_only.bin"):
            spool.add_job(fixture_bytes(name))
        spool.add_job(fixture_bytes("hand_two_receipts.bin"))  # one job, two cut receipts
        uploader = Uploader(spool, StoreClient("http://testserver", key, http=client))
        assert uploader.drain() == 6
        assert spool.pending() == []
        orders = _orders(session, shop.id)
        assert [(o.order_no, o.total_fen, o.source) for o in orders] == [
            (f"CAP{shop.id}-A20261130-000123", 49700, "receipt_capture"),
            (f"CAP{shop.id}-B-778", 49700, "receipt_capture"),
            (f"CAP{shop.id}-B-779", 49700, "receipt_capture"),
        ]
        assert _jobs(session, shop.id) == {
            "1:sale": "posted",
            "2:reprint": "ignored",
            "3:report": "ignored",
            "4:image": "review",
            "5:sale": "posted",
            "6:sale": "posted",
        }

    def test_store_away_keeps_the_queue_then_sends_it_in_order(
        self, session: Session, client: TestClient, shop, tmp_path: Path
    ) -> None:
        key, _ = create_box(session, shop)
        create_template(session, shop)
        spool = Spool(tmp_path / "spool")
        for n in range(3):
            spool.add_job(receipt(f"C-{n}"))
        away = Uploader(spool, StoreClient("http://127.0.0.1:9", key, timeout=1.0))
        with pytest.raises(Unreachable):
            away.drain()
        assert len(Spool(tmp_path / "spool").pending()) == 3  # still there after a restart
        back = Uploader(Spool(tmp_path / "spool"), StoreClient("http://testserver", key, http=client))
        assert back.drain() == 3
        assert [o.order_no for o in _orders(session, shop.id)] == [f"CAP{shop.id}-C-{n}" for n in range(3)]

    def test_same_receipt_uploaded_twice_is_one_job_and_one_sale(
        self, session: Session, client: TestClient, shop
    ) -> None:
        key, _ = create_box(session, shop)
        create_template(session, shop)
        body = job_in(receipt("D-1")).model_dump(mode="json")
        first = client.post("/api/v1/capture/jobs", json=body, headers={"X-Device-Key": key})
        again = client.post("/api/v1/capture/jobs", json=body, headers={"X-Device-Key": key})
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert first.json()["status"] == "posted"  # the box had not posted it: the store did, once
        assert len(_orders(session, shop.id)) == 1

    def test_damaged_upload_is_refused_with_a_reason(self, session: Session, client: TestClient, shop) -> None:
        key, _ = create_box(session, shop)
        body = job_in(receipt("E-1")).model_dump(mode="json")
        body["sha256"] = "0" * 64
        response = client.post("/api/v1/capture/jobs", json=body, headers={"X-Device-Key": key})
        assert response.status_code == 400
        assert "sha256 does not match" in response.json()["detail"]
