"""A tenant appeals a line of its shop's score; the office upholds it (the record leaves the score) or rejects it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from store.auth.models import Role
from store.credit import appeals, service
from store.credit.errors import AppealNotFound, CreditInputInvalid
from store.premises.errors import ShopNotFound
from tests.admin.conftest import premises, sign_in, store_today  # noqa: F401  (the fixture)
from tests.factories.auth import create_user


@dataclass(frozen=True)
class Viewer:  # what the pages pass: the signed-in staff's store and shop
    store_id: int
    shop_id: int | None

    def can_see_shop(self, shop_id: int) -> bool:
        return self.shop_id is None or self.shop_id == shop_id


def _tenant(premises, shop) -> Viewer:  # noqa: F811
    return Viewer(premises.store.id, shop.id)


def _failed_inspection(session, premises):  # noqa: F811
    shop = premises.shops["1F-001"]
    day = store_today(premises) - timedelta(days=10)
    inspection = service.add_inspection(session, premises.store.id, shop.id, inspected_on=day, passed=False, note="")
    return shop, inspection


class TestAppeal:
    def test_an_upheld_appeal_takes_the_record_out_of_the_score(self, client, session, premises):  # noqa: F811
        shop, inspection = _failed_inspection(session, premises)
        assert service.profile(session, premises.store.id, shop.id).score == 90
        tenant = create_user(session, premises.store, role=Role.tenant, shop=shop)
        csrf = sign_in(client, session, tenant)
        page = client.get("/admin/credit/appeals")
        assert "评分申诉" in page.text and f"#inspection-{inspection.id}" in page.text
        filed = client.post(
            "/admin/credit/appeals",
            data={
                "csrf_token": csrf,
                "record_kind": "inspection",
                "record_id": str(inspection.id),
                "text": "检查当天停业装修",
            },
            follow_redirects=False,
        )
        assert filed.status_code == 303
        [appeal] = appeals.list_for(session, _tenant(premises, shop))
        csrf = sign_in(client, session, premises.manager)
        decided = client.post(
            f"/admin/credit/appeals/{appeal.id}/decision",
            data={"csrf_token": csrf, "outcome": "upheld", "decision": "核实当天停业，检查记录作废"},
            follow_redirects=False,
        )
        assert decided.status_code == 303
        session.expire_all()
        assert service.profile(session, premises.store.id, shop.id).score == 100
        assert not service.reasons(session, premises.store.id, shop.id)
        sign_in(client, session, tenant)
        assert "核实当天停业" in client.get("/admin/credit/appeals").text

    def test_a_rejected_appeal_changes_nothing(self, session, premises):  # noqa: F811
        shop, inspection = _failed_inspection(session, premises)
        tenant = _tenant(premises, shop)
        appeal = appeals.file(
            session,
            tenant,
            shop.id,
            record_kind="inspection",
            record_id=inspection.id,
            text="不服检查结果",
            filed_by="t",
        )
        appeals.decide(session, premises.store.id, appeal.id, upheld=False, decision="记录无误", decided_by="m")
        assert service.profile(session, premises.store.id, shop.id).score == 90
        with pytest.raises(CreditInputInvalid, match="already been decided"):
            appeals.decide(session, premises.store.id, appeal.id, upheld=True, decision="改判", decided_by="m")


class TestRefusals:
    def test_another_shops_record_an_unknown_line_and_an_empty_reason_are_refused(self, session, premises):  # noqa: F811
        shop, inspection = _failed_inspection(session, premises)
        other = _tenant(premises, premises.shops["1F-002"])
        with pytest.raises(ShopNotFound):
            appeals.file(
                session,
                other,
                shop.id,
                record_kind="inspection",
                record_id=inspection.id,
                text="不是我们的",
                filed_by="x",
            )
        tenant = _tenant(premises, shop)
        with pytest.raises(CreditInputInvalid, match="names a record"):
            appeals.file(
                session, tenant, shop.id, record_kind="inspection", record_id=999999, text="没有这条记录", filed_by="t"
            )
        with pytest.raises(CreditInputInvalid, match="5 to 1000"):
            appeals.file(
                session, tenant, shop.id, record_kind="inspection", record_id=inspection.id, text=" ", filed_by="t"
            )
        appeals.file(
            session,
            tenant,
            shop.id,
            record_kind="inspection",
            record_id=inspection.id,
            text="第一次申诉啊",
            filed_by="t",
        )
        with pytest.raises(CreditInputInvalid, match="open appeal"):
            appeals.file(
                session,
                tenant,
                shop.id,
                record_kind="inspection",
                record_id=inspection.id,
                text="重复提出的申诉",
                filed_by="t",
            )
        assert len(appeals.list_for(session, tenant)) == 1 and appeals.list_for(session, other) == []

    def test_another_stores_appeal_reads_as_not_found(self, session, premises):  # noqa: F811
        with pytest.raises(AppealNotFound):
            appeals.decide(session, premises.store.id, 424242, upheld=True, decision="x", decided_by="m")
