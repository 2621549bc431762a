"""The kiosk's fast QR SVG reads back as the text it carries (one path of runs, a fixed mask)."""

from __future__ import annotations

import re

import pytest

from kiosk import qr

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

TEXT = "http://testserver/kiosk/route?to=shop:1F-01&from=anchor:a1&via=qr"


def _raster(svg: str):  # type: ignore[no-untyped-def]
    np = pytest.importorskip("numpy")
    size = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))  # type: ignore[union-attr]
    image = np.full((size, size), 255, np.uint8)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)", svg):
        image[int(y), int(x) : int(x) + int(w)] = 0
    return image


class TestQr:
    def test_the_path_draws_exactly_the_dark_modules(self):
        import qrcode

        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=qr.BORDER, mask_pattern=qr.MASK)
        code.add_data(TEXT)
        code.make(fit=True)
        image = _raster(str(qr.svg(TEXT)))
        b = qr.BORDER
        assert [[bool(v == 0) for v in row[b:-b]] for row in image[b:-b]] == code.modules

    def test_a_camera_reads_it(self):
        cv2 = pytest.importorskip("cv2")
        image = cv2.resize(_raster(str(qr.svg(TEXT))), None, fx=10, fy=10, interpolation=cv2.INTER_NEAREST)
        assert cv2.QRCodeDetector().detectAndDecode(image)[0] == TEXT

    def test_it_is_inline_svg_without_style(self):
        svg = str(qr.svg("x"))
        assert svg.startswith('<svg class="qr"') and "style" not in svg
