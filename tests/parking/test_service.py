"""Stays from gate reads, quotes with member and spend minutes, paying through the plugin, find-my-car."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from store.clock import utcnow
from store.parking import service as parking_service
from store.parking.errors import FeeChanged, InvalidPlate, NothingToPay, NotThisGate, PlateNotFound, PlateTaken
from store.parking.models import Direction, GateOutcome, ParkingGateEvent, ParkingSession
from store.parking.schemas import FeeRuleUpdate
from store.payments.errors import AlreadyPaid
from store.payments.schemas import PaymentStatus
from tests.factories.members import create_member
from tests.factories.parking import CarPark
from tests.factories.premises import create_shop
from tests.factories.sales import create_order


def enter(session: Session, park: CarPark, plate: str, minutes_ago: float, key: str = ""):
    return parking_service.record_gate_event(
        session,
        park.store.id,  # type: ignore[arg-type]
        gate_code="G-IN",
        direction=Direction.entry,
        raw_plate=plate,
        at=utcnow() - timedelta(minutes=minutes_ago),
        event_key=key,
    )


def leave(session: Session, park: CarPark, plate: str, key: str = ""):
    return parking_service.record_gate_event(
        session,
        park.store.id,  # type: ignore[arg-type]
        gate_code="G-OUT",
        direction=Direction.exit,
        raw_plate=plate,
        event_key=key,
    )


def stays(session: Session) -> list[ParkingSession]:
    return list(session.exec(select(ParkingSession).order_by(col(ParkingSession.id))))


class TestGates:
    def test_entry_opens_a_stay_in_the_gates_zone(self, session, park):
        result = enter(session, park, "沪a·12345", 5)
        assert result.outcome == GateOutcome.entered and result.open_barrier
        (stay,) = stays(session)
        assert (stay.plate, stay.zone_id) == ("沪A12345", park.zone.id)

    def test_a_second_entry_read_is_the_same_stay(self, session, park):
        first = enter(session, park, "沪A12345", 5)
        again = enter(session, park, "沪A12345", 4)
        assert again.outcome == GateOutcome.duplicate_entry and again.session_id == first.session_id
        assert len(stays(session)) == 1

    def test_a_retried_event_is_stored_once(self, session, park):
        enter(session, park, "沪A12345", 5, key="e-1")
        enter(session, park, "沪A12345", 5, key="e-1")
        assert len(session.exec(select(ParkingGateEvent)).all()) == 1

    def test_free_minutes_exit(self, session, park):
        enter(session, park, "沪A12345", 20)
        result = leave(session, park, "沪A12345")
        assert result.outcome == GateOutcome.exited and result.open_barrier
        assert stays(session)[0].exited_at is not None

    def test_a_car_that_owes_stays_in(self, session, park):
        enter(session, park, "沪A12345", 90)
        result = leave(session, park, "沪A12345")
        assert (result.outcome, result.owed_fen, result.open_barrier) == (GateOutcome.owes, 2_000, False)
        assert stays(session)[0].exited_at is None

    def test_a_near_match_never_opens_the_barrier(self, session, park):
        enter(session, park, "沪AD2345", 10)  # the entry camera read D…
        result = leave(session, park, "沪A02345")  # …the exit camera 0
        assert result.outcome == GateOutcome.no_entry_record and not result.open_barrier
        assert stays(session)[0].exited_at is None

    def test_an_invalid_read_changes_nothing_but_the_log(self, session, park):
        result = enter(session, park, "???", 1)
        assert result.outcome == GateOutcome.invalid_plate and not stays(session)

    def test_another_controller_may_not_report_for_the_gate(self, session, park):
        with pytest.raises(NotThisGate):
            parking_service.record_gate_event(
                session, park.store.id, gate_code="G-IN", direction=Direction.entry, raw_plate="沪A12345", device_id=999
            )
        assert not stays(session)

    def test_a_space_sensor_places_the_car(self, session, park):
        enter(session, park, "沪A12345", 5)
        assert parking_service.record_space(session, park.store.id, zone_code="B2-A", space="058", raw_plate="沪A12345")
        assert stays(session)[0].space == "058"
        misread = "沪A02345"
        store_id = park.store.id
        assert not parking_service.record_space(session, store_id, zone_code="B2-A", space="059", raw_plate=misread)


class TestMembers:
    def test_member_and_same_day_spend_minutes(self, session, park):
        member = create_member(session, park.store)
        parking_service.bind_plate(session, park.store.id, member.id, "沪A12345")
        enter(session, park, "沪A12345", 150)  # 2.5 h: member 60 min off → 1.5 h → 2 hours
        stay = stays(session)[0]
        assert parking_service.quote(session, stay).owed_fen == 2_000
        shop = create_shop(session, park.store)
        create_order(session, shop, member_id=member.id, lines=((1, 20_000, 0),))  # ¥200 today
        assert parking_service.quote(session, stay).owed_fen == 0  # 60 + 120 minutes off
        assert stay.member_id == member.id

    def test_a_plate_belongs_to_one_member(self, session, park):
        a, b = create_member(session, park.store), create_member(session, park.store)
        parking_service.bind_plate(session, park.store.id, a.id, "沪A12345")
        with pytest.raises(PlateTaken):
            parking_service.bind_plate(session, park.store.id, b.id, "沪a12345")

    def test_the_rule_is_the_stores(self, session, park):
        data = FeeRuleUpdate(
            free_minutes=0,
            hourly_fen=500,
            daily_cap_fen=3_000,
            member_free_minutes=0,
            spend_threshold_fen=0,
            spend_free_minutes=0,
            max_discount_minutes=0,
            exit_grace_minutes=10,
        )
        parking_service.save_rule(session, park.store.id, data)
        enter(session, park, "沪A12345", 10)
        assert parking_service.quote(session, stays(session)[0]).owed_fen == 500


class TestPay:
    def test_paid_then_out_within_the_grace(self, session, park):
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        payment = parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        assert payment.status == PaymentStatus.paid and stay.paid_fen == 2_000
        assert leave(session, park, "沪A12345").outcome == GateOutcome.exited

    def test_paying_twice_is_refused_and_charges_once(self, session, park, simulator):
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        with pytest.raises(NothingToPay):
            parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        assert len(simulator.charged) == 1

    def test_declined_leaves_it_owing(self, session, park, simulator):
        simulator.script(create="declined")
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        payment = parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        assert payment.status == PaymentStatus.declined and stay.paid_fen == 0
        assert leave(session, park, "沪A12345").outcome == GateOutcome.owes

    def test_unknown_then_paid_when_asked(self, session, park, simulator):
        simulator.script(create="unknown", query="paid")
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        payment = parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        assert payment.status == PaymentStatus.pending and stay.paid_fen == 0
        assert leave(session, park, "沪A12345").outcome == GateOutcome.exited  # asked at the gate: paid
        assert stay.paid_fen == 2_000

    def test_pending_payment_blocks_a_second_charge(self, session, park, simulator):
        simulator.script(create=["unknown", "paid"], query="unknown")
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        simulator.script(query="paid")
        with pytest.raises((AlreadyPaid, NothingToPay)):
            parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        assert len(simulator.charged) == 1

    def test_a_changed_fee_is_refused(self, session, park):
        enter(session, park, "沪A12345", 90)
        with pytest.raises(FeeChanged):
            parking_service.pay(session, park.store.id, stays(session)[0].id, expected_fen=1_000, method="wechat")

    def test_after_the_grace_billing_restarts(self, session, park):
        enter(session, park, "沪A12345", 90)
        stay = stays(session)[0]
        parking_service.pay(session, park.store.id, stay.id, expected_fen=2_000, method="wechat")
        later = stay.paid_at + timedelta(minutes=16)  # type: ignore[operator]
        assert parking_service.quote(session, stay, now=later).owed_fen == 1_000
        payment = parking_service.pay(session, park.store.id, stay.id, expected_fen=1_000, method="alipay", now=later)
        assert payment.status == PaymentStatus.paid and stay.paid_fen == 3_000


class TestFind:
    def test_exact_plate_finds_the_car(self, session, park):
        enter(session, park, "沪A12345", 5)
        found = parking_service.find(session, park.store.id, "沪a12345")
        assert found.stay is not None and found.candidates == []

    def test_misread_plates_are_masked_candidates(self, session, park):
        enter(session, park, "沪AD2345", 5)
        enter(session, park, "浙A02345", 4)
        enter(session, park, "沪A99999", 3)
        found = parking_service.find(session, park.store.id, "沪A02345")
        assert found.stay is None
        assert [c.masked for c in found.candidates] == ["沪A·***45", "浙A·***45"]

    def test_a_misread_that_is_no_valid_plate_still_finds_candidates(self, session, park):
        enter(session, park, "沪AD23456", 5)  # new energy; read back as 沪A023456, which no plate can be
        found = parking_service.find(session, park.store.id, "沪A023456")
        assert found.stay is None and [c.masked for c in found.candidates] == ["沪A·****56"]

    def test_unknown_plate(self, session, park):
        with pytest.raises(PlateNotFound):
            parking_service.find_or_raise(session, park.store.id, "沪A12345")
        with pytest.raises(InvalidPlate):
            parking_service.find(session, park.store.id, "hello")
