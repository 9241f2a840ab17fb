"""Reporting rules of the indicator table: which cells are suppressed or flagged, and how
the published interval is chosen.

The estimates, SEs, degrees of freedom and intervals come from ``SurveyDesign``
(``surveys/estimate.py``, R ``survey`` parity); this module only adds what is specific to
publishing indicators:

* cells with an estimate of exactly 0 or 1 (or a zero SE) get the Korn-Graubard interval
  with the domain's unweighted n as effective n (R ``svyciprop(method="beta")``), since the
  logit interval collapses there;
* ``deff`` = var / (p(1−p)/n), the variance relative to simple random sampling of the n
  respondents with replacement; ``n_eff`` = p(1−p)/var (n when the variance is 0);
  ``cv`` = se/p;
* ``n < min_n`` → suppressed (estimate, se, interval, deff and cv blanked);
  ``cv > max_cv`` or ``n_eff < min_n_eff`` → flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rbm_surveys.surveys.ci import proportion_interval

__all__ = ["ReportingRules", "apply_reporting_rules", "edge_intervals"]


@dataclass(frozen=True)
class ReportingRules:
    """When a cell is suppressed or flagged (defaults follow common NSO practice)."""

    min_n: int = 30  # fewer unweighted respondents → suppressed
    max_cv: float = 0.30  # larger coefficient of variation → flagged
    min_n_eff: float = 30  # smaller effective sample size → flagged
    ci: str = "logit"  # or "korn-graubard" for every cell (0 % / 100 % always use it)
    level: float = 0.95


def edge_intervals(frame: pd.DataFrame, level: float) -> pd.DataFrame:
    """Replace the interval of 0 % / 100 % / zero-SE cells by Korn-Graubard (in place)."""
    p = frame["estimate"].to_numpy(dtype="float64")
    se = frame["se"].to_numpy(dtype="float64")
    edge = (p <= 0) | (p >= 1) | ~(se > 0)
    if edge.any():
        low, high = proportion_interval("korn-graubard", p[edge], se[edge] ** 2,
                                        frame["df"].to_numpy(dtype="float64")[edge],
                                        frame["n"].to_numpy(dtype="float64")[edge], level)
        frame.loc[edge, "ci_low"], frame.loc[edge, "ci_high"] = low, high
        frame.loc[edge, "ci_method"] = "korn-graubard"
    bad = ~(frame["n"].to_numpy(dtype="float64") > 0)
    frame.loc[bad, ["ci_low", "ci_high"]] = np.nan
    return frame


def apply_reporting_rules(frame: pd.DataFrame, rr: ReportingRules) -> pd.DataFrame:
    """Add deff, n_eff, cv, suppressed and flag; blank suppressed cells (in place)."""
    p = frame["estimate"].to_numpy(dtype="float64")
    se = frame["se"].to_numpy(dtype="float64")
    var = se**2
    n = frame["n"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        var_srs = p * (1 - p) / n  # simple random sampling of n, with replacement
        deff = np.where(var_srs > 0, var / var_srs, np.nan)
        n_eff = np.where((p > 0) & (p < 1) & (var > 0), p * (1 - p) / var, n)
        cv = np.where(p > 0, se / p, np.nan)
    suppressed = n < rr.min_n
    flags = np.where(suppressed, f"suppressed: n < {rr.min_n}", "").astype(object)
    high_cv = ~suppressed & (cv > rr.max_cv)
    low_eff = ~suppressed & (n_eff < rr.min_n_eff)
    flags = np.where(high_cv, np.char.add(flags.astype(str), f"; cv > {rr.max_cv:.0%}"), flags)
    flags = np.where(low_eff, np.char.add(flags.astype(str),
                                          f"; effective n < {rr.min_n_eff:g}"), flags)
    frame["deff"], frame["n_eff"], frame["cv"] = deff, n_eff, cv
    frame["n"] = n.astype(np.int64)
    frame["suppressed"] = suppressed
    frame["flag"] = pd.Series(flags, dtype=object).str.lstrip("; ").to_numpy()
    for col in ("estimate", "se", "ci_low", "ci_high", "deff", "cv"):
        frame.loc[suppressed, col] = np.nan
    return frame
