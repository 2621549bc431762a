"""The member code as a QR image, PNG or SVG (``qrcode``): the 18 digits and their Ed25519 signature."""

from __future__ import annotations

import io


def png(digits: str, *, box_size: int = 8) -> bytes:
    import qrcode  # imported here: the CLI's start-up never pays for it

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(digits)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()


def svg(digits: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(digits)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return out.getvalue()
