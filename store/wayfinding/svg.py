"""One level of the map as an SVG (server-drawn: the kiosk needs no WebGL, the phone no map library).

Presentation attributes only (``fill=``, ``stroke=``), no ``style``: the pages' CSP refuses inline styles.
Local metres have y pointing north; SVG's y points down, so y is flipped against the level's bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from store.wayfinding.features import MapData, point

FILL = {
    "walkway": "#f4efe6",
    "retail": "#ffffff",
    "elevator": "#cfe3f7",
    "escalator": "#d9ecd5",
    "stairs": "#ecdcc8",
    "ramp": "#d9ecd5",
    "restroom": "#e6e0f3",
}
ICON = {"elevator": "⇅", "escalator": "⇗", "stairs": "☰", "ramp": "⟋", "restroom": "WC"}
MARGIN = 2.0


def level_svg(
    data: MapData,
    level_id: str,
    *,
    locale: str = "zh_CN",
    labels: dict[str, tuple[str, str]] | None = None,  # unit id → (name, unit number)
    here: tuple[float, float] | None = None,
    route: Sequence[tuple[float, float]] = (),
    highlight: str | None = None,  # a unit id to mark as the destination
    closed: frozenset[str] = frozenset(),  # connector unit ids out of service
) -> str:
    """The level's units, labels, "you are here", a route polyline and the destination, as one SVG element."""
    labels = labels or {}
    level = data.shapes[level_id]
    x0, y0, x1, y1 = level.bounds
    x0, y0, x1, y1 = x0 - MARGIN, y0 - MARGIN, x1 + MARGIN, y1 + MARGIN

    def p(x: float, y: float) -> str:
        return f"{x - x0:.1f},{y1 - y:.1f}"

    title = data.name(data.features[level_id], locale)
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {x1 - x0:.1f} {y1 - y0:.1f}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<polygon points="{" ".join(p(x, y) for x, y in level.exterior.coords)}" fill="#e9e2d6" stroke="#8a7f70" '
        'stroke-width="0.4"/>',
    ]
    units = [u for u in data.by_type.get("unit", []) if data.level_of.get(u["id"]) == level_id]
    for unit in units:
        category = unit["properties"].get("category", "")
        shape = data.shapes[unit["id"]]
        fill = "#fbd9d3" if unit["id"] == highlight else FILL.get(category, "#f7f7f7")
        if unit["id"] in closed:
            fill = "#d0d0d0"
        stroke, width = ("#b3261e", "0.8") if unit["id"] == highlight else ("#9c9284", "0.25")
        parts.append(
            f'<polygon class="unit {escape(category)}" data-id="{unit["id"]}" points="'
            f'{" ".join(p(x, y) for x, y in shape.exterior.coords)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>'
        )
    for unit in units:
        category = unit["properties"].get("category", "")
        cx, cy = point(data, unit["id"])
        if unit["id"] in labels:
            name, ref = labels[unit["id"]]
            parts.append(_text(p(cx, cy + 1.2), name, 2.6, "#1c2430", bold=True))
            parts.append(_text(p(cx, cy - 2.4), ref, 2.0, "#5b6675"))
        elif category in ICON:
            mark = "✕" if unit["id"] in closed else ICON[category]
            parts.append(_text(p(cx, cy - 1.0), mark, 3.2, "#1c2430", bold=True))
    if len(route) > 1:
        line = " ".join(p(x, y) for x, y in route)
        parts.append(
            f'<polyline class="route" points="{line}" fill="none" stroke="#ffffff" stroke-width="2.2" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        parts.append(
            f'<polyline class="route" points="{line}" fill="none" stroke="#b3261e" stroke-width="1.2" '
            'stroke-linejoin="round" stroke-linecap="round" stroke-dasharray="2.4 1.2"/>'
        )
        ex, ey = route[-1]
        parts.append(f'<circle class="route-end" cx="{ex - x0:.1f}" cy="{y1 - ey:.1f}" r="1.6" fill="#b3261e"/>')
    if here is not None:
        hx, hy = here
        parts.append(
            f'<circle class="here" cx="{hx - x0:.1f}" cy="{y1 - hy:.1f}" r="2.2" fill="#1565c0" '
            'stroke="#ffffff" stroke-width="0.7"/>'
        )
        parts.append(
            _text(p(hx, hy - 5.2), "您在这里" if locale != "en" else "You are here", 2.6, "#1565c0", bold=True)
        )
    parts.append("</svg>")
    return "".join(parts)


def _text(at: str, text: str, size: float, fill: str, *, bold: bool = False) -> str:
    x, y = at.split(",")
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" fill="{fill}" text-anchor="middle"{weight}>'
        f"{escape(text[:14])}</text>"
    )
