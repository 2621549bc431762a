"""Line crossing, occupancy and heatmap from tracked people: pure Python, no OpenCV, no model.

A counting line is a directed segment p1→p2 in pixels. Walking from p1 to p2 on the image, the side on
your right hand is "in": ``0,317,768,317`` counts top→bottom as in, ``384,576,384,0`` left→right.
A counting polygon (:class:`Region`, three points or more) counts crossings of its edges: stepping over an
edge into the polygon is "in", out of it "out" (an entrance drawn as the area just inside the doors, where a
straight line would not follow the doorway). A person is where their feet are: the bottom centre of their
box (the *ground point*).

Each track's side of each line is committed only once the ground point is clearly off the line (a
``band`` of pixels either side is neutral), so a person who lingers on the line, or steps onto it
and turns back, is not counted. A crossing counts only within the segment's extent (the line is a
door, not an infinite wall). A track the tracker loses and finds again under a new id near where it
was lost inherits the old track's sides, so it is not counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x1, y1, x2, y2


class BadLine(ValueError):
    """A line that is not four numbers, has no length, or lies outside the frame."""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    name: str = ""

    @classmethod
    def parse(cls, text: str, name: str = "") -> Line:
        """``"X1,Y1,X2,Y2"`` → a line; a clear error for anything else."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4:
            raise BadLine(f"a line is X1,Y1,X2,Y2 (four numbers), got {text!r}")
        try:
            x1, y1, x2, y2 = (float(p) for p in parts)
        except ValueError:
            raise BadLine(f"a line is X1,Y1,X2,Y2 (four numbers), got {text!r}") from None
        if (x1, y1) == (x2, y2):
            raise BadLine(f"line {text!r} has no length: p1 and p2 are the same point")
        return cls(x1, y1, x2, y2, name or text)

    @property
    def text(self) -> str:
        return ",".join(f"{v:g}" for v in (self.x1, self.y1, self.x2, self.y2))

    def check_inside(self, width: int, height: int) -> None:
        """Refuse a line that does not lie on a ``width``×``height`` frame (a pixel of slack)."""
        for x, y in ((self.x1, self.y1), (self.x2, self.y2)):
            if not (-1 <= x <= width + 1 and -1 <= y <= height + 1):
                raise BadLine(f"line {self.text} lies outside the {width}x{height} frame")

    def side(self, p: Point) -> float:
        """Signed distance in pixels: > 0 on the "in" (right-hand) side, < 0 on the "out" side."""
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        return (dx * (p[1] - self.y1) - dy * (p[0] - self.x1)) / (dx * dx + dy * dy) ** 0.5

    def along(self, p: Point) -> float:
        """Where ``p`` projects on the segment: 0 at p1, 1 at p2."""
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        return ((p[0] - self.x1) * dx + (p[1] - self.y1) * dy) / (dx * dx + dy * dy)


@dataclass(frozen=True)
class Region:
    """A counting polygon: entering it over any edge is "in", leaving it "out"."""

    points: tuple[Point, ...]
    name: str = ""

    @classmethod
    def parse(cls, text: str, name: str = "") -> Region:
        """``"X1,Y1,X2,Y2,X3,Y3[,...]"`` → a polygon; a clear error for anything else."""
        try:
            numbers = [float(p.strip()) for p in text.split(",")]
        except ValueError:
            raise BadLine(f"a polygon is X1,Y1,X2,Y2,X3,Y3,... (pairs of numbers), got {text!r}") from None
        if len(numbers) < 6 or len(numbers) % 2:
            raise BadLine(f"a polygon is three points or more (X1,Y1,X2,Y2,X3,Y3,...), got {text!r}")
        return cls.of(list(zip(numbers[::2], numbers[1::2], strict=True)), name or text)

    @classmethod
    def of(cls, points: Sequence[Point], name: str = "") -> Region:
        region = cls(tuple((float(x), float(y)) for x, y in points), name)
        if abs(region.area) < 1.0:
            raise BadLine(f"polygon {region.text} has no area: its points lie on one line")
        return region

    @property
    def text(self) -> str:
        return ",".join(f"{v:g}" for point in self.points for v in point)

    @property
    def area(self) -> float:
        n = len(self.points)
        return (
            sum(
                self.points[i][0] * self.points[(i + 1) % n][1] - self.points[(i + 1) % n][0] * self.points[i][1]
                for i in range(n)
            )
            / 2
        )

    def check_inside(self, width: int, height: int) -> None:
        """Refuse a polygon with a point off a ``width``×``height`` frame (a pixel of slack)."""
        for x, y in self.points:
            if not (-1 <= x <= width + 1 and -1 <= y <= height + 1):
                raise BadLine(f"polygon {self.text} lies outside the {width}x{height} frame")

    def side(self, p: Point) -> float:
        """Distance in pixels to the nearest edge: > 0 inside ("in"), < 0 outside."""
        n = len(self.points)
        nearest = min(_to_segment(p, self.points[i], self.points[(i + 1) % n]) for i in range(n))
        return nearest if inside(self.points, p) else -nearest

    def along(self, p: Point) -> float:
        """Every edge counts: a polygon has no ends to walk round."""
        return 0.5


def _to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return _dist(p, (a[0] + t * dx, a[1] + t * dy))


Boundary = Line | Region  # what a LineCounter counts crossings of


def boundary(numbers: Sequence[float], name: str = "") -> Boundary:
    """Four numbers are a line (x1, y1, x2, y2); six or more, pairs, a polygon (the camera settings' form)."""
    if len(numbers) == 4:
        x1, y1, x2, y2 = (float(v) for v in numbers)
        if (x1, y1) == (x2, y2):
            raise BadLine(f"line {x1:g},{y1:g},{x2:g},{y2:g} has no length: p1 and p2 are the same point")
        return Line(x1, y1, x2, y2, name)
    if len(numbers) >= 6 and len(numbers) % 2 == 0:
        return Region.of(list(zip(numbers[::2], numbers[1::2], strict=True)), name)
    raise BadLine(f"a counting line is 4 numbers and a polygon 6 or more in pairs, got {len(numbers)}")


def ground_point(box: Box) -> Point:
    """The bottom centre of a box: where the person stands."""
    x1, _, x2, y2 = box
    return ((x1 + x2) / 2, y2)


@dataclass
class Crossing:
    line: int  # index of the line
    direction: str  # "in" or "out"
    frame: int
    track: int


@dataclass
class _Track:
    sides: dict[int, int] = field(default_factory=dict)  # line index → -1 out / +1 in (committed)
    last: Point = (0.0, 0.0)
    velocity: Point = (0.0, 0.0)
    seen: int = 0  # frame last seen


@dataclass
class LineCounter:
    """Counts tracked ground points crossing ``lines`` (lines or polygons); feed it one frame at a time with
    :meth:`update`."""

    lines: Sequence[Boundary]
    band: float = 6.0  # pixels either side of the line where no side is committed
    extent_slack: float = 0.05  # a crossing may be this fraction of the length beyond an end
    lost_ttl: int = 30  # frames a lost track is remembered for re-joining
    rejoin_px: float = 60.0  # a new track this close to a lost one's predicted position is that person
    counts: list[dict[str, int]] = field(init=False)
    crossings: list[Crossing] = field(init=False, default_factory=list)
    _tracks: dict[int, _Track] = field(init=False, default_factory=dict)
    _lost: dict[int, _Track] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = [{"in": 0, "out": 0} for _ in self.lines]

    def _rejoin(self, point: Point, frame: int) -> _Track | None:
        best, best_d = None, self.rejoin_px
        for tid, old in self._lost.items():
            gap = frame - old.seen
            px, py = old.last[0] + old.velocity[0] * gap, old.last[1] + old.velocity[1] * gap
            d = min(((px - point[0]) ** 2 + (py - point[1]) ** 2) ** 0.5, _dist(old.last, point))
            if d <= best_d:
                best, best_d = tid, d
        return self._lost.pop(best) if best is not None else None

    def update(self, frame: int, tracks: Iterable[tuple[int, Box]]) -> list[Crossing]:
        """One frame's tracks (id, box); returns the crossings this frame made."""
        made: list[Crossing] = []
        present = set()
        for tid, box in tracks:
            point = ground_point(box)
            present.add(tid)
            track = self._tracks.get(tid)
            if track is None:
                track = self._rejoin(point, frame) or _Track(last=point, seen=frame)
                self._tracks[tid] = track
            prev = track.last
            gap = max(frame - track.seen, 1)
            track.velocity = ((point[0] - prev[0]) / gap, (point[1] - prev[1]) / gap)
            for i, line in enumerate(self.lines):
                distance = line.side(point)
                if abs(distance) < self.band:
                    continue  # on the line: undecided
                side = 1 if distance > 0 else -1
                before = track.sides.get(i)
                track.sides[i] = side
                if before is None or before == side:
                    continue
                mid = ((prev[0] + point[0]) / 2, (prev[1] + point[1]) / 2)
                if not -self.extent_slack <= line.along(mid) <= 1 + self.extent_slack:
                    continue  # went round the end of the line
                direction = "in" if side > 0 else "out"
                self.counts[i][direction] += 1
                made.append(Crossing(i, direction, frame, tid))
            track.last, track.seen = point, frame
        for tid in list(self._tracks):
            if tid not in present:
                self._lost[tid] = self._tracks.pop(tid)
        for tid in [t for t, old in self._lost.items() if frame - old.seen > self.lost_ttl]:
            del self._lost[tid]
        self.crossings += made
        return made


def _dist(a: Point, b: Point) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def inside(polygon: Sequence[Point], p: Point) -> bool:
    """Whether ``p`` lies inside ``polygon`` (ray casting; a point on an edge may go either way)."""
    x, y = p
    result = False
    n = len(polygon)
    for i in range(n):
        (xa, ya), (xb, yb) = polygon[i], polygon[(i + 1) % n]
        if (ya > y) != (yb > y) and x < (xb - xa) * (y - ya) / (yb - ya) + xa:
            result = not result
    return result


def occupancy(polygon: Sequence[Point], boxes: Iterable[Box]) -> int:
    """People whose ground point is inside ``polygon``."""
    return sum(inside(polygon, ground_point(box)) for box in boxes)


@dataclass
class Heatmap:
    """Dwell counts on a ``cols``×``rows`` grid over a ``width``×``height`` frame: each sampled frame adds
    one to the cell under each person's ground point."""

    width: int
    height: int
    cols: int = 16
    rows: int = 12
    cells: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.cells = [0] * (self.cols * self.rows)

    def add(self, boxes: Iterable[Box]) -> None:
        for box in boxes:
            x, y = ground_point(box)
            col = min(max(int(x * self.cols / self.width), 0), self.cols - 1)
            row = min(max(int(y * self.rows / self.height), 0), self.rows - 1)
            self.cells[row * self.cols + col] += 1

    def reset(self) -> list[int]:
        """The cells so far, and start again (an hour's grid is posted, then a new hour begins)."""
        cells, self.cells = self.cells, [0] * (self.cols * self.rows)
        return cells
