"""Patrol checks on a camera's frames (OpenCV and numpy), and the monitors that turn them into findings.

Picture checks compare a frame with the camera's reference view (one for day, one for night: an IR
night picture has no colour), so thresholds follow the scene rather than one number for every camera.
Monitors add time: a condition raises a finding only once it has held for its limit, raises it once,
and reports one recovery when it goes (no storm of findings from a flapping camera).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from vision.counting import Box, Point, ground_point, inside

# Findings a camera node raises (the server's FindingKind has the same values).
OFFLINE, FROZEN, BLACK, WHITE, COVERED, BLUR, MOVED = "offline", "frozen", "black", "white", "covered", "blur", "moved"
CROWD_WARN, CROWD_ALARM, INTRUSION, EXIT_BLOCKED = "crowd_warn", "crowd_alarm", "intrusion", "exit_blocked"

DARK_MEAN, BRIGHT_MEAN, FLAT_STD = 25.0, 230.0, 10.0
BLUR_RATIO = 0.3  # sharpness below 30 % of the reference's: out of focus
SHIFT_PX = 15.0  # the view moved by more than this many pixels
SAME_VIEW = 0.5  # histogram correlation below this: another view altogether
NIGHT_SATURATION = 12.0  # mean HSV saturation below this: an IR (black and white) night picture
FROZEN_DIFF = 0.5  # mean absolute difference between frames below this: the same picture


def _cv2() -> Any:
    import cv2

    return cv2


def gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    return _cv2().cvtColor(frame, _cv2().COLOR_BGR2GRAY)


def sharpness(frame: np.ndarray) -> float:
    """Variance of the Laplacian: high for a sharp picture, low for a blurred one."""
    return float(_cv2().Laplacian(gray(frame), _cv2().CV_64F).var())


def is_night(frame: np.ndarray) -> bool:
    """An IR night picture: (almost) no colour."""
    if frame.ndim == 2:
        return True
    hsv = _cv2().cvtColor(frame, _cv2().COLOR_BGR2HSV)
    return float(hsv[:, :, 1].mean()) < NIGHT_SATURATION


def shift(reference: np.ndarray, frame: np.ndarray) -> tuple[float, float]:
    """How far the view moved against the reference (pixels), and how alike the two pictures are (-1..1)."""
    cv2 = _cv2()
    a, b = gray(reference).astype(np.float32), gray(frame).astype(np.float32)
    window = cv2.createHanningWindow(a.shape[::-1], cv2.CV_32F)
    (dx, dy), _ = cv2.phaseCorrelate(a, b, window)
    ha = cv2.calcHist([gray(reference)], [0], None, [32], [0, 256])
    hb = cv2.calcHist([gray(frame)], [0], None, [32], [0, 256])
    return float((dx * dx + dy * dy) ** 0.5), float(cv2.compareHist(ha, hb, cv2.HISTCMP_CORREL))


@dataclass
class Reference:
    """A camera's reference view for one light (day or night), taken when it was known to be right."""

    image: np.ndarray
    sharpness: float

    @classmethod
    def of(cls, frame: np.ndarray) -> Reference:
        return cls(frame.copy(), sharpness(frame))


@dataclass
class References:
    day: Reference | None = None
    night: Reference | None = None

    def for_frame(self, frame: np.ndarray) -> Reference | None:
        return self.night if is_night(frame) else self.day

    def rebaseline(self, frame: np.ndarray) -> None:
        """Take ``frame`` as the reference for its light (the button after maintenance)."""
        if is_night(frame):
            self.night = Reference.of(frame)
        else:
            self.day = Reference.of(frame)


def picture_problems(frame: np.ndarray, references: References) -> set[str]:
    """What is wrong with one frame: black, white, covered, blur, moved (empty when it looks right)."""
    g = gray(frame)
    mean, std = float(g.mean()), float(g.std())
    if std < FLAT_STD:
        if mean < DARK_MEAN:
            return {BLACK}
        if mean > BRIGHT_MEAN:
            return {WHITE}
        return {COVERED}  # a flat picture of one colour: something over the lens
    reference = references.for_frame(frame)
    if reference is None:
        return set()
    problems = set()
    if reference.image.shape == frame.shape:
        distance, alike = shift(reference.image, frame)
        if distance > SHIFT_PX or alike < SAME_VIEW:
            problems.add(MOVED)
    if sharpness(frame) < reference.sharpness * BLUR_RATIO:
        problems.add(BLUR)
    return problems


def occupied_fraction(reference: np.ndarray, frame: np.ndarray, polygon: Sequence[Point], *, diff: int = 40) -> float:
    """Share of a keep-clear zone's pixels that differ from the empty reference (something stands there)."""
    cv2 = _cv2()
    mask = np.zeros(frame.shape[:2], dtype=np.uint8)
    cv2.fillPoly(mask, [np.array(polygon, dtype=np.int32)], 255)
    delta = cv2.absdiff(reference, frame)
    changed = (delta.max(axis=2) if delta.ndim == 3 else delta) > diff  # in colour: a brown box on green grass
    zone = mask > 0
    return float(changed[zone].mean()) if zone.any() else 0.0


def crowding(people: int, area_m2: float, design_density: float) -> str | None:
    """``crowd_alarm`` at 90 % of the zone's design density (people per m²), ``crowd_warn`` at 70 %, else None.

    Both thresholds include the boundary; compared exactly (a float's decimal text)."""
    if area_m2 <= 0 or design_density <= 0:
        return None
    share = Fraction(people) / (Fraction(repr(area_m2)) * Fraction(repr(design_density)))
    if share >= Fraction(9, 10):
        return CROWD_ALARM
    if share >= Fraction(7, 10):
        return CROWD_WARN
    return None


def intruders(polygon: Sequence[Point], boxes: Sequence[Box]) -> int:
    """People standing in a restricted zone."""
    return sum(inside(polygon, ground_point(box)) for box in boxes)


@dataclass
class Event:
    kind: str
    state: str  # "raise" or "clear"
    at: float  # seconds (the node's clock)


@dataclass
class HoldMonitor:
    """A condition becomes a finding once it has held for ``hold_s``; it clears once it has been gone for
    ``clear_s``. One raise per episode, one clear after it."""

    kind: str
    hold_s: float = 0.0
    clear_s: float = 0.0
    active: bool = False
    _since: float | None = None
    _gone_since: float | None = None

    def feed(self, at: float, condition: bool) -> Event | None:
        if condition:
            self._gone_since = None
            if self._since is None:
                self._since = at
            if not self.active and at - self._since >= self.hold_s:
                self.active = True
                return Event(self.kind, "raise", at)
            return None
        self._since = None
        if self.active:
            if self._gone_since is None:
                self._gone_since = at
            if at - self._gone_since >= self.clear_s:
                self.active, self._gone_since = False, None
                return Event(self.kind, "clear", at)
        return None


@dataclass
class OfflineMonitor:
    """A camera that delivers no frame for ``grace_s`` is offline (one finding); its next frame is the recovery."""

    grace_s: float = 60.0
    last_frame: float | None = None
    active: bool = False

    def frame(self, at: float) -> Event | None:
        self.last_frame = at
        if self.active:
            self.active = False
            return Event(OFFLINE, "clear", at)
        return None

    def tick(self, at: float) -> Event | None:
        """Called whether or not a frame came: raises once the silence passes the grace period."""
        if self.last_frame is None:
            self.last_frame = at  # the grace period starts when the node starts watching
        if not self.active and at - self.last_frame >= self.grace_s:
            self.active = True
            return Event(OFFLINE, "raise", at)
        return None


@dataclass
class FrozenMonitor:
    """A stream that keeps delivering the same picture for ``hold_s`` is frozen."""

    hold_s: float = 30.0
    _previous: np.ndarray | None = None
    _monitor: HoldMonitor = field(init=False)

    def __post_init__(self) -> None:
        self._monitor = HoldMonitor(FROZEN, self.hold_s, 0.0)

    def feed(self, at: float, frame: np.ndarray) -> Event | None:
        small = _cv2().resize(gray(frame), (64, 48), interpolation=_cv2().INTER_AREA).astype(np.int16)
        same = self._previous is not None and float(np.abs(small - self._previous).mean()) < FROZEN_DIFF
        self._previous = small
        return self._monitor.feed(at, same)


def blur_people(frame: np.ndarray, boxes: Sequence[Box]) -> np.ndarray:
    """A copy of ``frame`` with every person pixelated beyond recognition (what leaves the camera box)."""
    cv2 = _cv2()
    out = frame.copy()
    height, width = out.shape[:2]
    for x1, y1, x2, y2 in boxes:
        a, b = max(int(x1) - 4, 0), max(int(y1) - 4, 0)
        c, d = min(int(x2) + 4, width), min(int(y2) + 4, height)
        if c - a < 2 or d - b < 2:
            continue
        region = out[b:d, a:c]
        small = cv2.resize(region, (max((c - a) // 12, 1), max((d - b) // 12, 1)), interpolation=cv2.INTER_AREA)
        blocks = cv2.resize(small, (c - a, d - b), interpolation=cv2.INTER_NEAREST)
        out[b:d, a:c] = cv2.GaussianBlur(blocks, (0, 0), max(c - a, d - b) / 10)  # no block edges left either
    return out


def jpeg(frame: np.ndarray, *, width: int = 480, quality: int = 60) -> bytes:
    """A small JPEG of ``frame`` (snapshots for findings and the live-ish view)."""
    cv2 = _cv2()
    height = int(frame.shape[0] * width / frame.shape[1])
    ok, data = cv2.imencode(".jpg", cv2.resize(frame, (width, height)), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the snapshot")
    return bytes(data)
