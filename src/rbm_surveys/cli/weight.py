"""`rbm weight EXPORT --design design.yaml --margins margins/ --out weights.csv`.

Reads the export, applies the weighting chain of design.yaml (base weights, non-response,
rake/post-stratify/calibrate to the margins, trimming) and writes:

* ``OUT`` (CSV): one row per export row — ``row, responded, base_weight,
  nonresponse_weight, weight`` plus the export's id columns (``_index``/``_uuid``/``KEY``);
* ``OUT`` stem + ``_report.csv`` (step, measure, value), ``_margins.csv`` (achieved vs
  target), ``_report.md`` (readable report, warnings in bold).
"""

from __future__ import annotations

from pathlib import Path

ID_COLUMNS = ("_index", "_uuid", "KEY", "id")


def register(sub) -> None:
    p = sub.add_parser("weight", help="base weights, non-response, raking/calibration, trimming",
                       description="Apply design.yaml's weighting chain (base weights, "
                       "non-response, rake/post-stratify/calibrate to the margins, trimming) "
                       "and write OUT (weights per row), OUT_report.csv, OUT_margins.csv and "
                       "OUT_report.md. See docs/weighting.md.")
    p.add_argument("export", help="survey export (KoBo/ODK XLSX/CSV, SPSS, Stata) or a CSV")
    p.add_argument("--design", required=True, help="design.yaml (weights/probs, strata, ids, "
                   "fpc, nonresponse, method, trim)")
    p.add_argument("--margins", help="margins YAML/CSV file or folder (omit to skip "
                   "calibration)")
    p.add_argument("--out", required=True, help="CSV of weights to write")
    p.add_argument("--plain-csv", action="store_true",
                   help="read EXPORT as a plain CSV with pandas (no form matching)")
    p.set_defaults(func=run)


def _read(path: Path, plain: bool):
    import pandas as pd

    from rbm_surveys.errors import FileFormatError

    if not path.is_file():
        raise FileFormatError("export not found", file=str(path), hint="check the path")
    if not plain:
        try:
            from rbm_surveys.surveys.io import read_export
        except ImportError:  # ingestion not installed in this build: plain CSV below
            read_export = None
        if read_export is not None:
            data = read_export(path, unknown="keep")
            frame = data.main
            meta = data.meta.get("main") if getattr(data, "meta", None) else None
            if meta is not None and len(meta.columns):
                frame = frame.join(meta[[c for c in meta.columns if c in ID_COLUMNS
                                         and c not in frame.columns]])
            return frame
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"cannot read as CSV: {exc}", file=str(path),
                              hint="save the export as UTF-8 CSV") from None


def run(args) -> int:
    import pandas as pd

    from rbm_surveys.errors import UsageError
    from rbm_surveys.files import OutputSet, write_csv, write_text
    from rbm_surveys.surveys.weighting.pipeline import load_design_config, run_weighting

    export, out = Path(args.export), Path(args.out)
    inputs = {export.resolve(), Path(args.design).resolve()}
    if args.margins:
        inputs.add(Path(args.margins).resolve())
    stem = out.with_suffix("")
    outputs = [out, Path(f"{stem}_report.csv"), Path(f"{stem}_margins.csv"),
               Path(f"{stem}_report.md")]
    if any(o.resolve() in inputs for o in outputs):
        raise UsageError("an output would overwrite an input file", key="--out",
                         hint="choose another --out name")
    config = load_design_config(args.design)
    data = _read(export, args.plain_csv).reset_index(drop=True)
    result = run_weighting(data, config, args.margins, file=str(export))
    table = result.weights
    ids = [c for c in ID_COLUMNS if c in data.columns]
    if ids:
        table = pd.concat([data[ids].reset_index(drop=True), table], axis=1)
    summary = pd.concat([r.to_frame().assign(step=r.summary["step"]) for r in result.reports],
                        ignore_index=True) if result.reports else \
        pd.DataFrame(columns=["measure", "value", "step"])
    margins = pd.concat([r.margins.assign(step=r.summary["step"]) for r in result.reports],
                        ignore_index=True) if result.reports else pd.DataFrame()
    md = [f"# Weights for {export.name}", ""]
    warnings = tuple(getattr(result.design, "weighting_warnings", ()) or ())
    if warnings:
        md += ["**WARNINGS**", ""] + [f"- **{w}**" for w in warnings] + [""]
    if result.factors is not None:
        md += ["## Non-response adjustment factors", "",
               result.factors.to_string(index=False), ""]
    md += [r.to_markdown() for r in result.reports]
    # the four files are staged and swapped in together; every text cell (ids, category
    # values, step names) is formula-safe (rbm_surveys.files.write_csv)
    with OutputSet(out.parent) as staging:
        write_csv(table, staging / outputs[0].name)
        write_csv(summary[["step", "measure", "value"]], staging / outputs[1].name)
        write_csv(margins, staging / outputs[2].name)
        write_text(staging / outputs[3].name, "\n".join(md))
    n_resp = int(table["responded"].sum())
    print(f"rbm weight: {n_resp} respondents of {len(table)} rows weighted; "
          f"sum of weights {table['weight'].sum():.6g}; wrote {out}, {outputs[1].name}, "
          f"{outputs[2].name}, {outputs[3].name}")
    for w in warnings:
        print(f"rbm weight: WARNING: {w}")
    return 0
