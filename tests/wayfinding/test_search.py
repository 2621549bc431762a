"""Kiosk search: hanzi, full pinyin, first letters (with y/w), wrong characters that sound right, polyphones."""

from __future__ import annotations

import pytest

from store.wayfinding import search

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

SHOPS = [
    search.Entry("shop:1", "耐克", "Nike", ("运动鞋",)),
    search.Entry("shop:2", "星巴克", "Starbucks", ("咖啡",)),
    search.Entry("shop:3", "王府井精品", "Wangfujing Select"),
    search.Entry("shop:4", "重庆小面"),
    search.Entry("shop:5", "周大福", "Chow Tai Fook"),
    search.Entry("shop:6", "屈臣氏", "Watsons"),
    search.Entry("shop:7", "银泰百货"),
    search.Entry("shop:8", "长城电器"),
    search.Entry("shop:9", "H&M"),
    search.Entry("shop:10", "海底捞"),
    search.Entry("shop:11", "名创优品"),
    search.Entry("shop:12", "泡泡玛特"),
]
INDEX = search.build(SHOPS)


def first(query: str) -> str:
    hits = search.find(INDEX, query)
    return hits[0].entry.name if hits else ""


class TestGoldenQueries:
    @pytest.mark.parametrize(
        "query,expected",
        [
            ("nk", "耐克"),
            ("xbk", "星巴克"),
            ("xingbake", "星巴克"),
            ("xingba", "星巴克"),
            ("星巴克", "星巴克"),
            ("巴克", "星巴克"),
            ("starbucks", "星巴克"),
            ("Nike", "耐克"),
            ("zdf", "周大福"),
            ("qcs", "屈臣氏"),
            ("hdl", "海底捞"),
            ("mcyp", "名创优品"),
            ("ppmt", "泡泡玛特"),
            ("HM", "H&M"),
            ("h&m", "H&M"),
        ],
    )
    def test_the_expected_shop_comes_first(self, query: str, expected: str):
        assert first(query) == expected


class TestFirstLetters:
    def test_y_and_w_are_kept(self):
        """Pinyin 'initials' drop y and w (王 → ''); first letters keep them: wfj finds 王府井, ytbh 银泰."""
        assert first("wfj") == "王府井精品"
        assert first("ytbh") == "银泰百货"


class TestWrongCharacter:
    @pytest.mark.parametrize(
        "typo,shop",
        [
            ("星巴客", "星巴克"),
            ("周大付", "周大福"),
            ("海低捞", "海底捞"),
            ("名创忧品", "名创优品"),
            ("泡泡马特", "泡泡玛特"),
        ],
    )
    def test_a_homophone_typo_still_finds_the_shop(self, typo: str, shop: str):
        assert first(typo) == shop


class TestPolyphones:
    def test_phrases_read_right(self):
        assert first("cqxm") == "重庆小面"
        assert first("ccdq") == "长城电器"

    def test_every_reading_is_indexed_within_the_cap(self):
        keys = search.keys("屈臣氏")
        assert "qcs" in keys.letters
        assert len(keys.spelled) <= search.MAX_READINGS

    def test_aliases_rank_below_the_name(self):
        hits = search.find(INDEX, "kafei")
        assert hits[0].entry.name == "星巴克" and hits[0].matched == "咖啡"


class TestNothing:
    def test_blank_or_unmatched_queries_find_nothing(self):
        assert search.find(INDEX, "  ") == []
        assert search.find(INDEX, "zzzzqqq") == []
