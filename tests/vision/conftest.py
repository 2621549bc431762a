"""Vision tests: the sample footage and the shipped detector; tests that need OpenCV or ultralytics skip,
with the reason, only when the ``[vision]`` extra is not installed (CI installs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vision.detector import available

HERE = Path(__file__).parent
CLIPS = {"282": HERE / "data" / "vtest_282_342.mp4", "735": HERE / "data" / "vtest_735_795.mp4"}
FOOTAGE = CLIPS["282"]  # frames 282-341 of vtest.avi (../shared/data), re-encoded: committed for the tests
GROUND_TRUTH = json.loads((HERE / "data" / "vtest_ground_truth.json").read_text(encoding="utf-8"))

REASON = available()
needs_vision = pytest.mark.skipif(REASON is not None, reason=REASON or "")


def _cv2_reason() -> str | None:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return "OpenCV is not installed: pip install -e '.[vision]'"
    return None


needs_opencv = pytest.mark.skipif(_cv2_reason() is not None, reason=_cv2_reason() or "")


@pytest.fixture(scope="session")
def footage() -> Path:
    return FOOTAGE


@pytest.fixture(scope="session")
def frame(footage):
    """Frame 300 of the sample video (18 of the clip): a busy, sharp daylight view."""
    from vision.detector import frames

    return next(image for _, image in frames(str(footage), start=18, stop=19))
