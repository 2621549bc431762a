"""Image uploads told by their bytes: complaint photos and the shopfront photo."""

from __future__ import annotations


def image_type(data: bytes) -> str | None:
    """The image type by its first bytes (never by the name or the browser's word), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
