"""How fast an oversized request is refused, and how much of it the server reads (issue 7, limits).

Starts the server (uvicorn, in a thread, on 127.0.0.1) on a fresh SQLite file and sends, over a raw
socket, a body far over ``SMARTSTORE_MAX_BODY_BYTES``: once with ``Content-Length`` declared, once
chunked (no length), streaming until the server answers. Prints the status, the seconds to the answer and
the bytes sent before it.

    .venv/bin/python bench/bench_body_cap.py [--mib 60]
"""

from __future__ import annotations

import argparse
import os
import select
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK = 64 * 1024


def _serve(port: int) -> None:
    import uvicorn

    from store import config, db, migrate
    from store.app import create_app

    os.environ["SMARTSTORE_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    config.get_settings.cache_clear()
    migrate.upgrade(db.get_engine())
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)


def _send(port: int, total: int, *, declared: bool, path: str) -> tuple[str, float, int]:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    head += f"Content-Length: {total}\r\n" if declared else "Transfer-Encoding: chunked\r\n"
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.perf_counter()
    sock.sendall((head + "\r\n").encode())
    sent = 0
    if declared:
        # The body is announced but none of it is sent yet: the answer must come from the header alone.
        select.select([sock], [], [], 5)
    try:
        while sent < total and not select.select([sock], [], [], 0)[0]:
            data = b"a" * CHUNK
            sock.sendall(data if declared else f"{len(data):x}\r\n".encode() + data + b"\r\n")
            sent += len(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    select.select([sock], [], [], 30)
    answer = sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]
    elapsed = time.perf_counter() - started
    sock.close()
    return answer, elapsed, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=60, help="size of the oversized body (MiB)")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _serve(port)
    from store.config import get_settings

    limit = get_settings().max_body_bytes
    print(f"limit {limit:,} bytes; body {args.mib} MiB")
    for _ in range(2):  # the first call warms the app up; the second is the yardstick
        sock = socket.create_connection(("127.0.0.1", port))
        started = time.perf_counter()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]
        healthz_ms = (time.perf_counter() - started) * 1000
        sock.close()
    print(f"{'(yardstick)':<15} {'GET /healthz':<22} {answer:<36} {healthz_ms:8.1f} ms")
    for declared in (True, False):
        for path in ("/api/v1/sales/orders", "/admin/login"):
            answer, elapsed, sent = _send(port, args.mib * 2**20, declared=declared, path=path)
            kind = "Content-Length" if declared else "chunked"
            print(f"{kind:<15} {path:<22} {answer:<36} {elapsed * 1000:8.1f} ms  sent {sent:>12,} bytes")


if __name__ == "__main__":
    main()
