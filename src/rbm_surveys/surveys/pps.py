"""Without-replacement PPS variance: Horvitz-Thompson and Yates-Grundy forms.

Both are quadratic forms in the PSU totals of the (already weighted) scores, x = (x_i):

    V_HT = x' D x,     V_YG = x' D x - sum_i sum_j D_ij x_j^2

with D_ij = (pi_ij - pi_i pi_j) / pi_ij and D_ii = 1 - pi_i (Särndal, Swensson & Wretman
1992, eq. 2.8.4 and 2.8.5 written for weighted scores; R survey ``htvar``/``ygvar``).
The joint probabilities pi_ij come from the user (``pps=<matrix>``, R ``ppsmat``) or from
an approximation using only the pi_i, within strata of n PSUs:

* Overton (1985): pi_ij ~ D_ij = 1 - (n - (pi_i + pi_j)/2) / (n - 1)
* Hartley & Rao (1962), first-order form as R ``HR()``:
  D_ij = 1 - (n - pi_i - pi_j + p2) / (n - 1), p2 = sum pi^2 / n of the population if given,
  else the sample mean of pi in the stratum (R's default).

Brewer's approximation needs no matrix: it is the usual stratified formula with f_i = 1 - pi_i
per PSU (see :mod:`rbm_surveys.surveys.variance`). The with-replacement approximation is the
design without fpc.
"""

from __future__ import annotations

import numpy as np

from rbm_surveys.errors import DataError

__all__ = ["dcheck", "pps_variance", "PPS_METHODS"]

PPS_METHODS = ("brewer", "overton", "hr")


def dcheck(method: str | np.ndarray, pi: np.ndarray, group: np.ndarray,
           p2bar: float | None = None, tolerance: float = 1e-4) -> np.ndarray:
    """The (C x C) matrix D for PSU inclusion probabilities ``pi`` in strata ``group``."""
    if not isinstance(method, str):
        pij = np.asarray(method, dtype=float)
        if pij.shape != (len(pi), len(pi)):
            raise DataError(f"joint inclusion probabilities must be a {len(pi)} x {len(pi)} "
                            f"matrix (one row per PSU), got {pij.shape}", key="pps",
                            hint="give pi_ij for the sampled PSUs, in the order of the data")
        d = np.diag(pij)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (pij - np.outer(d, d)) / pij
        out[np.abs(out) < tolerance] = 0.0           # R pi2Dcheck / ppsmat(tolerance=)
        return out
    same = group[:, None] == group[None, :]
    n = np.bincount(group)[group].astype(float)[:, None]
    if method == "overton":
        fbar = (pi[:, None] + pi[None, :]) / 2
        out = 1 - (n - fbar) / (n - 1)
    else:
        fbar = pi[:, None] + pi[None, :]
        if p2bar is None:
            p2 = (np.bincount(group, weights=pi) / np.bincount(group))[group][:, None]
        else:
            p2 = np.full((len(pi), 1), float(p2bar))
        out = 1 - (n - fbar + p2) / (n - 1)
    out[~same | (fbar == 1)] = 0.0
    np.fill_diagonal(out, 1 - pi)
    return out


def pps_variance(d: np.ndarray, t: np.ndarray, estimator: str) -> np.ndarray:
    """HT or YG variance of each column of the PSU totals ``t`` (C x K)."""
    v = np.sum(t * (d @ t), axis=0)
    if estimator == "YG":
        v = v - np.sum(d @ (t * t), axis=0)
    return v
