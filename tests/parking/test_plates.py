"""Plates: normalised, validated (7 standard, 8 new energy), misreads folded into candidates, masked."""

from __future__ import annotations

import pytest

from store.parking import plates

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


class TestValidate:
    @pytest.mark.parametrize(
        "raw", ["沪A12345", "沪a12345", "沪A·12345", "京BD12345", "粤B12345D", "沪A1234学", "苏E0O1I2"]
    )
    def test_valid(self, raw: str):
        assert plates.is_valid(plates.normalise(raw))

    @pytest.mark.parametrize(
        "raw",
        ["", "沪A1234", "沪A123456", "XA12345", "沪I12345", "沪A12345X9", "中A12345", "沪AA123456", "沪A1234Z学1"],
    )
    def test_invalid(self, raw: str):
        assert not plates.is_valid(plates.normalise(raw))

    def test_new_energy_has_eight_characters(self):
        assert plates.is_new_energy("沪AD12345") and plates.is_new_energy("沪A12345F")
        assert not plates.is_new_energy("沪A12345")

    def test_o_and_i_are_never_issued(self):
        assert plates.normalise("沪a O1I23") == "沪A01123"


class TestCandidates:
    @pytest.mark.parametrize(
        ("query", "plate"),
        [("沪A0B2S5", "沪AD8Z55"), ("沪AQ1234", "沪A01234"), ("沪AD1234", "沪AQ1234")],
    )
    def test_misreads_are_candidates(self, query: str, plate: str):
        assert plates.candidate(query, plate) == 1

    def test_other_province_ranks_after(self):
        assert plates.candidate("沪A01234", "浙AD1234") == 2

    def test_the_plate_itself_and_others_are_not_candidates(self):
        assert plates.candidate("沪A12345", "沪A12345") is None
        assert plates.candidate("沪A12345", "沪A12346") is None
        assert plates.candidate("沪A12345", "沪AD12345") is None  # 7 vs 8 characters

    def test_mask_hides_the_middle(self):
        assert plates.mask("沪A12345") == "沪A·***45"
        assert plates.mask("沪AD12345") == "沪A·****45"
