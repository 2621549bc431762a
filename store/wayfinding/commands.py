"""``smartstore map``: the store map as IMDF — export, import, draw from the premises, list connectors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad map data and unknown stores as one readable line and exit code 2, as ``store.cli`` does."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from store.errors import StoreError

        try:
            return func(*args, **kwargs)
        except StoreError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)

    return wrapper


def _store_id(session, store_code: str | None) -> int:  # type: ignore[no-untyped-def]
    from store.premises import service as premises_service

    store = (
        premises_service.get_store_by_code(session, store_code)
        if store_code
        else premises_service.default_store(session)
    )
    return store.id  # type: ignore[return-value]


@click.group("map")
def map_command() -> None:
    """The store map (IMDF): import, export, draw from the premises."""


@map_command.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@friendly_errors
def export(file: str, store_code: str | None) -> None:
    """Write the store's map to FILE as an IMDF archive (zip of GeoJSON, WGS84)."""
    from store.db import unit_of_work
    from store.wayfinding import service as wayfinding_service

    with unit_of_work() as session:
        body = wayfinding_service.export_archive(session, _store_id(session, store_code))
    Path(file).write_bytes(body)
    click.echo(f"wrote {file} ({len(body):,} bytes)")


@map_command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@friendly_errors
def import_(file: str, store_code: str | None) -> None:
    """Replace the store's map with the IMDF archive FILE; an invalid archive changes nothing."""
    from store.db import unit_of_work
    from store.wayfinding import service as wayfinding_service

    with unit_of_work() as session:
        count = wayfinding_service.import_archive(session, _store_id(session, store_code), Path(file).read_bytes())
    click.echo(f"imported {count} features")


@map_command.command("generate")
@click.option("--store", "store_code", default=None, help="Store code (default: the only store).")
@friendly_errors
def generate(store_code: str | None) -> None:
    """Draw the map from the premises: floors, the shops trading today, entrance zones."""
    from store.db import unit_of_work
    from store.wayfinding import service as wayfinding_service

    with unit_of_work() as session:
        count = wayfinding_service.generate_from_premises(session, _store_id(session, store_code))
    click.echo(f"drew {count} features from the premises")


COMMANDS = [map_command]
