"""``smartstore user`` and ``smartstore device``: create staff users and devices, printing secrets once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import DeviceKind, Role
from store.config import SettingsError, get_settings
from store.db import DatabaseUnavailable, unit_of_work
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.models import Store

SHOWN_ONCE = "shown only this once: it is stored hashed and cannot be displayed again"


@contextmanager
def _readable_errors() -> Iterator[None]:
    # store.cli.friendly_errors would be the natural choice, but store.cli imports this module.
    try:
        yield
    except (StoreError, SettingsError, DatabaseUnavailable) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None


def _store(session: Session, code: str | None) -> Store:
    if code:
        return premises_service.get_store_by_code(session, code)
    return premises_service.default_store(session)


def _shop_id(session: Session, store: Store, code: str | None) -> int | None:
    return premises_service.get_shop_by_code(session, store.id, code).id if code else None  # type: ignore[arg-type]


store_option = click.option("--store", "store_code", help="Store code (default: the only store).")
shop_option = click.option("--shop", "shop_code", help="Shop code (tenant staff and shop devices).")


@click.group()
def user() -> None:
    """Staff users: create them, list them, issue API tokens."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="What the user may do.")
@shop_option
@store_option
@click.option("--display-name", default="", help="Name shown in the admin pages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else one is generated).")
def user_create(
    username: str, role: str, shop_code: str | None, store_code: str | None, display_name: str, password_stdin: bool
) -> None:
    """Create a staff user; without --password-stdin a password is generated and printed once."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with _readable_errors(), unit_of_work() as session:
        store = _store(session, store_code)
        created = auth_service.create_user(
            session,
            store_id=store.id,  # type: ignore[arg-type]
            username=username,
            password=password or (generated := auth_service.generate_password()),
            role=Role(role),
            shop_id=_shop_id(session, store, shop_code),
            display_name=display_name,
        )
        where = f"store {store.code}" + (f", shop {shop_code}" if shop_code else "")
    click.echo(f"created {created.role} {created.username} in {where}")
    if not password:
        click.echo(f"password: {generated}")
        click.echo(f"(password {SHOWN_ONCE})")


@user.command("token")
@click.argument("username")
def user_token(username: str) -> None:
    """Issue an API bearer token for a user and print it once."""
    with _readable_errors(), unit_of_work() as session:
        found = auth_service.get_user_by_username(session, username)
        if not found.is_active:
            raise click.ClickException(f"user {username!r} is deactivated")
        token, row = auth_service.issue_token(session, found, get_settings().token_max_age_s)
    click.echo(f"token: {token}")
    click.echo(f"(valid until {row.expires_at:%Y-%m-%d %H:%M} UTC; {SHOWN_ONCE})")


@user.command("list")
@store_option
def user_list(store_code: str | None) -> None:
    """List the staff users of a store."""
    with _readable_errors(), unit_of_work() as session:
        users = auth_service.list_users(session, _store(session, store_code).id)  # type: ignore[arg-type]
        for u in users:
            state = "active" if u.is_active else "deactivated"
            shop = f" shop={u.shop_id}" if u.shop_id else ""
            click.echo(f"{u.id:>4}  {u.username:<20} {u.role!s:<10} {state}{shop}")


@click.group()
def device() -> None:
    """Devices (tills, kiosks, camera nodes, capture boxes) and their API keys."""


@device.command("create")
@click.option("--kind", type=click.Choice([k.value for k in DeviceKind]), required=True)
@click.option("--name", required=True, help='A name staff recognise, e.g. "Till 1".')
@shop_option
@store_option
def device_create(kind: str, name: str, shop_code: str | None, store_code: str | None) -> None:
    """Register a device and print its API key once."""
    with _readable_errors(), unit_of_work() as session:
        store = _store(session, store_code)
        key, row = auth_service.create_device(
            session,
            store_id=store.id,  # type: ignore[arg-type]
            kind=DeviceKind(kind),
            name=name,
            shop_id=_shop_id(session, store, shop_code),
        )
        where = f"store {store.code}" + (f", shop {shop_code}" if shop_code else "")
    click.echo(f"created device {row.id} ({row.kind} {row.name!r}) in {where}")
    click.echo(f"api key: {key}")
    click.echo(f"(key {SHOWN_ONCE}; send it as the X-Device-Key header)")


@device.command("list")
@store_option
def device_list(store_code: str | None) -> None:
    """List devices with the start of their keys (never the keys)."""
    with _readable_errors(), unit_of_work() as session:
        for d in auth_service.list_devices(session, _store(session, store_code).id):  # type: ignore[arg-type]
            state = "revoked" if d.revoked_at else "active"
            shop = f" shop={d.shop_id}" if d.shop_id else ""
            click.echo(f"{d.id:>4}  {d.kind!s:<12} {d.name:<24} {d.key_prefix}…  {state}{shop}")


@device.command("revoke")
@click.argument("device_id", type=int)
@store_option
def device_revoke(device_id: int, store_code: str | None) -> None:
    """Revoke a device's API key at once."""
    with _readable_errors(), unit_of_work() as session:
        row = auth_service.revoke_device(session, _store(session, store_code).id, device_id)  # type: ignore[arg-type]
    click.echo(f"revoked device {row.id} ({row.name!r})")


COMMANDS = [user, device]
