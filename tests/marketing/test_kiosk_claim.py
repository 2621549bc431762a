"""Issue 16 (1): a kiosk claim QR opens the phone page of the promotion's coupon; a signed-in member claims it
(channel ``kiosk``) within the per-member limit and the total quantity; a sold-out, ended or not yet started
coupon is refused with a readable sentence and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from store import signed_codes
from store.catalog import service as catalog_service
from store.catalog.schemas import PriceChannel, PromotionCreate
from store.clock import utcnow
from store.marketing import service
from store.marketing.errors import PromotionUnknown
from store.marketing.models import Campaign, CouponIssue
from store.marketing.schemas import CampaignCreate
from store.premises import service as premises_service
from tests.factories.marketing import consenting_member, create_coupon
from tests.factories.members import member_tokens
from tests.factories.premises import create_store


@pytest.fixture
def store(session: Session):
    store = create_store(session)
    if premises_service.default_store(session).id != store.id:
        pytest.skip("another store was committed earlier in this database")
    return store


@pytest.fixture
def promotion(session: Session, store):
    now = utcnow()
    data = PromotionCreate(  # type: ignore[call-arg]
        name="秋季美妆节",
        channel=PriceChannel.offline,
        percent_off=20,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=5),
        category=None,
        sku=None,
    )
    return catalog_service.add_promotion(session, store.id, data)


@pytest.fixture
def campaign(session: Session, store, promotion) -> Campaign:
    today = utcnow().date()
    data = CampaignCreate(
        name="秋季美妆节 领券",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=10),
        channels=["kiosk"],  # type: ignore[list-item]
        promotion_id=promotion.id,
    )
    return service.create_campaign(session, store.id, data)


def link(store, promotion) -> str:
    code = signed_codes.sign("kiosk-claim", {"p": promotion.id, "s": store.id}, max_age=timedelta(minutes=10))
    return "/kiosk/m/claim?c=" + code


def issued(session: Session) -> int:
    return session.exec(select(func.count()).select_from(CouponIssue)).one()


class TestClaimPage:
    def test_the_page_offers_the_linked_coupon_with_its_terms(
        self, client: TestClient, session, store, promotion, campaign
    ):
        coupon = create_coupon(session, campaign, threshold_fen=20_000, amount_off_fen=3_000, total_quantity=5)
        response = client.get(link(store, promotion))
        assert response.status_code == 200
        html = response.text
        assert "秋季美妆节" in html and 'id="claim-form"' in html and f'data-coupon="{coupon.id}"' in html
        assert "满 ¥200 减 ¥30" in html and "剩余 5 张" in html and "/kiosk/static/coupon-claim.js" in html

    def test_english_on_request(self, client: TestClient, session, store, promotion, campaign):
        create_coupon(session, campaign)
        html = client.get(link(store, promotion) + "&lang=en").text
        assert "Claim coupon" in html and '<html lang="en">' in html

    def test_a_promotion_without_a_coupon_applies_at_the_till(self, client: TestClient, store, promotion):
        html = client.get(link(store, promotion)).text
        assert "无需领券" in html and 'id="claim-status"' in html and "claim-form" not in html

    def test_sold_out_ended_and_not_started_are_said_without_a_form(
        self, client: TestClient, session, store, promotion, campaign
    ):
        coupon = create_coupon(session, campaign, total_quantity=1)
        service.claim(session, store.id, consenting_member(session, store).id, coupon.id, channel="kiosk")
        response = client.get(link(store, promotion))
        assert response.status_code == 409 and "此券已被领完" in response.text and "claim-form" not in response.text
        coupon.valid_until = utcnow() - timedelta(hours=1)
        coupon.valid_from = utcnow() - timedelta(days=2)
        session.add(coupon)
        session.flush()
        response = client.get(link(store, promotion))
        assert response.status_code == 400 and "此券已过有效期" in response.text
        coupon.valid_from, coupon.valid_until = utcnow() + timedelta(days=1), utcnow() + timedelta(days=3)
        session.add(coupon)
        session.flush()
        response = client.get(link(store, promotion))
        assert response.status_code == 400 and "起可领取" in response.text

    def test_an_expired_qr_is_refused_by_the_kiosk(self, client: TestClient, store, promotion, campaign):
        code = signed_codes.sign(
            "kiosk-claim",
            {"p": promotion.id, "s": store.id},
            max_age=timedelta(minutes=10),
            now=utcnow() - timedelta(minutes=11),
        )
        response = client.get("/kiosk/m/claim", params={"c": code})
        assert response.status_code == 400 and "二维码已过期" in response.text


class TestClaimThroughTheApi:
    """What the page's script does: the member's token claims on channel ``kiosk``."""

    def test_one_claim_per_member_then_refused_and_nothing_more_written(
        self, client: TestClient, session, store, promotion, campaign
    ):
        coupon = create_coupon(session, campaign, total_quantity=5)
        member = consenting_member(session, store)
        headers = {"Authorization": f"Bearer {member_tokens(session, member).access_token}"}
        url = f"/api/v1/marketing/coupons/{coupon.id}/claim"
        first = client.post(url, json={"channel": "kiosk"}, headers=headers)
        assert first.status_code == 201 and first.json()["channel"] == "kiosk"
        again = client.post(url, json={"channel": "kiosk"}, headers=headers)
        assert again.status_code == 409 and again.json()["type"].endswith("coupon-member-limit")
        assert issued(session) == 1
        assert "剩余 4 张" in client.get(link(store, promotion)).text

    def test_without_a_member_token_nothing_is_claimed(self, client: TestClient, session, store, promotion, campaign):
        coupon = create_coupon(session, campaign)
        response = client.post(f"/api/v1/marketing/coupons/{coupon.id}/claim", json={"channel": "kiosk"})
        assert response.status_code == 401 and issued(session) == 0


class TestPromotionLink:
    def test_a_campaign_naming_another_stores_promotion_is_refused(self, session, store):
        before = session.exec(select(func.count()).select_from(Campaign)).one()
        today = utcnow().date()
        data = CampaignCreate(name="x", starts_on=today, ends_on=today, promotion_id=999_999)
        with pytest.raises(PromotionUnknown):
            service.create_campaign(session, store.id, data)
        assert session.exec(select(func.count()).select_from(Campaign)).one() == before


class TestPhoneTexts:
    def test_every_phone_page_text_has_a_chinese_translation(self):
        from pathlib import Path

        import store.marketing.kiosk as page
        from tests.admin.test_catalog import conflicting, extracted, translated

        package = Path(page.__file__).parent / "phone"
        missing = sorted(extracted(package) - set(translated(package)))
        assert not missing, f"add to store/marketing/phone/locale/zh_CN/LC_MESSAGES/messages.po: {missing}"
        assert not conflicting(package)
