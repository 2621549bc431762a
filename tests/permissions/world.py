"""Two stores and one caller of every kind: each staff role and device kind, with real credentials.

The permission matrix and the API fuzzer both run against this world, so a cell "cashier may read
orders" is exercised with a real cashier's bearer token, and "a till of store A is refused by store B"
with a real device key of store A.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from store.auth.models import Device, DeviceKind, Role, StaffUser
from store.members.models import Member
from store.premises.models import Floor, Shop, Store, Zone
from store.sales.models import Order
from tests.factories.auth import create_device, create_user, headers_for
from tests.factories.footfall import create_zone
from tests.factories.members import create_member, member_tokens
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_order

ROLES = tuple(role.value for role in Role)
DEVICE_KINDS = tuple(kind.value for kind in DeviceKind)
ANONYMOUS = "anonymous"
MEMBER = "member"  # a mini-program user signed in with a member access token (store.members.deps)
# Every caller a cell names: the six staff roles, the four device kinds, a member, and nobody.
PRINCIPALS = (*ROLES, *DEVICE_KINDS, MEMBER, ANONYMOUS)
# Devices that sell for one shop are bound to it (as tills are); the others serve the whole store.
SHOP_BOUND = {DeviceKind.pos_terminal, DeviceKind.capture_box}


@dataclass
class Side:
    """One store with a floor, an entrance, two shops, an order in each, and a caller of every kind."""

    store: Store
    floor: Floor
    entrance: Zone
    shop: Shop  # the tenant's shop; shop-bound devices belong to it
    neighbour: Shop  # another shop of the same store
    order: Order  # in ``shop``
    neighbour_order: Order  # in ``neighbour``
    users: dict[str, StaffUser] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # principal -> request headers
    victim: StaffUser | None = None  # a user an admin may deactivate
    spare_device: Device | None = None  # a device an admin may revoke
    member: Member | None = None  # the signed-in member (principal ``member``)
    member_refresh: str = ""  # that sign-in's refresh token


@dataclass
class World:
    home: Side  # the store every cell of the matrix runs against
    other: Side  # a second store: nothing of it may be read or changed from ``home``

    def headers(self, principal: str) -> dict[str, str]:
        return dict(self.home.headers[principal])


def build_side(session: Session, code: str) -> Side:
    store = create_store(session, code=code)
    floor = create_floor(session, store, code="1F", level=1)
    shop = create_shop(session, store, floor)
    neighbour = create_shop(session, store, floor)
    side = Side(
        store=store,
        floor=floor,
        entrance=create_zone(session, store, floor),
        shop=shop,
        neighbour=neighbour,
        order=create_order(session, shop),
        neighbour_order=create_order(session, neighbour),
    )
    for role in Role:
        user = create_user(session, store, role=role, shop=shop if role == Role.tenant else None)
        side.users[role.value] = user
        side.headers[role.value] = headers_for(session, user)
    for kind in DeviceKind:
        key, device = create_device(session, store, kind=kind, shop=shop if kind in SHOP_BOUND else None)
        side.devices[kind.value] = device
        side.headers[kind.value] = {"X-Device-Key": key}
    side.headers[ANONYMOUS] = {}
    side.member = create_member(session, store)
    tokens = member_tokens(session, side.member)
    side.headers[MEMBER] = {"Authorization": f"Bearer {tokens.access_token}"}
    side.member_refresh = tokens.refresh_token
    side.victim = create_user(session, store, role=Role.cashier)
    side.spare_device = create_device(session, store, kind=DeviceKind.kiosk, name="Spare kiosk")[1]
    return side


def build_world(session: Session) -> World:
    """Both stores, flushed (ids known) but not committed: the test's transaction rolls them back."""
    return World(home=build_side(session, "HOME"), other=build_side(session, "OTHER"))
