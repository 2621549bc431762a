"""Files and processes shared by the import benches: a store of many shops, years of daily totals,
orders, a file of bad rows, and ``smartstore`` run as a child process with its time and peak memory."""

from __future__ import annotations

import csv
import itertools
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = timezone(timedelta(hours=8))


@dataclass
class Run:
    seconds: float
    peak_mb: float
    cpu_s: float
    exit_code: int
    output: str


def smartstore(*args: str, url: str, code_root: Path = ROOT) -> Run:
    """``smartstore ARGS`` in a child process (the code under ``code_root``): wall time and peak RSS."""
    env = {
        **os.environ,
        "SMARTSTORE_DATABASE_URL": url,
        "PYTHONPATH": str(code_root),
        "SMARTSTORE_LOG_LEVEL": "WARNING",
    }
    argv = [sys.executable, "-c", "from store.cli import main; main()", *args]
    started = time.perf_counter()
    with subprocess.Popen(argv, env=env, cwd=code_root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as child:
        output = child.stdout.read() if child.stdout else b""  # type: ignore[union-attr]
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    wall = time.perf_counter() - started
    return Run(wall, usage.ru_maxrss / 1024, cpu, child.returncode, output.decode(errors="replace"))


def write_csv(path: Path, header: list[str], rows: object) -> Path:
    with path.open("w", newline="", encoding="utf-8") as sink:
        writer = csv.writer(sink)
        writer.writerow(header)
        writer.writerows(rows)  # type: ignore[arg-type]
    return path


def premises(folder: Path, shops: int, opened_on: date) -> tuple[list[Path], list[str]]:
    """store, floors and shops files of a store with ``shops`` shops; returns the files and shop codes."""
    codes = [f"S{n:03d}" for n in range(1, shops + 1)]
    files = [
        write_csv(folder / "store.csv", ["code", "name", "timezone"], [["BENCH", "压测店", "Asia/Shanghai"]]),
        write_csv(
            folder / "floors.csv", ["floor_code", "name", "level"], [[f"{n}F", f"{n}层", n] for n in range(1, 7)]
        ),
        write_csv(
            folder / "shops.csv",
            ["shop_code", "name", "category", "floor_code", "selling_area_m2", "opened_on"],
            [[code, f"店铺{code}", "womenswear", f"{n % 6 + 1}F", 80 + n, opened_on] for n, code in enumerate(codes)],
        ),
    ]
    return files, codes


def daily_totals(path: Path, codes: list[str], rows: int, end: date) -> Path:
    """About ``rows`` rows: every shop, every day back from ``end`` (two years of 150 shops ≈ 110,000)."""
    days = -(-rows // len(codes))
    rng = random.Random(7)
    body = (
        [
            end - timedelta(days=d),
            code,
            "offline",
            "tenant_declared",
            rng.randrange(1_000_000, 9_000_000),
            rng.randrange(10, 400),
        ]
        for d in range(days)
        for code in codes
    )
    return write_csv(
        path,
        ["business_on", "shop_code", "channel", "source", "revenue_fen", "orders"],
        itertools.islice(body, rows),
    )


def orders(path: Path, codes: list[str], count: int, end: datetime, prefix: str = "IMP") -> Path:
    """``count`` orders of the year before ``end``, spread over the shops, one per row."""
    rng = random.Random(11)
    span = 365 * 24 * 3600

    def row(n: int) -> list[object]:
        at = end - timedelta(seconds=rng.randrange(3600, span))
        return [
            f"{prefix}{n:08d}",
            at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
            rng.choice(codes),
            "offline",
            "own_till",
            rng.randrange(100, 500_000),
            rng.choice(["wechat", "alipay", "cash"]),
        ]

    return write_csv(
        path,
        ["order_no", "ordered_at", "shop_code", "channel", "source", "total_fen", "payment_method"],
        (row(n) for n in range(count)),
    )


def bad_orders(path: Path, mib: float) -> Path:
    """A CSV of about ``mib`` MiB where every row is bad (an unknown shop, an amount that is no number)."""
    header = "order_no,ordered_at,shop_code,channel,source,total_fen\n"
    target = int(mib * 2**20)
    with path.open("w", encoding="utf-8") as sink:
        sink.write(header)
        written, n = len(header), 0
        while written < target:
            n += 1
            line = f"BAD{n:09d},2025-05-01 10:00,NOPE{n % 97},offline,own_till,{'x' if n % 2 else n}\n"
            sink.write(line)
            written += len(line)
    return path
