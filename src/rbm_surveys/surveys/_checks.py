"""Boundary checks shared by the design classes: columns, weights, design variables.

Everything a user passes is checked here once, with errors that name the column and the
first offending rows (1-based, as a spreadsheet shows them), and say what to do.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError, UsageError

__all__ = ["as_list", "check_column", "check_weights", "first_rows", "numeric_column",
           "check_choice", "factorize_sorted", "code_dtype"]


def as_list(value: Any) -> list:
    """None -> [], a scalar or str -> [value], a sequence -> list(value)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, int, float, np.integer, np.floating)):
        return [value]
    return list(value)


def first_rows(mask: np.ndarray, limit: int = 5) -> str:
    """1-based row numbers where ``mask`` is true, at most ``limit`` of them."""
    rows = np.flatnonzero(mask)[:limit] + 1
    more = " …" if int(mask.sum()) > limit else ""
    return ", ".join(str(r) for r in rows) + more


def check_column(data: pd.DataFrame, name: Any, role: str) -> pd.Series:
    """Return ``data[name]`` or raise a DataError naming close matches."""
    if not isinstance(name, str) or name not in data.columns:
        cols = [str(c) for c in data.columns]
        close = difflib.get_close_matches(str(name), cols, n=3, cutoff=0.6)
        hint = (f"did you mean {', '.join(repr(c) for c in close)}?" if close
                else f"available columns: {', '.join(cols[:20])}{' …' if len(cols) > 20 else ''}")
        raise DataError(f"unknown {role} column {name!r}", column=name, hint=hint)
    return data[name]


def check_choice(value: Any, allowed: Sequence[str], key: str) -> str:
    if value not in allowed:
        raise UsageError(f"{key}={value!r} is not one of {', '.join(map(repr, allowed))}",
                         key=key, hint=f"use one of {', '.join(allowed)}")
    return value


def numeric_column(data: pd.DataFrame, name: str, role: str) -> np.ndarray:
    """A numeric column as float64 (NaN for missing); DataError if not numeric."""
    col = check_column(data, name, role)
    if isinstance(col.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        raise DataError(f"{role} column {name!r} is not numeric (dtype {col.dtype})", column=name,
                        hint="use proportion() for categorical variables, or convert the column "
                             "to numbers first")
    return col.to_numpy(dtype="float64", na_value=np.nan)


def check_weights(w: np.ndarray, column: str | None, allow_negative: bool = False) -> np.ndarray:
    bad = ~np.isfinite(w)
    if bad.any():
        raise DataError("weights must be finite numbers", column=column,
                        row=first_rows(bad), hint="fill in or drop the rows with missing weights")
    neg = w < 0
    if neg.any() and not allow_negative:
        raise DataError("weights must not be negative", column=column, row=first_rows(neg),
                        hint="check how the weights were computed")
    return w


def note_negative_weights(new: Any, old: Any) -> None:
    """Count negative weights on a derived design and record a warning in
    ``weighting_warnings`` (kept from ``old``; the weighting module appends its own)."""
    neg = new.weights < 0
    new.negative_weights = int(neg.sum())
    notes = tuple(getattr(old, "weighting_warnings", ()) or ())
    if neg.any():
        notes += (f"{int(neg.sum())} negative weight(s), first at row "
                  f"{int(np.argmax(neg)) + 1}: estimates from this design are unreliable",)
    new.weighting_warnings = notes


def design_warning(design: Any) -> str | None:
    """Text for the ``warning`` column of estimates: the design's weighting warnings."""
    notes = list(getattr(design, "weighting_warnings", ()) or ())
    neg = int(getattr(design, "negative_weights", 0) or 0)
    if neg and not any("negative" in n for n in notes):
        notes.append(f"{neg} negative weight(s)")
    return "; ".join(notes) or None


def code_dtype(n_labels: int) -> type:
    """Smallest signed integer type holding codes 0..n_labels-1 and -1 (memory: a binary
    variable's codes for a million rows take 1 MB, not 8)."""
    for dt in (np.int8, np.int16, np.int32):
        if n_labels < np.iinfo(dt).max:
            return dt
    return np.int64


def factorize_sorted(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes (smallest int type, -1 for missing) and their labels.

    Integer columns with a compact range (the usual codes for strata, PSUs, sex, age group)
    are coded with a lookup table in one vectorised pass; anything else goes through
    ``pandas.factorize``."""
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if arr.dtype.kind in "iub" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        span = hi - lo + 1
        if span <= max(4 * arr.size, 1 << 16):
            shifted = arr.astype(np.intp, copy=False)
            if lo:
                shifted = shifted - lo if shifted is arr else np.subtract(shifted, lo,
                                                                         out=shifted)
            present = np.bincount(shifted, minlength=span) > 0
            labels = np.flatnonzero(present) + lo
            lut = (np.cumsum(present, dtype=np.int64) - 1).astype(code_dtype(len(labels)))
            return lut[shifted], labels.astype(arr.dtype)
    codes, labels = pd.factorize(pd.Series(values) if not isinstance(values, pd.Series)
                                 else values, sort=True)
    return codes.astype(code_dtype(len(labels))), np.asarray(labels)
