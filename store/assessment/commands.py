"""``smartstore assess``: the Annex 4 self-assessment of a period as JSON, HTML, PDF or XLSX."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from store.assessment import render
from store.assessment import service as assessment_service
from store.assessment.report import AssessmentReport
from store.assessment.schemas import ReportFormat
from store.errors import InvalidInput, StoreError


def render_report(report: AssessmentReport, fmt: ReportFormat, lang: str) -> bytes:
    """The report in ``fmt`` as bytes (JSON and HTML in UTF-8)."""
    if fmt == ReportFormat.json:
        return (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == ReportFormat.html:
        return render.render_html(report, lang=lang).encode()
    if fmt == ReportFormat.xlsx:
        return render.render_xlsx(report)
    return render.render_pdf(report, lang=lang)


def _write(data: bytes, out: str) -> None:
    """Write ``out`` whole or not at all (a temporary file renamed into place)."""
    target = Path(out)
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {out}: folder {target.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; a report is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("assess")
@click.option("--from", "period_from", required=True, metavar="YYYY-MM", help="First month of the period.")
@click.option("--to", "period_to", required=True, metavar="YYYY-MM", help="Last month of the period.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in ReportFormat]),
    default="json",
    show_default=True,
    help="Report format.",
)
@click.option("--out", default=None, metavar="FILE", help="Where to write the report ('-' or none: stdout, JSON/HTML).")
@click.option("--store", "store_code", default=None, metavar="CODE", help="Store code (default: the only store).")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the HTML and PDF report.",
)
@click.option(
    "--baseline-from",
    "baseline_from",
    default=None,
    metavar="YYYY-MM",
    help="First baseline month for B1–B4 (with --baseline-to; default: the months before the upgrade).",
)
@click.option(
    "--baseline-to", "baseline_to", default=None, metavar="YYYY-MM", help="Last baseline month (before the upgrade)."
)
def assess(
    period_from: str,
    period_to: str,
    fmt: str,
    out: str | None,
    store_code: str | None,
    lang: str,
    baseline_from: str | None,
    baseline_to: str | None,
) -> None:
    """Score the store against the Annex 4 smart-store indicators over a period of months."""
    from store.config import SettingsError
    from store.db import DatabaseUnavailable

    # As store.cli.friendly_errors: one readable line and exit 2 (importing the CLI root from here would
    # import every domain's commands).
    try:
        _assess(period_from, period_to, ReportFormat(fmt), out, store_code, lang, (baseline_from, baseline_to))
    except (SettingsError, DatabaseUnavailable, StoreError) as exc:
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(2)


def _assess(
    period_from: str,
    period_to: str,
    fmt: ReportFormat,
    out: str | None,
    store_code: str | None,
    lang: str,
    baseline: tuple[str | None, str | None] = (None, None),
) -> None:
    from store.db import check_database, get_engine, unit_of_work

    to_stdout = out in (None, "-")
    if to_stdout and fmt in (ReportFormat.pdf, ReportFormat.xlsx):
        raise InvalidInput(f"a {fmt.value} report needs --out FILE")
    check_database(get_engine())
    with unit_of_work() as session:
        store = assessment_service.store_for(session, store_code)
        report = assessment_service.assess(
            session,
            store.id,  # type: ignore[arg-type]
            period_from=period_from,  # type: ignore[arg-type]
            period_to=period_to,
            baseline_from=baseline[0],
            baseline_to=baseline[1],
        )
    data = render_report(report, fmt, lang)
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _write(data, out)  # type: ignore[arg-type]
    click.echo(
        f"assess: {report.store_code} {report.period_from}..{report.period_to} → {out} "
        f"({report.total} pts, {'passes' if report.passes else 'below'} 90)",
        err=True,
    )
    for notice in report.notices:
        click.echo(f"note: {notice}", err=True)


COMMANDS = [assess]
