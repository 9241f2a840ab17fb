"""Derived variables named in a specification: age groups, weighted quantile groups, WG-SS.

Each function takes the analysis frame and returns one new column (a pandas ``string`` series,
``<NA>`` where the value cannot be known). They never change their input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError

__all__ = ["age_groups", "weighted_quantile_groups", "wg_disability", "add_derived",
           "WG_LEVELS"]

#: WG-SS answer names in order of severity (1..4); anything else is missing.
WG_LEVELS = ("no_difficulty", "some_difficulty", "lot_of_difficulty", "cannot_do")


def _numeric(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    if column not in frame:
        raise DataError(f"{what} needs column {column!r}, which the data does not have",
                        column=column, hint="check 'source' in the specification's 'derived'")
    values = pd.to_numeric(frame[column], errors="coerce")
    return values.astype("float64")


def age_groups(frame: pd.DataFrame, source: str, breaks: list[int]) -> pd.Series:
    """Closed-open age bands from ``breaks`` (``[18, 25, 65]`` → 18-24, 25-64, 65+)."""
    age = _numeric(frame, source, "age groups")
    edges = [*breaks, np.inf]
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(breaks[:-1], breaks[1:])] + [f"{breaks[-1]}+"]
    cut = pd.cut(age, edges, right=False, labels=labels)
    return cut.astype("string")


def weighted_quantile_groups(frame: pd.DataFrame, source: str, groups: int,
                             weights: pd.Series, in_scope: pd.Series | None = None) -> pd.Series:
    """Weighted quantile groups ``Q1`` (lowest) … ``Qk`` of ``source``.

    Cut points are the weighted quantiles of the respondents in scope (universe) with a known
    value — each group holds about 1/k of the *weighted* population, not of the sample
    (ties at a cut point go to the lower group). Rows outside scope or with no value get <NA>.
    """
    x = _numeric(frame, source, "quantile groups")
    w = np.asarray(weights, dtype="float64")
    ok = x.notna().to_numpy() & (w > 0)
    if in_scope is not None:
        ok &= np.asarray(in_scope, dtype=bool)
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    if not ok.any():
        return out
    xv, wv = x.to_numpy()[ok], w[ok]
    order = np.argsort(xv, kind="stable")
    cum = np.cumsum(wv[order]) / wv.sum()
    # weighted quantile = smallest x whose cumulative weight share reaches j/k
    cuts = xv[order][np.searchsorted(cum, np.arange(1, groups) / groups - 1e-12)]
    codes = np.searchsorted(cuts, xv, side="left")  # x <= cut_j -> group j
    labels = np.array([f"Q{j + 1}" for j in range(groups)], dtype=object)
    out.iloc[np.flatnonzero(ok)] = labels[codes]
    return out


def _severity(answers: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(answers, use_na_sentinel=True)
    rank = np.array([WG_LEVELS.index(u) + 1.0 if u in WG_LEVELS else np.nan
                     for u in map(str, uniques)] + [np.nan])
    return rank[np.asarray(codes)]  # code −1 (blank) picks the trailing NaN


def wg_disability(frame: pd.DataFrame, domains: list[str], identifier: str = "disability3",
                  missing_rule: str = "unknown_if_all_missing", min_age: int | None = None,
                  age: str = "age") -> pd.Series:
    """Washington Group Short Set disability identifier: ``with_disability`` / ``without_disability``.

    Identifiers (WG-SS analytic guidelines): disability1 ≥1 domain "some difficulty" or worse;
    disability2 ≥2 domains "some" or ≥1 "a lot"; disability3 (WG recommended, used for SDG
    disaggregation) ≥1 domain "a lot of difficulty" or "cannot do at all"; disability4 ≥1
    domain "cannot do at all". Missing data (don't know, refused, unanswered):

    * ``unknown_if_all_missing`` (WG Stata guideline as used by UNHCR RMS): a person meeting
      the cut-off is ``with_disability``; otherwise ``without_disability`` unless all domains
      are missing, then <NA> (unknown).
    * ``complete_domains`` (IMPACT humind practice): ``with_disability`` if the cut-off is
      met; ``without_disability`` only when every domain is known; otherwise <NA>.

    Persons younger than ``min_age`` get <NA>.
    """
    missing_cols = [d for d in domains if d not in frame]
    if missing_cols:
        raise DataError(f"WG-SS domains {missing_cols} are not in the data",
                        column=missing_cols[0], hint="check 'domains' in the specification")
    # severity 1..4 from the answer name (categorical codes: no string work per row), NaN
    # for anything else (don't know, refused, blank)
    sev = np.column_stack([_severity(frame[d]) for d in domains])
    known = ~np.isnan(sev)
    n_some = np.sum(sev >= 2, axis=1)
    n_lot = np.sum(sev >= 3, axis=1)
    n_cannot = np.sum(sev >= 4, axis=1)
    hit = {"disability1": n_some >= 1, "disability2": (n_some >= 2) | (n_lot >= 1),
           "disability3": n_lot >= 1, "disability4": n_cannot >= 1}[identifier]
    if missing_rule == "unknown_if_all_missing":
        unknown = ~hit & ~known.any(axis=1)
    else:  # complete_domains
        unknown = ~hit & ~known.all(axis=1)
    values = np.where(hit, "with_disability", "without_disability").astype(object)
    values[unknown] = None
    out = pd.Series(values, index=frame.index, dtype="string")
    if min_age is not None and age in frame:
        young = pd.to_numeric(frame[age], errors="coerce").astype("float64") < min_age
        out[young.fillna(False).to_numpy()] = pd.NA
    return out


def add_derived(frame: pd.DataFrame, derived: tuple[dict, ...], weights: pd.Series,
                in_scope: pd.Series | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with every derived variable of a specification added."""
    out = frame.copy()
    for d in derived:
        kind = d["kind"]
        if kind == "age_groups":
            col = age_groups(out, d["source"], list(d["breaks"]))
        elif kind == "weighted_quantile_groups":
            col = weighted_quantile_groups(out, d["source"], int(d["groups"]), weights, in_scope)
        else:
            col = wg_disability(out, list(d["domains"]), d.get("identifier", "disability3"),
                                d.get("missing_rule", "unknown_if_all_missing"),
                                d.get("min_age"))
        out[d["name"]] = col
    return out
