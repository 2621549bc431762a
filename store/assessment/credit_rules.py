"""S9 信用信息服务 scoring, a sibling of :mod:`store.assessment.rules`: plain numbers in, a Score out.

- merchant credit system in use → 2: every shop open on the period's last day has a score computed in
  the week before it (the nightly job and every event keep it so);
- a credit QR code at every shop → 2: every open shop's last patrol scan in the 30 days to the period's
  last day found a valid code (genuine, current, at its own unit); the shops missing one are listed;
- credit-based financial services → 1: one or more services with at least one referral in the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.assessment.rules import Score, _bi, _pts

SHOWN_MISSING = 10


@dataclass(frozen=True)
class S9Facts:
    open_shops: int
    scored_shops: int  # open shops with a score computed in the week to the period's last day
    missing_codes: Sequence[str]  # open shops without a valid scan: "1F-001（无扫描 / no scan）"
    services_with_referrals: int


def _listed(items: Sequence[str]) -> str:
    shown = "、".join(items[:SHOWN_MISSING])
    return shown + (f" …（+{len(items) - SHOWN_MISSING}）" if len(items) > SHOWN_MISSING else "")


def score_s9(facts: S9Facts) -> Score:
    """S9: credit system 2 + a valid QR at every open shop 2 + one or more credit services with referrals 1."""
    parts: list[tuple[int, str, str, str]] = []  # (points, zh, en, to do)
    system = facts.open_shops > 0 and facts.scored_shops == facts.open_shops
    parts.append(
        (
            2 if system else 0,
            f"商户信用评分 {facts.scored_shops}/{facts.open_shops} 家在营商户",
            f"credit scores for {facts.scored_shops}/{facts.open_shops} open shops",
            "" if system else _bi("为每家在营商户计算信用评分（夜间任务）", "score every open shop (nightly job)"),
        )
    )
    missing = list(facts.missing_codes)
    qr = facts.open_shops > 0 and not missing
    parts.append(
        (
            2 if qr else 0,
            f"巡检扫码有效 {facts.open_shops - len(missing)}/{facts.open_shops} 家",
            f"valid code scanned at {facts.open_shops - len(missing)}/{facts.open_shops} shops",
            ""
            if qr
            else _bi(f"以下商户缺少有效信用码：{_listed(missing)}", f"shops without a valid code: {_listed(missing)}")
            if missing
            else _bi("暂无在营商户", "no open shops"),
        )
    )
    services = facts.services_with_referrals >= 1
    parts.append(
        (
            1 if services else 0,
            f"有转介记录的信用服务 {facts.services_with_referrals} 项",
            f"{facts.services_with_referrals} credit service(s) with referrals",
            "" if services else _bi("登记信用服务并转介商户", "register a credit service and refer shops to it"),
        )
    )
    points = sum(p for p, *_ in parts)
    rule_zh = " + ".join(f"{zh} → {p} 分" for p, zh, _en, _todo in parts)
    rule_en = " + ".join(f"{en} → {_pts(p)}" for p, _zh, en, _todo in parts)
    missing_text = "；".join(todo for *_, todo in parts if todo)
    return points, _bi(f"{rule_zh} = {points} 分", f"{rule_en} = {_pts(points)}"), missing_text
