"""One raw export table (original headers, raw cells) → a typed SurveyData table + its meta.

Coercion follows the codebook type; a cell that does not fit becomes ``<NA>`` and is *reported*
(table, row, column, value, problem) — never silently lost. select_multiple is assembled to
the contract: summary ``q`` + ``q/choice`` Int8, ``<NA>`` across the row when unanswered
(KoBo leaves details blank then; Central writes 0, so the summary decides, reference §7.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rbm_surveys.surveys.io.headers import Target

__all__ = ["RawTable", "assemble", "NUMERIC_TYPES", "DATE_TYPES", "DATETIME_TYPES"]

NUMERIC_TYPES = frozenset({"integer", "decimal", "range"})
DATE_TYPES = frozenset({"date", "today"})
DATETIME_TYPES = frozenset({"datetime", "start", "end", "dateTime"})
_INFER_TYPES = frozenset({"calculate", "unknown", "hidden"})  # numeric if every value is
_META_TIMES = ("_submission_time", "SubmissionDate")
_CSV_TEXT = pd.StringDtype("pyarrow")  # what kobo.read_csv gives text columns
_BOOL01 = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}


@dataclass
class RawTable:
    """A sheet/CSV as read: ``frame`` keeps the export's headers; ``header_rows`` counts the
    lines above the first record (header + HXL row) so issues give spreadsheet row numbers."""

    name: str
    frame: pd.DataFrame
    header_rows: int = 1
    sheet: str | None = None
    targets: list[Target] = field(default_factory=list)


@dataclass
class Assembled:
    table: pd.DataFrame
    meta: pd.DataFrame
    issues: list[pd.DataFrame]
    warnings: list[str]


def assemble(raw: RawTable, codebook, *, table: str, file: str) -> Assembled:
    frame, targets = raw.frame, raw.targets
    n = len(frame)
    fields = _table_fields(codebook.fields, table)
    warnings: list[str] = []
    issues: list[pd.DataFrame] = []
    rows = pd.RangeIndex(n) + raw.header_rows + 1  # spreadsheet row of each record

    def report(col: str, bad: pd.Series, values: pd.Series, problem: str) -> None:
        if bad.any():
            issues.append(pd.DataFrame({
                "table": table, "row": rows[bad.to_numpy()], "column": col,
                "value": values[bad].astype(str).to_numpy(), "problem": problem}))
            warnings.append(f"{file}: table {table}, column {col}: {int(bad.sum())} value(s) "
                            f"could not be read as {problem.split(' ')[-1]} (set to NA, listed "
                            f"in codebook.issues)")

    meta: dict[str, pd.Series] = {}
    out: dict[str, pd.Series] = {}
    sm_summary: dict[str, pd.Series] = {}
    sm_details: dict[str, dict[str, pd.Series]] = {}
    order: list[str] = []  # output order of field names
    seen: set[str] = set()
    for pos, t in enumerate(targets):
        if t is None:
            continue
        if t.name in seen:
            warnings.append(f"{file}: table {table}: column {frame.columns[pos]!r} repeats "
                            f"{t.name!r}; the first one is kept")
            continue
        seen.add(t.name)
        s = frame.iloc[:, pos].reset_index(drop=True)
        if t.kind == "meta" or (table == "main" and t.kind in ("parent_index", "parent_table")):
            # legacy KoBo writes _parent_index = -1 on main rows: bookkeeping, not a link
            meta[t.name] = _meta_column(t.name, s)
        elif t.kind in ("index", "parent_index"):
            num = pd.to_numeric(_blank_to_na(s), errors="coerce")
            num = num.where(_int_safe(num))  # 1e300 or inf is no row number
            report(t.name, num.isna() & _present(s), s, "not an integer")
            out[t.name] = num.round().astype("Int64")
        elif t.kind == "parent_table":
            out[t.name] = _text(s)
        elif t.kind == "choice":
            if t.field not in sm_details:
                sm_details[t.field] = {}
                if t.field not in order:
                    order.append(t.field)
            val = _text(s).str.strip().str.lower().map(_BOOL01).astype("Int8")
            report(t.name, val.isna() & _present(s), s, "not a 0/1 selection")
            sm_details[t.field][t.choice] = val
        elif t.kind == "geo":
            num = pd.to_numeric(_blank_to_na(s), errors="coerce").astype("Float64")
            report(t.name, num.isna() & _present(s), s, "not a number")
            out[t.name] = num
            order.append(t.name)
        else:  # field
            known = fields is not None and t.field in fields.index
            typ = fields.at[t.field, "type"] if known else "unknown"
            list_name = fields.at[t.field, "list_name"] if known else None
            if typ == "select_multiple":
                sm_summary[t.field] = _text(s)
                if t.field not in order:
                    order.append(t.field)
                continue
            out[t.name] = _coerce(s, typ, t.name, report, codebook, list_name, warnings,
                                  f"{file}: table {table}, column {t.name}")
            order.append(t.name)

    for q in [o for o in order if o in sm_summary or o in sm_details]:
        out.update(_select_multiple(q, sm_summary.get(q), sm_details.get(q, {}), codebook, n, warnings,
                                    f"{file}: table {table}"))

    cols: dict[str, pd.Series] = {}
    cols["_index"] = out.pop("_index", None)
    if cols["_index"] is None:
        cols["_index"] = pd.Series(np.arange(1, n + 1), dtype="Int64")
    for k in ("_parent_index", "_parent_table"):
        if k in out:
            cols[k] = out.pop(k)
    for q in order:
        if q in sm_summary or q in sm_details:
            cols[q] = out.pop(q)
            for name in [k for k in out if k.startswith(q + "/")]:
                cols[name] = out.pop(name)
        elif q in out:
            cols[q] = out.pop(q)
    cols.update(out)
    # the columns are fresh Series already: no second copy of the whole table
    tbl = pd.DataFrame(cols, index=pd.RangeIndex(n), copy=False)
    meta_df = pd.DataFrame(meta, index=pd.RangeIndex(n), copy=False)
    return Assembled(tbl, meta_df, issues, warnings)


# -- helpers --------------------------------------------------------------------------------

def _table_fields(fields: pd.DataFrame, table: str) -> pd.DataFrame | None:
    """Fields by name as seen from ``table``: a name used both in the main sheet and in a
    repeat (allowed in XLSForm) resolves to the question of this table."""
    if not len(fields):
        return None
    if "repeat" in fields:
        mine = (fields["repeat"].fillna("main") == table).to_numpy()
        fields = pd.concat([fields[mine], fields[~mine]])
    return fields.drop_duplicates("name").set_index("name", drop=False)


def _blank_to_na(s: pd.Series, from_csv: bool | None = None) -> pd.Series:
    """Text with blank cells as <NA>. The CSV readers already null empty cells (their
    ``string[pyarrow]`` output), so only whitespace-only cells are looked for there."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        if from_csv is None:
            from_csv = s.dtype == _CSV_TEXT
        t = s if s.dtype == _CSV_TEXT else s.astype("string")
        blank = t.str.isspace().fillna(False)
        if not from_csv:
            blank |= (t == "").fillna(False)
        return t.mask(blank) if blank.any() else t
    return s


def _present(s: pd.Series) -> pd.Series:
    return _blank_to_na(s).notna().to_numpy()


#: floats hold every integer exactly up to 2**53; beyond (1e300, inf) a value is not cast
_INT_SAFE = float(2 ** 53)


def _int_safe(num: pd.Series) -> pd.Series:
    """True where a number can become an integer without overflow or loss."""
    return num.abs() < _INT_SAFE


def _text(s: pd.Series) -> pd.Series:
    """Cells as text; spreadsheet numbers 3.0 → "3" (a choice name or code, not a float)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("string")
    if pd.api.types.is_numeric_dtype(s.dtype):
        f = s.astype("Float64")
        whole = ((f.round() == f) & _int_safe(f)).fillna(False)
        if bool(whole.all()) or f.isna().all():
            return f.round().astype("Int64").astype("string")
        txt = f.astype("string")
        txt[whole] = f[whole].round().astype("Int64").astype("string")
        return txt
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.dt.strftime("%Y-%m-%dT%H:%M:%S").astype("string")
    if s.dtype == object:
        kinds = s.map(type)  # spreadsheets mix numbers and text in one column
        floats = (kinds == float).to_numpy()  # noqa: E721 - element-wise, a Series
        out = s.astype("string")
        if floats.any():
            out[floats] = _text(s[floats].astype(float))
        ints = (kinds == int).to_numpy()  # noqa: E721 - element-wise, a Series
        if ints.any():
            out[ints] = s[ints].map(str).astype("string")  # any size: no int64 cast
        return _blank_to_na(out, from_csv=False)
    return _blank_to_na(s)


def _meta_column(name: str, s: pd.Series) -> pd.Series:
    if name in _META_TIMES:
        txt = _text(s)
        t = _iso_arrow(txt, True)
        if t is not None:
            return t
        t = pd.to_datetime(txt, errors="coerce", utc=True, format="ISO8601")
        if t.notna().sum() == _blank_to_na(s).notna().sum():
            return t
    if name in ("_id",) and pd.api.types.is_numeric_dtype(s.dtype):
        f = s.astype("Float64")
        if bool(((f.round() == f) & _int_safe(f)).fillna(True).all()):
            return f.round().astype("Int64")
    return _text(s)


def _to_datetime(txt: pd.Series, utc: bool, fmt: str, warnings: list, where: str) -> pd.Series:
    """``pd.to_datetime`` that accepts a column mixing time zones (offsets on some rows, none
    or others on the rest): those are converted to UTC (naive) and a warning says so."""
    import warnings as _w

    try:
        with _w.catch_warnings():
            _w.simplefilter("ignore", UserWarning)
            t = pd.to_datetime(txt, errors="coerce", utc=utc, format=fmt)
        if pd.api.types.is_datetime64_any_dtype(t.dtype):
            return t
    except (ValueError, TypeError, OverflowError):
        pass
    t = pd.to_datetime(txt, errors="coerce", utc=True, format=fmt)
    note = (f"{where}: values mix time zones; converted to UTC")
    if note not in warnings:
        warnings.append(note)
    return t if utc else t.dt.tz_localize(None)


def _iso_arrow(txt: pd.Series, utc: bool) -> pd.Series | None:
    """ISO 8601 text → ``datetime64[us(, UTC)]`` with Arrow's C parser, or None when any cell
    needs pandas (mixed offsets/naive, nanoseconds, other formats): the caller then parses
    with ``pd.to_datetime(format="ISO8601")``, which gives the same values for what Arrow
    accepts (tests/test_io_speed.py checks this on generated timestamps)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if txt.dtype != _CSV_TEXT or not txt.notna().any():
        return None
    arr = txt.array.__arrow_array__()  # the Arrow data behind string[pyarrow], no copy
    # Arrow also reads a bare date-time with a space and "2024-05-01T10" — pandas' ISO8601
    # reader too; anything odd (offset on some rows, 9 decimals, locale formats) raises here
    kinds = [pa.timestamp("us", tz="UTC")] if utc else []
    kinds.append(pa.timestamp("us"))
    for kind in kinds:
        try:
            out = pc.cast(arr, kind)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        res = pd.Series(out.to_pandas(), index=txt.index)
        if utc and res.dt.tz is None:
            res = res.dt.tz_localize("UTC")
        return res
    return None


def _coerce(s: pd.Series, typ: str, col: str, report, codebook, list_name, warnings, where) -> pd.Series:
    if typ in NUMERIC_TYPES:
        if typ == "integer" and s.dtype == "Int64":
            return s  # whole numbers parsed and cast by the CSV reader
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            num = s  # parsed as numbers by the reader: nothing to report
        else:
            txt = _blank_to_na(s)
            num = pd.to_numeric(txt, errors="coerce")
            report(col, pd.Series(num.isna().to_numpy() & txt.notna().to_numpy()), s, "not a number")
        num = num.astype("Float64")
        if typ == "integer":
            whole = ((num.round() == num) & _int_safe(num)).fillna(True)
            if bool(whole.all()):
                return num.astype("Int64")
            warnings.append(f"{where}: {int((~whole).sum())} non-whole value(s) in an integer "
                            "question kept as decimals")
        return num
    if typ in DATE_TYPES or typ in DATETIME_TYPES:
        utc = typ in DATETIME_TYPES
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            t = s.dt.tz_localize("UTC") if utc and s.dt.tz is None else s
        else:
            txt = _text(s)
            t = _iso_arrow(txt, utc)
            if t is not None:  # every cell parsed in C: nothing to report
                t = t if utc else t.dt.tz_localize(None) if t.dt.tz is not None else t
                return t.dt.normalize() if typ in DATE_TYPES and t.notna().any() else t
            t = _to_datetime(txt, utc, "ISO8601", warnings, where)
            if (t.isna() & txt.notna()).any():  # locale or mixed formats (Briefcase, Excel)
                t2 = _to_datetime(txt, utc, "mixed", warnings, where)
                if t2.dt.tz is not None and t.dt.tz is None:
                    t2 = t2.dt.tz_convert("UTC").dt.tz_localize(None)
                t = t.fillna(t2)
            report(col, pd.Series(t.isna().to_numpy() & _present(s)), s, "not a date")
        if not utc:
            t = t.dt.tz_localize(None) if t.dt.tz is not None else t
            t = t.dt.normalize() if typ in DATE_TYPES and t.notna().any() else t
        return t
    if typ == "select_one" and list_name:
        names = codebook.choice_names(list_name)
        if s.dtype == _CSV_TEXT and len(names) and all(isinstance(n, str) and n.strip() for n in names):
            # CSV text: one membership pass counted in Arrow; when every answer is a choice
            # name the column is already what _text would give (no blank is a choice name)
            import pyarrow as pa
            import pyarrow.compute as pc

            arr = s.array.__arrow_array__()
            hits = pc.sum(pc.is_in(arr, value_set=pa.array(list(names), type=arr.type))).as_py() or 0
            if hits == len(arr) - arr.null_count:
                return s.reset_index(drop=True)
        txt = _text(s)
        unknown = txt.notna() & ~txt.isin(names)
        if unknown.any():  # label cells (label export) → names, any language
            lab = _label_to_name(codebook, list_name)
            mapped = txt[unknown].str.strip().str.casefold().map(lab)
            txt = txt.copy()
            txt[unknown & mapped.reindex(txt.index).notna()] = mapped.dropna()
            still = txt.notna() & ~txt.isin(names)
            if still.any():
                vals = ", ".join(map(repr, txt[still].unique()[:5]))
                warnings.append(f"{where}: {int(still.sum())} value(s) not in choice list "
                                f"{list_name!r} (kept): {vals}")
        return txt
    if typ in _INFER_TYPES:
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("Float64") if s.dtype.kind == "f" else s.astype("Int64")
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            return s
        txt = _text(s)
        if txt.notna().any():
            num = pd.to_numeric(txt, errors="coerce")
            if num.notna().sum() == txt.notna().sum():
                return num.astype("Float64")
        return txt
    return _text(s)


def _label_to_name(codebook, list_name: str) -> dict[str, str]:
    rows = codebook.choices.loc[codebook.choices["list_name"] == list_name]
    out: dict[str, str] = {}
    for col in [c for c in rows.columns if c.startswith("label::")]:
        for name, label in zip(rows["name"], rows[col]):
            if label is not None and not pd.isna(label):
                out.setdefault(" ".join(str(label).split()).casefold(), name)
    return out


def _select_multiple(q: str, summary: pd.Series | None, details: dict[str, pd.Series], codebook,
                     n: int, warnings: list[str], where: str) -> dict[str, pd.Series]:
    ln = codebook.fields.loc[codebook.fields["name"] == q, "list_name"]
    listed = codebook.choice_names(ln.iloc[0]) if len(ln) and ln.iloc[0] else []
    choices = list(dict.fromkeys([*listed, *details]))
    if details:
        det = pd.DataFrame(details, index=pd.RangeIndex(n))
        # without a summary, an all-0 row is Central's default for "unanswered": an answered
        # select_multiple has at least one choice
        answered = summary.notna() if summary is not None else (det == 1).fillna(False).any(axis=1)
        det = det.reindex(columns=choices)
        det = det.fillna(0).astype("Int8")
        det.loc[~answered.to_numpy(), :] = pd.NA
        if summary is None or not _names_only(summary, choices):
            # rebuild the summary from details (label exports write labels in the summary)
            chosen = det.fillna(0).to_numpy(dtype=bool)
            joined = pd.Series(np.full(n, "", dtype=object), dtype="string")
            for j, c in enumerate(choices):  # one vectorised step per choice, not per row
                joined = joined + pd.Series(np.where(chosen[:, j], c + " ", ""), dtype="string")
            joined = joined.str.strip()
            summary = joined.mask(~answered.to_numpy())
    elif summary is not None:
        tokens = split_choices(summary)
        extra = [c for c in tokens.columns if c not in choices]
        if extra:
            warnings.append(f"{where}, column {q}: choices not in the form kept: {', '.join(extra[:10])}")
            choices += extra
        det = tokens.reindex(columns=choices, fill_value=0).astype("Int8")
        det.loc[summary.isna().to_numpy(), :] = pd.NA
    else:  # pragma: no cover - called only when one of them exists
        return {}
    out = {q: summary.astype("string")}
    for c in choices:
        out[f"{q}/{c}"] = det[c].astype("Int8")
    return out


def choice_tokens(answers: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Every chosen name of space-separated select_multiple answers, with its row.

    Returns ``(rows, names)``: positions (0-based, into ``answers``) and the names as an
    object array, in row order. Built with Arrow's string kernels — one split of the whole
    column, no Python call per answer (KoBo exports hold millions of them); missing answers
    and repeated spaces give no token."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(answers.astype("string").fillna("").to_numpy(dtype=object), type=pa.string())
    lists = pc.split_pattern(arr, " ")
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists)
    keep = pc.not_equal(flat, "")
    rows = np.asarray(pc.filter(parents, keep), dtype=np.int64)
    names = np.asarray(pc.filter(flat, keep).to_numpy(zero_copy_only=False), dtype=object)
    return rows, names


def split_choices(summary: pd.Series) -> pd.DataFrame:
    """0/1 columns, one per distinct choice name (sorted), from space-separated answers.

    The table ``summary.fillna("").str.get_dummies(sep=" ")`` gives, less its spurious
    empty-name column for repeated spaces, without a Python call per answer."""
    rows, names = choice_tokens(summary)
    labels, codes = np.unique(names.astype(str), return_inverse=True) if len(names) else (
        np.array([], dtype=str), np.array([], dtype=np.int64))
    mat = np.zeros((len(summary), len(labels)), dtype=np.int64)
    mat[rows, codes] = 1
    return pd.DataFrame(mat, columns=list(labels), index=summary.index)


def _names_only(summary: pd.Series, choices: list[str]) -> bool:
    toks = summary.dropna().str.split().explode().dropna()
    return bool(toks.isin(choices).all())
