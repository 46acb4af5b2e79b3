"""Time the HTML report, section by section, on generated companies of several sizes.

``python benchmarks/bench_report.py`` (from the repository root) generates a company
with :func:`clientalytics.datasets.generate_company` (three years, seed 0) for each
size and builds the report as :func:`clientalytics.report.build.build_report` does:
the shared inputs (:func:`~clientalytics.report.inputs.report_inputs`), then every
section builder, then the executive summary and the page, timed from the
build's progress lines. Each size runs in its own subprocess, so that peaks
do not mix, and prints

- ``generate``: seconds to generate the company (not part of the report);
- ``inputs`` and one line per section: seconds of each step;
- ``report``: seconds of the whole report (inputs, sections and page), wall
  time and CPU time of the process (the CPU time is the steadier figure on a
  shared machine);
- ``peak RSS``: the process's peak resident memory (``ru_maxrss``), generation
  included, and the resident memory after generation, before the report.

Options: ``--sizes 1000 20000 100000``, ``--sections managers retention`` (only
those sections; the shared inputs are always computed), ``--profile FILE`` (write
a :mod:`cProfile` dump of the report of the last size), ``--output FILE`` (also
write the Markdown table), ``--json`` (one JSON line per size on stdout).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_one(n_clients: int, sections: list[str] | None, profile: str | None) -> dict[str, Any]:
    """Generate one company and time its report in this process."""
    import matplotlib

    matplotlib.use("Agg")
    from clientalytics.datasets import generate_company
    from clientalytics.report import build

    started = time.perf_counter()
    base = generate_company(n_clients, seed=0)
    out: dict[str, Any] = {
        "clients": n_clients,
        "transactions": len(base.transactions),
        "generate": time.perf_counter() - started,
        "rss_after_generate_mb": _rss_mb(),
    }
    builders = [
        builder
        for builder in build.default_builders()
        if sections is None or builder.__module__.rsplit(".", 1)[-1] in sections
    ]
    marks: list[tuple[str, float, float]] = []

    def progress(line: str) -> None:
        # "shared inputs ...", "[i/n] name ...": a step starts; other lines end one
        name = None
        if line.startswith("shared inputs") and line.endswith("..."):
            name = "inputs"
        elif line.startswith("[") and line.endswith("..."):
            name = line.split("] ", 1)[1][: -len(" ...")]
        marks.append((name or "", time.perf_counter(), time.process_time()))

    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t_report, cpu_report = time.perf_counter(), time.process_time()
    page, built = build.build_report(base, builders=builders, progress=progress, lang="en")
    end, cpu_end = time.perf_counter(), time.process_time()
    out["report"] = end - t_report
    out["report_cpu"] = cpu_end - cpu_report
    if profiler is not None and profile is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for (name, t0, c0), (_, t1, c1) in itertools.pairwise(marks):
        if name:
            steps[name], cpu[name] = t1 - t0, c1 - c0
    # after the last section: executive summary and page rendering
    steps["summary and page"] = end - marks[-1][1]
    cpu["summary and page"] = cpu_end - marks[-1][2]
    out["steps"] = steps
    out["cpu"] = cpu
    out["page_mb"] = len(page.encode()) / 2**20
    out["summaries"] = {s.key: s.summary for s in built}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(args: argparse.Namespace) -> None:
    result = run_one(args.child, args.sections, args.profile)
    print("RESULT " + json.dumps(result))


def _table(results: list[dict[str, Any]]) -> str:
    steps = list(results[0]["steps"])
    lines = [
        "| clients | transactions | report s | report CPU s | peak RSS MiB | "
        + " | ".join(steps)
        + " |",
        "|---:|---:|---:|---:|---:|" + "---:|" * len(steps),
    ]
    for r in results:
        cells = " | ".join(f"{r['steps'][s]:.1f}" for s in steps)
        lines.append(
            f"| {r['clients']:,} | {r['transactions']:,} | {r['report']:.1f} | "
            f"{r['report_cpu']:.1f} | "
            f"{r['peak_rss_mb']:,.0f} | {cells} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run every size in its own subprocess and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1000, 20000])
    parser.add_argument("--sections", nargs="+", default=None)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--output", default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args)
        return []
    results = []
    for i, size in enumerate(args.sizes):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(int(size))]
        if args.sections:
            cmd += ["--sections", *args.sections]
        if args.profile and i == len(args.sizes) - 1:
            cmd += ["--profile", args.profile]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if proc.returncode != 0 or not line:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"size {int(size)} failed (exit code {proc.returncode})")
        result = json.loads(line[-1][len("RESULT ") :])
        results.append(result)
        if args.json:
            print(json.dumps(result))
        else:
            steps = ", ".join(
                f"{k} {v:.1f} (CPU {result['cpu'][k]:.1f})" for k, v in result["steps"].items()
            )
            print(
                f"{int(size):,} clients ({result['transactions']:,} transactions): generate "
                f"{result['generate']:.1f} s; report {result['report']:.1f} s, CPU "
                f"{result['report_cpu']:.1f} s ({steps}); "
                f"peak RSS {result['peak_rss_mb']:,.0f} MiB "
                f"(after generate {result['rss_after_generate_mb']:,.0f} MiB)",
                flush=True,
            )
            for key, summary in result["summaries"].items():
                for text in summary:
                    if "not computed" in text or "redistribution" in text:
                        print(f"    {key}: {text}")
    table = _table(results)
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
