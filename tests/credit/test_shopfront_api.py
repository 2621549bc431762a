"""The shopfront photo on the public page (uploaded in the admin, checked, served as our own JPEG), the credit
JSON API (staff, tenant, public), and codes reissued as soon as a shop's printed details change."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from store.auth.models import Role
from store.credit import codes, service, shopfront
from store.credit.models import CreditShopfront
from store.premises import service as premises_service
from store.premises.schemas import ShopUpdate
from tests.admin.conftest import premises, sign_in  # noqa: F401  (the fixture)
from tests.factories.auth import create_user, headers_for
from tests.factories.credit import credit_world, png_bytes

API = "/api/v1/credit"


@pytest.fixture
def world(session):
    return credit_world(session)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS: where the photographer stood
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _stored(session) -> list[CreditShopfront]:
    session.expire_all()
    return list(session.exec(select(CreditShopfront)))


class TestShopfrontPhoto:
    def test_an_uploaded_photo_shows_on_the_public_page_without_its_metadata(
        self,
        client,
        session,
        premises,  # noqa: F811
    ):
        shop = premises.shops["1F-001"]
        qr = codes.issue(session, premises.store.id, shop.id)
        csrf = sign_in(client, session, premises.manager)
        original = _jpeg_with_gps()
        assert b"PhoneMaker" in original
        sent = client.post(
            f"/admin/credit/shops/{shop.id}/shopfront",
            data={"csrf_token": csrf},
            files={"photo": ("front.jpg", original, "image/jpeg")},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        page = client.get(f"/kiosk/q/{qr.code}")
        assert f"/kiosk/q/{qr.code}/shopfront.jpg?v=" in page.text
        photo = client.get(f"/kiosk/q/{qr.code}/shopfront.jpg")
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
        assert photo.headers["x-content-type-options"] == "nosniff"
        assert b"PhoneMaker" not in photo.content and b"Exif" not in photo.content
        with Image.open(io.BytesIO(photo.content)) as served:
            assert served.size == (640, 480)

    @pytest.mark.parametrize(
        ("name", "data", "why"),
        [
            ("notes.jpg", b"<script>alert(1)</script>" * 10, "只接受 JPEG、PNG 或 WebP"),
            ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "不是可读取的图片"),
            ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (shopfront.MAX_BYTES + 1), "不得超过 5 MB"),
        ],
    )
    def test_a_bad_upload_is_refused_with_a_reason_and_nothing_stored(
        self,
        client,
        session,
        premises,  # noqa: F811
        name,
        data,
        why,
    ):
        shop = premises.shops["1F-001"]
        csrf = sign_in(client, session, premises.manager)
        refused = client.post(
            f"/admin/credit/shops/{shop.id}/shopfront",
            data={"csrf_token": csrf},
            files={"photo": (name, data, "image/jpeg")},
        )
        assert refused.status_code == 400 and why in refused.text
        assert _stored(session) == []

    def test_a_decompression_bomb_is_refused(self, session, world):
        bomb = png_bytes((8000, 6000))  # 48 million pixels in a few kilobytes
        with pytest.raises(Exception, match="million pixels"):
            shopfront.set_photo(session, world.store.id, world.shop.id, bomb, uploaded_by="m")

    def test_a_shop_without_a_photo_answers_404(self, client, world):
        assert client.get(f"/kiosk/q/{world.qr.code}/shopfront.jpg").status_code == 404


class TestCreditApi:
    def test_staff_list_every_open_shop_and_a_tenant_only_its_own(self, client, session, world):
        manager = headers_for(session, create_user(session, world.store))
        rows = client.get(f"{API}/shops", headers=manager).json()
        assert {r["unit"] for r in rows} == {"2F-001", "2F-002"} and {r["rating"] for r in rows} == {"A"}
        tenant = headers_for(session, create_user(session, world.store, role=Role.tenant, shop=world.neighbour))
        assert [r["unit"] for r in client.get(f"{API}/shops", headers=tenant).json()] == ["2F-002"]
        refused = client.get(f"{API}/shops/{world.shop.id}", headers=tenant)
        assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"

    def test_the_detail_gives_the_reasons_with_their_records_and_the_current_code(self, client, session, world):
        service.update_profile(
            session,
            world.store.id,
            world.shop.id,
            licence_no="91310101MA1FPX5678",
            licence_name="某某餐饮有限公司",
            contact_name="张三",
            rent_late_months=2,
        )
        body = client.get(
            f"{API}/shops/{world.shop.id}", headers=headers_for(session, create_user(session, world.store))
        ).json()
        assert body["licence_no"] == "91310101MA1FPX5678" and body["score"] < 100
        assert any(r["record_kind"] == "profile" and r["points"] < 0 for r in body["reasons"])
        assert body["code"]["version"] == 1 and body["code"]["page"] == f"/kiosk/q/{world.qr.code}"

    def test_the_public_json_is_what_the_scan_shows_and_a_tampered_code_is_refused(self, client, session, world):
        service.update_profile(
            session,
            world.store.id,
            world.shop.id,
            licence_no="91310101MA1FPX5678",
            licence_name="某某餐饮有限公司",
            contact_name="张三",
            rent_late_months=0,
        )
        body = client.get(f"{API}/public/{world.qr.code}").json()
        assert (body["outcome"], body["unit"], body["rating"]) == ("valid", "2F-001", "A")
        assert body["licence_no"] == "91310101*****X5678" and "张三" not in str(body)
        assert body["complaint"] == f"/kiosk/q/{world.qr.code}/complaint"
        tampered = world.qr.code[:-2] + ("AA" if not world.qr.code.endswith("AA") else "BB")
        refused = client.get(f"{API}/public/{tampered}")
        assert refused.status_code == 400 and refused.json()["type"].endswith("code-invalid")


class TestReissueOnEdit:
    def test_renaming_or_moving_a_shop_prints_a_new_version_and_the_old_says_superseded(self, session, world):
        store_id, shop_id = world.store.id, world.shop.id
        premises_service.update_shop(session, store_id, shop_id, ShopUpdate(name="新名字餐厅"))
        current = codes.current_codes(session, store_id)[shop_id]
        assert current.version == 2
        assert codes.verify(session, world.qr.code).outcome.value == "superseded"
        premises_service.update_shop(session, store_id, shop_id, ShopUpdate(selling_area_m2=99.0))
        assert codes.current_codes(session, store_id)[shop_id].version == 2  # the poster does not print the area

    def test_a_manager_renaming_a_shop_through_the_api_gets_a_new_code(self, client, session, world):
        headers = headers_for(session, create_user(session, world.store))
        response = client.patch(f"/api/v1/premises/shops/{world.shop.id}", headers=headers, json={"name": "改名了"})
        assert response.status_code == 200
        assert codes.current_codes(session, world.store.id)[world.shop.id].version == 2
