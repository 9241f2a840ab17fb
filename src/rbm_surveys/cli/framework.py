"""`rbm framework`: the results framework's indicators, the register, progress and export."""

from __future__ import annotations

import sys

from rbm_surveys.cli._inputs import read_csv_input

_REGISTER_HELP = "the programme's register (default: rbm_register.sqlite here)"


def register(sub) -> None:
    p = sub.add_parser("framework", help="results framework: indicators, register, progress, "
                                         "export")
    fsub = p.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    show = fsub.add_parser("show", help="list indicators with baselines and targets")
    show.add_argument("--framework", help="framework text (default: the shipped UN-Habitat "
                                          "2020-2023)")
    show.add_argument("--search", help="only indicators whose Chinese or English title, id or "
                                       "subset contains this (case-insensitive)")
    show.add_argument("--out", help="write the full table as CSV here instead of printing it")
    show.set_defaults(func=run_show)
    comp = fsub.add_parser("compute", help="survey results + reviewed verdicts -> register")
    comp.add_argument("config", help="YAML config (programme, partners, surveys, documents)")
    comp.add_argument("--register", help="register file (default: the config's register: or "
                                         "rbm_register.sqlite beside the config)")
    comp.set_defaults(func=run_compute)
    prog = fsub.add_parser("progress", help="progress against the path to the 2023 targets")
    prog.add_argument("values", nargs="?", help="CSV of values (framework_id, year, value [, "
                                                "subset, location, se]); default: the register")
    prog.add_argument("--register", help=_REGISTER_HELP)
    prog.add_argument("--local-targets", help="CSV of per-location baselines/targets")
    prog.add_argument("--view", choices=["table", "rollup", "bottlenecks"], default="table",
                      help="the full table, the roll-up by area/outcome, or off-track "
                           "indicators by outcome")
    prog.add_argument("--out", help="write the table as CSV here")
    prog.set_defaults(func=run_progress)
    exp = fsub.add_parser("export", help="Excel workbook, SDMX-CSV and long CSV from the register")
    exp.add_argument("--register", help=_REGISTER_HELP)
    exp.add_argument("--out", default="framework_export", help="output folder")
    exp.set_defaults(func=run_export)


def _emit(frame, out: str | None) -> None:
    from rbm_surveys.files import write_csv

    if out:
        write_csv(frame, out)
        print(f"wrote {len(frame)} rows to {out}")
    else:
        frame.to_string(sys.stdout, index=False, max_colwidth=60)
        print()


def run_show(args) -> int:
    from rbm_surveys.framework import read_framework

    table = read_framework(args.framework)
    if args.search:
        needle = args.search.casefold()
        hay = (table["framework_id"] + " " + table["indicator"] + " " + table["title_en"] + " "
               + table["subset"] + " " + table["subset_en"]).str.casefold()
        table = table[hay.str.contains(needle, regex=False)]
        if table.empty:
            print(f"no indicator matches {args.search!r}", file=sys.stderr)
            return 1
    cols = ["framework_id", "title_en", "indicator", "subset", "scale", "baseline",
            "target_2020", "target_2021", "target_2022", "target_2023", "status"]
    _emit(table if args.out else table[cols], args.out)
    return 0


def run_compute(args) -> int:
    from rbm_surveys.framework.compute import compute, load_compute_config

    cfg, base = load_compute_config(args.config)
    s = compute(cfg, base, args.register)
    print(f"register {s.register_path}: {s.survey_values} survey value(s), {s.other_values} other "
          f"value(s), {s.documents_counted} document(s) counted, "
          f"{s.partners_meeting_rules} partner(s) meeting a rule")
    if s.excluded:
        print(f"not counted ({len(s.excluded)}): " + "; ".join(s.excluded[:10]))
    for note in s.notes:
        print(f"note: {note}")
    return 0


def _register_path(args) -> str:
    from rbm_surveys.register import DEFAULT_REGISTER

    return args.register or DEFAULT_REGISTER


def run_progress(args) -> int:
    from rbm_surveys.errors import RbmError
    from rbm_surveys.framework import bottlenecks, progress, rollup

    if args.values:
        local = read_csv_input(args.local_targets) if args.local_targets else None
        try:
            table = progress(read_csv_input(args.values), local_targets=local)
        except RbmError as exc:
            raise exc.at(file=args.values) from None
    else:
        from rbm_surveys.framework.compute import register_progress
        from rbm_surveys.register import Register

        with Register.open(_register_path(args), create=False) as reg:
            table = register_progress(reg)
    if args.view == "rollup":
        table = rollup(table)
    elif args.view == "bottlenecks":
        table = bottlenecks(table)
    _emit(table, args.out)
    return 0


def run_export(args) -> int:
    from rbm_surveys.framework.export import export
    from rbm_surveys.register import Register

    with Register.open(_register_path(args), create=False) as reg:
        paths = export(reg, args.out)
    for kind, path in paths.items():
        print(f"{kind:<5} {path}")
    return 0
