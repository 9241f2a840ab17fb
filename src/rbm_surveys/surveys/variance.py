"""Variance formulas on sufficient statistics (cluster totals of influence scores).

This module never sees rows: it takes the totals of the scores per cluster at each stage
(computed once by :mod:`rbm_surveys.surveys.estimate`) and applies the formulas. The same
functions can therefore take their sums from any engine that can add.

Taylor linearisation follows R survey's ``svyrecvar`` / ``multistage`` / ``onestrat``
(Lumley 2010, appendix C; Rao's multistage formula, Särndal et al. 1992 eq. 4.3.25):

    V = sum_h f_h n_h/(n_h-1) sum_i (t_hi - tbar_h)^2                 (stage 1)
      + sum_i (n_1/N_1) [same formula within first-stage unit i]      (stage 2, ...)

with f_h = 1 - n_h/N_h (1 without fpc). Lonely PSUs (n_h == 1) follow R's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from rbm_surveys.errors import DesignError

__all__ = ["Stage", "taylor_variance", "replicate_variance", "lonely_psu_error", "LONELY_PSU_RULES"]

LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust", "average")


@dataclass(frozen=True, eq=False)
class Stage:
    """Structure of one sampling stage, integer-coded once per design.

    ``group`` is the variance stratum of a cluster: (upper-stage cluster, stratum at this
    stage); at stage 1 simply the stratum.
    """

    number: int
    cluster: np.ndarray        # (n_rows,) cluster code at this stage, 0..C-1
    n_clusters: int
    cluster_group: np.ndarray  # (C,) group code of each cluster
    group_npsu: np.ndarray     # (G,) clusters sampled in the group
    cluster_f: np.ndarray      # (C,) 1 - n/N (1 without fpc; 1 - pi_i for Brewer PPS)
    group_mult: np.ndarray     # (G,) product of upper-stage sampling fractions n/N
    group_upper: np.ndarray    # (G,) upper-stage cluster of the group (0 at stage 1)
    group_label: np.ndarray    # (G,) stratum label for messages
    parent: np.ndarray | None  # (C,) cluster code at the previous stage

    @property
    def n_groups(self) -> int:
        return len(self.group_npsu)

    def group_matrix(self) -> sp.csr_matrix:
        """(G x C) indicator of clusters in groups (built once per stage)."""
        got = self.__dict__.get("_group_matrix")
        if got is None:
            c = self.n_clusters
            got = sp.csr_matrix((np.ones(c), (self.cluster_group, np.arange(c))),
                                shape=(self.n_groups, c))
            self.__dict__["_group_matrix"] = got     # frozen dataclass: a derived value
        return got


def lonely_psu_error(stage: Stage, hit: np.ndarray) -> DesignError:
    """The error for strata ``hit`` (G bool) of ``stage`` holding one PSU under rule 'fail'."""
    labels = ", ".join(map(str, np.unique(stage.group_label[hit])[:10]))
    return DesignError(f"stratum {labels} has only one PSU at stage {stage.number}",
                       stratum=labels, key="lonely_psu",
                       hint="choose lonely_psu='remove', 'certainty', 'adjust' or 'average', "
                            "or collapse the stratum with a neighbour")


def stage_variance(stage: Stage, t: np.ndarray, lonely_psu: str,
                   active: np.ndarray | None = None,
                   domain_lonely: bool = False) -> np.ndarray:
    """Variance contribution of one stage from cluster totals ``t`` (C x K) -> (K,).

    ``active`` (G x K, optional) counts the clusters of each group where the estimate's
    domain has rows. R estimates a domain on the subset design, whose strata are those the
    domain touches: a lonely stratum outside the domain cannot fail, and ``'average'``
    counts strata (and non-lonely strata) per estimate over the active groups only (R
    ``onestage``). ``domain_lonely`` (R ``options(survey.adjust.domain.lonely=TRUE)``): a
    group where the domain has one cluster of several is lonely for that estimate — with
    ``'adjust'`` its single total is not centred (f n/(n-1) t^2, R ``onestrat``), with
    ``'average'`` it is left out and the rest scaled up.
    """
    m = stage.group_matrix()
    n = stage.group_npsu.astype(float)[:, None]
    s1 = m @ t
    centred = t - (s1 / n)[stage.cluster_group]
    f_c = stage.cluster_f[:, None]
    mult = stage.group_mult[:, None]
    # sum_c f_c (t_c - tbar)^2: f per cluster allows Brewer's PPS approximation (R pps="brewer")
    dev = m @ (f_c * centred * centred)
    certain = (m @ (stage.cluster_f >= 1e-7).astype(float)) == 0   # self-representing
    lonely = (stage.group_npsu == 1) & ~certain
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(n > 1, n / (n - 1) * dev, 0.0)
    dom_lonely = None
    if domain_lonely and active is not None and lonely_psu in ("adjust", "average"):
        dom_lonely = (np.asarray(active) == 1) & (stage.group_npsu > 1)[:, None]   # (G x K)
        if lonely_psu == "adjust" and dom_lonely.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                single = n / (n - 1) * (m @ (f_c * t * t))     # other clusters' totals are 0
            v = np.where(dom_lonely, single, v)
            dom_lonely = None
        elif not dom_lonely.any():
            dom_lonely = None
    if active is not None:
        active = np.asarray(active) > 0
    v[certain] = 0.0
    if lonely.any() or dom_lonely is not None:
        if lonely_psu == "fail":
            hit = lonely if active is None else lonely & active.any(axis=1)
            if hit.any():
                raise lonely_psu_error(stage, hit)
            v[lonely] = 0.0
        elif lonely_psu in ("remove", "certainty"):
            v[lonely] = 0.0                  # R: centred single PSU contributes zero
        elif lonely_psu == "adjust":
            v[lonely] = (m @ (f_c * t * t))[lonely]  # R onestrat: single PSU total, not centred
        elif lonely_psu == "average":
            # R onestage: drop lonely strata, scale the rest by n_strata / n_ok_strata,
            # separately within each upper-stage cluster.
            lonely_k = np.broadcast_to(lonely[:, None], v.shape)
            if dom_lonely is not None:
                lonely_k = lonely_k | dom_lonely
            v = np.where(lonely_k, 0.0, v)
            up = stage.group_upper
            act = (np.ones((stage.n_groups, v.shape[1]), dtype=bool) if active is None
                   else active)
            u = sp.csr_matrix((np.ones(stage.n_groups), (up, np.arange(stage.n_groups))))
            nstrat = np.asarray(u @ act.astype(float))                  # (U x K)
            nok = np.asarray(u @ (act & ~lonely_k).astype(float))
            with np.errstate(divide="ignore", invalid="ignore"):
                # untouched upper-stage unit: no strata, contributes nothing
                ratio = np.where(nstrat == 0, 1.0, np.where(nok > 0, nstrat / nok, np.nan))
            v = v * ratio[up]
    return (v * mult).sum(axis=0)


def taylor_variance(stages: list[Stage], totals: list[np.ndarray], lonely_psu: str,
                    active: list[np.ndarray | None] | None = None,
                    domain_lonely: bool = False) -> np.ndarray:
    """Sum of the stage contributions; ``totals[s]`` are the cluster totals at stage s."""
    v = 0.0
    for i, (stage, t) in enumerate(zip(stages, totals)):
        v = v + stage_variance(stage, t, lonely_psu, None if active is None else active[i],
                               domain_lonely)
    return np.asarray(v, dtype=float)


def replicate_variance(theta: np.ndarray, theta_r: np.ndarray, scale: float,
                       rscales: np.ndarray, mse: bool) -> np.ndarray:
    """scale * sum_r rscales_r (theta_r - centre)^2 (R ``svrVar``).

    theta (K,), theta_r (K, R). The centre is the mean of the replicates unless ``mse``.
    """
    centre = theta[:, None] if mse else np.nanmean(theta_r, axis=1, keepdims=True)
    d = theta_r - centre
    return scale * np.nansum(rscales[None, :] * d * d, axis=1)
