"""Pure Annex 4 rule of the catalogue, in ``rules``' manner: S6 同品同质同价 on exact fractions."""

from __future__ import annotations

from fractions import Fraction

from store.assessment.rules import Score, _at_least, _bi, _check_part, pct

S6_THRESHOLD = Fraction(30, 100)


# S6 同品同质同价
def score_s6(in_parity: int, counted: int) -> Score:
    """S6: SKUs at one price online and offline ≥ 30 % of the SKUs on sale → 3, below → 1, none on sale → 0.

    Annex 4's seed text is cut off below 30 %; ANNEX4.md reads it as 1 point."""
    if counted <= 0:
        rule = _bi("期内无在售SKU，无法计算同价占比", "no SKU on sale in period: no parity share to compute")
        missing = _bi(
            "建立商品库与分渠道价格簿（或导入商品与价格历史）",
            "set up the catalogue and a price book per channel (or import products and price history)",
        )
        return 0, rule, missing
    _check_part(in_parity, counted)
    share = Fraction(in_parity, counted)
    now = pct(share, avoid=[S6_THRESHOLD])
    missing = _bi(
        f"线上线下同价SKU占比需达到 30%（现为 {now}，{in_parity}/{counted}）：按同价报告逐一校正漂移价格",
        f"bring SKUs at one price online and offline to 30% (now {now}, {in_parity}/{counted}): "
        "fix the drifted prices listed in the parity report",
    )
    return _at_least(share, S6_THRESHOLD, ("同品同质同价SKU占比", "SKUs in price parity"), (3, 1), missing)
