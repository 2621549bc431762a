"""``smartstore patrol demo-camera VIDEO``: a camera node and an entrance camera that plays a video file,
for the demo (``smartstore vision run --loop`` then counts it through the real pipeline)."""

from __future__ import annotations

from pathlib import Path

import click

SAMPLE_LINE = [250.0, 420.0, 250.0, 130.0]  # vtest.avi: the hand-annotated line (left to right is in)


@click.group()
def patrol() -> None:
    """Cameras and video patrol: set up a demo camera that plays a video file."""


@patrol.command("demo-camera")
@click.argument("video", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@click.option("--line", default=",".join(f"{v:g}" for v in SAMPLE_LINE), show_default=True, help="X1,Y1,X2,Y2")
def demo_camera(video: str, store_code: str | None, line: str) -> None:
    """Register a camera node (key printed once) and an entrance camera playing VIDEO at the first entrance."""
    from store.auth import service as auth_service
    from store.auth.models import DeviceKind
    from store.db import unit_of_work
    from store.errors import StoreError
    from store.patrol import service as patrol_service
    from store.patrol.schemas import CameraIn, CameraSettings
    from store.premises import service as premises_service
    from store.premises.models import ZoneKind

    try:
        lines = [[float(v) for v in line.split(",")]]
        with unit_of_work() as session:
            store = (
                premises_service.get_store_by_code(session, store_code)
                if store_code
                else premises_service.default_store(session)
            )
            entrances = premises_service.list_zones(session, store.id, kind=ZoneKind.entrance)  # type: ignore[arg-type]
            if not entrances:
                raise click.ClickException("the store has no entrance zone: run `smartstore demo` first")
            key, node = auth_service.create_device(
                session,
                store_id=store.id or 0,
                kind=DeviceKind.camera_node,
                name="Demo camera box",
            )
            taken = {c.code for c in patrol_service.list_cameras(session, store.id)}  # type: ignore[arg-type]
            code = next(f"DEMO-{n}" for n in range(1, 1000) if f"DEMO-{n}" not in taken)
            settings = CameraSettings(lines=lines, zone=[[0, 150], [768, 150], [768, 576], [0, 576]], area_m2=400)
            camera = patrol_service.create_camera(
                session,
                store.id,  # type: ignore[arg-type]
                CameraIn(
                    code=code,
                    name=f"演示摄像头 {entrances[0].name}",
                    source=str(Path(video).resolve()),
                    zone_id=entrances[0].id,
                    device_id=node.id,
                    settings=settings,
                ),
            )
            camera_code = camera.code
    except (StoreError, ValueError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
    click.echo(f"camera {camera_code} at entrance {entrances[0].code}; camera node key (shown only this once):")
    click.echo(key)
    click.echo(f"run:  SMARTSTORE_VISION_KEY={key} smartstore vision run --api http://127.0.0.1:8000/api/v1 --loop")


COMMANDS = [patrol]
