"""Pure Annex 4 rules of the camera indicators: F2 smart sensing, F4 smart security, M4 patrol.

Plain counts in, (points, rule text, what is missing) out, as in :mod:`store.assessment.rules`. The
figures come from the patrol domain (cameras and their status, rounds) and footfall (counts posted by
camera nodes).
"""

from __future__ import annotations

from store.assessment.rules import Score, _bi, _pts


# F2 智能感知设施
def score_f2(entrances: int, entrances_reporting: int) -> Score:
    """F2: every entrance has a camera that is online and reporting counts → 4; any entrance without → 0.

    "Reporting": its camera delivered frames recently and its counts reached the store in the last day
    (Annex 4 grants the points only while the devices at the entrances are online and actually report)."""
    if entrances <= 0:
        rule = _bi("门店无入口区域，无法判定", "the store has no entrance zones")
        return (
            0,
            rule,
            _bi("在区域档案中登记入口并安装客流摄像头", "register the entrances and install counting cameras"),
        )
    if not 0 <= entrances_reporting <= entrances:
        raise ValueError(f"entrances reporting {entrances_reporting} must lie between 0 and {entrances}")
    if entrances_reporting == entrances:
        rule = _bi(
            f"{entrances}/{entrances} 个入口摄像头在线并上报 → 4 分",
            f"{entrances}/{entrances} entrance cameras online and reporting → 4 pts",
        )
        return 4, rule, ""
    silent = entrances - entrances_reporting
    rule = _bi(
        f"{entrances_reporting}/{entrances} 个入口摄像头在线并上报（须全部）→ 0 分",
        f"{entrances_reporting}/{entrances} entrance cameras online and reporting (all needed) → 0 pts",
    )
    missing = _bi(
        f"{silent} 个入口无在线上报的摄像头：检查摄像头与采集盒（smartstore vision run）",
        f"{silent} entrances have no camera online and reporting: check the cameras and the camera box",
    )
    return 0, rule, missing


# F4 智能安防管理
def score_f4(cameras_online: int, counted_intervals: int) -> Score:
    """F4: video surveillance (cameras online) → 2; passenger-flow monitoring on top (camera counts) → 2."""
    surveillance = cameras_online > 0
    flow = surveillance and counted_intervals > 0
    points = 2 * surveillance + 2 * flow
    rule = _bi(
        f"视频监控（在线摄像头 {cameras_online}）{'✓ 2' if surveillance else '✗ 0'} 分 + "
        f"客流监测（摄像头计数 {counted_intervals} 段）{'✓ 2' if flow else '✗ 0'} 分 = {points} 分",
        f"video surveillance ({cameras_online} cameras online) {'✓ 2' if surveillance else '✗ 0'} pts + "
        f"passenger-flow monitoring ({counted_intervals} camera-counted intervals) {'✓ 2' if flow else '✗ 0'} pts"
        f" = {_pts(points)}",
    )
    missing = []
    if not surveillance:
        missing.append(_bi("登记摄像头并接入采集盒", "register cameras and connect them to a camera box"))
    if not flow:
        missing.append(_bi("入口摄像头计数客流并上报", "count footfall with the entrance cameras"))
    return points, rule, "；".join(missing)


# M4 巡检管理
def score_m4(scheduled_routes: int, rounds_finished: int) -> Score:
    """M4: video patrol replacing or supplementing manual patrol → 3: a scheduled route and rounds run in
    the period (the patrol log); otherwise 0."""
    ok = scheduled_routes > 0 and rounds_finished > 0
    points = 3 if ok else 0
    rule = _bi(
        f"定时视频巡检路线 {scheduled_routes} 条，期内完成巡检 {rounds_finished} 轮 → {points} 分",
        f"{scheduled_routes} scheduled video patrol routes, {rounds_finished} rounds in the period → {_pts(points)}",
    )
    if ok:
        return 3, rule, ""
    todo = []
    if scheduled_routes <= 0:
        todo.append(_bi("建立定时视频巡检路线", "set up a scheduled video patrol route"))
    if rounds_finished <= 0:
        todo.append(_bi("期内执行视频巡检并留存巡检记录", "run video patrol rounds in the period (the patrol log)"))
    return 0, rule, "；".join(todo)
