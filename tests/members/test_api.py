"""The mini-program's member API and the tills' code check, through HTTP, as a member and a till see them."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, func, select

from store.auth.models import DeviceKind
from store.members import codes, service
from store.members.models import Member, MemberConsent, MemberOtp, MemberToken, SmsOutbox
from store.sales.models import Order
from tests.factories.members import create_member, member_tokens
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_order, create_till

API = "/api/v1/members"
PHONE = "13812345678"


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def shop(session, store):
    return create_shop(session, store, create_floor(session, store))


def last_code(session) -> str:
    body = session.exec(select(SmsOutbox.body).order_by(col(SmsOutbox.id).desc())).first()
    return re.search(r"\d{6}", body).group(0)


def sign_in(client, session, store, phone=PHONE) -> dict:
    sent = client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": phone})
    assert sent.status_code == 202, sent.text
    response = client.post(f"{API}/sign-in", json={"store_id": store.id, "phone": phone, "code": last_code(session)})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


class TestSignIn:
    def test_first_sign_in_creates_a_basic_member_known_only_by_a_masked_phone(self, client, session, store):
        tokens = sign_in(client, session, store, phone="+86 138-1234-5678")
        assert tokens["new_member"] is True
        me = client.get(f"{API}/me", headers=bearer(tokens)).json()
        assert (me["phone_masked"], me["tier"], me["tier_name"]) == ("138****5678", "basic", "普卡")
        member = session.exec(select(Member).where(Member.member_no == tokens["member_no"])).one()
        stored = " ".join(str(v) for v in member.model_dump().values())
        assert PHONE not in stored  # a keyed hash and the masked form only
        outbox = session.exec(select(SmsOutbox)).one()
        assert outbox.phone_masked == "138****5678" and PHONE not in outbox.body

    def test_the_second_sign_in_finds_the_same_member(self, client, session, store):
        first = sign_in(client, session, store)
        session.exec(select(MemberOtp)).one().created_at -= __import__("datetime").timedelta(minutes=2)
        second = sign_in(client, session, store)
        assert second["new_member"] is False and second["member_no"] == first["member_no"]

    def test_a_wrong_code_is_refused_and_counted_and_five_wrong_tries_spend_the_code(self, client, session, store):
        client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": PHONE})
        good = last_code(session)
        wrong = "000000" if good != "000000" else "111111"
        for _ in range(5):
            refused = client.post(f"{API}/sign-in", json={"store_id": store.id, "phone": PHONE, "code": wrong})
            assert refused.status_code == 400
            assert refused.json()["type"].endswith("/sign-in-code-invalid")
        late = client.post(f"{API}/sign-in", json={"store_id": store.id, "phone": PHONE, "code": good})
        assert late.status_code == 400
        assert session.exec(select(func.count()).select_from(Member)).one() == 0

    def test_a_second_code_within_a_minute_is_refused(self, client, session, store):
        client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": PHONE})
        again = client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": PHONE})
        assert again.status_code == 429 and again.headers["Retry-After"] == "60"

    def test_one_address_asking_codes_for_many_phones_is_refused_past_its_hourly_limit(self, client, session, store):
        phones = [f"1391234{n:04d}" for n in range(service.CODES_PER_ADDRESS_PER_HOUR + 1)]
        answers = [client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": p}) for p in phones]
        assert [a.status_code for a in answers[:-1]] == [202] * service.CODES_PER_ADDRESS_PER_HOUR
        assert answers[-1].status_code == 429 and int(answers[-1].headers["Retry-After"]) > 0
        assert session.exec(select(func.count()).select_from(SmsOutbox)).one() == service.CODES_PER_ADDRESS_PER_HOUR

    @pytest.mark.parametrize("phone", ["12345678901", "1381234567", "138123456789", "phone-number"])
    def test_a_number_that_is_no_mainland_mobile_is_refused(self, client, session, store, phone):
        response = client.post(f"{API}/sign-in/code", json={"store_id": store.id, "phone": phone})
        assert response.status_code in (400, 422)
        assert session.exec(select(func.count()).select_from(SmsOutbox)).one() == 0


class TestTokens:
    def test_after_logout_the_access_and_refresh_tokens_are_refused(self, client, session, store):
        tokens = sign_in(client, session, store)
        assert client.post(f"{API}/logout", headers=bearer(tokens)).status_code == 204
        after = client.get(f"{API}/me", headers=bearer(tokens))
        assert after.status_code == 401 and after.json()["type"].endswith("/member-token-invalid")
        refresh = client.post(f"{API}/token/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refresh.status_code == 401

    def test_refresh_rotates_and_a_reused_refresh_token_ends_the_sign_in(self, client, session, store):
        tokens = sign_in(client, session, store)
        fresh = client.post(f"{API}/token/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
        assert client.get(f"{API}/me", headers=bearer(fresh)).status_code == 200
        assert client.get(f"{API}/me", headers=bearer(tokens)).status_code == 401  # the old access token
        stolen = client.post(f"{API}/token/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert stolen.status_code == 401
        assert client.get(f"{API}/me", headers=bearer(fresh)).status_code == 401  # the whole sign-in is revoked

    def test_an_expired_access_token_is_refused(self, client, session, store):
        member = create_member(session, store)
        pair = member_tokens(session, member)
        row = session.exec(select(MemberToken).where(MemberToken.kind == "access")).one()
        row.expires_at = row.created_at
        assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {pair.access_token}"}).status_code == 401

    def test_a_staff_route_refuses_a_member_token(self, client, session, store):
        pair = member_tokens(session, create_member(session, store))
        headers = {"Authorization": f"Bearer {pair.access_token}"}
        assert client.get("/api/v1/sales/orders", headers=headers).status_code == 401


class TestCardAndCode:
    def test_the_card_shows_an_18_digit_code_and_the_qr_images(self, client, session, store):
        tokens = sign_in(client, session, store)
        card = client.get(f"{API}/me/card", headers=bearer(tokens)).json()
        assert len(card["code"]) == 18 and 0 < card["refresh_after_s"] <= 30
        png = client.get(f"{API}/me/code.png", headers=bearer(tokens))
        svg = client.get(f"{API}/me/code.svg", headers=bearer(tokens))
        assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
        assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
        assert png.headers["cache-control"] == "no-store"

    def test_a_till_verifies_a_code_once_and_learns_no_secret(self, client, session, store, shop):
        tokens = sign_in(client, session, store)
        code = client.get(f"{API}/me/card", headers=bearer(tokens)).json()["code"]
        key, _till = create_till(session, shop)
        till = {"X-Device-Key": key}
        answer = client.post(f"{API}/codes/verify", json={"code": code}, headers=till)
        assert answer.status_code == 200, answer.text
        assert set(answer.json()) == {"member_id", "member_no", "phone_masked", "tier", "tier_name", "points_balance"}
        assert answer.json()["phone_masked"] == "138****5678"
        again = client.post(f"{API}/codes/verify", json={"code": code}, headers=till)
        assert again.status_code == 409 and again.json()["type"].endswith("/member-code-used")

    def test_a_till_of_another_store_is_told_so(self, client, session, store):
        member = create_member(session, store)
        other = create_store(session)
        key, _ = create_till(session, create_shop(session, other, create_floor(session, other)))
        code = codes.current_code(member).digits
        answer = client.post(f"{API}/codes/verify", json={"code": code}, headers={"X-Device-Key": key})
        assert answer.status_code == 403 and answer.json()["type"].endswith("/member-code-other-store")
        session.refresh(member)
        assert member.code_last_step == 0

    @pytest.mark.parametrize("code", ["abc", "8" + "0" * 17, "812345678912345678"])
    def test_a_bad_code_is_a_clear_refusal(self, client, session, store, shop, code):
        key, _ = create_till(session, shop)
        answer = client.post(f"{API}/codes/verify", json={"code": code}, headers={"X-Device-Key": key})
        assert answer.status_code == 400 and answer.json()["type"].endswith("/member-code-invalid")

    def test_a_till_gets_a_snapshot_with_public_keys_and_members_but_no_secret(self, client, session, store, shop):
        from store.clock import utcnow
        from store.config import get_settings

        members = [create_member(session, store) for _ in range(3)]
        key, _ = create_till(session, shop)
        page = client.get(f"{API}/codes/offline-snapshot", params={"limit": 2}, headers={"X-Device-Key": key})
        assert page.status_code == 200, page.text
        snap = page.json()
        assert [m["member_id"] for m in snap["members"]] == [m.id for m in members[:2]]
        rest = client.get(
            f"{API}/codes/offline-snapshot", params={"after_id": snap["next_after_id"]}, headers={"X-Device-Key": key}
        ).json()
        assert [m["member_id"] for m in rest["members"]] == [members[2].id] and rest["next_after_id"] is None
        cached = {k["period"]: bytes.fromhex(k["public_key"]) for k in snap["keys"]}
        card = client.get(f"{API}/me/card", headers=bearer_of(session, members[0])).json()
        assert codes.check_signed_offline(cached, store.id, card["qr_payload"], utcnow())[0] == members[0].id
        text = page.text
        secret = get_settings().secret_key
        weekly = [codes.store_key(store.id, p).hex() for p in cached]
        assert secret not in text and not any(w in text for w in weekly)
        kiosk, _ = create_till(session, shop, kind=DeviceKind.kiosk)
        assert client.get(f"{API}/codes/offline-snapshot", headers={"X-Device-Key": kiosk}).status_code == 403


def bearer_of(session, member) -> dict[str, str]:
    tokens = member_tokens(session, member)
    session.commit()
    return {"Authorization": f"Bearer {tokens.access_token}"}


class TestMyData:
    def test_my_orders_are_mine_only(self, client, session, store, shop):
        me = create_member(session, store)
        other = create_member(session, store)
        mine = create_order(session, shop, member_id=me.id)
        create_order(session, shop, member_id=other.id)
        create_order(session, shop)
        headers = {"Authorization": f"Bearer {member_tokens(session, me).access_token}"}
        page = client.get(f"{API}/me/orders", headers=headers).json()
        assert [o["id"] for o in page["items"]] == [mine.id] and page["total"] == 1

    def test_withdrawing_marketing_consent_blocks_contact_at_once(self, client, session, store):
        tokens = sign_in(client, session, store)
        member = session.exec(select(Member)).one()
        assert service.may_contact(session, member, "marketing_push") is False  # never asked: no
        put = client.put(
            f"{API}/me/consents/marketing_push",
            json={"granted": True, "text_version": "2026-01"},
            headers=bearer(tokens),
        )
        assert {c["purpose"]: c["granted"] for c in put.json()}["marketing_push"] is True
        assert service.may_contact(session, member, "marketing_push") is True
        assert service.may_contact(session, member, "brand_sharing") is False  # its own purpose (PIPL art. 23)
        client.put(
            f"{API}/me/consents/marketing_push",
            json={"granted": False, "text_version": "2026-01"},
            headers=bearer(tokens),
        )
        assert service.may_contact(session, member, "marketing_push") is False
        history = session.exec(select(MemberConsent.granted).order_by(col(MemberConsent.id))).all()
        assert history == [True, False]  # both decisions kept, with time and text version

    def test_an_unknown_purpose_changes_nothing(self, client, session, store):
        tokens = sign_in(client, session, store)
        response = client.put(
            f"{API}/me/consents/selling_my_data", json={"granted": True, "text_version": "1"}, headers=bearer(tokens)
        )
        assert response.status_code == 400 and response.json()["type"].endswith("/unknown-consent-purpose")
        assert session.exec(select(func.count()).select_from(MemberConsent)).one() == 0

    def test_export_holds_my_profile_consents_and_orders(self, client, session, store, shop):
        tokens = sign_in(client, session, store)
        member = session.exec(select(Member)).one()
        create_order(session, shop, member_id=member.id)
        client.put(f"{API}/me/consents/profiling", json={"granted": True, "text_version": "v3"}, headers=bearer(tokens))
        data = client.get(f"{API}/me/export", headers=bearer(tokens)).json()
        assert data["profile"]["phone_masked"] == "138****5678"
        assert [c["text_version"] for c in data["consents"]] == ["v3"]
        assert len(data["orders"]) == 1 and data["orders"][0]["lines"]
        assert PHONE not in str(data)

    def test_deleting_my_account_erases_me_and_keeps_the_sales_without_identity(self, client, session, store, shop):
        tokens = sign_in(client, session, store)
        member = session.exec(select(Member)).one()
        order = create_order(session, shop, member_id=member.id)
        assert client.delete(f"{API}/me", headers=bearer(tokens)).status_code == 204
        session.refresh(member)
        assert (member.phone_hash, member.phone_masked, member.status) == (None, "", "erased")
        assert session.get(Order, order.id).total_fen == order.total_fen  # the books keep the sale
        assert client.get(f"{API}/me", headers=bearer(tokens)).status_code == 401
        assert session.exec(select(func.count()).select_from(SmsOutbox)).one() == 0
        again = sign_in(client, session, store)  # the same phone later is a new member
        assert again["new_member"] is True and again["member_no"] != member.member_no

    def test_my_coupons_page_is_ready_and_empty(self, client, session, store):
        tokens = sign_in(client, session, store)
        page = client.get(f"{API}/me/coupons", headers=bearer(tokens)).json()
        assert page["items"] == [] and page["total"] == 0 and "marketing" in page["note"]
