"""``smartstore vision run``: the camera box. Reads its cameras (config from the store), counts, samples
occupancy and heatmaps, runs the patrol checks, and posts what it measures with its device key.

Frames never leave this process: only counts, occupancy, heatmap cells, status and findings go to the
store, with snapshots in which every person is pixelated. What cannot be sent waits in an outbox on disk
(one JSON file per message, sent in order with its ``Idempotency-Key`` once the store answers again).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from store.footfall.schemas import FootfallBatch, IntervalIn, OccupancyBatch, OccupancyIn
from store.patrol.schemas import (
    SNAPSHOT_BATCH,
    SNAPSHOT_MAX,
    CameraConfig,
    CameraSettings,
    CameraStatusIn,
    FindingBatch,
    FindingEventIn,
    HeatmapBatch,
    HeatmapIn,
    NodeConfig,
    StatusBatch,
)
from vision import checks
from vision.counting import Box, Heatmap, LineCounter, boundary, occupancy

log = logging.getLogger("vision.node")

Tracks = list[tuple[int, Box]]
Tracker = Callable[[Any], Tracks]  # a frame → people with track ids


class Unreachable(RuntimeError):
    """The store did not answer (network down, server restarting, 5xx)."""


class StoreClient:
    """The store's API with this node's device key."""

    def __init__(self, api: str, key: str, *, http: Any = None) -> None:
        self.prefix = api.rstrip("/")  # paths are prefixed when a ready client (a test's) is given
        if http is None:
            import httpx

            http, self.prefix = httpx.Client(base_url=api.rstrip("/"), timeout=10.0), ""
        self.http, self.headers = http, {"X-Device-Key": key}

    def _url(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def config(self) -> NodeConfig:
        try:
            response = self.http.get(self._url("/patrol/node/config"), headers=self.headers)
        except Exception as exc:  # httpx.TransportError and friends
            raise Unreachable(str(exc)) from None
        if response.status_code >= 500:
            raise Unreachable(f"{response.status_code}")
        response.raise_for_status()
        return NodeConfig.model_validate(response.json())

    def post(self, path: str, body: dict[str, Any], key: str | None = None) -> int:
        headers = dict(self.headers, **({"Idempotency-Key": key} if key else {}))
        try:
            response = self.http.post(self._url(path), json=body, headers=headers)
        except Exception as exc:
            raise Unreachable(str(exc)) from None
        if response.status_code >= 500 or response.status_code in (409, 429) and "in-progress" in response.text:
            raise Unreachable(f"{response.status_code}")
        if response.status_code >= 400:
            log.warning("the store refused %s: %s %s", path, response.status_code, response.text[:300])
        return int(response.status_code)


@dataclass
class Outbox:
    """Messages for the store, kept on disk until it has answered them (in order, each with its key)."""

    folder: Path
    _seq: int = 0

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        existing = sorted(self.folder.glob("*.json"))
        self._seq = int(existing[-1].stem) if existing else 0

    def put(self, path: str, body: dict[str, Any], key: str | None) -> None:
        self._seq += 1
        target = self.folder / f"{self._seq:012d}.json"
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps({"path": path, "body": body, "key": key}), encoding="utf-8")
        partial.replace(target)  # never half a message on disk

    def pending(self) -> int:
        return len(list(self.folder.glob("*.json")))

    def flush(self, client: StoreClient) -> int:
        """Send what waits, oldest first; stop at the first that cannot reach the store. Returns how many went."""
        sent = 0
        for item in sorted(self.folder.glob("*.json")):
            message = json.loads(item.read_text(encoding="utf-8"))
            try:
                client.post(message["path"], message["body"], message["key"])
            except Unreachable:
                return sent
            item.unlink()  # answered (a refusal is logged: resending would not change it)
            sent += 1
        return sent


def _floor(moment: datetime, minutes: int) -> datetime:
    total = moment.hour * 60 + moment.minute
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=total - total % minutes)


@dataclass(frozen=True)
class StoreHours:
    """The store's opening hours as the node config serves them: restricted zones are armed outside them."""

    timezone: str = "Asia/Shanghai"
    days: dict[int, tuple[clock_time, clock_time]] = field(default_factory=dict)  # weekday → opens, closes

    @classmethod
    def of(cls, config: NodeConfig) -> StoreHours:
        days = {
            h.weekday: (clock_time.fromisoformat(h.opens_at), clock_time.fromisoformat(h.closes_at))
            for h in config.hours
        }
        return cls(config.timezone, days)

    def armed(self, now: datetime, camera: CameraSettings) -> bool:
        """Outside opening hours (a weekday with no hours: closed all day); a camera with hours of its own
        (``opens_at`` and ``closes_at`` both set) is armed outside those instead."""
        if camera.opens_at and camera.closes_at:
            local = now.astimezone(ZoneInfo(camera.timezone))
            hours: tuple[clock_time, clock_time] | None = (
                clock_time.fromisoformat(camera.opens_at),
                clock_time.fromisoformat(camera.closes_at),
            )
        else:
            local = now.astimezone(ZoneInfo(self.timezone))
            hours = self.days.get(local.weekday())
        if hours is None:
            return True
        start, end = hours
        return not start <= local.time() < end


@dataclass
class CameraWorker:
    """One camera: its counter, heatmap, references and monitors, fed one frame at a time."""

    config: CameraConfig
    tracker: Tracker
    width: int = 0
    height: int = 0
    counter: LineCounter = field(init=False)
    heatmap: Heatmap | None = None
    references: checks.References = field(default_factory=checks.References)
    offline: checks.OfflineMonitor = field(init=False)
    frozen: checks.FrozenMonitor = field(init=False)
    holds: dict[str, checks.HoldMonitor] = field(default_factory=dict)
    hours: StoreHours = field(default_factory=StoreHours)  # the store's, from the node config
    interval_in: int = 0
    interval_out: int = 0
    people: int = 0
    frames: int = 0
    fps: float = 0.0
    last_frame_at: datetime | None = None
    last_image: Any = None
    last_boxes: list[Box] = field(default_factory=list)
    rebaselined: datetime | None = None

    def __post_init__(self) -> None:
        settings = self.config.settings
        self.counter = LineCounter([boundary(numbers) for numbers in settings.lines])
        self.offline = checks.OfflineMonitor(grace_s=settings.offline_grace_s)
        self.frozen = checks.FrozenMonitor(hold_s=settings.frozen_s)
        for kind in (checks.BLACK, checks.WHITE, checks.COVERED, checks.BLUR, checks.MOVED):
            self.holds[kind] = checks.HoldMonitor(kind, hold_s=10, clear_s=10)
        self.holds[checks.EXIT_BLOCKED] = checks.HoldMonitor(checks.EXIT_BLOCKED, settings.keep_clear_s, 5)
        self.holds[checks.CROWD_WARN] = checks.HoldMonitor(checks.CROWD_WARN, 10, 30)
        self.holds[checks.CROWD_ALARM] = checks.HoldMonitor(checks.CROWD_ALARM, 10, 30)
        self.holds[checks.INTRUSION] = checks.HoldMonitor(checks.INTRUSION, 2, 30)

    def frame(self, image: Any, at: float, now: datetime) -> list[checks.Event]:
        """Count, sample and check one frame; returns the findings raised or cleared."""
        events = [e for e in (self.offline.frame(at),) if e]
        height, width = image.shape[:2]
        if (width, height) != (self.width, self.height):
            self.width, self.height = width, height
            self.heatmap = Heatmap(width, height)
            for line in self.counter.lines:
                line.check_inside(width, height)
        tracks = self.tracker(image)
        boxes = [box for _, box in tracks]
        before = [dict(c) for c in self.counter.counts]
        self.counter.update(self.frames, tracks)
        self.interval_in += sum(c["in"] - b["in"] for c, b in zip(self.counter.counts, before, strict=True))
        self.interval_out += sum(c["out"] - b["out"] for c, b in zip(self.counter.counts, before, strict=True))
        zone = [tuple(p[:2]) for p in self.config.settings.zone if len(p) >= 2]
        self.people = occupancy(zone, boxes) if len(zone) >= 3 else len(boxes)  # type: ignore[arg-type]
        if self.heatmap is not None:
            self.heatmap.add(boxes)
        self.frames += 1
        self.last_frame_at, self.last_image, self.last_boxes = now, image, boxes
        return events + self._checks(image, boxes, at, now)

    def _checks(self, image: Any, boxes: list[Box], at: float, now: datetime) -> list[checks.Event]:
        settings = self.config.settings
        wanted = self.config.rebaseline_at
        if wanted is not None and (self.rebaselined is None or wanted > self.rebaselined):
            self.references.rebaseline(image)
            self.rebaselined = wanted
        if self.references.for_frame(image) is None and not checks.picture_problems(image, self.references):
            self.references.rebaseline(image)  # the first good view of this light is its reference
        problems = checks.picture_problems(image, self.references)
        events = [self.holds[k].feed(at, k in problems) for k in (checks.BLACK, checks.WHITE, checks.COVERED)]
        events += [self.holds[k].feed(at, k in problems) for k in (checks.BLUR, checks.MOVED)]
        events.append(self.frozen.feed(at, image))
        reference = self.references.for_frame(image)
        keep_clear = [tuple(p[:2]) for p in settings.keep_clear if len(p) >= 2]
        if len(keep_clear) >= 3 and reference is not None:
            blocked = checks.occupied_fraction(reference.image, image, keep_clear) > 0.3  # type: ignore[arg-type]
            events.append(self.holds[checks.EXIT_BLOCKED].feed(at, blocked))
        level = checks.crowding(self.people, settings.area_m2, settings.design_density)
        events.append(self.holds[checks.CROWD_ALARM].feed(at, level == checks.CROWD_ALARM))
        events.append(self.holds[checks.CROWD_WARN].feed(at, level is not None))
        if self.config.role == "restricted":
            zone = [tuple(p[:2]) for p in settings.zone if len(p) >= 2]
            inside = checks.intruders(zone, boxes) if len(zone) >= 3 else len(boxes)  # type: ignore[arg-type]
            armed = self.hours.armed(now, settings)
            events.append(self.holds[checks.INTRUSION].feed(at, armed and inside > 0))
        return [e for e in events if e]

    def snapshot(self) -> str | None:
        """The latest frame with every person pixelated, as base64 JPEG (None before the first frame)."""
        if self.last_image is None:
            return None
        blurred = checks.blur_people(self.last_image, self.last_boxes)
        for width in (480, 400, 320, 240):
            text = base64.b64encode(checks.jpeg(blurred, width=width)).decode()
            if len(text) <= SNAPSHOT_MAX:
                return text
        return None


def video_frames(source: str, *, loop: bool) -> Iterator[Any]:
    """Frames of a camera URL or file; a file starts again when ``loop``. Raises ``BadVideo`` when it won't open."""
    from vision.detector import open_video

    while True:
        capture = open_video(source)
        try:
            while True:
                ok, image = capture.read()
                if not ok:
                    break
                if image is None or getattr(image, "ndim", 0) != 3:
                    continue  # a corrupt frame: skip it
                yield image
        finally:
            capture.release()
        if not loop:
            return


@dataclass
class CameraNode:
    """Runs every camera of this node, one frame of each in turn, and reports to the store."""

    client: StoreClient
    state_dir: Path
    model: Path | None = None
    interval_minutes: int = 1
    loop: bool = False
    tracker_factory: Callable[[], Tracker] | None = None
    frame_source: Callable[[str], Iterator[Any]] | None = None
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    status_every_s: float = 10.0
    workers: dict[int, CameraWorker] = field(default_factory=dict)
    streams: dict[int, Iterator[Any] | None] = field(default_factory=dict)
    outbox: Outbox = field(init=False)
    _interval_start: datetime | None = None
    _last_status: float = -1e9
    _last_occupancy: float = -1e9
    _retry_at: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.outbox = Outbox(Path(self.state_dir) / "outbox")

    def _tracker(self) -> Tracker:
        if self.tracker_factory is not None:
            return self.tracker_factory()
        from vision.detector import DEFAULT_MODEL, Detector

        detector = Detector(self.model or DEFAULT_MODEL)
        return detector.track

    def configure(self, config: NodeConfig) -> None:
        """Start workers for new cameras, drop removed ones, pass new settings (a re-baseline request) and the
        store's opening hours."""
        wanted = {c.id: c for c in config.cameras}
        hours = StoreHours.of(config)
        for camera_id in list(self.workers):
            if camera_id not in wanted:
                del self.workers[camera_id]
                self.streams.pop(camera_id, None)
        for camera_id, camera in wanted.items():
            if camera_id not in self.workers:
                self.workers[camera_id] = CameraWorker(camera, self._tracker())
                self.streams[camera_id] = None
            self.workers[camera_id].config = camera
            self.workers[camera_id].hours = hours

    def _open(self, camera_id: int, at: float) -> Iterator[Any] | None:
        if at < self._retry_at.get(camera_id, 0):
            return None
        source = self.workers[camera_id].config.source
        try:
            opener = self.frame_source or (lambda s: video_frames(s, loop=self.loop))
            stream = opener(source)
        except Exception as exc:  # BadVideo and whatever the stream raises: this camera only
            log.warning("camera %s: %s", camera_id, exc)
            self._retry_at[camera_id] = at + 10
            return None
        self.streams[camera_id] = stream
        return stream

    def step(self) -> None:
        """One frame of every camera, the monitors' ticks, and whatever is due to send."""
        at, now = self.clock(), self.now()
        for camera_id, worker in list(self.workers.items()):
            events: list[checks.Event] = []
            stream = self.streams.get(camera_id) or self._open(camera_id, at)
            image = None
            if stream is not None:
                try:
                    image = next(stream)
                except StopIteration:
                    self.streams[camera_id] = None  # the video ended: the camera is silent from now on
                except Exception as exc:
                    log.warning("camera %s stopped: %s", camera_id, exc)
                    self.streams[camera_id] = None
            if image is not None:
                try:
                    events += worker.frame(image, at, now)
                except Exception as exc:  # a bad line, a corrupt frame: log it, keep the other cameras going
                    log.warning("camera %s: %s", camera_id, exc)
            events += [e for e in (worker.offline.tick(at),) if e]
            if events:
                self._findings(worker, events, now)
        self._roll(now)
        if at - self._last_status >= self.status_every_s:
            self._last_status = at
            self._status(now)
        self.outbox.flush(self.client)

    def _findings(self, worker: CameraWorker, events: list[checks.Event], now: datetime) -> None:
        for start in range(0, len(events), SNAPSHOT_BATCH):
            self._findings_batch(worker, events[start : start + SNAPSHOT_BATCH], now)

    def _findings_batch(self, worker: CameraWorker, events: list[checks.Event], now: datetime) -> None:
        snapshot = worker.snapshot()
        batch = FindingBatch(
            events=[
                FindingEventIn(
                    camera_id=worker.config.id,
                    kind=e.kind,  # type: ignore[arg-type]
                    state=e.state,  # type: ignore[arg-type]
                    at=now,
                    detail=f"{worker.config.code}: {e.kind}",
                    snapshot_jpeg=snapshot if e.state == "raise" and e.kind != checks.OFFLINE else None,
                )
                for e in events
            ]
        )
        key = f"findings-{worker.config.id}-{now.isoformat()}-{'-'.join(e.kind + e.state for e in events)}"
        self.outbox.put("/patrol/node/findings", batch.model_dump(mode="json"), key[:200])

    def _roll(self, now: datetime) -> None:
        """At the end of an interval: post each entrance's counts, occupancy, and this hour's heatmaps."""
        start = _floor(now, self.interval_minutes)
        if self._interval_start is None:
            self._interval_start = start
            return
        if start == self._interval_start:
            return
        ended, self._interval_start = self._interval_start, start
        intervals, readings, grids = [], [], []
        for worker in self.workers.values():
            camera = worker.config
            if camera.role == "entrance" and camera.zone_id is not None and worker.counter.lines:
                intervals.append(
                    IntervalIn(
                        zone_id=camera.zone_id,
                        interval_start=ended,
                        interval_minutes=self.interval_minutes,
                        count_in=worker.interval_in,
                        count_out=worker.interval_out,
                    )
                )
            worker.interval_in = worker.interval_out = 0
            if camera.zone_id is not None and worker.frames:
                readings.append(OccupancyIn(zone_id=camera.zone_id, measured_at=ended, people=worker.people))
            if worker.heatmap is not None and any(worker.heatmap.cells):
                hour = ended.replace(minute=0, second=0, microsecond=0)
                grid = worker.heatmap
                grids.append(
                    HeatmapIn(
                        camera_id=camera.id, hour_start=hour, cols=grid.cols, rows=grid.rows, cells=list(grid.cells)
                    )
                )
                if start.hour != ended.hour or start.date() != ended.date():
                    grid.reset()  # a new hour starts a new grid
        stamp = ended.isoformat()
        if intervals:
            body = FootfallBatch(intervals=intervals).model_dump(mode="json")
            self.outbox.put("/footfall/counts", body, f"counts-{stamp}")
        if readings:
            body = OccupancyBatch(readings=readings).model_dump(mode="json")
            self.outbox.put("/footfall/occupancy", body, f"occupancy-{stamp}")
        if grids:
            self.outbox.put(
                "/patrol/node/heatmaps", HeatmapBatch(heatmaps=grids).model_dump(mode="json"), f"heatmaps-{stamp}"
            )

    def _status(self, now: datetime) -> None:
        """Status is live information: sent now if the store answers, never queued."""
        cameras = []
        for worker in self.workers.values():
            elapsed = max(self.clock() - getattr(worker, "_fps_at", self.clock() - 1), 1e-6)
            worker.fps = round((worker.frames - getattr(worker, "_fps_frames", 0)) / elapsed, 2)
            worker._fps_at, worker._fps_frames = self.clock(), worker.frames  # type: ignore[attr-defined]
            cameras.append(
                CameraStatusIn(
                    camera_id=worker.config.id,
                    frame_at=worker.last_frame_at,
                    fps=min(worker.fps, 1000),
                    people=worker.people if worker.frames else None,
                    snapshot_jpeg=worker.snapshot(),
                )
            )
        for start in range(0, len(cameras), SNAPSHOT_BATCH):
            batch = StatusBatch(cameras=cameras[start : start + SNAPSHOT_BATCH])
            with contextlib.suppress(Unreachable):
                self.client.post("/patrol/node/status", batch.model_dump(mode="json"))

    def run(self, *, max_seconds: float | None = None, refresh_s: float = 60.0) -> None:
        """Read the config, then step until stopped (Ctrl-C) or ``max_seconds`` passed."""
        started = last_config = self.clock()
        self.configure(self._config_or_cached())
        while max_seconds is None or self.clock() - started < max_seconds:
            if self.clock() - last_config >= refresh_s:
                last_config = self.clock()
                self.configure(self._config_or_cached())
            self.step()
            if not self.workers:
                time.sleep(1.0)

    def _config_or_cached(self) -> NodeConfig:
        """The store's config (kept on disk), or the last one kept while the store is unreachable."""
        cached = Path(self.state_dir) / "config.json"
        try:
            config = self.client.config()
        except Unreachable:
            if cached.exists():
                return NodeConfig.model_validate_json(cached.read_text(encoding="utf-8"))
            log.warning("the store is unreachable and no config is cached yet")
            return NodeConfig(cameras=[])
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(config.model_dump_json(), encoding="utf-8")
        return config
