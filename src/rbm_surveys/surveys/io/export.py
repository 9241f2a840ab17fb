"""``read_export``: any supported export → :class:`SurveyData` (see the package docstring).

Steps, each once per table: detect the kind by content → read raw tables (export headers,
raw cells) → map headers to names through the codebook → check the export against the form
(unknown/missing columns, version) → coerce and assemble → link repeats to their parents.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from rbm_surveys.errors import ExportMismatchError, UsageError
from rbm_surveys.provenance import Source, sha256_file
from rbm_surveys.surveys.data import SurveyData
from rbm_surveys.surveys.io.frames import RawTable, assemble
from rbm_surveys.surveys.io.headers import HEADER_MODES, HeaderMap, infer_targets
from rbm_surveys.surveys.io.sniff import sniff_kind
from rbm_surveys.surveys.io.xlsform import ISSUE_COLUMNS, Codebook, _finish_choices, _finish_fields, read_form

__all__ = ["read_export", "UNKNOWN_POLICIES"]

UNKNOWN_POLICIES = ("error", "keep", "drop")
_VERSION_COLUMNS = ("__version__", "_version_", "FormVersion", "_submission___version__",
                    "formdef_version")
_MAX_LISTED = 15
# Excel sheet names: ≤31 chars, no []*?:\/ (reference §1.5)
_SHEET_BAD = re.compile(r"[\[\]*?:\\/]")


def read_export(path: str | Path, form: str | Path | Codebook | None = None, *, header: str = "auto",
                language: str | None = None, group_sep: str | None = None, progress: bool = False,
                unknown: str = "error", check_version: bool = True,
                encoding: str | None = None) -> SurveyData:
    """Read a KoBo/ODK/SPSS/Stata export into a :class:`SurveyData`.

    Parameters
    ----------
    path: the export (kind detected from content, not the extension).
    form: the XLSForm (path or :class:`Codebook`); without it names and types are inferred.
    header: ``"auto"``, ``"xml"`` or ``"label"`` — how headers are matched to the form.
    language: restrict label matching to one form language.
    group_sep: a custom group separator used at export time (``/ . - :`` are always tried).
    progress: show a tqdm bar on stderr.
    unknown: columns not in the form: ``"error"`` (default, listed), ``"keep"`` (kept as
        text/numbers, with a warning) or ``"drop"`` (with a warning).
    check_version: compare ``__version__``/``FormVersion`` with the form's version.
    encoding: force a text encoding for CSVs (default: UTF-8, else detected with a warning).
    """
    path = Path(path)
    if header not in HEADER_MODES:
        raise UsageError(f"header={header!r} is not a header mode", key="header",
                         hint=f"use one of {', '.join(HEADER_MODES)}")
    if unknown not in UNKNOWN_POLICIES:
        raise UsageError(f"unknown={unknown!r} is not a policy", key="unknown",
                         hint=f"use one of {', '.join(UNKNOWN_POLICIES)}")
    file = str(path)
    kind = sniff_kind(path)
    # hash while parsing: hashlib releases the GIL, a 440 MB export costs ~1 s to hash
    hasher = ThreadPoolExecutor(max_workers=1)
    digest = hasher.submit(sha256_file, path)
    codebook = form if isinstance(form, Codebook) or form is None else read_form(form)
    from tqdm import tqdm

    with tqdm(total=3, disable=not progress, file=sys.stderr, desc=f"reading {path.name}",
              unit="step") as bar:
        warnings: list[str] = []
        file_codebook = None
        hmap = None
        if codebook is not None:
            hmap = HeaderMap(codebook, mode=header, language=language, group_sep=group_sep)
        numeric = _numeric_columns(hmap, file) if hmap is not None else None
        if kind in ("xlsx", "xls"):
            from rbm_surveys.surveys.io.kobo import read_xlsx

            raws = read_xlsx(path)
            source_kind, sep_hint = "kobo-xlsx", "/"
            _name_sheets(raws, codebook)
        elif kind == "csv":
            from rbm_surveys.surveys.io.kobo import read_csv

            raw, warn, sep = read_csv(path, encoding=encoding, numeric=numeric)
            raws = [raw]
            warnings += [warn] if warn else []
            central = "SubmissionDate" in raw.frame.columns or "KEY" in raw.frame.columns
            source_kind = "odk-csv" if central else ("kobo-csv" if sep == ";" else "kobo-csv-legacy")
            sep_hint = "-" if central else "/"
        elif kind == "zip-csv":
            from rbm_surveys.surveys.io.odk import read_central_zip

            raws, warns = read_central_zip(path, encoding=encoding, numeric=numeric)
            warnings += warns
            source_kind, sep_hint = "odk-zip", "-"
        else:  # sav / dta
            from rbm_surveys.surveys.io.stats_files import read_stats_file

            raw, file_codebook = read_stats_file(path, kind)
            raws, source_kind, sep_hint = [raw], kind, "."
        bar.update()
        if file_codebook is not None and codebook is None:
            codebook = file_codebook
        if codebook is None:
            codebook = _infer_codebook(raws, sep_hint)
        else:
            if hmap is None:  # the codebook came from the .sav/.dta itself
                hmap = HeaderMap(codebook, mode=header, language=language, group_sep=group_sep)
            for raw in raws:
                raw.targets, unk = hmap.resolve([str(c) for c in raw.frame.columns], file=file, sheet=raw.sheet)
                _unknown_columns(raw, unk, unknown, file, warnings)
            _required_present(raws, codebook, file)
        bar.update()

        tables: dict[str, pd.DataFrame] = {}
        metas: dict[str, pd.DataFrame] = {}
        issues: list[pd.DataFrame] = []
        for raw in raws:
            part = assemble(raw, codebook, table=raw.name, file=file)
            tables[raw.name], metas[raw.name] = part.table, part.meta
            issues += part.issues
            warnings += part.warnings
        if check_version:
            warnings += _check_version(metas, codebook, file)
        if source_kind == "odk-zip":
            from rbm_surveys.surveys.io.odk import link_by_keys

            link_by_keys(tables, metas, file=file, parents=codebook.repeats or None)
        else:
            _link_kobo(tables, metas, raws, file)
        bar.update()

    issue_df = pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(columns=list(ISSUE_COLUMNS))
    changes = {"issues": issue_df}
    if file_codebook is not None and file_codebook is not codebook:
        changes["missing_codes"] = file_codebook.missing_codes
    codebook = codebook.replace(**changes)
    sources = [Source(str(path), digest.result(), source_kind, f"header={header}")]
    hasher.shutdown()
    if codebook.source is not None:
        sources.append(codebook.source)
    return SurveyData(tables=tables, codebook=codebook, meta=metas, sources=tuple(sources),
                      warnings=tuple(dict.fromkeys(warnings)))


# -- steps ----------------------------------------------------------------------------------

def _numeric_columns(hmap: HeaderMap, file: str):
    """Callback for the CSV readers: which header cells are numbers (``"integer"`` for integer
    questions and ``_index``, ``"decimal"`` for the rest), so the reader parses them in C.
    (``_parent_index`` stays text: on a main table it is kept as bookkeeping text.)"""
    from rbm_surveys.surveys.io.frames import NUMERIC_TYPES

    types = dict(zip(hmap.codebook.fields["name"], hmap.codebook.fields["type"]))

    def numeric(columns: list[str]) -> dict[str, str]:
        try:
            targets, _ = hmap.resolve(columns, file=file)
        except Exception:  # noqa: BLE001 - reported properly by the full mapping later
            return {}
        out = {}
        for c, t in zip(columns, targets):
            if t is None:
                continue
            typ = types.get(t.field) if t.kind == "field" else None
            if t.kind == "index" or typ == "integer":
                out[c] = "integer"
            elif t.kind == "geo" or typ in NUMERIC_TYPES:
                out[c] = "decimal"
        return out
    return numeric


def _name_sheets(raws: list[RawTable], codebook: Codebook | None) -> None:
    """First sheet = main; the others are repeats named by the form (sheet names are cut
    to 31 characters and cleaned by the exporter)."""
    by_sheet: dict[str, str] = {}
    for rep in (codebook.repeats if codebook is not None else {}):
        by_sheet[_SHEET_BAD.sub("", rep)[:31]] = rep
    raws[0].name = "main"
    for raw in raws[1:]:
        raw.name = by_sheet.get(raw.sheet, raw.sheet)


def _unknown_columns(raw: RawTable, unk: list[str], policy: str, file: str, warnings: list[str]) -> None:
    if not unk:
        return
    listed = ", ".join(unk[:_MAX_LISTED]) + (f" … (+{len(unk) - _MAX_LISTED} more)" if len(unk) > _MAX_LISTED else "")
    if policy == "error":
        raise ExportMismatchError(f"{len(unk)} column(s) not in the form: {listed}", file=file,
                                  sheet=raw.sheet, hint="give the form version that produced this "
                                  "export, check header=/language=/group_sep=, or pass unknown='keep' or 'drop'")
    inferred = dict(zip(unk, infer_targets(unk)))
    raw.targets = [t if t is not None else (inferred[str(c)] if policy == "keep" else None)
                   for c, t in zip(raw.frame.columns, raw.targets)]
    warnings.append(f"{file}: {len(unk)} column(s) not in the form "
                    f"{'kept as they are' if policy == 'keep' else 'dropped'}: {listed}")


#: Question types that never hold an answer, so no export has a column for them (a note
#: marked ``required`` by its author is still a note; SurveyCTO's ``caption`` likewise).
NON_DATA_TYPES = ("note", "caption")


def _required_present(raws: list[RawTable], codebook: Codebook, file: str) -> None:
    """A required question of a table must have a column in that table's sheet/CSV
    (questions of the non-data types ``NON_DATA_TYPES`` never do)."""
    f = codebook.fields
    got = {raw.name: {t.field for t in raw.targets if t is not None and t.field} for raw in raws}
    for raw in raws:
        mine = f.loc[f["required"] & (f["repeat"].fillna("main") == raw.name)
                     & ~f["path"].str.startswith("meta/") & ~f["type"].isin(NON_DATA_TYPES),
                     "name"]
        missing = [n for n in mine if n not in got[raw.name]]
        if missing:
            raise ExportMismatchError(
                f"required question(s) missing from the export: {', '.join(missing[:_MAX_LISTED])}",
                file=file, sheet=raw.sheet, table=raw.name, column=missing[0],
                hint="export all questions (no field selection) with the form version that "
                     "produced the data")


def _check_version(metas: dict[str, pd.DataFrame], codebook: Codebook, file: str) -> list[str]:
    if codebook.version is None:
        return []
    main = metas.get("main", pd.DataFrame())
    col = next((c for c in _VERSION_COLUMNS if c in main), None)
    if col is None:
        return []
    seen = main[col].dropna().astype(str)
    if seen.empty:
        return []
    counts = seen.value_counts()
    if codebook.version not in counts.index and _kobo_uid(counts.index) and not _kobo_uid([codebook.version]):
        # KoBo's __version__ is a deployment uid (vXy…); a form whose settings hold a
        # human version string cannot be compared with it — say so instead of refusing
        return [f"{file}: cannot compare the export's {col} ({', '.join(counts.index[:3])}) with the "
                f"form's version {codebook.version!r} (KoBo deployment uids); check it is the right form"]
    if codebook.version not in counts.index:
        raise ExportMismatchError(
            f"the export's {col} ({', '.join(counts.index[:5])}) is not the form's version "
            f"{codebook.version!r}", file=file, column=col,
            hint="use the XLSForm of the version that collected the data, or pass check_version=False")
    others = counts.drop(codebook.version)
    if len(others):
        return [f"{file}: {int(others.sum())} submission(s) come from other form version(s) "
                f"({', '.join(others.index[:5])}) than {codebook.version!r}"]
    return []


_KOBO_UID = re.compile(r"^v[A-Za-z0-9]{16,}$")


def _kobo_uid(values) -> bool:
    return all(_KOBO_UID.match(str(v)) for v in values)


def _link_kobo(tables: dict[str, pd.DataFrame], metas: dict[str, pd.DataFrame], raws: list[RawTable],
               file: str) -> None:
    """KoBo repeat sheets: ``_parent_index`` (per export), else ``_submission__uuid`` → ``_uuid``."""
    sheet_to_table = {raw.sheet: raw.name for raw in raws if raw.sheet}
    for raw in raws[1:]:
        tbl, meta = tables[raw.name], metas[raw.name]
        if "_parent_table" in tbl:
            tbl["_parent_table"] = tbl["_parent_table"].replace(sheet_to_table).astype("string")
            tbl.loc[tbl["_parent_table"] == raws[0].sheet, "_parent_table"] = "main"
        if "_parent_index" in tbl:
            if "_parent_table" not in tbl:
                tbl.insert(2, "_parent_table", pd.Series("main", index=tbl.index, dtype="string"))
            continue
        main_meta = metas.get("main", pd.DataFrame())
        if "_submission__uuid" in meta and "_uuid" in main_meta:
            lookup = pd.Series(tables["main"]["_index"].to_numpy(), index=main_meta["_uuid"].to_numpy())
            lookup = lookup[~lookup.index.duplicated()]
            parent = meta["_submission__uuid"].map(lookup)
            if parent.isna().any():
                raise ExportMismatchError(f"{int(parent.isna().sum())} repeat row(s) whose "
                                          "_submission__uuid matches no submission", file=file,
                                          sheet=raw.sheet, column="_submission__uuid",
                                          hint="use the repeat sheets of the same export file")
            tbl.insert(1, "_parent_index", parent.astype("Int64"))
            tbl.insert(2, "_parent_table", pd.Series("main", index=tbl.index, dtype="string"))
            continue
        raise ExportMismatchError("repeat sheet has neither _parent_index nor _submission__uuid",
                                  file=file, sheet=raw.sheet, column="_parent_index",
                                  hint="export again from KoBo without a field selection")


def _infer_codebook(raws: list[RawTable], sep: str) -> Codebook:
    """No form: names from headers, select_multiple from ``q/choice`` columns, types later."""
    fields, choices, seen = [], [], set()
    for raw in raws:
        raw.targets = infer_targets([str(c) for c in raw.frame.columns], group_sep=sep)
        repeat = None if raw.name == "main" else raw.name
        details = {t.field for t in raw.targets if t.kind == "choice"}
        for t in raw.targets:
            if t.kind == "choice":
                choices.append({"list_name": t.field, "name": t.choice})
            if t.kind in ("field", "choice") and t.field not in seen:
                seen.add(t.field)
                typ = "select_multiple" if t.field in details else "unknown"
                fields.append({"name": t.field, "path": t.field, "group_path": "", "type": typ,
                               "list_name": t.field if typ == "select_multiple" else None,
                               "relevant": None, "repeat": repeat, "required": False, "or_other": False})
    ch = pd.DataFrame(choices, columns=["list_name", "name"]).drop_duplicates()
    return Codebook(fields=_finish_fields(pd.DataFrame(fields), ()), choices=_finish_choices(ch, ()),
                    warnings=("no form given: names and types inferred from the export",))

