"""Indicator values against the framework's baselines and targets: the progress rule.

Input: indicator values (one row per framework row, location and year; the whole population,
not a disaggregation). Output: one tidy row per value with its baseline, the straight path to
the 2023 target, a status and, when standard errors exist, whether the distance from the path
is significant. Nothing here recomputes an estimate. The rule (docs/framework.md states it):

* **Per location.** Every value is compared with the baseline and targets *of its location*:
  the framework's numbers, or the location's own (``local_targets``), or — for indicators
  the framework leaves to each location (…因项目（或地点）而异) — the location's earliest
  round as its baseline. Values of different cities are never pooled.
* **The path.** ``path(Y) = baseline + (target_2023 − baseline) · (Y − baseline_year) /
  (2023 − baseline_year)``, the straight line from the baseline to the 2023 target.
  Direction comes from the targets (a 2023 target below the baseline: lower is better, as
  for the share living in slums) or, where the source has no numbers, from the translations
  file. Status, in the indicator's direction:

  - ``2023 target met`` — the value reaches the 2023 target;
  - ``on track`` — it reaches the path for its year;
  - ``behind the path`` — it moved from the baseline towards the target, not far enough;
  - ``no progress`` — it did not move towards the target (or moved away);
  - ``baseline round`` — the value is the location's baseline itself;
  - ``no target`` — neither the framework nor ``local_targets`` give a 2023 target here.

* **Cumulative vs annual vs level.** ``target_basis`` (from the registry) says what a value
  must be: ``cumulative`` counts (partners that meet a rule — the register counts every
  partner that met it in any year up to Y, never one year's documents), ``annual`` flows
  (page views in the year), ``level`` (a share or a stock at Y), ``change`` (see next).
* **Increment targets** (…比例增幅, …每年减少幅度): the target is the yearly change in
  percentage points. The value compared is the change since the location's previous round,
  per year elapsed: ``met`` / ``below the yearly change`` / ``no progress``; without an
  earlier round, ``needs an earlier round``.
* **Significance.** With standard errors: ``z = d · (value − path) / se_diff`` where
  ``se_diff = sqrt(se_value² + (1 − f)² · se_baseline²)`` and ``f`` is the share of the path
  elapsed (the path moves with an estimated baseline; independent rounds). Two-sided 5 %:
  ``significantly ahead of the path`` / ``significantly behind the path`` / ``not
  significantly different from the path`` (ahead = better, in the indicator's direction). The change
  from the baseline has ``change_se = sqrt(se₁² + se₂²)`` (independent rounds; for a
  location's own baseline round computed by ``surveys.compare.change_between_rounds``) unless
  the caller passes ``change_se`` (e.g. from ``surveys.compare.panel_change`` when the rounds
  share PSUs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError
from rbm_surveys.framework.seed import BASELINE_YEAR, TARGET_YEARS, read_framework

__all__ = ["PROGRESS_COLUMNS", "STATUSES", "OFF_TRACK", "check_values", "progress",
           "rollup", "bottlenecks"]

PROGRESS_COLUMNS = [
    "framework_id", "indicator_id", "title_en", "indicator", "subset", "place", "area",
    "outcome", "location", "year", "value", "se", "target_basis", "target_kind", "direction",
    "baseline", "baseline_year", "baseline_se", "baseline_from", "target", "target_2023",
    "path_value", "change_from_baseline", "change_se", "share_of_planned_change", "status",
    "significance", "review_status", "note", "source",
]
STATUSES = ("2023 target met", "on track", "behind the path", "no progress", "baseline round",
            "no target", "met", "below the yearly change", "needs an earlier round")
#: Statuses that make an indicator a bottleneck.
OFF_TRACK = ("behind the path", "no progress", "below the yearly change")

_Z95 = 1.959963984540054
_KEY = ["framework_id", "location", "year"]
_MIN_YEAR = BASELINE_YEAR - 10


def _row(i: int) -> int:
    return i + 2  # spreadsheet row of a data row (header is row 1)


def _numeric(values: pd.DataFrame, column: str, required: bool) -> np.ndarray:
    raw = values[column]
    num = pd.to_numeric(raw, errors="coerce")
    text = raw.astype(str).str.strip()
    blank = raw.isna() | text.isin(["", "nan", "NaN", "None"])
    bad = num.isna() & ~blank
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"value {raw.iloc[i]!r} is not a number", row=_row(i),
                        column=column,
                        key=values["framework_id"].iloc[i],
                        hint="give numbers only (proportions as fractions, e.g. 0.48)")
    arr = num.to_numpy(dtype=float)
    if required and blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("value is empty", row=_row(i), column=column,
                        key=values["framework_id"].iloc[i],
                        hint="drop the row or give the number")
    inf = np.isinf(arr)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise DataError(f"{raw.iloc[i]!r} is not a finite number", row=_row(i), column=column,
                        key=values["framework_id"].iloc[i], hint="give a finite number")
    return arr


def check_values(values: pd.DataFrame, framework: pd.DataFrame) -> pd.DataFrame:
    """Indicator values checked once and resolved to framework rows (errors name the row).

    Columns ``framework_id, year, value`` and optionally ``subset, location, se, source,
    review_status``. ``framework_id`` names a framework row; an indicator with several
    subsets needs a ``subset`` column saying which one (Chinese or English label). Checks:
    numbers are numbers and finite, proportions lie in [0, 1], counts are ≥ 0, SEs ≥ 0,
    each (indicator row, location, year) appears once.
    """
    missing = {"framework_id", "year", "value"} - set(values.columns)
    if missing:
        raise DataError(f"indicator values lack the column(s) {sorted(missing)}",
                        hint="give framework_id, year and value (optional: subset, location, "
                             "se, source)")
    out = values.reset_index(drop=True).copy()
    out["framework_id"] = out["framework_id"].astype(str).str.strip()
    for col, default in (("location", ""), ("source", ""), ("review_status", "")):
        if col not in out.columns:
            out[col] = default
        out[col] = out[col].fillna("").astype(str)
    if "disaggregation" in out.columns:
        out = out[out["disaggregation"].fillna("all").astype(str).isin(["all", ""])]
        out = out.reset_index(drop=True)
    out["value"] = _numeric(out, "value", required=True)
    out["se"] = _numeric(out, "se", required=False) if "se" in out.columns else np.nan
    year = _numeric(out, "year", required=True)
    if ((year != np.round(year)) | (year < _MIN_YEAR) | (year > TARGET_YEARS[-1])).any():
        i = int(np.flatnonzero((year != np.round(year)) | (year < _MIN_YEAR)
                               | (year > TARGET_YEARS[-1]))[0])
        raise DataError(f"year {out['year'].iloc[i]!r} is outside the framework's period",
                        row=_row(i), column="year",
                        hint=f"use a whole year from {_MIN_YEAR} to {TARGET_YEARS[-1]}")
    out["year"] = year.astype(int)
    fw = framework.set_index("framework_id")
    unknown = sorted(set(out["framework_id"]) - set(fw.index))
    if unknown:
        i = int(np.flatnonzero(out["framework_id"].isin(unknown).to_numpy())[0])
        raise DataError(f"unknown framework indicator {unknown[0]!r}", row=_row(i),
                        column="framework_id",
                        hint="use the framework_id column of `rbm framework show`")
    members = framework.groupby("indicator_id")["framework_id"].apply(list).to_dict()
    has_subset = "subset" in out.columns
    resolved = []
    for i, (fid, subset) in enumerate(zip(out["framework_id"],
                                          out["subset"] if has_subset else [None] * len(out))):
        rows = members[fw.at[fid, "indicator_id"]]
        labels = {r: (fw.at[r, "subset"], fw.at[r, "subset_en"]) for r in rows}
        given = "" if subset is None or pd.isna(subset) else str(subset).strip()
        if len(rows) > 1 and not given:
            listed = ", ".join(f"{labels[r][0]} ({labels[r][1]}, {r})" for r in rows)
            raise DataError(f"indicator {fw.at[fid, 'indicator_id']} has {len(rows)} subsets "
                            f"— {listed} — and the value does not say which", row=_row(i),
                            key=fid, hint="add a subset column (Chinese or English label)")
        if given:
            match = [r for r in rows if given in labels[r]]
            if not match:
                listed = ", ".join(f"{a} / {b}" for a, b in labels.values())
                raise DataError(f"subset {given!r} is not one of indicator "
                                f"{fw.at[fid, 'indicator_id']}'s subsets ({listed})",
                                row=_row(i), column="subset", key=fid)
            fid = match[0]
        resolved.append(fid)
    out["framework_id"] = resolved
    scale = fw.loc[out["framework_id"], "scale"].to_numpy()
    kind = fw.loc[out["framework_id"], "target_kind"].to_numpy()
    value = out["value"].to_numpy()
    bad_prop = (scale == "proportion") & ((value < 0) | (value > 1))
    if bad_prop.any():
        i = int(np.flatnonzero(bad_prop)[0])
        raise DataError(f"{value[i]:g} is not a proportion (the indicator is a share, 0–1)",
                        row=_row(i), column="value", key=out["framework_id"].iloc[i],
                        hint=f"give proportions as fractions ({value[i] / 100:g} for "
                             f"{value[i]:g}%)" if value[i] > 1 else "a share lies in [0, 1]")
    bad_count = (scale != "proportion") & (kind == "level") & (value < 0)
    if bad_count.any():
        i = int(np.flatnonzero(bad_count)[0])
        raise DataError(f"{value[i]:g} is negative; this indicator counts something",
                        row=_row(i), column="value", key=out["framework_id"].iloc[i])
    se = out["se"].to_numpy(dtype=float)
    if (se < 0).any():
        i = int(np.flatnonzero(se < 0)[0])
        raise DataError(f"standard error {se[i]:g} is negative", row=_row(i), column="se",
                        key=out["framework_id"].iloc[i])
    dup = out.duplicated(_KEY, keep=False)
    if dup.any():
        idx = np.flatnonzero(dup.to_numpy())
        first = out.iloc[idx[0]]
        twins = [int(j) + 2 for j in idx if (out.iloc[j][_KEY] == first[_KEY]).all()]
        raise DataError(f"{first['framework_id']} at {first['location'] or 'no location'} in "
                        f"{first['year']} is given {len(twins)} times (rows {twins}) — they "
                        "would give contradictory statuses", key=first["framework_id"],
                        hint="keep one value per indicator, location and year")
    return out


def _local(framework: pd.DataFrame, local_targets: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["framework_id", "location", "baseline", "baseline_year", "baseline_se",
            *[f"target_{y}" for y in TARGET_YEARS]]
    if local_targets is None or local_targets.empty:
        return pd.DataFrame(columns=cols)
    lt = local_targets.reindex(columns=cols).copy()
    unknown = sorted(set(lt["framework_id"]) - set(framework["framework_id"]))
    if unknown:
        raise DataError(f"local targets name unknown framework indicator(s) {unknown}",
                        hint="use the framework_id column of `rbm framework show`")
    lt["location"] = lt["location"].fillna("").astype(str)
    dup = lt.duplicated(["framework_id", "location"])
    if dup.any():
        r = lt[dup].iloc[0]
        raise DataError(f"local targets give {r['framework_id']} at {r['location']!r} twice")
    return lt


def progress(values: pd.DataFrame, framework: pd.DataFrame | None = None,
             local_targets: pd.DataFrame | None = None,
             change_se: pd.DataFrame | None = None, programme: str | None = None
             ) -> pd.DataFrame:
    """Compare indicator values with baselines, the path to 2023 and the yearly targets.

    Parameters
    ----------
    values:
        See :func:`check_values`. Proportions as fractions (0–1).
    framework:
        The table from :func:`~rbm_surveys.framework.seed.read_framework` (default: shipped).
    local_targets:
        Per-location baselines/targets: ``framework_id, location`` and any of
        ``baseline, baseline_year, baseline_se, target_<year>``; they replace the framework's.
    change_se:
        Optional ``framework_id, location, year, change_se`` — the SE of the change from the
        baseline round when the rounds are not independent (default: sqrt(se₁² + se₂²)).
    """
    framework = read_framework() if framework is None else framework
    v = check_values(values, framework)
    fw = framework.set_index("framework_id")
    target_cols = [f"target_{y}" for y in TARGET_YEARS]
    meta = fw.loc[v["framework_id"], ["indicator_id", "title_en", "indicator", "subset",
                                       "place", "area", "outcome", "target_basis",
                                       "target_kind", "direction", "status", "scale",
                                       "baseline", "baseline_year", *target_cols]]
    meta = meta.reset_index(drop=True).rename(columns={"status": "framework_status"})
    v = v.drop(columns=[c for c in meta.columns if c in v.columns])
    m = pd.concat([v.reset_index(drop=True), meta], axis=1)
    m["baseline_se"] = np.nan
    m["baseline_from"] = np.where(m["baseline"].notna(), "framework", "")
    local = _local(framework, local_targets)
    if not local.empty:
        m = m.merge(local, on=["framework_id", "location"], how="left", suffixes=("", "_local"))
        for col in ("baseline", "baseline_year", "baseline_se", *target_cols):
            given = m[f"{col}_local"].notna().to_numpy()
            m[col] = np.where(given, pd.to_numeric(m[f"{col}_local"], errors="coerce"),
                              pd.to_numeric(m[col], errors="coerce")).astype(float)
            if col == "baseline":
                m["baseline_from"] = np.where(given, "local target", m["baseline_from"])
        m = m.drop(columns=[c for c in m.columns if c.endswith("_local")])
    part = ((m["target_basis"] == "cumulative") & (m["location"] != "")
            & (m["location"] != (programme or "")) & (m["baseline_from"] == "framework"))
    if programme is not None and part.any():
        m.loc[part, ["baseline", *target_cols]] = np.nan
        m.loc[part, "baseline_from"] = "none (framework targets are programme-wide)"
    m = m.sort_values(["framework_id", "location", "year"], kind="stable").reset_index(drop=True)
    # locations without a baseline (set per location): their earliest round is the baseline
    use_first = (m["baseline"].isna() & (m["target_kind"] == "level")
                 & (m["baseline_from"] == "")).to_numpy()
    grp = m.groupby(["framework_id", "location"], sort=False)
    for col, src in (("baseline", "value"), ("baseline_year", "year"), ("baseline_se", "se")):
        firsts = grp[src].transform("first").to_numpy(dtype=float)
        m[col] = np.where(use_first, firsts, pd.to_numeric(m[col], errors="coerce"))
    m.loc[use_first, "baseline_from"] = "earliest round at this location"
    m["note"] = np.where(m["framework_status"] == "varies_by_location",
                         "baseline and targets are set per location", "")
    d = np.where(m["direction"] == "lower", -1.0, 1.0)
    value = m["value"].to_numpy(float)
    se = m["se"].to_numpy(float)
    base = m["baseline"].to_numpy(float)
    base_year = m["baseline_year"].to_numpy(float)
    base_se = m["baseline_se"].to_numpy(float)
    year = m["year"].to_numpy(int)
    tmat = m[target_cols].to_numpy(float)
    in_period = np.isin(year, TARGET_YEARS)
    target = np.full(len(m), np.nan)
    target[in_period] = tmat[in_period, np.searchsorted(TARGET_YEARS, year[in_period])]
    t2023 = tmat[:, -1]
    span = TARGET_YEARS[-1] - base_year
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.clip((year - base_year) / span, 0.0, 1.0)
        path = base + (t2023 - base) * f
        share = np.where(t2023 != base, (value - base) / (t2023 - base), np.nan)
    change = value - base
    ch_se = np.sqrt(se ** 2 + np.nan_to_num(base_se, nan=0.0) ** 2)
    ch_se = np.where(np.isnan(se) & np.isnan(base_se), np.nan, ch_se)
    rounds = _round_changes(m)
    ch_se = np.where(np.isnan(rounds), ch_se, rounds)
    if change_se is not None and not change_se.empty:
        given = m.merge(change_se[["framework_id", "location", "year", "change_se"]],
                        on=_KEY, how="left")["change_se"].to_numpy(float)
        ch_se = np.where(np.isnan(given), ch_se, given)
    diff_se = np.sqrt(se ** 2 + ((1 - f) * np.nan_to_num(base_se, nan=0.0)) ** 2)
    # the path needs a baseline: with only yearly targets, the year's target is the path
    only_year = np.isnan(base) & ~np.isnan(target)
    path = np.where(only_year, target, path)
    with np.errstate(invalid="ignore"):
        status = np.select(
            [np.isnan(t2023) & np.isnan(target),
             only_year & (d * (value - target) >= 0),
             only_year,
             np.isnan(base) | np.isnan(t2023),
             (year <= base_year) & (m["baseline_from"] == "earliest round at this location"),
             d * (value - t2023) >= 0,
             d * (value - path) >= 0,
             d * (value - base) > 0],
            ["no target", "on track", "behind the path", "no target", "baseline round",
             "2023 target met", "on track", "behind the path"],
            default="no progress").astype(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = d * (value - path) / diff_se
    significance = np.where(
        np.isnan(z) | np.isin(status, ["no target", "baseline round"]), "",
        np.where(z >= _Z95, "significantly ahead of the path", np.where(
            z <= -_Z95, "significantly behind the path", "not significantly different from the path")))
    out = pd.DataFrame({
        "framework_id": m["framework_id"], "indicator_id": m["indicator_id"],
        "title_en": m["title_en"], "indicator": m["indicator"], "subset": m["subset"],
        "place": m["place"], "area": m["area"], "outcome": m["outcome"],
        "location": m["location"], "year": year, "value": value, "se": se,
        "target_basis": m["target_basis"], "target_kind": m["target_kind"],
        "direction": m["direction"], "baseline": base, "baseline_year": base_year,
        "baseline_se": base_se, "baseline_from": m["baseline_from"], "target": target,
        "target_2023": t2023, "path_value": path, "change_from_baseline": change,
        "change_se": ch_se, "share_of_planned_change": share, "status": status,
        "significance": significance, "review_status": m["review_status"],
        "note": m["note"], "source": m["source"],
    })
    short = ((out["target_basis"] == "cumulative") & (out["baseline_from"] == "framework")
             & (out["value"] < out["baseline"])).to_numpy()
    out.loc[short, "note"] = ("the register counts fewer partners than the framework's "
                              "baseline: it may not list every partner the baseline counted")
    changes = m["target_kind"] != "level"
    if changes.any():
        out = _yearly_changes(out, changes.to_numpy())
    return out[PROGRESS_COLUMNS]


def _round_changes(m: pd.DataFrame) -> np.ndarray:
    """SE of the change from a location's baseline round to each later round, through
    :func:`rbm_surveys.surveys.compare.change_between_rounds` (independent samples)."""
    from rbm_surveys.surveys.compare import change_between_rounds

    out = np.full(len(m), np.nan)
    own = (m["baseline_from"] == "earliest round at this location") & m["se"].notna()
    if not own.any():
        return out
    sub = m[own]
    first = sub["year"] == sub.groupby(["framework_id", "location"])["year"].transform("min")
    base = sub[first].rename(columns={"value": "estimate"})
    for _year, later in sub[~first].groupby("year"):
        b = later.rename(columns={"value": "estimate"})
        a = base.merge(b[["framework_id", "location"]], on=["framework_id", "location"])
        res = change_between_rounds(a[["framework_id", "location", "estimate", "se"]],
                                    b[["framework_id", "location", "estimate", "se"]],
                                    on=["framework_id", "location"])
        se = dict(zip(zip(res["framework_id"], res["location"]), res["se"]))
        for i in later.index:
            out[m.index.get_loc(i)] = se[(m.at[i, "framework_id"], m.at[i, "location"])]
    return out


def _yearly_changes(out: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Increment targets: the change since the location's previous round, per year."""
    out = out.copy()
    sub = out[mask]
    prev_value = sub.groupby(["framework_id", "location"])["value"].shift(1)
    prev_year = sub.groupby(["framework_id", "location"])["year"].shift(1)
    prev_se = sub.groupby(["framework_id", "location"])["se"].shift(1)
    years = sub["year"] - prev_year
    per_year = (sub["value"] - prev_value) / years
    d = np.where(sub["direction"] == "lower", -1.0, 1.0)
    target = sub["target"]
    status = np.select(
        [prev_value.isna(), target.isna(), d * per_year >= target - 1e-12, d * per_year > 0],
        ["needs an earlier round", "no target", "met", "below the yearly change"],
        default="no progress")
    out.loc[mask, "baseline"] = prev_value
    out.loc[mask, "baseline_year"] = prev_year
    out.loc[mask, "baseline_se"] = prev_se
    out.loc[mask, "baseline_from"] = np.where(prev_value.isna(), "", "previous round")
    out.loc[mask, "change_from_baseline"] = per_year
    out.loc[mask, "change_se"] = np.sqrt(sub["se"] ** 2 + prev_se ** 2) / years
    out.loc[mask, "path_value"] = np.nan
    out.loc[mask, "share_of_planned_change"] = d * per_year / target
    out.loc[mask, "status"] = status
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (d * per_year - target) / out.loc[mask, "change_se"]
    out.loc[mask, "significance"] = np.where(
        z.isna(), "", np.where(z >= _Z95, "significantly above the yearly target",
                               np.where(z <= -_Z95, "significantly below the yearly target",
                                        "not significantly different from the yearly target")))
    out.loc[mask, "note"] = ("target is a yearly change in percentage points; "
                             "change_from_baseline is per year since the previous round")
    return out


def rollup(table: pd.DataFrame) -> pd.DataFrame:
    """Statuses counted by area and outcome (theme for cross-cutting sections), latest year.

    One row per (area, outcome): indicators assessed, met, on track, behind, no progress, and
    ``share_on_track`` = (met + on track) / assessed. Each (indicator row, location) counts
    once, with its latest value.
    """
    latest = table.sort_values("year").groupby(["framework_id", "location"]).tail(1)
    latest = latest.assign(group=np.where(latest["outcome"] != "", latest["outcome"],
                                          latest["place"]))
    assessed = latest[~latest["status"].isin(["no target", "baseline round",
                                              "needs an earlier round"])]
    good = assessed["status"].isin(["2023 target met", "on track", "met"])
    rows = []
    for (area, group), g in assessed.assign(good=good).groupby(["area", "group"]):
        n = len(g)
        rows.append({"area": area, "outcome": group, "assessed": n,
                     "met_or_on_track": int(g["good"].sum()),
                     "off_track": int(g["status"].isin(OFF_TRACK).sum()),
                     "no_progress": int((g["status"] == "no progress").sum()),
                     "share_on_track": g["good"].mean() if n else np.nan})
    return pd.DataFrame(rows, columns=["area", "outcome", "assessed", "met_or_on_track",
                                       "off_track", "no_progress", "share_on_track"])


def bottlenecks(table: pd.DataFrame) -> pd.DataFrame:
    """Indicators off track (latest value per location), grouped by outcome, worst first."""
    latest = table.sort_values("year").groupby(["framework_id", "location"]).tail(1)
    off = latest[latest["status"].isin(OFF_TRACK)].copy()
    off["outcome"] = np.where(off["outcome"] != "", off["outcome"], off["place"])
    off["n_off_in_outcome"] = off.groupby("outcome")["framework_id"].transform("count")
    cols = ["outcome", "n_off_in_outcome", "framework_id", "title_en", "location", "year",
            "value", "path_value", "target_2023", "status", "significance"]
    return off.sort_values(["n_off_in_outcome", "outcome", "framework_id"],
                           ascending=[False, True, True])[cols].reset_index(drop=True)
