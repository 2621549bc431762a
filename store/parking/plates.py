"""Chinese licence plates: normalise, validate, mask, and fold the characters gate cameras confuse.

Pure. A standard plate is 7 characters (province, issuing letter, 5 of letters and digits, the last may be
挂/学/警/港/澳); a new-energy plate is 8 (province, letter, then D or F and 5 more, or 5 digits and D or F).
I and O are never issued, so a typed O is a 0 and an I a 1.

Gate cameras misread 0/D/Q, B/8, 2/Z and 5/S. :func:`fold` maps each character to its group, so two
plates that differ only by such misreads fold equal: a *candidate*, never a match. Only an exact plate
charges or frees a car.
"""

from __future__ import annotations

import re

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"
_CHAR = "A-HJ-NP-Z0-9"
STANDARD = re.compile(f"^[{PROVINCES}][{_LETTER}][{_CHAR}]{{4}}[{_CHAR}挂学警港澳]$")
NEW_ENERGY = re.compile(f"^[{PROVINCES}][{_LETTER}](?:[DF][{_CHAR}][0-9]{{4}}|[0-9]{{5}}[DF])$")
CONFUSED = ("0DQ", "B8", "2Z", "5S")
_FOLD = {c: group[0] for group in CONFUSED for c in group}
_SEPARATORS = str.maketrans("", "", " ·.-•")


def normalise(raw: str) -> str:
    """Upper case, separators dropped, O → 0 and I → 1 (never issued)."""
    text = raw.strip().upper().translate(_SEPARATORS)
    return text.replace("O", "0").replace("I", "1")


def is_valid(plate: str) -> bool:
    """A normalised plate of 7 (standard) or 8 (new-energy) characters."""
    return bool(STANDARD.match(plate) or NEW_ENERGY.match(plate))


PLAUSIBLE = re.compile(f"^[{PROVINCES}][A-Z0-9][A-Z0-9]{{5,6}}$")


def is_plausible(plate: str) -> bool:
    """Shaped like a plate (a misread can make a real plate invalid, e.g. 沪AD23456 read as 沪A023456): worth
    looking for candidates, never an exact match."""
    return bool(PLAUSIBLE.match(plate))


def is_new_energy(plate: str) -> bool:
    return bool(NEW_ENERGY.match(plate))


def fold(plate: str) -> str:
    """The plate with each confusable character replaced by its group's first (0/D/Q → 0, B/8 → B …)."""
    return "".join(_FOLD.get(c, c) for c in plate)


def candidate(query: str, plate: str) -> int | None:
    """How close ``plate`` is to ``query`` when they differ only by misreads: 1 same but for misreads,
    2 also another province character; None otherwise (and None for the plate itself)."""
    if query == plate or len(query) != len(plate):
        return None
    if fold(query) == fold(plate):
        return 1
    if fold(query[1:]) == fold(plate[1:]):
        return 2
    return None


def mask(plate: str) -> str:
    """Shown to shoppers for candidates: province, letter, then stars, the last two characters."""
    if len(plate) < 5:
        return "*" * len(plate)
    return plate[:2] + "·" + "*" * (len(plate) - 4) + plate[-2:]
