"""The dynamic member code: a 30 s step, one step of skew, single use, a screenshot refused, per store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.members import codes
from store.members.errors import (
    MemberCodeExpired,
    MemberCodeInvalid,
    MemberCodeOtherStore,
    MemberCodeUsed,
    MemberInactive,
)
from tests.factories.members import create_member
from tests.factories.premises import create_store

T0 = datetime(2026, 5, 4, 3, 2, 10, tzinfo=UTC)


def code_at(member, at: datetime) -> str:
    return codes.make(member.store_id, member.id, codes.step_at(at)).digits


class TestShape:
    def test_eighteen_digits_starting_with_8_carrying_the_member_id(self):
        code = codes.make(3, 4567, 1000).digits
        assert len(code) == 18 and code.isdigit() and code.startswith("8")
        assert codes.parse(code)[0] == 4567

    @pytest.mark.parametrize(
        "bad", ["", "12345", "8" * 19, "9" + "0" * 17, "8" + "0" * 17, "８" * 18, "8abc" + "0" * 14]
    )
    def test_malformed_codes_are_invalid(self, bad):
        with pytest.raises(MemberCodeInvalid):
            codes.parse(bad)


class TestOnline:
    @pytest.fixture
    def member(self, session):
        return create_member(session, create_store(session))

    @pytest.mark.parametrize("offset_steps", [-1, 0, 1])
    def test_one_step_of_skew_either_way_is_accepted(self, session, member, offset_steps):
        shown = T0 + timedelta(seconds=codes.STEP_S * offset_steps)
        assert codes.verify(session, member.store_id, code_at(member, shown), at=T0).id == member.id

    @pytest.mark.parametrize("offset_steps", [-2, -10, -100])
    def test_an_older_code_is_expired(self, session, member, offset_steps):
        shown = T0 + timedelta(seconds=codes.STEP_S * offset_steps)
        with pytest.raises(MemberCodeExpired):
            codes.verify(session, member.store_id, code_at(member, shown), at=T0)
        assert member.code_last_step == 0

    def test_a_code_two_steps_ahead_is_not_valid(self, session, member):
        with pytest.raises(MemberCodeInvalid):
            codes.verify(session, member.store_id, code_at(member, T0 + timedelta(seconds=60)), at=T0)

    def test_a_code_is_accepted_once(self, session, member):
        code = code_at(member, T0)
        codes.verify(session, member.store_id, code, at=T0)
        with pytest.raises(MemberCodeUsed):
            codes.verify(session, member.store_id, code, at=T0 + timedelta(seconds=5))

    def test_after_a_use_a_screenshot_of_the_previous_step_is_refused(self, session, member):
        earlier = code_at(member, T0 - timedelta(seconds=30))
        codes.verify(session, member.store_id, code_at(member, T0), at=T0)
        with pytest.raises(MemberCodeUsed):
            codes.verify(session, member.store_id, earlier, at=T0)

    def test_the_card_shows_a_fresh_code_right_after_a_use(self, session, member):
        used = code_at(member, T0)
        codes.verify(session, member.store_id, used, at=T0)
        fresh = codes.current_code(member, T0)
        assert fresh.digits != used
        assert codes.verify(session, member.store_id, fresh.digits, at=T0).id == member.id

    def test_a_code_of_another_store_is_refused_and_marks_nothing(self, session, member):
        elsewhere = create_store(session)
        with pytest.raises(MemberCodeOtherStore):
            codes.verify(session, elsewhere.id, code_at(member, T0), at=T0)
        assert member.code_last_step == 0

    def test_a_code_signed_with_another_stores_key_is_invalid(self, session, member):
        forged = codes.make(member.store_id + 1000, member.id, codes.step_at(T0)).digits
        with pytest.raises(MemberCodeInvalid):
            codes.verify(session, member.store_id, forged, at=T0)

    def test_an_unknown_member_is_invalid(self, session, member):
        with pytest.raises(MemberCodeInvalid):
            codes.verify(session, member.store_id, codes.make(member.store_id, 999_999, 5).digits, at=T0)

    def test_a_closed_membership_is_refused(self, session, member):
        member.status = "erased"
        with pytest.raises(MemberInactive):
            codes.verify(session, member.store_id, code_at(member, T0), at=T0)


def public_keys(store_id: int, at: datetime, secret: str = "s") -> dict[int, bytes]:
    period = codes.key_period(codes.step_at(at))
    return {p: codes.public_key(store_id, p, secret=secret) for p in (period - 1, period, period + 1)}


class TestOffline:
    @settings(max_examples=40, deadline=None)
    @given(
        seconds=st.integers(min_value=0, max_value=3 * 7 * 86_400),
        skew=st.integers(min_value=-200, max_value=200),
        member_id=st.integers(min_value=1, max_value=999_999_999),
    )
    def test_a_till_with_the_public_keys_agrees_with_the_rule(self, seconds, skew, member_id):
        now = T0 + timedelta(seconds=seconds)
        shown_step = codes.step_at(now) + skew // 10
        payload = codes.qr_payload(7, codes.make(7, member_id, shown_step, secret="s"), secret="s")
        delta = shown_step - codes.step_at(now)
        if -codes.SKEW_STEPS <= delta <= codes.SKEW_STEPS:
            assert codes.check_signed_offline(public_keys(7, now), 7, payload, now) == (member_id, shown_step)
        elif delta < 0:
            with pytest.raises(MemberCodeExpired):
                codes.check_signed_offline(public_keys(7, now), 7, payload, now)
        else:
            with pytest.raises(MemberCodeInvalid):
                codes.check_signed_offline(public_keys(7, now), 7, payload, now)

    def test_keys_of_another_store_check_nothing(self):
        payload = codes.qr_payload(7, codes.make(7, 42, codes.step_at(T0), secret="s"), secret="s")
        with pytest.raises(MemberCodeInvalid):
            codes.check_signed_offline(public_keys(8, T0), 8, payload, T0)
        with pytest.raises(MemberCodeInvalid):  # another store's keys under this store's id: no
            codes.check_signed_offline(public_keys(8, T0), 7, payload, T0)

    def test_what_a_till_holds_cannot_make_a_code_for_another_member_or_step(self):
        payload = codes.qr_payload(7, codes.make(7, 42, codes.step_at(T0), secret="s"), secret="s")
        digits, _, signature = payload.partition(".")
        other_member = codes.make(7, 43, codes.step_at(T0), secret="s").digits
        for forged in (f"{other_member}.{signature}", f"{digits}.{signature[:-2]}AA", digits + ".", digits):
            with pytest.raises(MemberCodeInvalid):
                codes.check_signed_offline(public_keys(7, T0), 7, forged, T0)

    def test_a_code_made_at_the_turn_of_the_key_week_checks_on_both_sides(self):
        turn = datetime.fromtimestamp(codes.KEY_PERIOD_S * 2926, UTC)
        before = codes.qr_payload(7, codes.make(7, 42, codes.step_at(turn) - 1, secret="s"), secret="s")
        assert codes.check_signed_offline(public_keys(7, turn), 7, before, turn)[0] == 42

    def test_the_server_reads_a_qr_payload_as_its_digits(self, session):
        member = create_member(session, create_store(session))
        payload = codes.qr_payload(member.store_id, codes.make(member.store_id, member.id, codes.step_at(T0)))
        assert codes.verify(session, member.store_id, payload, at=T0).id == member.id


class TestOfflineClaims:
    def test_a_code_scanned_offline_is_claimed_once_for_its_sale_and_a_replay_changes_nothing(self, session):
        member = create_member(session, create_store(session))
        code = code_at(member, T0)
        now = T0 + timedelta(hours=3)
        claim = dict(scanned_at=T0 + timedelta(seconds=70), order_no="T-1", now=now)
        assert codes.claim_offline(session, member.store_id, code, **claim) == (member, True)
        assert codes.claim_offline(session, member.store_id, code, **claim) == (member, False)
        with pytest.raises(MemberCodeUsed):
            codes.claim_offline(session, member.store_id, code, **{**claim, "order_no": "T-2"})
        with pytest.raises(MemberCodeUsed):  # the code, or an older one, is spent online too
            codes.verify(session, member.store_id, code, at=T0)

    @pytest.mark.parametrize("scan_offset_s", [-10 * 60, 10 * 60])
    def test_a_code_not_valid_at_the_scan_time_is_refused(self, session, scan_offset_s):
        member = create_member(session, create_store(session))
        with pytest.raises(MemberCodeInvalid):
            codes.claim_offline(
                session,
                member.store_id,
                code_at(member, T0),
                scanned_at=T0 + timedelta(seconds=scan_offset_s),
                order_no="T-1",
                now=T0 + timedelta(hours=1),
            )

    def test_claims_of_another_store_or_past_the_sync_window_are_refused(self, session):
        member = create_member(session, create_store(session))
        other = create_store(session)
        code = code_at(member, T0)
        with pytest.raises(MemberCodeOtherStore):
            codes.claim_offline(session, other.id, code, scanned_at=T0, order_no="T-1", now=T0)
        with pytest.raises(MemberCodeExpired):
            codes.claim_offline(
                session, member.store_id, code, scanned_at=T0, order_no="T-1", now=T0 + timedelta(days=8)
            )
