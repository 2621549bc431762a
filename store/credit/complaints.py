"""Complaints from the public credit page, and their handling in the admin (S9 消费者投诉维权).

Filing: no login; text required; phone optional (for the reply); up to three photos of at most 2 MiB,
each checked to be a JPEG, PNG or WebP by its bytes; a simple arithmetic challenge signed with
``signed_codes``; the caller rate-limits per device and per phone (``store.ratelimit``). Anything refused
stores nothing. Handling: assign to the shop's contact and a store officer, respond before the deadline
(``SMARTSTORE_CREDIT_RESPONSE_HOURS``), resolve or reject with a reason; the complainant rates the result.
Tenant staff see only their own shop's complaints (``store.scoping``). Every close recomputes the score.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from store import signed_codes
from store.clock import utcnow
from store.config import get_settings
from store.credit import service
from store.credit.errors import ComplaintClosed, ComplaintInvalid, ComplaintNotFound, PhotoRefused
from store.credit.images import image_type
from store.credit.models import ComplaintStatus, CreditComplaint, CreditComplaintPhoto
from store.premises import service as premises_service
from store.scoping import Viewer, get_in_store

MAX_TEXT = 2000
MIN_TEXT = 5
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHONE = re.compile(r"^1[3-9]\d{9}$")
TRACKING = re.compile(r"^TS[0-9A-HJ-NP-Z]{10}$")
TRACKING_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read aloud over the phone
CHALLENGE_PURPOSE = "complaint-challenge"
CHALLENGE_AGE = timedelta(minutes=30)
OPEN = (ComplaintStatus.open, ComplaintStatus.assigned, ComplaintStatus.responded)
CLOSED = (ComplaintStatus.resolved, ComplaintStatus.rejected)


@dataclass(frozen=True)
class Photo:
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Challenge:
    question: str  # "3 + 4"
    token: str


def new_challenge(*, now: datetime | None = None) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signed_codes.sign(CHALLENGE_PURPOSE, [a, b], max_age=CHALLENGE_AGE, now=now)
    return Challenge(f"{a} + {b}", token)


def check_challenge(token: str, answer: str, *, now: datetime | None = None) -> None:
    try:
        a, b = signed_codes.verify(CHALLENGE_PURPOSE, token, now=now)
    except (signed_codes.CodeInvalid, signed_codes.CodeExpired, ValueError, TypeError) as exc:
        raise ComplaintInvalid("the check question has expired: answer the new one") from exc
    if answer.strip() != str(a + b):
        raise ComplaintInvalid("the answer to the check question is wrong")


def check_photos(photos: list[Photo]) -> list[Photo]:
    """The photos as stored (type read from the bytes); :class:`PhotoRefused` for any bad one."""
    if len(photos) > MAX_PHOTOS:
        raise PhotoRefused(f"at most {MAX_PHOTOS} photos")
    checked = []
    for photo in photos:
        if len(photo.data) > MAX_PHOTO_BYTES:
            raise PhotoRefused(f"a photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
        kind = image_type(photo.data)
        if kind is None:
            raise PhotoRefused("only JPEG, PNG or WebP photos are accepted")
        checked.append(Photo(kind, photo.data))
    return checked


def _tracking_no() -> str:
    return "TS" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def file(
    session: Session,
    store_id: int,
    shop_id: int,
    *,
    text: str,
    phone: str,
    photos: list[Photo],
    now: datetime | None = None,
) -> CreditComplaint:
    """Record a complaint (everything checked first: a refusal stores nothing)."""
    now = now or utcnow()
    text, phone = text.strip(), re.sub(r"[\s-]", "", phone)
    if len(text) < MIN_TEXT:
        raise ComplaintInvalid(f"describe the problem in at least {MIN_TEXT} characters")
    if len(text) > MAX_TEXT:
        raise ComplaintInvalid(f"at most {MAX_TEXT} characters")
    if phone and not PHONE.fullmatch(phone):
        raise ComplaintInvalid("a mobile number has 11 digits and starts with 1")
    checked = check_photos(photos)
    premises_service.get_shop(session, store_id, shop_id)
    complaint = CreditComplaint(
        store_id=store_id,
        shop_id=shop_id,
        tracking_no=_tracking_no(),
        text=text,
        phone=phone,
        filed_at=now,
        due_at=now + timedelta(hours=get_settings().credit_response_hours),
    )
    session.add(complaint)
    session.flush()
    session.add_all(
        CreditComplaintPhoto(store_id=store_id, complaint_id=complaint.id, content_type=p.content_type, data=p.data)  # type: ignore[arg-type]
        for p in checked
    )
    session.flush()
    return complaint


def by_tracking(session: Session, tracking_no: str) -> CreditComplaint:
    tracking_no = tracking_no.strip().upper()
    found = None
    if TRACKING.fullmatch(tracking_no):
        found = session.exec(select(CreditComplaint).where(CreditComplaint.tracking_no == tracking_no)).first()
    if found is None:
        raise ComplaintNotFound("no complaint with this tracking number")
    return found


def get(session: Session, viewer: Viewer, complaint_id: int) -> CreditComplaint:
    """A complaint by id, if ``viewer`` may see its shop (tenant staff: only their own)."""
    return get_in_store(
        session,
        CreditComplaint,
        complaint_id,
        store_id=viewer.store_id,
        not_found=ComplaintNotFound,
        label="complaint",
        viewer=viewer,
    )


def list_for(session: Session, viewer: Viewer, *, status: str | None = None, limit: int = 200) -> list[CreditComplaint]:
    query = select(CreditComplaint).where(CreditComplaint.store_id == viewer.store_id)
    if viewer.shop_id is not None:
        query = query.where(CreditComplaint.shop_id == viewer.shop_id)
    if status == "active":
        query = query.where(col(CreditComplaint.status).in_(OPEN))
    elif status:
        query = query.where(CreditComplaint.status == status)
    return list(session.exec(query.order_by(col(CreditComplaint.due_at)).limit(limit)))


def photos(session: Session, complaint: CreditComplaint) -> list[CreditComplaintPhoto]:
    query = select(CreditComplaintPhoto).where(CreditComplaintPhoto.complaint_id == complaint.id)
    return list(session.exec(query.order_by(col(CreditComplaintPhoto.id))))


def photo(session: Session, viewer: Viewer, complaint_id: int, photo_id: int) -> CreditComplaintPhoto:
    complaint = get(session, viewer, complaint_id)
    found = session.get(CreditComplaintPhoto, photo_id)
    if found is None or found.complaint_id != complaint.id:
        raise ComplaintNotFound("no such photo")
    return found


def _open(session: Session, viewer: Viewer, complaint_id: int) -> CreditComplaint:
    complaint = get(session, viewer, complaint_id)
    if complaint.status in CLOSED:
        raise ComplaintClosed("this complaint is already closed")
    return complaint


def assign(session: Session, viewer: Viewer, complaint_id: int, *, shop_contact: str, officer: str) -> CreditComplaint:
    complaint = _open(session, viewer, complaint_id)
    if not officer.strip():
        raise ComplaintInvalid("name the store officer in charge")
    complaint.shop_contact, complaint.officer = shop_contact.strip()[:60], officer.strip()[:64]
    if complaint.status == ComplaintStatus.open:
        complaint.status = ComplaintStatus.assigned
    session.add(complaint)
    return complaint


def respond(
    session: Session, viewer: Viewer, complaint_id: int, *, text: str, now: datetime | None = None
) -> CreditComplaint:
    complaint = _open(session, viewer, complaint_id)
    if not text.strip():
        raise ComplaintInvalid("write the response")
    complaint.response = text.strip()[:MAX_TEXT]
    complaint.responded_at = complaint.responded_at or now or utcnow()
    complaint.status = ComplaintStatus.responded
    session.add(complaint)
    return complaint


def close(
    session: Session, viewer: Viewer, complaint_id: int, *, upheld: bool, reason: str, now: datetime | None = None
) -> CreditComplaint:
    """Resolve (upheld) or reject with a reason; the shop's score is recomputed at once."""
    complaint = _open(session, viewer, complaint_id)
    if not reason.strip():
        raise ComplaintInvalid("give the reason")
    now = now or utcnow()
    complaint.status = ComplaintStatus.resolved if upheld else ComplaintStatus.rejected
    complaint.close_reason, complaint.closed_at = reason.strip()[:500], now
    complaint.responded_at = complaint.responded_at or now
    if not complaint.response:
        complaint.response = complaint.close_reason
    session.add(complaint)
    session.flush()
    service.recompute_shop(session, complaint.store_id, complaint.shop_id, now=now)
    return complaint


def rate(session: Session, tracking_no: str, satisfaction: int) -> CreditComplaint:
    """The complainant's satisfaction (1–5) once the complaint is closed; given once."""
    complaint = by_tracking(session, tracking_no)
    if complaint.status not in CLOSED:
        raise ComplaintClosed("the complaint is not closed yet")
    if complaint.satisfaction is not None:
        raise ComplaintClosed("the result has already been rated")
    if not 1 <= satisfaction <= 5:
        raise ComplaintInvalid("rate from 1 to 5")
    complaint.satisfaction = satisfaction
    session.add(complaint)
    session.flush()
    service.recompute_shop(session, complaint.store_id, complaint.shop_id)
    return complaint


def regulator_details(session: Session, complaint: CreditComplaint) -> dict[str, Any]:
    """What a 12315 complaint asks for, ready to copy: the business, its licence, the facts and the dates."""
    shop = premises_service.get_shop(session, complaint.store_id, complaint.shop_id)
    store = premises_service.get_store(session, complaint.store_id)
    found = service.profile(session, complaint.store_id, complaint.shop_id)
    return {
        "business": found.licence_name or shop.tenant or shop.name,
        "licence_no": service.mask_licence(found.licence_no),
        "shop": shop.name,
        "address": f"{store.address} {store.name} {shop.code}".strip(),
        "filed_at": complaint.filed_at,
        "tracking_no": complaint.tracking_no,
        "text": complaint.text,
    }
