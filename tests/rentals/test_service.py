"""Self-service rentals (issue 14 item 5): rent and return by member code, deposits, bad input, overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store.clock import utcnow
from store.facilities import ingest
from store.members.errors import MemberCodeExpired, MemberCodeInvalid
from store.members.models import Member
from store.payments.models import PaymentOrder, PaymentRefund
from store.payments.simulator import SIMULATOR
from store.rentals import service
from store.rentals.errors import (
    AssetNotAvailable,
    AssetNotFound,
    BadRentalInput,
    DepositNotPaid,
    NotYourRental,
    RentalNotFound,
)
from store.rentals.models import AssetKind, AssetStatus, Rental, RentalStatus, StationKind
from tests.factories.members import create_member
from tests.factories.premises import create_store
from tests.factories.rentals import create_asset, create_station, member_code


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def asset(session, store):
    create_station(session, store)
    return create_asset(session, store)


@pytest.fixture(autouse=True)
def simulator():
    SIMULATOR.reset()
    yield SIMULATOR
    SIMULATOR.reset()


def _rentals(session) -> int:
    return len(session.exec(select(Rental)).all())


class TestRent:
    def test_a_member_code_rents_a_free_asset(self, session, store, asset):
        member = create_member(session, store)
        rental = service.rent(session, store.id, "PB01", member_code(member))
        session.refresh(asset)
        assert (rental.member_id, rental.status, asset.status, asset.rentals) == (
            member.id,
            RentalStatus.out,
            AssetStatus.out,
            1,
        )
        assert rental.due_at - rental.rented_at == timedelta(minutes=240)

    def test_an_asset_already_out_is_refused_and_the_second_code_stays_unused(self, session, store, asset):
        first, second = create_member(session, store), create_member(session, store)
        service.rent(session, store.id, "PB01", member_code(first))
        step = second.code_last_step
        with pytest.raises(AssetNotAvailable, match="already out"):
            service.rent(session, store.id, "PB01", member_code(second))
        session.refresh(second)
        assert second.code_last_step == step and _rentals(session) == 1

    def test_an_unknown_asset_is_refused(self, session, store, asset):
        member = create_member(session, store)
        with pytest.raises(AssetNotFound, match="check the code"):
            service.rent(session, store.id, "NOPE", member_code(member))
        assert _rentals(session) == 0

    def test_an_expired_member_code_changes_nothing(self, session, store, asset):
        member = create_member(session, store)
        old = member_code(member, utcnow() - timedelta(minutes=10))
        with pytest.raises(MemberCodeExpired):
            service.rent(session, store.id, "PB01", old)
        session.refresh(asset)
        assert asset.status == AssetStatus.available and asset.rentals == 0 and _rentals(session) == 0

    def test_a_forged_code_changes_nothing(self, session, store, asset):
        with pytest.raises(MemberCodeInvalid):
            service.rent(session, store.id, "PB01", "812345678912345678")
        session.refresh(asset)
        assert asset.status == AssetStatus.available and _rentals(session) == 0

    def test_a_deposit_is_taken_through_the_payment_plugin(self, session, store):
        create_station(session, store)
        create_asset(session, store, code="UM01", kind=AssetKind.umbrella, deposit_fen=3000)
        rental = service.rent(session, store.id, "UM01", member_code(create_member(session, store)))
        payment = session.get(PaymentOrder, rental.payment_id)
        assert (payment.purpose, payment.reference, payment.amount_fen, payment.status) == (
            "rental",
            rental.rental_no,
            3000,
            "paid",
        )

    def test_a_declined_deposit_leaves_the_asset_at_the_station(self, session, store, simulator):
        create_station(session, store)
        asset = create_asset(session, store, code="UM01", kind=AssetKind.umbrella, deposit_fen=3000)
        simulator.script(create="declined")
        with pytest.raises(DepositNotPaid, match="stays here"):
            service.rent(session, store.id, "UM01", member_code(create_member(session, store)))
        session.refresh(asset)
        assert asset.status == AssetStatus.available and asset.rentals == 0
        assert [r.status for r in session.exec(select(Rental))] == [RentalStatus.cancelled]

    def test_a_station_code_is_used_once(self, session, store):
        create_station(session, store)
        with pytest.raises(BadRentalInput):
            create_station(session, store)


class TestReturn:
    def test_the_renter_returns_it_and_the_deposit_comes_back(self, session, store):
        create_station(session, store)
        asset = create_asset(session, store, code="UM01", kind=AssetKind.umbrella, deposit_fen=3000)
        member = create_member(session, store)
        rental = service.rent(session, store.id, "UM01", member_code(member))
        service.give_back(session, store.id, "UM01", member_code(member))
        session.refresh(asset)
        refund = session.exec(select(PaymentRefund)).one()
        assert (rental.status, asset.status, refund.amount_fen, refund.status) == (
            RentalStatus.returned,
            AssetStatus.available,
            3000,
            "done",
        )

    def test_another_members_code_cannot_return_it(self, session, store, asset):
        renter, other = create_member(session, store), create_member(session, store)
        service.rent(session, store.id, "PB01", member_code(renter))
        with pytest.raises(NotYourRental):
            service.give_back(session, store.id, "PB01", member_code(other))
        session.refresh(asset)
        assert asset.status == AssetStatus.out

    def test_an_asset_not_out_cannot_be_returned(self, session, store, asset):
        with pytest.raises(RentalNotFound, match="not out"):
            service.give_back(session, store.id, "PB01", member_code(create_member(session, store)))

    def test_returned_at_another_desk_it_lives_there(self, session, store, asset):
        create_station(session, store, code="DESK2")
        member = create_member(session, store)
        service.rent(session, store.id, "PB01", member_code(member))
        rental = service.give_back(session, store.id, "PB01", member_code(member), station_code="DESK2")
        session.refresh(asset)
        assert asset.station_id == rental.return_station_id != rental.station_id

    def test_the_desk_takes_it_back_without_a_code(self, session, store, asset):
        rental = service.rent(session, store.id, "PB01", member_code(create_member(session, store)))
        service.return_by_staff(session, store.id, rental.rental_no, by="desk")
        assert rental.status == RentalStatus.returned and "desk" in rental.note


class TestOverdue:
    def test_the_job_flags_each_overdue_rental_once(self, session, store, asset):
        rental = service.rent(session, store.id, "PB01", member_code(create_member(session, store)))
        later = rental.due_at + timedelta(minutes=1)
        assert service.check_overdue(session, rental.due_at - timedelta(minutes=1)) == 0
        assert service.check_overdue(session, later) == 1
        assert service.check_overdue(session, later) == 0
        session.refresh(rental)
        assert [r.id for r in service.overdue(session, store.id, later)] == [rental.id]


class TestUsage:
    def test_rentals_and_device_usage_count_per_c4_kind(self, session, store, asset):
        create_station(session, store, code="CHG", kind=StationKind.charging)
        vending = create_station(session, store, code="VEND", kind=StationKind.vending)
        assert vending.device_id is not None
        service.rent(session, store.id, "PB01", member_code(create_member(session, store)))
        now = utcnow()
        message = ingest.Message(ingest.topic(store.code, "VEND", "usage"), b'{"kind": "session"}', now)
        ingest.store_batch(session, [message], now=now)
        uses = service.usage_by_kind(session, store.id, now - timedelta(days=1), now + timedelta(minutes=1))
        assert uses == {"charging": 1, "vending": 1}
        by_station = {
            u.station.code: u.uses
            for u in service.station_usage(session, store.id, now - timedelta(1), now + timedelta(1))
        }
        assert by_station == {"CHG": 0, "DESK": 1, "VEND": 1}

    def test_member_is_readable(self, session, store, asset):
        rental = service.rent(session, store.id, "PB01", member_code(create_member(session, store)))
        assert isinstance(service.member_of(session, rental), Member)
