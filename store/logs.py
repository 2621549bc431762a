"""Structured logging: one JSON object per line (or readable console lines in development).

PIPL and issue 8: personal data is masked and secrets never reach a log. A record factory (so every
handler sees the same, pytest's included) masks mainland mobile numbers (13812341234 → 138****1234) in
the message, its arguments and its ``extra=`` fields, drops the value of any field named like a secret
(password, token, key, cookie, authorization, csrf) and of ``Authorization:``/``Bearer`` text in a message.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
SECRET_NAME = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|device[_-]?key|^key$|cookie|authori[sz]ation|csrf", re.I
)
# "password=…", "Authorization: Bearer …", "X-Device-Key: …" inside free text.
_SECRET_TEXT = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_-]?key|x-device-key|cookie|authorization|csrf[_-]?token)"
    r"(\s*[:=]\s*)(bearer\s+)?[^\s,;&\"']+"
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
REDACTED = "[redacted]"


def mask_phones(text: str) -> str:
    """``13812341234`` → ``138****1234`` wherever a mainland mobile number stands alone in ``text``."""
    return PHONE.sub(r"\1****\2", text)


def redact_text(text: str) -> str:
    """Phone numbers masked, secrets after their name (``password=…``) and bearer tokens dropped."""
    text = _SECRET_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return mask_phones(_BEARER.sub(f"Bearer {REDACTED}", text))


def redact(value: Any, depth: int = 0) -> Any:
    """A field's value made safe to log: strings masked, dicts with secret-named keys emptied, deep copies."""
    if isinstance(value, str):
        return redact_text(value)
    if depth > 4:
        return value
    if isinstance(value, dict):
        return {k: REDACTED if SECRET_NAME.search(str(k)) else redact(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v, depth + 1) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and PHONE.fullmatch(str(value)):
        return mask_phones(str(value))
    return value


# color_message: uvicorn's ANSI-coloured copy of the message, noise in a log line.
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask and drop in place what must never be logged (see the module's docstring)."""
    if record.args:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = message, None
    if isinstance(record.msg, str):
        record.msg = redact_text(record.msg)
    if record.exc_info and not record.exc_text:
        # Formatters print exc_text when it is set: the traceback's own text is masked once, here.
        record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
    for name, value in list(record.__dict__.items()):
        if name in _RESERVED:
            continue
        record.__dict__[name] = REDACTED if SECRET_NAME.search(name) else redact(value)
    return record


def install_redaction() -> None:
    """Make every log record pass through :func:`redact_record` as it is made (idempotent).

    ``Logger.makeRecord`` rather than a handler filter or the record factory: a filter covers one handler
    only (pytest's and any later one would see the raw record), and the factory runs before ``extra=``
    fields are added. Every logger, made before or after this call, goes through the one class method.
    """
    make_record: Callable[..., logging.LogRecord] = logging.Logger.makeRecord
    if getattr(make_record, "redacting", False):
        return

    def redacting_make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(make_record(self, *args, **kwargs))

    redacting_make_record.redacting = True  # type: ignore[attr-defined]
    logging.Logger.makeRecord = redacting_make_record  # type: ignore[method-assign]


class JsonFormatter(logging.Formatter):
    """Render a record and its ``extra=`` fields as a single JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info or record.exc_text:
            entry["exc"] = record.exc_text or redact_text(self.formatException(record.exc_info))  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """``time level logger event key=value ...`` for a developer's terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{k}={v}" for k, v in record.__dict__.items() if k not in _RESERVED)
        line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line} {extras}" if extras else line
        if record.exc_info or record.exc_text:
            line += "\n" + (record.exc_text or redact_text(self.formatException(record.exc_info)))  # type: ignore[arg-type]
        return line


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Install one handler on the root logger, and the redaction of every record (idempotent)."""
    install_redaction()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
