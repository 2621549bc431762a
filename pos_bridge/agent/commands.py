"""``smartstore pos agent``: the till agent (outbox forwarder, cashier screen on localhost, receipt printer)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--server", "server_url", envvar="SMARTSTORE_POS_SERVER_URL", help="The store's base URL.")
@click.option("--key", "device_key", envvar="SMARTSTORE_POS_DEVICE_KEY", help="The till's pos_terminal key.")
@click.option("--shop", "shop_id", type=int, envvar="SMARTSTORE_POS_SHOP_ID", help="The shop this till sells for.")
@click.option("--till-code", envvar="SMARTSTORE_POS_TILL_CODE", help="Prefix of this till's order numbers.")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path),
    envvar="SMARTSTORE_POS_STATE_DIR",
    help="Folder of the outbox and catalogue cache (SQLite).",
)
@click.option("--host", envvar="SMARTSTORE_POS_HOST", help="Address of the cashier screen (default 127.0.0.1).")
@click.option("--port", type=int, envvar="SMARTSTORE_POS_PORT", help="Port of the cashier screen (default 8700).")
@click.option("--printer", envvar="SMARTSTORE_POS_PRINTER", help="network:HOST[:PORT], usb:VID:PID, file:PATH or none.")
@click.option("--paper", "paper_mm", type=click.Choice(["58", "80"]), envvar="SMARTSTORE_POS_PAPER_MM")
def agent(**options: object) -> None:
    """Run the till agent: sells offline, forwards the outbox in order, serves the cashier screen."""
    import uvicorn

    from pos_bridge.agent.app import build
    from pos_bridge.agent.settings import PosSettings

    given = {k: v for k, v in options.items() if v is not None}
    if "paper_mm" in given:
        given["paper_mm"] = int(given["paper_mm"])  # type: ignore[call-overload]
    settings = PosSettings(**given)  # type: ignore[arg-type]
    if not settings.device_key:
        raise click.UsageError("the till needs its device key: --key or SMARTSTORE_POS_DEVICE_KEY")
    if not settings.shop_id:
        raise click.UsageError("the till needs its shop: --shop or SMARTSTORE_POS_SHOP_ID")
    app = build(settings)
    click.echo(f"till {settings.till_code}: cashier screen on http://{settings.host}:{settings.port}/")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
