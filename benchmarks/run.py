"""Run every clientalytics benchmark and print one table of times, ratios and memory.

Usage (from the repository root)::

    python benchmarks/run.py                 # 1M and 10M transactions, RFM on 1M clients
    python benchmarks/run.py --quick         # 1M transactions, RFM on 100k clients
    python benchmarks/run.py --sizes 1e6 --rfm-clients 2e5 --output table.md

Transactions come from ``clientalytics.datasets.generate_transactions`` (three
years, seed 0), about 25 rows per client. Each path runs in a fresh process (see
bench_measure.py); ``speedup`` is the time of the natural alternative divided by
the time of clientalytics on the same data in the same run; peak memory is the
peak resident memory of the call above what the process held before it, compared
with the input frame's pandas size (``memory_usage(deep=True)``).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import inspect
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import bench_engines  # noqa: E402
import bench_rfm  # noqa: E402
import bench_summary  # noqa: E402
from bench_measure import TX_COLUMNS  # noqa: E402

#: Generated rows per client over three years (measured on 405,000 clients).
ROWS_PER_CLIENT = 25.0
#: Peak memory target: at most this multiple of the input frame's size.
MEMORY_TARGET = 3.0
PACKAGES = ["pandas", "numpy", "polars", "duckdb", "pyarrow", "narwhals", "lifetimes", "pyspark"]


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python and package versions of this machine."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 2**20:.1f} GiB"
    except OSError:
        ram = "unknown"
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "packages": ", ".join(versions),
    }


def make_transactions(n_rows: int, path: Path) -> tuple[int, float]:
    """Generate about ``n_rows`` transactions into ``path``; return rows and pandas MiB."""
    from clientalytics.datasets import generate_transactions

    n_clients = max(round(n_rows / ROWS_PER_CLIENT), 10)
    tx = generate_transactions(n_clients, 3, seed=0)[TX_COLUMNS]
    tx.to_parquet(path)
    return len(tx), float(tx.memory_usage(deep=True).sum()) / 2**20


def run_clv(sizes: list[int]) -> list[dict[str, Any]]:
    """Run benchmarks/bench_clv.py when present (its ``main`` with the sizes)."""
    if not (HERE / "bench_clv.py").exists():
        print("CLV fitting: benchmarks/bench_clv.py is not present; skipped", flush=True)
        return []
    import bench_clv

    main = bench_clv.main
    params = inspect.signature(main).parameters
    result = main(sizes=sizes) if "sizes" in params else main()
    return [row for row in (result or []) if isinstance(row, dict)]


def fmt_table(rows: list[dict[str, Any]]) -> str:
    """Markdown table of benchmark rows."""
    head = (
        "| benchmark | rows | path | seconds | speed-up | target | met | "
        "peak RSS MiB | peak Python MiB | peak / input | memory met |\n"
        "|---|---:|---|---:|---:|---:|---|---:|---:|---:|---|\n"
    )
    lines = []
    for r in rows:
        speed = r.get("speedup")
        target = r.get("speedup_target")
        met = "" if target is None or speed is None else ("yes" if speed >= target else "**no**")
        peak, input_mb = r.get("peak_rss_mb"), r.get("input_mb")
        ratio = peak / input_mb if peak is not None and input_mb else None
        mem_met = "" if ratio is None else ("yes" if ratio <= MEMORY_TARGET else "**no**")
        py = r.get("peak_python_mb")
        lines.append(
            f"| {r['benchmark']} | {r['rows']:,} | {r['path']} | {r['seconds']:.2f} | "
            f"{'' if speed is None else f'{speed:.2f}x'} | "
            f"{'' if target is None else f'{target:g}x'} | {met} | "
            f"{'' if peak is None else f'{peak:,.0f}'} | {'' if py is None else f'{py:,.0f}'} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | {mem_met} |"
        )
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> str:
    """Run the benchmarks; return (and print) the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--rfm-clients", type=float, default=1e6)
    parser.add_argument("--units", nargs="+", default=["D", "W"])
    parser.add_argument("--quick", action="store_true", help="1M rows, RFM on 100k clients")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["summary", "engines", "rfm", "clv"]
    )
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["duckdb", "polars", "pandas"],
        help="engines of the paired comparison with hand-written queries (add spark)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="alternating pairs per case")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.rfm_clients = [1e6], 1e5
    sizes = [int(s) for s in args.sizes]
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="clientalytics-bench-") as tmp:
        if "summary" not in args.skip:
            for size in sizes:
                path = Path(tmp) / f"tx_{size}.parquet"
                n_rows, input_mb = make_transactions(size, path)
                print(f"summary: {n_rows:,} transactions, {input_mb:,.0f} MiB", flush=True)
                rows += bench_summary.bench(
                    path, n_rows=n_rows, input_mb=input_mb, units=args.units
                )
                if "engines" not in args.skip:
                    print(f"engines: paired with hand-written queries, {n_rows:,} rows", flush=True)
                    pairs += bench_engines.main(
                        [
                            "--data",
                            str(path),
                            "--units",
                            *args.units,
                            "--repeats",
                            str(args.repeats),
                            "--engines",
                            *args.engines,
                        ]
                    )
                path.unlink()
        if "rfm" not in args.skip:
            if bench_rfm.available():
                n_clients = int(args.rfm_clients)
                path = Path(tmp) / "summary.parquet"
                n_tx, input_mb = bench_rfm.make_summary(n_clients, path)
                print(f"RFM: {n_clients:,} clients ({n_tx:,} transactions)", flush=True)
                rows += bench_rfm.bench(path, n_clients=n_clients, input_mb=input_mb)
            else:
                print("RFM: clientalytics.segmentation is not installed; skipped", flush=True)
        if "clv" not in args.skip:
            rows += run_clv(sizes)
    info = machine()
    report = (
        "\n".join(f"- {key}: {value}" for key, value in info.items())
        + f"\n- total run time: {time.perf_counter() - started:.0f} s\n\n"
        + f"- every path of these tables ran on pandas {md.version('pandas')}\n\n"
        + fmt_table(rows)
        + ("\n" + bench_engines.fmt_pairs(pairs) if pairs else "")
    )
    print(report)
    if args.output:
        args.output.write_text(report)
    return report


if __name__ == "__main__":
    main()
