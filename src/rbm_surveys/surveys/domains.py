"""Domains and categorical levels, integer-coded once and cached on the design.

A domain set is the cross-classification of the ``by`` columns present in the data (sorted
labels, as R ``svyby``); rows with a missing by-value belong to no domain. Codes use the
smallest integer type and are cached per by-specification on the (immutable) design, so
repeated estimates and the replicate designs built from it do not factorise the same
columns again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.surveys._checks import as_list, check_column, code_dtype, factorize_sorted

__all__ = ["Domains", "domains_of", "levels_of"]


@dataclass
class Domains:
    codes: np.ndarray        # (n,) domain of each row, -1 = in no domain
    count: int
    frame: pd.DataFrame      # one row per domain, one column per by-variable
    by: list[str]


def domains_of(design: Any, by: str | Sequence[str] | None) -> Domains:
    """Integer-coded domains, cached on the (immutable) design per by-specification."""
    by_cols = [str(b) for b in as_list(by)]
    return design.memo(("dom", tuple(by_cols)), lambda: _make_domains(design, by_cols))


def _make_domains(design: Any, by_cols: list[str]) -> Domains:
    n = design.n
    if not by_cols:
        return Domains(np.zeros(n, dtype=np.int8), 1, pd.DataFrame(index=[0]), [])
    key = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=bool)
    labels = []
    for col in by_cols:
        codes, lab = design.memo(("dom", (col,), "codes"),
                                 lambda: factorize_sorted(check_column(design.data, col, "by")))
        valid &= codes >= 0
        key = key * max(len(lab), 1) + codes
        labels.append(np.asarray(lab))
    inv, uniq = factorize_sorted(key[valid])
    dom = np.full(n, -1, dtype=code_dtype(len(uniq)))
    dom[valid] = inv
    parts = {}
    rest = uniq.copy()
    for col, lab in reversed(list(zip(by_cols, labels))):
        parts[col] = lab[rest % len(lab)]
        rest //= len(lab)
    frame = pd.DataFrame({c: parts[c] for c in by_cols})
    return Domains(dom, len(uniq), frame, by_cols)


def levels_of(design: Any, name: str, levels: Sequence[Any] | None) -> tuple[np.ndarray, list]:
    key = ("levels", name, None if levels is None else tuple(levels))
    return design.memo(key, lambda: _make_levels(design, name, levels))


def _make_levels(design: Any, name: str, levels: Sequence[Any] | None) -> tuple[np.ndarray, list]:
    col = check_column(design.data, name, "variable")
    codes, lab = factorize_sorted(col)
    lab = list(lab)
    if levels is not None:
        want = list(levels)
        unknown = [lv for lv in lab if lv not in want]
        if unknown:
            raise DataError(f"variable {name!r} has values not in levels: {unknown[:5]}",
                            column=name, hint="add them to levels= or recode the column")
        remap = np.array([want.index(lv) for lv in lab] + [-1])
        codes = remap[codes]
        lab = want
    return codes.astype(code_dtype(len(lab))), lab
