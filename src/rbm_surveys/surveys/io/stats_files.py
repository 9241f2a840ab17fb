"""SPSS ``.sav`` and Stata ``.dta`` through pyreadstat, lossless (reference §4).

Read with ``user_missing=True``: declared missing codes (SPSS discrete values and ranges,
Stata ``.a``–``.z``) stay *values* in the table and are listed in ``missing_codes`` so that
cleaning can turn them into reasons — with pyreadstat's default they would silently become
NaN. Value labels become a choice list per variable; variable labels become field labels.
Old Ona/KoBoCAT ``.sav`` named variables ``var1..varN`` with the XPath as label (§1.7): those
are renamed from their labels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from rbm_surveys.errors import FileFormatError
from rbm_surveys.surveys.io.frames import RawTable
from rbm_surveys.surveys.io.xlsform import DEFAULT_LANGUAGE, MISSING_CODE_COLUMNS, Codebook, _choice_name

__all__ = ["read_stats_file"]

_VARN = re.compile(r"^var\d+$", re.IGNORECASE)


def _read_native(path: str, kind: str):
    """pyreadstat's read (in the guarded child process)."""
    import pyreadstat

    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    return reader(path, user_missing=True)


def read_stats_file(path: Path, kind: str) -> tuple[RawTable, Codebook]:
    """The data as one raw table and a codebook built from the file's own metadata."""
    from rbm_surveys.safety import run_guarded

    # pyreadstat's C reader can segfault on a corrupt file: it runs in a child process, so a
    # crash is a FileFormatError naming the file instead of the end of the interpreter
    df, meta = run_guarded(_read_native, str(path), kind, file=str(path),
                           what=f"{kind.upper()} reader (pyreadstat)",
                           hint="the file may be corrupt or truncated; save it again from "
                                "SPSS/Stata")
    nameless = [i for i, c in enumerate(df.columns, start=1) if not isinstance(c, str) or not c]
    if nameless:
        raise FileFormatError(f"variable {nameless[0]} has no name: the file's dictionary is "
                              "damaged", file=str(path),
                              hint="save the file again from SPSS/Stata")
    labels = dict(meta.column_names_to_labels or {})
    value_labels = {k: dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    cols = list(df.columns)
    if cols and all(_VARN.match(c) for c in cols) and all(labels.get(c) for c in cols):
        short = {c: str(labels[c]).split("/")[-1] for c in cols}
        unique = pd.Series(list(short.values())).is_unique
        renames = {c: (short[c] if unique else str(labels[c])) for c in cols}
        df = df.rename(columns=renames)
        labels = {renames[c]: labels[c] for c in cols}
        value_labels = {renames[c]: v for c, v in value_labels.items() if c in renames}

    # missing codes: SPSS ranges (discrete values have lo == hi), Stata extended letters
    miss_rows = []
    for col, ranges in (meta.missing_ranges or {}).items():
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            coded = col in value_labels
            miss_rows.append({"column": col, "value": (_choice_name(lo) if coded else lo) if lo == hi else None,
                              "lo": lo, "hi": hi, "label": value_labels.get(col, {}).get(lo) if lo == hi else None})
    for col, letters in (meta.missing_user_values or {}).items():
        for v in letters:
            miss_rows.append({"column": col, "value": str(v), "lo": None, "hi": None,
                              "label": value_labels.get(col, {}).get(v)})
    missing = pd.DataFrame(miss_rows, columns=list(MISSING_CODE_COLUMNS))

    fields, choices = [], []
    for col in df.columns:
        s = df[col]
        if col in value_labels:
            typ = "select_one"
            for code, lab in value_labels[col].items():
                choices.append({"list_name": col, "name": _choice_name(code), f"label::{DEFAULT_LANGUAGE}": str(lab)})
        elif pd.api.types.is_numeric_dtype(s.dtype):
            typ = "decimal"
        elif col in (meta.missing_user_values or {}):
            typ = "text"  # Stata numbers mixed with .a–.z letters: text keeps the letters
        else:
            typ = "text"
        fields.append({"name": col, "path": col, "group_path": "", "type": typ,
                       "list_name": col if typ == "select_one" else None,
                       f"label::{DEFAULT_LANGUAGE}": labels.get(col), "relevant": None, "repeat": None,
                       "required": False, "or_other": False})
    from rbm_surveys.surveys.io.xlsform import _finish_choices, _finish_fields

    langs = (DEFAULT_LANGUAGE,)
    cb = Codebook(fields=_finish_fields(pd.DataFrame(fields), langs),
                  choices=_finish_choices(pd.DataFrame(choices), langs), languages=langs,
                  title=getattr(meta, "file_label", None) or path.stem, form_id=path.stem,
                  default_language=DEFAULT_LANGUAGE, missing_codes=missing)
    return RawTable("main", df, 1, None), cb
