"""Spreadsheet-safe cell values.

Text that came from respondents or documents must never become a formula when a CSV or XLSX
is opened in Excel/LibreOffice (OWASP "CSV injection"): a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return is prefixed with an apostrophe-like guard. Numbers stay
numbers; only strings are touched.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_frame"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_GUARD = "'"


def safe_cell(value: Any) -> Any:
    """Return ``value`` with a leading guard if it is a string Excel would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return _GUARD + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are all formula-safe."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out
