"""Factories for the credit domain: a shop with its code, a filed complaint, tiny images."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlmodel import Session

from store.credit import codes, complaints
from store.credit.models import CreditComplaint, CreditQr
from store.premises.models import Floor, Shop, Store
from tests.factories.premises import create_floor, create_shop, create_store


@dataclass
class CreditWorld:
    store: Store
    floor: Floor
    shop: Shop
    neighbour: Shop
    qr: CreditQr


def credit_world(session: Session) -> CreditWorld:
    store = create_store(session)
    floor = create_floor(session, store, code="2F", level=2)
    shop = create_shop(session, store, floor, code="2F-001", category="restaurant")
    neighbour = create_shop(session, store, floor, code="2F-002")
    qr = codes.issue(session, store.id, shop.id)  # type: ignore[arg-type]
    codes.issue(session, store.id, neighbour.id)  # type: ignore[arg-type]
    return CreditWorld(store, floor, shop, neighbour, qr)


def file_complaint(session: Session, shop: Shop, *, text: str = "收银多收了十元钱", phone: str = "") -> CreditComplaint:
    return complaints.file(session, shop.store_id, shop.id, text=text, phone=phone, photos=[])  # type: ignore[arg-type]


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


def solve(form_html: str) -> dict[str, str]:
    """The challenge token and its answer, read from a rendered complaint form."""
    import re

    token = re.search(r'name="challenge" value="([^"]+)"', form_html)
    question = re.search(r"(\d) \+ (\d)", form_html)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', form_html)
    assert token and question and form_token, "no challenge or form token on the form"
    answer = str(int(question.group(1)) + int(question.group(2)))
    return {"challenge": token.group(1), "answer": answer, "csrf_token": form_token.group(1)}


def rating_token(client, tracking_no: str) -> str:
    """The form token of the rating form on a complaint's status page."""
    import re

    page = client.get(f"/kiosk/complaints/{tracking_no}").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no rating form"
    return found.group(1)
