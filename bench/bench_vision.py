"""Vision on the sample footage: count accuracy against the hand-made ground truth, and speed on the CPU.

    .venv/bin/python bench/bench_vision.py [--video ../shared/data/vtest.avi] [--threads 2] [--quick]

Prints, in one run and on the same video, line and model:
- the in, out and total count error of the pipeline against tests/vision/data/vtest_ground_truth.json;
- frames per second of the detector alone (``predict``, people only), of the whole pipeline (detect +
  ByteTrack + line counting + occupancy + heatmap), and of ultralytics' ``solutions.ObjectCounter``;
- the trade-offs tried: input size, ONNX (the int8 export in ../shared/models, and this model exported),
  and frame skipping (tracking every n-th frame).
All figures include reading the video (OpenCV decode), the same for every row.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.counting import Heatmap, Line, LineCounter, occupancy  # noqa: E402
from vision.detector import DEFAULT_MODEL, PERSON, Detector, frames, offline_environment  # noqa: E402

TRUTH = json.loads((ROOT / "tests" / "vision" / "data" / "vtest_ground_truth.json").read_text(encoding="utf-8"))
CANDIDATES = [ROOT.parent / "shared" / "data" / "vtest.avi", ROOT.parents[1] / "shared" / "data" / "vtest.avi"]
SHARED_ONNX = [p.parent.parent / "models" / "yolov8n_int8.onnx" for p in CANDIDATES]
ZONE = [(0, 150), (768, 150), (768, 576), (0, 576)]  # occupancy: the square below the far path


def _video(given: str | None) -> Path:
    for path in [Path(given)] if given else CANDIDATES:
        if path.is_file():
            return path
    raise SystemExit(f"sample video not found (tried {', '.join(map(str, CANDIDATES))}): pass --video")


def _error(counted: int, true: int) -> str:
    return f"{counted - true:+d} ({abs(counted - true) / true:.0%})" if true else f"{counted}"


def detector_only(video: Path, model: Path, imgsz: int, limit: int | None) -> float:
    detector = Detector(model, imgsz=imgsz)
    for _, image in frames(str(video), stop=5):
        detector.detect(image)  # warm up
    started, n = time.perf_counter(), 0
    for _, image in frames(str(video), stop=limit):
        detector.detect(image)
        n += 1
    return n / (time.perf_counter() - started)


LIMIT: int | None = None  # --frames: only the first N frames (the truth is cut to them too)


def pipeline(video: Path, model: Path, imgsz: int, stride: int = 1) -> tuple[float, dict[str, int]]:
    """The camera box's per-frame work: detect + track + count + occupancy + heatmap."""
    detector = Detector(model, imgsz=imgsz)
    for _, image in frames(str(video), stop=5):
        detector.detect(image)
    detector.reset()
    counter = LineCounter([Line.parse(TRUTH["line"])], lost_ttl=max(30 // stride, 3))
    heatmap = Heatmap(768, 576)
    started, n = time.perf_counter(), 0
    for number, image in frames(str(video), stop=LIMIT):
        n += 1
        if number % stride:
            continue
        tracks = detector.track(image)
        counter.update(number, tracks)
        boxes = [box for _, box in tracks]
        occupancy(ZONE, boxes)
        heatmap.add(boxes)
    return n / (time.perf_counter() - started), counter.counts[0]


def object_counter(video: Path, model: Path, imgsz: int) -> tuple[float, dict[str, int]]:
    from ultralytics import solutions

    line = Line.parse(TRUTH["line"])
    counter = solutions.ObjectCounter(
        model=str(model),
        region=[(line.x1, line.y1), (line.x2, line.y2)],
        classes=[PERSON],
        imgsz=imgsz,
        show=False,
        verbose=False,
    )
    started, n, result = time.perf_counter(), 0, None
    for _, image in frames(str(video), stop=LIMIT):
        result = counter(image)
        n += 1
    fps = n / (time.perf_counter() - started)
    # For a vertical line ObjectCounter's "in" is moving right, as ours for this line; it counts each track
    # once only (a person who goes out and comes back is one count), from the box centre.
    return fps, {"in": result.in_count, "out": result.out_count} if result else {"in": 0, "out": 0}


def _export_onnx(imgsz: int) -> Path | None:
    try:
        from ultralytics import YOLO

        folder = Path(tempfile.mkdtemp(prefix="vision-onnx-"))
        copy = folder / "yolov8n.pt"
        copy.write_bytes(DEFAULT_MODEL.read_bytes())
        return Path(YOLO(str(copy)).export(format="onnx", imgsz=imgsz, simplify=False, verbose=False))
    except Exception as exc:  # onnx not installed, export refused
        print(f"  (ONNX export at {imgsz} not possible here: {type(exc).__name__}: {str(exc)[:120]})")
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--video")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--imgsz", type=int, default=416)
    parser.add_argument("--detector-frames", type=int, default=300, help="frames timed for detector-only rows")
    parser.add_argument("--quick", action="store_true", help="only the main comparison, no trade-off sweep")
    parser.add_argument("--frames", type=int, default=None, help="only the first N frames (a busy machine)")
    args = parser.parse_args()
    global LIMIT
    LIMIT = args.frames
    offline_environment()
    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    video = _video(args.video)
    crossings = [c for c in TRUTH["crossings"] if args.frames is None or c["frame"] < args.frames]
    truth = {d: sum(c["direction"] == d for c in crossings) for d in ("in", "out")}
    print(f"video {video.name}, line {TRUTH['line']}, ground truth in {truth['in']} out {truth['out']}")
    print(f"model {DEFAULT_MODEL.name}, torch threads {args.threads}, imgsz {args.imgsz}\n")

    rows: list[tuple[str, ...]] = []

    def report(name: str, fps: float, counts: dict[str, int] | None, base: float | None = None) -> None:
        share = f"{fps / base:.0%} of detector" if base else ""
        if counts is None:
            rows.append((name, f"{fps:6.1f}", share, "", "", ""))
            print("  ".join(rows[-1]), flush=True)
            return
        total = counts["in"] + counts["out"]
        rows.append(
            (
                name,
                f"{fps:6.1f}",
                share,
                f"{counts['in']} / {counts['out']}",
                f"{_error(counts['in'], truth['in'])} / {_error(counts['out'], truth['out'])}",
                _error(total, truth["in"] + truth["out"]),
            )
        )
        print("  ".join(rows[-1]), flush=True)

    base = detector_only(video, DEFAULT_MODEL, args.imgsz, args.detector_frames)
    report(f"detector only, .pt {args.imgsz}", base, None)
    fps, counts = pipeline(video, DEFAULT_MODEL, args.imgsz)
    report(f"pipeline, .pt {args.imgsz}", fps, counts, base)
    fps, counts = object_counter(video, DEFAULT_MODEL, args.imgsz)
    report(f"ObjectCounter, .pt {args.imgsz}", fps, counts, base)
    if not args.quick:
        for size in (320, 640):
            det = detector_only(video, DEFAULT_MODEL, size, args.detector_frames)
            report(f"detector only, .pt {size}", det, None)
            fps, counts = pipeline(video, DEFAULT_MODEL, size)
            report(f"pipeline, .pt {size}", fps, counts, det)
        fps, counts = pipeline(video, DEFAULT_MODEL, args.imgsz, stride=2)
        report(f"pipeline, .pt {args.imgsz}, every 2nd frame", fps, counts, base)
        for onnx, size in [
            (next((p for p in SHARED_ONNX if p.is_file()), None), 640),
            (_export_onnx(args.imgsz), args.imgsz),
        ]:
            if onnx is None:
                continue
            det = detector_only(video, onnx, size, args.detector_frames)
            report(f"detector only, {onnx.name} {size}", det, None)
            fps, counts = pipeline(video, onnx, size)
            report(f"pipeline, {onnx.name} {size}", fps, counts, det)

    print()
    header = ("run", "fps", "", "in / out", "error in / out", "error total")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
