"""Counting a video file offline: what ``smartstore vision count`` prints, and what the bench and tests run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vision.counting import Boundary, LineCounter
from vision.detector import DEFAULT_IMGSZ, DEFAULT_MODEL, BadVideo, Detector, frame_size, frames


@dataclass
class CountResult:
    video: str
    frames: int
    lines: Sequence[Boundary]
    counter: LineCounter

    def as_json(self) -> dict[str, Any]:
        return {
            "video": self.video,
            "frames": self.frames,
            "lines": [
                {
                    "line": line.text,
                    "in": self.counter.counts[i]["in"],
                    "out": self.counter.counts[i]["out"],
                    "crossings": [
                        {"frame": c.frame, "direction": c.direction, "track": c.track}
                        for c in self.counter.crossings
                        if c.line == i
                    ],
                }
                for i, line in enumerate(self.lines)
            ],
        }


def count_video(
    video: str | Path,
    lines: Sequence[Boundary],
    *,
    model: str | Path = DEFAULT_MODEL,
    imgsz: int = DEFAULT_IMGSZ,
    start: int = 0,
    stop: int | None = None,
    stride: int = 1,
    detector: Detector | None = None,
) -> CountResult:
    """Track people through ``video`` and count them crossing ``lines`` (lines or polygons); ``stride`` > 1
    looks at every n-th frame."""
    source = str(video)
    if not Path(source).exists() and "://" not in source:
        raise BadVideo(f"video not found: {source}")
    width, height, _ = frame_size(source)
    for line in lines:
        line.check_inside(width, height)
    detector = detector or Detector(Path(model), imgsz=imgsz)
    detector.reset()
    counter = LineCounter(lines, lost_ttl=max(30 // stride, 3))
    seen = 0
    for number, image in frames(source, start=start, stop=stop):
        seen += 1
        if (number - start) % stride:
            continue
        counter.update(number, detector.track(image))
    return CountResult(source, seen, lines, counter)
