"""SurveyDesign: a linearisation (Taylor) survey design, as R survey's ``svydesign``.

The constructor stores and checks the arguments and integer-codes the structure once
(strata, clusters per stage, fpc); estimates are computed by
:mod:`rbm_surveys.surveys.estimate`. A design is immutable: weighting returns a new design
through :meth:`SurveyDesign.with_weights`.

Conventions (R survey): ``ids`` lists the stage identifiers (``None``/``1`` = element
sampling); ``fpc`` gives the population size per stage (values in (0, 1] are sampling
fractions); without ``weights``/``probs`` the weights are implied by the fpc (or are 1);
multistage variance needs the fpc (otherwise only the ultimate-cluster term is used).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.surveys._core import PsuLayout, derive_with_columns
from rbm_surveys.surveys._verbs import DesignVerbs

from rbm_surveys.errors import DataError, DesignError, UsageError
from rbm_surveys.surveys._checks import (as_list, check_choice, check_column, check_weights,
                                         factorize_sorted, first_rows, note_negative_weights,
                                         numeric_column)
from rbm_surveys.surveys.pps import PPS_METHODS, dcheck
from rbm_surveys.surveys.variance import LONELY_PSU_RULES, Stage

__all__ = ["SurveyDesign"]


def _codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes (the smallest int type that fits) and their labels."""
    return factorize_sorted(values)


def _pair(a: np.ndarray, b: np.ndarray, a_count: int | None = None) -> np.ndarray:
    """Integer code of the pair (a, b), in sorted order."""
    if a_count == 1:                             # a constant: the codes of b
        return factorize_sorted(b)[0]
    key = a.astype(np.int64)
    key *= int(b.max()) + 1 if len(b) else 1
    key += b
    return factorize_sorted(key)[0]


class SurveyDesign(DesignVerbs):
    """A complex survey design for Taylor-linearised estimates.

    Parameters
    ----------
    data: the survey frame (never modified).
    weights: column of sampling (analysis) weights.
    strata: stratum column, or one per stage.
    ids: stage identifier columns (first = PSU); ``None`` or ``1`` = each row its own PSU.
    fpc: population size (or sampling fraction in (0, 1]) per stage: column names or numbers.
    nest: PSU ids are only unique within strata (R ``nest=TRUE``).
    probs: column of selection probabilities (weights = 1/probs) when ``weights`` is None.
    pps: PPS sampling without replacement; the fpc then holds the PSU inclusion
        probabilities pi_i. ``"brewer"`` (Brewer's approximation, also multistage),
        ``"overton"``, ``"hr"`` (Hartley-Rao; ``pps_p2bar`` = population sum(pi^2)/n if
        known) or a (PSU x PSU) matrix of joint inclusion probabilities (R ``ppsmat``).
        Without ``pps`` and without fpc, ``probs``/``weights`` give the with-replacement
        approximation.
    variance: ``"HT"`` (Horvitz-Thompson) or ``"YG"`` (Yates-Grundy) for matrix-based PPS.
    lonely_psu: what to do with strata holding one PSU: fail | remove | certainty | adjust |
        average (R ``options(survey.lonely.psu=)``), stamped on every result.
    adjust_domain_lonely: apply the lonely-PSU rule also where a *domain* has rows in only
        one PSU of a stratum that has several (R ``options(survey.adjust.domain.lonely=TRUE)``;
        kept on this design, not global). It changes the variance for ``lonely_psu="adjust"``
        (the single PSU's total is not centred: f n/(n-1) t^2) and ``"average"`` (the stratum
        counts as lonely); the other rules are unaffected, as in R.

    Notes
    -----
    The interface engines use is declared in :mod:`rbm_surveys.surveys._core`.
    R equivalent: ``svydesign(ids=, strata=, weights=, fpc=, nest=, probs=, pps=)``.
    """

    kind = "taylor"

    def __init__(self, data: pd.DataFrame, weights: str | None = None,
                 strata: str | Sequence[str] | None = None,
                 ids: str | int | Sequence[str] | None = None,
                 fpc: str | float | Sequence[str | float] | None = None, nest: bool = False,
                 probs: str | None = None, pps: Any = None,
                 lonely_psu: str = "fail", variance: str = "HT",
                 pps_p2bar: float | None = None, adjust_domain_lonely: bool = False) -> None:
        if not isinstance(data, pd.DataFrame):
            raise UsageError("data must be a pandas DataFrame", key="data",
                             hint="read the export first, e.g. with rbm_surveys.read_export")
        if len(data) == 0:
            raise DataError("the survey frame has no rows", key="data")
        check_choice(lonely_psu, LONELY_PSU_RULES, "lonely_psu")
        if isinstance(pps, str) or pps is None:
            if pps not in (None, *PPS_METHODS):
                raise UsageError(f"pps={pps!r} is not supported", key="pps",
                                 hint="use None, 'brewer', 'overton', 'hr' or a matrix of "
                                      "joint inclusion probabilities")
        check_choice(variance, ("HT", "YG"), "variance")
        self.variance = variance
        self.pps_p2bar = pps_p2bar
        self.data = data
        self.weights_column = weights
        self.strata_columns = as_list(strata)
        id_list = as_list(ids)
        self.id_columns = [] if id_list in ([], [1], ["1"], [0]) else id_list
        self.fpc_spec = as_list(fpc)
        self.nest = bool(nest)
        self.probs_column = probs
        self.pps = pps
        self.lonely_psu = lonely_psu
        self.adjust_domain_lonely = bool(adjust_domain_lonely)
        self.calibration: tuple = ()
        self._build()
        self._cache: dict[Any, Any] = {}

    # ------------------------------------------------------------------ structure
    def _column_values(self, name: str, role: str) -> np.ndarray:
        col = check_column(self.data, name, role)
        miss = col.isna().to_numpy()
        if miss.any():
            raise DataError(f"{role} column {name!r} has missing values", column=name,
                            row=first_rows(miss),
                            hint=f"every row needs a {role}; fill them in or drop those rows")
        return col.to_numpy()

    def _build(self) -> None:
        n = len(self.data)
        n_stages = max(1, len(self.id_columns))
        if len(self.strata_columns) > n_stages:
            raise UsageError("more strata columns than stages", key="strata",
                             hint="give one strata column per stage in ids")
        if len(self.fpc_spec) > n_stages:
            raise UsageError("more fpc entries than stages", key="fpc",
                             hint="give one fpc per stage in ids")
        stages: list[Stage] = []
        upper = np.zeros(n, dtype=np.int8)
        n_upper = 1
        mult_rows: Any = 1.0               # scalars until an fpc makes them vary by row
        prob: Any = 1.0
        prob_stage1: Any = 1.0
        self.has_fpc = bool(self.fpc_spec)
        for s in range(n_stages):
            if s < len(self.strata_columns) and self.strata_columns[s] is not None:
                st_code, st_lab = _codes(self._column_values(self.strata_columns[s], "strata"))
            else:
                st_code, st_lab = np.zeros(n, dtype=np.int8), np.array([1])
            if s < len(self.id_columns):
                id_name = self.id_columns[s]
                id_code, _ = _codes(self._column_values(id_name, "cluster id"))
            else:
                id_name = None
                id_code = np.arange(n, dtype=np.int32)
            group = _pair(upper, st_code, n_upper)
            if self.nest or s > 0:
                # ids only unique within (upper cluster, stratum): R nest=TRUE, and the
                # recursion by upper cluster in R's multistage for later stages
                cluster = _pair(group, id_code) if self.nest else _pair(upper, id_code, n_upper)
            else:
                cluster = id_code
            n_clusters = int(cluster.max()) + 1
            # each cluster must lie in one stratum (R: "Clusters not nested in strata")
            first = np.full(n_clusters, -1, dtype=np.int64)
            first[cluster] = group
            if np.any(first[cluster] != group):
                bad = first[cluster] != group
                raise DesignError(
                    f"cluster ids in {id_name!r} are reused across strata at stage {s + 1}",
                    column=id_name, row=first_rows(bad),
                    hint="use nest=True if ids are only unique within strata")
            cluster_group = first
            n_groups = int(group.max()) + 1
            npsu = np.bincount(cluster_group, minlength=n_groups)
            if s < len(self.fpc_spec):
                f_rows, frac_rows = self._stage_fpc(self.fpc_spec[s], s, group, npsu)
            else:
                f_rows, frac_rows = 1.0, 1.0
            cluster_f = np.ones(n_clusters)
            cluster_f[cluster] = f_rows
            g_first = np.zeros(n_groups, dtype=np.int64)
            g_first[group] = np.arange(n, dtype=np.int32)
            parent = None
            if s > 0:
                parent = np.zeros(n_clusters, dtype=np.int64)
                parent[cluster] = upper
            stages.append(Stage(number=s + 1, cluster=cluster, n_clusters=n_clusters,
                                cluster_group=cluster_group, group_npsu=npsu, cluster_f=cluster_f,
                                group_mult=np.broadcast_to(mult_rows, (n,))[g_first],
                                group_upper=upper[g_first],
                                group_label=np.asarray(st_lab)[st_code[g_first]],
                                parent=parent))
            prob = prob * frac_rows
            if s == 0:
                prob_stage1 = frac_rows
            mult_rows = mult_rows * frac_rows
            upper, n_upper = cluster, n_clusters
        self._all_stages = stages
        self._dcheck = None
        if self.pps is not None and not (isinstance(self.pps, str) and self.pps == "brewer"):
            if n_stages > 1 or not self.fpc_spec:
                raise UsageError("this PPS method needs one stage and the inclusion "
                                 "probabilities in fpc", key="pps",
                                 hint="use pps='brewer' for multistage designs")
            st = stages[0]
            pi = np.zeros(st.n_clusters)
            pi[st.cluster] = prob_stage1
            self._dcheck = dcheck(self.pps, pi, st.cluster_group, self.pps_p2bar)
        # Rao's recursion needs the fpc; without it only the ultimate-cluster term (R).
        self.stages = stages if self.has_fpc else stages[:1]
        if self.weights_column is not None:
            w = numeric_column(self.data, self.weights_column, "weights")
            col = self.weights_column
        elif self.probs_column is not None:
            p = numeric_column(self.data, self.probs_column, "probs")
            with np.errstate(divide="ignore"):
                w = 1.0 / p
            col = self.probs_column
        else:
            w = 1.0 / np.broadcast_to(prob, (n,))
            col = None
        self.weights = check_weights(np.ascontiguousarray(w, dtype=np.float64), col)
        self.weights.setflags(write=False)

    def _stage_fpc(self, spec: Any, s: int, group: np.ndarray,
                   npsu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-row factors f = 1 - n/N and sampling fractions n/N for stage s.

        With ``pps='brewer'`` the fpc are inclusion probabilities pi_i and f = 1 - pi_i per
        PSU: Brewer's approximation as R survey applies it in ``onestrat``.
        """
        n = len(group)
        if isinstance(spec, str):
            vals = numeric_column(self.data, spec, "fpc")
            bad = ~np.isfinite(vals) | (vals <= 0)
            if bad.any():
                raise DataError(f"fpc column {spec!r} has missing or non-positive values",
                                column=spec, row=first_rows(bad),
                                hint="give the population size (or sampling fraction) per row")
        else:
            vals = np.full(n, float(spec))
            if not np.isfinite(vals[0]) or vals[0] <= 0:
                raise UsageError(f"fpc value {spec!r} must be a positive number", key="fpc")
        n_rows = npsu[group].astype(float)
        if self.pps is not None:
            # PPS: per-unit inclusion probabilities; f varies within strata (R pps=)
            if np.any(vals > 1):
                raise DataError("with pps= the fpc must be inclusion probabilities",
                                column=spec if isinstance(spec, str) else None,
                                hint="give pi_i in (0, 1]")
            pop = n_rows / vals
        elif np.all(vals <= 1):
            pop = n_rows / vals        # sampling fractions
        elif np.all(vals >= 1):
            pop = vals
        else:
            raise DataError("fpc mixes population sizes (>1) and sampling fractions (<1)",
                            column=spec if isinstance(spec, str) else None,
                            hint="use one convention for the whole column")
        small = pop < n_rows - 1e-9
        if small.any():
            raise DataError(f"fpc at stage {s + 1} is smaller than the number of sampled units",
                            column=spec if isinstance(spec, str) else None,
                            row=first_rows(small),
                            hint="fpc is the population size N per stratum (R convention), "
                                 "not 1 - n/N")
        g_pop = np.zeros(int(group.max()) + 1)
        g_pop[group] = pop
        if self.pps is None and np.any(np.abs(g_pop[group] - pop) > 1e-9 * np.abs(pop)):
            bad = np.abs(g_pop[group] - pop) > 1e-9 * np.abs(pop)
            raise DataError(f"fpc varies within a stratum at stage {s + 1}",
                            column=spec if isinstance(spec, str) else None, row=first_rows(bad),
                            hint="the population size must be constant within each stratum")
        with np.errstate(divide="ignore", invalid="ignore"):
            f_rows = np.where(np.isinf(pop), 1.0, (pop - n_rows) / pop)
        return f_rows, n_rows / pop

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        return len(self.data)

    @property
    def all_stages(self) -> list[Stage]:
        """The structure of every sampling stage (``stages`` holds those the variance uses:
        all of them with an fpc, the first otherwise, as R)."""
        return self._all_stages

    @property
    def pps_check(self) -> Any:
        """Joint-inclusion structure of a matrix/Overton/Hartley-Rao PPS design, else None."""
        return self._dcheck

    @property
    def psu_layout(self) -> PsuLayout:
        """Stage-1 PSU codes and their strata (see :class:`~._core.PsuLayout`)."""
        st = self._all_stages[0]
        return self.memo(("psu_layout", "taylor"), lambda: PsuLayout(st.cluster, st.n_clusters,
                                                             st.cluster_group, st.n_groups))

    @property
    def degf(self) -> int:
        """Number of PSUs minus number of strata among rows with nonzero weight (R degf)."""
        st = self._all_stages[0]
        inset = self.weights != 0
        psu = np.unique(st.cluster[inset])
        grp = np.unique(st.cluster_group[psu])
        return int(len(psu) - len(grp))

    def describe(self) -> str:
        """One line: rows, strata, PSUs, stages, fpc (written beside every estimate)."""
        parts = [f"{self.n} rows"]
        st = self._all_stages[0]
        parts.append(f"{st.n_groups} strata, {st.n_clusters} PSUs")
        if len(self._all_stages) > 1:
            parts.append(f"{len(self._all_stages)} stages")
        parts.append("fpc" if self.has_fpc else "with replacement")
        if self.adjust_domain_lonely:
            parts.append("domain-lonely PSUs adjusted")
        return "taylor: " + ", ".join(parts)

    def __repr__(self) -> str:
        return f"SurveyDesign({self.describe()}, lonely_psu={self.lonely_psu!r})"

    # ------------------------------------------------------------------ derived designs
    def with_weights(self, weights: np.ndarray, calibration: Any = None, *,
                     allow_negative: bool = False) -> "SurveyDesign":
        """Same structure, new analysis weights; ``calibration`` appended if given.

        ``allow_negative=True`` accepts negative weights (linear calibration run with
        ``on_fail="warn"``): the design records a warning in ``weighting_warnings`` and
        every estimate from it carries a ``warning`` column. Weights given at construction
        must still be non-negative."""
        w = check_weights(np.array(weights, dtype=np.float64).reshape(-1), None,
                          allow_negative=allow_negative)
        if len(w) != self.n:
            raise UsageError(f"weights have {len(w)} values for {self.n} rows", key="weights")
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        w.setflags(write=False)
        new.weights = w
        new.calibration = self.calibration + ((calibration,) if calibration is not None else ())
        new._cache = self._cache_for_weights()   # factorisations depend on the data only
        note_negative_weights(new, self)
        return new

    def with_columns(self, **columns: Any) -> "SurveyDesign":
        """The same design with derived variables added or replaced (R ``update()``).

        Parameters
        ----------
        **columns
            ``name=values``: an array or Series of one value per row (a Series must have
            the frame's index), a scalar, or a callable taking the frame and returning
            such values.

        Returns
        -------
        SurveyDesign
            Same structure, weights, calibration (no re-calibration: the residualizers of
            earlier weighting steps still apply) and warnings; what was computed for
            columns not replaced stays cached.

        Design columns (weights, strata, ids, fpc, probs) cannot be replaced: build a new
        design for a new structure. R equivalent: ``update(design, name = expression)``.
        """
        protected = {c for c in (self.weights_column, self.probs_column, *self.strata_columns,
                                 *self.id_columns, *self.fpc_spec) if isinstance(c, str)}
        return derive_with_columns(self, columns, protected)

    # (estimators and weighting verbs: rbm_surveys.surveys._verbs.DesignVerbs)
    # ------------------------------------------------------------------ replicates
    def replicate(self, type: str = "jk1", *, replicates: int = 50, seed: int | None = None,
                  fay_rho: float | None = None, mse: bool = False) -> "Any":
        """Replicate-weight design built from this design (R ``as.svrepdesign``).

        Parameters
        ----------
        type : {"jk1", "jkn", "brr", "fay", "bootstrap"}
        replicates : int
            Bootstrap replicates (Rao-Wu rescaling, R ``subbootstrap``).
        seed : int, optional
            Bootstrap seed.
        fay_rho : float
            Needed with ``type="fay"`` (R ``fay.rho``): factors rho and 2 - rho.
        mse : bool
            Centre the replicates on the full-sample estimate (R ``mse=TRUE``).

        Returns
        -------
        ReplicateDesign
            Replicate factors per PSU; shares this design's cached domain codes.
        """
        from rbm_surveys.surveys.replicate import from_design
        return from_design(self, type=type, replicates=replicates, seed=seed,
                           fay_rho=fay_rho, mse=mse)

    @staticmethod
    def from_replicate_weights(data: pd.DataFrame, weights: str, repweights: Any,
                               type: str = "other", scale: float | None = None,
                               rscales: Any = None, mse: bool = False,
                               on: dict[str, str] | Sequence[str] | None = None,
                               combined_weights: bool = True, rho: float | None = None,
                               fay_rho: float | None = None) -> "Any":
        """A :class:`ReplicateDesign` from user-supplied replicate weights.

        Parameters
        ----------
        data : DataFrame
            The survey frame.
        weights : str
            Full-sample weight column.
        repweights : list of str or DataFrame
            Replicate columns of ``data``, or a table joined to ``data`` by ``on``.
        type : {"other", "jk1", "jkn", "brr", "fay", "bootstrap"}
            Gives the default ``scale`` (brr 1/R, fay 1/(R(1-rho)^2), jk1 (R-1)/R,
            bootstrap 1/(R-1)); ``other`` needs ``scale``, ``jkn`` needs ``rscales``.
        scale, rscales : float, array
            Variance = scale * sum_r rscales_r (theta_r - centre)^2.
        mse : bool
            Centre on the full-sample estimate.
        on : dict or list, optional
            Unit-id columns joining a replicate table (never joined by position).
        combined_weights : bool
            False: the replicates are factors to multiply the weights by.
        rho, fay_rho : float
            Fay's rho (needed with ``type="fay"``), R's convention; see
            :meth:`ReplicateDesign.from_weights`.

        Returns
        -------
        ReplicateDesign

        R equivalent: ``svrepdesign(data=, repweights=, weights=, type=, rho=, scale=,
        rscales=, combined.weights=, mse=)``.
        """
        from rbm_surveys.surveys.replicate import ReplicateDesign
        return ReplicateDesign.from_weights(data, weights=weights, repweights=repweights,
                                            type=type, scale=scale, rscales=rscales, mse=mse,
                                            on=on, combined_weights=combined_weights,
                                            rho=rho, fay_rho=fay_rho)

