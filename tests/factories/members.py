"""Factories for members: a member of a store, and the member a test order names by id."""

from __future__ import annotations

from itertools import count

from sqlmodel import Session

from store.members import phones, service
from store.members.models import Member
from store.premises.models import Store

_seq = count(1)


def create_member(
    session: Session, store: Store | int, *, phone: str | None = None, tier: str = "basic", member_id: int | None = None
) -> Member:
    store_id = store if isinstance(store, int) else store.id
    n = next(_seq)
    phone = phone or f"139{n:08d}"
    member = Member(
        id=member_id,
        store_id=store_id,  # type: ignore[arg-type]
        member_no=f"T{n:08d}",
        phone_masked=phones.mask(phone),
        phone_hash=phones.phone_hash(phone),
        tier=tier,
    )
    session.add(member)
    session.flush()
    return member


def ensure_member(session: Session, store_id: int, member_id: int | None) -> None:
    """The member ``member_id`` of ``store_id`` exists (orders reference members by a foreign key)."""
    if member_id is None or session.get(Member, member_id) is not None:
        return
    create_member(session, store_id, member_id=member_id)


def sign_in(session: Session, store: Store, phone: str) -> service.TokenPair:
    """A member signed in through the real code flow (the code read back from the outbox)."""
    from sqlmodel import col, select

    from store.members.models import SmsOutbox

    service.request_sign_in_code(session, store.id, phone)  # type: ignore[arg-type]
    body = session.exec(select(SmsOutbox.body).order_by(col(SmsOutbox.id).desc())).first()
    code = body.split("验证码是 ")[1][:6]  # type: ignore[union-attr]
    return service.sign_in(session, store.id, phone, code)  # type: ignore[arg-type]


def member_tokens(session: Session, member: Member) -> service.TokenPair:
    """A fresh sign-in of ``member`` (tokens issued without the SMS round trip)."""
    import secrets

    return service.issue_tokens(session, member, secrets.token_hex(16))
