"""Credit QR posters: one PNG per shop and a PDF sheet of all shops (Chinese, shop name and floor).

Every QR the product draws uses the ``qrcode`` package. The PDF takes the name of a registered CJK font
(the admin page passes the one the assessment report registers).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@dataclass(frozen=True)
class PosterShop:
    url: str  # what the code opens
    name: str
    name_en: str
    floor: str
    unit: str
    version: int


def qr_png(url: str, *, box_size: int = 10) -> bytes:
    image = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    image.add_data(url)
    image.make(fit=True)
    out = io.BytesIO()
    image.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def poster_png(shop: PosterShop, font_path: str | None) -> bytes:
    """A printable poster: title, the code, shop name, floor and unit, the printed version."""
    from PIL import Image, ImageDraw, ImageFont

    code = Image.open(io.BytesIO(qr_png(shop.url, box_size=12))).convert("RGB")
    width = max(800, code.width + 80)
    poster = Image.new("RGB", (width, code.height + 420), "white")
    draw = ImageDraw.Draw(poster)

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default()

    def centred(y: int, text: str, size: int, fill: str = "black") -> None:
        face = font(size)
        left, _top, right, _bottom = draw.textbbox((0, 0), text, font=face)
        draw.text(((width - (right - left)) // 2, y), text, font=face, fill=fill)

    centred(30, "商户信用码 · 扫码查信用 / 投诉", 44, "#0b5394")
    centred(95, "Shop credit code · scan to check or complain", 24, "#444444")
    poster.paste(code, ((width - code.width) // 2, 150))
    y = 160 + code.height
    centred(y, shop.name, 48)
    centred(y + 65, shop.name_en, 26, "#444444")
    centred(y + 110, f"{shop.floor} · {shop.unit}", 34)
    centred(y + 160, f"v{shop.version} · 请核对铺位号 / check the unit number", 22, "#666666")
    out = io.BytesIO()
    poster.save(out, format="PNG")
    return out.getvalue()


def sheet_pdf(shops: list[PosterShop], *, title: str, font: str) -> bytes:
    """A4 pages, six posters a page (2 × 3), each with the code, shop name, floor and unit."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    cols, rows, margin = 2, 3, 12 * mm
    cell_w, cell_h = (width - 2 * margin) / cols, (height - 2 * margin - 10 * mm) / rows
    for index, shop in enumerate(shops):
        slot = index % (cols * rows)
        if slot == 0:
            if index:
                pdf.showPage()
            pdf.setFont(font, 14)
            pdf.drawString(margin, height - margin, title)
        col_i, row_i = slot % cols, slot // cols
        x = margin + col_i * cell_w
        y = height - margin - 10 * mm - (row_i + 1) * cell_h
        pdf.rect(x + 2 * mm, y + 2 * mm, cell_w - 4 * mm, cell_h - 4 * mm)
        size = min(cell_w, cell_h) - 30 * mm
        pdf.drawImage(
            ImageReader(io.BytesIO(qr_png(shop.url, box_size=6))), x + (cell_w - size) / 2, y + 22 * mm, size, size
        )
        pdf.setFont(font, 13)
        pdf.drawCentredString(x + cell_w / 2, y + 15 * mm, shop.name[:20])
        pdf.setFont(font, 10)
        pdf.drawCentredString(x + cell_w / 2, y + 9 * mm, f"{shop.floor} · {shop.unit} · v{shop.version}")
        pdf.drawCentredString(x + cell_w / 2, y + 4.5 * mm, "扫码查信用 / 投诉 · Scan to check credit or complain")
    if not shops:
        pdf.setFont(font, 14)
        pdf.drawString(margin, height - margin, title)
    pdf.save()
    return out.getvalue()
