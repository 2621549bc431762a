"""CPU instructions per request under uvicorn, counted by valgrind's callgrind: a bare FastAPI echo and a
single till post, one server process each, 8 clients.

    .venv/bin/python bench/bench_sales_callgrind.py [--requests 200] [--workers 8]

Instruction counts do not move with the load of the machine, unlike requests/s and CPU milliseconds (a
busy 2-core machine moved ``bench_sales_api.py``'s figures by ±30 % and more); the ratio echo/post is what
``bench_sales_api.py``'s "× echo" column approaches when the server's CPU is what limits both. valgrind
serialises the server's threads, so lock and GIL hand-over costs that only show with real parallel threads
are not in it. Needs valgrind (Debian's package) and about 3 minutes.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_sales_api as sales  # noqa: E402

WARM = 40


def _instructions(kind: str, url: str, key: str, shop_id: int, folder: Path, count: int, workers: int) -> float:
    """Instructions per request of the ``echo`` or ``post`` server, counted from the first timed request."""
    port = sales._free_port()
    log = folder / f"{kind}.log"
    callgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/{kind}.out"]
    if kind == "echo":
        argv = [*callgrind, sys.executable, str(ROOT / "bench/bench_sales_api.py"), "--serve-echo", str(port)]
        path, ready = "/echo", "/docs"
    else:
        command = Path(sys.executable).parent / "smartstore"
        argv = [*callgrind, str(command), "serve", "--host", "127.0.0.1", "--port", str(port)]
        path, ready = sales.ORDERS, "/healthz"
    env = {**os.environ, "SMARTSTORE_DATABASE_URL": url, "SMARTSTORE_LOG_LEVEL": "WARNING", "PYTHONMALLOC": "malloc"}
    with log.open("wb") as sink:
        server = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", ready)
            conn.getresponse().read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"{kind} server did not start: {log.read_text(errors='replace')[-2000:]}") from None
            time.sleep(1)
    ok = lambda status, _body: status in (200, 201)  # noqa: E731
    requests = sales._single_requests(key, shop_id, kind[0].upper(), count + WARM, path)
    try:
        sales._drive("warm-up", port, server.pid, requests[:WARM], workers, 600, ok)
        subprocess.run(["callgrind_control", "-i", "on", str(server.pid)], check=True, capture_output=True)
        result = sales._drive(kind, port, server.pid, requests[WARM:], workers, 600, ok)
        subprocess.run(["callgrind_control", "-i", "off", str(server.pid)], check=True, capture_output=True)
    finally:
        server.terminate()  # the server this script started, by its own pid
        server.wait(timeout=120)
    found = re.search(r"Collected : (\d+)", log.read_text(errors="replace"))
    if found is None or result.failed:
        raise SystemExit(f"{kind}: no count ({result.failed} failed requests)")
    return int(found.group(1)) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per server")
    parser.add_argument("--workers", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'bench.db'}"
        shop_id, key = sales._setup(url)
        echo = _instructions("echo", url, key, shop_id, folder, args.requests, args.workers)
        post = _instructions("post", url, key, shop_id, folder, args.requests, args.workers)
    print(f"\ninstructions per request under uvicorn, {args.workers} clients, {args.requests} requests each\n")
    print(f"{'bare FastAPI echo (pydantic parse)':<36}{echo / 1e6:>8.2f} M")
    print(f"{'POST /sales/orders (single)':<36}{post / 1e6:>8.2f} M   echo/post {echo / post:.3f}")


if __name__ == "__main__":
    main()
