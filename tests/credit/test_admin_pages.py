"""The credit pages of the back office: overview, shop detail, posters, complaint handling, patrol scans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store.auth.models import Role
from store.credit import codes, service
from store.credit.models import ComplaintStatus, CreditComplaint, CreditScan
from tests.admin.conftest import premises, sign_in, store_today  # noqa: F401  (the fixture)
from tests.factories.auth import create_user
from tests.factories.credit import file_complaint


@pytest.fixture
def shops(premises):  # noqa: F811
    return premises.shops


def _post(client, url: str, data: dict):
    return client.post(url, data=data, follow_redirects=False)


class TestOverviewAndDetail:
    def test_the_overview_shows_the_ratings_and_every_open_shop(self, client, session, premises):  # noqa: F811
        service.recompute_all(session, premises.store.id)
        sign_in(client, session, premises.manager)
        page = client.get("/admin/credit")
        assert page.status_code == 200
        assert "评级分布" in page.text and "1F-002" in page.text

    def test_a_failed_inspection_shows_as_a_reason_linked_to_its_record(self, client, session, premises):  # noqa: F811
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-001"]
        day = (store_today(premises) - timedelta(days=10)).isoformat()
        response = _post(
            client,
            f"/admin/credit/shops/{shop.id}/inspections",
            {"csrf_token": csrf, "inspected_on": day, "result": "failed", "note": "消防通道堆物"},
        )
        assert response.status_code == 303
        page = client.get(f"/admin/credit/shops/{shop.id}")
        assert ">90<" in page.text.replace(" ", "") or "90 / 100" in page.text
        assert "#inspection-" in page.text

    def test_a_bad_licence_number_is_refused_and_nothing_changes(self, client, session, premises):  # noqa: F811
        csrf = sign_in(client, session, premises.manager)
        shop = premises.shops["1F-001"]
        data = {
            "csrf_token": csrf,
            "licence_no": "123",
            "licence_name": "x",
            "contact_name": "",
            "rent_late_months": "0",
        }
        response = _post(client, f"/admin/credit/shops/{shop.id}/profile", data)
        assert response.status_code == 400
        assert "18" in response.text
        assert service.profile(session, premises.store.id, shop.id).licence_no == ""

    def test_posters_come_as_png_and_as_a_pdf_sheet(self, client, session, premises):  # noqa: F811
        sign_in(client, session, premises.manager)
        shop = premises.shops["1F-001"]
        png = client.get(f"/admin/credit/shops/{shop.id}/poster.png")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
        pdf = client.get("/admin/credit/posters.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert len(codes.current_codes(session, premises.store.id)) == 3


class TestComplaintHandling:
    def test_the_officer_resolves_and_the_score_follows(self, client, session, premises):  # noqa: F811
        shop = premises.shops["1F-001"]
        complaint = file_complaint(session, shop)
        csrf = sign_in(client, session, premises.manager)
        base = f"/admin/credit/complaints/{complaint.id}"
        assert (
            _post(
                client, f"{base}/assign", {"csrf_token": csrf, "officer": "周敏", "shop_contact": "王店长"}
            ).status_code
            == 303
        )
        assert _post(client, f"{base}/resolve", {"csrf_token": csrf, "reason": "已退还差价并致歉"}).status_code == 303
        session.expire_all()
        assert session.get(CreditComplaint, complaint.id).status == ComplaintStatus.resolved
        assert service.profile(session, premises.store.id, shop.id).score == 97
        status = client.get(f"/kiosk/complaints/{complaint.tracking_no}")
        assert "已解决" in status.text and "已退还差价并致歉" in status.text

    def test_closing_without_a_reason_is_refused(self, client, session, premises):  # noqa: F811
        complaint = file_complaint(session, premises.shops["1F-001"])
        csrf = sign_in(client, session, premises.manager)
        response = _post(client, f"/admin/credit/complaints/{complaint.id}/reject", {"csrf_token": csrf, "reason": ""})
        assert response.status_code == 400
        session.expire_all()
        assert session.get(CreditComplaint, complaint.id).status == ComplaintStatus.open

    def test_tenant_staff_see_and_answer_only_their_own_shops_complaints(self, client, session, premises):  # noqa: F811
        own = file_complaint(session, premises.shops["1F-001"], text="本店的投诉内容")
        other = file_complaint(session, premises.shops["1F-002"], text="别家的投诉内容")
        csrf = sign_in(client, session, premises.tenant)
        queue = client.get("/admin/credit/complaints")
        assert own.tracking_no in queue.text and other.tracking_no not in queue.text
        assert client.get(f"/admin/credit/complaints/{other.id}").status_code == 404
        refused = _post(
            client, f"/admin/credit/complaints/{other.id}/respond", {"csrf_token": csrf, "response": "不是我们"}
        )
        assert refused.status_code == 404
        assert (
            _post(
                client, f"/admin/credit/complaints/{own.id}/respond", {"csrf_token": csrf, "response": "已联系顾客"}
            ).status_code
            == 303
        )
        assert (
            _post(client, f"/admin/credit/complaints/{own.id}/resolve", {"csrf_token": csrf, "reason": "x"}).status_code
            == 403
        )
        session.expire_all()
        assert session.get(CreditComplaint, other.id).response == ""
        assert session.get(CreditComplaint, own.id).status == ComplaintStatus.responded


class TestPatrolScans:
    def test_a_genuine_code_found_at_another_unit_is_reported_moved(self, client, session, premises):  # noqa: F811
        guard = create_user(session, premises.store, role=Role.security, username="guard-chen")
        a, b = premises.shops["1F-001"], premises.shops["1F-002"]
        qr = codes.issue(session, premises.store.id, a.id)
        csrf = sign_in(client, session, guard)
        response = _post(
            client,
            "/admin/credit/scans",
            {"csrf_token": csrf, "shop_id": str(b.id), "code": f"https://x/kiosk/q/{qr.code}"},
        )
        assert response.status_code == 303 and response.headers["location"].endswith("result=moved")
        page = client.get("/admin/credit/scans")
        assert "1F-002" in page.text and "码被移位" in page.text
        assert session.exec(select(CreditScan)).one().outcome == "moved"


class TestIsolation:
    def test_another_stores_manager_cannot_open_or_answer_a_complaint(self, client, session, premises):  # noqa: F811
        from tests.factories.premises import create_floor, create_shop, create_store

        other = create_store(session)
        foreign = file_complaint(session, create_shop(session, other, create_floor(session, other)))
        csrf = sign_in(client, session, premises.manager)
        assert client.get(f"/admin/credit/complaints/{foreign.id}").status_code == 404
        assert (
            _post(
                client, f"/admin/credit/complaints/{foreign.id}/resolve", {"csrf_token": csrf, "reason": "x"}
            ).status_code
            == 404
        )
        assert foreign.tracking_no not in client.get("/admin/credit/complaints?status=all").text
        session.expire_all()
        assert session.get(CreditComplaint, foreign.id).status == ComplaintStatus.open

    def test_a_tenant_cannot_see_another_shops_photo(self, client, session, premises):  # noqa: F811
        from store.credit import complaints
        from tests.factories.credit import png_bytes

        other = complaints.file(
            session,
            premises.store.id,
            premises.shops["1F-002"].id,
            text="别家的投诉内容",
            phone="",
            photos=[complaints.Photo("image/png", png_bytes())],
        )
        photo = complaints.photos(session, other)[0]
        sign_in(client, session, premises.tenant)
        assert client.get(f"/admin/credit/complaints/{other.id}/photos/{photo.id}").status_code == 404
        sign_in(client, session, premises.manager)
        shown = client.get(f"/admin/credit/complaints/{other.id}/photos/{photo.id}")
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
