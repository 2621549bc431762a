"""Self-service rentals (C4 智能自助服务设施): rent and return an asset with the member code.

Rules (what a shopper or the desk notices):

- Renting takes the asset's code and the member's dynamic code. An unknown asset, one already out, or a
  code that is expired, used or forged is refused with a clear message and nothing changes (the member's
  code is not used up either: the whole rent runs in a savepoint).
- Of two renters of the same asset at once exactly one wins: the asset moves from ``available`` to ``out``
  by one conditional UPDATE, and a unique index allows one open rental per asset.
- An asset with a deposit takes it through the payment plugin (store/payments); declined or unknown, the
  rental is cancelled and the asset stays. The deposit is refunded on return. ``deposit_fen = 0``: free.
- A return takes the asset's code and the renter's member code; another member's code is refused.
- Overdue rentals are flagged by the worker (``check_overdue``) and listed in the admin.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from store.clock import utcnow
from store.facilities import service as facilities_service
from store.facilities.models import FacilityKind
from store.members import codes as member_codes
from store.members.models import Member
from store.payments import service as payments_service
from store.payments.network import PaymentNetwork
from store.payments.schemas import PaymentStatus
from store.rentals.errors import (
    AssetNotAvailable,
    AssetNotFound,
    BadRentalInput,
    DepositNotPaid,
    NotYourRental,
    RentalNotFound,
    StationNotFound,
)
from store.rentals.models import AssetKind, AssetStatus, Rental, RentalAsset, RentalStation, RentalStatus, StationKind

PURPOSE = "rental"  # payment purpose of a deposit
DEPOSIT_METHOD = "wechat"

# C4 智能自助服务设施: which of the five kinds Annex 4 names (store.assessment.rules_rentals) each use earns.
ASSET_C4 = {
    AssetKind.power_bank: "charging",
    AssetKind.wheelchair: "wheelchair",
    AssetKind.stroller: "stroller",
    AssetKind.umbrella: "rental",
}
STATION_C4 = {StationKind.charging: "charging", StationKind.vending: "vending"}


# --- register ----------------------------------------------------------------------------------------------


def list_stations(session: Session, store_id: int) -> list[RentalStation]:
    query = select(RentalStation).where(RentalStation.store_id == store_id)
    return list(session.exec(query.order_by(col(RentalStation.code))))


def get_station(session: Session, store_id: int, code: str) -> RentalStation:
    found = session.exec(
        select(RentalStation).where(RentalStation.store_id == store_id, RentalStation.code == code)
    ).first()
    if found is None:
        raise StationNotFound(f"no rental station {code!r} in this store")
    return found


def create_station(
    session: Session,
    store_id: int,
    *,
    code: str,
    name: str,
    kind: StationKind = StationKind.rental,
    name_en: str = "",
    location: str = "",
    device_code: str = "",
    installed_on: date | None = None,
) -> RentalStation:
    """A station; a charging station or vending machine is also registered as a facility device (its usage
    count arrives over MQTT there), found by ``device_code`` when already registered."""
    if session.exec(
        select(RentalStation.id).where(RentalStation.store_id == store_id, RentalStation.code == code)
    ).first():
        raise BadRentalInput(f"station code {code!r} is already used")
    device_id = None
    if kind in STATION_C4:
        device_code = device_code or code
        known = {d.code: d for d in facilities_service.list_devices(session, store_id, kind=FacilityKind.self_service)}
        device = known.get(device_code) or facilities_service.create_device(
            session,
            store_id,
            code=device_code,
            kind=FacilityKind.self_service,
            installed_on=installed_on or utcnow().date(),
            name=name,
        )
        device_id = device.id
    station = RentalStation(
        store_id=store_id, code=code, name=name, name_en=name_en, kind=kind, location=location, device_id=device_id
    )
    session.add(station)
    session.flush()
    return station


def list_assets(session: Session, store_id: int, *, station_id: int | None = None) -> list[RentalAsset]:
    query = select(RentalAsset).where(RentalAsset.store_id == store_id)
    if station_id is not None:
        query = query.where(RentalAsset.station_id == station_id)
    return list(session.exec(query.order_by(col(RentalAsset.code))))


def get_asset(session: Session, store_id: int, code: str) -> RentalAsset:
    found = session.exec(
        select(RentalAsset).where(RentalAsset.store_id == store_id, RentalAsset.code == code.strip()[:32])
    ).first()
    if found is None:
        raise AssetNotFound(f"no asset {code.strip()[:32]!r} in this store: check the code on its label")
    return found


def create_asset(
    session: Session,
    store_id: int,
    *,
    code: str,
    station_code: str,
    kind: AssetKind,
    deposit_fen: int = 0,
    loan_minutes: int = 240,
) -> RentalAsset:
    station = get_station(session, store_id, station_code)
    if station.kind != StationKind.rental:
        raise BadRentalInput(f"station {station_code!r} is a {station.kind} device and lends no assets")
    if deposit_fen < 0 or loan_minutes <= 0:
        raise BadRentalInput("a deposit is 0 fen or more and a loan at least one minute")
    if session.exec(select(RentalAsset.id).where(RentalAsset.store_id == store_id, RentalAsset.code == code)).first():
        raise BadRentalInput(f"asset code {code!r} is already used")
    asset = RentalAsset(
        store_id=store_id,
        station_id=station.id,  # type: ignore[arg-type]
        code=code,
        kind=kind,
        deposit_fen=deposit_fen,
        loan_minutes=loan_minutes,
    )
    session.add(asset)
    session.flush()
    return asset


# --- rent and return -----------------------------------------------------------------------------------------


def _rental_no() -> str:
    return f"R{utcnow():%y%m%d}{secrets.token_hex(4).upper()}"


def rent(
    session: Session,
    store_id: int,
    asset_code: str,
    member_code: str,
    *,
    now: datetime | None = None,
    network: PaymentNetwork | None = None,
) -> Rental:
    """Lend ``asset_code`` to the member whose dynamic code this is; the deposit (if any) is taken."""
    now = now or utcnow()
    asset = get_asset(session, store_id, asset_code)
    if asset.status != AssetStatus.available:
        raise AssetNotAvailable(f"asset {asset.code} is already out: please take another one")
    with session.begin_nested():  # a refusal below leaves the member's code unused and the asset in place
        member = member_codes.verify(session, store_id, member_code, now)
        claimed = session.execute(
            update(RentalAsset)
            .where(col(RentalAsset.id) == asset.id, col(RentalAsset.status) == AssetStatus.available)
            .values(status=AssetStatus.out, rentals=RentalAsset.rentals + 1)  # type: ignore[operator]
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise AssetNotAvailable(f"asset {asset.code} is already out: please take another one")
        rental = Rental(
            store_id=store_id,
            rental_no=_rental_no(),
            asset_id=asset.id,  # type: ignore[arg-type]
            station_id=asset.station_id,
            member_id=member.id,  # type: ignore[arg-type]
            rented_at=now,
            due_at=now + timedelta(minutes=asset.loan_minutes),
            deposit_fen=asset.deposit_fen,
        )
        session.add(rental)
        session.flush()
    session.refresh(asset)
    if asset.deposit_fen > 0:
        _take_deposit(session, store_id, asset, rental, network)
    return rental


def _take_deposit(
    session: Session, store_id: int, asset: RentalAsset, rental: Rental, network: PaymentNetwork | None
) -> None:
    payment = payments_service.start(
        session,
        store_id,
        purpose=PURPOSE,
        reference=rental.rental_no,
        amount_fen=asset.deposit_fen,
        method=DEPOSIT_METHOD,
        description=f"deposit {asset.kind} {asset.code}",
        network=network,
    )
    rental.payment_id = payment.id
    if payment.status == PaymentStatus.paid:
        session.flush()
        return
    # Declined, or no answer yet: the asset stays; a deposit paid later is refunded by the worker.
    rental.status = RentalStatus.cancelled
    rental.returned_at = rental.rented_at
    rental.note = f"deposit {payment.status}"
    asset.status = AssetStatus.available
    asset.rentals -= 1
    session.flush()
    raise DepositNotPaid(f"the deposit of ¥{asset.deposit_fen / 100:.2f} was not paid: the asset stays here")


def open_rental(session: Session, asset: RentalAsset) -> Rental | None:
    return session.exec(select(Rental).where(Rental.asset_id == asset.id, Rental.status == RentalStatus.out)).first()


def give_back(
    session: Session,
    store_id: int,
    asset_code: str,
    member_code: str,
    *,
    station_code: str = "",
    now: datetime | None = None,
    network: PaymentNetwork | None = None,
) -> Rental:
    """Take ``asset_code`` back from the member who rented it; the deposit goes back to them."""
    now = now or utcnow()
    asset = get_asset(session, store_id, asset_code)
    station = get_station(session, store_id, station_code) if station_code else None
    rental = open_rental(session, asset)
    if rental is None:
        raise RentalNotFound(f"asset {asset.code} is not out: nothing to return")
    with session.begin_nested():
        member = member_codes.verify(session, store_id, member_code, now)
        if member.id != rental.member_id:
            raise NotYourRental(f"asset {asset.code} was rented with another member's code")
        _close(session, asset, rental, now, station)
    _refund_deposit(session, store_id, rental, network)
    return rental


def return_by_staff(session: Session, store_id: int, rental_no: str, *, by: str, now: datetime | None = None) -> Rental:
    """The desk takes an asset back without the member's code (a shopper who left it behind)."""
    rental = get_rental(session, store_id, rental_no)
    if rental.status != RentalStatus.out:
        raise RentalNotFound(f"rental {rental_no} is not out: nothing to return")
    asset = session.get(RentalAsset, rental.asset_id)
    assert asset is not None
    _close(session, asset, rental, now or utcnow(), None)
    rental.note = f"returned at the desk by {by}"[:120]
    _refund_deposit(session, store_id, rental, None)
    return rental


def _close(session: Session, asset: RentalAsset, rental: Rental, now: datetime, station: RentalStation | None) -> None:
    rental.status = RentalStatus.returned
    rental.returned_at = now
    rental.return_station_id = station.id if station is not None else rental.station_id
    asset.status = AssetStatus.available
    if station is not None and station.kind == StationKind.rental:
        asset.station_id = station.id  # type: ignore[assignment]
    session.flush()


def _refund_deposit(session: Session, store_id: int, rental: Rental, network: PaymentNetwork | None) -> None:
    if rental.payment_id is None:
        return
    payment = payments_service.get(session, store_id, rental.payment_id)
    left = payment.amount_fen - payment.refunded_fen
    if payment.status == PaymentStatus.paid and left > 0:
        payments_service.refund(session, store_id, payment.id, left, reason="rental deposit", network=network)  # type: ignore[arg-type]


def refund_stray_deposits(session: Session, *, network: PaymentNetwork | None = None) -> int:
    """Deposits of cancelled rentals that the network paid after all go back (the worker runs this)."""
    refunded = 0
    rows = session.exec(
        select(Rental).where(Rental.status == RentalStatus.cancelled, col(Rental.payment_id).is_not(None))
    ).all()
    for rental in rows:
        payment = payments_service.resolve(session, rental.store_id, rental.payment_id, network=network)  # type: ignore[arg-type]
        if payment.status == PaymentStatus.paid and payment.refunded_fen < payment.amount_fen:
            _refund_deposit(session, rental.store_id, rental, network)
            refunded += 1
    return refunded


# --- reading -------------------------------------------------------------------------------------------------


def get_rental(session: Session, store_id: int, rental_no: str) -> Rental:
    found = session.exec(select(Rental).where(Rental.store_id == store_id, Rental.rental_no == rental_no[:24])).first()
    if found is None:
        raise RentalNotFound(f"no rental {rental_no[:24]!r}")
    return found


def list_rentals(session: Session, store_id: int, *, open_only: bool = False, limit: int = 200) -> list[Rental]:
    query = select(Rental).where(Rental.store_id == store_id)
    if open_only:
        query = query.where(Rental.status == RentalStatus.out)
    return list(session.exec(query.order_by(col(Rental.rented_at).desc()).limit(limit)))


def overdue(session: Session, store_id: int, now: datetime) -> list[Rental]:
    query = select(Rental).where(Rental.store_id == store_id, Rental.status == RentalStatus.out, Rental.due_at < now)
    return list(session.exec(query.order_by(col(Rental.due_at))))


def check_overdue(session: Session, now: datetime) -> int:
    """Flag the rentals past due that are not flagged yet (every store); the admin lists them as alerts."""
    moved = session.execute(
        update(Rental)
        .where(
            col(Rental.status) == RentalStatus.out,
            col(Rental.due_at) < now,
            col(Rental.overdue_alerted_at).is_(None),
        )
        .values(overdue_alerted_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


def member_of(session: Session, rental: Rental) -> Member | None:
    return session.get(Member, rental.member_id)


@dataclass(frozen=True)
class StationUsage:
    station: RentalStation
    assets: int
    available: int
    uses: int  # rentals from this station, or the device's usage events


def station_usage(session: Session, store_id: int, start: datetime, end: datetime) -> list[StationUsage]:
    """Every station with its assets and uses in ``start``..``end``."""
    stations = list_stations(session, store_id)
    assets = list_assets(session, store_id)
    rented = dict(
        session.exec(
            select(Rental.station_id, func.count(col(Rental.id)))
            .where(
                Rental.store_id == store_id,
                Rental.status != RentalStatus.cancelled,
                col(Rental.rented_at) >= start,
                col(Rental.rented_at) < end,
            )
            .group_by(col(Rental.station_id))
        ).all()
    )
    device_ids = [s.device_id for s in stations if s.device_id is not None]
    device_uses = facilities_service.usage_by_device(session, store_id, device_ids, start, end)
    rows = []
    for s in stations:
        mine = [a for a in assets if a.station_id == s.id]
        uses = device_uses.get(s.device_id, 0) if s.device_id is not None else rented.get(s.id or 0, 0)
        rows.append(
            StationUsage(s, len(mine), sum(a.status == AssetStatus.available for a in mine), uses)  # type: ignore[arg-type]
        )
    return rows


def usage_by_kind(session: Session, store_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """C4 kind → uses in ``start``..``end``: rentals by asset kind, and charging / vending devices' usage."""
    counts: Counter[str] = Counter()
    rows = session.exec(
        select(RentalAsset.kind, func.count(col(Rental.id)))
        .join(RentalAsset, col(RentalAsset.id) == col(Rental.asset_id))
        .where(
            Rental.store_id == store_id,
            Rental.status != RentalStatus.cancelled,
            col(Rental.rented_at) >= start,
            col(Rental.rented_at) < end,
        )
        .group_by(col(RentalAsset.kind))
    ).all()
    for kind, n in rows:
        counts[ASSET_C4[AssetKind(kind)]] += n
    for usage in station_usage(session, store_id, start, end):
        if usage.station.kind in STATION_C4 and usage.station.active:
            counts[STATION_C4[usage.station.kind]] += usage.uses
    return dict(counts)
