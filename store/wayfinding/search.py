"""Shop search for a kiosk without a keyboard: Chinese characters, full pinyin, and first letters
("nk" finds 耐克), tolerant of a wrong character (toneless pinyin: 星巴客 finds 星巴克).

Polyphones: every reading pypinyin knows is indexed (``heteronym=True``), the default reading first,
within ``MAX_READINGS`` combinations per name, so 重 and 长 find their shops either way. First letters
are the first letter of each full syllable (``Style.FIRST_LETTER``), never pinyin "initials", which drop
y and w (王 → '').
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pypinyin import Style, pinyin

MAX_READINGS = 8
MAX_RESULTS = 30
HANZI = re.compile(r"[\u3400-\u9fff]")
KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class Entry:
    """Something a shopper looks for; ``key`` says what it leads to (``shop:<code>``)."""

    key: str
    name: str
    name_en: str = ""
    also: tuple[str, ...] = ()  # brands, products sold there, aliases


@dataclass(frozen=True)
class Keys:
    hanzi: tuple[str, ...]
    spelled: tuple[str, ...]  # full toneless pinyin, per reading
    letters: tuple[str, ...]  # first letters, per reading
    latin: tuple[str, ...]


@dataclass
class Index:
    entries: list[tuple[Entry, Keys, list[Keys]]] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int
    matched: str  # the name or alias that matched


def _clean(text: str) -> str:
    return KEEP.sub("", text.lower())


def _whole(chunk: str) -> Any:
    return ["#" + _clean(chunk)]  # pypinyin accepts a list of syllables here; its stub says str


def readings(text: str) -> list[list[str]]:
    """Toneless readings of each character (default first); letters and digits pass as one syllable."""
    # Latin and digits come back whole, marked with "#" so first letters keep them whole too ("H&M" → "hm").
    syllables = pinyin(text, style=Style.NORMAL, heteronym=True, errors=_whole)
    return [[r if r.startswith("#") else _clean(r) for r in options if _clean(r)] or [""] for options in syllables]


def keys(text: str) -> Keys:
    cleaned = _clean(text)
    if not cleaned:
        return Keys((), (), (), ())
    combos = itertools.islice(itertools.product(*readings(text)), MAX_READINGS)
    spelled, letters = [], []
    for combo in combos:
        parts = [p for p in combo if p]
        spelled.append("".join(p.lstrip("#") for p in parts))
        letters.append("".join(p[1:] if p.startswith("#") else p[0] for p in parts))
    return Keys(
        (cleaned,) if HANZI.search(cleaned) else (),
        tuple(dict.fromkeys(spelled)),
        tuple(dict.fromkeys(letters)),
        (cleaned,) if not HANZI.search(cleaned) else (),
    )


def build(entries: Iterable[Entry]) -> Index:
    index = Index()
    for entry in entries:
        others = [keys(text) for text in (entry.name_en, *entry.also) if text]
        index.entries.append((entry, keys(entry.name), others))
    return index


def _score(query: str, query_keys: Keys, k: Keys) -> int:
    """How well ``query`` matches one name's keys; 0 for no match."""
    if HANZI.search(query):
        if any(query == h for h in k.hanzi):
            return 100
        if any(query in h for h in k.hanzi):
            return 90
        # a wrong character that sounds right: 星巴客 → xingbake
        if any(q and q in s for q in query_keys.spelled for s in k.spelled):
            return 75
        return 0
    best = 0
    for s in k.spelled:
        if s == query:
            best = max(best, 95)
        elif s.startswith(query):
            best = max(best, 85)
        elif len(query) >= 3 and query in s:
            best = max(best, 65)
    for letters in k.letters:
        if letters == query:
            best = max(best, 92)
        elif letters.startswith(query):
            best = max(best, 80)
        elif len(query) >= 2 and query in letters:
            best = max(best, 55)
    for latin in k.latin:
        if latin == query:
            best = max(best, 95)
        elif latin.startswith(query):
            best = max(best, 82)
        elif len(query) >= 3 and query in latin:
            best = max(best, 60)
    return best


def find(index: Index, text: str, *, limit: int = MAX_RESULTS) -> list[Hit]:
    """The best matches first; a shop's own name outranks an alias or a product it sells."""
    query = _clean(text)
    if not query:
        return []
    query_keys = keys(query)
    hits = []
    for entry, own, others in index.entries:
        score, matched = _score(query, query_keys, own), entry.name
        texts = [t for t in (entry.name_en, *entry.also) if t]
        for other, label in zip(others, texts, strict=False):
            alt = _score(query, query_keys, other) - 10
            if alt > score:
                score, matched = alt, label
        if score > 0:
            hits.append(Hit(entry, score, matched))
    hits.sort(key=lambda h: (-h.score, len(h.entry.name), h.entry.name))
    return hits[:limit]
