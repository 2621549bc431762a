"""Receipt printers behind one small Protocol; python-escpos drives network (TCP 9100), USB and file printers."""

from __future__ import annotations

from typing import Protocol


class ReceiptPrinter(Protocol):
    def print_bytes(self, data: bytes) -> None:
        """Send a whole receipt's ESC/POS bytes to the printer."""
        ...


class EscposPrinter:
    """A python-escpos printer opened per receipt (a printer switched off meanwhile fails only that print)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        kind, _, rest = spec.partition(":")
        if kind not in ("network", "usb", "file", "none"):
            raise ValueError(f"printer {spec!r}: expected network:HOST[:PORT], usb:VID:PID, file:PATH or none")
        self.kind, self.rest = kind, rest

    def _open(self):  # type: ignore[no-untyped-def]
        from escpos import printer

        if self.kind == "network":
            host, _, port = self.rest.partition(":")
            return printer.Network(host, port=int(port or 9100), timeout=5)
        if self.kind == "usb":
            vid, _, pid = self.rest.partition(":")
            return printer.Usb(int(vid, 16), int(pid, 16))
        return printer.File(self.rest)

    def print_bytes(self, data: bytes) -> None:
        if self.kind == "none":
            return
        device = self._open()
        try:
            device._raw(data)
        finally:
            device.close()


def open_printer(spec: str) -> ReceiptPrinter:
    return EscposPrinter(spec)
