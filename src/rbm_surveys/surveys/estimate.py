"""Estimates on survey designs: mean, total, proportion, ratio, quantile, variance.

Every statistic is a ratio of weighted totals, theta = Y_d / X_d, per (variable, domain):
a mean has x = 1, a proportion is the mean of a 0/1 indicator, a total has no denominator.
So one engine serves them all:

1. *Sufficient statistics*: weighted sums of each variable per (domain, cluster) at each
   stage, by ``np.bincount`` on integer keys (``domain * n_clusters + cluster``) — a handful
   of passes over the rows, whatever the number of estimates.
2. *Scores*: cluster totals of the linearised influence scores,
   t_c = (Y_dc - theta X_dc) / X_d (Binder 1983; R ``svymean``/``svyratio``), formed on the
   small (domain x cluster) arrays.
3. *Variance*: :mod:`rbm_surveys.surveys.variance` (Taylor, by stage) or the replicate
   formula on replicate estimates obtained as (domain x PSU sums) @ (PSU x replicate
   factors).

Domains are estimated by zero-weighting (rows are never dropped): the variance uses the
whole design, as R ``svyby``. Missing values are R's ``na.rm=TRUE``: a row with a missing
value in any requested variable gets zero weight for that call, the design is unchanged.

Every function returns a tidy DataFrame with the columns of :data:`RESULT_COLUMNS` (plus
one column per ``by`` variable, after ``level``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rbm_surveys.errors import UsageError
from rbm_surveys.surveys._checks import (as_list, check_choice, check_column, design_warning,
                                         numeric_column)
from rbm_surveys.surveys.ci import (CI_METHODS, DEFAULT_PROPORTION_CI, PROPORTION_METHODS,
                                    critical, likelihood_interval, proportion_interval,
                                    wald_interval)
from rbm_surveys.surveys.domains import Domains, domains_of, levels_of
from rbm_surveys.surveys.pps import pps_variance
from rbm_surveys.surveys.variance import replicate_variance, taylor_variance

__all__ = ["RESULT_COLUMNS", "mean", "total", "proportion", "ratio", "quantile", "variance",
           "table", "crosstab", "domain_degf", "domain_psus", "PsuSums", "estimate_from_sums",
           "Linearisation", "linearise"]

#: fixed result columns; the ``by`` columns are inserted after ``level``
RESULT_COLUMNS = ["variable", "level", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n",
                  "n_weighted", "cv", "n_eff", "statistic", "ci_method", "lonely_psu", "design"]

QUANTILE_RULES = ("math", "school", "hf7")


# ---------------------------------------------------------------------------- engine
class _Vars:
    """The analysis variables as *virtual columns*: numeric columns first, then one 0/1
    column per level of each categorical variable, then the constant 1.

    Categorical levels are never expanded row-wise: their weighted sums per key come from a
    single ``bincount`` on (key, level)."""

    def __init__(self, numeric: list[np.ndarray] | None = None,
                 categorical: list[tuple[np.ndarray, int]] | None = None) -> None:
        numeric = numeric or []
        self.num = (np.asfortranarray(np.column_stack(numeric)) if numeric
                    else np.empty((0, 0)))
        self.cat = categorical or []
        self.m_num = len(numeric)
        self.width = self.m_num + sum(L for _, L in self.cat)   # without the constant
        self.ones = self.width

    def missing(self, n: int) -> np.ndarray:
        miss = np.zeros(n, dtype=bool)
        if self.m_num:
            miss |= np.isnan(self.num).any(axis=1)
        for codes, _ in self.cat:
            miss |= codes < 0
        return miss

    def sums(self, keys: np.ndarray, n_keys: int, w: np.ndarray,
             scratch: bool = False) -> np.ndarray:
        """(width+1, n_keys) sums of w * column per key (w is 0 where a row is not used).

        ``scratch=True``: ``keys`` is a temporary int64 array the method may overwrite."""
        out = np.empty((self.width + 1, n_keys))
        sizes = [L for _, L in self.cat]
        if self.cat and not self.m_num and n_keys * int(np.prod(sizes)) <= 2 ** 25:
            # all categorical: ONE bincount on (key, level_1, ..., level_k), then margins
            kc = keys if scratch and keys.dtype == np.int64 else keys.astype(np.int64)
            for codes, L in self.cat:
                kc *= L
                kc += np.maximum(codes, 0)
            joint = np.bincount(kc, weights=w, minlength=n_keys * int(np.prod(sizes)))
            joint = joint.reshape(n_keys, *sizes)
            at = 0
            for i, L in enumerate(sizes):
                other = tuple(a for a in range(1, len(sizes) + 1) if a != i + 1)
                out[at:at + L] = joint.sum(axis=other).T if other else joint.T
                at += L
            out[-1] = joint.reshape(n_keys, -1).sum(axis=1)
            return out
        for j in range(self.m_num):       # one bincount per numeric variable, not per row
            out[j] = np.bincount(keys, weights=w * np.nan_to_num(self.num[:, j]),
                                 minlength=n_keys)
        at = self.m_num
        for codes, L in self.cat:         # one bincount per categorical variable
            kc = keys * L + np.maximum(codes, 0)
            out[at:at + L] = np.bincount(kc, weights=w, minlength=n_keys * L).reshape(n_keys, L).T
            at += L
        out[-1] = np.bincount(keys, weights=w, minlength=n_keys)
        return out

    def square_sums(self, keys: np.ndarray, n_keys: int, w: np.ndarray,
                    first: np.ndarray) -> np.ndarray:
        """(width, n_keys) sums of w * column^2 (0/1 columns: equal to ``first``)."""
        out = first[:-1].copy()
        for j in range(self.m_num):
            out[j] = np.bincount(keys, weights=w * np.nan_to_num(self.num[:, j]) ** 2,
                                 minlength=n_keys)
        return out

    def dense(self, n: int) -> np.ndarray:
        """(n, width+1) materialised columns (for row-level scores only)."""
        cols = [np.nan_to_num(self.num[:, j]) for j in range(self.m_num)]
        for codes, L in self.cat:
            cols += [(codes == i).astype(float) for i in range(L)]
        cols.append(np.ones(n))
        return np.column_stack(cols)


@dataclass
class _Pre:
    """Sufficient statistics computed elsewhere (by :func:`table`)."""
    s0: np.ndarray           # (width+1, D, C) sums per (domain, base cluster)
    n_dom: np.ndarray        # (D,) rows with positive weight
    sq: np.ndarray | None    # (width, D) sums of w * column^2
    df: np.ndarray | None = None   # (D,) degrees of freedom of each domain


@dataclass
class _Linear:
    theta: np.ndarray
    var: np.ndarray
    y: np.ndarray            # numerator totals
    x: np.ndarray            # denominator totals (1 for totals)
    n: np.ndarray            # rows behind each estimate
    n_weighted: np.ndarray
    df: np.ndarray           # domain degrees of freedom
    deff: np.ndarray
    theta_r: np.ndarray | None = None   # (K, R) replicate estimates (replicate designs)


def _keys(domain: np.ndarray, n_clusters: int, cluster: np.ndarray) -> np.ndarray:
    """domain * n_clusters + cluster as one int64 array (no other temporaries)."""
    key = domain.astype(np.int64)
    key *= n_clusters
    key += cluster
    return key


def _linear(design: Any, vars_: _Vars, complete: np.ndarray, dom: Domains, num: np.ndarray,
            den: np.ndarray, d_idx: np.ndarray, deff: bool | str = False,
            kind: str = "mean", pre: _Pre | None = None, keep: dict | None = None) -> _Linear:
    """theta_k = sum(w u_num) / sum(w u_den) over domain d_k (den = -1: total; -2: ones)."""
    D = dom.count
    den_i = np.where(den == -2, vars_.ones, den)
    if pre is not None:
        # sums already aggregated (single-stage / PSU-factor designs only): no row pass
        s0, n_dom = pre.s0, pre.n_dom
        dsum = s0.sum(axis=2)
        w_e = domc = use = None
    else:
        in_dom = dom.codes >= 0
        use = complete & in_dom
        all_used = bool(use.all())
        domc = dom.codes if all_used else np.where(in_dom, dom.codes, 0)
        w_e = design.weights if all_used else np.where(use, design.weights, 0.0)
        # sufficient statistics at the base clustering (stage-1 PSUs / replicate PSUs)
        layout = design.psu_layout
        base_cluster = None if layout is None else layout.psu
        if base_cluster is not None:
            c = layout.n_psu
            s0 = vars_.sums(_keys(domc, c, base_cluster), D * c, w_e,
                            scratch=True).reshape(-1, D, c)
            dsum = s0.sum(axis=2)
        else:
            s0 = None
            dsum = vars_.sums(domc, D, w_e)
        if all_used and design.memo(("positive",), lambda: bool(np.all(design.weights > 0))):
            n_dom = np.bincount(domc, minlength=D).astype(float)
        else:
            n_dom = np.bincount(domc, weights=(w_e != 0).astype(float), minlength=D)
    y = dsum[num, d_idx]
    x = np.where(den_i >= 0, dsum[np.maximum(den_i, 0), d_idx], 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = y / x
    n_k = n_dom[d_idx]
    nw_k = dsum[vars_.ones, d_idx]
    if design.kind == "taylor":
        var = _taylor_var(design, vars_, w_e, domc, D, num, den_i, d_idx, theta, x, s0, keep)
        theta_r = None
        if pre is None:
            df_dom = domain_degf(design, dom)
        elif pre.df is not None:
            df_dom = pre.df
        else:                 # sums from another engine: PSUs where the domain has weight
            df_dom = _degf_of(design, pre.s0[vars_.ones] > 0)
    else:
        theta_r = _replicate_estimates(design, vars_, domc, D, num, den_i, d_idx, use, s0)
        var = replicate_variance(theta, theta_r, design.scale, design.rscales, design.mse)
        df_dom = np.full(D, float(design.degf))
    deff_k = np.full(len(theta), np.nan)
    if deff and kind in ("mean", "total"):
        sq = pre.sq if pre is not None else vars_.square_sums(domc, D, w_e, dsum)
        deff_k = _deff(var, sq, dsum, num, d_idx, n_k, nw_k, deff, kind)
    return _Linear(theta, var, y, x, n_k, nw_k, df_dom[d_idx], deff_k, theta_r)


def _scores_T(s: np.ndarray, num: np.ndarray, den_i: np.ndarray, d_idx: np.ndarray,
              theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Cluster totals of scores (C x K) from sums s (m+1, D, C)."""
    t = s[num, d_idx].copy()                                   # (K, C)
    ratio = den_i >= 0
    if ratio.any():
        t[ratio] -= theta[ratio, None] * s[den_i[ratio], d_idx[ratio]]
        t[ratio] /= x[ratio, None]
    return t.T


def _taylor_var(design: Any, vars_: _Vars, w_e: np.ndarray, domc: np.ndarray, D: int,
                num: np.ndarray, den_i: np.ndarray, d_idx: np.ndarray, theta: np.ndarray,
                x: np.ndarray, s0: np.ndarray, keep: dict | None = None) -> np.ndarray:
    totals = []
    raked = None if _DENSE_CALIBRATED_SCORES else _raked_layout(design, w_e)
    if raked is not None:
        totals = _raked_totals(vars_, design, w_e, domc, D, num, den_i, d_idx, theta, x, s0,
                               *raked)
    elif design.calibration:
        # row-level scores (R passes these to svyrecvar), residualised by each calibration
        cols = vars_.dense(design.n)
        z = cols[:, num] * w_e[:, None]
        ratio = den_i >= 0
        if ratio.any():
            z[:, ratio] = (z[:, ratio] - theta[ratio] * w_e[:, None] * cols[:, den_i[ratio]]) \
                / x[ratio]
        z *= domc[:, None] == d_idx[None, :]
        for cal in design.calibration:
            z = np.asarray(cal.residualize(z), dtype=float)
        for stage in design.stages:
            c = stage.n_clusters
            m = sp.csr_matrix((np.ones(design.n), (stage.cluster, np.arange(design.n))),
                              shape=(c, design.n))
            totals.append(np.asarray(m @ z))
    else:
        for i, stage in enumerate(design.stages):
            c = stage.n_clusters
            s = s0 if i == 0 else vars_.sums(_keys(domc, c, stage.cluster), D * c, w_e,
                                             scratch=True).reshape(-1, D, c)
            totals.append(_scores_T(s, num, den_i, d_idx, theta, x))
    if design.pps_check is not None:
        if keep is not None:
            keep.update(totals=totals, active=None, pps=design.pps_check)
        return pps_variance(design.pps_check, totals[0], design.variance)
    active = None
    domain_lonely = (design.adjust_domain_lonely and not design.calibration
                     and design.lonely_psu in ("adjust", "average"))
    if not design.calibration and (design.lonely_psu in ("fail", "average") or domain_lonely):
        active = [_active_groups(stage, i, w_e, domc, D, d_idx, s0, domain_lonely)
                  for i, stage in enumerate(design.stages)]
    if keep is not None:
        # active: (G x K) clusters of each group holding the domain (counts)
        keep.update(totals=totals, active=active, pps=None, domain_lonely=domain_lonely)
    return taylor_variance(design.stages, totals, design.lonely_psu, active, domain_lonely)


#: force the row-level (n x K) residualisation of calibrated scores (tests compare paths)
_DENSE_CALIBRATED_SCORES = False


def _raked_layout(design: Any, w_e: np.ndarray | None):
    """(residualizer, cell layout) when the raked-cell fast path applies, else None.

    It needs a single raking step whose rows have the cell structure of
    ``RakingResidualizer.cell_layout`` and non-negative base weights; anything else
    (GREG, post-stratification, several steps, pps) keeps the row-level path."""
    from rbm_surveys.surveys.weighting.residuals import RakingResidualizer

    cal = design.calibration
    if (w_e is None or len(cal) != 1 or type(cal[0]) is not RakingResidualizer
            or design.pps_check is not None
            or any(st.cluster is None for st in design.stages)):
        return None
    rake = cal[0]
    key = ("raked_layout", id(rake))
    entry = design.memo(key, lambda: None)
    if entry is None or entry[0] is not rake:    # copied caches: ids may be reused
        layout = rake.cell_layout()
        ok = (layout is not None and rake.base.size == design.n
              and bool(np.all(rake.base >= 0)))
        # per design & residualizer: the layout, 1/base and P per stage (filled lazily)
        entry = (rake, layout if ok else None, {})
        design.forget(key)
        design.memo(key, lambda: entry)
    return None if entry[1] is None else entry


def _raked_totals(vars_: _Vars, design: Any, w_e: np.ndarray, domc: np.ndarray, D: int,
                  num: np.ndarray, den_i: np.ndarray, d_idx: np.ndarray, theta: np.ndarray,
                  x: np.ndarray, s0: np.ndarray, rake: Any, layout: Any,
                  cache: dict) -> list[np.ndarray]:
    """Stage cluster totals of raking-residualised scores without the n x K score matrix.

    The residualised scores are z - base * B[cell] (``RakingResidualizer.cell_adjustment``),
    B depending only on the per-cell sums of z / base (positive base) and of z (zero base).
    Those sums, like the cluster sums of z, are linear in the (domain, key) sums of
    ``_Vars.sums``, so cluster totals = _scores_T(cluster sums) - P @ B with
    P[cluster, cell] = sum of base over the pair (cached per design and stage)."""
    ncell, _, _, positive = layout
    if "inv_base" not in cache:
        cache["inv_base"] = np.divide(1.0, rake.base, out=np.zeros(design.n), where=positive)
    inv_base = cache["inv_base"]
    cell = rake.cell

    def cell_scores(weights: np.ndarray) -> np.ndarray:
        s = vars_.sums(_keys(domc, ncell, cell), D * ncell, weights,
                       scratch=True).reshape(-1, D, ncell)
        return _scores_T(s, num, den_i, d_idx, theta, x)        # (ncell, K)

    y0 = cell_scores(w_e * inv_base)
    zero = ~positive
    z0 = cell_scores(np.where(zero, w_e, 0.0)) if zero.any() else np.zeros_like(y0)
    b = rake.cell_adjustment(y0, z0, layout)
    totals = []
    for i, stage in enumerate(design.stages):
        c = stage.n_clusters
        s = s0 if i == 0 else vars_.sums(_keys(domc, c, stage.cluster), D * c, w_e,
                                         scratch=True).reshape(-1, D, c)
        pk = ("P", i)
        if pk not in cache:
            cache[pk] = sp.csr_matrix((np.where(positive, rake.base, 0.0),
                                       (stage.cluster, cell)), shape=(c, ncell))
        totals.append(_scores_T(s, num, den_i, d_idx, theta, x) - cache[pk] @ b)
    return totals


def _active_groups(stage: Any, i: int, w_e: np.ndarray | None, domc: np.ndarray | None,
                   D: int, d_idx: np.ndarray, s0: np.ndarray,
                   counts: bool = False) -> np.ndarray | None:
    """(G x K) PSUs of each group of ``stage`` holding rows of each estimate's domain.

    R subsets an uncalibrated design by dropping the rows outside the domain (and rows with
    missing values), so its lonely-PSU rules see only the strata the domain touches, and
    ``survey.adjust.domain.lonely`` sees how many PSUs the domain has in each of them.
    Calibrated designs keep every row in R (zero weight), hence no mask for them.
    Returns None when no group can be lonely (and ``counts`` is not asked for)."""
    if not counts and not (stage.group_npsu == 1).any():
        return None
    c = stage.n_clusters
    if w_e is None:                          # pre-aggregated sums (single stage only)
        rows = s0[-1] != 0                   # (D x C) weighted count of used rows
    else:
        rows = np.bincount(_keys(domc, c, stage.cluster), weights=(w_e != 0).astype(float),
                           minlength=D * c).reshape(D, c) > 0
    g = stage.group_matrix()
    return np.asarray(g @ rows.T.astype(float))[:, d_idx]


def domain_psus(design: Any, dom: Domains) -> np.ndarray:
    """(D x PSU) bool: stage-1 PSUs holding rows of each domain with nonzero weight.

    Analysis variables play no part: R's ``degf`` is that of the domain's subset design,
    before ``na.rm`` drops the rows where a variable is missing. Cached per design and
    by-specification (it depends on the domains and the zero pattern of the weights)."""
    def make() -> np.ndarray:
        layout = design.psu_layout
        c = layout.n_psu
        use = (dom.codes >= 0) & (design.weights != 0)
        keys = _keys(np.where(use, dom.codes, 0), c, layout.psu)
        return np.bincount(keys, weights=use.astype(float),
                           minlength=dom.count * c).reshape(dom.count, c) > 0
    return design.memo(("domain_psus", tuple(dom.by)), make)


def domain_degf(design: Any, dom: Domains) -> np.ndarray:
    """R ``degf`` of each domain's subset design: PSUs minus strata with nonzero weight
    (R ``degf.survey.design2`` on ``subset(design, domain)``). Rows where the analysis
    variable is missing still count (R computes df before ``na.rm``)."""
    return design.memo(("domain_degf", tuple(dom.by)),
                       lambda: _degf_of(design, domain_psus(design, dom)))


def _degf_of(design: Any, present: np.ndarray) -> np.ndarray:
    """PSUs minus strata per row of ``present`` (D x PSU)."""
    layout = design.psu_layout
    n_psu = present.sum(axis=1)
    n_str = (np.asarray(layout.stratum_matrix @ present.T.astype(float)) > 0).sum(axis=0)
    return (n_psu - n_str).astype(float)


def _replicate_estimates(design: Any, vars_: _Vars, domc: np.ndarray, D: int,
                         num: np.ndarray, den_i: np.ndarray, d_idx: np.ndarray,
                         use: np.ndarray, s0: np.ndarray | None) -> np.ndarray:
    """(K x R) estimates under each replicate's weights."""
    ratio = den_i >= 0
    if design.factors is not None:
        # replicate weights vary by PSU: sums per (domain, PSU) once, then @ factors
        y_r = s0[num, d_idx] @ design.factors                     # (K, R)
        x_r = np.ones_like(y_r)
        if ratio.any():
            x_r[ratio] = s0[den_i[ratio], d_idx[ratio]] @ design.factors
    else:
        rep = design.repweights
        cols = vars_.dense(design.n)
        rows = np.flatnonzero(use)
        y_r = np.empty((len(num), rep.shape[1]))
        x_r = np.ones_like(y_r)
        for j in np.unique(np.concatenate([num, den_i[ratio]])):
            mj = sp.csr_matrix((cols[rows, j], (domc[rows], rows)), shape=(D, design.n))
            sums = np.asarray(mj @ rep)                          # (D, R)
            y_r[num == j] = sums[d_idx[num == j]]
            sel = ratio & (den_i == j)
            x_r[sel] = sums[d_idx[sel]]
    with np.errstate(divide="ignore", invalid="ignore"):
        return y_r / x_r


def _deff(var: np.ndarray, sq: np.ndarray, dsum: np.ndarray, num: np.ndarray,
          d_idx: np.ndarray, n_k: np.ndarray, nw_k: np.ndarray, deff: bool | str,
          kind: str) -> np.ndarray:
    """var / var_SRS as R svymean/svytotal (man/surveysummary.Rd).

    svyvar = sum w (y - ybar)^2 / sum w * n/(n-1) within the domain; mean: var_SRS =
    svyvar/n * (1 - n/N); total: svyvar * N^2/n * (1 - n/N); deff="replace" drops (1-n/N).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        big_n, nn = nw_k, n_k
        ybar = dsum[num, d_idx] / big_n
        ss = sq[num, d_idx] - ybar * dsum[num, d_idx]      # sum w (y - ybar)^2
        svyvar = np.maximum(ss, 0.0) / big_n * nn / (nn - 1)
        vsrs = svyvar / nn if kind == "mean" else svyvar * big_n ** 2 / nn
        if deff != "replace":
            vsrs = vsrs * (big_n - nn) / big_n
        return var / vsrs


# ---------------------------------------------------------------------------- output
def _table(design: Any, dom: Domains, res: _Linear, variable: list, level: list,
           d_idx: np.ndarray, statistic: str, ci: str, level_conf: float,
           low: np.ndarray | None = None, high: np.ndarray | None = None,
           se: np.ndarray | None = None, df_ci: np.ndarray | None = None) -> pd.DataFrame:
    if se is None:
        se = np.sqrt(res.var)
    if df_ci is None:
        df_ci = np.full(len(res.theta), np.inf) if ci == "wald" else res.df
    if low is None:
        low, high = wald_interval(res.theta, se, df_ci, level_conf)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = se / np.abs(res.theta)
        n_eff = res.n / res.deff                 # Kish effective sample size n/deff
    out = {"variable": variable, "level": level}
    for col in dom.by:
        out[col] = dom.frame[col].to_numpy()[d_idx]
    k = len(res.theta)
    out.update({"estimate": res.theta, "se": se, "ci_low": low, "ci_high": high, "df": df_ci,
                "deff": res.deff, "n": res.n.astype(np.int64), "n_weighted": res.n_weighted,
                "cv": cv, "n_eff": n_eff})
    for name, value in (("statistic", statistic), ("ci_method", ci),
                        ("lonely_psu", getattr(design, "lonely_psu", None)),
                        ("design", design.describe())):
        out[name] = np.full(k, value, dtype=object)     # faster than a broadcast scalar
    note = design_warning(design)
    if note is not None:
        out["warning"] = note    # weighting problems accepted: say so on every row
    return pd.DataFrame(out)


def _grid(n_vars: int, n_dom: int) -> tuple[np.ndarray, np.ndarray]:
    """(variable, domain) index pairs, domain-major as R svyby prints them."""
    j, d = np.meshgrid(np.arange(n_vars), np.arange(n_dom))
    return j.ravel(), d.ravel()


def _check_ci(ci: str, allowed: Sequence[str]) -> str:
    if ci == "normal":
        ci = "wald"
    if ci not in allowed:
        raise UsageError(f"ci={ci!r} is not available here", key="ci",
                         hint=f"use one of {', '.join(allowed)}")
    return ci


def _numeric_matrix(design: Any, names: list[str], role: str = "variable") -> np.ndarray:
    if not names:
        raise UsageError("no variables given", key="variables")
    return np.column_stack([numeric_column(design.data, v, role) for v in names])


# ---------------------------------------------------------------------------- statistics
def mean(design: Any, variables: Any, by: Any = None, deff: bool | str = False,
         ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
    """Weighted means (R ``svymean``/``svyby``); default interval normal as R confint."""
    return _mean_total(design, variables, by, deff, ci, level, "mean")


def total(design: Any, variables: Any, by: Any = None, deff: bool | str = False,
          ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
    """Weighted totals (R ``svytotal``)."""
    return _mean_total(design, variables, by, deff, ci, level, "total")


def _mean_total_vars(design: Any, names: list[str], kind: str) -> tuple[_Vars, list, list]:
    numeric, cat, var_of, lev_of = [], [], [], []
    for name in names:
        col = check_column(design.data, name, "variable")
        if kind == "total" and not (pd.api.types.is_numeric_dtype(col)
                                    or pd.api.types.is_bool_dtype(col)):
            # total of a categorical variable: estimated count of each level (R svytotal)
            codes, labs = levels_of(design, name, None)
            cat.append((codes, len(labs)))
            var_of += [name] * len(labs)
            lev_of += list(labs)
        else:
            numeric.append(numeric_column(design.data, name, "variable"))
    # virtual columns: numeric first, then categorical levels
    num_names = [n for n in names if n not in var_of]
    return (_Vars(numeric, cat), num_names + var_of, [None] * len(num_names) + lev_of)


def _proportion_vars(design: Any, names: list[str],
                     levels: Sequence[Any] | None) -> tuple[_Vars, list, list]:
    cat, var_of, lev_of = [], [], []
    for name in names:
        codes, labs = levels_of(design, name, levels)
        cat.append((codes, len(labs)))
        var_of += [name] * len(labs)
        lev_of += list(labs)
    return _Vars(None, cat), var_of, lev_of


def _names(variables: Any) -> list[str]:
    names = [str(v) for v in as_list(variables)]
    if not names:
        raise UsageError("no variables given", key="variables")
    return names


def _mean_total(design: Any, variables: Any, by: Any, deff: bool | str, ci: str, level: float,
                kind: str) -> pd.DataFrame:
    ci = _check_ci(ci, CI_METHODS)
    names = _names(variables)
    vars_, var_of, lev_of = _mean_total_vars(design, names, kind)
    complete = ~vars_.missing(design.n)
    dom, pre = _reuse_sums(design, ("mt", tuple(names), kind, bool(deff)), vars_, complete,
                           by, deff)
    j, d = _grid(vars_.width, dom.count)
    den = np.full(len(j), -2 if kind == "mean" else -1)
    res = _linear(design, vars_, complete, dom, j, den, d, deff=deff, kind=kind, pre=pre)
    return _table(design, dom, res, [var_of[i] for i in j], [lev_of[i] for i in j], d, kind,
                  ci, level)


def proportion(design: Any, variables: Any, by: Any = None, deff: bool | str = False,
               ci: str = DEFAULT_PROPORTION_CI, level: float = 0.95,
               levels: Sequence[Any] | None = None) -> pd.DataFrame:
    """Proportions of each level of categorical variables (R ``svymean(~factor)`` and
    ``svyciprop``). ``ci``: logit (default, as R svyciprop; see
    :data:`~rbm_surveys.surveys.ci.DEFAULT_PROPORTION_CI`), wald (normal, as R's
    ``confint(svymean())``), t/mean (t with the domain's df), xlogit, likelihood, asin,
    beta/korn-graubard, wilson."""
    ci = _check_ci(ci, PROPORTION_METHODS)
    if ci == "likelihood" and design.kind != "taylor":
        # R svyciprop(method="likelihood") on a replicate design gives an NA interval
        raise UsageError("ci='likelihood' needs a Taylor (linearisation) design", key="ci",
                         hint="on replicate designs use ci='logit' or 'beta'")
    names = _names(variables)
    vars_, var_of, lev_of = _proportion_vars(design, names, levels)
    try:
        missing = design.memo(("levels", tuple(names), "missing",
                               None if levels is None else tuple(levels)),
                              lambda: vars_.missing(design.n))
    except TypeError:                                   # unhashable levels
        missing = vars_.missing(design.n)
    pre = None
    if ci == "likelihood":
        dom = domains_of(design, by)
    else:
        try:
            var_key = ("prop", tuple(names), None if levels is None else tuple(levels),
                       bool(deff))
            hash(var_key)
        except TypeError:
            var_key = None
        dom, pre = _reuse_sums(design, var_key, vars_, ~missing, by, deff)
    j, d = _grid(vars_.width, dom.count)
    res = _linear(design, vars_, ~missing, dom, j, np.full(len(j), -2), d, deff=deff,
                  kind="mean", pre=pre)
    low = high = None
    if ci == "likelihood":
        low, high = np.full(len(j), np.nan), np.full(len(j), np.nan)
        for k in range(len(j)):             # one profile per estimate
            # R's subset() + model frame: the domain's rows with the variable present
            # (a calibrated design keeps every row in R, with zero weight outside the domain)
            rows = ~missing & (dom.codes == d[k] if not design.calibration else True)
            w_k = np.where(dom.codes == d[k], design.weights, 0.0)[rows]
            y01 = _level_indicator(vars_.cat, j[k])[rows]
            low[k], high[k] = likelihood_interval(y01, w_k, res.theta[k],
                                                  res.var[k], res.df[k], level)
    return _proportion_table(design, dom, res, j, d, var_of, lev_of, ci, level, low, high)


def _proportion_table(design: Any, dom: Domains, res: _Linear, j: np.ndarray, d: np.ndarray,
                      var_of: list, lev_of: list, ci: str, level: float,
                      low: np.ndarray | None = None,
                      high: np.ndarray | None = None) -> pd.DataFrame:
    df_ci = None
    if ci not in ("wald", "t", "mean"):
        df_ci = res.df
        if low is None and ci == "logit" and res.theta_r is not None:
            low, high = _replicate_logit_interval(design, res, level)
        elif low is None:
            low, high = proportion_interval(ci, res.theta, res.var, res.df, res.n, level)
    return _table(design, dom, res, [var_of[i] for i in j], [lev_of[i] for i in j], d,
                  "proportion", ci, level, low=low, high=high, df_ci=df_ci)


def _replicate_logit_interval(design: Any, res: _Linear,
                              level: float) -> tuple[np.ndarray, np.ndarray]:
    """R ``svyciprop(method="logit")`` on a replicate design refits the logistic model on
    every replicate, so the SE of logit(p) is the replicate variance of logit(p_r) (not the
    delta method, which is ``xlogit``). asin/beta/mean/xlogit use the mean's variance in R
    too (svymean + svycontrast), so only logit needs this."""
    from scipy import special
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = special.logit(res.theta)
        lg_r = special.logit(res.theta_r)
        v = replicate_variance(lg, lg_r, design.scale, design.rscales, design.mse)
        half = critical(level, res.df) * np.sqrt(v)
    return special.expit(lg - half), special.expit(lg + half)


def table(design: Any, variables: Any, bys: Sequence[Any], statistic: str = "proportion",
          deff: bool | str = False, ci: str | None = None, level: float = 0.95,
          levels: Sequence[Any] | None = None) -> pd.DataFrame:
    """Several disaggregations in one pass: ``bys`` lists by-specifications (``None`` =
    overall, a column, or a list of columns for a cross-classification).

    The sufficient statistics are computed once for the finest cross-classification of all
    by-columns and summed up to each coarser one (they combine by addition), so a table of
    overall / by sex / by age / by sex x age costs one pass over the rows. Same rows and
    values as calling ``statistic`` once per entry of ``bys`` and concatenating; by-columns
    a row does not use are missing. Falls back to those separate calls when a design needs
    row-level scores (calibration, several stages, full replicate weights), when a
    by-column has missing values, or for likelihood intervals.
    """
    check_choice(statistic, ("proportion", "mean", "total"), "statistic")
    if ci is None:
        ci = DEFAULT_PROPORTION_CI if statistic == "proportion" else "wald"
    names = _names(variables)
    specs = [[str(c) for c in as_list(b)] for b in bys]
    all_cols = list(dict.fromkeys(c for spec in specs for c in spec))
    fine = domains_of(design, all_cols)
    fast = (not design.calibration and ci != "likelihood" and bool(np.all(fine.codes >= 0))
            and not getattr(design, "negative_weights", 0)
            and ((design.kind == "taylor" and len(design.stages) == 1)
                 or (design.kind != "taylor" and design.factors is not None)))
    if not fast:
        frames = []
        for spec in specs:
            by = spec or None
            if statistic == "proportion":
                frames.append(proportion(design, names, by=by, deff=deff, ci=ci, level=level,
                                         levels=levels))
            else:
                frames.append(_mean_total(design, names, by, deff,
                                          _check_ci(ci, CI_METHODS), level, statistic))
        return _order_columns(pd.concat(frames, ignore_index=True), all_cols)
    if statistic == "proportion":
        ci = _check_ci(ci, PROPORTION_METHODS)
        vars_, var_of, lev_of = _proportion_vars(design, names, levels)
    else:
        ci = _check_ci(ci, CI_METHODS)
        vars_, var_of, lev_of = _mean_total_vars(design, names, statistic)
    complete = ~vars_.missing(design.n)
    w_e = design.weights if complete.all() else np.where(complete, design.weights, 0.0)
    base, c = design.psu_layout.psu, design.psu_layout.n_psu
    D = fine.count
    s_fine = vars_.sums(_keys(fine.codes, c, base), D * c, w_e, scratch=True).reshape(-1, D, c)
    n_fine = np.bincount(fine.codes, weights=(w_e != 0).astype(float), minlength=D)
    sq_fine = (vars_.square_sums(fine.codes, D, w_e, s_fine.sum(axis=2)) if deff else None)
    frames = []
    for spec in specs:
        dom, pre = _coarsen(design, fine, spec, s_fine, n_fine, sq_fine)
        G = dom.count
        j, d = _grid(vars_.width, G)
        kind = "mean" if statistic == "proportion" else statistic
        den = np.full(len(j), -1 if kind == "total" else -2)
        res = _linear(design, vars_, complete, dom, j, den, d, deff=deff, kind=kind, pre=pre)
        if statistic == "proportion":
            frames.append(_proportion_table(design, dom, res, j, d, var_of, lev_of, ci, level))
        else:
            frames.append(_table(design, dom, res, [var_of[i] for i in j],
                                 [lev_of[i] for i in j], d, kind, ci, level))
    return _order_columns(pd.concat(frames, ignore_index=True), all_cols)


def _sums_reusable(design: Any) -> bool:
    """Designs whose estimates need only (domain x PSU) sums, no row-level scores: one
    stage, no calibration, no negative weights (replicates: factors per PSU)."""
    return (not design.calibration and not getattr(design, "negative_weights", 0)
            and ((design.kind == "taylor" and len(design.stages) == 1)
                 or (design.kind != "taylor" and design.factors is not None)))


def _coarsen(design: Any, fine: Domains, spec: list[str], s_fine: np.ndarray,
             n_fine: np.ndarray, sq_fine: np.ndarray | None) -> tuple[Domains, _Pre]:
    """Domains of ``spec`` and their sufficient statistics, summed up from the finer
    cross-classification ``fine`` (whose by-columns include ``spec``'s). The map from fine
    to coarse domains and the coarse domains' df are cached on the design."""
    dom, m, df = design.memo(("coarsen", tuple(fine.by), tuple(spec), design.kind),
                             lambda: _coarse_map(design, fine, spec))
    if m is None:                                       # same domains: nothing to add up
        return dom, _Pre(s_fine, n_fine, sq_fine, df)
    return dom, _Pre(np.einsum("gd,vdc->vgc", m, s_fine), m @ n_fine,
                     None if sq_fine is None else sq_fine @ m.T, df)


def _coarse_map(design: Any, fine: Domains,
                spec: list[str]) -> tuple[Domains, np.ndarray | None, np.ndarray | None]:
    """(coarse domains, G x D indicator or None when they are the fine ones, coarse df)."""
    D = fine.count
    if spec:
        keys = fine.frame[spec]
        g = keys.groupby(spec, sort=True).ngroup().to_numpy()
        order = np.argsort(g, kind="stable")
        firsts = order[np.r_[0, np.flatnonzero(np.diff(g[order])) + 1]]
        frame = keys.iloc[firsts].reset_index(drop=True)
    else:
        g = np.zeros(D, dtype=np.int64)
        frame = pd.DataFrame(index=[0])
    G = int(g.max()) + 1
    m = None
    if not (G == D and np.array_equal(g, np.arange(D))):
        m = np.zeros((G, D))
        m[g, np.arange(D)] = 1.0                            # fine domain -> coarse domain
    df = None
    if design.kind == "taylor":
        psus = domain_psus(design, fine)
        df = _degf_of(design, psus if m is None else (m @ psus) > 0)
    return Domains(None, G, frame, spec), m, df


#: largest (variables x fine domains x PSUs) array kept per variable for later calls
_REUSE_CELLS = 1 << 22


def _reuse_sums(design: Any, var_key: Any, vars_: _Vars, complete: np.ndarray, by: Any,
                deff: bool | str) -> tuple[Domains, _Pre | None]:
    """Domains of ``by`` and, on designs that need no row-level scores, their sufficient
    statistics — computed once per variable at a cross-classification fine enough for the
    by-columns used so far on this design, and reused by later calls.

    svyby-style code (``d.proportion(y, by=b)`` for each y and b) then makes one pass over
    the rows per variable instead of one per call: the first call for a variable sums at
    the cross of its ``by`` with every by-column already seen on the design (when none of
    them has missing values and the array stays small); later calls with any subset of
    those columns add up the cached sums, as :func:`table` does. Numbers equal the
    row-level path's up to the order of floating-point additions. Returns (domains, None)
    when the design or call needs the row-level path."""
    by_cols = [str(b) for b in as_list(by)]
    if var_key is None or not _sums_reusable(design):
        return domains_of(design, by_cols), None
    seen: tuple = design.memo(("by_seen",), tuple)
    want = set(by_cols)
    cached = sorted((k for k in design.cached_keys("suff") if k[2] == var_key
                     and want <= set(k[1])), key=lambda k: len(k[1]))
    if cached:                                          # summed at a fine enough level
        fine = domains_of(design, list(cached[0][1]))
        s_fine, n_fine, sq_fine = design.memo(cached[0], lambda: None)
        return _coarsen(design, fine, by_cols, s_fine, n_fine, sq_fine)
    # the columns seen first, in the order seen: later variables find the same fine domains
    cols = list(dict.fromkeys([c for c in seen if c in design.data.columns] + by_cols))
    fine = domains_of(design, cols)
    c = design.psu_layout.n_psu
    if (len(cols) > len(by_cols)
            and (not bool(np.all(fine.codes >= 0))
                 or (vars_.width + 1) * fine.count * c > _REUSE_CELLS)):
        cols, fine = by_cols, domains_of(design, by_cols)
    if not bool(np.all(fine.codes >= 0)):              # rows in no domain: row-level path
        return domains_of(design, by_cols), None
    if not want <= set(seen):
        design.forget(("by_seen",))
        design.memo(("by_seen",), lambda: tuple(dict.fromkeys(seen + tuple(by_cols))))
    w_e = design.weights if complete.all() else np.where(complete, design.weights, 0.0)
    D = fine.count
    # (domain, PSU) key of every row: design data only, kept for the next variable
    psu_key = design.memo(("dom", tuple(fine.by), "psu_key"),
                          lambda: _keys(fine.codes, c, design.psu_layout.psu))
    s_fine = vars_.sums(psu_key, D * c, w_e).reshape(-1, D, c)
    if complete.all() and design.memo(("positive",), lambda: bool(np.all(design.weights > 0))):
        n_fine = design.memo(("dom", tuple(fine.by), "rows"),
                             lambda: np.bincount(fine.codes, minlength=D).astype(float))
    else:
        n_fine = np.bincount(fine.codes, weights=(w_e != 0).astype(float), minlength=D)
    sq_fine = vars_.square_sums(fine.codes, D, w_e, s_fine.sum(axis=2)) if deff else None
    if complete.all():
        # every row used and weights >= 0: a PSU holds rows of a domain with nonzero weight
        # exactly when the domain's weighted count there is positive (no extra pass)
        design.memo(("domain_psus", tuple(fine.by)), lambda: s_fine[-1] > 0)
    design.memo(("suff", tuple(cols), var_key), lambda: (s_fine, n_fine, sq_fine))
    return _coarsen(design, fine, by_cols, s_fine, n_fine, sq_fine)


NORMALIZE = (None, "all", "rows", "columns")


def crosstab(design: Any, rows: Any, columns: Any = None, normalize: str | None = None,
             total: float | None = None) -> pd.DataFrame:
    """Weighted cross-tabulation (R ``svytable``): one row per combination of the observed
    levels of ``rows`` and ``columns`` (zero where empty), with the weighted ``count`` — or,
    with ``normalize``, the ``proportion`` of the grand total (``"all"``, R
    ``prop.table(tab)``), of each row combination (``"rows"``, ``prop.table(tab, 1)``) or of
    each column combination (``"columns"``) — and the unweighted ``n``. ``total`` rescales
    the counts to that population size (R ``Ntotal=`` as a number). Rows with a missing
    value in any variable are left out. One ``bincount`` over the rows; levels are the
    design's cached codes."""
    row_names = _names(rows)
    col_names = [str(c) for c in as_list(columns)]
    names = row_names + col_names
    if len(set(names)) != len(names):
        raise UsageError("a variable appears twice in the table", key="columns",
                         hint="list each variable once, in rows or columns")
    if normalize not in NORMALIZE:
        raise UsageError(f"normalize={normalize!r} is not one of None, 'all', 'rows', "
                         "'columns'", key="normalize")
    if normalize == "columns" and not col_names:
        raise UsageError("normalize='columns' needs columns=", key="normalize")
    coded = [levels_of(design, v, None) for v in names]
    sizes = [len(lab) for _, lab in coded]
    key = np.zeros(design.n, dtype=np.int64)
    valid = np.ones(design.n, dtype=bool)
    for codes, lab in coded:
        valid &= codes >= 0
        key = key * max(len(lab), 1) + np.maximum(codes, 0)
    cells = int(np.prod(sizes))
    counts = np.bincount(key[valid], weights=design.weights[valid], minlength=cells)
    n = np.bincount(key[valid], minlength=cells)
    grid = np.unravel_index(np.arange(cells), sizes)
    out = pd.DataFrame({v: np.asarray(lab, dtype=object)[g]
                        for v, (_, lab), g in zip(names, coded, grid)})
    if total is not None:
        counts = counts * float(total) / counts.sum()
    if normalize is None:
        out["count"] = counts
    else:
        arr = counts.reshape(sizes)
        k = len(row_names)
        if normalize == "all":
            denom = np.full(arr.shape, arr.sum())
        elif normalize == "rows":
            denom = np.broadcast_to(arr.sum(axis=tuple(range(k, len(sizes))), keepdims=True),
                                    arr.shape)
        else:
            denom = np.broadcast_to(arr.sum(axis=tuple(range(k)), keepdims=True), arr.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["proportion"] = (arr / denom).reshape(-1)
    out["n"] = n
    return out


def _order_columns(frame: pd.DataFrame, by_cols: list[str]) -> pd.DataFrame:
    cols = ["variable", "level"] + by_cols
    if "quantile" in frame.columns:
        cols.append("quantile")
    return frame[cols + [c for c in frame.columns if c not in cols]]


def _level_indicator(cat: list[tuple[np.ndarray, int]], column: int) -> np.ndarray:
    """0/1 row values of virtual column ``column`` of categorical variables ``cat``."""
    for codes, L in cat:
        if column < L:
            return (codes == column).astype(float)
        column -= L
    raise IndexError(column)


def ratio(design: Any, numerator: Any, denominator: str, by: Any = None, ci: str = "wald",
          level: float = 0.95, deff: bool | str = False) -> pd.DataFrame:
    """Ratio of totals sum(w y)/sum(w x) (R ``svyratio``, separate=FALSE).

    ``deff`` as R: the design effect of the total of r = (y - R x) / X, whose variance is the
    ratio's."""
    ci = _check_ci(ci, CI_METHODS)
    names = [str(v) for v in as_list(numerator)]
    vars_ = _Vars([numeric_column(design.data, v, "variable") for v in names + [str(denominator)]])
    dom = domains_of(design, by)
    complete = ~vars_.missing(design.n)
    j, d = _grid(len(names), dom.count)
    res = _linear(design, vars_, complete, dom, j, np.full(len(j), len(names)), d, kind="ratio")
    if deff:
        use = complete & (dom.codes >= 0)
        w_e = np.where(use, design.weights, 0.0)
        domc = np.where(use, dom.codes, 0)
        x = np.nan_to_num(vars_.num[:, len(names)])
        sxx = np.bincount(domc, weights=w_e * x * x, minlength=dom.count)
        for i in range(len(names)):
            y = np.nan_to_num(vars_.num[:, i])
            syy = np.bincount(domc, weights=w_e * y * y, minlength=dom.count)
            sxy = np.bincount(domc, weights=w_e * x * y, minlength=dom.count)
            sel = j == i
            dd, r = d[sel], res.theta[sel]
            big_n, nn = res.n_weighted[sel], res.n[sel]
            with np.errstate(divide="ignore", invalid="ignore"):
                # sum w r^2 with r = (y - R x)/X; sum w r = 0
                swr2 = (syy[dd] - 2 * r * sxy[dd] + r * r * sxx[dd]) / res.x[sel] ** 2
                svyvar = swr2 / big_n * nn / (nn - 1)
                vsrs = svyvar * big_n ** 2 / nn
                if deff != "replace":
                    vsrs = vsrs * (big_n - nn) / big_n
                res.deff[sel] = res.var[sel] / vsrs
    return _table(design, dom, res, [f"{names[i]}/{denominator}" for i in j], [None] * len(j),
                  d, "ratio", ci, level)


def variance(design: Any, variables: Any, by: Any = None, level: float = 0.95) -> pd.DataFrame:
    """Population variance estimate (R ``svyvar``): mean of (y - ybar)^2 n/(n-1) per domain,
    SE treating ybar as fixed, as R does."""
    names = [str(v) for v in as_list(variables)]
    frames = []
    dom = domains_of(design, by)
    for name in names:
        u = _numeric_matrix(design, [name])
        complete = ~np.isnan(u[:, 0])
        j, d = _grid(1, dom.count)
        base = _linear(design, _Vars([u[:, 0]]), complete, dom, j, np.full(len(j), -2), d)
        ybar = base.theta[np.maximum(dom.codes, 0)]
        nn = base.n[np.maximum(dom.codes, 0)]
        with np.errstate(invalid="ignore", divide="ignore"):
            sq = (u[:, 0] - ybar) ** 2 * nn / (nn - 1)
        res = _linear(design, _Vars([sq]), complete, dom, j, np.full(len(j), -2), d)
        frames.append(_table(design, dom, res, [name] * len(j), [None] * len(j), d, "variance",
                             "wald", level))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- quantiles
def _qrule(x: np.ndarray, w: np.ndarray, p: float, rule: str) -> float:
    """Quantile rules of R survey >= 4.1 (``qrule_math``, ``qrule_school``, ``qrule_hf7``)."""
    keep = w > 0
    x, w = x[keep], w[keep]
    if len(x) == 0:
        return np.nan
    order = np.argsort(x, kind="stable")
    # R's cumsum() and sum() accumulate in long double; ties at p*W depend on it
    x, cw = x[order], np.cumsum(w[order].astype(np.longdouble)).astype(np.float64)
    total_w = float(np.sum(w.astype(np.longdouble)))
    if rule == "hf7":
        # Hyndman-Fan type 7 on the weighted scale: knots (0, cw_1..cw_{n-1}) / cw_{n-1}
        if len(x) == 1:
            return float(x[0])
        pk = np.concatenate([[0.0], cw[:-1]]) / cw[-2]
        return float(np.interp(p, pk, x))
    # math: smallest x with F(x) >= p (inverse of the weighted step CDF); school: midpoint
    pos = int(np.searchsorted(cw, p * total_w, side="right"))   # number of cw <= p W
    if pos == 0:
        return float(x[0])
    low = x[pos - 1]
    up = x[min(pos, len(x) - 1)]
    exact = (p - cw[pos - 1] / total_w) == 0
    if exact:
        return float(low if rule == "math" else (low + up) / 2)
    return float(up)


def quantile(design: Any, variables: Any, quantiles: float | Sequence[float] = 0.5,
             by: Any = None, rule: str = "math", ci: str = "mean",
             level: float = 0.95) -> pd.DataFrame:
    """Quantiles with Woodruff intervals (R ``svyquantile``, survey >= 4.1).

    The interval for F(q) is a Wald interval (t with the domain's df) for the mean of
    I(y <= q_hat), with Taylor or replicate variance as the design has; it is mapped back
    through the same quantile rule; SE = interval width / (2 t). ``ci`` chooses the
    interval for F(q): mean | xlogit | asin | beta (R's ``interval.type``).
    """
    if rule not in QUANTILE_RULES:
        raise UsageError(f"rule={rule!r} is not supported", key="rule",
                         hint=f"use one of {', '.join(QUANTILE_RULES)}")
    ci = _check_ci(ci, ("mean", "xlogit", "asin", "beta"))
    probs = np.atleast_1d(np.asarray(quantiles, dtype=float))
    if np.any((probs < 0) | (probs > 1)):
        raise UsageError("quantiles must lie in [0, 1]", key="quantiles")
    names = [str(v) for v in as_list(variables)]
    dom = domains_of(design, by)
    frames = []
    for name in names:
        y = _numeric_matrix(design, [name])[:, 0]
        complete = ~np.isnan(y)
        use = complete & (dom.codes >= 0)
        w_s = np.where(use, design.weights, 0.0)
        qs, d_list, p_list, ind = [], [], [], []
        for d in range(dom.count):
            wd = np.where(dom.codes == d, w_s, 0.0)
            for p in probs:
                q = _qrule(np.nan_to_num(y), wd, float(p), rule)
                qs.append(q)
                d_list.append(d)
                p_list.append(p)
                ind.append((y <= q).astype(float))
        k = np.arange(len(ind))
        d_idx = np.asarray(d_list)
        res = _linear(design, _Vars(ind), complete, dom, k, np.full(len(k), -2), d_idx)
        pl, ph = proportion_interval(ci, res.theta, res.var, res.df, res.n, level)
        low = np.full(len(k), np.nan)
        high = np.full(len(k), np.nan)
        for i in range(len(k)):
            wd = np.where(dom.codes == d_idx[i], w_s, 0.0)
            if np.isfinite(pl[i]) and pl[i] >= 0:
                low[i] = _qrule(np.nan_to_num(y), wd, float(pl[i]), rule)
            if np.isfinite(ph[i]) and ph[i] <= 1:
                high[i] = _qrule(np.nan_to_num(y), wd, float(ph[i]), rule)
        se = (high - low) / (2 * critical(level, res.df))
        res.theta = np.asarray(qs)
        res.var = se ** 2
        t = _table(design, dom, res, [name] * len(k), [None] * len(k), d_idx, "quantile",
                   ci, level, low=low, high=high, se=se, df_ci=res.df)
        t.insert(2, "quantile", p_list)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- sums from elsewhere
@dataclass
class PsuSums:
    """Sufficient statistics of a table, computed by another engine (e.g. Dask partitions).

    Attributes
    ----------
    sums: ``(width + 1, D, C)`` sums of ``w * column`` per (fine domain, first-stage PSU) for
        the virtual columns (numeric variables first, then one 0/1 column per level of each
        categorical variable, then the constant 1), over rows complete in every variable.
    n: ``(D,)`` rows with non-zero weight per fine domain (complete rows only).
    sq: ``(width, D)`` sums of ``w * column**2`` (needed for ``deff`` only) or ``None``.
    domains: one row per fine domain, one column per by-variable (sorted as R svyby).
    variables, levels: variable name and level label of each virtual column (``None`` level
        for numeric variables).
    """

    sums: np.ndarray
    n: np.ndarray
    sq: np.ndarray | None
    domains: pd.DataFrame
    variables: list
    levels: list


def estimate_from_sums(design: Any, stats: PsuSums, bys: Sequence[Any],
                       statistic: str = "proportion", deff: bool | str = False,
                       ci: str | None = None, level: float = 0.95,
                       denominator: int | None = None) -> pd.DataFrame:
    """Estimates from :class:`PsuSums` on a design that holds only the PSU structure.

    ``design`` is a single-stage Taylor design (or a replicate design with PSU-level factors)
    whose first-stage PSU codes index the last axis of ``stats.sums``. The sums of each fine
    domain are added up to every coarser by-specification in ``bys``, then the same variance
    formulas as :func:`table` run on them, so the result equals :func:`table` on the rows
    the sums came from. ``statistic``: proportion | mean | total | ratio (``denominator`` =
    index of the denominator's virtual column).
    """
    check_choice(statistic, ("proportion", "mean", "total", "ratio"), "statistic")
    if ci is None:
        ci = DEFAULT_PROPORTION_CI if statistic == "proportion" else "wald"
    ci = _check_ci(ci, PROPORTION_METHODS if statistic == "proportion" else CI_METHODS)
    if ci == "likelihood":
        raise UsageError("ci='likelihood' needs the rows", key="ci",
                         hint="use ci='logit', 'beta' or 'wilson' on sums")
    width = stats.sums.shape[0] - 1
    vars_ = _Vars(None, None)
    vars_.width, vars_.ones = width, width
    frames = []
    fine = stats.domains
    D = len(fine)
    for spec in [[str(c) for c in as_list(b)] for b in bys]:
        if spec:
            # fine domains with a missing value of a by-column belong to no domain of spec
            keys = fine[spec]
            g = keys.groupby(spec, sort=True, dropna=True).ngroup()
            g = g.fillna(-1).to_numpy(dtype=np.int64)
            valid = np.flatnonzero(g >= 0)
            order = valid[np.argsort(g[valid], kind="stable")]
            firsts = order[np.r_[0, np.flatnonzero(np.diff(g[order])) + 1]]
            frame = keys.iloc[firsts].reset_index(drop=True)
        else:
            g = np.zeros(D, dtype=np.int64)
            valid = np.arange(D)
            frame = pd.DataFrame(index=[0])
        G = int(g.max()) + 1
        m = np.zeros((G, D))
        m[g[valid], valid] = 1.0
        pre = _Pre(np.einsum("gd,vdc->vgc", m, stats.sums), m @ stats.n,
                   None if stats.sq is None else stats.sq @ m.T)
        dom = Domains(None, G, frame, spec)
        if statistic == "ratio":
            n_num = width - 1 if denominator is None else denominator
            j, d = _grid(n_num, G)
            den = np.full(len(j), n_num if denominator is None else denominator)
            kind = "ratio"
        else:
            j, d = _grid(width, G)
            kind = "mean" if statistic == "proportion" else statistic
            den = np.full(len(j), -1 if kind == "total" else -2)
        res = _linear(design, vars_, None, dom, j, den, d, deff=deff if kind != "ratio" else False,
                      kind=kind, pre=pre)
        var_of = [stats.variables[i] for i in j]
        lev_of = [stats.levels[i] for i in j]
        if kind == "ratio":
            var_of = [f"{v}/{stats.variables[den[0]]}" for v in var_of]
        if statistic == "proportion":
            frames.append(_proportion_table(design, dom, res, j, d, stats.variables,
                                            stats.levels, ci, level))
        else:
            frames.append(_table(design, dom, res, var_of, lev_of, d, kind, ci, level))
    all_cols = list(dict.fromkeys(c for b in bys for c in as_list(b)))
    return _order_columns(pd.concat(frames, ignore_index=True), [str(c) for c in all_cols])


# ---------------------------------------------------------------------------- joint variance
@dataclass
class Linearisation:
    """Estimates with what their variances are made of, for covariances between them.

    ``table`` is the tidy result of the statistic (the same rows, in the same order, as
    :func:`mean`/:func:`total`/:func:`proportion`/:func:`ratio` with ``ci="wald"``).
    Taylor designs: ``totals[s]`` (C_s x K) are the cluster totals at stage s of each
    estimate's influence scores (residualised by the design's calibrations), ``active``
    the (G x K) counts of clusters of each group holding the estimate's domain (lonely-PSU
    rules) or None, ``pps`` the joint-inclusion matrix of matrix-PPS designs,
    ``domain_lonely`` whether the design's ``adjust_domain_lonely`` rule applied; the SE of
    estimate k is the variance formula applied to column k. Replicate designs:
    ``theta_r`` (K x R)."""

    table: pd.DataFrame
    theta: np.ndarray
    totals: list | None = None
    active: list | None = None
    pps: np.ndarray | None = None
    theta_r: np.ndarray | None = None
    domain_lonely: bool = False


def linearise(design: Any, statistic: str, variables: Any, by: Any = None,
              denominator: str | None = None,
              levels: Sequence[Any] | None = None) -> Linearisation:
    """One call of ``statistic`` (mean | total | proportion | ratio) keeping, per estimate,
    the per-cluster influence totals (Taylor) or replicate estimates behind its SE."""
    check_choice(statistic, ("mean", "total", "proportion", "ratio"), "statistic")
    names = _names(variables)
    dom = domains_of(design, by)
    if statistic == "proportion":
        vars_, var_of, lev_of = _proportion_vars(design, names, levels)
    elif statistic == "ratio":
        if denominator is None:
            raise UsageError("a ratio needs denominator=", key="denominator")
        vars_ = _Vars([numeric_column(design.data, v, "variable")
                       for v in names + [str(denominator)]])
        var_of, lev_of = [f"{v}/{denominator}" for v in names], [None] * len(names)
    else:
        vars_, var_of, lev_of = _mean_total_vars(design, names, statistic)
    width = len(names) if statistic == "ratio" else vars_.width
    j, d = _grid(width, dom.count)
    den = np.full(len(j), {"mean": -2, "proportion": -2, "total": -1,
                           "ratio": len(names)}[statistic])
    keep: dict = {}
    kind = "mean" if statistic == "proportion" else statistic
    res = _linear(design, vars_, ~vars_.missing(design.n), dom, j, den, d, kind=kind,
                  keep=keep)
    frame = _table(design, dom, res, [var_of[i] for i in j], [lev_of[i] for i in j], d,
                   statistic, "wald", 0.95)
    return Linearisation(frame, res.theta, keep.get("totals"), keep.get("active"),
                         keep.get("pps"), res.theta_r, bool(keep.get("domain_lonely", False)))
