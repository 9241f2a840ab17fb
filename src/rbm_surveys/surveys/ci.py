"""Confidence intervals: Wald (normal / t) and the proportion methods of R ``svyciprop``.

Each function is vectorised over estimates: arrays of estimate, variance and df in, arrays
of (low, high) out. ``df = inf`` means the normal quantile.

Sources: R survey ``svyciprop`` (Lumley 2010 §2.3.1 and man/svyciprop.Rd);
Korn & Graubard (1998) "Confidence intervals for proportions with small expected number of
positive counts estimated from survey data", Survey Methodology 24:193-201;
Wilson (1927) JASA 22:209-212 with the design-effective sample size (Kish 1965).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

from rbm_surveys.errors import UsageError

__all__ = ["critical", "wald_interval", "proportion_interval", "CI_METHODS", "PROPORTION_METHODS",
           "DEFAULT_PROPORTION_CI"]

#: methods for any statistic
CI_METHODS = ("wald", "t", "mean")
#: the default interval of a proportion: Wald on the logit scale with the domain's df (R
#: ``svyciprop``'s default). Chosen by the seeded coverage simulation of
#: tests/test_ci_coverage.py (two-stage design, 5 % indicator; figures in docs/estimation.md):
#: symmetric Wald with infinite df under-covers there, mostly below the truth.
DEFAULT_PROPORTION_CI = "logit"
#: extra methods for proportions (R svyciprop names plus aliases)
PROPORTION_METHODS = ("wald", "t", "mean", "logit", "xlogit", "likelihood", "asin", "beta",
                      "korn-graubard", "wilson")


def _t_ppf(q: float | np.ndarray, df: np.ndarray) -> np.ndarray:
    """t quantile (``scipy.stats.t.ppf`` without its per-call overhead: the same
    ``special.stdtrit``), normal where df is infinite, NaN where df <= 0."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        t = special.stdtrit(np.where(df > 0, df, np.nan), q)
    return np.where(np.isinf(df), special.ndtri(q), t)


def critical(level: float, df: np.ndarray | float) -> np.ndarray:
    """Two-sided critical value: t(df) quantile, normal where df is infinite."""
    return _t_ppf(1 - (1 - level) / 2, np.asarray(df, dtype=float))


def wald_interval(est: np.ndarray, se: np.ndarray, df: np.ndarray,
                  level: float) -> tuple[np.ndarray, np.ndarray]:
    c = critical(level, df)
    return est - c * se, est + c * se


def _likelihood_bounds(p: float, var: float, nobs: float, crit: float) -> tuple[float, float]:
    """Profile-likelihood interval of an intercept-only quasibinomial survey GLM.

    R's ``confint.svyglm(method="likelihood")``: the deviance change divided by the
    dispersion (svyvar of Pearson residuals = n/(n-1) for 0/1 data) equals crit^2 * lambda,
    lambda = design variance / model variance of the coefficient (Rao-Scott scaling).
    For 0/1 data this reduces to KL(p || mu) = crit^2 * dispersion * var / (2 p (1-p)).
    R traces the profile on a grid and interpolates a spline; we solve it exactly.
    """
    if not (0 < p < 1) or not np.isfinite(var) or var <= 0:
        return (np.nan, np.nan)
    disp = nobs / (nobs - 1)
    target = crit ** 2 * disp * var / (2 * p * (1 - p))

    def kl(mu: float) -> float:
        return p * np.log(p / mu) + (1 - p) * np.log((1 - p) / (1 - mu)) - target

    lo = optimize.brentq(kl, 1e-300, p, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    hi = optimize.brentq(kl, p, 1 - 1e-16, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    return lo, hi


def proportion_interval(method: str, p: np.ndarray, var: np.ndarray, df: np.ndarray,
                        n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval for proportions ``p`` with design variance ``var`` (arrays of equal length).

    ``n`` is the number of observations behind each estimate (the domain's own count), used by
    Korn-Graubard's df correction, Wilson and the likelihood dispersion; where the variance is
    zero (p = 0 or 1) the effective sample size falls back to ``n`` so that the intervals
    still have width.
    """
    if method not in PROPORTION_METHODS:
        raise UsageError(f"unknown confidence-interval method {method!r}", key="ci",
                         hint=f"use one of {', '.join(PROPORTION_METHODS)}")
    p = np.asarray(p, dtype=float)
    var = np.asarray(var, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), p.shape)
    n = np.broadcast_to(np.asarray(n, dtype=float), p.shape)
    se = np.sqrt(var)
    crit = critical(level, df)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("wald",):
            return wald_interval(p, se, np.full(p.shape, np.inf), level)
        if method in ("t", "mean"):
            return wald_interval(p, se, df, level)
        if method in ("logit", "xlogit"):
            # Wald interval on the logit scale; delta-method SE = se / (p (1 - p))
            lg = special.logit(p)
            half = crit * se / (p * (1 - p))
            return special.expit(lg - half), special.expit(lg + half)
        if method == "asin":
            # d asin(sqrt(p)) / dp = 1 / (2 sqrt(p (1 - p)))
            a = np.arcsin(np.sqrt(p))
            half = crit * se / (2 * np.sqrt(p * (1 - p)))
            return np.sin(a - half) ** 2, np.sin(a + half) ** 2
        if method in ("beta", "korn-graubard"):
            n_eff = np.where(var > 0, p * (1 - p) / var, n)
            # Korn & Graubard's df adjustment: (t_{n-1} / t_{df})^2, as R svyciprop
            ratio = _t_ppf(alpha / 2, n - 1) / _t_ppf(alpha / 2, df)
            n_eff = n_eff * ratio ** 2
            # beta quantiles (``special.betaincinv`` = ``stats.beta.ppf`` without its overhead)
            lo = np.where(p > 0, special.betaincinv(n_eff * p, n_eff * (1 - p) + 1, alpha / 2),
                          0.0)
            hi = np.where(p < 1, special.betaincinv(n_eff * p + 1, n_eff * (1 - p), 1 - alpha / 2),
                          1.0)
            return lo, hi
        if method == "wilson":
            n_eff = np.where(var > 0, p * (1 - p) / var, n)
            z2 = crit ** 2
            centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
            half = crit / (1 + z2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff ** 2))
            return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    # likelihood
    bounds = [_likelihood_bounds(float(pi), float(vi), float(ni), float(ci))
              for pi, vi, ni, ci in zip(p, var, n, crit)]   # one root-find per estimate
    arr = np.array(bounds, dtype=float).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _fmm_spline(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """Cubic interpolating spline with Forsythe-Malcolm-Moler end conditions (the third
    derivative at each end matches the cubic through the four end points), as R
    ``spline(method="fmm")``; Forsythe, Malcolm & Moler (1977) "Computer Methods for
    Mathematical Computations", §4.4."""
    n = len(x)
    if n < 2:
        return np.full(len(xout), y[0] if n else np.nan)
    if n < 3:
        return np.interp(xout, x, y)
    d = np.diff(x)
    b = np.empty(n)
    c = np.empty(n)
    b[0], b[-1] = -d[0], -d[-1]
    c[:-1] = np.diff(y) / d
    c[-1] = 0.0
    for i in range(1, n - 1):
        b[i] = 2 * (d[i - 1] + d[i])
    c[1:n - 1] = c[1:n - 1] - c[0:n - 2].copy()    # differences of the slopes
    c0 = cn = 0.0
    if n > 3:
        c0 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        cn = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c0 = c0 * d[0] ** 2 / (x[3] - x[0])
        cn = -cn * d[-1] ** 2 / (x[n - 1] - x[n - 4])
    c[0], c[-1] = c0, cn
    for i in range(1, n):                         # tridiagonal elimination
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[-1] /= b[-1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    bb = np.empty(n)
    dd = np.empty(n)
    bb[-1] = (y[-1] - y[-2]) / d[-1] + d[-1] * (c[-2] + 2 * c[-1])
    bb[:-1] = (y[1:] - y[:-1]) / d - d * (c[1:] + 2 * c[:-1])
    dd[:-1] = (c[1:] - c[:-1]) / d
    dd[-1] = dd[-2]
    c3 = 3 * c
    i = np.clip(np.searchsorted(x, xout, side="right") - 1, 0, n - 1)
    dx = xout - x[i]
    return y[i] + dx * (bb[i] + dx * (c3[i] + dx * dd[i]))


def _glm_naive_cov(y: np.ndarray, wp: np.ndarray, epsilon: float = 1e-8,
                   maxit: int = 25) -> float:
    """``cov.unscaled`` of R ``glm(y ~ 1, family=quasibinomial, weights=wp)``.

    R's ``glm.fit`` keeps the QR of the last weighted least-squares step, whose working
    weights wp mu(1-mu) use the mean *before* that step's update; so its cov.unscaled is
    1/sum(wp mu_prev (1-mu_prev)), not the value at the converged mean (differs ~1e-6).
    IRLS as glm.fit: mustart (wp y + 1/2)/(wp + 1), stop when the deviance changes by less
    than epsilon (|dev - dev_old| / (|dev| + 0.1))."""
    pos = wp > 0
    y, wp = y[pos], wp[pos]

    def deviance(mu: np.ndarray) -> float:
        # binomial dev.resids: 2 wt (y log(y/mu) + (1-y) log((1-y)/(1-mu))), y in {0, 1}
        return float(np.sum(-2 * wp * np.where(y > 0.5, np.log(mu), np.log1p(-mu))))

    mu = (wp * y + 0.5) / (wp + 1)
    eta = special.logit(mu)
    dev_old = deviance(mu)
    sw = float(np.sum(wp * mu * (1 - mu)))
    for _ in range(maxit):
        var = mu * (1 - mu)                           # logit link: dmu/deta = mu(1-mu)
        work = wp * var                               # working weights
        z = eta + (y - mu) / var
        sw = float(np.sum(work))
        coef = float(np.sum(work * z)) / sw
        eta = np.full(len(y), coef)
        mu = special.expit(eta)
        dev = deviance(mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            break
        dev_old = dev
    return 1.0 / sw


def likelihood_interval(y: np.ndarray, w: np.ndarray, p: float, var: float, df: float,
                        level: float) -> tuple[float, float]:
    """Profile-likelihood interval of R ``svyciprop(method="likelihood")``.

    R fits ``svyglm(y ~ 1, family=quasibinomial)`` (weights rescaled to mean 1) and calls
    ``confint(method="likelihood")``: the signed root of (deviance change / dispersion) is
    traced at up to 9 steps of zmax/5 standard errors each side of the estimate, a cubic
    spline (FMM) is fitted through the trace, and the interval is where it crosses
    +-t_{df} sqrt(lambda), lambda = design variance / model variance (Rao-Scott). We follow
    the same steps so the bounds agree with R's to rounding, not only to the spline's error.
    ``y``/``w``: the 0/1 variable and the analysis weights (0 outside the domain) of the
    rows R's model frame holds (missing y removed).
    """
    if not (0 < p < 1) or not np.isfinite(var) or var <= 0:
        return (np.nan, np.nan)
    wp = w / w.mean()                               # svyglm rescale=TRUE
    se = np.sqrt(var) / (p * (1 - p))               # design SE of logit(p)
    naive = _glm_naive_cov(y, wp)                   # glm cov.unscaled
    lam = se ** 2 / naive
    pos = w > 0
    n_pos = pos.sum()
    r = (y - p) / np.sqrt(p * (1 - p))    # Pearson residuals as survey's residuals.svyglm
    rbar = np.sum(w * r) / np.sum(w)
    disp = np.sum(w * (r - rbar) ** 2) / np.sum(w) * n_pos / (n_pos - 1)   # svyvar
    tq = stats.norm.ppf((1 - level) / 2) if np.isinf(df) else stats.t.ppf((1 - level) / 2, df)
    alpha = stats.norm.cdf(tq * np.sqrt(lam)) / 2
    zmax = np.sqrt(stats.f.isf(alpha, 1, len(y) - 1))
    step_size = zmax / 5
    b0 = special.logit(p)

    def deviance(mu: float) -> float:
        return float(np.sum(wp * -2 * np.where(y > 0.5, np.log(mu), np.log1p(-mu))))

    d0 = deviance(p)
    bs, zs = [b0], [0.0]
    for sgn in (-1, 1):
        z, step = 0.0, 0
        while True:
            step += 1
            if step >= 10 or abs(z) >= zmax:
                break
            bi = b0 + sgn * step * step_size * se
            zz = max((deviance(float(special.expit(bi))) - d0) / disp, 0.0)
            z = sgn * np.sqrt(zz)
            bs.append(bi)
            zs.append(z)
    order = np.argsort(bs)
    bx, zy = np.asarray(bs)[order], np.asarray(zs)[order]
    grid = np.linspace(bx[0], bx[-1], 3 * len(bx))
    sz = _fmm_spline(bx, zy, grid)
    o2 = np.argsort(sz, kind="stable")
    cut = np.array([tq * np.sqrt(lam), -tq * np.sqrt(lam)])
    lo, hi = np.interp(cut, sz[o2], grid[o2], left=np.nan, right=np.nan)
    return float(special.expit(lo)), float(special.expit(hi))
