"""Paying through the plugin network: paid, declined, unknown then resolved, retries, refunds."""

from __future__ import annotations

import pytest
from sqlmodel import select

from store.config import load_settings
from store.payments import network as payment_network
from store.payments import service as payments
from store.payments.errors import AlreadyPaid, BadAmount, PaymentNotFound, PaymentNotRefundable, UnknownPaymentPlugin
from store.payments.models import PaymentOrder
from store.payments.schemas import PaymentStatus, RefundStatus
from store.payments.simulator import SIMULATOR
from tests.factories.premises import create_store


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture(autouse=True)
def simulator():
    SIMULATOR.reset()
    yield SIMULATOR
    SIMULATOR.reset()


def _count(session) -> int:
    return len(session.exec(select(PaymentOrder)).all())


def _pay(session, store, reference="SO-1", amount=12_800, method="wechat"):
    return payments.start(session, store.id, purpose="sales", reference=reference, amount_fen=amount, method=method)


class TestPluginChoice:
    def test_the_setting_names_the_simulator_by_default(self):
        assert load_settings().payment_plugin == "simulator"
        assert payment_network.get_network().name == "simulator"

    def test_an_unknown_plugin_is_a_clear_error(self):
        with pytest.raises(UnknownPaymentPlugin, match="'acme-pay' is not installed"):
            payment_network.get_network("acme-pay")


class TestPay:
    def test_a_paid_answer_marks_the_payment_paid(self, session, store):
        payment = _pay(session, store)
        assert payment.status == PaymentStatus.paid
        assert payment.network_ref and payment.resolved_at is not None

    def test_a_declined_answer_marks_it_declined_and_a_new_attempt_gets_a_new_number(self, session, store, simulator):
        simulator.script(create=["declined", "paid"])
        first = _pay(session, store)
        second = _pay(session, store)
        assert (first.status, second.status) == (PaymentStatus.declined, PaymentStatus.paid)
        assert first.payment_no != second.payment_no

    def test_an_unknown_answer_keeps_the_payment_pending_until_a_query_resolves_it(self, session, store, simulator):
        simulator.script(create="unknown", query=["unknown", "paid"])
        payment = _pay(session, store)
        assert payment.status == PaymentStatus.pending
        assert payments.resolve(session, store.id, payment.id).status == PaymentStatus.pending
        assert payments.resolve(session, store.id, payment.id).status == PaymentStatus.paid

    def test_the_worker_settles_pending_payments(self, session, store, simulator):
        simulator.script(create="unknown", query="declined")
        payment = _pay(session, store)
        assert payments.resolve_pending(session) == 1
        assert payment.status == PaymentStatus.declined

    def test_a_paid_reference_refuses_another_attempt(self, session, store):
        _pay(session, store)
        with pytest.raises(AlreadyPaid):
            _pay(session, store)

    def test_a_retry_after_an_unknown_first_asks_whether_the_first_went_through(self, session, store, simulator):
        simulator.script(create="unknown", query="paid")
        _pay(session, store)
        with pytest.raises(AlreadyPaid):
            _pay(session, store)
        assert _count(session) == 1

    def test_two_attempts_that_both_turn_out_paid_refund_the_later_one(self, session, store, simulator):
        simulator.script(create="unknown", query="unknown")
        first = _pay(session, store)
        simulator.script(create="paid")
        second = _pay(session, store)  # the first is still unknown: the buyer pays again
        simulator.script(query="paid")
        payments.resolve(session, store.id, first.id)
        assert first.status == PaymentStatus.paid and second.status == PaymentStatus.paid
        assert first.refunded_fen == first.amount_fen  # the duplicate went back
        assert second.refunded_fen == 0

    def test_a_zero_amount_is_refused_and_writes_nothing(self, session, store):
        with pytest.raises(BadAmount):
            _pay(session, store, amount=0)
        assert _count(session) == 0

    def test_another_stores_payment_reads_as_not_found(self, session, store):
        payment = _pay(session, store)
        with pytest.raises(PaymentNotFound):
            payments.get(session, create_store(session).id, payment.id)


class TestRefund:
    def test_a_refund_goes_back_to_the_original_method(self, session, store):
        payment = _pay(session, store, method="alipay")
        row = payments.refund(session, store.id, payment.id, 2_800, reason="size")
        assert (row.status, row.method, payment.refunded_fen) == (RefundStatus.done, "alipay", 2_800)

    def test_refunds_never_exceed_what_was_paid_pending_ones_included(self, session, store, simulator):
        payment = _pay(session, store, amount=10_000)
        simulator.script(refund="unknown")
        payments.refund(session, store.id, payment.id, 6_000)
        with pytest.raises(PaymentNotRefundable, match="exceeds the 4000 fen left"):
            payments.refund(session, store.id, payment.id, 5_000)

    def test_a_failed_refund_frees_its_amount_again(self, session, store, simulator):
        payment = _pay(session, store, amount=10_000)
        simulator.script(refund="unknown")
        row = payments.refund(session, store.id, payment.id, 10_000)
        simulator.script(refund="declined")
        payments.resolve_pending(session)
        assert row.status == RefundStatus.failed and payment.refunded_fen == 0

    def test_a_declined_payment_cannot_be_refunded(self, session, store, simulator):
        simulator.script(create="declined")
        payment = _pay(session, store)
        with pytest.raises(PaymentNotRefundable):
            payments.refund(session, store.id, payment.id, 100)
