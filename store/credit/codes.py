"""Credit QR codes (S9 店铺信用码): one signed code per shop, versions, key rotation, and patrol re-scans.

A code is ``signed_codes.sign_ed25519("credit-qr", [store_id, shop_id, unit, version], kid=...)``: altering
any byte breaks the signature, so a forged code is refused. Signing cannot stop a genuine poster from being
moved to another unit: the public page shows the unit and floor it was printed for, and a patrol scanning
the code at another shop's unit records it as *moved*. "A valid code at every open shop" is read from
those scans (:func:`shops_missing_valid_scan`), never from a tick box.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from store import signed_codes
from store.clock import day_bounds_utc, utcnow
from store.credit.models import CreditKey, CreditQr, CreditScan, ScanOutcome
from store.premises import service as premises_service
from store.premises.models import Shop

PURPOSE = "credit-qr"
SCAN_VALID_DAYS = 30  # a shop counts as having a valid code when a patrol scanned one there within this many days


@dataclass(frozen=True)
class Scanned:
    """What a code says once verified: the shop, the printed version, and how it stands now."""

    shop: Shop
    qr: CreditQr
    outcome: ScanOutcome  # valid, superseded, or moved (printed for another unit than the shop's now)


# ---- keys ------------------------------------------------------------------------------------------------


def public_keys(session: Session, store_id: int) -> dict[str, bytes]:
    """Key id → raw Ed25519 public key of every key not revoked (what a patrol phone may hold)."""
    query = select(CreditKey).where(CreditKey.store_id == store_id, col(CreditKey.revoked_at).is_(None))
    return {k.kid: k.public_key for k in session.exec(query)}


def _new_key(session: Session, store_id: int, kid: str) -> CreditKey:
    key = CreditKey(store_id=store_id, kid=kid, public_key=signed_codes.ed25519_public_key(_seed(store_id, kid)))
    session.add(key)
    session.flush()
    return key


def _seed(store_id: int, kid: str) -> bytes:
    return signed_codes.ed25519_seed(f"{store_id}:{kid}")


def current_key(session: Session, store_id: int) -> CreditKey:
    """The newest key not revoked (the first one, ``k1``, is made on first use)."""
    query = select(CreditKey).where(CreditKey.store_id == store_id, col(CreditKey.revoked_at).is_(None))
    found = session.exec(query.order_by(col(CreditKey.id).desc())).first()
    if found is not None:
        return found
    count = len(list(session.exec(select(CreditKey.id).where(CreditKey.store_id == store_id))))
    return _new_key(session, store_id, f"k{count + 1}")


def rotate_key(session: Session, store_id: int, *, revoke_old: bool = False, now: datetime | None = None) -> CreditKey:
    """A new signing key; old codes keep verifying until their key is revoked (then every code is reissued)."""
    count = len(list(session.exec(select(CreditKey.id).where(CreditKey.store_id == store_id))))
    old = list(
        session.exec(select(CreditKey).where(CreditKey.store_id == store_id, col(CreditKey.revoked_at).is_(None)))
    )
    key = _new_key(session, store_id, f"k{count + 1}")
    if revoke_old:
        for row in old:
            row.revoked_at = now or utcnow()
            session.add(row)
        reissue_all(session, store_id, now=now)
    return key


# ---- issuing ------------------------------------------------------------------------------------------------


def current_codes(session: Session, store_id: int) -> dict[int, CreditQr]:
    query = select(CreditQr).where(CreditQr.store_id == store_id, col(CreditQr.superseded_at).is_(None))
    return {q.shop_id: q for q in session.exec(query)}


def issue(session: Session, store_id: int, shop_id: int, *, now: datetime | None = None) -> CreditQr:
    """A new version of the shop's code (the previous one becomes superseded)."""
    now = now or utcnow()
    shop = premises_service.get_shop(session, store_id, shop_id)
    previous = list(session.exec(select(CreditQr).where(CreditQr.shop_id == shop_id)))
    for row in previous:
        if row.superseded_at is None:
            row.superseded_at = now
            session.add(row)
    version = max((row.version for row in previous), default=0) + 1
    key = current_key(session, store_id)
    payload = [store_id, shop_id, shop.code, version]
    code = signed_codes.sign_ed25519(PURPOSE, payload, kid=key.kid, seed=_seed(store_id, key.kid))
    qr = CreditQr(
        store_id=store_id, shop_id=shop_id, version=version, kid=key.kid, unit=shop.code, code=code, issued_at=now
    )
    session.add(qr)
    session.flush()
    return qr


def refresh(session: Session, store_id: int, *, on: date, now: datetime | None = None) -> int:
    """Issue a code to every shop open ``on`` that has none, or whose unit changed since it was printed."""
    codes = current_codes(session, store_id)
    issued = 0
    for shop in premises_service.list_shops(session, store_id, open_on=on):
        current = codes.get(shop.id)  # type: ignore[arg-type]
        if current is None or current.unit != shop.code:
            issue(session, store_id, shop.id, now=now)  # type: ignore[arg-type]
            issued += 1
    return issued


def reissue_all(session: Session, store_id: int, *, now: datetime | None = None) -> int:
    codes = current_codes(session, store_id)
    for shop_id in codes:
        issue(session, store_id, shop_id, now=now)
    return len(codes)


# ---- verifying and patrol scans ----------------------------------------------------------------------------


def verify(session: Session, code: str) -> Scanned:
    """The shop a code leads to, if we signed it; :class:`store.signed_codes.CodeInvalid` otherwise.

    The store is read from the code, but only believed once that store's key has verified it.
    """
    store_id = _claimed_store(code)
    kid, payload = signed_codes.verify_ed25519(PURPOSE, code, public_keys(session, store_id))
    store_id_signed, shop_id, unit, version = payload
    if store_id_signed != store_id:
        raise signed_codes.CodeInvalid("this code is not valid")
    qr = session.exec(select(CreditQr).where(CreditQr.shop_id == shop_id, CreditQr.version == version)).first()
    if qr is None or qr.kid != kid or qr.store_id != store_id:
        raise signed_codes.CodeInvalid("this code is not valid")
    shop = premises_service.get_shop(session, store_id, shop_id)
    if qr.superseded_at is not None:
        return Scanned(shop, qr, ScanOutcome.superseded)
    if unit != shop.code:
        return Scanned(shop, qr, ScanOutcome.moved)
    return Scanned(shop, qr, ScanOutcome.valid)


def _claimed_store(code: str) -> int:
    payload = signed_codes.unverified_payload(code)
    claimed = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(claimed, int) or isinstance(claimed, bool):
        raise signed_codes.CodeInvalid("this code is not valid")
    return claimed


def record_scan(
    session: Session, store_id: int, *, at_shop_id: int, code: str | None, by: str, now: datetime | None = None
) -> CreditScan:
    """A patrol scan at ``at_shop_id``'s unit: valid, moved (another shop's code), superseded, invalid or missing."""
    premises_service.get_shop(session, store_id, at_shop_id)
    qr_id = None
    if not code:
        outcome = ScanOutcome.missing
    else:
        try:
            scanned = verify(session, code.strip())
        except signed_codes.CodeInvalid:
            outcome = ScanOutcome.invalid
        else:
            if scanned.qr.store_id != store_id:
                outcome = ScanOutcome.invalid
            else:
                qr_id = scanned.qr.id
                outcome = ScanOutcome.moved if scanned.shop.id != at_shop_id else scanned.outcome
    scan = CreditScan(
        store_id=store_id,
        shop_id=at_shop_id,
        qr_id=qr_id,
        outcome=outcome,
        scanned_at=now or utcnow(),
        scanned_by=by[:64],
    )
    session.add(scan)
    session.flush()
    return scan


def latest_scans(session: Session, store_id: int, *, since: datetime, until: datetime) -> dict[int, CreditScan]:
    """The last patrol scan at each shop's unit in [since, until)."""
    query = select(CreditScan).where(
        CreditScan.store_id == store_id, col(CreditScan.scanned_at) >= since, col(CreditScan.scanned_at) < until
    )
    latest: dict[int, CreditScan] = {}
    for scan in session.exec(query.order_by(col(CreditScan.scanned_at), col(CreditScan.id))):
        latest[scan.shop_id] = scan
    return latest


def shops_missing_valid_scan(session: Session, store_id: int, on: date) -> tuple[list[Shop], list[tuple[Shop, str]]]:
    """Shops open on ``on``, and those whose last patrol scan in the 30 days to ``on`` was not valid (or none)."""
    tz = premises_service.get_store(session, store_id).timezone
    until = day_bounds_utc(on, tz)[1]
    since = day_bounds_utc(on - timedelta(days=SCAN_VALID_DAYS - 1), tz)[0]
    shops = premises_service.list_shops(session, store_id, open_on=on)
    latest = latest_scans(session, store_id, since=since, until=until)
    missing = []
    for shop in shops:
        scan = latest.get(shop.id)  # type: ignore[arg-type]
        if scan is None:
            missing.append((shop, "no_scan"))
        elif scan.outcome != ScanOutcome.valid:
            missing.append((shop, scan.outcome))
    return shops, missing


def recent_scans(session: Session, store_id: int, *, limit: int = 50) -> list[CreditScan]:
    query = select(CreditScan).where(CreditScan.store_id == store_id)
    return list(session.exec(query.order_by(col(CreditScan.scanned_at).desc(), col(CreditScan.id).desc()).limit(limit)))
