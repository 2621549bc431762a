"""Credit QR codes: signatures, versions, key rotation and revocation, and what a patrol scan records."""

from __future__ import annotations

import pytest
from sqlmodel import select

from store import signed_codes
from store.credit import codes
from store.credit.models import CreditQr, ScanOutcome
from tests.factories.credit import credit_world
from tests.factories.premises import create_floor, create_shop, create_store


@pytest.fixture
def world(session):
    return credit_world(session)


class TestSignature:
    def test_a_genuine_code_verifies_to_its_shop(self, session, world):
        scanned = codes.verify(session, world.qr.code)
        assert (scanned.shop.id, scanned.outcome) == (world.shop.id, ScanOutcome.valid)

    @pytest.mark.parametrize("position", [0, 5, -1, -30])
    def test_any_altered_character_is_refused(self, session, world, position):
        code = world.qr.code
        index = position % len(code)
        if code[index] == ".":
            index += 1
        altered = code[:index] + ("A" if code[index] != "A" else "B") + code[index + 1 :]
        with pytest.raises(signed_codes.CodeInvalid):
            codes.verify(session, altered)

    def test_a_code_signed_with_another_secret_is_refused(self, session, world):
        seed = signed_codes.ed25519_seed(f"{world.store.id}:k1", secret="someone-else")
        forged = signed_codes.sign_ed25519(
            "credit-qr", [world.store.id, world.shop.id, "2F-001", 1], kid="k1", seed=seed
        )
        with pytest.raises(signed_codes.CodeInvalid):
            codes.verify(session, forged)

    def test_another_stores_key_cannot_vouch_for_this_store(self, session, world):
        other = create_store(session)
        other_shop = create_shop(session, other, create_floor(session, other))
        theirs = codes.issue(session, other.id, other_shop.id)
        # Their genuine code, its body rewritten to claim our store: their key no longer matches the body.
        body, kid, sig = theirs.code.split(".")
        claimed = signed_codes._b64encode(f'[{world.store.id},{world.shop.id},"2F-001",1]'.encode())
        with pytest.raises(signed_codes.CodeInvalid):
            codes.verify(session, f"{claimed}.{kid}.{sig}")

    @pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "a.b.c.d", "é.k1.x", "x" * 2000])
    def test_garbage_is_refused_not_crashed_on(self, session, world, garbage):
        with pytest.raises(signed_codes.CodeInvalid):
            codes.verify(session, garbage)


class TestVersionsAndKeys:
    def test_a_reissue_supersedes_the_old_version_which_still_leads_to_the_shop(self, session, world):
        new = codes.issue(session, world.store.id, world.shop.id)
        assert new.version == 2
        assert codes.verify(session, world.qr.code).outcome == ScanOutcome.superseded
        assert codes.verify(session, new.code).outcome == ScanOutcome.valid

    def test_a_shop_moved_to_another_unit_reads_moved_until_refreshed(self, session, world):
        world.shop.code = "2F-009"
        session.add(world.shop)
        session.flush()
        assert codes.verify(session, world.qr.code).outcome == ScanOutcome.moved
        assert codes.refresh(session, world.store.id, on=world.shop.opened_on) == 1
        fresh = codes.current_codes(session, world.store.id)[world.shop.id]
        assert fresh.unit == "2F-009" and codes.verify(session, fresh.code).outcome == ScanOutcome.valid

    def test_a_rotated_key_signs_new_codes_and_old_ones_still_verify(self, session, world):
        key = codes.rotate_key(session, world.store.id)
        assert key.kid == "k2"
        new = codes.issue(session, world.store.id, world.shop.id)
        assert new.kid == "k2"
        assert (
            codes.verify(session, codes.current_codes(session, world.store.id)[world.neighbour.id].code).outcome
            == "valid"
        )

    def test_revoking_the_old_key_invalidates_its_codes_and_reissues_every_shop(self, session, world):
        old_neighbour = codes.current_codes(session, world.store.id)[world.neighbour.id].code
        codes.rotate_key(session, world.store.id, revoke_old=True)
        with pytest.raises(signed_codes.CodeInvalid):
            codes.verify(session, old_neighbour)
        current = codes.current_codes(session, world.store.id)
        assert {q.kid for q in current.values()} == {"k2"}
        assert codes.verify(session, current[world.neighbour.id].code).outcome == ScanOutcome.valid


class TestPatrolScan:
    @pytest.mark.parametrize(
        ("code_of", "outcome"),
        [("own", "valid"), ("neighbour", "moved"), ("none", "missing"), ("forged", "invalid"), ("old", "superseded")],
    )
    def test_what_the_patrol_found_is_recorded(self, session, world, code_of, outcome):
        current = codes.current_codes(session, world.store.id)
        code = {
            "own": current[world.shop.id].code,
            "neighbour": current[world.neighbour.id].code,
            "none": None,
            "forged": current[world.shop.id].code[:-3] + "AAA",
            "old": world.qr.code,
        }[code_of]
        if code_of == "old":
            codes.issue(session, world.store.id, world.shop.id)
        scan = codes.record_scan(session, world.store.id, at_shop_id=world.shop.id, code=code, by="guard")
        assert scan.outcome == outcome
        assert len(session.exec(select(CreditQr)).all()) >= 2
