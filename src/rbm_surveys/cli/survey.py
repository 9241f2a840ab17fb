"""`rbm survey run CONFIG.yaml`: indicators from your own exports (see docs/indicators.md)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("survey", help="perception-survey indicators from your own exports")
    ssub = p.add_subparsers(dest="survey_command", metavar="ACTION")
    r = ssub.add_parser("run", help="ingest, clean, weight, estimate and write the workbook")
    r.add_argument("config", help="run configuration (YAML): modules, design, margins, output")
    r.add_argument("--out", default=None, help="output folder (overrides 'output' in the config)")
    r.set_defaults(func=run)
    p.set_defaults(func=_help(p))


def _help(parser):
    def show(args) -> int:
        parser.print_help()
        return 2

    return show


def run(args) -> int:
    from pathlib import Path

    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey

    cfg = load_config(args.config)
    if args.out:
        cfg["output"] = Path(args.out)
    result = run_survey(cfg)
    res = result.results
    n_supp = int(res["suppressed"].sum())
    n_flag = int((res["flag"].astype(str) != "").sum()) - n_supp
    print(f"rbm survey: {res['indicator'].nunique()} indicators, {len(res)} estimates "
          f"({n_supp} suppressed, {n_flag} flagged)")
    print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items() if ":" not in k))
    notes = result.notes_frame()
    if len(notes):
        print("data notes (also in the workbook's 'Data notes' sheet and data_notes.csv):")
        for module, block in notes.groupby("module", sort=False):
            for note in block["note"]:
                print(f"  {module}: {note}")
    unknown = res[res["level"].astype(str).str.startswith("unknown")
                  & (res["disaggregation"] != "all")]
    if len(unknown):
        counts = unknown.drop_duplicates(["module", "disaggregation", "unit"])
        print("  don't know/refused/missing in a disaggregation kept as level 'unknown': "
              + ", ".join(f"{r.module}.{r.disaggregation}"
                          for r in counts.itertuples(index=False)))
    print(f"  workbook    {result.outputs['xlsx']}")
    print(f"  tidy CSV    {result.outputs['csv']}")
    print(f"  data notes  {result.outputs['notes']}")
    return 0
