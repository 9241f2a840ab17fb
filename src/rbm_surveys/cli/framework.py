"""`rbm framework`: the results framework's indicators, and progress against its targets."""

from __future__ import annotations

import sys

from rbm_surveys.cli._inputs import read_csv_input


def register(sub) -> None:
    p = sub.add_parser("framework", help="results framework: indicators, baselines, targets, progress")
    fsub = p.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    show = fsub.add_parser("show", help="list indicators with baselines and targets")
    show.add_argument("--framework", help="framework text (default: the shipped UN-Habitat 2020-2023)")
    show.add_argument("--search", help="only indicators whose text contains this")
    show.add_argument("--out", help="write the table as CSV here instead of printing it")
    show.set_defaults(func=run_show)
    prog = fsub.add_parser("progress", help="compare indicator values (CSV) with targets")
    prog.add_argument("values", help="CSV with framework_id, year, value [, location, se, source]")
    prog.add_argument("--local-targets", help="CSV of per-location baselines/targets")
    prog.add_argument("--out", help="write the progress table as CSV here")
    prog.set_defaults(func=run_progress)


def _emit(frame, out: str | None) -> None:
    from rbm_surveys.files import write_csv

    if out:
        write_csv(frame, out, lineterminator="\n")
        print(f"wrote {len(frame)} rows to {out}")
    else:
        frame.to_string(sys.stdout, index=False, max_colwidth=60)
        print()


def run_show(args) -> int:
    from rbm_surveys.framework import read_framework

    table = read_framework(args.framework)
    if args.search:
        table = table[table["indicator"].str.contains(args.search, regex=False)]
    cols = ["framework_id", "indicator", "subset", "scale", "baseline", "target_2020",
            "target_2021", "target_2022", "target_2023", "status"]
    _emit(table if args.out else table[cols], args.out)
    return 0


def run_progress(args) -> int:
    from rbm_surveys.errors import RbmError
    from rbm_surveys.framework import progress

    local = read_csv_input(args.local_targets) if args.local_targets else None
    try:
        table = progress(read_csv_input(args.values), local_targets=local)
    except RbmError as exc:
        raise exc.at(file=args.values) from None
    _emit(table, args.out)
    return 0
