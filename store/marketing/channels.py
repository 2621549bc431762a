"""Push channel plugins and the router that picks, per member and week, a channel the member can lawfully
receive on (S3 精准推送).

- mini-program subscription message: one message per acceptance (``ChannelGrant.remaining``);
- official account (服务号): at most ``rules.OFFICIAL_ACCOUNT_MONTHLY`` messages a member a month;
- SMS: only 8:00–21:00 store time, members who did not reply R, the text ends with the opt-out line;
- app push: members with the app.

A plugin sends a batch of messages; the bundled :class:`OutboxChannel` writes them to ``marketing_outbox``
(what the tests read); a gateway's plugin replaces it with :func:`use_plugin`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert
from sqlmodel import Session

from store.clock import utcnow
from store.marketing import rules
from store.marketing.models import Outbox

PREFERENCE = ("app", "miniprogram", "official_account", "sms")
NO_LAWFUL_CHANNEL = "no_lawful_channel"


@dataclass(frozen=True)
class Message:
    store_id: int
    delivery_id: int
    channel: str
    member_no: str
    body: str


class ChannelPlugin(Protocol):
    def send(self, session: Session, messages: list[Message]) -> None: ...


class OutboxChannel:
    """The bundled plugin: records each message in ``marketing_outbox`` (no network)."""

    def send(self, session: Session, messages: list[Message]) -> None:
        if messages:
            session.execute(
                insert(Outbox.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "store_id": m.store_id,
                        "delivery_id": m.delivery_id,
                        "channel": m.channel,
                        "member_no": m.member_no,
                        "body": m.body,
                        "created_at": utcnow(),
                    }
                    for m in messages
                ],
            )


_PLUGINS: dict[str, ChannelPlugin] = {}


def plugin_for(channel: str) -> ChannelPlugin:
    return _PLUGINS.get(channel) or OutboxChannel()


def use_plugin(channel: str, plugin: ChannelPlugin | None) -> None:
    """Send ``channel``'s messages through ``plugin`` (None: back to the bundled outbox)."""
    if plugin is None:
        _PLUGINS.pop(channel, None)
    else:
        _PLUGINS[channel] = plugin


class Grant(Protocol):
    """What the router reads of a ``ChannelGrant`` (the row, or a read of its columns)."""

    channel: str
    remaining: int
    opted_out: bool


def route(
    grants: Mapping[str, Grant], *, official_this_month: int, at: datetime, tz: str
) -> tuple[str, datetime] | None:
    """The first lawful channel in :data:`PREFERENCE` and when it may send; None: no lawful channel."""
    for channel in PREFERENCE:
        grant = grants.get(channel)
        if grant is None or grant.opted_out:
            continue
        if channel == "miniprogram" and grant.remaining <= 0:
            continue
        if channel == "official_account" and official_this_month >= rules.OFFICIAL_ACCOUNT_MONTHLY:
            continue
        if channel == "sms":
            return channel, rules.sms_allowed_at(at, tz)
        return channel, at
    return None


def with_opt_out(channel: str, body: str) -> str:
    return f"{body} {rules.SMS_OPT_OUT}" if channel == "sms" else body
