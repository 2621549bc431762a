"""Sending sign-in codes by SMS: an interface, and the bundled sender that writes the log and an outbox table.

A deployment with an SMS gateway sets its own sender with :func:`use_sender` at start-up; the gateway gets
the full number in memory, at the moment of sending, and nothing here keeps it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlmodel import Session

from store.members import phones
from store.members.models import SmsOutbox

log = logging.getLogger("store.members.sms")


class SmsSender(Protocol):
    def send(self, session: Session, *, store_id: int, phone: str, template: str, body: str) -> None:
        """Send ``body`` to ``phone`` (11 digits); raise to refuse (nothing is then recorded as sent)."""


class OutboxSender:
    """The bundled sender: one outbox row (masked phone, text) and one log line without the code."""

    def send(self, session: Session, *, store_id: int, phone: str, template: str, body: str) -> None:
        masked = phones.mask(phone)
        session.add(
            SmsOutbox(
                store_id=store_id,
                phone_hash=phones.phone_hash(phone),
                phone_masked=masked,
                template=template,
                body=body,
            )
        )
        log.info("sms queued", extra={"phone": masked, "template": template, "store_id": store_id})


_sender: SmsSender = OutboxSender()


def sender() -> SmsSender:
    return _sender


def use_sender(new: SmsSender) -> None:
    """Replace the sender (an SMS gateway's client) for this process."""
    global _sender
    _sender = new
