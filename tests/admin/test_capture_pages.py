"""Receipt capture pages: boxes and alerts, a template tested live against a pasted receipt, the review queue."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.capture import monitor
from store.capture import service as capture_service
from store.capture.templates import ZH_BASIC
from store.clock import utcnow
from tests.admin.conftest import Premises, field_error, sign_in
from tests.factories.capture import create_box, create_template, fixture_bytes, job_in, receipt

PASTED = "单号: Z-9\n时间: 2026-11-30 10:00:00\n纯棉T恤    2   99.00   198.00\n合计: 198.00\n微信支付: 198.00"


def _form(csrf: str, **extra: str) -> dict[str, str]:
    fields = ZH_BASIC.model_dump(mode="json", exclude={"payment_methods", "refund", "chinese_default"})
    return {"csrf_token": csrf, **fields, "payment_methods": "{}", **extra}


class TestPages:
    def test_boxes_page_shows_a_silent_box_and_its_alert(
        self, client: TestClient, session: Session, premises: Premises
    ):
        shop = premises.shops["1F-001"]
        create_box(session, shop)
        monitor.check(session, premises.store.id, utcnow())
        sign_in(client, session, premises.manager)
        html = client.get("/admin/capture?lang=en").text
        assert "never heard from" in html and "No heartbeat from the box" in html
        assert "采集盒" in client.get("/admin/capture?lang=zh_CN").text

    def test_live_test_reads_a_pasted_receipt(self, client: TestClient, session: Session, premises: Premises):
        csrf = sign_in(client, session, premises.manager)
        html = client.post("/admin/capture/templates?lang=en", data=_form(csrf, action="test", sample=PASTED)).text
        assert "100/100" in html and "Z-9" in html

    def test_a_broken_regular_expression_is_said_beside_its_field(self, client, session, premises):
        csrf = sign_in(client, session, premises.manager)
        response = client.post("/admin/capture/templates", data=_form(csrf, action="test", total="(unclosed"))
        assert response.status_code == 400
        assert "not a regular expression" in field_error(response.text, "total")

    def test_review_queue_shows_the_text_and_why(self, client: TestClient, session: Session, premises: Premises):
        shop = premises.shops["1F-001"]
        _, box = create_box(session, shop)
        create_template(session, shop)
        capture_service.record_job(session, box, job_in(fixture_bytes("hand_raster_only.bin")))
        capture_service.record_job(session, box, job_in(receipt("Q-1").replace("合计".encode("gbk"), b"TOTAL"), seq=2))
        sign_in(client, session, premises.manager)
        html = client.get("/admin/capture/review?lang=en").text
        assert "printed as an image" in html and "the template found no total" in html
        assert "单号: Q-1" in html
        assert "<strong>56</strong>" in client.get("/admin/capture/templates?lang=en").text  # the health score, low
