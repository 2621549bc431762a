"""The shopfront photo of a shop's public credit page (ISSUE 15 §2): a shopper who scans a genuine code that
was moved to another unit sees that the photo, unit and floor on the page are not the shop in front of them.

An upload is checked by its bytes (JPEG, PNG or WebP, never by its name or the browser's word), at most
``MAX_BYTES``, decoded within ``MAX_PIXELS`` (a decompression bomb is refused), then re-encoded as a JPEG of
at most ``MAX_SIDE`` pixels: what is served is our own encoding, free of the upload's metadata (EXIF GPS) and
of anything else a crafted file carried. One photo per shop; a new upload replaces it.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from sqlmodel import Session

from store.clock import utcnow
from store.credit.errors import PhotoRefused
from store.credit.images import image_type
from store.credit.models import CreditShopfront
from store.premises import service as premises_service

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
CONTENT_TYPE = "image/jpeg"


def _reencode(data: bytes) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRefused(f"the photo has more than {MAX_PIXELS // 1_000_000} million pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoRefused("the file is not a readable image") from exc
    except ImportError as exc:
        # ultralytics (the camera extra), once imported in the process, wraps Image.open and answers an
        # unreadable file by importing an optional HEIF plugin: still an unreadable image
        raise PhotoRefused("the file is not a readable image") from exc
    except Image.DecompressionBombWarning as exc:
        raise PhotoRefused("the image is too large to decode") from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def set_photo(session: Session, store_id: int, shop_id: int, data: bytes, *, uploaded_by: str) -> CreditShopfront:
    """Store (or replace) the shop's shopfront photo; :class:`PhotoRefused` before anything is written."""
    premises_service.get_shop(session, store_id, shop_id)
    if not data:
        raise PhotoRefused("choose a photo to upload")
    if len(data) > MAX_BYTES:
        raise PhotoRefused(f"a shopfront photo may be at most {MAX_BYTES // (1024 * 1024)} MB")
    if image_type(data) is None:
        raise PhotoRefused("only JPEG, PNG or WebP photos are accepted")
    encoded = _reencode(data)
    row = session.get(CreditShopfront, shop_id) or CreditShopfront(
        shop_id=shop_id, store_id=store_id, content_type=CONTENT_TYPE, data=b"", sha256="", uploaded_by=""
    )
    row.data, row.content_type = encoded, CONTENT_TYPE
    row.sha256 = hashlib.sha256(encoded).hexdigest()
    row.uploaded_by, row.uploaded_at = uploaded_by[:64], utcnow()
    session.add(row)
    session.flush()
    return row


def photo(session: Session, store_id: int, shop_id: int) -> CreditShopfront | None:
    row = session.get(CreditShopfront, shop_id)
    return row if row is not None and row.store_id == store_id else None


def version(session: Session, store_id: int, shop_id: int) -> str | None:
    """The photo's short hash for its URL (a new photo, a new URL: caches never show the old one)."""
    row = photo(session, store_id, shop_id)
    return row.sha256[:12] if row else None
