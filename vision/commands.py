"""``smartstore vision count`` (a video file, offline) and ``smartstore vision run`` (the camera box).

Only click is imported here; OpenCV, torch and ultralytics load when a command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group()
def vision() -> None:
    """Camera box: count people crossing lines on a video, run the cameras of this node."""


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@vision.command("count")
@click.argument("video", type=click.Path(dir_okay=False))
@click.option(
    "--line",
    "lines",
    multiple=True,
    metavar="X1,Y1,X2,Y2",
    help="A counting line p1→p2 in pixels; walking p1→p2, your right-hand side is 'in'. Repeatable.",
)
@click.option(
    "--polygon",
    "polygons",
    multiple=True,
    metavar="X1,Y1,X2,Y2,X3,Y3[,...]",
    help="A counting polygon in pixels: stepping over an edge into it is 'in', out of it 'out'. Repeatable.",
)
@click.option("--model", type=click.Path(dir_okay=False), default=None, help="Ultralytics weights (default: shipped).")
@click.option("--imgsz", type=click.IntRange(64, 1920), default=None, help="Detector input size (default 416).")
@click.option("--stride", type=click.IntRange(1, 10), default=1, show_default=True, help="Look at every n-th frame.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def count(
    video: str,
    lines: tuple[str, ...],
    polygons: tuple[str, ...],
    model: str | None,
    imgsz: int | None,
    stride: int,
    fmt: str,
) -> None:
    """Count people crossing each --line (and each --polygon's edges) in VIDEO: in and out per line, and the
    frame of each crossing. Polygons are listed after the lines, in the same shape."""
    from vision.counting import BadLine, Boundary, Line, Region
    from vision.detector import DEFAULT_IMGSZ, DEFAULT_MODEL, BadModel, BadVideo, VisionUnavailable
    from vision.offline import count_video

    try:
        if not lines and not polygons:
            raise BadLine("give at least one --line X1,Y1,X2,Y2 or --polygon X1,Y1,X2,Y2,X3,Y3")
        parsed: list[Boundary] = [Line.parse(text) for text in lines] + [Region.parse(text) for text in polygons]
        result = count_video(
            video,
            parsed,
            model=Path(model) if model else DEFAULT_MODEL,
            imgsz=imgsz or DEFAULT_IMGSZ,
            stride=stride,
        )
    except (BadLine, BadModel, BadVideo, VisionUnavailable) as exc:
        _fail(str(exc))
        return
    data = result.as_json()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['video']}: {data['frames']} frames")
    for row in data["lines"]:
        frames_in = " ".join(str(c["frame"]) for c in row["crossings"] if c["direction"] == "in")
        frames_out = " ".join(str(c["frame"]) for c in row["crossings"] if c["direction"] == "out")
        ins, outs = f"in {row['in']} (frames {frames_in or '-'})", f"out {row['out']} (frames {frames_out or '-'})"
        click.echo(f"line {row['line']}: {ins}, {outs}")


@vision.command("run")
@click.option(
    "--api", envvar="SMARTSTORE_VISION_API", required=True, help="The store API, e.g. http://store:8000/api/v1"
)
@click.option("--key", envvar="SMARTSTORE_VISION_KEY", required=True, help="This camera node's device key.")
@click.option(
    "--state-dir",
    envvar="SMARTSTORE_VISION_STATE",
    type=click.Path(file_okay=False),
    default="var/vision",
    show_default=True,
    help="Where counts wait on disk while the store is unreachable, and the view references.",
)
@click.option("--model", type=click.Path(dir_okay=False), default=None, help="Ultralytics weights (default: shipped).")
@click.option(
    "--interval", type=click.IntRange(1, 60), default=1, show_default=True, help="Minutes per count interval."
)
@click.option("--loop", is_flag=True, help="Play video files again from the start when they end (demo).")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long (tests, demos).")
def run(
    api: str, key: str, state_dir: str, model: str | None, interval: int, loop: bool, max_seconds: float | None
) -> None:
    """Run this node's cameras (config from the store): count, occupancy, heatmaps, patrol checks."""
    from vision.detector import DEFAULT_MODEL, BadModel, VisionUnavailable
    from vision.node import CameraNode, StoreClient

    try:
        node = CameraNode(
            StoreClient(api, key),
            state_dir=Path(state_dir),
            model=Path(model) if model else DEFAULT_MODEL,
            interval_minutes=interval,
            loop=loop,
        )
        node.run(max_seconds=max_seconds)
    except (BadModel, VisionUnavailable) as exc:
        _fail(str(exc))


COMMANDS = [vision]
