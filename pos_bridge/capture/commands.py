"""``smartstore pos capture`` (the virtual network printer) and ``smartstore pos decode`` (a captured stream)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from store.capture.escpos import Decoded, split_receipts
from store.capture.escpos import decode as decode_bytes
from store.capture.parse import parse_decoded
from store.capture.schemas import TemplateSpec
from store.capture.templates import BUILTIN


def load_template(name: str) -> TemplateSpec:
    """A built-in template by name, or a JSON file holding a template (its ``spec``, or the spec itself)."""
    if name in BUILTIN:
        return BUILTIN[name]
    path = Path(name)
    if not path.is_file():
        known = ", ".join(sorted(BUILTIN))
        raise click.BadParameter(
            f"no template {name!r}: give a built-in ({known}) or a JSON file", param_hint="--template"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return TemplateSpec.model_validate(raw.get("spec", raw) if isinstance(raw, dict) else raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: not a template: {exc}", param_hint="--template") from exc


def _as_json(decoded: Decoded) -> dict[str, object]:
    return {
        "lines": decoded.lines,
        "images": decoded.images,
        "barcodes": decoded.barcodes,
        "qr_codes": decoded.qr_codes,
        "cuts": len(decoded.cuts),
        "status_queries": decoded.status_queries,
        "warnings": decoded.warnings,
        "truncated": decoded.truncated,
    }


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--template", "template_name", default=None, help="Template: a built-in name (zh-basic) or a JSON file.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default=None,
    help="text: what the paper shows; json: the decoded stream, or with --template the parsed sale.",
)
def decode(file: Path, template_name: str | None, output: str | None) -> None:
    """Print what a captured ESC/POS byte stream (a .bin of raw printer bytes) shows on paper.

    Images, barcodes and QR codes print as placeholders ([IMAGE: …], [BARCODE …: …], [QR: …]). With
    --template the receipt is parsed: one JSON object per receipt (a file with several cut receipts gives
    one line each)."""
    data = file.read_bytes()
    output = output or ("json" if template_name else "text")
    if template_name is None:
        decoded = decode_bytes(data)
        if output == "json":
            click.echo(json.dumps(_as_json(decoded), ensure_ascii=False, indent=2))
        else:
            click.echo(decoded.text)
        for warning in decoded.warnings:
            click.echo(f"warning: {warning}", err=True)
        return
    spec = load_template(template_name)
    for piece in split_receipts(data) or [data]:
        decoded = decode_bytes(piece, chinese_default=spec.chinese_default)
        parsed = parse_decoded(decoded, spec)
        if output == "json":
            click.echo(parsed.model_dump_json())
            continue
        click.echo(decoded.text)
        click.echo(f"-- {parsed.kind}: {parsed.reason or 'parsed'} (score {parsed.score})")


@click.command()
@click.option("--listen", default="0.0.0.0:9100", show_default=True, help="Address the till prints to.")
@click.option("--printer", required=True, envvar="SMARTSTORE_POS_PRINTER", help="The real printer, HOST:PORT.")
@click.option("--server", envvar="SMARTSTORE_POS_SERVER", default=None, help="The store's URL (none: capture only).")
@click.option("--key", envvar="SMARTSTORE_POS_DEVICE_KEY", default=None, help="The capture box's device API key.")
@click.option(
    "--spool",
    envvar="SMARTSTORE_POS_SPOOL",
    default="capture-spool",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder keeping every job's raw bytes and the upload queue.",
)
@click.option("--heartbeat", default=60.0, show_default=True, help="Seconds between heartbeats.")
def capture(listen: str, printer: str, server: str | None, key: str | None, spool: Path, heartbeat: float) -> None:
    """Run the virtual network printer: pass every byte to PRINTER, keep and upload each receipt."""
    from pos_bridge.capture.box import run_box

    if server and not key:
        raise click.UsageError("--server needs --key (the capture box's device key)")
    try:
        run_box(listen=listen, printer=printer, server=server, key=key, spool=spool, heartbeat_s=heartbeat)
    except KeyboardInterrupt:
        sys.exit(0)
