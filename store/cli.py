"""The ``smartstore`` command: composition root of the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from store.config import SettingsError, StoreSettings, get_settings
from store.db import DatabaseUnavailable
from store.errors import StoreError
from store.registry import domain_modules


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into one readable line and exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SettingsError, DatabaseUnavailable, StoreError) as exc:
            click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
            sys.exit(2)

    return wrapper


@click.group()
@click.version_option(package_name="smartstore")
def cli() -> None:
    """Smart-store system: serve the store, run jobs, load the demo, assess against Annex 4."""


@cli.command()
@click.option("--host", default=None, help="Bind address (default SMARTSTORE_HOST).")
@click.option("--port", type=int, default=None, help="Port (default SMARTSTORE_PORT).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@friendly_errors
def serve(host: str | None, port: int | None, reload: bool) -> None:
    """Serve the API, the admin pages and the kiosk."""
    import uvicorn

    from store import migrate
    from store.db import check_database, get_engine
    from store.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = get_engine()
    check_database(engine)
    if migrate.current_revision(engine) != migrate.head_revision():
        raise StoreError("the database is not migrated to head: run `smartstore db upgrade` first")
    uvicorn.run(
        "store.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_config=None,
        **proxy_options(settings),
    )


def proxy_options(settings: StoreSettings) -> dict[str, Any]:
    """Uvicorn's forwarded-header handling: on only for the proxies that settings name (issue 7).

    Uvicorn trusts ``X-Forwarded-For`` from 127.0.0.1 by default, which let anyone on the machine pick
    their own address and walk past the per-address sign-in limits.
    """
    allowed = [ip.strip() for ip in settings.forwarded_allow_ips.split(",") if ip.strip()]
    if not allowed:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": allowed}


@cli.group()
def db() -> None:
    """Database schema: migrate, inspect."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@friendly_errors
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema (running it twice changes nothing)."""
    from store import migrate
    from store.db import check_database, get_engine, safe_url

    engine = get_engine()
    check_database(engine)
    before, after = migrate.upgrade(engine, revision)
    where = safe_url(str(engine.url))
    if before == after:
        click.echo(f"{where}: already at {after}, nothing to do")
    else:
        click.echo(f"{where}: migrated {before or '(empty)'} -> {after}")


@db.command("current")
@friendly_errors
def db_current() -> None:
    """Print the revision the database is at and the newest one in the code."""
    from store import migrate
    from store.db import check_database, get_engine

    engine = get_engine()
    check_database(engine)
    click.echo(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


@db.command("revision", hidden=True)
@click.option("-m", "--message", required=True)
@click.option("--rev-id", required=True)
@friendly_errors
def db_revision(message: str, rev_id: str) -> None:
    """Autogenerate a migration against the current database (developers)."""
    from store import migrate
    from store.db import get_engine

    migrate.revision(get_engine(), message, rev_id)


@cli.command()
@click.option("--seed", type=int, default=None, help="Random seed (default SMARTSTORE_DEMO_SEED, 42).")
@click.option(
    "--end",
    "end_on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day of history (default: yesterday in the store's timezone).",
)
@click.option("--days", type=click.IntRange(7, 1200), default=730, show_default=True, help="Days of history.")
@click.option(
    "--scale",
    type=click.FloatRange(0.001, 1.0),
    default=1.0,
    show_default=True,
    help="Fraction of the full volume of orders and footfall (tests use a small one).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when a store already exists.")
@friendly_errors
def demo(seed: int | None, end_on: Any, days: int, scale: float, if_empty: bool) -> None:
    """Create the demo department store with its history."""
    from store.demo import DemoOptions, generate

    options = DemoOptions(
        seed=get_settings().demo_seed if seed is None else seed,
        end_on=end_on.date() if end_on else None,
        days=days,
        scale=scale,
    )
    generate(options, if_empty=if_empty, echo=click.echo)


@cli.command()
@friendly_errors
def worker() -> None:
    """Run the scheduled jobs (one worker at a time per database)."""
    from store.jobs import run_worker

    run_worker()


for _module in domain_modules("commands"):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="smartstore")
