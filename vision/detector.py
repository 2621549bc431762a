"""People detection and tracking with ultralytics (YOLO + ByteTrack), loaded from a local file only.

Nothing is downloaded: ultralytics is put offline (``YOLO_OFFLINE``, no auto-install) before it is
imported, and the weights come from a path. The package carries a default detector,
``vision/models/yolov8n_from_int8.pt`` (Ultralytics YOLOv8n, COCO; AGPL-3.0, see ``vision/models/README.md``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vision.counting import Box

DEFAULT_MODEL = Path(__file__).parent / "models" / "yolov8n_from_int8.pt"
PERSON = 0  # COCO class id
DEFAULT_IMGSZ = 416


class VisionUnavailable(RuntimeError):
    """The ``[vision]`` extra (ultralytics, OpenCV) is not installed."""


class BadModel(ValueError):
    """Weights missing, unreadable, or not a detection model that knows people."""


class BadVideo(ValueError):
    """A video or camera URL that does not open."""


def offline_environment() -> None:
    """Keep ultralytics from reaching the network or pip, and give it a writable settings folder."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "0")
    os.environ.setdefault("YOLO_VERBOSE", "0")
    if "YOLO_CONFIG_DIR" not in os.environ:
        folder = Path(tempfile.gettempdir()) / f"smartstore-ultralytics-{os.getuid()}"
        folder.mkdir(exist_ok=True)
        os.environ["YOLO_CONFIG_DIR"] = str(folder)


def available() -> str | None:
    """None when the detector can run here, else the reason it cannot."""
    offline_environment()  # before ultralytics is first imported: it reads these at import
    try:
        import cv2  # noqa: F401
        import ultralytics  # noqa: F401
    except ImportError as exc:
        return f"the vision extra is not installed ({exc.name} missing): pip install -e '.[vision]'"
    return None


def _threads() -> None:
    import torch

    wanted = int(os.environ.get("SMARTSTORE_VISION_THREADS", "0") or 0)
    if wanted > 0:
        torch.set_num_threads(wanted)


@dataclass
class Detector:
    """A YOLO model that finds people and keeps their track ids across frames (ByteTrack)."""

    model_path: Path = DEFAULT_MODEL
    imgsz: int = DEFAULT_IMGSZ
    conf: float = 0.25
    _model: Any = None

    def __post_init__(self) -> None:
        reason = available()
        if reason:
            raise VisionUnavailable(reason)
        offline_environment()
        path = Path(self.model_path)
        if not path.is_file():
            raise BadModel(f"detector weights not found: {path}")
        if path.suffix not in {".pt", ".onnx", ".torchscript", ".engine"} and not path.is_dir():
            raise BadModel(f"{path} is not ultralytics weights (.pt, .onnx)")
        from ultralytics import YOLO

        _threads()
        try:
            self._model = YOLO(str(path), task="detect")
        except Exception as exc:  # ultralytics raises many kinds for a bad file
            raise BadModel(f"{path} could not be loaded as a YOLO detector: {exc}") from None
        names = getattr(self._model, "names", None) or {}
        if names and names.get(PERSON) != "person":
            raise BadModel(f"{path} does not detect people (class 0 is {names.get(PERSON)!r}, not 'person')")

    @property
    def model(self) -> Any:
        return self._model

    def detect(self, frame: Any) -> list[Box]:
        """People's boxes in one frame (no tracking)."""
        result = self._model.predict(frame, classes=[PERSON], imgsz=self.imgsz, conf=self.conf, verbose=False)[0]
        return [tuple(map(float, b)) for b in result.boxes.xyxy.tolist()]  # type: ignore[misc]

    def track(self, frame: Any) -> list[tuple[int, Box]]:
        """People's boxes in one frame with their track ids (state kept between calls)."""
        result = self._model.track(
            frame,
            classes=[PERSON],
            imgsz=self.imgsz,
            conf=self.conf,
            persist=True,
            tracker="bytetrack.yaml",
            verbose=False,
        )[0]
        boxes = result.boxes
        if boxes is None or boxes.id is None:
            return []
        ids = boxes.id.int().tolist()
        return [(tid, tuple(map(float, b))) for tid, b in zip(ids, boxes.xyxy.tolist(), strict=True)]  # type: ignore[misc]

    def reset(self) -> None:
        """Forget the tracks (a new video, a camera that came back)."""
        predictor = getattr(self._model, "predictor", None)
        for tracker in getattr(predictor, "trackers", None) or []:
            tracker.reset()


def open_video(source: str | int) -> Any:
    """An OpenCV capture of a file or stream URL; ``BadVideo`` when it does not open."""
    import cv2

    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise BadVideo(f"cannot open video {source!r}")
    return capture


def frames(source: str, *, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, Any]]:
    """(frame number, image) of a video file from ``start`` up to ``stop`` (exclusive)."""
    import cv2

    capture = open_video(source)
    try:
        if start:
            capture.set(cv2.CAP_PROP_POS_FRAMES, start)
        number = start
        while stop is None or number < stop:
            ok, image = capture.read()
            if not ok:
                return
            yield number, image
            number += 1
    finally:
        capture.release()


def frame_size(source: str) -> tuple[int, int, float]:
    """Width, height and fps of a video."""
    import cv2

    capture = open_video(source)
    try:
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = float(capture.get(cv2.CAP_PROP_FPS)) or 10.0
        return width, height, fps
    finally:
        capture.release()
