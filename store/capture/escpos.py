"""ESC/POS byte stream → what the paper shows (pure: the capture box, the server and ``pos decode`` share it).

One pass over the bytes, no recursion, every length bounded by the stream itself: garbage, a truncated
command or an image whose size field lies ends the command at the end of the stream, never loops.

Text: Chinese tills switch double-byte mode with ``FS &`` / ``FS .``; a run of text bytes is decoded as
GB18030 (a superset of GBK and GB2312) in Chinese mode, else with the code page chosen by ``ESC t n``. The
printer's power-on state is Chinese mode (what the printers sold here do); ``chinese_default=False``
decodes as an Epson printer would, CP437 until a code page is chosen. Images, barcodes and QR codes become
placeholders (``[IMAGE 384x120]``, ``[BARCODE CODE128: 123]``, ``[QR: https://…]``); a cut ends a receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, FS, GS, DLE = 0x1B, 0x1C, 0x1D, 0x10

# ESC t n: the code pages an ESC/POS printer numbers (Epson's table); the ones Python has a codec for.
CODE_PAGES: dict[int, str] = {
    0: "cp437",
    1: "cp932",  # Katakana page: Shift-JIS half-width is the nearest codec
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    6: "cp1251",
    7: "cp866",
    13: "cp857",
    14: "cp737",
    15: "iso8859_7",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
    21: "cp874",
    33: "cp775",
    34: "cp855",
    35: "cp861",
    36: "cp862",
    37: "cp864",
    38: "cp869",
    39: "iso8859_2",
    40: "iso8859_15",
    45: "cp1250",
    46: "cp1251",
    47: "cp1253",
    48: "cp1254",
    49: "cp1255",
    50: "cp1256",
    51: "cp1257",
    52: "cp1258",
    255: "cp437",
}
# Code pages some Chinese printers put on ESC t (GB18030 pages selected without FS &).
CHINESE_PAGES = {255: "gb18030"}

_BARCODE_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR"}
_BARCODE_B = {
    65: "UPC-A",
    66: "UPC-E",
    67: "EAN13",
    68: "EAN8",
    69: "CODE39",
    70: "ITF",
    71: "CODABAR",
    72: "CODE93",
    73: "CODE128",
    74: "GS1-128",
    75: "GS1-OMNI",
    76: "GS1-TRUNC",
    77: "GS1-LIMITED",
    78: "GS1-EXPANDED",
}
# ESC commands by their number of parameter bytes (the rest take one: the safest guess for a printer).
_ESC_ARGS = {
    0x40: 0,  # @ initialise (handled)
    0x32: 0,  # 2 default line spacing
    0x3C: 0,  # < return home
    0x69: 0,  # i partial cut (handled)
    0x6D: 0,  # m partial cut (handled)
    0x0C: 0,  # FF print page
    0x4C: 0,  # L page mode
    0x53: 0,  # S standard mode
    0x24: 2,  # $ absolute position
    0x5C: 2,  # \ relative position
    0x70: 3,  # p cash drawer pulse
    0x42: 2,  # B beeper (n t) on Chinese printers
    0x57: 8,  # W print area in page mode
    0x63: 2,  # c 3/4/5 n
    0x28: -1,  # ( x pL pH … (length-prefixed)
}
_GS_ARGS = {
    0x4C: 2,  # L left margin
    0x57: 2,  # W print area width
    0x24: 2,  # $ vertical position
    0x5C: 2,  # \ relative vertical position
    0x50: 2,  # P motion units
    0x7A: 0,  # z? unused
}
_FS_ARGS = {0x26: 0, 0x2E: 0, 0x53: 2, 0x70: 2, 0x43: 1}


_CONTROLS = {code: "?" for code in [*range(0x20), 0x7F]}


@dataclass
class Decoded:
    """What a byte stream prints: text lines with placeholders, and what the text alone cannot say."""

    lines: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # "GS v 0 raster 384x200", one per image printed
    barcodes: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)  # byte offsets just after each cut
    status_queries: int = 0  # DLE EOT / DLE ENQ / GS r: the till waits for the printer's reply
    warnings: list[str] = field(default_factory=list)
    replaced: int = 0  # characters that did not decode (U+FFFD)
    unsure: int = 0  # bytes ≥ 0x80 read under a code page the printer did not name (ESC t n unknown)
    truncated: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def text_lines(self) -> list[str]:
        """The lines that are text, not placeholders."""
        return [line for line in self.lines if line.strip() and not line.startswith("[")]


def _u16(data: bytes, at: int) -> int:
    return data[at] + 256 * data[at + 1] if at + 1 < len(data) else 0


class _Decoder:
    def __init__(self, data: bytes, *, chinese_default: bool) -> None:
        self.data = data
        self.chinese_default = chinese_default
        self.out = Decoded()
        self.line = ""
        self.pending = bytearray()
        self.qr_data = ""
        self._reset()

    def _reset(self) -> None:
        self.chinese = self.chinese_default
        self.page = "cp437"
        self.page_known = True

    # Text ---------------------------------------------------------------------------------------------
    def flush_text(self) -> None:
        if not self.pending:
            return
        encoding = "gb18030" if self.chinese else self.page
        if not self.chinese and not self.page_known:
            self.out.unsure += sum(byte >= 0x80 for byte in self.pending)
        text = bytes(self.pending).decode(encoding, errors="replace")
        self.out.replaced += text.count("\ufffd")
        self.line += text.replace("\t", "    ")
        self.pending.clear()

    def end_line(self) -> None:
        self.flush_text()
        self.out.lines.append(self.line.rstrip())
        self.line = ""

    def placeholder(self, text: str) -> None:
        text = text.translate(_CONTROLS)  # a barcode's or QR code's data may carry control bytes (NUL)
        self.flush_text()
        if self.line.strip():
            self.end_line()
        self.line = ""
        self.out.lines.append(text)

    # Commands -----------------------------------------------------------------------------------------
    def need(self, at: int, count: int) -> bool:
        """Whether ``count`` bytes from ``at`` exist; if not, the stream is cut short."""
        if at + count <= len(self.data):
            return True
        self.out.truncated = True
        return False

    def run(self) -> Decoded:
        data, i, n = self.data, 0, len(self.data)
        while i < n:
            b = data[i]
            if b >= 0x20 or b == 0x09:
                start = i
                while i < n and (data[i] >= 0x20 or data[i] == 0x09):
                    i += 1
                self.pending += data[start:i]
                continue
            if b == 0x0A or b == 0x0C:
                self.end_line()
                i += 1
            elif b == ESC:
                i = self.esc(i)
            elif b == GS:
                i = self.gs(i)
            elif b == FS:
                i = self.fs(i)
            elif b == DLE:
                i = self.dle(i)
            else:  # CR, CAN, NUL and other controls print nothing
                i += 1
        self.flush_text()
        if self.line.strip():
            self.end_line()
        while self.out.lines and not self.out.lines[-1].strip():
            self.out.lines.pop()
        return self.out

    def esc(self, i: int) -> int:
        if not self.need(i, 2):
            return len(self.data)
        c = self.data[i + 1]
        if c == 0x40:  # ESC @
            self.flush_text()
            self._reset()
            return i + 2
        if c in (0x69, 0x6D):
            self.cut(i + 2)
            return i + 2
        if c == 0x64 or c == 0x4A:  # ESC d n / ESC J n: print and feed
            if self.need(i, 3):
                self.end_line()
            return min(i + 3, len(self.data))
        if c == 0x74:  # ESC t n
            if not self.need(i, 3):
                return len(self.data)
            self.flush_text()
            number = self.data[i + 2]
            page = CODE_PAGES.get(number)
            if page is None:
                self.out.warnings.append(f"unknown code page ESC t {number}: decoded as CP437")
                page = "cp437"
            self.page, self.page_known = CHINESE_PAGES.get(number, page), number in CODE_PAGES
            return i + 3
        if c == 0x2A:  # ESC * m nL nH d…: bit image
            if not self.need(i, 5):
                return len(self.data)
            m, count = self.data[i + 2], _u16(self.data, i + 3)
            size = count * (3 if m in (32, 33) else 1)
            self.image(f"ESC * bit image {count} dots wide", i + 5, size)
            return min(i + 5 + size, len(self.data))
        if c == 0x26:  # ESC & y c1 c2 [x d…]: user-defined characters
            return self.user_chars(i)
        args = _ESC_ARGS.get(c, 1)
        if args == -1:
            return self.length_prefixed(i + 2)
        return min(i + 2 + args, len(self.data)) if self.need(i, 2 + args) else len(self.data)

    def user_chars(self, i: int) -> int:
        if not self.need(i, 5):
            return len(self.data)
        y, c1, c2 = self.data[i + 2], self.data[i + 3], self.data[i + 4]
        at = i + 5
        for _ in range(max(c2 - c1 + 1, 0)):
            if not self.need(at, 1):
                return len(self.data)
            at += 1 + y * self.data[at]
        return min(at, len(self.data))

    def length_prefixed(self, at: int) -> int:
        """``x pL pH d…`` after ``ESC (`` / ``GS (`` / ``FS (``: skip the function and its data."""
        if not self.need(at, 3):
            return len(self.data)
        return min(at + 3 + _u16(self.data, at + 1), len(self.data))

    def image(self, what: str, at: int, size: int) -> None:
        if not self.need(at, size):
            what += " (truncated)"
        self.out.images.append(what)
        self.placeholder(f"[IMAGE: {what}]")

    def cut(self, at: int) -> None:
        self.flush_text()
        if self.line.strip():
            self.end_line()
        self.line = ""
        self.out.cuts.append(at)
        self.out.lines.append("[CUT]")

    def gs(self, i: int) -> int:
        if not self.need(i, 2):
            return len(self.data)
        c = self.data[i + 1]
        if c == 0x56:  # GS V m [n]: cut
            if not self.need(i, 3):
                return len(self.data)
            m = self.data[i + 2]
            end = i + 3 + (1 if m in (65, 66, 97, 98, 103, 104) else 0)
            end = min(end, len(self.data))
            self.cut(end)
            return end
        if c == 0x76:  # GS v 0 m xL xH yL yH d…: raster image
            if not self.need(i, 8):
                return len(self.data)
            width, height = _u16(self.data, i + 4), _u16(self.data, i + 6)
            self.image(f"GS v 0 raster {width * 8}x{height}", i + 8, width * height)
            return min(i + 8 + width * height, len(self.data))
        if c == 0x6B:
            return self.barcode(i)
        if c == 0x28:  # GS ( x pL pH …
            return self.gs_paren(i)
        if c == 0x38 and self.need(i, 3) and self.data[i + 2] == 0x4C:  # GS 8 L p1..p4 m fn …
            if not self.need(i, 7):
                return len(self.data)
            size = int.from_bytes(self.data[i + 3 : i + 7], "little")
            if self.need(i, 9) and self.data[i + 8] in (0x70, 0x71):  # store raster graphics
                self.image("GS 8 L graphics", i + 7, size)
            return min(i + 7 + size, len(self.data))
        if c == 0x2A:  # GS * x y d…: define a downloaded image
            if not self.need(i, 4):
                return len(self.data)
            return min(i + 4 + self.data[i + 2] * self.data[i + 3] * 8, len(self.data))
        if c == 0x2F:  # GS / m: print the downloaded image
            self.image("GS / downloaded image", i + 3, 0)
            return min(i + 3, len(self.data))
        if c == 0x72:  # GS r n: status transmission
            self.out.status_queries += 1
        args = _GS_ARGS.get(c, 1)
        return min(i + 2 + args, len(self.data)) if self.need(i, 2 + args) else len(self.data)

    def barcode(self, i: int) -> int:
        if not self.need(i, 3):
            return len(self.data)
        m = self.data[i + 2]
        if m <= 6:  # GS k m d… NUL
            end = self.data.find(b"\x00", i + 3)
            stop = len(self.data) if end < 0 else end
            payload, after = self.data[i + 3 : stop], (len(self.data) if end < 0 else end + 1)
            kind = _BARCODE_A[m]
        else:  # GS k m n d1…dn
            if not self.need(i, 4):
                return len(self.data)
            count = self.data[i + 3]
            payload, after = self.data[i + 4 : i + 4 + count], min(i + 4 + count, len(self.data))
            kind = _BARCODE_B.get(m, f"type {m}")
        text = payload.decode("ascii", errors="replace")
        if kind == "CODE128" and text[:1] == "{" and len(text) > 1:
            text = text[2:]  # the code-set selector ({A, {B, {C) is not printed
        text = text.translate(_CONTROLS)
        self.out.barcodes.append(text)
        self.placeholder(f"[BARCODE {kind}: {text}]")
        return after

    def gs_paren(self, i: int) -> int:
        if not self.need(i, 5):
            return len(self.data)
        fn_class, size = self.data[i + 2], _u16(self.data, i + 3)
        body = self.data[i + 5 : i + 5 + size]
        if len(body) < size:
            self.out.truncated = True
        if fn_class == 0x6B and len(body) >= 2 and body[0] == 49:  # GS ( k: QR code (cn = 49)
            if body[1] == 80 and len(body) >= 3:  # store the data
                self.qr_data = body[3:].decode("utf-8", errors="replace").translate(_CONTROLS)
            elif body[1] == 81:  # print the stored symbol
                self.out.qr_codes.append(self.qr_data)
                self.placeholder(f"[QR: {self.qr_data}]")
        elif fn_class == 0x6B and len(body) >= 2 and body[1] == 81:  # PDF417 / other 2-D symbols
            self.placeholder("[2D CODE]")
        elif fn_class == 0x4C and len(body) >= 2 and body[1] == 50:  # GS ( L fn 50: print graphics
            self.out.images.append("GS ( L graphics")
            self.placeholder("[IMAGE: GS ( L graphics]")
        return min(i + 5 + size, len(self.data))

    def fs(self, i: int) -> int:
        if not self.need(i, 2):
            return len(self.data)
        c = self.data[i + 1]
        if c == 0x26:  # FS &: Chinese mode on
            self.flush_text()
            self.chinese = True
            return i + 2
        if c == 0x2E:  # FS .: Chinese mode off
            self.flush_text()
            self.chinese = False
            return i + 2
        if c == 0x70:  # FS p n m: print an NV image
            self.image("FS p NV image", i + 4, 0)
        if c == 0x28:
            return self.length_prefixed(i + 2)
        if c == 0x32:  # FS 2 c1 c2 d1…d72: a user-defined Chinese character
            return min(i + 4 + 72, len(self.data))
        if c == 0x71:  # FS q n [xL xH yL yH d…]…: define NV images
            return self.nv_define(i)
        args = _FS_ARGS.get(c, 1)
        return min(i + 2 + args, len(self.data)) if self.need(i, 2 + args) else len(self.data)

    def nv_define(self, i: int) -> int:
        if not self.need(i, 3):
            return len(self.data)
        at = i + 3
        for _ in range(self.data[i + 2]):
            if not self.need(at, 4):
                return len(self.data)
            at += 4 + _u16(self.data, at) * _u16(self.data, at + 2) * 8
        return min(at, len(self.data))

    def dle(self, i: int) -> int:
        if not self.need(i, 2):
            return len(self.data)
        c = self.data[i + 1]
        if c in (0x04, 0x05):  # DLE EOT n / DLE ENQ n: real-time status
            self.out.status_queries += 1
            return min(i + 3, len(self.data))
        if c == 0x14:  # DLE DC4 fn m t
            return min(i + 5, len(self.data))
        return i + 1  # a lone DLE is a control byte


def decode(data: bytes, *, chinese_default: bool = True) -> Decoded:
    """The text and placeholders a printer would show for ``data``."""
    return _Decoder(data, chinese_default=chinese_default).run()


def split_receipts(data: bytes) -> list[bytes]:
    """One print job's bytes cut into receipts at each paper cut (the bytes after the last cut stay with it).

    Trailing bytes after the last cut that print nothing (a status query, an initialise) join the last
    receipt, so a receipt's bytes are what a till sent for it."""
    cuts = decode(data).cuts
    pieces, start = [], 0
    for end in cuts:
        pieces.append(data[start:end])
        start = end
    rest = data[start:]
    if rest:
        if pieces and not decode(rest).text_lines and not decode(rest).images:
            pieces[-1] += rest
        else:
            pieces.append(rest)
    return [piece for piece in pieces if piece]
