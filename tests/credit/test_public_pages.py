"""The phone pages a credit QR code opens, and the public complaint form."""

from __future__ import annotations

import pytest
from sqlmodel import select

from store import signed_codes
from store.credit import codes
from store.credit.models import CreditComplaint, CreditComplaintPhoto, CreditScan
from store.ratelimit import RateLimitCounter
from tests.factories.credit import credit_world, png_bytes, rating_token, solve


@pytest.fixture
def world(session):
    return credit_world(session)


def _complaints(session) -> list[CreditComplaint]:
    session.expire_all()
    return list(session.exec(select(CreditComplaint)))


def _post(client, code: str, *, data: dict, files=None):
    form = client.get(f"/kiosk/q/{code}/complaint")
    assert form.status_code == 200
    return client.post(
        f"/kiosk/q/{code}/complaint", data={**solve(form.text), **data}, files=files, follow_redirects=False
    )


class TestShopPage:
    def test_a_genuine_code_shows_the_shop_its_unit_and_rating(self, client, world):
        page = client.get(f"/kiosk/q/{world.qr.code}")
        assert page.status_code == 200
        assert world.shop.name in page.text and "2F-001" in page.text
        assert "rating-A" in page.text and "100" in page.text

    def test_a_tampered_signature_is_refused_and_nothing_is_recorded(self, client, session, world):
        body, kid, sig = world.qr.code.split(".")
        flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
        page = client.get(f"/kiosk/q/{body}.{kid}.{flipped}")
        assert page.status_code == 400
        assert "无效" in page.text or "not valid" in page.text
        assert list(session.exec(select(CreditScan))) == []

    def test_an_altered_payload_is_refused(self, client, world):
        body, kid, sig = world.qr.code.split(".")
        payload = signed_codes.unverified_payload(world.qr.code)
        payload[1] = world.neighbour.id
        forged = signed_codes._b64encode(__import__("json").dumps(payload, separators=(",", ":")).encode())
        assert client.get(f"/kiosk/q/{forged}.{kid}.{sig}").status_code == 400

    def test_an_old_version_still_leads_to_the_shop_but_says_superseded(self, client, session, world):
        codes.issue(session, world.store.id, world.shop.id)
        page = client.get(f"/kiosk/q/{world.qr.code}")
        assert page.status_code == 200
        assert world.shop.name in page.text
        assert "已被新码取代" in page.text

    def test_english_on_request(self, client, world):
        page = client.get(f"/kiosk/q/{world.qr.code}?lang=en")
        assert "Why this rating" in page.text and "File a complaint" in page.text


class TestComplaintForm:
    def test_a_complaint_gets_a_tracking_number(self, client, session, world):
        response = _post(client, world.qr.code, data={"text": "菜里有头发，店员拒绝更换", "phone": "13812345678"})
        assert response.status_code == 303
        tracking = _complaints(session)[0].tracking_no
        assert response.headers["location"] == f"/kiosk/complaints/{tracking}?new=1"
        status = client.get(response.headers["location"])
        assert tracking in status.text and "138****5678" in status.text and "13812345678" not in status.text

    def test_a_photo_is_kept_with_its_type_read_from_the_bytes(self, client, session, world):
        files = [("photos", ("shot.jpg", png_bytes(), "image/jpeg"))]
        response = _post(client, world.qr.code, data={"text": "价签与收银不一致"}, files=files)
        assert response.status_code == 303
        photo = session.exec(select(CreditComplaintPhoto)).one()
        assert photo.content_type == "image/png"

    @pytest.mark.parametrize(
        ("data", "files", "message"),
        [
            ({"text": "   "}, None, "至少"),
            ({"text": "收银多收了钱", "phone": "12345"}, None, "11 位"),
            ({"text": "多收钱了多收钱了"}, [("photos", ("a.jpg", b"MZ\x90\x00 not an image", "image/jpeg"))], "JPEG"),
            (
                {"text": "多收钱了多收钱了"},
                [("photos", ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "image/png"))],
                "2 MB",
            ),
        ],
        ids=["empty", "bad-phone", "not-an-image", "oversized"],
    )
    def test_bad_input_is_refused_beside_the_form_and_nothing_is_stored(
        self, client, session, world, data, files, message
    ):
        response = _post(client, world.qr.code, data=data, files=files)
        assert response.status_code == 400
        assert message in response.text
        assert _complaints(session) == []
        assert list(session.exec(select(CreditComplaintPhoto))) == []

    def test_a_post_without_the_forms_token_is_refused(self, client, session, world):
        form = client.get(f"/kiosk/q/{world.qr.code}/complaint")
        data = {**solve(form.text), "text": "收银多收了十元钱", "csrf_token": "forged"}
        response = client.post(f"/kiosk/q/{world.qr.code}/complaint", data=data)
        assert response.status_code == 403 and "表单已过期" in response.text
        assert _complaints(session) == []

    def test_a_wrong_answer_to_the_check_question_is_refused(self, client, session, world):
        form = client.get(f"/kiosk/q/{world.qr.code}/complaint")
        data = {**solve(form.text), "text": "多收钱了多收钱了"}
        data["answer"] = str(int(data["answer"]) + 1)
        response = client.post(f"/kiosk/q/{world.qr.code}/complaint", data=data)
        assert response.status_code == 400
        assert _complaints(session) == []

    def test_flooding_from_one_device_is_refused_with_a_clear_message(self, client, session, world):
        statuses = [_post(client, world.qr.code, data={"text": f"第{n}次投诉：多收钱了"}).status_code for n in range(7)]
        assert statuses[:5] == [303] * 5
        assert statuses[5:] == [429, 429]
        last = _post(client, world.qr.code, data={"text": "再来一次多收钱了"})
        assert "投诉过于频繁" in last.text and "Retry-After" in last.headers
        assert len(_complaints(session)) == 5
        assert session.exec(select(RateLimitCounter)).first() is not None

    def test_one_phone_is_limited_even_from_many_devices(self, client, session, world, monkeypatch):
        statuses = []
        for n in range(5):
            monkeypatch.setattr("kiosk.credit.client_address", lambda _r, n=n: f"10.0.0.{n}")
            statuses.append(
                _post(client, world.qr.code, data={"text": "多收钱了多收钱了", "phone": "13912345678"}).status_code
            )
        assert statuses == [303, 303, 303, 429, 429]


class TestTracking:
    def test_an_unknown_tracking_number_is_not_found(self, client, world):
        assert client.get("/kiosk/complaints/TS0000000000").status_code == 404
        assert client.get("/kiosk/complaints/nonsense").status_code == 404

    def test_rules_page_lists_every_rule(self, client, world):
        page = client.get("/kiosk/credit/rules")
        assert page.status_code == 200
        assert "检查不合格" in page.text and "-10" in page.text


class TestFollowingAComplaint:
    def test_an_overdue_complaint_offers_the_12315_route_with_details_to_copy(self, client, session, world):
        from datetime import timedelta

        from store.credit import service
        from tests.factories.credit import file_complaint

        service.update_profile(
            session,
            world.store.id,
            world.shop.id,
            licence_no="91310101MA1FL0ABCD",
            licence_name="某餐饮管理有限公司",
            contact_name="",
            rent_late_months=0,
        )
        complaint = file_complaint(session, world.shop, text="菜里有异物，店员不处理")
        assert "12315" not in client.get(f"/kiosk/complaints/{complaint.tracking_no}").text
        complaint.due_at = complaint.filed_at - timedelta(minutes=1)
        session.add(complaint)
        session.flush()
        page = client.get(f"/kiosk/complaints/{complaint.tracking_no}")
        assert "12315" in page.text
        assert "某餐饮管理有限公司" in page.text and complaint.tracking_no in page.text and "菜里有异物" in page.text
        assert "91310101MA1FL0ABCD" not in page.text

    def test_the_result_is_rated_once_and_only_once_closed(self, client, session, world):
        from tests.factories.credit import file_complaint

        complaint = file_complaint(session, world.shop)
        url = f"/kiosk/complaints/{complaint.tracking_no}/rating"
        token = signed_codes.sign("kiosk-form", url, max_age=__import__("datetime").timedelta(hours=1))

        def rate(value: str):
            return client.post(url, data={"satisfaction": value, "csrf_token": token}, follow_redirects=False)

        assert rate("5").status_code == 409
        complaint.status, complaint.closed_at = "resolved", complaint.filed_at
        session.add(complaint)
        session.flush()
        token = rating_token(client, complaint.tracking_no)
        no_token = client.post(url, data={"satisfaction": "4"}, follow_redirects=False)
        assert no_token.status_code == 403 and "表单已过期" in no_token.text
        assert rate("9").status_code == 400
        assert rate("4").status_code == 303
        again = rate("1")
        assert again.status_code == 409 and "已评价" in again.text
        session.expire_all()
        assert session.get(CreditComplaint, complaint.id).satisfaction == 4
