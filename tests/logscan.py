"""Every log record of a test run goes to a file; at the end, an unmasked phone number fails the run.

Issue 8: "a test scans the logs of a full test run for unmasked phone numbers". Loaded with
``-p tests.logscan`` (pyproject's addopts). Each process (xdist worker or a plain run) writes the records
its loggers emit at INFO and above, one per line with the extra fields, to
``$SMARTSTORE_TEST_LOG_DIR/<worker>.log``. The process that runs the session (the xdist controller, or
the only process) scans every file when the session ends; a line holding a mainland mobile number
(1[3-9] and nine more digits, standing alone) is printed and the exit status becomes 1, even when every
test passed. The pattern is written here again, not imported from ``store.logs``: the scan must not
trust the code it checks. ``tests/store/test_logscan.py`` proves it fails a run that leaks.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
DIR_VARIABLE = "SMARTSTORE_TEST_LOG_DIR"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class _EverythingHandler(logging.Handler):
    """One line per record: logger, level, message, extra fields and the exception text.

    The file is opened for each record: ``logging.config.dictConfig`` (uvicorn's, in the browser tests)
    closes every handler it finds, and a kept-open stream would then refuse every later line.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(level=logging.INFO)
        self.path = path

    def emit(self, record: logging.LogRecord) -> None:
        try:
            extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
            line = f"{record.name} {record.levelname} {record.getMessage()} {extras}"
            if record.exc_info or record.exc_text:
                # As logging.Formatter prints it: the record's exc_text when set, else the formatted exception.
                line += " " + (record.exc_text or logging.Formatter().formatException(record.exc_info))  # type: ignore[arg-type]
            with self.path.open("a", encoding="utf-8") as stream:
                stream.write(line.replace("\n", "\\n") + "\n")
        except Exception:  # a log line that cannot be written must not fail the test that logged it
            self.handleError(record)


def _attach(handler: _EverythingHandler) -> None:
    """On the root logger at INFO, again before each test: ``configure_logging`` (CLI tests) replaces it."""
    root = logging.getLogger()
    if handler not in root.handlers:
        root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if not _is_worker(config):
        # Made before the xdist workers start, so they inherit the variable.
        os.environ[DIR_VARIABLE] = tempfile.mkdtemp(prefix="smartstore-logs-")
    folder = Path(os.environ[DIR_VARIABLE])
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    handler = _EverythingHandler(folder / f"{name}.log")
    config.stash[_HANDLER] = handler
    _attach(handler)


def pytest_runtest_setup(item: pytest.Item) -> None:
    handler = item.config.stash.get(_HANDLER, None)
    if handler is not None:
        _attach(handler)


_HANDLER = pytest.StashKey[_EverythingHandler]()


def leaks(folder: Path) -> list[str]:
    """``file:line: text`` of every logged line holding an unmasked phone number."""
    found = []
    for path in sorted(folder.glob("*.log")):
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if PHONE.search(line):
                    found.append(f"{path.name}:{number}: {line.strip()[:300]}")
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    handler = session.config.stash.get(_HANDLER, None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    if _is_worker(session.config):
        return
    folder = Path(os.environ[DIR_VARIABLE])
    found = leaks(folder)
    shutil.rmtree(folder, ignore_errors=True)
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"unmasked phone numbers in the logs of this run ({len(found)} line(s)):\n" + "\n".join(found[:20])
        if reporter is not None:
            reporter.write_sep("=", "log scan", red=True)
            reporter.write_line(message)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
