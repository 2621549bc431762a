"""The self-assessment report as HTML: a fragment the admin page embeds, and a standalone document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from store.assessment.render.common import (
    STATUS_NAMES,
    TITLE_EN,
    TITLE_ZH,
    figure_value,
    kpi_summary,
    local_time,
    month_row,
    period_text,
    utc_time,
    verdict,
)
from store.assessment.report import AssessmentReport

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parents[1] / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_DOCUMENT = _TEMPLATES.from_string(
    '<!DOCTYPE html>\n<html lang="{{ html_lang }}">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>{{ title }}</title>\n</head>\n<body>\n{{ fragment }}\n</body>\n</html>\n"
)


def _context(report: AssessmentReport, lang: str) -> dict[str, Any]:
    """Everything the template shows, formatted."""
    by_group = {g.group: [r for r in report.indicators if r.group == g.group] for g in report.groups}
    period, baseline = period_text(report)
    return {
        "r": report,
        "lang": lang,
        "title_zh": TITLE_ZH,
        "title_en": TITLE_EN,
        "period": period,
        "baseline": baseline,
        "generated_utc": utc_time(report).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "generated_local": local_time(report).strftime("%Y-%m-%d %H:%M:%S") + f" ({report.timezone})",
        "verdict": verdict(report),
        "groups": report.groups,
        "by_group": by_group,
        "status_names": STATUS_NAMES,
        "figure_value": figure_value,
        "months": [month_row(report, m) for m in report.monthly],
        "summary": kpi_summary(report),
    }


def render_html_fragment(report: AssessmentReport, lang: str = "zh") -> str:
    """The report body (scoped CSS included), without <html>/<head>, for embedding in a layout."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}")
    return _TEMPLATES.get_template("report.html").render(_context(report, lang))


def render_html(report: AssessmentReport, *, lang: str = "zh") -> str:
    """A complete standalone HTML document: the fragment inside a minimal page."""
    title = f"{TITLE_ZH} {TITLE_EN}" if lang == "zh" else f"{TITLE_EN} {TITLE_ZH}"
    return _DOCUMENT.render(
        html_lang="zh-CN" if lang == "zh" else "en",
        title=f"{title} · {report.store_name}",
        fragment=Markup(render_html_fragment(report, lang)),
    )
