"""Indicator values against the framework's baselines and yearly targets.

Input: indicator values already reduced from estimates or verdicts (one row per framework
indicator, year and, for location-specific indicators, location). Output: one tidy row per
value with its baseline, the target for that year and a status an evaluator can sort by.
Nothing here recomputes an estimate.

Status rules (direction is read from the targets: a target below the baseline means
"lower is better", as for the share living in slums):

* ``target met`` — the value reaches the year's target in the target's direction;
* ``improved, below target`` — it moved from the baseline towards the target but not far
  enough; ``share_of_planned_change`` says how far ((value − baseline)/(target − baseline));
* ``no improvement`` — it did not move towards the target;
* ``target set per location`` — the framework leaves baseline and targets to each project:
  they must come from ``local_targets`` (e.g. a baseline survey round);
* ``no target for this year`` / ``no baseline`` — the framework has no number to compare.

For survey values with a standard error, ``target_met_significant`` says whether the whole
95 % interval lies past the target (a conservative reading an evaluator may want).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.framework.seed import TARGET_YEARS, read_framework

__all__ = ["PROGRESS_COLUMNS", "progress"]

PROGRESS_COLUMNS = [
    "framework_id", "indicator", "subset", "location", "year", "value", "se", "source",
    "baseline", "target", "direction", "change_from_baseline", "share_of_planned_change",
    "status", "target_met_significant",
]

_Z95 = 1.959963984540054


def _check_values(values: pd.DataFrame) -> pd.DataFrame:
    missing = {"framework_id", "year", "value"} - set(values.columns)
    if missing:
        raise DataError(f"indicator values lack the column(s) {sorted(missing)}",
                        hint="give framework_id, year and value (optional: location, se, source)")
    out = values.copy()
    for col, default in (("location", ""), ("se", np.nan), ("source", "")):
        if col not in out.columns:
            out[col] = default
    for col in ("year", "value", "se"):
        raw = out[col]
        num = pd.to_numeric(raw, errors="coerce")
        blank = raw.isna() | (raw.astype(str).str.strip() == "")
        bad = (num.isna() & ~blank) | ~np.isfinite(num.fillna(0.0).astype(float))
        if col != "se":
            bad |= blank
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{col} '{raw.iloc[i]}' is not a finite number", row=i + 2, column=col,
                            hint="give numbers only (a dot for decimals, no units or words)")
        out[col] = num.astype(float)
    whole = out["year"] == out["year"].round()
    out["year"] = out["year"].where(~whole, out["year"].round())
    bad_year = ~out["year"].isin(TARGET_YEARS)
    if bad_year.any():
        row = int(np.flatnonzero(bad_year.to_numpy())[0]) + 2
        raise DataError(f"year '{values['year'].iloc[row - 2]}' has no target in the framework",
                        row=row, column="year", hint=f"use one of {list(TARGET_YEARS)}")
    out["year"] = out["year"].astype(int)
    return out


def progress(values: pd.DataFrame, framework: pd.DataFrame | None = None,
             local_targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compare indicator values with baselines and targets.

    Parameters
    ----------
    values:
        Columns ``framework_id, year, value`` and optionally ``location, se, source``.
        Proportions as fractions (0–1), as the framework table stores them.
    framework:
        The table from :func:`~rbm_surveys.framework.seed.read_framework` (default: shipped).
    local_targets:
        For indicators whose targets are set per location: columns ``framework_id,
        location, baseline`` and ``target_<year>`` for the years known.
    """
    values = _check_values(values)
    framework = read_framework() if framework is None else framework
    unknown = sorted(set(values["framework_id"]) - set(framework["framework_id"]))
    if unknown:
        raise DataError(f"unknown framework indicator(s) {unknown}",
                        hint="use the framework_id column of `rbm framework show`")
    target_cols = [f"target_{y}" for y in TARGET_YEARS]
    ref = framework[["framework_id", "indicator", "subset", "baseline", *target_cols, "status"]]
    merged = values.merge(ref, on="framework_id", how="left", validate="many_to_one")
    if local_targets is not None:
        local = local_targets.reindex(columns=["framework_id", "location", "baseline",
                                               *target_cols])
        merged = merged.merge(local, on=["framework_id", "location"], how="left",
                              suffixes=("", "_local"))
        for col in ("baseline", *target_cols):
            merged[col] = merged[f"{col}_local"].combine_first(merged[col])
    years = merged["year"].to_numpy()
    target_matrix = merged[target_cols].to_numpy(dtype=float)
    target = target_matrix[np.arange(len(merged)), np.searchsorted(TARGET_YEARS, years)]
    baseline = merged["baseline"].to_numpy(dtype=float)
    value = merged["value"].to_numpy(dtype=float)
    se = merged["se"].to_numpy(dtype=float)
    last_target = np.nanmax(np.where(np.isnan(target_matrix), -np.inf, target_matrix), axis=1)
    direction = np.where(last_target < baseline, -1.0, 1.0)  # lower is better if targets fall
    planned = target - baseline
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(planned != 0, (value - baseline) / planned, np.nan)
    met = direction * (value - target) >= 0
    moved = direction * (value - baseline) > 0
    status = np.select(
        [np.isnan(target) & (merged["status"] == "varies_by_location").to_numpy(),
         np.isnan(target), met, np.isnan(baseline), moved],
        ["target set per location", "no target for this year", "target met", "no baseline",
         "improved, below target"],
        default="no improvement")
    lower_bound = value - direction * _Z95 * np.nan_to_num(se, nan=0.0)
    significant = np.where(np.isnan(se) | np.isnan(target), None,
                           direction * (lower_bound - target) >= 0)
    out = pd.DataFrame({
        "framework_id": merged["framework_id"], "indicator": merged["indicator"],
        "subset": merged["subset"], "location": merged["location"], "year": years,
        "value": value, "se": se, "source": merged["source"], "baseline": baseline,
        "target": target, "direction": np.where(direction > 0, "higher", "lower"),
        "change_from_baseline": value - baseline, "share_of_planned_change": share,
        "status": status, "target_met_significant": significant,
    })
    return out[PROGRESS_COLUMNS]
