"""Demo hook of auth: one staff user per role, all with the demo password; no devices."""

from __future__ import annotations

from typing import Any

from store.auth import service as auth_service
from store.auth.models import Role
from store.config import get_settings
from store.premises import service as premises_service

# username, role, display name
USERS = (
    ("admin", Role.admin, "系统管理员"),
    ("manager", Role.manager, "王店长"),
    ("cashier", Role.cashier, "李收银"),
    ("marketing", Role.marketing, "陈市场"),
    ("security", Role.security, "赵安保"),
)
TENANT_USERNAME = "tenant"


def generate(ctx: Any) -> None:
    """Create the demo users; the tenant staff member works at the first trading 1F cosmetics counter."""
    session, password = ctx.session, get_settings().demo_admin_password
    for username, role, display_name in USERS:
        auth_service.create_user(
            session, store_id=ctx.store_id, username=username, password=password, role=role, display_name=display_name
        )
    floor = premises_service.get_floor_by_code(session, ctx.store_id, "1F")
    shop = premises_service.list_shops(
        session, ctx.store_id, floor_id=floor.id, category="cosmetics", open_on=ctx.end_on
    )[0]
    auth_service.create_user(
        session,
        store_id=ctx.store_id,
        username=TENANT_USERNAME,
        password=password,
        role=Role.tenant,
        shop_id=shop.id,
        display_name=f"{shop.name} 店长",
    )
    names = ", ".join([*(u for u, _, _ in USERS), TENANT_USERNAME])
    ctx.echo(f"demo: users      {names} (password: SMARTSTORE_DEMO_ADMIN_PASSWORD, default smartstore-demo)")
