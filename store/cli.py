"""The ``smartstore`` command: composition root of the command line.

Every command starts in well under a second: this module imports only click. The commands that the
domains declare (``store/<domain>/commands.py``, ``COMMANDS``) are named in ``LAZY_COMMANDS`` with their
one-line help, and their module (ReportLab, openpyxl, the database, ...) is imported only when that
command runs. tests/store/test_cli_startup.py checks that no domain command is left out of the table and
that ``--version`` and ``--help`` import no heavy module.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from store.config import StoreSettings

# name → (module, attribute, one-line help shown by `smartstore --help`).
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "backup": (
        "store.backup.commands",
        "backup_command",
        "Back up the whole database while the store keeps selling, verified, with a manifest of row counts.",
    ),
    "restore": (
        "store.backup.commands",
        "restore_command",
        "Restore a backup FILE into the configured database, which must be empty; compare every table's rows.",
    ),
    "assess": (
        "store.assessment.commands",
        "assess",
        "Score the store against the Annex 4 smart-store indicators over a period of months.",
    ),
    "device": (
        "store.auth.commands",
        "device",
        "Devices (tills, kiosks, camera nodes, capture boxes) and their API keys.",
    ),
    "import": (
        "store.imports.commands",
        "import_command",
        "Import a CSV or XLSX file of KIND: a store's history and premises from its old systems.",
    ),
    "user": ("store.auth.commands", "user", "Staff users: create them, list them, issue API tokens."),
    "map": (
        "store.wayfinding.commands",
        "map_command",
        "The store map (IMDF): import, export, draw from the premises.",
    ),
    "patrol": (
        "store.patrol.commands",
        "patrol",
        "Cameras and video patrol: set up a demo camera that plays a video file.",
    ),
    # Device-side edges (not store domains): present when their package is installed.
    "pos": (
        "pos_bridge.commands",
        "pos",
        "Tills: the till agent with its offline outbox and cashier screen, the receipt capture box.",
    ),
    "vision": (
        "vision.commands",
        "vision",
        "Camera box: count people crossing lines on a video, run the cameras of this node.",
    ),
}
EDGE_PACKAGES = ("vision", "pos_bridge")


def _expected(exc: BaseException) -> bool:
    from store.config import SettingsError
    from store.db import DatabaseUnavailable
    from store.errors import StoreError

    return isinstance(exc, SettingsError | DatabaseUnavailable | StoreError)


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into one readable line and exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            if not _expected(exc):
                raise
            click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
            sys.exit(2)

    return wrapper


def _present() -> list[str]:
    """The names of the table whose module this installation has (found without importing it)."""
    from store.registry import command_module_names

    found = set(command_module_names())
    edges = {module for _, (module, _, _) in LAZY_COMMANDS.items() if module.split(".")[0] in EDGE_PACKAGES}
    found |= {module for module in edges if importlib.util.find_spec(module) is not None}
    return [name for name, (module, _, _) in LAZY_COMMANDS.items() if module in found]


class LazyGroup(click.Group):
    """A group whose domain commands are imported when they run, not when the program starts.

    A ``commands`` module that ``LAZY_COMMANDS`` does not name (a domain added later) still works: its
    commands are loaded, eagerly, the first time the list of commands is needed."""

    def _unlisted(self) -> dict[str, click.Command]:
        from store.registry import command_module_names

        listed = {module for module, _, _ in LAZY_COMMANDS.values()}
        found: dict[str, click.Command] = {}
        for name in command_module_names():
            if name not in listed:
                found.update({command.name: command for command in importlib.import_module(name).COMMANDS})
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_present(), *self._unlisted()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        if cmd_name in _present():
            module, attribute, _ = LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
        else:
            command = self._unlisted().get(cmd_name)
        if command is not None:
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with the table's help for lazy commands, so ``--help`` imports none of them."""
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:  # listed, so present
                rows.append((name, LAZY_COMMANDS[name][2]))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup)
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
    from store.config import get_settings
    from store.db import check_database, get_engine
    from store.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = get_engine()
    check_database(engine)
    if migrate.current_revision(engine) != migrate.head_revision():
        from store.errors import StoreError

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
    if after == migrate.head_revision():
        from store.imports.commands import recover

        for line in recover(engine):
            click.echo(f"note: {line}")
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
    from store.config import get_settings
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


def main() -> None:
    cli(prog_name="smartstore")


if __name__ == "__main__":  # `python -m store.cli …` works like the `smartstore` script
    main()
