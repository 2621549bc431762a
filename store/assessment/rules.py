"""Pure Annex 4 scoring rules: plain numbers in, (points, rule text, what is missing) out.

Boundaries: 以上 (at or above) and 以下 (at or below) both include the number itself (PRC Civil Code
art. 1259); where two branches would both take a boundary value the higher branch applies. Shares and
growth are compared exactly (integers and fractions), so exactly 10 % or exactly 5 % is never lost to
float error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

Score = tuple[int, str, str]  # (points, rule applied zh / en, what is missing zh / en; "" at full marks)
Number = int | Fraction | Decimal | float

NO_BASELINE = "改造前无数据：请导入历史数据 / no data before the smart-upgrade date: import history"


def _boundary(on_edge: bool) -> tuple[str, str]:
    """The at-or-above reading stated in the rule text, zh and en."""
    if on_edge:
        return (
            "（以上含本数，民法典第1259条；恰为边界值，取高档）",
            "(at-or-above includes the number, Civil Code art. 1259; on the boundary: higher branch)",
        )
    return "（以上含本数，民法典第1259条）", "(at-or-above includes the number, Civil Code art. 1259)"


def _pts(points: int) -> str:
    """'1 pt', '2 pts'."""
    return f"{points} pt" if points == 1 else f"{points} pts"


def _bi(zh: str, en: str) -> str:
    """Chinese first, English beside."""
    return f"{zh} / {en}"


def _exact(value: Number) -> Fraction:
    """A number as an exact fraction; floats are read by their decimal text (0.1 is 1/10)."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def pct(share: Fraction, *, avoid: Sequence[Fraction] = ()) -> str:
    """A share as a percentage with one decimal, more where rounding would hide a boundary."""
    text = ""
    for places in range(1, 7):
        text = f"{float(share * 100):.{places}f}%"
        if all(share == t or f"{float(t * 100):.{places}f}%" != text for t in avoid):
            return text
    return text


def growth_percent(growth: Fraction, *, places: int = 2) -> float:
    """A growth as a percentage number for a figure: ``places`` decimals, more where rounding would land on
    5 % or 0 % while the exact value is not there (4.99996 % never shows as 5.00)."""
    marks = (GROWTH_THRESHOLD * 100, Fraction(0))
    value = growth * 100
    for digits in range(places, 9):
        shown = round(value, digits)
        if all(value == mark or Fraction(shown) != mark for mark in marks):
            return float(shown)
    return float(value)


def _check_part(part: int, whole: int) -> None:
    """Refuse counts where the part is negative or larger than the whole."""
    if part < 0 or part > whole:
        raise ValueError(f"part {part} must lie between 0 and the whole {whole}")


def _at_least(
    share: Fraction, threshold: Fraction, label: tuple[str, str], points: tuple[int, int], missing: str
) -> Score:
    """Two branches: share ≥ threshold (boundary included) earns points[0], below earns points[1]."""
    zh, en = label
    shown, limit = pct(share, avoid=[threshold]), f"{float(threshold * 100):g}%"
    if share >= threshold:
        note_zh, note_en = _boundary(share == threshold)
        rule = _bi(
            f"{zh} {shown} ≥ {limit}{note_zh}→ {points[0]} 分", f"{en} {shown} ≥ {limit} {note_en} → {_pts(points[0])}"
        )
        return points[0], rule, ""
    rule = _bi(f"{zh} {shown} < {limit} → {points[1]} 分", f"{en} {shown} < {limit} → {_pts(points[1])}")
    return points[1], rule, missing


# S4 线上交易额占比
def score_s4(online_fen: int, total_fen: int) -> Score:
    """S4: online revenue ≥ 10 % of store revenue → 2, below → 1, no revenue → 0."""
    if total_fen <= 0:
        rule = _bi("期内无营业额，无法计算占比", "no revenue in period: no share to compute")
        return 0, rule, _bi("期内无营业额：请导入线下及线上订单", "no revenue in period: import orders")
    _check_part(online_fen, total_fen)
    share, threshold = Fraction(online_fen, total_fen), Fraction(10, 100)
    now = pct(share, avoid=[threshold])
    missing = _bi(
        f"线上交易额占比需达到 10%（现为 {now}）：经小程序商城、直播引导线上成交",
        "raise the online share to 10%: sell through the mini-program mall and live streams",
    )
    return _at_least(share, threshold, ("线上交易额占比", "online share"), (2, 1), missing)


# S5 线上月活成交占比
def score_s5(mau_online_orders: int, online_orders: int) -> Score:
    """S5: online orders by monthly-active users ≥ 60 % of online orders → 2, below → 1, none → 0."""
    if online_orders <= 0:
        rule = _bi("期内无线上交易，无法计算占比", "no online transactions in period: no share to compute")
        return 0, rule, _bi("开通线上商城并导入线上订单", "no online transactions: open the online mall, import orders")
    _check_part(mau_online_orders, online_orders)
    share = Fraction(mau_online_orders, online_orders)
    missing = _bi(
        "月活会员成交占比需达到 60%：以会员活动、推送提高复购",
        "raise monthly-active members' share of online orders to 60%: member campaigns and pushes",
    )
    return _at_least(share, Fraction(60, 100), ("线上月活成交占比", "MAU transaction share"), (2, 1), missing)


# C2 智能支付
def c2_covered(trading: Iterable[int], till_shops: Set[int], capture_shops: Set[int]) -> set[int]:
    """C2: the trading shops covered by their own till agent or their capture box posting sales; a shop that
    only declares daily totals is not covered (nothing of its POS reaches the store)."""
    return {shop for shop in trading if shop in till_shops or shop in capture_shops}


def score_c2(shops_with_pos: int, shops_open: int) -> Score:
    """C2: smart POS at 100 % of open shops → 5, ≥ 50 % → 3, < 50 % → 0, no open shops → 0."""
    if shops_open <= 0:
        rule = _bi("期内无营业商户", "no shops open in period")
        return 0, rule, _bi("登记营业商户及其收银终端", "register the open shops and their tills")
    _check_part(shops_with_pos, shops_open)
    share, count = Fraction(shops_with_pos, shops_open), f"{shops_with_pos}/{shops_open}"
    if share == 1:
        rule = _bi(f"智能POS覆盖 100%（{count} 家）= 100% → 5 分", f"smart POS at 100% of shops ({count}) → 5 pts")
        return 5, rule, ""
    lacking = shops_open - shops_with_pos
    missing = _bi(
        f"其余 {lacking} 家商户接入智能POS（原生收银或小票采集）并联网上报",
        f"connect the remaining {lacking} shops' tills (native POS or receipt capture)",
    )
    shown = pct(share, avoid=[Fraction(1, 2)])
    if share >= Fraction(1, 2):
        note_zh, note_en = _boundary(share == Fraction(1, 2))
        rule = _bi(
            f"智能POS覆盖 {shown}（{count} 家）≥ 50%{note_zh}→ 3 分",
            f"smart POS at {shown} of shops ({count}) ≥ 50% {note_en} → 3 pts",
        )
        return 3, rule, missing
    rule = _bi(
        f"智能POS覆盖 {shown}（{count} 家）< 50% → 0 分", f"smart POS at {shown} of shops ({count}) < 50% → 0 pts"
    )
    return 0, rule, missing


# B1 客流量, B2 经营情况, B3 坪效, B4 人效: (label zh, label en, full, middle)
GROWTH_RULES: dict[str, tuple[str, str, int, int]] = {
    "B1": ("月均客流量", "monthly average footfall", 3, 2),
    "B2": ("月均营业额", "monthly average revenue", 3, 2),
    "B3": ("月均坪效", "monthly average sales per m²", 2, 1),
    "B4": ("月均人效", "monthly average sales per staff", 2, 1),
}
GROWTH_THRESHOLD = Fraction(5, 100)


def score_growth(indicator_id: str, before_avg: Number | None, after_avg: Number | None) -> Score:
    """B1–B4: growth ≥ 5 % → full, 0 < growth < 5 % → middle, not up → 0, no baseline → 0."""
    zh, en, full, middle = GROWTH_RULES[indicator_id]
    if before_avg is None or _exact(before_avg) <= 0:
        return 0, _bi(f"改造前无{zh}数据，无法计算增长", f"no {en} before the smart upgrade"), NO_BASELINE
    if after_avg is None:
        rule = _bi(f"期内无{zh}数据", f"no {en} in the period")
        return 0, rule, _bi("导入本期数据后重新评估", "import the period's data and assess again")
    before, after = _exact(before_avg), _exact(after_avg)
    growth = (after - before) / before
    shown = pct(growth, avoid=[GROWTH_THRESHOLD, Fraction(0)])
    if growth >= GROWTH_THRESHOLD:
        note_zh, note_en = _boundary(growth == GROWTH_THRESHOLD)
        rule = _bi(f"{zh}增长 {shown} ≥ 5%{note_zh}→ {full} 分", f"{en} up {shown} ≥ 5% {note_en} → {_pts(full)}")
        return full, rule, ""
    if growth > 0:
        rule = _bi(
            f"{zh}增长 {shown}（0 < {shown} < 5%）→ {middle} 分", f"{en} up {shown} (0 < {shown} < 5%) → {_pts(middle)}"
        )
        return middle, rule, _bi(f"{zh}增长需达到 5% 可得满分", f"{en} must grow 5% or more for full marks")
    rule = _bi(f"{zh}未增长（{shown} ≤ 0）→ 0 分", f"{en} not up ({shown} ≤ 0) → 0 pts")
    return 0, rule, _bi(f"{zh}需高于改造前月均水平", f"{en} must rise above the pre-upgrade average")


@dataclass(frozen=True)
class ZoneSurvey:
    """One row of the F1 coverage survey: signals measured in one zone of the store."""

    zone: str
    wifi: bool
    wifi_stable: bool
    g5: bool
    g5_stable: bool
    other_signal: bool


def _zones(names: Sequence[str]) -> str:
    """A short list of zone names for a missing text."""
    shown = ", ".join(names[:5])
    return shown + (f" (+{len(names) - 5})" if len(names) > 5 else "")


# F1 网络通信设施
def score_f1(survey: Sequence[ZoneSurvey], zone_count: int) -> Score:
    """F1: WiFi + 5G everywhere and stable → 4, both everywhere → 2, WiFi + other signal → 1, else 0."""
    if zone_count <= 0:
        rule = _bi("未登记门店区域", "no zones registered")
        return 0, rule, _bi("登记门店区域并完成信号覆盖测试", "register the zones and survey their coverage")
    rows = list({row.zone: row for row in survey}.values())  # a zone's last row wins: pass oldest first
    if len(rows) < zone_count:
        left = zone_count - len(rows)
        rule = _bi(
            f"仅测试 {len(rows)}/{zone_count} 个区域，不能证明全店覆盖 → 0 分",
            f"only {len(rows)} of {zone_count} zones surveyed: no whole-store coverage → 0 pts",
        )
        return 0, rule, _bi(f"测试其余 {left} 个区域的 WiFi/5G 信号", f"survey the remaining {left} zones")
    no_wifi = [r.zone for r in rows if not r.wifi]
    no_5g = [r.zone for r in rows if not r.g5]
    unstable = [r.zone for r in rows if not (r.wifi_stable and r.g5_stable)]
    no_mobile = [r.zone for r in rows if not (r.g5 or r.other_signal)]
    if not no_wifi and not no_5g:
        if not unstable:
            return 4, _bi("WiFi 与 5G 全店覆盖且稳定 → 4 分", "WiFi and 5G cover the store, stable → 4 pts"), ""
        rule = _bi("WiFi 与 5G 全店覆盖但部分不稳定 → 2 分", "WiFi and 5G cover the store, unstable → 2 pts")
        return (
            2,
            rule,
            _bi(
                f"信号不稳定（{_zones(unstable)}）：增设AP或5G室分",
                f"unstable in {_zones(unstable)}: add access points or 5G indoor cells",
            ),
        )
    if not no_wifi and not no_mobile:
        rule = _bi("WiFi 全店覆盖，另有其他信号，5G 未全覆盖 → 1 分", "WiFi everywhere plus other signal, no 5G → 1 pt")
        return (
            1,
            rule,
            _bi(
                f"5G 未覆盖（{_zones(no_5g)}）：联系运营商建设5G室分",
                f"no 5G in {_zones(no_5g)}: ask the carrier for indoor 5G",
            ),
        )
    gaps = no_wifi or no_mobile
    rule = _bi("WiFi 或移动信号未全店覆盖 → 0 分", "WiFi or mobile signal misses part of the store → 0 pts")
    return (
        0,
        rule,
        _bi(f"信号盲区（{_zones(gaps)}）：补齐 WiFi 与 5G", f"no coverage in {_zones(gaps)}: add WiFi and 5G"),
    )


DATA_CENTER_KINDS: dict[str, tuple[str, str, int]] = {
    "self_hosted": ("自有机房/数据中心", "own server room / data center", 4),
    "cloud": ("租用云数据中心", "rented cloud data center", 4),
    "other": ("其他存储方式", "other storage", 2),
}
BACKUP_MAX_AGE_DAYS = 7  # the newest good backup may be at most this many days older than the period's last day


@dataclass(frozen=True)
class BackupCheck:
    """F3: the system's own backups as of the period's last day (business days in the store's timezone).

    ``last_backup_on``: the newest backup that passed its check, on or before ``period_end``;
    ``last_drill_on``: the newest successful restore drill, on or before ``period_end``.
    """

    period_start: date
    period_end: date
    last_backup_on: date | None
    last_drill_on: date | None

    @property
    def backup_fresh(self) -> bool:
        """A good backup at most BACKUP_MAX_AGE_DAYS before the period's last day (that day itself is age 0)."""
        on = self.last_backup_on
        return on is not None and 0 <= (self.period_end - on).days <= BACKUP_MAX_AGE_DAYS

    @property
    def drilled(self) -> bool:
        """A successful restore drill within the period, both ends included."""
        on = self.last_drill_on
        return on is not None and self.period_start <= on <= self.period_end

    @property
    def verified(self) -> bool:
        return self.backup_fresh and self.drilled

    def text(self) -> str:
        """The rule applied, with the dates, zh / en."""
        limit = BACKUP_MAX_AGE_DAYS
        if self.last_backup_on is None:
            backup = ("无合格备份", "no good backup")
        else:
            age = (self.period_end - self.last_backup_on).days
            sign = "≤" if self.backup_fresh else ">"
            backup = (
                f"最近合格备份 {self.last_backup_on}（距期末 {age} 天 {sign} {limit} 天）",
                f"last good backup {self.last_backup_on} ({age} days before the period's end {sign} {limit})",
            )
        span = f"{self.period_start}..{self.period_end}"
        if self.last_drill_on is None:
            drill = (f"评估期 {span} 内无成功的恢复演练", f"no successful restore drill in {span}")
        else:
            where = ("在", "within") if self.drilled else ("不在", "outside")
            drill = (
                f"最近成功恢复演练 {self.last_drill_on}（{where[0]}评估期 {span} 内）",
                f"last successful restore drill {self.last_drill_on} ({where[1]} {span})",
            )
        verdict = ("备份已验证", "backups verified") if self.verified else ("备份未验证", "backups not verified")
        return _bi(f"{backup[0]}，{drill[0]} → {verdict[0]}", f"{backup[1]}, {drill[1]} → {verdict[1]}")

    def todo(self) -> str:
        """What to do for verified backups ("" when they are)."""
        steps = []
        if not self.backup_fresh:
            steps.append(
                _bi(
                    f"每 {BACKUP_MAX_AGE_DAYS} 天内至少完成一次备份（smartstore backup，或 worker 夜间任务）",
                    f"take a backup at least every {BACKUP_MAX_AGE_DAYS} days "
                    "(smartstore backup, or the worker's nightly job)",
                )
            )
        if not self.drilled:
            steps.append(
                _bi(
                    "评估期内完成一次恢复演练（smartstore restore FILE --drill）",
                    "run a restore drill within the period (smartstore restore FILE --drill)",
                )
            )
        return "；".join(steps)


# F3 数据中心
def score_f3(kind: str | None, backups: BackupCheck) -> Score:
    """F3: own server room or rented cloud DC with verified backups → 4, other storage → 2, nothing recorded → 0.

    Reading: the system checks its own backups (Annex 4 evidence); a data center whose backups are not
    verified (no good backup in the last BACKUP_MAX_AGE_DAYS days of the period, or no successful
    restore drill within it) is counted as other storage → 2.
    """
    check = backups.text()
    if kind is None:
        rule = _bi("未登记数据存储方式 → 0 分", "no data storage recorded → 0 pts") + f"；{check}"
        todo = _bi("登记部署方式（自有机房或云）", "record the deployment (own server room or cloud)")
        return 0, rule, "；".join(part for part in (todo, backups.todo()) if part)
    if kind not in DATA_CENTER_KINDS:
        raise ValueError(f"unknown data-center kind {kind!r}")
    zh, en, points = DATA_CENTER_KINDS[kind]
    if points == 4 and backups.verified:
        return 4, _bi(f"{zh}，备份已验证 → 4 分", f"{en}, backups verified → 4 pts") + f"；{check}", ""
    if points == 4:
        rule = _bi(
            f"{zh}，但备份未验证，按其他存储方式计 → 2 分",
            f"{en}, but backups not verified: counted as other storage → 2 pts",
        )
        return 2, f"{rule}；{check}", backups.todo()
    rule = _bi(f"{zh} → {points} 分", f"{en} → {_pts(points)}") + f"；{check}"
    missing = _bi("迁入自有机房或租用云数据中心", "move the data to an own server room or a rented cloud DC")
    return points, rule, "；".join(part for part in (missing, backups.todo()) if part)


# M1 智能办公: (earned, zh, en, to do zh, to do en)
def score_m1(paperless: bool, office_system_all_business: bool) -> Score:
    """M1: paperless office → 2, plus an office system covering all business → 2."""
    parts = (
        (paperless, "无纸化办公", "paperless office", "推行无纸化审批与文档", "go paperless"),
        (
            office_system_all_business,
            "覆盖全业务的办公系统",
            "office system for all business",
            "办公系统覆盖全部业务流程",
            "run every business process in the office system",
        ),
    )
    points = sum(2 for ok, *_ in parts if ok)
    rule_zh = " + ".join(f"{zh} {'✓ 2' if ok else '✗ 0'} 分" for ok, zh, *_ in parts)
    rule_en = " + ".join(f"{en} {'✓ 2' if ok else '✗ 0'} pts" for ok, _, en, *_ in parts)
    missing = "；".join(_bi(todo_zh, todo_en) for ok, _, _, todo_zh, todo_en in parts if not ok)
    return points, _bi(f"{rule_zh} = {points} 分", f"{rule_en} = {_pts(points)}"), missing
