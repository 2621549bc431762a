"""Import speed and memory: two years of daily totals of a 150-shop store, a 200k-row orders file, and a
large file of bad rows checked as a dry run; each run as ``smartstore import`` on a fresh SQLite file.

    .venv/bin/python bench/bench_imports.py                                    # 110,000 + 200,000 rows, 60 MiB bad
    .venv/bin/python bench/bench_imports.py --daily-totals 7300 --orders 20000 --bad-mib 6   # a quick run
    .venv/bin/python bench/bench_imports.py --code /tmp/old-checkout          # the same against other code

"seconds" is wall time, "CPU s" the child's user + system CPU (a fairer figure on a shared machine).
Goals (issue 7 items 4 and 6): 110,000 daily totals in under 30 s, 200,000 orders in under 60 s and
under 300 MB of memory, a 60 MiB file of bad rows as a dry run in seconds with a short report, and every
command starting in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_data import ROOT, Run, bad_orders, daily_totals, orders, premises, smartstore


def _row(what: str, rows: int, run: Run, note: str = "") -> None:
    status = "ok" if run.exit_code == 0 else f"exit {run.exit_code}"
    print(f"{what:<34}{rows:>9,}{run.seconds:>9.1f}{run.cpu_s:>9.1f}{run.peak_mb:>9.0f}  {status:<8}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--daily-totals", type=int, default=110_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--bad-mib", type=float, default=60.0, help="size of the bad-rows file (0: skip)")
    parser.add_argument("--shops", type=int, default=150)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code to run (default: this one)")
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'bench.db'}"
        now = datetime.now(UTC)
        today = now.date()
        starts = [smartstore("--version", url=url, code_root=code) for _ in range(5)]
        upgrade = smartstore("db", "upgrade", url=url, code_root=code)
        assert upgrade.exit_code == 0, upgrade.output
        files, codes = premises(folder, args.shops, today - timedelta(days=3 * 365))
        for kind, file in zip(("store", "floors", "shops"), files, strict=True):
            run = smartstore("import", kind, str(file), url=url, code_root=code)
            assert run.exit_code == 0, run.output
        print(f"\nsmartstore import on SQLite, {args.shops} shops, code at {code}\n")
        print(f"{'what':<34}{'rows':>9}{'seconds':>9}{'CPU s':>9}{'peak MB':>9}  result")
        wall, cpu = statistics.median(r.seconds for r in starts), statistics.median(r.cpu_s for r in starts)
        print(f"{'smartstore --version (median of 5)':<34}{'':>9}{wall:>9.2f}{cpu:>9.2f}")
        totals = daily_totals(folder / "daily-totals.csv", codes, args.daily_totals, today - timedelta(days=1))
        run = smartstore("import", "daily-totals", str(totals), url=url, code_root=code)
        _row("daily-totals", args.daily_totals, run, run.output.splitlines()[0][:70] if run.output else "")
        file = orders(folder / "orders.csv", codes, args.orders, now)
        run = smartstore("import", "orders", str(file), url=url, code_root=code)
        _row("orders", args.orders, run, run.output.splitlines()[0][:70] if run.output else "")
        run = smartstore("import", "orders", str(file), url=url, code_root=code)
        _row("orders again (all unchanged)", args.orders, run, run.output.splitlines()[0][:70] if run.output else "")
        if args.bad_mib:
            bad = bad_orders(folder / "bad.csv", args.bad_mib)
            rows = sum(1 for _ in bad.open("rb")) - 1
            run = smartstore("import", "orders", str(bad), "--dry-run", url=url, code_root=code)
            size = len(run.output.encode())
            _row(f"bad rows, dry run ({args.bad_mib:g} MiB)", rows, run, f"report {size / 1024:,.0f} KiB")
        print(f"\nfiles: {sum(f.stat().st_size for f in folder.glob('*.csv')) / 2**20:.0f} MiB in all")


if __name__ == "__main__":
    main()
