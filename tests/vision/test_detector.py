"""The real detector (the shipped YOLOv8n) on a few seconds of the sample footage, against the hand-made
ground truth (tests/vision/data/vtest_ground_truth.json), and the bad inputs a camera box meets.

These run once per CI run (marked ``dbless``: the SQLite pass runs them), in one xdist group so the model
loads in one worker only.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.vision.conftest import CLIPS, GROUND_TRUTH, needs_vision
from vision.commands import vision
from vision.counting import BadLine, Line
from vision.detector import DEFAULT_MODEL, BadModel, BadVideo, Detector

pytestmark = [needs_vision, pytest.mark.xdist_group("detector"), pytest.mark.dbless]
LINE = GROUND_TRUTH["line"]
TOLERANCE = 5  # frames between the hand-marked crossing and the counted one


def truth(start: int, stop: int) -> list[tuple[int, str]]:
    return [(c["frame"] - start, c["direction"]) for c in GROUND_TRUTH["crossings"] if start <= c["frame"] < stop]


def matches(counted: list[tuple[int, str]], expected: list[tuple[int, str]]) -> bool:
    return len(counted) == len(expected) and all(
        d1 == d2 and abs(f1 - f2) <= TOLERANCE
        for (f1, d1), (f2, d2) in zip(sorted(counted), sorted(expected), strict=True)
    )


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(DEFAULT_MODEL)


def test_the_shipped_detector_counts_the_hand_marked_crossings(detector):
    from vision.offline import count_video

    result = count_video(CLIPS["282"], [Line.parse(LINE)], detector=detector)
    counted = [(c.frame, c.direction) for c in result.counter.crossings]
    expected = truth(282, 342)  # one out, then two in (one of them a man who waited left of the line)
    assert [d for _, d in sorted(expected)] == ["out", "in", "in"]
    assert matches(counted, expected), f"counted {counted}, hand-marked {expected}"


# The half of the frame right of the line, its other edges off the picture: only the line's edge can be crossed.
RIGHT_OF_LINE = "250,577,250,-1,769,-1,769,577"


def test_vision_count_prints_json_per_line(tmp_path):
    # The clip has a man who walks to the line and turns back (not counted) and two real crossings.
    args = ["count", str(CLIPS["735"]), "--line", LINE, "--line", "0,317,768,317", "--polygon", RIGHT_OF_LINE]
    result = CliRunner().invoke(vision, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["frames"] == 60
    first = data["lines"][0]
    assert first["line"] == LINE
    counted = [(c["frame"], c["direction"]) for c in first["crossings"]]
    assert (first["in"], first["out"]) == (1, 1)
    assert matches(counted, truth(735, 795)), counted
    assert data["lines"][1]["line"] == "0,317,768,317"
    polygon = data["lines"][2]  # polygons follow the lines, in the same shape
    assert polygon["line"] == RIGHT_OF_LINE
    assert (polygon["in"], polygon["out"]) == (1, 1)
    assert matches([(c["frame"], c["direction"]) for c in polygon["crossings"]], truth(735, 795))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--line", "0,700,768,700"], "outside the 768x576 frame"),
        (["--line", "1,2,3"], "four numbers"),
        (["--polygon", "0,0,10,10,20,20"], "no area"),
        (["--model", "missing.pt"], "weights not found"),
    ],
)
def test_vision_count_explains_bad_input(args, message):
    extra = [] if "--line" in args or "--polygon" in args else ["--line", LINE]
    result = CliRunner().invoke(vision, ["count", str(CLIPS["735"]), *extra, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_weights_of_the_wrong_kind_are_refused(tmp_path):
    fake = tmp_path / "notes.pt"
    fake.write_text("not a model", encoding="utf-8")
    with pytest.raises(BadModel, match="could not be loaded"):
        Detector(fake)


def test_a_video_that_does_not_open_is_a_clear_error(tmp_path, detector):
    from vision.offline import count_video

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 1000)
    with pytest.raises(BadVideo, match="cannot open"):
        count_video(broken, [Line.parse(LINE)], detector=detector)
    with pytest.raises(BadVideo, match="not found"):
        count_video(tmp_path / "nothing.mp4", [Line.parse(LINE)], detector=detector)
    with pytest.raises(BadLine):
        count_video(CLIPS["735"], [Line.parse("0,900,10,900")], detector=detector)
