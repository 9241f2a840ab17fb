"""`rbm inspect EXPORT`: what is in a survey export, and what cleaning would do to it.

Reads the export (with its XLSForm when given), runs the default cleaning pipeline and
withholds personal columns, then prints: tables (rows, columns, matched to the form,
unmatched), the cleaning log, declared missing values by reason, duplicates, excluded
submissions and the personal columns withheld. Nothing is written unless --issues names a
file; the export and the form are only read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

EPILOG = """examples:
  rbm inspect "survey - latest version - False - 2024-05-01.xlsx" --form survey.xlsx
  rbm inspect submissions.csv.zip --form form.xlsx --missing-codes dnk=dont_know 98=dont_know
  rbm inspect data.sav --show-personal --issues issues.csv
"""


def register(sub) -> None:
    p = sub.add_parser("inspect", help="summarise a survey export and what cleaning does to it",
                       description=__doc__.split("\n\n", 1)[1],
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("export", metavar="EXPORT",
                   help="KoBo XLSX/CSV, ODK Central CSV/zip, SPSS .sav or Stata .dta")
    p.add_argument("--form", metavar="FORM", help="the XLSForm the data was collected with")
    p.add_argument("--header", choices=("auto", "xml", "label"), default="auto",
                   help="export headers are XML names, labels, or either (default: auto)")
    p.add_argument("--lang", metavar="L", help="form language of label headers")
    p.add_argument("--group-sep", metavar="S", help="group separator chosen at export time")
    p.add_argument("--missing-codes", metavar="CODE=REASON", nargs="+",
                   help="declared missing codes, replacing the defaults "
                        "(e.g. dnk=dont_know pnta=refused 98=dont_know)")
    p.add_argument("--unknown", choices=("error", "keep", "drop"), default="error",
                   help="export columns the form does not have: error (default, as the "
                        "library), keep or drop (with a warning)")
    p.add_argument("--config", metavar="YAML",
                   help="cleaning/privacy settings (keys 'cleaning' and 'privacy')")
    p.add_argument("--show-personal", action="store_true",
                   help="do not withhold personal columns (names, phones, GPS …)")
    p.add_argument("--issues", metavar="CSV", help="write every row/cell issue found to this CSV")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def _parse_codes(items: list[str]) -> dict[str, str]:
    from rbm_surveys.errors import UsageError

    codes = {}
    for item in items:
        code, sep, reason = item.partition("=")
        if not sep or not code.strip() or not reason.strip():
            raise UsageError(f"--missing-codes item {item!r} is not CODE=REASON",
                             hint="e.g. --missing-codes dnk=dont_know 99=refused",
                             key="--missing-codes")
        codes[code.strip()] = reason.strip()
    return codes


def _load_config(path: str | None) -> dict:
    """The --config YAML (:class:`rbm_surveys.config.InspectConfig`) as a plain dict."""
    if path is None:
        return {}
    from rbm_surveys.config import InspectConfig, read_yaml, validate

    doc, where = read_yaml(path, what="inspect configuration")
    model = validate(InspectConfig, doc or {}, where, what="inspect configuration")
    return model.model_dump()


def _section(title: str) -> None:
    print(f"\n{title}\n" + "-" * len(title))


def _table(frame, empty: str = "(none)") -> None:
    print(frame.to_string(index=False) if len(frame) else empty)


def run(args) -> int:
    import pandas as pd

    from rbm_surveys.errors import ConfigError, UsageError
    from rbm_surveys.surveys import clean, privacy
    from rbm_surveys.surveys.io import read_export

    config = _load_config(args.config)
    cleaning_cfg = dict(config.get("cleaning") or {})
    privacy_cfg = dict(config.get("privacy") or {})
    if args.missing_codes:
        missing = cleaning_cfg.get("missing")
        missing = dict(missing) if isinstance(missing, dict) else {}
        missing["codes"] = _parse_codes(args.missing_codes)
        cleaning_cfg["missing"] = missing
    if args.issues and args.issues in (args.export, args.form):
        raise UsageError("--issues would overwrite an input file", key="--issues",
                         hint="give a new file name for the issues CSV")
    if args.issues and Path(args.issues).is_dir():
        raise UsageError(f"--issues names a folder ({args.issues}), not a file", key="--issues",
                         hint=f"give a file name, e.g. {Path(args.issues) / 'issues.csv'}")

    data = read_export(args.export, form=args.form, header=args.header, language=args.lang,
                       group_sep=args.group_sep, progress=not args.no_progress,
                       unknown=args.unknown)
    try:
        cleaned, log = clean.run_cleaning(data, cleaning_cfg)
    except ConfigError as exc:
        raise exc.at(file=args.config) from None

    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 90)
    src = data.sources[0] if data.sources else None
    where = f"  ({src.kind}, sha256 {src.sha256[:12]}…)" if src else ""
    print(f"export  {args.export}{where}")
    cb = data.codebook
    if args.form:
        print(f"form    {args.form}  ({cb.title or '?'}, version {cb.version or '-'}, "
              f"{len(cb.fields)} questions)")
    else:
        print("form    none: names and types inferred from the export")

    found = privacy.find_personal(cleaned, extra=privacy_cfg.get("personal_columns", ()))
    keep = set(privacy_cfg.get("keep", ()))
    withheld = found[~found["column"].isin(keep)]
    hide = set() if args.show_personal else set(withheld["column"])

    _section("Tables")
    summary, unmatched = _match_summary(data, hide, matched_form=bool(args.form))
    _table(summary)
    for table, cols in unmatched.items():
        print(f"unmatched columns in {table}: {', '.join(cols)}")
    if args.form:
        absent = _absent_fields(data)
        if absent:
            print(f"form questions without a column: {', '.join(absent[:20])}"
                  + (f" … (+{len(absent) - 20})" if len(absent) > 20 else ""))

    _section("Cleaning")
    _table(log)
    entries = {e.step: e for e in cleaned.log}

    _section("Declared missing values by reason")
    miss = entries.get("declare_missing")
    if miss and miss.counts.get("by_column"):
        by_col = pd.DataFrame([{"column": c, "reason": r, "n": n}
                               for c, d in miss.counts["by_column"].items() for r, n in d.items()
                               if c not in hide])
        totals = pd.DataFrame(sorted(miss.counts["by_reason"].items()), columns=["reason", "n"])
        _table(totals)
        if len(by_col):
            print()
            _table(by_col.pivot_table(index="column", columns="reason", values="n",
                                      aggfunc="sum", fill_value=0).reset_index())
    else:
        print("(none)")

    issues = clean.cleaning_issues(cleaned)
    if not args.show_personal:
        issues = _withhold_values(issues, hide)
    _section("Duplicates")
    dup = entries.get("drop_duplicates")
    print(dup.detail if dup else "not checked")
    _table(issues.loc[issues["step"] == "drop_duplicates", ["row", "column", "value", "issue"]],
           empty="")

    _section("Excluded submissions")
    st = entries.get("exclude_status")
    print(st.detail if st else "not checked")
    _table(issues.loc[issues["step"] == "exclude_status", ["row", "column", "value", "issue"]],
           empty="")

    _section("Cells that could not be read as their type")
    bad = issues.loc[issues["step"].isin(["coerce_types", "read_export",
                                          "expand_select_multiple"])]
    bad = bad.loc[~bad["column"].isin(hide)]
    _table(bad[["table", "row", "column", "value", "issue"]].head(50))
    if len(bad) > 50:
        print(f"… {len(bad) - 50} more (use --issues FILE.csv for all)")

    _section("Personal columns " + ("shown (--show-personal)" if args.show_personal
                                    else "withheld"))
    _table(withheld.rename(columns={"reason": "found_by"}))
    if keep:
        print(f"kept on request (privacy.keep): {', '.join(sorted(keep))}")

    if cleaned.warnings or getattr(cb, "warnings", ()):
        _section("Warnings")
        for w in (*getattr(cb, "warnings", ()), *cleaned.warnings):
            print(f"- {w if args.show_personal else privacy.mask_personal_text(str(w))}")

    if args.issues:
        from rbm_surveys.files import write_csv

        write_csv(issues, args.issues)  # atomic, every cell formula-safe
        print(f"\n{len(issues)} issue(s) written to {args.issues}")
    return 0


def _withhold_values(issues, hide: set[str]):
    """Issue rows with personal cell values withheld: every value of a personal column, and
    any value that looks personal by its content (a phone number in a shifted row)."""
    from rbm_surveys.surveys.privacy import mask_personal_values

    if not len(issues) or "value" not in issues.columns:
        return issues
    out = issues.copy()
    values = out["value"].astype(object)
    values = values.where(~out["column"].isin(hide), "\u2039withheld: personal column\u203a")
    out["value"] = mask_personal_values(values)
    return out


def _match_summary(data, hide: set[str], matched_form: bool):
    """Per table: rows, columns, columns matched to the form and unmatched ones."""
    import pandas as pd

    cb = data.codebook
    fields = set(cb.fields["name"]) if cb is not None and len(cb.fields) else set()
    geo = set(cb.fields.loc[cb.fields["type"].isin(["geopoint"]), "name"]) if fields else set()
    structural = {"_index", "_parent_index", "_parent_table"}
    rows, unmatched = [], {}
    for name, df in data.tables.items():
        cols = [c for c in df.columns if c not in structural and c not in hide]

        def known(c: str) -> bool:
            base = c.rsplit("/", 1)[0] if "/" in c else c
            return (c in fields or base in fields
                    or any(c in (f"_{g}_latitude", f"_{g}_longitude", f"_{g}_altitude",
                                 f"_{g}_precision") for g in geo))

        miss = [c for c in cols if not known(c)] if matched_form else []
        if miss:
            unmatched[name] = miss
        rows.append({"table": name, "rows": len(df), "columns": len(cols),
                     "matched": len(cols) - len(miss) if matched_form else pd.NA,
                     "unmatched": len(miss) if matched_form else pd.NA,
                     "meta columns": len(data.meta.get(name, pd.DataFrame()).columns)})
    return pd.DataFrame(rows), unmatched


def _absent_fields(data) -> list[str]:
    cb = data.codebook
    present = set()
    for df in data.tables.values():
        present.update(c.rsplit("/", 1)[0] if "/" in c else c for c in df.columns)
        present.update(df.columns)
    for df in data.meta.values():
        present.update(df.columns)
    f = cb.fields
    skip = f["type"].isin(["note", "begin_group", "end_group"]) | f["path"].str.startswith("meta/")
    return [n for n in f.loc[~skip, "name"] if n not in present]
