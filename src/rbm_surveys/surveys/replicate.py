"""Replicate-weight designs: JK1, JKn, BRR, Fay, Rao-Wu bootstrap, user-supplied weights.

Variance = scale * sum_r rscales_r (theta_r - centre)^2, centre = mean of the replicates
(R ``survey.replicates.mse=FALSE``) or the full-sample estimate with ``mse=True``.

Designs built from a :class:`SurveyDesign` keep their replicate *factors per PSU*
(``factors``, PSU x R); replicate estimates are then (domain x PSU sums) @ factors, never
an (n x R) matrix. ``repweights`` (n x R, full analysis weights as R's
``combined.weights=TRUE``) is materialised only when asked for, or supplied by the user /
the weighting module, in which case estimation uses it directly.

Conventions (R ``as.svrepdesign``/``svrepdesign``):

* JK1 (unstratified): factor n/(n-1), 0 for the dropped PSU; scale (1 - n/N)(n-1)/n.
* JKn: one replicate per PSU within its stratum; rscales (1 - n_h/N_h)(n_h-1)/n_h.
* BRR / Fay: 2 PSUs per stratum, half-samples from a Hadamard matrix (Sylvester or Paley
  construction, skipping the all-ones row); factors 2-rho / rho; scale 1/(R (1-rho)^2);
  fpc dropped. User-supplied Fay weights follow R ``svrepdesign(type="Fay", rho=)``: the
  weights already carry rho (factors rho and 2-rho) and are used as they are; only 0/2
  half-sample factors are turned into Fay factors. ``rho`` is required, and weights whose
  factors show another rho (e.g. 1-rho given) are refused.
* Bootstrap: Rao & Wu (1988) rescaling with m_h = n_h - 1 PSUs drawn with replacement per
  stratum (R ``subbootstrap``): factor = count * n_h/(n_h-1), scale 1/(R-1); fpc dropped.
* df = rank of the replicate weights - 1 (R ``degf.svyrep.design``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.surveys._core import PsuLayout, derive_with_columns
from rbm_surveys.surveys._verbs import DesignVerbs

from rbm_surveys.errors import DataError, DesignError, UsageError
from rbm_surveys.surveys._checks import (as_list, check_column, check_weights, first_rows,
                                         note_negative_weights, numeric_column)

__all__ = ["ReplicateDesign", "hadamard", "from_design", "REPLICATE_TYPES"]

REPLICATE_TYPES = ("jk1", "jkn", "brr", "fay", "bootstrap", "other")


# ---------------------------------------------------------------------------- Hadamard
def _is_prime(q: int) -> bool:
    return q > 1 and all(q % k for k in range(2, int(q ** 0.5) + 1))


def _paley(q: int) -> np.ndarray:
    """Paley construction I: Hadamard matrix of order q+1 for prime q = 3 (mod 4)."""
    residues = {(k * k) % q for k in range(1, q)}
    chi = np.array([0] + [1 if a in residues else -1 for a in range(1, q)])
    idx = np.arange(q)
    jac = chi[(idx[None, :] - idx[:, None]) % q]          # Jacobsthal matrix, skew
    h = np.ones((q + 1, q + 1), dtype=np.int64)
    h[1:, 1:] = jac + np.eye(q, dtype=np.int64)
    h[1:, 0] = -1
    # normalise: first row and column all +1
    h = h * h[0][None, :]
    h = h * h[:, 0][:, None]
    return h


def hadamard(min_order: int) -> np.ndarray:
    """Smallest Hadamard matrix (entries +-1, first row all +1) of order >= ``min_order``
    from Sylvester doubling of 1, 2 or a Paley matrix."""
    best: np.ndarray | None = None
    bases = [np.array([[1]])] + [_paley(q) for q in range(3, 4 * min_order + 4)
                                  if q % 4 == 3 and _is_prime(q) and q + 1 <= 2 * min_order + 4]
    for base in bases:
        h = base
        while h.shape[0] < min_order:
            h = np.block([[h, h], [h, -h]])                # Sylvester doubling
        if best is None or h.shape[0] < best.shape[0]:
            best = h
    assert best is not None
    return best


# ---------------------------------------------------------------------------- design
class ReplicateDesign(DesignVerbs):
    """A design whose variance comes from replicate weights."""

    kind = "replicate"

    def __init__(self, data: pd.DataFrame, weights: np.ndarray, *, scale: float,
                 rscales: np.ndarray, mse: bool = False, type: str = "other",
                 factors: np.ndarray | None = None, psu: np.ndarray | None = None,
                 repweights: np.ndarray | None = None, lonely_psu: str | None = None,
                 degf: int | None = None) -> None:
        if (factors is None) == (repweights is None):
            raise UsageError("give either PSU factors or full replicate weights",
                             key="repweights")
        self.data = data
        self.weights = np.asarray(weights, dtype=np.float64)
        self.weights.setflags(write=False)
        self.factors = factors
        self.psu = psu
        self.n_psu = None if factors is None else factors.shape[0]
        self._repweights = repweights
        self.scale = float(scale)
        n_rep = (factors if factors is not None else repweights).shape[1]
        self.rscales = np.broadcast_to(np.asarray(rscales, dtype=float), (n_rep,)).copy()
        self.mse = bool(mse)
        self.type = type
        self.lonely_psu = lonely_psu
        self.calibration: tuple = ()
        self._degf = degf
        self._cache: dict = {}            # factorised domains/levels (data is not mutated)

    # -------------------------------------------------------------- construction
    @classmethod
    def from_weights(cls, data: pd.DataFrame, weights: str, repweights: Any,
                     type: str = "other", scale: float | None = None, rscales: Any = None,
                     mse: bool = False, on: dict[str, str] | Sequence[str] | None = None,
                     combined_weights: bool = True, fay_rho: float | None = None,
                     rho: float | None = None) -> "ReplicateDesign":
        """User-supplied replicate weights (R ``svrepdesign``).

        ``repweights``: list of columns of ``data``, or a DataFrame joined to ``data`` by
        the unit-id columns ``on`` (``{data_column: repweights_column}`` or a list of
        shared names) — never by position; its other columns are the replicates.
        ``combined_weights=False``: the replicates are factors to multiply the weights by.
        ``rho`` (alias ``fay_rho``), needed with type 'fay': Fay's rho as R's
        ``svrepdesign(type="Fay", rho=)`` — replicate weights that already carry it
        (factors rho and 2 - rho of the weight) are used as given, like R; 0/2 half-sample
        factors are turned into rho / 2 - rho; factors that show a different rho (1 - rho
        given?) are an error. Scale 1 / (R (1 - rho)^2).
        """
        if rho is not None and fay_rho is not None and rho != fay_rho:
            raise UsageError("give rho or fay_rho, not both", key="rho")
        rho = fay_rho if rho is None else rho
        if type not in REPLICATE_TYPES:
            raise UsageError(f"type={type!r} is not a replicate type", key="type",
                             hint=f"use one of {', '.join(REPLICATE_TYPES)}")
        w = check_weights(numeric_column(data, weights, "weights"), weights)
        if isinstance(repweights, pd.DataFrame):
            if on is None:
                raise UsageError("a replicate-weight table needs on= (the unit id columns)",
                                 key="on", hint="e.g. on={'SDMVPSU': 'psu'}")
            mapping = dict(on) if isinstance(on, dict) else {c: c for c in as_list(on)}
            for c in mapping:
                check_column(data, c, "id")
            for c in mapping.values():
                check_column(repweights, c, "replicate id")
            rep_cols = [c for c in repweights.columns if c not in mapping.values()]
            right = repweights.rename(columns={v: k for k, v in mapping.items()})
            dup = right.duplicated(list(mapping)).to_numpy()
            if dup.any():
                raise DataError("replicate-weight table has duplicate unit ids",
                                row=first_rows(dup), hint="one row per unit id")
            keys = data[list(mapping)].reset_index(drop=True)
            merged = keys.merge(right, on=list(mapping), how="left", validate="many_to_one",
                                indicator=True)
            miss = (merged["_merge"] != "both").to_numpy()
            if miss.any():
                raise DataError("rows of the survey have no replicate weights",
                                row=first_rows(miss), column=", ".join(mapping),
                                hint="every unit id must appear in the replicate table")
            mat = merged[rep_cols].to_numpy(dtype=np.float64)
        else:
            cols = [str(c) for c in as_list(repweights)]
            mat = np.column_stack([numeric_column(data, c, "replicate weight") for c in cols])
        bad = ~np.isfinite(mat) | (mat < 0)
        if bad.any():
            raise DataError("replicate weights must be finite and non-negative",
                            row=first_rows(bad.any(axis=1)),
                            hint="check the replicate weight columns")
        if type == "fay":
            mat = _fay_weights(mat, w, rho, combined_weights)
        elif rho:
            raise UsageError(f"rho is Fay's parameter; type is {type!r}", key="rho",
                             hint="use type='fay' for Fay replicate weights")
        if not combined_weights:
            mat = mat * w[:, None]
        n_rep = mat.shape[1]
        if scale is None:
            scale = {"brr": 1 / n_rep, "fay": 1 / (n_rep * (1 - (rho or 0.0)) ** 2),
                     "jk1": (n_rep - 1) / n_rep, "bootstrap": 1 / (n_rep - 1)}.get(type)
            if scale is None:
                raise UsageError(f"scale= is needed for replicate type {type!r}", key="scale",
                                 hint="give scale (and rscales) as documented by the data "
                                      "producer")
        if rscales is None:
            if type == "jkn":
                raise UsageError("rscales= is needed for JKn replicate weights", key="rscales")
            rscales = np.ones(n_rep)
        return cls(data, w, scale=scale, rscales=rscales, mse=mse, type=type, repweights=mat)

    # -------------------------------------------------------------- properties
    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.data)

    @property
    def psu_layout(self) -> PsuLayout | None:
        """PSU codes behind the replicate factors (one stratum: the replicate variance
        needs no strata), or None for user-supplied full replicate weights."""
        if self.psu is None:
            return None
        return self.memo(("psu_layout", "replicate"), lambda: PsuLayout(
            self.psu, int(self.n_psu), np.zeros(int(self.n_psu), dtype=np.int64), 1))

    def with_columns(self, **columns: Any) -> "ReplicateDesign":
        """The same design with derived variables added or replaced (R ``update()``).

        Weights, replicate weights/factors, scale and calibration are kept as they are (no
        re-calibration); see :meth:`SurveyDesign.with_columns` for ``columns``.

        Returns
        -------
        ReplicateDesign
            Over the frame with the new columns; cached codes of untouched columns kept.

        R equivalent: ``update(repdesign, name = expression)``."""
        return derive_with_columns(self, columns, set())

    @property
    def n_replicates(self) -> int:
        return len(self.rscales)

    @property
    def repweights(self) -> np.ndarray:
        """(n, R) full replicate analysis weights (materialised on first use)."""
        if self._repweights is None:
            self._repweights = self.weights[:, None] * self.factors[self.psu]
        return self._repweights

    @property
    def degf(self) -> int:
        """Rank of the replicate weights minus one (R ``degf.svyrep.design``)."""
        if self._degf is None:
            if self.factors is not None:
                f = self.factors
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    f = self._repweights / self.weights[:, None]
                f = np.unique(np.round(f[self.weights > 0], 10), axis=0)
            # rank from the R x R Gram matrix: cheap for many PSUs (singular values^2)
            eig = np.linalg.eigvalsh(f.T @ f)
            sv = np.sqrt(np.clip(eig, 0, None))
            self._degf = int(np.sum(sv > 1e-5 * sv.max())) - 1
        return self._degf

    def describe(self) -> str:
        return f"replicate {self.type}: {self.n} rows, {self.n_replicates} replicates"

    def __repr__(self) -> str:
        return f"ReplicateDesign({self.describe()}, scale={self.scale:.6g}, mse={self.mse})"

    def with_weights(self, weights: np.ndarray, repweights: np.ndarray | None = None,
                     calibration: Any = None, *,
                     allow_negative: bool = False) -> "ReplicateDesign":
        """Same replicates, new weights; with ``repweights`` (n x R) those are used from now on.

        ``allow_negative``: as :meth:`SurveyDesign.with_weights` (warning recorded, every
        estimate stamped)."""
        w = check_weights(np.array(weights, dtype=np.float64).reshape(-1), None,
                          allow_negative=allow_negative)
        if len(w) != self.n:
            raise UsageError(f"weights have {len(w)} values for {self.n} rows", key="weights")
        if repweights is None:
            new = ReplicateDesign(self.data, w, scale=self.scale, rscales=self.rscales,
                                  mse=self.mse, type=self.type, factors=self.factors,
                                  psu=self.psu, repweights=None if self.factors is not None
                                  else self._repweights, lonely_psu=self.lonely_psu,
                                  degf=self._degf)
        else:
            rep = np.asarray(repweights, dtype=np.float64)
            if rep.shape != (self.n, self.n_replicates):
                raise UsageError(f"repweights must have shape {(self.n, self.n_replicates)}",
                                 key="repweights")
            new = ReplicateDesign(self.data, w, scale=self.scale, rscales=self.rscales,
                                  mse=self.mse, type=self.type, repweights=rep,
                                  lonely_psu=self.lonely_psu, degf=self._degf)
        new.calibration = self.calibration + ((calibration,) if calibration is not None else ())
        new._cache = self._cache_for_weights()
        note_negative_weights(new, self)
        return new


def _fay_weights(mat: np.ndarray, w: np.ndarray, rho: float | None,
                 combined: bool) -> np.ndarray:
    """Fay replicate weights as R ``svrepdesign(type="Fay", rho=)`` reads them.

    The factors (replicate / full-sample weight) of Fay weights are rho and 2 - rho. Given
    such weights they are used as they are (R's convention); 0/2 half-sample factors are
    turned into Fay factors; factors showing a different rho, or no rho at all, are an
    error — the scale 1/(R (1-rho)^2) would silently be wrong."""
    if rho is None:
        raise UsageError("Fay replicate weights need rho", key="rho",
                         hint="give rho= as the data producer documents it (R "
                              "svrepdesign(type='Fay', rho=))")
    rho = float(rho)
    if not 0 < rho < 1:
        raise UsageError(f"rho={rho:g} must be in (0, 1)", key="rho",
                         hint="rho = 0 is plain BRR: use type='brr'")
    with np.errstate(divide="ignore", invalid="ignore"):
        f = mat if not combined else mat / w[:, None]
    f = f[w > 0] if combined else f
    f = np.round(f[np.isfinite(f)], 9)
    values = np.unique(f)
    if np.all(np.isin(values, (0.0, 2.0))):
        return rho + (1 - rho) * mat if not combined else rho * w[:, None] + (1 - rho) * mat
    if values.size == 2 and abs(values.sum() - 2) < 1e-6:
        seen = float(values.min())
        if abs(seen - rho) > 1e-6:
            raise UsageError(f"these Fay replicate weights carry rho={seen:g} (factors "
                             f"{seen:g} and {2 - seen:g} of the weight) but rho={rho:g} was "
                             "given", key="rho",
                             hint=f"use rho={seen:g}; rho is the factor of the down-weighted "
                                  "half (R's convention), not 1 - rho")
    return mat


# ---------------------------------------------------------------------------- from a design
def from_design(design: Any, type: str = "jk1", replicates: int = 50, seed: int | None = None,
                fay_rho: float | None = None, mse: bool = False) -> ReplicateDesign:
    """Replicate factors per first-stage PSU (R ``as.svrepdesign``)."""
    rep = _from_design(design, type, replicates, seed, fay_rho, mse)
    rep._cache = design._cache            # same data and weights: share domain codes etc.
    return rep


def _from_design(design: Any, type: str, replicates: int, seed: int | None,
                 fay_rho: float | None, mse: bool) -> ReplicateDesign:
    type = type.lower()
    if type not in ("jk1", "jkn", "brr", "fay", "bootstrap"):
        raise UsageError(f"type={type!r} is not a replicate type", key="type",
                         hint="use jk1, jkn, brr, fay or bootstrap")
    st = design.all_stages[0]
    psu, grp = st.cluster, st.cluster_group          # codes; PSUs sorted within strata
    n_psu, n_str = st.n_clusters, st.n_groups
    npsu_h = st.group_npsu
    f_h = np.zeros(n_str)
    f_h[grp] = st.cluster_f                          # 1 - n/N per stratum (1 without fpc)
    lonely = design.lonely_psu
    if type == "jk1":
        if n_str > 1:
            raise UsageError("JK1 needs an unstratified design", key="type",
                             hint="use type='jkn' for stratified designs")
        n = n_psu
        factors = np.full((n, n), n / (n - 1))
        np.fill_diagonal(factors, 0.0)
        return ReplicateDesign(design.data, design.weights, scale=f_h[0] * (n - 1) / n,
                               rscales=np.ones(n), mse=mse, type="jk1", factors=factors,
                               psu=psu, lonely_psu=lonely)
    if type == "jkn":
        cols, rsc = [], []
        lonely_h = npsu_h == 1
        if lonely_h.any() and lonely == "fail":
            raise DesignError("a stratum has only one PSU: JKn cannot drop it",
                              stratum=", ".join(map(str, st.group_label[lonely_h][:10])),
                              hint="choose lonely_psu='remove', 'certainty', 'average' or "
                                   "'adjust'")
        for h in range(n_str):                       # loop over strata, not rows
            members = np.flatnonzero(grp == h)
            nh = len(members)
            if nh == 1:
                if lonely == "adjust":
                    col = np.where(grp == h, 0.0, n_str / (n_str - 1))
                    cols.append(col[:, None])
                    rsc.append(np.array([(n_str - 1) / n_str]))
                continue
            block = np.ones((n_psu, nh))
            block[members, :] = nh / (nh - 1)
            block[members, np.arange(nh)] = 0.0
            cols.append(block)
            rsc.append(np.full(nh, f_h[h] * (nh - 1) / nh))
        factors = np.hstack(cols)
        scale = 1.0
        if lonely == "average" and factors.shape[1] < n_psu:
            scale = n_psu / factors.shape[1]
        return ReplicateDesign(design.data, design.weights, scale=scale,
                               rscales=np.concatenate(rsc), mse=mse, type="jkn",
                               factors=factors, psu=psu, lonely_psu=lonely)
    if type in ("brr", "fay"):
        if type == "fay" and fay_rho is None:
            raise UsageError("type='fay' needs fay_rho", key="fay_rho",
                             hint="e.g. fay_rho=0.5 (R as.svrepdesign(type='Fay', fay.rho=))")
        rho = 0.0 if type == "brr" else float(fay_rho)
        if not 0 <= rho < 1:
            raise UsageError("fay_rho must be in [0, 1)", key="fay_rho")
        if np.any(npsu_h != 2):
            bad = st.group_label[npsu_h != 2][:10]
            raise DesignError("BRR needs exactly 2 PSUs in every stratum",
                              stratum=", ".join(map(str, bad)),
                              hint="merge or split PSUs so each stratum has two, or use 'jkn'")
        h = hadamard(n_str + 1)
        signs = h[1:n_str + 1]                       # skip the all-ones row; (H, R)
        first = np.zeros(n_psu, dtype=bool)
        seen = np.zeros(n_str, dtype=bool)
        for c in range(n_psu):                       # PSU codes are sorted within strata
            if not seen[grp[c]]:
                first[c] = True
                seen[grp[c]] = True
        in_half = np.where(first[:, None], signs[grp] > 0, signs[grp] < 0)
        factors = np.where(in_half, 2.0 - rho, rho)
        n_rep = factors.shape[1]
        return ReplicateDesign(design.data, design.weights, scale=1 / (n_rep * (1 - rho) ** 2),
                               rscales=np.ones(n_rep), mse=mse, type=type, factors=factors,
                               psu=psu, lonely_psu=lonely)
    # Rao-Wu rescaling bootstrap
    if replicates < 2:
        raise UsageError("bootstrap needs at least 2 replicates", key="replicates")
    rng = np.random.default_rng(seed)
    factors = np.ones((n_psu, replicates))
    for h in range(n_str):                           # loop over strata, not rows
        members = np.flatnonzero(grp == h)
        nh = len(members)
        if nh < 2:
            continue                                 # lonely PSU: no contribution
        counts = rng.multinomial(nh - 1, np.full(nh, 1 / nh), size=replicates)   # (R, nh)
        factors[members] = counts.T * (nh / (nh - 1))
    return ReplicateDesign(design.data, design.weights, scale=1 / (replicates - 1),
                           rscales=np.ones(replicates), mse=mse, type="bootstrap",
                           factors=factors, psu=psu, lonely_psu=lonely)
