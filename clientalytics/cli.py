"""Command line: ``clientalytics report`` and ``clientalytics inspect``.

``report`` writes the HTML report of a client base; ``inspect`` says how each file
of a data folder is read.

Every problem ends in one line ``clientalytics: error: ...`` on standard error and
exit status 2, never in a Python traceback: unusable data, a bad option value, an
output file that cannot be written (checked before any work is done), and, with a
distinct message, an unexpected internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from clientalytics.clientbase import ClientBase, parse_observation_end
from clientalytics.exceptions import ClientalyticsError, DataQualityWarning

_DATE_HINT = (
    "on the command line, pass --date-format FORMAT (e.g. --date-format %d.%m.%Y) "
    "or --dayfirst / --monthfirst"
)


class CommandError(ClientalyticsError):
    """An option of the command line cannot be used (bad value, unwritable output)."""


def _reading_options(command: argparse.ArgumentParser) -> None:
    """Options of how a data folder is read, shared by ``report`` and ``inspect``."""
    from clientalytics.presets import PRESETS

    group = command.add_argument_group("reading the data folder")
    group.add_argument(
        "--preset",
        action="append",
        default=None,
        choices=sorted(PRESETS),
        help="export layout of the files (repeat for several)",
    )
    group.add_argument(
        "--mapping",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML or JSON file: {table: {source header: column}, files: {file: table}}",
    )
    group.add_argument("--encoding", default=None, help="text encoding (default: detected)")
    group.add_argument(
        "--sep", default=None, help="field separator, e.g. ';' or 'tab' (default: detected)"
    )
    group.add_argument("--sheet", default=None, help="workbook sheet name (default: the only one)")
    group.add_argument(
        "--decimal", default=None, choices=[".", ","], help="decimal separator (default: detected)"
    )
    group.add_argument(
        "--thousands",
        default=None,
        help="thousands separator: space, \"'\", ',', '.' or none (default: detected)",
    )
    group.add_argument(
        "--vat-included",
        action="store_true",
        help="revenue includes VAT (needs --vat-rate); it is converted to net once",
    )
    group.add_argument("--vat-rate", type=float, default=None, help="VAT rate, e.g. 0.2")
    group.add_argument("--currency", default="RUB", help="currency code (default: %(default)s)")


def _read_mapping(path: Path | None) -> dict[str, object] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"--mapping {str(path)!r}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            import json

            data = json.loads(text)
        else:
            try:
                import yaml
            except ImportError:
                raise CommandError(
                    f"--mapping {str(path)!r}: YAML needs the 'yaml' extra "
                    "(pip install 'clientalytics[yaml]'), or write the mapping as JSON"
                ) from None
            data = yaml.safe_load(text)
    except CommandError:
        raise
    except ValueError as exc:
        raise CommandError(f"--mapping {str(path)!r} is not valid JSON: {exc}") from exc
    except Exception as exc:  # yaml.YAMLError
        raise CommandError(f"--mapping {str(path)!r} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandError(
            f"--mapping {str(path)!r} must hold a mapping of table -> {{header: column}}"
        )
    return data


def _folder_options(args: argparse.Namespace) -> dict[str, object]:
    sep = {"tab": "\t", "\\t": "\t"}.get(args.sep, args.sep) if args.sep else None
    return {
        "mapping": _read_mapping(args.mapping),
        "preset": args.preset,
        "encoding": args.encoding,
        "sep": sep,
        "sheet": args.sheet,
        "decimal": args.decimal,
        "thousands": args.thousands,
        "vat_included": args.vat_included,
        "vat_rate": args.vat_rate,
        "currency": args.currency,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientalytics", description="Customer analytics for client-oriented companies."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="format of every text date column, e.g. %%d.%%m.%%Y (default: inferred per "
        "column; a column whose day/month order cannot be told is an error)",
    )
    order = report.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        default=None,
        help="read dates whose day/month order cannot be told as day first (05.01.2024 = "
        "5 January)",
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="read such dates as month first (05.01.2024 = 1 May)",
    )
    report.add_argument(
        "--strict", action="store_true", help="fail on any bad row instead of reporting it"
    )
    report.add_argument("--quiet", action="store_true", help="no progress lines")
    report.add_argument(
        "--lang",
        choices=["ru", "en"],
        default=None,
        help="language of the report (default: from the locale, else English)",
    )
    report.add_argument(
        "--title", default=None, help="title of the report (default: the company's name)"
    )
    _reading_options(report)
    inspect = commands.add_parser(
        "inspect",
        help="say how each file of a data folder is read, before any analysis",
        description="For each file: the table it is read as, its format, encoding, "
        "separator, number and date formats, sheet, header mapping, row counts and the "
        "first rejected rows.",
    )
    inspect.add_argument("data", type=Path, help="the data folder")
    inspect.add_argument("--date-format", default=None, metavar="FORMAT")
    inspect_order = inspect.add_mutually_exclusive_group()
    inspect_order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, default=None
    )
    inspect_order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False)
    _reading_options(inspect)
    return parser


def _version() -> str:
    from clientalytics import __version__

    return str(__version__)


def _check_output(path: Path) -> None:
    """Fail now, not after the work, when the report cannot be written to ``path``."""
    if path.is_dir():
        raise CommandError(f"--output {str(path)!r} is a folder; give the HTML file to write")
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(f"--output {str(path)!r}: the folder {str(folder)!r} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise CommandError(f"--output {str(path)!r} exists and is not writable")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".clientalytics-", suffix=".tmp"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CommandError(
            f"--output {str(path)!r}: cannot write into {str(folder)!r} ({reason})"
        ) from exc


def _load(args: argparse.Namespace) -> ClientBase:
    if args.data is None:
        from clientalytics.datasets import load_sample

        return load_sample()
    return ClientBase.from_folder(
        args.data,
        observation_end=args.observation_end,
        mode="strict" if args.strict else "lenient",
        date_format=args.date_format,
        dayfirst=args.dayfirst,
        **_folder_options(args),  # type: ignore[arg-type]
    )


def _inspect(args: argparse.Namespace) -> int:
    from clientalytics.intake import inspect_folder

    found = inspect_folder(
        args.data,
        date_format=args.date_format,
        dayfirst=args.dayfirst,
        **_folder_options(args),  # type: ignore[arg-type]
    )
    print(found.to_text())
    if found.base is not None:
        base = found.base
        print(f"loaded: {base!r}; currency {base.currency}")
        for note in base.notes:
            print(f"  note: {note}")
        return 0
    return 2


def _report(args: argparse.Namespace) -> int:
    from clientalytics.report import write_report

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        parse_observation_end(
            args.observation_end, date_format=args.date_format, dayfirst=args.dayfirst
        )
    except ClientalyticsError as exc:
        raise CommandError(f"--observation-end: {exc}") from exc
    _check_output(args.output)
    progress("loading data ...")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        base = _load(args)
    for warning in caught:
        if issubclass(warning.category, DataQualityWarning):
            print(f"clientalytics: warning: {warning.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    tables = ", ".join(
        f"{len(frame):,} {name.replace('_', ' ')}"
        for name, frame in ((n, getattr(base, n)) for n in base.row_counts.index)
        if len(frame)
    )
    print(f"clientalytics report: {tables}; observation end {base.observation_end.date()}")
    for table, source in base.sources.items():
        print(f"  read {table} from {source}")
    sections = write_report(base, args.output, progress=progress, lang=args.lang, title=args.title)
    for section in sections:
        for line in section.summary:
            print(f"  {section.title}: {line}")
    print(f"wrote {args.output} in {time.perf_counter() - started:.1f} s")
    return 0


def _message(exc: BaseException) -> str:
    text = str(exc)
    if ("date_format" in text or "dayfirst" in text) and "--date-format" not in text:
        text += f"\n  ({_DATE_HINT})"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 when the input data or an option cannot be used
        (or on an unexpected internal error); the reason is printed on standard
        error as ``clientalytics: error: ...``, never as a traceback.
    """
    args = _parser().parse_args(argv)
    try:
        return _inspect(args) if args.command == "inspect" else _report(args)
    except (ClientalyticsError, OSError) as exc:
        print(f"clientalytics: error: {_message(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last guard: no traceback reaches the user
        print(
            f"clientalytics: error: internal error ({type(exc).__name__}: {exc}); "
            "this is a bug in clientalytics, please report it with the command you ran",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
