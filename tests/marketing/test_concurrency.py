"""Issue 16 (1): 50 tills redeeming one coupon at the same moment: exactly one succeeds, the others are told it
was redeemed, one redemption row; on the suite's database (SQLite, or PostgreSQL when given)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from sqlmodel import func, select

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.marketing import service
from store.marketing.errors import CouponAlreadyRedeemed
from store.marketing.models import CouponIssue, Redemption
from store.marketing.schemas import RedemptionCreate
from tests.conftest import separate_database
from tests.factories.marketing import consenting_member, create_campaign, create_coupon
from tests.factories.premises import create_shop, create_store

TILLS = 50


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with separate_database(tmp_path_factory.mktemp("marketing"), "marketing_conc"):
        yield


def _claimed_coupon() -> tuple[int, int, str]:
    with unit_of_work() as session:
        store = create_store(session)
        shop = create_shop(session, store)
        coupon = create_coupon(session, create_campaign(session, store), shops=[shop])
        issue = service.claim(session, store.id, consenting_member(session, store).id, coupon.id)  # type: ignore[arg-type]
        return store.id, shop.id, issue.code  # type: ignore[return-value]


def test_fifty_tills_redeem_one_coupon_once(own_db):
    store_id, shop_id, code = _claimed_coupon()
    start = Barrier(TILLS)

    def till(n: int) -> Any:
        data = RedemptionCreate(code=code, shop_id=shop_id, basket_fen=20_000, order_no=f"T{n}")
        start.wait()
        try:
            with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
                return service.redeem(session, store_id, data).order_no
        except CouponAlreadyRedeemed:
            return "refused"

    with ThreadPoolExecutor(max_workers=TILLS) as pool:
        results = list(pool.map(till, range(TILLS)))
    assert results.count("refused") == TILLS - 1
    with unit_of_work() as session:
        rows = session.exec(select(func.count()).select_from(Redemption)).one()
        status = session.exec(select(CouponIssue.status).where(CouponIssue.code == code)).one()
    assert (rows, status) == (1, "redeemed")
