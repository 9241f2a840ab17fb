"""Survey cleaning as explicit, logged steps.

Every step is a pure function ``step(data: SurveyData, ...) -> SurveyData``: it returns a
new object with exactly one :class:`~rbm_surveys.surveys.data.LogEntry` appended and never
touches its input (nor any file). Cell- and row-level findings travel in the log entry's
``counts["issues"]`` as a tidy frame with :data:`ISSUE_COLUMNS`, so a field team can open
them in Excel (compare pandera's ``failure_cases``); :func:`cleaning_issues` gathers them.

Steps, in the order :func:`run_cleaning` applies them:

=========================  ==============================================================
``drop_duplicates``        same submission id (``_uuid`` / ``meta/instanceID`` / ``KEY``):
                           identical copies dropped, conflicting copies excluded and listed
``exclude_status``         KoBo ``_validation_status`` / ODK Central ``ReviewState`` rejects
``expand_select_multiple`` ``name/choice`` 0/1 columns from a summary column
``declare_missing``        declared "don't know"/"refused" codes → NA + reason
``coerce_types``           XLSForm types; failed cells → NA with reason ``other_missing``
=========================  ==============================================================

Repeat rows follow their parent: dropping a submission drops its children (via
``_parent_table``/``_parent_index`` → parent ``_index``), recursively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError, DataError, UsageError
from rbm_surveys.surveys.data import LogEntry, SurveyData
from rbm_surveys.surveys.io.frames import choice_tokens

__all__ = [
    "DEFAULT_MISSING_CODES",
    "ISSUE_COLUMNS",
    "LOG_COLUMNS",
    "ID_COLUMNS",
    "drop_duplicates",
    "exclude_status",
    "declare_missing",
    "coerce_types",
    "expand_select_multiple",
    "run_cleaning",
    "cleaning_log",
    "cleaning_issues",
    "submission_ids",
]

#: Choice names / codes seen for "don't know" and "refused" in real KoBo/ODK forms
#: (REACH MSNA ``dnk``/``pnta``; UNHCR RMS 98/99; REACH ``dont_know``; IHSN -9/-8).
DEFAULT_MISSING_CODES: dict[str, str] = {
    "dnk": "dont_know",
    "dk": "dont_know",
    "dont_know": "dont_know",
    "do_not_know": "dont_know",
    "pnta": "refused",
    "refused": "refused",
    "refuse": "refused",
    "prefer_not_to_answer": "refused",
    "prefer_not_to_say": "refused",
    "98": "dont_know",
    "99": "refused",
    "-9": "dont_know",
    "-8": "refused",
    "n/a": "not_applicable",
}

#: Columns of every issue table (one row per offending cell or row).
ISSUE_COLUMNS = ["step", "table", "row", "column", "value", "issue"]
#: Columns of :func:`cleaning_log`.
LOG_COLUMNS = ["step", "table", "rows_before", "rows_after", "detail"]

#: Submission id columns, most specific first (KoBo, KoBo legacy, ODK Central/Briefcase, pyodk).
ID_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "instanceID", "KEY", "__id")
_TIME_COLUMNS = ("_submission_time", "SubmissionDate", "__system/submissionDate")
_STATUS_COLUMNS = ("_validation_status",)
_REVIEW_COLUMNS = ("ReviewState", "__system/reviewState", "reviewState",
                   "review_status")  # the last: SurveyCTO (APPROVED / REJECTED / NONE)
#: ODK Central review states (central-backend lib/constants.js; blank = received)
_REVIEW_STATES = ("received", "hasIssues", "edited", "approved", "rejected")
#: Structural columns: never answers, never cleaned.
_STRUCTURE = ("_index", "_parent_index", "_parent_table")

# KoBo validation statuses: label-mode exports carry the label, _xml exports the uid
# (kpi kobo/settings/base.py DEFAULT_VALIDATION_STATUSES).
_STATUS_LABELS = {"approved": "approved", "not approved": "not_approved",
                  "on hold": "on_hold"}

_INT_STRING = re.compile(r"^(-?\d+)\.0+$")
_STRING = pd.StringDtype()  # what astype("string") gives


# --------------------------------------------------------------------------- helpers


def _issues(rows: Iterable[dict] | pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows
    for col in ISSUE_COLUMNS:
        if col not in frame:
            frame[col] = pd.Series(dtype=object)
    return frame[ISSUE_COLUMNS].reset_index(drop=True)


def _row_numbers(df: pd.DataFrame, index: pd.Index | None = None) -> pd.Series:
    """Row as the export shows it: KoBo's 1-based ``_index`` when present."""
    sel = df if index is None else df.loc[index]
    if "_index" in sel:
        return sel["_index"]
    return pd.Series(np.arange(1, len(df) + 1), index=df.index).loc[sel.index]


def _check_tables(data: SurveyData, step: str) -> None:
    """The SurveyData contract the steps rely on, checked once at the boundary."""
    if not isinstance(data, SurveyData):
        raise UsageError(f"{step} takes a SurveyData, not {type(data).__name__}",
                         hint="read the export with read_export()")
    if "main" not in data.tables:
        raise DataError("the survey has no 'main' table", key=step,
                        hint="name the table of submissions 'main'")
    for name, df in data.tables.items():
        if "_index" not in df.columns:
            raise DataError("the table has no '_index' column (1-based row index)", table=name,
                            column="_index", hint="add it, e.g. df.insert(0, '_index', "
                            "range(1, len(df) + 1))")
        if name != "main" and "_parent_index" not in df.columns:
            raise DataError("the repeat table has no '_parent_index' column", table=name,
                            column="_parent_index",
                            hint="link each repeat row to its parent row's _index")


def _answer_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in _STRUCTURE]


def _meta_or_table(data: SurveyData, table: str, candidates: Iterable[str]) -> pd.Series | None:
    """First candidate column found in ``meta[table]``, else in the table itself."""
    for frame in (data.meta.get(table), data.tables.get(table)):
        if frame is None:
            continue
        for name in candidates:
            if name in frame.columns:
                return frame[name]
    return None


def submission_ids(data: SurveyData) -> pd.Series | None:
    """The submission id of each main row (``uuid:`` prefix removed), or ``None``.

    ``_uuid`` (KoBo) and ``meta/instanceID`` (``uuid:…``) name the same instance, so the
    prefix is dropped to compare them.
    """
    ids = _meta_or_table(data, "main", ID_COLUMNS)
    if ids is None:
        return None
    ids = ids.astype("string").str.strip().str.removeprefix("uuid:")
    return ids.mask(ids == "")


def _parent_tables(child: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> pd.Series:
    # A parent name we do not hold (e.g. KoBo's sheet title) can only mean the main table.
    if "_parent_table" in child:
        names = child["_parent_table"].astype("string")
        return names.where(names.isin(list(tables)), "main")
    return pd.Series("main", index=child.index, dtype="string")


def _without_rows(data: SurveyData, drop: Mapping[str, Iterable[Any]]
                  ) -> tuple[SurveyData, dict[str, int]]:
    """Drop rows by ``_index`` per table, cascading to repeat children; also meta/reasons."""
    tables = data.tables
    keep = {name: np.ones(len(df), dtype=bool) for name, df in tables.items()}
    work = [(t, pd.Index(list(ix))) for t, ix in drop.items()]
    while work:
        table, index_values = work.pop()
        if len(index_values) == 0:
            continue
        df = tables[table]
        keep[table] &= ~df["_index"].isin(index_values).to_numpy()
        for name, child in tables.items():
            if name == table or "_parent_index" not in child:
                continue
            hit = ((_parent_tables(child, tables) == table).to_numpy(dtype=bool, na_value=False)
                   & child["_parent_index"].isin(index_values).to_numpy() & keep[name])
            if hit.any():
                work.append((name, pd.Index(child.loc[hit, "_index"]) if "_index" in child
                             else pd.Index([])))
                keep[name] &= ~hit
    new_tables, new_meta, new_reasons, dropped = {}, dict(data.meta), dict(data.reasons), {}
    for name, df in tables.items():
        kept = df.index[keep[name]]
        dropped[name] = int((~keep[name]).sum())
        new_tables[name] = df[keep[name]] if dropped[name] else df  # filter, not label take
        for store in (new_meta, new_reasons):
            if name in store and dropped[name]:
                store[name] = store[name].loc[store[name].index.isin(kept)]
    return data.replace(tables=new_tables, meta=new_meta, reasons=new_reasons), dropped


def _subtree_hash(data: SurveyData, table: str, rows: np.ndarray | None = None) -> pd.Series:
    """Hash of each row's answers plus, order-free, those of its repeat descendants.

    ``rows`` (boolean mask) limits the work to those rows and their descendants: a row's
    hash does not depend on other rows, and duplicates are usually a few rows in many.
    """
    df = data.tables[table]
    if rows is not None:
        df = df[rows]
    own = pd.util.hash_pandas_object(df[_answer_columns(df)], index=False).astype("uint64")
    total = own.to_numpy().copy()
    for k, (name, child) in enumerate(data.tables.items()):
        if name == table or "_parent_index" not in child or len(child) == 0:
            continue
        mine = (_parent_tables(child, data.tables) == table).to_numpy(dtype=bool, na_value=False)
        if rows is not None:
            mine &= child["_parent_index"].isin(df["_index"]).to_numpy(dtype=bool)
        if not mine.any():
            continue
        sub = _subtree_hash(data, name, mine)
        sums = sub.groupby(child.loc[mine, "_parent_index"].to_numpy()).sum()
        # Different multipliers keep equal rows in different repeats apart.
        with np.errstate(over="ignore"):
            total = total + (sums.reindex(df["_index"].to_numpy(), fill_value=0)
                             .to_numpy(dtype="uint64") * np.uint64(2 * k + 3))
    return pd.Series(total, index=df.index)


def _code_string(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return _INT_STRING.sub(r"\1", text)


def _code_values(s: pd.Series) -> tuple[np.ndarray, list[str], bool]:
    """``(codes, names, unchanged)``: each row's code (-1 for NA), the code string of each
    distinct value (see :func:`_code_string`), and whether ``s`` already holds exactly those
    strings in the ``"string"`` dtype. Normalising per distinct value (survey columns have
    few), not per row, is what keeps cleaning vectorised."""
    codes, uniques = pd.factorize(_bools_as_text(s), use_na_sentinel=True)
    names = [_code_string(u) for u in uniques]
    unchanged = s.dtype == _STRING and all(n == u for n, u in zip(names, uniques))
    return codes, names, unchanged


def _bools_as_text(s: pd.Series) -> pd.Series:
    """``s`` with Python booleans written ``"True"``/``"False"`` when they share an object
    column with numbers: factorize would merge ``True`` with ``1`` (they compare equal)."""
    if s.dtype != object:
        return s
    uniques = pd.unique(s.dropna())
    if not any(isinstance(u, (bool, np.bool_, int, float, np.number)) and u in (0, 1)
               for u in uniques):
        return s
    bools = s.map(type).isin([bool, np.bool_]).to_numpy()
    return s.mask(bools, s.map(str)) if bools.any() else s


def _code_series(s: pd.Series, codes: np.ndarray, names: list[str | None],
                 unchanged: bool = False) -> pd.Series:
    """``names`` spread back to the rows of ``s`` by ``codes``, as ``"string"``."""
    if unchanged:  # nothing to rewrite: share the (immutable) Arrow data, no per-row work
        return pd.Series(s.array.copy(), index=s.index, dtype="string")
    # take on the small array of distinct values: no per-row Python objects (code -1 → NA)
    return pd.Series(pd.array(names, dtype="string").take(codes, allow_fill=True),
                     index=s.index, dtype="string")


def _per_row(flags: list[bool], codes: np.ndarray) -> np.ndarray:
    """A per-distinct-value flag as a per-row mask; NA rows (code -1) get ``False``."""
    return np.append(np.asarray(flags, dtype=bool), False)[codes]


def _as_code_strings(s: pd.Series) -> pd.Series:
    """Values as the strings a choice name would be (``98.0`` → ``"98"``, spaces trimmed)."""
    return _code_series(s, *_code_values(s))


def _code_reasons(s: pd.Series, applicable: Mapping[str, str]) -> pd.Series:
    """Reason of each cell whose value is a declared code (NA elsewhere), per distinct value."""
    codes, uniques = pd.factorize(_bools_as_text(s), use_na_sentinel=True)
    table = pd.array([applicable.get(_code_string(u)) for u in uniques], dtype="string")
    return pd.Series(table.take(codes, allow_fill=True), index=s.index, dtype="string")


def _nullable(s: pd.Series) -> pd.Series:
    """Integer/boolean columns in their nullable dtype, so NA does not turn them into floats."""
    if pd.api.types.is_bool_dtype(s) and not isinstance(s.dtype, pd.BooleanDtype):
        return s.astype("boolean")
    if pd.api.types.is_integer_dtype(s) and isinstance(s.dtype, np.dtype):
        return s.astype(s.dtype.name.replace("uint", "UInt").replace("int", "Int"))
    return s


def _with_reasons(reasons: Mapping[str, pd.DataFrame], table: str, index: pd.Index,
                  new: Mapping[str, pd.Series]) -> dict[str, pd.DataFrame]:
    """``reasons`` with ``new`` reasons added for ``table``; a reason already set is kept."""
    out = dict(reasons)
    frame = out.get(table)
    frame = pd.DataFrame(index=index) if frame is None else frame.copy()
    for column, reason in new.items():
        reason = reason.astype("string")
        frame[column] = frame[column].fillna(reason) if column in frame else reason
    out[table] = frame
    return out


# --------------------------------------------------------------------------- codebook view


class _Form:
    """What cleaning needs from a codebook: type and choice list of each field name.

    Accepts a codebook with ``fields`` (``name``, ``type``, optional ``list_name``) and
    ``choices`` (``list_name``, ``name``) frames; ``None`` gives an empty view.
    """

    def __init__(self, codebook: Any) -> None:
        self.types: dict[str, str] = {}
        self.lists: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}
        self.missing: dict[str, dict[str, str]] = {}
        self.missing_ranges: dict[str, list[tuple[float, float, str]]] = {}
        self.given = codebook is not None
        if codebook is None:
            return
        fields = getattr(codebook, "fields", None)
        if not isinstance(fields, pd.DataFrame) or "name" not in fields or "type" not in fields:
            raise UsageError("the codebook has no 'fields' table with 'name' and 'type' columns",
                             hint="pass the Codebook returned by read_form()")
        aliases = {"select one": "select_one", "select all that apply": "select_multiple"}
        lists = (fields["list_name"] if "list_name" in fields
                 else pd.Series(None, index=fields.index))
        # One pass over questions (not rows): "select_one yn" or pyxform's "select one".
        for name, typ, lst in zip(fields["name"].astype(str), fields["type"], lists):
            if pd.isna(typ) or not str(typ).strip():
                continue
            text = str(typ).strip().lower()
            for alias, canonical in aliases.items():
                if text.startswith(alias):
                    text = canonical + text[len(alias):]
            parts = text.split()
            if parts[0] == "unknown":  # a reader's guess without a form: no knowledge
                continue
            self.types[name] = parts[0]
            if parts[0] in ("select_one", "select_multiple"):
                lst = parts[1] if pd.isna(lst) and len(parts) > 1 else lst
                if not pd.isna(lst):
                    self.lists[name] = str(lst)
        choices = getattr(codebook, "choices", None)
        if isinstance(choices, pd.DataFrame) and {"list_name", "name"} <= set(choices.columns):
            names = _as_code_strings(choices["name"])
            for lst, group in names.groupby(choices["list_name"].astype(str), sort=False):
                self.choices[lst] = group.dropna().tolist()
        self.missing, self.missing_ranges = _codebook_missing(codebook)

    def __bool__(self) -> bool:  # "a codebook was given" (even one a reader inferred)
        return self.given

    def type_of(self, column: str) -> str | None:
        return self.types.get(column)

    def choice_names(self, column: str) -> list[str] | None:
        lst = self.lists.get(column)
        return None if lst is None else self.choices.get(lst)


def _reason_from_label(labels: pd.Series) -> pd.Series:
    """Reason a user-missing code's value label suggests; ``other_missing`` otherwise."""
    text = labels.astype("string").str.lower().str.replace(r"[’´`]", "'", regex=True)
    reason = pd.Series("other_missing", index=labels.index, dtype="string")
    for pattern, why in ((r"not applicable|\bn/?a\b|no aplica|non applicable", "not_applicable"),
                         (r"refus|prefer not|rather not|no respon|pas de r", "refused"),
                         (r"don'?t know|do not know|\bdk\b|ne sait pas|no sabe|not sure",
                          "dont_know")):
        reason = reason.mask(text.str.contains(pattern, regex=True).fillna(False).astype(bool), why)
    return reason


def _codebook_missing(codebook: Any) -> tuple[dict[str, dict[str, str]],
                                              dict[str, list[tuple[float, float, str]]]]:
    """User-missing codes the reader recorded (SPSS/Stata): exact values and ranges.

    From ``codebook.missing_codes`` (``column, value, lo, hi, label``); the reason comes
    from the value label ("Don't know" → ``dont_know``, "Refused" → ``refused`` …),
    ``other_missing`` when the label says nothing.
    """
    missing = getattr(codebook, "missing_codes", None)
    exact: dict[str, dict[str, str]] = {}
    ranges: dict[str, list[tuple[float, float, str]]] = {}
    if not isinstance(missing, pd.DataFrame) or len(missing) == 0 \
            or not {"column", "value"} <= set(missing.columns):
        return exact, ranges
    labels = missing["label"] if "label" in missing else pd.Series(pd.NA, index=missing.index)
    reasons = _reason_from_label(labels)
    values = _as_code_strings(missing["value"].astype(object).where(missing["value"].notna()))
    lo = pd.to_numeric(missing.get("lo", pd.Series(pd.NA, index=missing.index)), errors="coerce")
    hi = pd.to_numeric(missing.get("hi", pd.Series(pd.NA, index=missing.index)), errors="coerce")
    for col, value, low, high, why in zip(missing["column"].astype(str), values, lo, hi, reasons):
        if not pd.isna(value):
            exact.setdefault(col, {})[str(value)] = str(why)
        elif not (pd.isna(low) or pd.isna(high)):
            ranges.setdefault(col, []).append((float(low), float(high), str(why)))
    return exact, ranges


def _select_multiple_groups(df: pd.DataFrame, form: _Form) -> dict[str, list[str]]:
    """``{question: [dummy columns]}`` for the select_multiple questions of a table."""
    groups: dict[str, list[str]] = {}
    for col in df.columns:
        if "/" not in col or col in _STRUCTURE:
            continue
        question = col.rsplit("/", 1)[0]
        known = form.type_of(question)
        if known == "select_multiple" or (known is None and not form and question):
            groups.setdefault(question, []).append(col)
    for col in df.columns:
        if form.type_of(col) == "select_multiple":
            groups.setdefault(col, [])
    return groups


# --------------------------------------------------------------------------- steps


def drop_duplicates(data: SurveyData, *, conflicts: str = "exclude") -> SurveyData:
    """Resolve submissions that share an id (``_uuid``/``meta/instanceID``/``KEY``).

    Copies with identical answers (main row and all its repeat rows) keep the first row;
    the others are dropped with their repeat children. Copies that *disagree* are never
    silently resolved; ``conflicts`` says what to do:

    * ``"exclude"`` (default): every copy is kept out of analysis and listed as an issue;
    * ``"keep_latest"``: the copy with the latest submission time is kept (last row when
      there is no time column), the others listed;
    * ``"error"``: raise :class:`~rbm_surveys.errors.DataError` naming the ids.
    """
    _check_tables(data, "drop_duplicates")
    if conflicts not in ("exclude", "keep_latest", "error"):
        raise UsageError(f"unknown conflicts policy {conflicts!r}",
                         hint="use 'exclude', 'keep_latest' or 'error'", key="conflicts")
    main = data.main
    before = len(main)
    ids = submission_ids(data)
    if ids is None:
        return data.with_log(LogEntry("drop_duplicates", "main", before, before,
                                      "no submission id column; duplicates not checked",
                                      {"identical": 0, "conflicting": 0}))
    dup = ids.notna() & ids.duplicated(keep=False)
    if not dup.any():
        return data.with_log(LogEntry("drop_duplicates", "main", before, before,
                                      "no duplicate submissions",
                                      {"identical": 0, "conflicting": 0,
                                       "issues": _issues([])}))
    hashes = _subtree_hash(data, "main", dup.to_numpy(dtype=bool))
    dids = ids[dup]
    distinct = hashes.groupby(dids.to_numpy()).nunique()
    conflicting_ids = distinct.index[distinct > 1]
    in_conflict = dids.isin(conflicting_ids)
    # Identical copies: keep the first row of each id.
    identical_drop = dids[~in_conflict].duplicated(keep="first")
    identical_drop = identical_drop[identical_drop].index
    if len(conflicting_ids) and conflicts == "error":
        shown = ", ".join(map(str, conflicting_ids[:5]))
        raise DataError(f"{len(conflicting_ids)} submission id(s) occur with different answers "
                        f"({shown}{' …' if len(conflicting_ids) > 5 else ''})",
                        hint="fix the export, or clean with conflicts='exclude' or "
                        "'keep_latest'", table="main")
    conflict_rows = dids[in_conflict].index
    if conflicts == "keep_latest" and len(conflict_rows):
        times = _meta_or_table(data, "main", _TIME_COLUMNS)
        order = pd.DataFrame({"id": dids[in_conflict],
                              "t": (pd.to_datetime(times.loc[conflict_rows], errors="coerce",
                                                   utc=True, format="ISO8601")
                                    if times is not None else pd.NaT),
                              "pos": np.arange(len(conflict_rows))})
        latest = order.sort_values(["t", "pos"], na_position="first").groupby("id").tail(1).index
        conflict_drop = conflict_rows.difference(latest)
    else:
        conflict_drop = conflict_rows
    id_col = next(c for c in ID_COLUMNS
                  if c in data.meta.get("main", pd.DataFrame()).columns or c in main.columns)
    rows = _row_numbers(main)
    issues = _issues(pd.concat([
        pd.DataFrame({"row": rows.loc[identical_drop], "value": ids.loc[identical_drop],
                      "issue": "duplicate_identical_dropped"}),
        pd.DataFrame({"row": rows.loc[conflict_rows], "value": ids.loc[conflict_rows],
                      "issue": np.where(conflict_rows.isin(conflict_drop),
                                        "duplicate_conflict_excluded",
                                        "duplicate_conflict_kept_latest")}),
    ]).assign(step="drop_duplicates", table="main", column=id_col))
    drop_index = main.loc[identical_drop.union(conflict_drop), "_index"]
    out, dropped = _without_rows(data, {"main": drop_index})
    counts = {"identical": int(len(identical_drop)), "conflicting": int(len(conflicting_ids)),
              "conflicting_ids": [str(i) for i in conflicting_ids],
              "dropped_by_table": dropped, "policy": conflicts, "issues": issues}
    detail = (f"{len(identical_drop)} identical duplicate(s) dropped; "
              f"{len(conflicting_ids)} id(s) with conflicting answers "
              + ("excluded" if conflicts == "exclude" else "resolved to the latest copy"))
    more = " …" if len(conflicting_ids) > 5 else ""
    warn = (f"{len(conflicting_ids)} submission id(s) with conflicting copies "
            f"({', '.join(map(str, conflicting_ids[:5]))}{more})"
            + (" excluded from analysis" if conflicts == "exclude" else " resolved to the latest"),)
    return out.with_log(LogEntry("drop_duplicates", "main", before, len(out.main), detail,
                                 counts),
                        warnings=out.warnings + (warn if len(conflicting_ids) else ()))


def _normalise_status(values: pd.Series) -> pd.Series:
    v = values.astype("string").str.strip().str.lower()
    v = v.replace(_STATUS_LABELS)
    v = v.str.removeprefix("validation_status_").str.replace(" ", "_")
    return v.mask(v.isin(["", "{}", "nan", "none"]))


def exclude_status(data: SurveyData,
                   reject: Iterable[str] = ("validation_status_not_approved",),
                   review_reject: Iterable[str] = ("rejected",)) -> SurveyData:
    """Exclude submissions rejected in review, with their repeat rows.

    ``reject`` lists KoBo ``_validation_status`` values (uid ``validation_status_not_approved``,
    the label ``Not Approved`` or short ``not_approved`` are the same); ``review_reject``
    lists ODK Central ``ReviewState`` values (``rejected``, ``hasIssues`` …, case ignored).
    Pass empty tuples to keep everything.
    """
    _check_tables(data, "exclude_status")
    if isinstance(reject, str) or isinstance(review_reject, str):
        raise UsageError("reject and review_reject take a list of statuses, not a string",
                         key="reject")
    main = data.main
    before = len(main)
    excluded = pd.Series(False, index=main.index)
    frames = []
    rows = _row_numbers(main)
    status = _meta_or_table(data, "main", _STATUS_COLUMNS)
    wanted = set(_normalise_status(pd.Series(list(reject), dtype="string")).dropna())
    wanted_review = {str(r).strip().casefold() for r in review_reject}
    # Both vocabularies are closed: a misspelt status would silently exclude nothing.
    bad = sorted(wanted - set(_STATUS_LABELS.values())) + sorted(
        wanted_review - {s.casefold() for s in _REVIEW_STATES})
    if bad:
        raise ConfigError(f"unknown review status(es) {', '.join(bad)}", key="status",
                          hint="KoBo: validation_status_approved, validation_status_not_approved,"
                          " validation_status_on_hold; ODK Central ReviewState: "
                          + ", ".join(_REVIEW_STATES))
    if status is not None and wanted:
        hit = _normalise_status(status).isin(wanted).fillna(False).astype(bool)
        excluded |= hit
        frames.append(pd.DataFrame({"row": rows[hit], "column": "_validation_status",
                                    "value": status[hit], "issue": "excluded_validation_status"}))
    review = _meta_or_table(data, "main", _REVIEW_COLUMNS)
    if review is not None and wanted_review:
        norm = review.astype("string").str.strip().str.casefold()
        hit = norm.isin(wanted_review).fillna(False).astype(bool) & ~excluded
        excluded |= hit
        frames.append(pd.DataFrame({"row": rows[hit], "column": review.name,
                                    "value": review[hit], "issue": "excluded_review_state"}))
    issues = _issues(pd.concat(frames).assign(step="exclude_status", table="main")
                     if frames else [])
    out, dropped = _without_rows(data, {"main": main.loc[excluded, "_index"]})
    by_issue = issues["issue"].value_counts().to_dict()
    checked = [c for c, s in (("_validation_status", status), ("ReviewState", review))
               if s is not None]
    detail = (f"{int(excluded.sum())} submission(s) excluded"
              + (f" ({', '.join(f'{k} {v}' for k, v in by_issue.items())})" if by_issue else "")
              + (f"; checked {', '.join(checked)}" if checked else "; no status column"))
    return out.with_log(LogEntry("exclude_status", "main", before, len(out.main), detail,
                                 {"excluded": int(excluded.sum()), "by_issue": by_issue,
                                  "dropped_by_table": dropped, "issues": issues}))


def _check_codes(codes: Mapping[Any, Any], key: str) -> dict[str, str]:
    if not isinstance(codes, Mapping):
        raise ConfigError(f"{key} must map a code to a reason, e.g. {{dnk: dont_know}}", key=key)
    out = {}
    for code, reason in codes.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"missing code {code!r} needs a reason (dont_know, refused, "
                              "not_applicable, no_answer, other_missing)", key=f"{key}.{code}")
        out[_as_code_strings(pd.Series([code])).iloc[0]] = reason.strip()
    return out


def _is_numeric_code(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def _codes_for(column: str, s: pd.Series, form: _Form, codes: dict[str, str],
               per_question: dict[str, dict[str, str]]) -> dict[str, str]:
    """Which declared codes apply to one column (see :func:`declare_missing`)."""
    if column in per_question:
        return per_question[column]
    own = dict(form.missing.get(column, {}))
    if not form:
        return {**codes, **own}
    typ = form.type_of(column)
    if typ in ("select_one", "select_multiple"):
        names = form.choice_names(column)
        if names is None:  # list not in the form (external choices): only word codes
            return {**{c: r for c, r in codes.items() if not _is_numeric_code(c)}, **own}
        return {**{c: r for c, r in codes.items() if c in set(names)}, **own}
    if typ is None and not pd.api.types.is_numeric_dtype(s):
        return {**{c: r for c, r in codes.items() if not _is_numeric_code(c)}, **own}
    return own


def declare_missing(data: SurveyData, codes: Mapping[Any, str] | None = None,
                    per_question: Mapping[str, Mapping[Any, str]] | None = None) -> SurveyData:
    """Set declared missing codes to NA and keep the reason in ``reasons[table][column]``.

    ``codes`` maps a choice name or numeric code to a reason (default
    :data:`DEFAULT_MISSING_CODES`); ``per_question`` replaces it for named columns (``{}``
    switches codes off for that question). Where a code applies:

    * with a codebook: on select_one/select_multiple questions whose choice list contains the
      code, plus user-missing codes the reader recorded (SPSS/Stata); numeric questions
      (integer, decimal …) only through ``per_question`` — an age of 99 stays 99;
    * without a codebook: on every column (the log lists numeric columns that were hit).

    select_multiple: if a code is among the selected choices (summary column) or its
    ``name/code`` dummy is 1, the summary and all ``name/choice`` dummies become NA with
    the reason.
    """
    _check_tables(data, "declare_missing")
    codes = _check_codes(DEFAULT_MISSING_CODES if codes is None else codes, "codes")
    per_q = {str(q): _check_codes(c, f"per_question.{q}")
             for q, c in (per_question or {}).items()}
    columns = {c for df in data.tables.values() for c in df.columns}
    typos = sorted(set(per_q) - columns)
    if typos:  # a misspelt question would silently keep its codes as answers
        raise ConfigError(f"per_question names column(s) not in the data: {', '.join(typos)}",
                          key="per_question", hint="use the XLSForm field names")
    form = _Form(data.codebook)
    tables, reasons = dict(data.tables), dict(data.reasons)
    by_reason: dict[str, int] = {}
    by_column: dict[str, dict[str, int]] = {}
    numeric_hit: list[str] = []
    counted: dict[str, set[str]] = {}
    for name, df in data.tables.items():
        new_reasons: dict[str, pd.Series] = {}
        counted[name] = set()
        groups = _select_multiple_groups(df, form)
        dummy_cols = {c for cols in groups.values() for c in cols}
        # select_multiple: reason per row from summary tokens or ticked code dummies.
        for question, dummies in groups.items():
            applicable = _codes_for(question, df.get(question, pd.Series(dtype="string")),
                                    form, codes, per_q)
            if not applicable:
                continue
            reason = pd.Series(pd.NA, index=df.index, dtype="string")
            if question in df:
                text = _as_code_strings(df[question])
                for code, why in applicable.items():
                    hit = text.str.contains(rf"(?:^|\s){re.escape(code)}(?:\s|$)", regex=True)
                    reason = reason.mask(reason.isna() & hit.fillna(False).astype(bool), why)
            for code, why in applicable.items():
                col = f"{question}/{code}"
                if col in df:
                    ticked = pd.to_numeric(df[col], errors="coerce").eq(1).fillna(False)
                    reason = reason.mask(reason.isna() & ticked.astype(bool), why)
            if reason.notna().any():
                cols = ([question] if question in df else []) + dummies
                for col in cols:
                    new_reasons[col] = reason
                counted[name].add(cols[0])  # one answer per question, not per dummy
        for column in df.columns:
            if column in _STRUCTURE or column in groups or column in dummy_cols:
                continue
            s = df[column]
            applicable = _codes_for(column, s, form, codes, per_q)
            ranges = [] if column in per_q else form.missing_ranges.get(column, [])
            if not applicable and not ranges:
                continue
            reason = _code_reasons(s, applicable)
            if ranges:  # SPSS missing ranges (lo..hi), numeric columns only
                num = pd.to_numeric(s, errors="coerce")
                for low, high, why in ranges:
                    hit = num.between(low, high).fillna(False).astype(bool)
                    reason = reason.mask(reason.isna() & hit, why)
            if reason.notna().any():
                new_reasons[column] = reason
                counted[name].add(column)
                if pd.api.types.is_numeric_dtype(s) and not form and any(
                        _is_numeric_code(c) for c in applicable):
                    numeric_hit.append(column)
        if not new_reasons:
            continue
        df = df.copy()
        for column, reason in new_reasons.items():
            hit = reason.notna()
            df[column] = _nullable(df[column]).mask(hit)
            if column not in counted[name]:
                continue
            counts = reason.value_counts().to_dict()
            by_column[column] = {str(k): int(v) for k, v in counts.items()}
            for k, v in counts.items():
                by_reason[str(k)] = by_reason.get(str(k), 0) + int(v)
        tables[name] = df
        reasons = _with_reasons(reasons, name, df.index, new_reasons)
    # Codes the reader could not type ("dnk" in an integer column): already NA there; here
    # they get their declared reason instead of a type failure's other_missing.
    for name, located in _reader_failures(data, data.codebook).items():
        text = _as_code_strings(located["value"]) if "value" in located else None
        if text is None:
            continue
        why = pd.Series([per_q.get(c, codes).get(v) if not pd.isna(v) else None
                         for c, v in zip(located["column"], text)], index=located.index,
                        dtype="string")
        located = located.assign(reason=why).dropna(subset=["reason"])
        if located.empty:
            continue
        index = tables[name].index
        new_reasons = {}
        for column, cells in located.groupby("column", sort=False):
            new_reasons[column] = pd.Series(pd.NA, index=index, dtype="string").mask(
                index.isin(cells["index"]), pd.Series(cells["reason"].to_numpy(),
                                                      index=cells["index"].to_numpy()))
            for k, v in cells["reason"].value_counts().items():
                by_reason[str(k)] = by_reason.get(str(k), 0) + int(v)
                per_col = by_column.setdefault(column, {})
                per_col[str(k)] = per_col.get(str(k), 0) + int(v)
        reasons = _with_reasons(reasons, name, index, new_reasons)
    total = sum(by_reason.values())
    detail = (f"{total} value(s) declared missing in {len(by_column)} column(s)"
              + (": " + ", ".join(f"{k} {v}" for k, v in sorted(by_reason.items()))
                 if by_reason else ""))
    if numeric_hit:
        detail += ("; numeric codes applied without a form to numeric column(s) "
                   + ", ".join(numeric_hit))
    n = len(data.main)
    return data.with_log(
        LogEntry("declare_missing", "all", n, n, detail,
                 {"by_reason": by_reason, "by_column": by_column,
                  "numeric_without_form": numeric_hit}),
        tables=tables, reasons=reasons,
        warnings=data.warnings + ((f"missing codes applied to numeric column(s) "
                                   f"{', '.join(numeric_hit)} without a form: check that no "
                                   "real value equals a code",) if numeric_hit else ()))


# XLSForm types → how a column is coerced.
_INTEGER = {"integer"}
_DECIMAL = {"decimal", "range"}
_DATE = {"date", "today"}
_DATETIME = {"datetime", "start", "end"}


def _blank(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s.isna()
    return s.isna() | s.astype("string").str.strip().eq("").fillna(True)


def _coerce(s: pd.Series, typ: str) -> tuple[pd.Series, pd.Series, str] | None:
    """(coerced column, failed-cell mask, expected-type text) or None when untouched."""
    blank = _blank(s)
    if typ in _INTEGER or typ in _DECIMAL:
        raw = s.where(~blank)
        if isinstance(raw.dtype, pd.StringDtype):
            # parse each distinct text once (ages, counts repeat), spread back by code
            codes, uniques = pd.factorize(raw, use_na_sentinel=True)
            parsed = pd.to_numeric(pd.Series(uniques).astype("string").str.strip(),
                                   errors="coerce").astype("Float64")
            num = pd.Series(parsed.array.take(codes, allow_fill=True), index=s.index)
        else:
            num = pd.to_numeric(raw.astype("string").str.strip() if not
                                pd.api.types.is_numeric_dtype(raw) else raw, errors="coerce")
        num = num.astype("Float64")
        failed = ~blank & num.isna()
        if typ in _INTEGER:
            frac = num.notna() & (num % 1 != 0)
            failed |= frac.fillna(False)
            return num.mask(failed).round().astype("Int64"), failed, "integer"
        return num.mask(failed), failed, "decimal number"
    if typ in _DATE or typ in _DATETIME:
        if pd.api.types.is_datetime64_any_dtype(s):
            parsed = s if typ in _DATE or getattr(s.dt, "tz", None) else s.dt.tz_localize("UTC")
        else:
            text = s.where(~blank).astype("string").str.strip()
            parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
            retry = parsed.isna() & ~blank
            if retry.any():  # e.g. Briefcase "Apr 26, 2018 8:58:20 AM"
                parsed = parsed.fillna(pd.to_datetime(text.where(retry), errors="coerce",
                                                      format="mixed", utc=True))
            if typ in _DATE:
                parsed = parsed.dt.tz_localize(None).dt.normalize()
        failed = ~blank & parsed.isna()
        return parsed, failed, "date" if typ in _DATE else "date-time"
    return None


def _reader_failures(data: SurveyData, codebook: Any) -> dict[str, pd.DataFrame]:
    """Cells the reader could not type (``codebook.issues``), located in the current tables.

    The reader gives spreadsheet rows (header, and an HXL row if any, counted) for a table
    read in file order with a ``RangeIndex``; the header offset is the one (2, else 3) under
    which every listed cell is ``<NA>``. Rows dropped since (duplicates, rejected) are skipped.
    """
    issues = getattr(codebook, "issues", None)
    out: dict[str, pd.DataFrame] = {}
    if not isinstance(issues, pd.DataFrame) or len(issues) == 0 \
            or not {"table", "row", "column"} <= set(issues.columns):
        return out
    for table, group in issues.groupby("table", sort=False):
        df = data.tables.get(str(table))
        group = group[group["column"].isin(df.columns)] if df is not None else group.iloc[:0]
        if df is None or group.empty:
            continue
        rows = pd.to_numeric(group["row"], errors="coerce")
        for offset in (2, 3):
            index = rows - offset
            present = index.isin(df.index)
            cells = [pd.isna(df.at[i, c]) for i, c in zip(index[present], group["column"][present])]
            if all(cells):
                break
        else:
            continue  # cannot place them safely; they stay in codebook.issues
        located = group[present.to_numpy()].assign(index=index[present].to_numpy())
        out[str(table)] = located
    return out


def coerce_types(data: SurveyData, codebook: Any = None, *,
                 unknown_choices: str = "report") -> SurveyData:
    """Give each column its XLSForm type; report every cell that does not fit.

    integer → ``Int64`` (``2.5`` or ``"abc"`` fail), decimal/range → ``Float64``,
    date/today → naive ``datetime64``, dateTime/start/end → UTC ``datetime64``,
    select_one → choice-name strings (``1.0`` → ``"1"``), select_multiple dummies →
    ``Int8`` 0/1. A failed cell becomes NA with reason ``other_missing`` and is listed in
    ``counts["issues"]`` (table, row, column, value, expected type) — never a silent NaN.
    select_one values missing from the choice list are listed with ``unknown_choices=
    "report"`` (value kept, default) or set to NA like a failure with ``"missing"``.
    """
    _check_tables(data, "coerce_types")
    if unknown_choices not in ("report", "missing"):
        raise UsageError(f"unknown_choices must be 'report' or 'missing', not {unknown_choices!r}",
                         key="unknown_choices")
    codebook = data.codebook if codebook is None else codebook
    if codebook is None:
        raise UsageError("coerce_types needs the form's codebook",
                         hint="read the export with its XLSForm (form=...) or pass codebook=")
    form = _Form(codebook)
    tables, reasons = dict(data.tables), dict(data.reasons)
    frames, by_column, converted = [], {}, 0
    for name, df in data.tables.items():
        new_df, new_reasons = None, {}
        groups = _select_multiple_groups(df, form)
        dummies = {c for cols in groups.values() for c in cols}
        for column in df.columns:
            if column in _STRUCTURE:
                continue
            s = df[column]
            typ = form.type_of(column)
            expected, failed, new = None, None, None
            if column in dummies:
                # once per distinct value: "1"/"0"/"True"/"1.0" → 1/0, anything else fails
                codes, values, _ = _code_values(s)
                text = pd.Series(values, dtype="string").str.lower().replace(
                    {"true": "1", "false": "0"})
                number = pd.to_numeric(text, errors="coerce")
                ok = number.isin([0, 1]).to_numpy(dtype=bool)
                failed = pd.Series(_per_row([not k and v != "" for k, v in zip(ok, values)],
                                            codes), index=s.index)
                new = pd.Series(number.where(ok).astype("Int8").array
                                .take(codes, allow_fill=True), index=s.index)
                expected = "0/1"
            elif typ == "select_one":
                # blank → NA and the choice-list check, once per distinct value
                codes, values, unchanged = _code_values(s)
                if "" in values:
                    values, unchanged = [v if v != "" else None for v in values], False
                new = _code_series(s, codes, values, unchanged)
                names = form.choice_names(column)
                if names is not None:
                    known = set(names)
                    unknown = pd.Series(_per_row([v is not None and v not in known
                                                  for v in values], codes), index=s.index)
                    if unknown.any():
                        frames.append(pd.DataFrame({
                            "table": name, "row": _row_numbers(df)[unknown], "column": column,
                            "value": s[unknown].astype("string"),
                            "issue": "not a choice of list " + form.lists[column]}))
                        if unknown_choices == "missing":
                            failed = unknown
                            new = new.mask(unknown)
                            expected = "choice of list " + form.lists[column]
            elif typ is not None:
                res = _coerce(s, typ)
                if res is not None:
                    new, failed, expected = res
            if new is None:
                continue
            converted += 1
            if new_df is None:
                new_df = df.copy()
            new_df[column] = new
            if failed is not None and failed.any():
                bad = failed[failed].index
                frames.append(pd.DataFrame({
                    "table": name, "row": _row_numbers(df).loc[bad], "column": column,
                    "value": s.loc[bad].astype("string"), "issue": f"not a valid {expected}"}))
                new_reasons[column] = pd.Series(pd.NA, index=df.index, dtype="string").mask(
                    failed, "other_missing")
                by_column[column] = int(failed.sum())
        if new_df is not None:
            tables[name] = new_df
        if new_reasons:
            reasons = _with_reasons(reasons, name, df.index, new_reasons)
    issues = _issues(pd.concat(frames).assign(step="coerce_types") if frames else [])
    # Cells the reader already failed to type: NA in the table, reason other_missing here.
    read_frames = []
    for name, located in _reader_failures(data, codebook).items():
        df = tables[name]
        known = reasons.get(name)
        if known is not None:  # declared codes ("dnk" in a number) are not type failures
            has = [c in known.columns and i in known.index and not pd.isna(known.at[i, c])
                   for i, c in zip(located["index"], located["column"])]
            located = located[~pd.Series(has, index=located.index, dtype=bool)]
        if located.empty:
            continue
        new_reasons = {}
        for column, cells in located.groupby("column", sort=False):
            mask = pd.Series(df.index.isin(cells["index"]), index=df.index)
            new_reasons[column] = pd.Series(pd.NA, index=df.index, dtype="string").mask(
                mask, "other_missing")
            by_column[column] = by_column.get(column, 0) + int(mask.sum())
        reasons = _with_reasons(reasons, name, df.index, new_reasons)
        read_frames.append(pd.DataFrame({
            "step": "read_export", "table": name,
            "row": _row_numbers(df).loc[located["index"]].to_numpy(),
            "column": located["column"].to_numpy(),
            "value": located["value"].astype("string").to_numpy() if "value" in located
            else pd.NA,
            "issue": located["problem"].astype("string").to_numpy() if "problem" in located
            else "not readable as its type"}))
    if read_frames:
        issues = _issues(pd.concat([issues, *read_frames], ignore_index=True))
    failures = int(sum(by_column.values()))
    detail = (f"{converted} column(s) typed; {failures} cell(s) failed and set to NA "
              f"(reason other_missing)" + (f" in {', '.join(by_column)}" if by_column else ""))
    unknown_n = int(issues["issue"].astype(str).str.startswith("not a choice").sum())
    if unknown_n:
        detail += f"; {unknown_n} select_one value(s) not in their choice list"
    n = len(data.main)
    return data.with_log(LogEntry("coerce_types", "all", n, n, detail,
                                  {"failed": failures, "by_column": by_column,
                                   "unknown_choices": unknown_n, "issues": issues}),
                         tables=tables, reasons=reasons)


def expand_select_multiple(data: SurveyData, codebook: Any = None) -> SurveyData:
    """Add ``name/choice`` 0/1 columns (``Int8``) from select_multiple summary columns.

    Only dummies the export lacks are added, in choice-list order right after the summary
    column; ``<NA>`` where the question was unanswered. Selected values that are not in
    the choice list are listed as issues (no column is invented for them).
    """
    _check_tables(data, "expand_select_multiple")
    codebook = data.codebook if codebook is None else codebook
    if codebook is None:
        raise UsageError("expand_select_multiple needs the form's codebook",
                         hint="read the export with its XLSForm (form=...) or pass codebook=")
    form = _Form(codebook)
    tables, frames, added = dict(data.tables), [], {}
    for name, df in data.tables.items():
        new_df = df
        for question in [c for c in df.columns if form.type_of(c) == "select_multiple"]:
            names = form.choice_names(question)
            if not names:
                continue
            text = _as_code_strings(df[question])
            text = text.mask(text.str.strip().eq("").fillna(False))
            missing = [c for c in names if f"{question}/{c}" not in df]
            if missing:
                answered = text.notna()
                new_cols = {}
                for choice in missing:  # loop over choices (columns), not rows
                    has = text.str.contains(rf"(?:^|\s){re.escape(choice)}(?:\s|$)", regex=True)
                    new_cols[f"{question}/{choice}"] = (has.fillna(False).astype("Int8")
                                                        .where(answered, pd.NA))
                pos = list(new_df.columns).index(question) + 1
                existing = [c for c in new_df.columns[pos:] if c.startswith(question + "/")]
                pos += len(existing)
                cols = list(new_df.columns)
                new_df = pd.concat([new_df, pd.DataFrame(new_cols, index=df.index)], axis=1)
                new_df = new_df[cols[:pos] + list(new_cols) + cols[pos:]]
                added[question] = missing
            rows, chosen = choice_tokens(text)
            out = ~pd.Series(chosen, dtype=object).isin(names).to_numpy()
            unknown = pd.Series(chosen[out], index=df.index[rows[out]], dtype=object)
            if len(unknown):
                frames.append(pd.DataFrame({"table": name,
                                            "row": _row_numbers(df).loc[unknown.index],
                                            "column": question, "value": unknown.astype("string"),
                                            "issue": "not a choice of list "
                                                     + form.lists[question]}))
        tables[name] = new_df
    issues = _issues(pd.concat(frames).assign(step="expand_select_multiple") if frames else [])
    n_cols = sum(len(v) for v in added.values())
    detail = (f"{n_cols} choice column(s) added for {len(added)} select_multiple question(s)"
              + (f"; {len(issues)} selected value(s) not in the choice list"
                 if len(issues) else ""))
    n = len(data.main)
    return data.with_log(LogEntry("expand_select_multiple", "all", n, n, detail,
                                  {"added": added, "issues": issues}), tables=tables)


# --------------------------------------------------------------------------- pipeline

#: Default cleaning configuration; every key may be overridden, ``false`` skips a step.
DEFAULT_CONFIG: dict[str, Any] = {
    "duplicates": {"conflicts": "exclude"},
    "status": {"reject": ["validation_status_not_approved"], "review_reject": ["rejected"]},
    "select_multiple": True,
    "missing": {"codes": DEFAULT_MISSING_CODES, "per_question": {}},
    "types": {"unknown_choices": "report"},
}
_STEP_KEYS = {"duplicates": {"conflicts"}, "status": {"reject", "review_reject"},
              "select_multiple": set(), "missing": {"codes", "per_question"},
              "types": {"unknown_choices"}}


def _step_config(config: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = config.get(key, True)
    if value is False or value is None:
        return None
    merged = dict(DEFAULT_CONFIG[key]) if isinstance(DEFAULT_CONFIG[key], dict) else {}
    if value is True:
        return merged
    if not isinstance(value, Mapping):
        raise ConfigError(f"cleaning setting '{key}' must be true, false or a mapping",
                          key=f"cleaning.{key}")
    unknown = set(value) - _STEP_KEYS[key]
    if unknown:
        raise ConfigError(f"unknown setting(s) {', '.join(sorted(map(str, unknown)))}",
                          hint=f"allowed: {', '.join(sorted(_STEP_KEYS[key])) or 'none'}",
                          key=f"cleaning.{key}")
    merged.update(value)
    return merged


def run_cleaning(data: SurveyData, config: Mapping[str, Any] | None = None
                 ) -> tuple[SurveyData, pd.DataFrame]:
    """The default pipeline, driven by a YAML-friendly dict; returns ``(data, log)``.

    ``config`` keys (all optional; ``false`` skips a step; a top-level ``cleaning:`` key
    is unwrapped): ``duplicates`` (``conflicts``), ``status`` (``reject``,
    ``review_reject``), ``select_multiple``, ``missing`` (``codes``, ``per_question``),
    ``types`` (``unknown_choices``). Steps needing a form are skipped, and say so in the
    log, when the data has no codebook.
    """
    _check_tables(data, "run_cleaning")
    config = dict(config or {})
    if set(config) == {"cleaning"}:
        config = dict(config["cleaning"] or {})
    unknown = set(config) - set(DEFAULT_CONFIG)
    if unknown:
        raise ConfigError(f"unknown cleaning step(s) {', '.join(sorted(map(str, unknown)))}",
                          hint=f"allowed: {', '.join(DEFAULT_CONFIG)}", key="cleaning")
    out = data
    if (c := _step_config(config, "duplicates")) is not None:
        out = drop_duplicates(out, **c)
    if (c := _step_config(config, "status")) is not None:
        out = exclude_status(out, **c)
    has_form = out.codebook is not None
    if _step_config(config, "select_multiple") is not None:
        if has_form:
            out = expand_select_multiple(out)
        else:
            n = len(out.main)
            out = out.with_log(LogEntry("expand_select_multiple", "all", n, n,
                                        "skipped: no form to know the choices"))
    if (c := _step_config(config, "missing")) is not None:
        out = declare_missing(out, **c)
    if (c := _step_config(config, "types")) is not None:
        if has_form:
            out = coerce_types(out, **c)
        else:
            n = len(out.main)
            out = out.with_log(LogEntry("coerce_types", "all", n, n,
                                        "skipped: no form to know the types"))
    return out, cleaning_log(out)


def cleaning_log(data: SurveyData) -> pd.DataFrame:
    """The log as a tidy frame with :data:`LOG_COLUMNS`, one row per step."""
    return pd.DataFrame([[e.step, e.table, e.rows_before, e.rows_after, e.detail]
                         for e in data.log], columns=LOG_COLUMNS)


def cleaning_issues(data: SurveyData) -> pd.DataFrame:
    """Every row/cell issue the steps found, as one frame with :data:`ISSUE_COLUMNS`."""
    frames = [e.counts["issues"] for e in data.log
              if isinstance(e.counts.get("issues"), pd.DataFrame) and len(e.counts["issues"])]
    if not frames:
        return _issues([])
    return pd.concat(frames, ignore_index=True)[ISSUE_COLUMNS]
