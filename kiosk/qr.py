"""QR codes as inline SVG, fast enough for a kiosk page (every route and receipt page carries one).

``qrcode``'s own SVG factory draws module by module and picks the best of 8 mask patterns by scoring each
(about 20 ms of CPU per code); a screen's QR needs neither: one fixed mask (ISO 18004 allows any, readers try
all eight) and one ``<path>`` of horizontal runs, about 1 ms. Codes are cached (the same URL, the same SVG).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

BORDER = 2
MASK = 0


@lru_cache(maxsize=2048)
def svg(text: str) -> Markup:
    """``text`` as a QR code: inline SVG with one path (no image request, no inline style: the CSP allows it)."""
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER, mask_pattern=MASK)
    qr.add_data(text)
    qr.make(fit=True)
    size = qr.modules_count + 2 * BORDER
    parts = []
    for y, row in enumerate(qr.modules):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + BORDER} {y + BORDER}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return Markup(
        f'<svg class="qr" role="img" aria-label="QR" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )
