"""``smartstore pos ...``: the till side's commands, each loaded only when it runs.

The till agent (``pos agent``: offline outbox, cashier screen, receipts) and the receipt capture box
(``pos capture``: the virtual network printer; ``pos decode``: a captured ESC/POS byte stream as text or as
a parsed sale) live in their own modules; this group names them in :data:`SUBCOMMANDS`, so
``smartstore pos --help`` imports click alone and a command's module loads when that command runs.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

# name → (module, attribute). A module that is not there yet (a part of the bridge not installed) is left out.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "agent": ("pos_bridge.agent.commands", "agent"),
    "capture": ("pos_bridge.capture.commands", "capture"),
    "decode": ("pos_bridge.capture.commands", "decode"),
}


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in SUBCOMMANDS.items() if _present(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in SUBCOMMANDS or not _present(SUBCOMMANDS[cmd_name][0]):
            return None
        module, attribute = SUBCOMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=_LazyGroup)
def pos() -> None:
    """Tills: the till agent with its offline outbox and cashier screen, the receipt capture box."""
