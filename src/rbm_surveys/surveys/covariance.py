"""Covariance matrices of survey estimates: the bilinear forms behind the SEs.

The engine's variance of an estimate is a quadratic form in its influence scores (Taylor)
or in its replicate estimates; the covariance of two estimates is the same form taken
between their scores. Here those forms are written once, as (K x K) matrices, so that their
diagonal is the engine's variance:

* Taylor (R ``svyrecvar``, Rao's multistage formula; Lumley 2010 appendix C):
  ``V = sum_stages sum_h mult_h n_h/(n_h-1) sum_i f_i (t_hi - tbar_h)(t_hi - tbar_h)'``
  with the cluster totals ``t`` of the scores, the fpc factors ``f`` and the product of
  upper-stage sampling fractions ``mult``, and the same lonely-PSU rules as
  :func:`rbm_surveys.surveys.variance.stage_variance`.
* Replicates (R ``svrVar``): ``scale sum_r rscales_r (theta_r - c)(theta_r - c)'``.
* Matrix-PPS designs (Horvitz-Thompson / Yates-Grundy): by polarisation of the engine's
  own quadratic form, ``Cov(a, b) = (V(a + b) - V(a) - V(b)) / 2``.

Convention R does not have: with ``lonely_psu="average"`` the variance of estimate k is
scaled, per upper-stage unit, by r_k = (strata its domain touches) / (non-lonely ones); the
covariance of k and l is scaled by sqrt(r_k r_l), which keeps the diagonal equal to the SEs
and the matrix positive semi-definite.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from rbm_surveys.surveys.pps import pps_variance
from rbm_surveys.surveys.variance import Stage, lonely_psu_error

__all__ = ["stage_covariance", "taylor_covariance", "replicate_covariance",
           "score_covariance"]


def stage_covariance(stage: Stage, t: np.ndarray, lonely_psu: str,
                     active: np.ndarray | None = None,
                     domain_lonely: bool = False) -> np.ndarray:
    """(K x K) contribution of one stage from the cluster totals ``t`` (C x K).

    The bilinear form of :func:`rbm_surveys.surveys.variance.stage_variance`: each
    estimate's cluster totals are centred within their group (or, where its rule says so,
    left uncentred or dropped, and scaled per upper-stage unit), then
    ``sum_c coef_c u_ck u_cl``. ``active`` (G x K) counts the clusters of each group holding
    the estimate's domain; ``domain_lonely`` as there."""
    m = stage.group_matrix()
    n_g = stage.group_npsu.astype(float)
    g = stage.cluster_group
    centred = t - (np.asarray(m @ t) / n_g[:, None])[g]
    certain = (m @ (stage.cluster_f >= 1e-7).astype(float)) == 0
    lonely = (stage.group_npsu == 1) & ~certain
    with np.errstate(divide="ignore", invalid="ignore"):
        factor_g = np.where(n_g > 1, n_g / (n_g - 1), 0.0)
    factor_g[certain] = 0.0
    base = centred
    act = None if active is None else np.asarray(active) > 0
    dom_lonely = None
    if domain_lonely and active is not None and lonely_psu in ("adjust", "average"):
        # a group where the domain has one cluster of several is lonely for that estimate
        dl = (np.asarray(active) == 1) & (stage.group_npsu > 1)[:, None]       # (G x K)
        if dl.any():
            if lonely_psu == "adjust":
                base = np.where(dl[g], t, base)        # f n/(n-1) t^2, not centred
            else:
                dom_lonely = dl
    if lonely.any() or dom_lonely is not None:
        if lonely_psu == "fail":
            hit = lonely if act is None else lonely & act.any(axis=1)
            if hit.any():
                raise lonely_psu_error(stage, hit)
        elif lonely_psu == "adjust":
            # R onestrat: the single PSU's total, not centred
            factor_g[lonely] = 1.0
            base = np.where(lonely[g][:, None], t, base)
        elif lonely_psu == "average":
            k = t.shape[1]
            lonely_k = np.broadcast_to(lonely[:, None], (stage.n_groups, k))
            if dom_lonely is not None:
                lonely_k = lonely_k | dom_lonely
            base = np.where(lonely_k[g], 0.0, base)
            up = stage.group_upper
            a = np.ones((stage.n_groups, k), dtype=bool) if act is None else act
            u = sp.csr_matrix((np.ones(stage.n_groups), (up, np.arange(stage.n_groups))))
            nstrat = np.asarray(u @ a.astype(float))
            nok = np.asarray(u @ (a & ~lonely_k).astype(float))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(nstrat == 0, 1.0, np.where(nok > 0, nstrat / nok, np.nan))
            base = base * np.sqrt(ratio[up[g]])                              # (C x K)
    coef = stage.cluster_f * factor_g[g] * stage.group_mult[g]          # (C,)
    return base.T @ (coef[:, None] * base)


def taylor_covariance(design: Any, totals: list[np.ndarray],
                      active: list[np.ndarray | None] | None = None,
                      pps: np.ndarray | None = None,
                      domain_lonely: bool = False) -> np.ndarray:
    """Sum of the stage covariances of cluster totals ``totals[s]`` (C_s x K)."""
    if pps is not None:
        t = totals[0]
        var = pps_variance(pps, t, design.variance)
        k = t.shape[1]
        out = np.diag(var)
        for i in range(k - 1):           # polarisation, one column block per estimate
            both = t[:, [i]] + t[:, i + 1:]
            out[i, i + 1:] = (pps_variance(pps, both, design.variance)
                              - var[i] - var[i + 1:]) / 2
            out[i + 1:, i] = out[i, i + 1:]
        return out
    k = totals[0].shape[1]
    out = np.zeros((k, k))
    for i, (stage, t) in enumerate(zip(design.stages, totals)):
        out += stage_covariance(stage, t, design.lonely_psu,
                                None if active is None else active[i], domain_lonely)
    return out


def replicate_covariance(theta: np.ndarray, theta_r: np.ndarray, scale: float,
                         rscales: np.ndarray, mse: bool) -> np.ndarray:
    """(K x K) replicate covariance of estimates ``theta`` (K,) from ``theta_r`` (K x R):
    ``scale sum_r rscales_r d_r d_r'``, d centred on the replicate mean (or on theta with
    ``mse``), as R ``svrVar``; replicates where an estimate is undefined count as zero."""
    theta_r = np.asarray(theta_r, dtype=float)
    centre = np.asarray(theta, float)[:, None] if mse else np.nanmean(theta_r, axis=1,
                                                                      keepdims=True)
    d = np.nan_to_num(theta_r - centre)
    return scale * (d * rscales[None, :]) @ d.T


def score_covariance(design: Any, z: np.ndarray) -> np.ndarray:
    """(K x K) Taylor covariance of the totals of row-level scores ``z`` (n x K).

    The scores are residualised by the design's calibrations first (as R ``svyrecvar``
    does with ``postStrata``), then summed per cluster at every stage. The whole design is
    used (R computes model variances on the full design), so lonely-PSU masks do not apply.
    """
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    for cal in design.calibration:
        z = np.asarray(cal.residualize(z), dtype=float)
    totals = []
    pps = design.pps_check
    stages = design.stages if pps is None else design.stages[:1]
    for stage in stages:
        c = stage.n_clusters
        agg = sp.csr_matrix((np.ones(design.n), (stage.cluster, np.arange(design.n))),
                            shape=(c, design.n))
        totals.append(np.asarray(agg @ z))
    return taylor_covariance(design, totals, None, pps)
