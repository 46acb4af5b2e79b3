"""Command line: ``clientalytics report`` writes the HTML report of a client base."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from clientalytics.clientbase import ClientBase
from clientalytics.exceptions import ClientalyticsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientalytics", description="Customer analytics for client-oriented companies."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report of a client base",
        description="Validate a company's tables and write the HTML report. Without --data "
        "the bundled sample company is used.",
    )
    report.add_argument(
        "--data", type=Path, default=None, help="folder of <table>.csv / <table>.parquet files"
    )
    report.add_argument(
        "--output",
        type=Path,
        default=Path("clientalytics-report.html"),
        help="HTML file to write (default: %(default)s)",
    )
    report.add_argument(
        "--observation-end",
        default=None,
        help="end of the observation window (default: latest event)",
    )
    report.add_argument(
        "--strict", action="store_true", help="fail on any bad row instead of reporting it"
    )
    report.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def _load(args: argparse.Namespace) -> ClientBase:
    if args.data is None:
        from clientalytics.datasets import load_sample

        return load_sample()
    return ClientBase.from_folder(
        args.data,
        observation_end=args.observation_end,
        mode="strict" if args.strict else "lenient",
    )


def _report(args: argparse.Namespace) -> int:
    from clientalytics.report import write_report

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    progress("loading data ...")
    base = _load(args)
    sections = write_report(base, args.output, progress=progress)
    print(f"clientalytics report: {base!r}")
    for section in sections:
        for line in section.summary:
            print(f"  {section.title}: {line}")
    print(f"wrote {args.output} in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 when the input data cannot be used.
    """
    args = _parser().parse_args(argv)
    try:
        return _report(args)
    except (ClientalyticsError, OSError) as exc:
        print(f"clientalytics: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
