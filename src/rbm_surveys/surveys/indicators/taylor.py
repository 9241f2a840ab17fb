"""Domain proportions with Taylor-linearised variances, from per-PSU sufficient statistics.

A domain proportion is a ratio p = Σ w·d·y / Σ w·d. Its linearised variable (Binder 1983;
Lumley, *Complex Surveys* §2.4, as R ``survey::svyratio``/``svyby`` compute it) is
z_i = w_i·d_i·(y_i − p) / Σ w·d, and its PSU total is (A_j − p·B_j)/Σ w·d with
A_j = Σ_j w·d·y and B_j = Σ_j w·d. So only two sums per (PSU, domain level) are needed —
they add across chunks or machines — and the variance is the usual with-replacement
between-PSU variance within strata (Wolter 2007, eq. 2.4.7 / R ``svyrecvar`` first stage):

    v = Σ_h (1 − f_h) · n_h/(n_h − 1) · Σ_j (z_hj − z̄_h)²

A stratum with a single PSU contributes (z_hj − 0)², i.e. it is centred at the overall mean
of PSU totals, which is 0 for linearised variables (R ``options(survey.lonely.psu="adjust")``).

Confidence intervals (R ``svyciprop``): ``logit`` (its default) and ``korn-graubard``
(``method="beta"``: Clopper-Pearson with the effective sample size n·p(1−p)/v scaled by
(t_{n−1}/t_df)², Korn & Graubard 1998). Estimates of exactly 0 or 1 always get Korn-Graubard
intervals with the unweighted domain size as effective n, since the logit interval collapses
there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from rbm_surveys.errors import DataError

__all__ = ["Design", "make_design", "domain_sums", "domain_estimates", "psu_variance",
           "proportion_ci"]


@dataclass(frozen=True)
class Design:
    """Weights and the sampling structure the variance needs (already coded as integers)."""

    weights: np.ndarray  # (n,)
    psu: np.ndarray  # (n,) PSU code 0..P-1, unique across strata
    psu_stratum: np.ndarray  # (P,) stratum code of each PSU
    finite: np.ndarray  # (H,) 1 − f_h (1 without fpc)
    df: int  # number of PSUs − number of strata
    label: str  # e.g. "strata=stratum; PSU=ea; fpc=ea_total; Taylor linearisation"
    #: calibration steps (``residualize(z) -> z`` on row-level scores, see
    #: ``rbm_surveys.surveys.weighting.residuals``); empty = weights taken as given
    residualizers: tuple = ()
    #: raking margins as category codes per row; when set, scores are residualised on them
    #: from sufficient statistics (see ``_rake_projection``) instead of row by row
    rake_codes: tuple = ()
    rake_stats: tuple = ()  # (G: PSU sums of w·X (P, C), pinv(X'X) (C, C), offsets)

    @property
    def n_psu(self) -> int:
        return len(self.psu_stratum)


def make_design(frame: pd.DataFrame, weights: str, strata: str | None = None,
                ids: str | None = None, fpc: str | None = None,
                residualizers: tuple = (), rake_codes: tuple = ()) -> Design:
    """Code a frame's design columns once, checking them (weights positive, fpc constant).

    ``residualizers`` (calibration steps from weighting) or ``rake_codes`` (category codes of
    each raking margin) make the variance that of the calibrated estimator.
    """
    for role, col in (("weights", weights), ("strata", strata), ("ids", ids), ("fpc", fpc)):
        if col is not None and col not in frame:
            raise DataError(f"design column {col!r} ({role}) is not in the data", column=col,
                            hint="check the design section of the configuration")
    w = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(f"{int(bad.sum())} weight(s) are missing, zero or negative", column=weights,
                        row=row + 1, hint="give every respondent a positive weight")
    n = len(frame)
    s = (pd.factorize(frame[strata], use_na_sentinel=False)[0]
         if strata else np.zeros(n, dtype=np.int64))
    if ids:
        id_code = pd.factorize(frame[ids], use_na_sentinel=False)[0]
        psu = pd.factorize(s * (int(id_code.max()) + 1) + id_code)[0]  # ids nested in strata
    else:
        psu = np.arange(n)
    n_psu = int(psu.max()) + 1 if n else 0
    psu_stratum = np.zeros(n_psu, dtype=np.int64)
    psu_stratum[psu] = s
    n_strata = int(s.max()) + 1 if n else 0
    finite = np.ones(n_strata)
    if fpc:
        f = pd.to_numeric(frame[fpc], errors="coerce").to_numpy(dtype="float64")
        per = pd.DataFrame({"s": s, "f": f}).groupby("s")["f"].agg(["min", "max"])
        if per.isna().any().any() or (per["min"] != per["max"]).any():
            raise DataError("fpc must be present and constant within each stratum", column=fpc,
                            hint="give each stratum its population number of PSUs")
        n_h = np.bincount(psu_stratum, minlength=n_strata)
        pop = per["min"].to_numpy()
        # R convention: values <= 1 are sampling fractions, larger values population sizes
        frac = np.where(pop <= 1, pop, n_h / pop)
        if (frac > 1 + 1e-9).any():
            raise DataError("fpc is smaller than the number of sampled PSUs in a stratum",
                            column=fpc, hint="fpc is the population number of PSUs per stratum")
        finite = 1 - frac
    parts = [f"strata={strata}" if strata else "no strata",
             f"PSU={ids}" if ids else "PSU=respondent",
             f"fpc={fpc}" if fpc else "no fpc", "Taylor linearisation, lonely PSU adjust"]
    stats_: tuple = ()
    if rake_codes:
        parts.append("variance of raked weights (residuals on the raking margins)")
        stats_ = _rake_stats(w, psu, n_psu, rake_codes)
        residualizers = ()
    elif residualizers:
        parts.append("variance of calibrated weights (residuals of the calibration model)")
    return Design(weights=w, psu=psu, psu_stratum=psu_stratum, finite=finite,
                  df=max(n_psu - n_strata, 1), label="; ".join(parts),
                  residualizers=tuple(residualizers), rake_codes=tuple(rake_codes),
                  rake_stats=stats_)


def _rake_stats(w, psu, n_psu, rake_codes) -> tuple:
    """Once per design: G = PSU sums of w·X and pinv(X'X), X = dummies of every margin."""
    sizes = [int(c.max()) + 1 for c in rake_codes]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    C = int(offsets[-1])
    G = np.zeros(n_psu * C)
    XtX = np.zeros(C * C)
    for ca, oa in zip(rake_codes, offsets):
        G += np.bincount(psu * C + oa + ca, weights=w, minlength=n_psu * C)
        for cb, ob in zip(rake_codes, offsets):
            XtX += np.bincount((oa + ca) * C + ob + cb, minlength=C * C)
    # joint raking cell of each row, and which margin categories each joint cell belongs to:
    # X'u is then one count per (joint cell, level) folded by M (C × J)
    joint = np.ravel_multi_index(tuple(rake_codes), tuple(sizes))
    J = int(np.prod(sizes))
    cells = np.unravel_index(np.arange(J), tuple(sizes))
    M = np.zeros((C, J))
    for cm, om in zip(cells, offsets):
        M[om + cm, np.arange(J)] = 1.0
    return G.reshape(n_psu, C), np.linalg.pinv(XtX.reshape(C, C)), offsets, joint, M


def domain_sums(design: Design, y: np.ndarray, d: np.ndarray, level: np.ndarray,
                n_levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-PSU sums A (P, L, k) of w·d·y and B (P, L) of w·d, and unweighted n (L,).

    ``level`` is the domain level code of each row (−1 = not in any level).
    """
    ok = d & (level >= 0)
    idx = design.psu[ok] * n_levels + level[ok]
    size = design.n_psu * n_levels
    wd = design.weights[ok]
    B = np.bincount(idx, weights=wd, minlength=size).reshape(design.n_psu, n_levels)
    yk = y[ok]
    A = np.stack([np.bincount(idx, weights=wd * yk[:, j], minlength=size)
                  for j in range(y.shape[1])], axis=-1).reshape(design.n_psu, n_levels, -1)
    n = np.bincount(level[ok], minlength=n_levels).astype("float64")
    return A, B, n


def linearised(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio p (L, k), its PSU-level linearised totals Z (P, L, k), and Σw·d (L,)."""
    nw = B.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = A.sum(axis=0) / nw[:, None]
        Z = (A - p[None] * B[..., None]) / nw[None, :, None]
    return p, np.nan_to_num(Z), nw


def domain_estimates(design: Design, y: np.ndarray, d: np.ndarray, level: np.ndarray,
                     n_levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """p (L, k), PSU totals of linearised scores Z (P, L, k), unweighted n (L,), Σw·d (L,).

    Without calibration only per-PSU sums are formed. A calibrated design needs the scores of
    every row, residualised on the calibration model (as R ``svyrecvar``) before summing.
    """
    A, B, n = domain_sums(design, y, d, level, n_levels)
    p, Z, nw = linearised(A, B)
    if design.rake_stats:
        return p, _rake_projection(design, y, d, level, n_levels, p, nw, Z), n, nw
    if not design.residualizers:
        return p, Z, n, nw
    k = y.shape[1]
    ok = d & (level >= 0)
    lev = np.where(ok, level, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(ok, design.weights / nw[lev], 0.0)  # w·d / Σw·d of the row's level
    scores = np.zeros((len(y), n_levels * k))
    for j in range(k):  # few columns (categories); rows stay vectorised
        col = lev * k + j
        vals = np.nan_to_num(scale * (y[:, j] - p[lev, j]))
        scores[np.arange(len(y)), col] = vals
    for r in design.residualizers:
        scores = r.residualize(scores)
    Zr = np.stack([np.bincount(design.psu, weights=scores[:, c], minlength=design.n_psu)
                   for c in range(scores.shape[1])], axis=-1)
    return p, Zr.reshape(design.n_psu, n_levels, k), n, nw


def _rake_projection(design, y, d, level, n_levels, p, nw, Z) -> np.ndarray:
    """PSU totals of scores residualised on the raking margins, from sufficient statistics.

    The variance of a raked estimator is that of the residuals of u = z/w regressed (OLS) on
    the margin dummies X; R ``svyrecvar`` reaches them by backfitting (10 sweeps), whose limit
    is this projection (Deville & Särndal 1992; Lumley 2010 §7.4). With β = (X'X)⁺X'u the
    residual PSU totals are Z − G·β, G = PSU sums of w·X; X'u needs only counts of d·y and d
    per (margin category, domain level), since u = d·(y − p)/Σw·d.
    """
    G, pinv, offsets, joint, M = design.rake_stats
    J = M.shape[1]
    k = y.shape[1]
    ok = d & (level >= 0)
    idx = joint[ok] * n_levels + level[ok]
    sd = np.bincount(idx, minlength=J * n_levels).reshape(J, n_levels)
    yo = y[ok]
    Xtu = np.empty((M.shape[0], n_levels, k))
    for j in range(k):
        sy = np.bincount(idx, weights=yo[:, j], minlength=J * n_levels).reshape(J, n_levels)
        Xtu[:, :, j] = M @ (sy - p[None, :, j] * sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        Xtu = np.nan_to_num(Xtu / nw[None, :, None])
    beta = np.tensordot(pinv, Xtu, axes=(1, 0))  # (C, L, k)
    return Z - np.tensordot(G, beta, axes=(1, 0))


def psu_variance(design: Design, Z: np.ndarray) -> np.ndarray:
    """Between-PSU variance within strata of PSU totals ``Z`` (P, …) → (…)."""
    H = len(design.finite)
    flat = Z.reshape(design.n_psu, -1)
    s1 = np.zeros((H, flat.shape[1]))
    s2 = np.zeros((H, flat.shape[1]))
    np.add.at(s1, design.psu_stratum, flat)
    np.add.at(s2, design.psu_stratum, flat**2)
    n_h = np.bincount(design.psu_stratum, minlength=H).astype("float64")[:, None]
    lonely = n_h[:, 0] == 1
    with np.errstate(invalid="ignore", divide="ignore"):
        within = n_h / (n_h - 1) * (s2 - s1**2 / n_h)
    within[lonely] = s2[lonely]  # centred at the overall mean (0): "adjust"
    v = (design.finite[:, None] * within).sum(axis=0)
    return v.reshape(Z.shape[1:])


def proportion_ci(p: np.ndarray, se: np.ndarray, n: np.ndarray, df: int, method: str = "logit",
                  level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, method used) for proportions; 0 and 1 always get Korn-Graubard."""
    p, se, n = (np.asarray(a, dtype="float64") for a in (p, se, n))
    alpha = 1 - level
    edge = (p <= 0) | (p >= 1) | ~(se > 0)
    use_kg = edge | (method == "korn-graubard")
    with np.errstate(invalid="ignore", divide="ignore"):
        # logit interval (svyciprop method="logit")
        t = stats.t.ppf(1 - alpha / 2, df)
        eta = np.log(p / (1 - p))
        se_eta = se / (p * (1 - p))
        lo_l = 1 / (1 + np.exp(-(eta - t * se_eta)))
        hi_l = 1 / (1 + np.exp(-(eta + t * se_eta)))
        # Korn-Graubard (svyciprop method="beta"), df-adjusted effective n
        n_eff = np.where(edge, n, p * (1 - p) / se**2)
        n_eff = n_eff * (stats.t.ppf(alpha / 2, np.maximum(n - 1, 1)) / stats.t.ppf(alpha / 2, df))**2
        x = p * n_eff
        lo_kg = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n_eff - x + 1), 0.0)
        hi_kg = np.where(n_eff - x > 0, stats.beta.ppf(1 - alpha / 2, x + 1, n_eff - x), 1.0)
    low = np.where(use_kg, lo_kg, lo_l)
    high = np.where(use_kg, hi_kg, hi_l)
    used = np.where(use_kg, "korn-graubard", "logit")
    bad = ~(n > 0)
    low[bad] = np.nan
    high[bad] = np.nan
    return low, high, used
