"""Comparisons of survey estimates: covariances, contrasts, gaps and change between rounds.

Monitoring asks two questions of every indicator: *is the gap between groups real* and
*did it change since the baseline*. Both need the standard error of a difference, hence the
covariance of the estimates involved:

* :func:`joint_estimates` estimates means, totals, proportions or ratios across domains and
  variables together with their covariance matrix (:class:`Estimates`). Taylor designs:
  from the joint PSU-level influence functions (same strata, PSUs, fpc, lonely-PSU rule
  and calibration residuals as the SEs, so ``diag(vcov) == se**2``); replicate designs:
  from the replicate estimates (R ``svyby(..., covmat=TRUE)`` / ``vcov``).
* :func:`contrast` any linear combination (R ``svycontrast``), or a ratio of two linear
  combinations by the delta method (parity index women/men, ratio of shares); replicate
  designs evaluate the ratio on every replicate, as R does when replicates are kept.
* :func:`gaps_to_reference` (or :func:`gap_table` in one call) the difference of every
  domain to a reference group, with its CI and a significance flag, ready to sit beside a
  disaggregation table.
* :func:`change_between_rounds` two independent rounds from their tidy estimate frames;
  :func:`panel_change` two rounds revisiting the same PSUs (covariance through common PSUs).

Intervals and tests of a contrast use Student's t with the design's degrees of freedom
(R ``confint(svycontrast(...), df=degf(design))`` and ``2 * pt(-|t|, degf)``), so a CI
excludes zero exactly when p < 1 - level.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rbm_surveys.errors import DataError, UsageError
from rbm_surveys.surveys.covariance import replicate_covariance, taylor_covariance
from rbm_surveys.surveys.estimate import RESULT_COLUMNS, linearise

__all__ = ["Estimates", "joint_estimates", "contrast", "gaps_to_reference", "gap_table",
           "change_between_rounds", "panel_change",
           "CONTRAST_COLUMNS", "CHANGE_COLUMNS", "GAP_COLUMNS"]

#: columns of :func:`contrast`
CONTRAST_COLUMNS = ["contrast", "estimate", "se", "ci_low", "ci_high", "df", "t", "p_value",
                    "significant", "ci_level", "method", "design"]
#: columns of :func:`change_between_rounds` after the key columns
CHANGE_COLUMNS = ["estimate_a", "se_a", "estimate_b", "se_b", "change", "se", "ci_low",
                  "ci_high", "df", "t", "p_value", "significant", "assumption"]
#: key columns of an indicator table (``run_indicators``) matched between rounds
INDICATOR_KEYS = ["module", "indicator", "disaggregation", "level"]
#: columns :func:`gaps_to_reference` adds to the estimate rows
GAP_COLUMNS = ["reference", "gap", "gap_se", "gap_ci_low", "gap_ci_high", "gap_df", "gap_t",
               "gap_p_value", "gap_significant"]


@dataclass
class Estimates:
    """Estimates of one design with their joint covariance.

    ``table``: the tidy estimate rows (the engine's columns plus ``label``); ``vcov``:
    their (K x K) covariance; ``df``: the design's degrees of freedom; ``replicates``
    (K x R) and the replicate ``scale``/``rscales``/``mse`` on replicate designs."""

    table: pd.DataFrame
    vcov: np.ndarray
    df: float
    design: str
    replicates: np.ndarray | None = None
    scale: float = 1.0
    rscales: np.ndarray | None = None
    mse: bool = False
    labels: list[str] = field(default_factory=list)

    @property
    def estimate(self) -> np.ndarray:
        return self.table["estimate"].to_numpy(dtype=float)

    def index(self, label: str) -> int:
        """Position of the estimate called ``label`` (see ``labels``)."""
        try:
            return self.labels.index(label)
        except ValueError:
            close = difflib.get_close_matches(label, self.labels, n=3)
            hint = (f"did you mean {', '.join(map(repr, close))}?" if close
                    else f"labels look like {self.labels[0]!r}")
            raise UsageError(f"no estimate labelled {label!r}", key=label, hint=hint) from None

    def correlation(self) -> np.ndarray:
        """Correlation matrix of the estimates."""
        sd = np.sqrt(np.diag(self.vcov))
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.vcov / np.outer(sd, sd)


def _labels(frame: pd.DataFrame) -> list[str]:
    by_cols = [c for c in frame.columns if c not in RESULT_COLUMNS and c not in
               ("warning", "label", "quantile")]
    out = []
    for _, row in frame.iterrows():
        parts = [f"{c}={row[c]}" for c in by_cols]
        var = str(row["variable"])
        if row["level"] is not None and not (isinstance(row["level"], float)
                                             and np.isnan(row["level"])):
            var = f"{var}={row['level']}"
        out.append(":".join(parts + [var]))
    return out


def joint_estimates(design: Any, statistic: str, variables: Any, by: Any = None,
          denominator: str | None = None, levels: Sequence[Any] | None = None) -> Estimates:
    """Estimates and their covariance matrix (R ``svyby(..., covmat=TRUE)`` + ``vcov``).

    ``statistic``: mean | total | proportion | ratio (``denominator`` names the ratio's
    denominator). Labels are ``"by=value:...:variable"`` (``variable=level`` for
    proportions), e.g. ``"sex=female:trust=yes"``. Rows are in the engine's order (domain
    major, as R ``svyby``)."""
    lin = linearise(design, statistic, variables, by=by, denominator=denominator,
                    levels=levels)
    if design.kind == "taylor":
        vcov = taylor_covariance(design, lin.totals, lin.active, lin.pps, lin.domain_lonely)
        extra: dict = {}
    else:
        vcov = replicate_covariance(lin.theta, lin.theta_r, design.scale, design.rscales,
                                    design.mse)
        extra = dict(replicates=lin.theta_r, scale=design.scale, rscales=design.rscales,
                     mse=design.mse)
    table = lin.table.copy()
    labels = _labels(table)
    table.insert(0, "label", labels)
    return Estimates(table, vcov, float(design.degf), design.describe(), labels=labels, **extra)


# ---------------------------------------------------------------------------- contrasts
def _weights(est: Estimates, spec: Any, name: str) -> np.ndarray:
    """A contrast vector from a {label: coefficient} mapping, a label or a vector."""
    k = len(est.labels)
    if isinstance(spec, str):
        spec = {spec: 1.0}
    if isinstance(spec, Mapping):
        vec = np.zeros(k)
        for label, coef in spec.items():
            vec[est.index(str(label))] += float(coef)
        return vec
    vec = np.asarray(spec, dtype=float).reshape(-1)
    if len(vec) != k:
        raise UsageError(f"contrast {name!r} has {len(vec)} coefficients for {k} estimates",
                         key=name, hint="give one coefficient per estimate, or a "
                                        "{label: coefficient} mapping")
    return vec


def _ratio_spec(spec: Any) -> tuple[Any, Any] | None:
    if isinstance(spec, tuple) and len(spec) == 3 and spec[0] in ("ratio", "log_ratio"):
        return spec[1], spec[2]
    return None


def contrast(est: Estimates, contrasts: Mapping[str, Any], level: float = 0.95,
             null: float | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Linear and ratio contrasts of estimates with SE, t-CI, df and p-value.

    ``contrasts`` maps a name to: a {label: coefficient} mapping or a vector (linear, R
    ``svycontrast(stat, c(...))``); or ``("ratio", a, b)`` / ``("log_ratio", a, b)`` with
    a and b labels or linear mappings: a/b by the delta method (R ``svycontrast(stat,
    quote(a/b))``); replicate designs evaluate a/b on each replicate (R with
    ``return.replicates=TRUE``). ``null``: the value tested against (0 for linear
    contrasts and log ratios, 1 for ratios unless given).
    """
    if not isinstance(contrasts, Mapping) or not contrasts:
        raise UsageError("contrasts must be a non-empty {name: specification} mapping",
                         key="contrasts", hint='e.g. {"women - men": {"sex=F:y": 1, '
                                               '"sex=M:y": -1}}')
    theta = est.estimate
    rows = []
    for name, spec in contrasts.items():
        pair = _ratio_spec(spec)
        if pair is None:
            c = _weights(est, spec, name)
            value = float(c @ theta)
            var = float(c @ est.vcov @ c)
            method, h0 = "linear", 0.0
        else:
            a, b = (_weights(est, s, name) for s in pair)
            num, den = float(a @ theta), float(b @ theta)
            log = spec[0] == "log_ratio"
            value = np.log(num / den) if log else num / den
            grad = (a / num - b / den) if log else (a / den - num * b / den ** 2)
            h0 = 0.0 if log else 1.0
            if est.replicates is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    rep = (a @ est.replicates) / (b @ est.replicates)
                    rep = np.log(rep) if log else rep
                var = float(replicate_covariance(np.array([value]), rep[None, :], est.scale,
                                                 est.rscales, est.mse)[0, 0])
                method = "replicates"
            else:
                var = float(grad @ est.vcov @ grad)
                method = "delta"
        if null is not None:
            h0 = float(null.get(name, h0) if isinstance(null, Mapping) else null)
        rows.append((str(name), value, var, method, h0))
    names, values, var, methods, h0 = (list(x) for x in zip(*rows))
    out = _test_frame(np.asarray(values), np.sqrt(np.maximum(var, 0.0)),
                      np.full(len(values), est.df), level, np.asarray(h0))
    out.insert(0, "contrast", names)
    out["ci_level"] = level
    out["method"] = methods
    out["design"] = est.design
    return out[CONTRAST_COLUMNS]


def _test_frame(value: np.ndarray, se: np.ndarray, df: np.ndarray, level: float,
                h0: np.ndarray | float = 0.0) -> pd.DataFrame:
    """estimate, se, t-interval, df, t statistic, two-sided p, significance at 1-level."""
    df = np.asarray(df, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tval = (value - h0) / se
        q = 1 - (1 - level) / 2
        crit = np.where(np.isinf(df), stats.norm.ppf(q), stats.t.ppf(q, np.maximum(df, 1e-12)))
        crit = np.where(df > 0, crit, np.nan)
        p = np.where(np.isinf(df), 2 * stats.norm.sf(np.abs(tval)),
                     2 * stats.t.sf(np.abs(tval), np.maximum(df, 1e-12)))
        p = np.where(df > 0, p, np.nan)
    return pd.DataFrame({"estimate": value, "se": se, "ci_low": value - crit * se,
                         "ci_high": value + crit * se, "df": df, "t": tval, "p_value": p,
                         "significant": p < 1 - level})


def gaps_to_reference(est: Estimates, by: str, reference: Any, level: float = 0.95) -> pd.DataFrame:
    """Each estimate's gap to the reference group of ``by`` (estimate - reference).

    Rows are matched on everything else (variable, level, other by-columns); the reference
    rows get a gap of 0 with no SE. Adds :data:`GAP_COLUMNS` to ``est.table``."""
    table = est.table
    if by not in table.columns:
        close = difflib.get_close_matches(by, list(table.columns), n=3)
        raise UsageError(f"the estimates are not by {by!r}", key=by,
                         hint=f"did you mean {close[0]!r}?" if close else
                         "estimate with by= including this column first")
    values = table[by].astype(str)
    if str(reference) not in set(values):
        close = ([v for v in sorted(set(values)) if v.casefold() == str(reference).casefold()]
                 or difflib.get_close_matches(str(reference), sorted(set(values)), n=3))
        raise UsageError(f"reference group {reference!r} is not a value of {by!r}", key=by,
                         hint=f"did you mean {close[0]!r}?" if close else
                         f"values: {', '.join(sorted(set(values))[:10])}")
    keys = [c for c in table.columns if c not in RESULT_COLUMNS and c not in
            ("label", "warning", by)] + ["variable", "level"]
    key_frame = table[keys].astype(str)
    ref_pos = {tuple(r): i for i, r in zip(np.flatnonzero(values == str(reference)),
                                           key_frame[values == str(reference)].itertuples(
                                               index=False))}
    k = len(table)
    gap = np.full(k, np.nan)
    var = np.full(k, np.nan)
    for i, r in enumerate(key_frame.itertuples(index=False)):
        j = ref_pos.get(tuple(r))
        if j is None:
            continue
        c = np.zeros(k)
        c[i] += 1.0
        c[j] -= 1.0
        gap[i] = c @ est.estimate
        var[i] = c @ est.vcov @ c
    res = _test_frame(gap, np.sqrt(np.maximum(var, 0)), np.full(k, est.df), level)
    is_ref = (values == str(reference)).to_numpy()
    out = table.copy()
    out["reference"] = str(reference)
    out["gap"] = gap
    for col, src in (("gap_se", "se"), ("gap_ci_low", "ci_low"), ("gap_ci_high", "ci_high"),
                     ("gap_df", "df"), ("gap_t", "t"), ("gap_p_value", "p_value")):
        out[col] = np.where(is_ref, np.nan, res[src].to_numpy())
    out["gap_significant"] = np.where(is_ref | np.isnan(gap), False,
                                      res["significant"].to_numpy())
    return out


def gap_table(design: Any, statistic: str, variables: Any, by: str | Sequence[str],
              reference: Any, compare_on: str | None = None,
              denominator: str | None = None, levels: Sequence[Any] | None = None,
              level: float = 0.95) -> pd.DataFrame:
    """A disaggregation table with each group's gap to ``reference`` in one call.

    ``by``: the disaggregation (a column or several); ``compare_on``: the by-column whose
    ``reference`` value the gaps are taken to (default: ``by`` when it is one column).
    Same as ``gaps_to_reference(joint_estimates(design, ...), compare_on, reference)``."""
    by_list = [by] if isinstance(by, str) else list(by)
    if compare_on is None:
        if len(by_list) != 1:
            raise UsageError("with several by-columns say which one holds the reference "
                             "group", key="compare_on", hint=f"e.g. compare_on={by_list[0]!r}")
        compare_on = by_list[0]
    est = joint_estimates(design, statistic, variables, by=by_list, denominator=denominator,
                          levels=levels)
    return gaps_to_reference(est, compare_on, reference, level)


# ---------------------------------------------------------------------------- rounds
def _key_strings(frame: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """One string per row joining the key columns (missing values as empty strings)."""
    parts = [frame[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                          else str(v)).to_numpy(dtype=object) for c in cols]
    return np.array(["\x1f".join(p) for p in zip(*parts)], dtype=object)


def change_between_rounds(estimates_a: pd.DataFrame, estimates_b: pd.DataFrame,
                          on: Sequence[str] | None = None, level: float = 0.95,
                          df: float | tuple[float, float] | None = None) -> pd.DataFrame:
    """Change b - a between two independent survey rounds, from their tidy estimate frames.

    Independent samples (different PSUs drawn in each round): SE = sqrt(se_a^2 + se_b^2);
    the t reference has df = df_a + df_b (the degrees of freedom of the two designs stacked
    as separate strata, where R's ``svycontrast`` gives the same SE), normal if either is
    infinite. ``df`` overrides: the total df (one number) or one per round (a tuple, e.g.
    each design's degf);
    by default the frames' ``df`` column (infinite for ``ci="wald"`` frames).
    ``on``: key columns (default: ``variable``, ``level`` and every by-column; for indicator
    tables from ``run_indicators``: module, indicator, disaggregation, level). Rows of one
    round with no partner in the other are an error. For PSUs revisited in both rounds use
    :func:`panel_change`.
    """
    for name, frame in (("estimates_a", estimates_a), ("estimates_b", estimates_b)):
        if not isinstance(frame, pd.DataFrame) or not {"estimate", "se"} <= set(frame.columns):
            raise UsageError(f"{name} must be a tidy estimate frame (estimate, se columns)",
                             key=name, hint="pass the result of design.mean/proportion/... "
                                            "or run_indicators")
    if on is None and {"indicator", "level"} <= set(estimates_a.columns):
        # indicator tables (run_indicators): one row per indicator x disaggregation x level
        on = [c for c in INDICATOR_KEYS if c in estimates_a.columns
              and c in estimates_b.columns]
    elif on is None:
        on = [c for c in estimates_a.columns if c not in RESULT_COLUMNS
              and c not in ("label", "warning", "quantile", "indicator_value")]
        on = ["variable", "level"] + [c for c in on if c not in ("variable", "level")]
        on = [c for c in on if c in estimates_b.columns]
    for c in on:
        for name, frame in (("estimates_a", estimates_a), ("estimates_b", estimates_b)):
            if c not in frame.columns:
                raise UsageError(f"key column {c!r} is missing from {name}", key=c)
    a = estimates_a.assign(_key=_key_strings(estimates_a, on))
    b = estimates_b.assign(_key=_key_strings(estimates_b, on))
    for name, frame in (("estimates_a", a), ("estimates_b", b)):
        dup = frame["_key"].duplicated().to_numpy()
        if dup.any():
            raise DataError(f"{name} has two rows for the same {', '.join(on)}",
                            row=int(np.flatnonzero(dup)[0]), hint="filter to one statistic")
    only_a = sorted(set(a["_key"]) - set(b["_key"]))
    only_b = sorted(set(b["_key"]) - set(a["_key"]))
    if only_a or only_b:
        side, keys = ("estimates_a", only_a) if only_a else ("estimates_b", only_b)
        raise DataError(f"{len(only_a) + len(only_b)} rows have no partner in the other "
                        f"round, e.g. {keys[0].replace(chr(31), ' / ')!r} in {side}",
                        key=", ".join(on), hint="estimate the same variables and groups in "
                                                "both rounds, or filter the frames")
    m = a.merge(b, on="_key", suffixes=("_a", "_b"))
    if df is None:
        dfa = m["df_a"].to_numpy(float) if "df_a" in m else np.full(len(m), np.inf)
        dfb = m["df_b"].to_numpy(float) if "df_b" in m else np.full(len(m), np.inf)
    else:
        dfa, dfb = (df if isinstance(df, tuple) else (df / 2, df / 2))
        dfa, dfb = np.full(len(m), float(dfa)), np.full(len(m), float(dfb))
    change = m["estimate_b"].to_numpy(float) - m["estimate_a"].to_numpy(float)
    se = np.sqrt(m["se_a"].to_numpy(float) ** 2 + m["se_b"].to_numpy(float) ** 2)
    res = _test_frame(change, se, dfa + dfb, level)
    out = pd.DataFrame({c: m[c + "_a"] if c + "_a" in m else m[c] for c in on})
    out["estimate_a"] = m["estimate_a"].to_numpy()
    out["se_a"] = m["se_a"].to_numpy()
    out["estimate_b"] = m["estimate_b"].to_numpy()
    out["se_b"] = m["se_b"].to_numpy()
    out["change"] = change
    for col in ("se", "ci_low", "ci_high", "df", "t", "p_value", "significant"):
        out[col] = res[col].to_numpy()
    out["assumption"] = "independent samples: no PSU in both rounds"
    return out


def panel_change(design_a: Any, design_b: Any, statistic: str, variables: Any,
                 by: Any = None, denominator: str | None = None,
                 levels: Sequence[Any] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Change b - a when round b revisits PSUs of round a (panel or overlapping sample).

    Both rounds must be uncalibrated linearisation designs declared with the same strata,
    ids, fpc and nest columns. Their rows are stacked into one design in which a PSU id
    seen in both rounds is one PSU, and the difference of the two rounds' estimates is a
    contrast in that design: its variance includes the covariance through the common PSUs
    (the ultimate-cluster correlation of the rounds). Assumptions: the stratification is
    the same in both rounds; a PSU keeps its id; later-stage units sharing an id inside a
    revisited PSU are the same units; n_h counts the PSUs sampled in either round, so each
    round's SE here can differ slightly from its own design's. R: ``rbind`` the rounds,
    ``svydesign`` on the stack, ``svycontrast`` of the two rounds' estimates.
    """
    from rbm_surveys.surveys.design import SurveyDesign

    for name, d in (("design_a", design_a), ("design_b", design_b)):
        if getattr(d, "kind", None) != "taylor":
            raise UsageError(f"{name} must be a linearisation SurveyDesign", key=name,
                             hint="for independent rounds or replicate designs use "
                                  "change_between_rounds on the two estimate frames")
        if d.calibration:
            raise UsageError(f"{name} is calibrated: a stacked panel design cannot carry "
                             "its calibration", key=name,
                             hint="use change_between_rounds (independent rounds), or "
                                  "estimate the panel change on the uncalibrated designs")
    spec = ("strata_columns", "id_columns", "fpc_spec", "nest", "pps", "lonely_psu")
    for attr in spec:
        if getattr(design_a, attr) != getattr(design_b, attr):
            raise UsageError(f"the rounds' designs differ in {attr.replace('_', ' ')}: "
                             f"{getattr(design_a, attr)!r} vs {getattr(design_b, attr)!r}",
                             key=attr, hint="declare both rounds with the same design columns")
    by_cols = [str(b) for b in ([] if by is None else ([by] if isinstance(by, str) else by))]
    needed = list(dict.fromkeys(
        [c for c in design_a.strata_columns + design_a.id_columns if c is not None]
        + [c for c in design_a.fpc_spec if isinstance(c, str)]
        + [str(v) for v in ([variables] if isinstance(variables, str) else variables)]
        + ([denominator] if denominator else []) + by_cols))
    parts = []
    for rnd, d in (("a", design_a), ("b", design_b)):
        missing = [c for c in needed if c not in d.data.columns]
        if missing:
            raise DataError(f"column {missing[0]!r} is missing from round {rnd}",
                            column=missing[0], hint="both rounds need the same columns")
        part = d.data[needed].copy()
        part["_round"] = rnd
        part["_weight"] = d.weights
        parts.append(part)
    stacked = pd.concat(parts, ignore_index=True)
    sd = SurveyDesign(stacked, weights="_weight", strata=design_a.strata_columns or None,
                      ids=design_a.id_columns or None, fpc=design_a.fpc_spec or None,
                      nest=design_a.nest, lonely_psu=design_a.lonely_psu)
    est = joint_estimates(sd, statistic, variables, by=["_round"] + by_cols,
                          denominator=denominator,
                levels=levels)
    t = est.table
    keys = [c for c in t.columns if c in by_cols] + ["variable", "level"]
    kf = _key_strings(t, keys)
    pos_a = {k: i for i, (k, r) in enumerate(zip(kf, t["_round"])) if r == "a"}
    rows, cvecs = [], []
    for j, (k, r) in enumerate(zip(kf, t["_round"])):
        if r != "b" or k not in pos_a:
            continue
        i = pos_a[k]
        c = np.zeros(len(t))
        c[j], c[i] = 1.0, -1.0
        rows.append((i, j))
        cvecs.append(c)
    if not rows:
        raise DataError("no estimate is present in both rounds", key="by")
    cm = np.asarray(cvecs)
    change = cm @ est.estimate
    var = np.einsum("ik,kl,il->i", cm, est.vcov, cm)
    res = _test_frame(change, np.sqrt(np.maximum(var, 0)), np.full(len(rows), est.df), level)
    ia = [i for i, _ in rows]
    ib = [j for _, j in rows]
    out = t.iloc[ia][keys].reset_index(drop=True)
    out["estimate_a"] = t["estimate"].to_numpy()[ia]
    out["se_a"] = t["se"].to_numpy()[ia]
    out["estimate_b"] = t["estimate"].to_numpy()[ib]
    out["se_b"] = t["se"].to_numpy()[ib]
    out["change"] = change
    for col in ("se", "ci_low", "ci_high", "df", "t", "p_value", "significant"):
        out[col] = res[col].to_numpy()
    out["assumption"] = "panel: PSUs revisited, covariance through common PSUs"
    return out
