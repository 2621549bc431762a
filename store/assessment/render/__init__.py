"""Renderers of the Annex 4 self-assessment report: HTML (Jinja2), XLSX (openpyxl) and PDF (reportlab),
one module each, sharing :mod:`store.assessment.render.common` and the formatters of :mod:`store.formats`."""

from __future__ import annotations

from store.assessment.render.common import number, percent, yuan
from store.assessment.render.html import render_html, render_html_fragment
from store.assessment.render.pdf import CID_FALLBACK, cjk_font, render_pdf
from store.assessment.render.xlsx import render_xlsx

__all__ = [
    "CID_FALLBACK",
    "cjk_font",
    "number",
    "percent",
    "render_html",
    "render_html_fragment",
    "render_pdf",
    "render_xlsx",
    "yuan",
]
