"""Pure Annex 4 rules of the facilities and platform indicators (F1 from surveys, F5, C3, M1, M3), in the
manner of ``rules.py``: plain facts in, (points, rule applied zh / en, what is missing) out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from store.assessment.rules import Score, ZoneSurvey, _bi, _pts

# F1: what a survey app's figures mean. Reading of 覆盖 (covered) and 信号稳定 (stable): WiFi at -80 dBm
# or better is usable, at -70 dBm with 20 Mbit/s or more it is stable; a 5G RSRP of -110 dBm or better is
# coverage, -100 dBm with 100 Mbit/s or more is stable. Both ends included (以上).
WIFI_COVERED_DBM, WIFI_STABLE_DBM, WIFI_STABLE_MBPS = -80, -70, 20.0
G5_COVERED_DBM, G5_STABLE_DBM, G5_STABLE_MBPS = -110, -100, 100.0
F1_READING = _bi(
    "覆盖：WiFi ≥ -80 dBm、5G RSRP ≥ -110 dBm；稳定：WiFi ≥ -70 dBm 且 ≥ 20 Mbit/s、5G ≥ -100 dBm 且 ≥ 100 Mbit/s",
    "covered: WiFi ≥ -80 dBm, 5G RSRP ≥ -110 dBm; stable: WiFi ≥ -70 dBm and ≥ 20 Mbit/s, "
    "5G ≥ -100 dBm and ≥ 100 Mbit/s",
)


def zone_survey(
    zone: str,
    *,
    wifi_dbm: int | None,
    wifi_mbps: float | None,
    g5_dbm: int | None,
    g5_mbps: float | None,
    other_signal: bool,
) -> ZoneSurvey:
    """One measured zone as the F1 rule reads it."""
    wifi = wifi_dbm is not None and wifi_dbm >= WIFI_COVERED_DBM
    g5 = g5_dbm is not None and g5_dbm >= G5_COVERED_DBM
    return ZoneSurvey(
        zone=zone,
        wifi=wifi,
        wifi_stable=wifi and wifi_dbm >= WIFI_STABLE_DBM and (wifi_mbps or 0) >= WIFI_STABLE_MBPS,  # type: ignore[operator]
        g5=g5,
        g5_stable=g5 and g5_dbm >= G5_STABLE_DBM and (g5_mbps or 0) >= G5_STABLE_MBPS,  # type: ignore[operator]
        other_signal=other_signal or g5,
    )


OM_NAMES: dict[str, tuple[str, str]] = {
    "power_control": ("智能控电", "smart power control"),
    "ip_broadcast": ("IP 智能广播", "IP broadcast"),
    "energy_meter": ("能耗监测", "energy monitoring"),
    "air_quality": ("空气监测", "air monitoring"),
    "electrical_monitor": ("电气监测", "electrical monitoring"),
}


# F5 智能运维设施
def score_f5(reporting: Mapping[str, int]) -> Score:
    """F5: one or more kinds of O&M device (smart power, IP broadcast, energy / air / electrical monitors)
    reporting → 4; none → 0. ``reporting``: kind → devices that sent data in the window."""
    live = [k for k in OM_NAMES if reporting.get(k, 0) > 0]
    if live:
        zh = "、".join(OM_NAMES[k][0] for k in live)
        en = ", ".join(OM_NAMES[k][1] for k in live)
        return 4, _bi(f"运维设备在线上报：{zh}（≥ 1 种）→ 4 分", f"O&M devices reporting: {en} (≥ 1 kind) → 4 pts"), ""
    rule = _bi("无运维设备上报数据 → 0 分", "no O&M device reporting → 0 pts")
    missing = _bi(
        "接入至少一种智能控电、IP广播或能耗/空气/电气监测设备并经 MQTT 上报",
        "connect at least one smart power, IP broadcast or energy / air / electrical monitor over MQTT",
    )
    return 0, rule, missing


INTERACTIVE_NAMES: dict[str, tuple[str, str]] = {
    "fitting_mirror": ("虚拟试衣镜", "virtual fitting mirror"),
    "makeup_mirror": ("虚拟试妆镜", "virtual makeup mirror"),
    "fitting_room": ("智能试衣间", "smart fitting room"),
    "smart_shelf": ("智能货架", "smart shelf"),
    "led_touch_screen": ("智能LED触摸互动屏", "LED touch screen"),
}
C3_MAX = 5


# C3 互动体验
def score_c3(usage: Mapping[str, int]) -> Score:
    """C3: one point per interactive device kind in use (usage events in the window), max 5."""
    used = [k for k in INTERACTIVE_NAMES if usage.get(k, 0) > 0]
    points = min(len(used), C3_MAX)
    if used:
        zh = "、".join(INTERACTIVE_NAMES[k][0] for k in used)
        en = ", ".join(INTERACTIVE_NAMES[k][1] for k in used)
    else:
        zh, en = "无", "none"
    rule = _bi(
        f"有使用记录的互动设备 {len(used)} 种（{zh}），每种 1 分，最多 {C3_MAX} 分 → {points} 分",
        f"{len(used)} interactive device kinds in use ({en}), 1 pt each, max {C3_MAX} → {_pts(points)}",
    )
    if points == C3_MAX:
        return points, rule, ""
    lacking = [INTERACTIVE_NAMES[k] for k in INTERACTIVE_NAMES if k not in used]
    missing = _bi(
        "投用并上报使用记录：" + "、".join(z for z, _ in lacking),
        "put into use, with usage events: " + ", ".join(e for _, e in lacking),
    )
    return points, rule, missing


@dataclass(frozen=True)
class SourceActivity:
    key: str
    zh: str
    en: str
    rows: int | None  # None: the module is not in this build


def _list(items: Sequence[SourceActivity]) -> tuple[str, str]:
    return "、".join(s.zh for s in items) or "无", ", ".join(s.en for s in items) or "none"


M3_MAX = 4


# M3 综合管理平台
def score_m3(modules: Sequence[SourceActivity]) -> Score:
    """M3: one point per integrated module live (data received in the window), max 4."""
    live = [m for m in modules if m.rows]
    points = min(len(live), M3_MAX)
    zh, en = _list(live)
    rule = _bi(
        f"在用集成模块 {len(live)} 个（{zh}），每个 1 分，最多 {M3_MAX} 分 → {points} 分",
        f"{len(live)} integrated modules live ({en}), 1 pt each, max {M3_MAX} → {_pts(points)}",
    )
    if points == M3_MAX:
        return points, rule, ""
    idle_zh, idle_en = _list([m for m in modules if not m.rows])
    return points, rule, _bi(f"启用并接入：{idle_zh}", f"bring live: {idle_en}")


# M1 智能办公: paperless (measured from workflows, else attested) + office system (attested)
def score_m1(workflows: Sequence[SourceActivity], paperless_attested: bool, office_system_attested: bool) -> Score:
    """M1: paperless office → 2 (measured: a workflow of the system used in the window; or attested in the
    evidence register), plus an office system covering all business → 2 (attested in the register)."""
    used = [w for w in workflows if w.rows]
    zh, en = _list(used)
    if used:
        paper = (2, f"无纸化办公（实测：{zh} 在用）✓ 2 分", f"paperless office (measured: {en} in use) ✓ 2 pts")
    elif paperless_attested:
        paper = (2, "无纸化办公（证据登记）✓ 2 分", "paperless office (attested in the register) ✓ 2 pts")
    else:
        paper = (0, "无纸化办公 ✗ 0 分（系统内无审批流程使用记录）", "paperless office ✗ 0 pts (no workflow used)")
    office = (
        (2, "覆盖全业务的办公系统（证据登记）✓ 2 分", "office system for all business (attested) ✓ 2 pts")
        if office_system_attested
        else (0, "覆盖全业务的办公系统 ✗ 0 分", "office system for all business ✗ 0 pts")
    )
    points = paper[0] + office[0]
    rule = _bi(f"{paper[1]} + {office[1]} = {points} 分", f"{paper[2]} + {office[2]} = {_pts(points)}")
    todo = []
    if not paper[0]:
        todo.append(
            _bi("在系统中办理审批（调价、投诉、告警确认）", "run approvals in the system (prices, complaints, alerts)")
        )
    if not office[0]:
        todo.append(
            _bi("在证据登记中记录覆盖全业务的办公系统", "record the office system for all business in the register")
        )
    return points, rule, "；".join(todo)


@dataclass(frozen=True)
class AnalysisArea:
    """One M2 analysis area: its admin dashboard, and the records it analysed in the window."""

    key: str
    zh: str
    en: str
    dashboard: str
    rows: int | None  # None: the area's analysis is not in this build yet


M2_MAX = 4


# M2 运营分析管理: 客流、会员消费、商品与服务、商户经营分析，每项 1 分，最多 4 分
def score_m2(areas: Sequence[AnalysisArea]) -> Score:
    """M2: one point per analysis area (footfall, member spending, goods and services, merchant operations)
    whose admin dashboard is in this build and analysed data in the window; max 4."""
    live = [a for a in areas if a.rows]
    points = min(len(live), M2_MAX)
    zh = "、".join(a.zh for a in live) or "无"
    en = ", ".join(a.en for a in live) or "none"
    rule = _bi(
        f"有数据的运营分析看板 {len(live)} 个（{zh}），每个 1 分，最多 {M2_MAX} 分 → {points} 分",
        f"{len(live)} operations analysis dashboards with data ({en}), 1 pt each, max {M2_MAX} → {_pts(points)}",
    )
    if points == M2_MAX:
        return points, rule, ""
    todo_zh, todo_en = [], []
    for a in areas:
        if a.rows is None:
            todo_zh.append(f"{a.zh}（看板尚未上线）")
            todo_en.append(f"{a.en} (dashboard not built yet)")
        elif not a.rows:
            todo_zh.append(f"{a.zh}（{a.dashboard} 期内无数据）")
            todo_en.append(f"{a.en} (no data in the window at {a.dashboard})")
    return points, rule, _bi("；".join(todo_zh), "; ".join(todo_en))
