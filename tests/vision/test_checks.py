"""Patrol checks, each on pictures made for it from a real frame of the sample footage: a black frame, a
white one, a covered lens, a blurred copy, a shifted view, a box standing in the fire exit; and the
monitors that turn conditions into exactly one finding and one recovery."""

from __future__ import annotations

import numpy as np
import pytest

from tests.vision.conftest import needs_opencv
from vision import checks
from vision.checks import (
    BLACK,
    BLUR,
    COVERED,
    CROWD_ALARM,
    CROWD_WARN,
    EXIT_BLOCKED,
    FROZEN,
    MOVED,
    OFFLINE,
    WHITE,
    FrozenMonitor,
    HoldMonitor,
    OfflineMonitor,
    References,
)

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

EXIT = [(560, 380), (700, 380), (700, 520), (560, 520)]  # a keep-clear patch of the grass, lower right


def _shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    import cv2

    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, matrix, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REFLECT)


def _with_box(image: np.ndarray) -> np.ndarray:
    """A brown carton standing in the exit zone."""
    import cv2

    out = image.copy()
    cv2.rectangle(out, (585, 400), (680, 500), (40, 70, 120), -1)
    cv2.rectangle(out, (585, 400), (680, 500), (20, 30, 60), 3)
    return out


@needs_opencv
class TestPicture:
    @pytest.fixture
    def refs(self, frame) -> References:
        references = References()
        references.rebaseline(frame)
        return references

    def test_the_reference_view_itself_is_fine(self, frame, refs):
        assert checks.picture_problems(frame, refs) == set()

    def test_a_slightly_different_moment_of_the_same_view_is_fine(self, footage, refs):
        from vision.detector import frames

        later = next(image for _, image in frames(str(footage), start=48, stop=49))
        assert checks.picture_problems(later, refs) == set()

    def test_black_white_and_covered(self, frame, refs):
        assert checks.picture_problems(np.zeros_like(frame), refs) == {BLACK}
        assert checks.picture_problems(np.full_like(frame, 250), refs) == {WHITE}
        cloth = np.full_like(frame, 128) + np.random.default_rng(1).integers(0, 4, frame.shape, dtype=np.uint8)
        assert checks.picture_problems(cloth, refs) == {COVERED}

    def test_a_blurred_copy_is_out_of_focus(self, frame, refs):
        import cv2

        blurred = cv2.GaussianBlur(frame, (0, 0), 5)
        assert BLUR in checks.picture_problems(blurred, refs)

    def test_a_view_shifted_30_pixels_has_moved(self, frame, refs):
        assert checks.picture_problems(_shifted(frame, 30, 0), refs) == {MOVED}
        assert checks.picture_problems(_shifted(frame, 0, -25), refs) == {MOVED}
        assert checks.picture_problems(_shifted(frame, 3, 2), refs) == set()  # a tremor is not a move

    def test_night_uses_its_own_reference(self, frame, refs):
        import cv2

        night = cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # IR: no colour
        assert checks.is_night(night) and not checks.is_night(frame)
        assert checks.picture_problems(_shifted(night, 40, 0), refs) == set()  # no night reference yet
        refs.rebaseline(night)
        assert checks.picture_problems(night, refs) == set()
        assert checks.picture_problems(_shifted(night, 40, 0), refs) == {MOVED}
        assert refs.day is not None and checks.picture_problems(frame, refs) == set()


@needs_opencv
class TestFireExit:
    def test_a_box_in_the_exit_zone_fills_it_and_its_removal_clears_it(self, frame):
        assert checks.occupied_fraction(frame, frame, EXIT) == 0.0
        assert checks.occupied_fraction(frame, _with_box(frame), EXIT) > 0.3

    def test_blocked_for_longer_than_the_limit_raises_once_and_clears_when_it_goes(self, frame):
        blocked = _with_box(frame)
        monitor = HoldMonitor(EXIT_BLOCKED, hold_s=60, clear_s=5)
        events = []
        for second in range(0, 200):
            image = blocked if 10 <= second < 30 or 50 <= second < 150 else frame  # 20 s, then 100 s
            event = monitor.feed(second, checks.occupied_fraction(frame, image, EXIT) > 0.3)
            if event:
                events.append((event.state, event.at))
        assert events == [("raise", 110), ("clear", 155)]


class TestMonitors:
    def test_a_20_second_drop_raises_nothing(self):
        monitor = OfflineMonitor(grace_s=60)
        events = []
        for second in range(0, 300):
            if not 100 <= second < 120:
                events.append(monitor.frame(second))
            events.append(monitor.tick(second))
        assert [e for e in events if e] == []

    def test_a_5_minute_outage_raises_exactly_one_finding_and_one_recovery(self):
        monitor = OfflineMonitor(grace_s=60)
        events = []
        for second in range(0, 900):
            if not 100 <= second < 400:
                events.append(monitor.frame(second))
            events.append(monitor.tick(second))
        assert [(e.kind, e.state, e.at) for e in events if e] == [(OFFLINE, "raise", 159), (OFFLINE, "clear", 400)]

    def test_hold_monitor_boundary_is_inclusive(self):
        monitor = HoldMonitor(EXIT_BLOCKED, hold_s=60)
        assert monitor.feed(0, True) is None
        assert monitor.feed(59.9, True) is None
        event = monitor.feed(60, True)
        assert event is not None and event.state == "raise"
        assert monitor.feed(61, True) is None

    @needs_opencv
    def test_a_stream_repeating_the_same_picture_is_frozen(self, frame, footage):
        from vision.detector import frames

        monitor = FrozenMonitor(hold_s=30)
        live = [monitor.feed(i, image) for i, (_, image) in enumerate(frames(str(footage), start=0, stop=40))]
        assert [e for e in live if e] == []
        stuck = [monitor.feed(40 + i, frame) for i in range(40)]
        raised = [e for e in stuck if e]
        assert [(e.kind, e.state) for e in raised] == [(FROZEN, "raise")]


class TestCrowding:
    # A 100 m² zone at 0.5 people per m² holds 50: warn from 35 (70 %), alarm from 45 (90 %).
    @pytest.mark.parametrize(
        ("people", "expected"),
        [(0, None), (34, None), (35, CROWD_WARN), (44, CROWD_WARN), (45, CROWD_ALARM), (80, CROWD_ALARM)],
    )
    def test_warn_at_70_and_alarm_at_90_percent_of_design_density(self, people, expected):
        assert checks.crowding(people, 100.0, 0.5) == expected

    def test_a_zone_without_area_is_never_crowded(self):
        assert checks.crowding(100, 0.0, 0.5) is None


@needs_opencv
def test_snapshots_blur_every_person(frame):
    box = (300.0, 150.0, 340.0, 240.0)
    blurred = checks.blur_people(frame, [box])
    region, before = blurred[150:240, 300:340], frame[150:240, 300:340]
    assert checks.sharpness(region) < checks.sharpness(before) / 4
    assert (blurred[:100, :100] == frame[:100, :100]).all()  # the rest untouched
    assert checks.jpeg(blurred).startswith(b"\xff\xd8\xff")
