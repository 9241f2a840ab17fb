"""Weight trimming with redistribution that keeps the weighted totals.

Weights outside ``[lower, upper]`` are cut to the bound; the weight cut off (or added) is
given back to the other units of the same class, and the step repeats until every weight is
within bounds; the class totals (and the grand total) are unchanged throughout (Potter 1990;
Valliant, Dever & Kreuter 2018, §14.4). Two rules:

* ``redistribute="equal"`` is R ``trimWeights(design, upper, lower, strict=TRUE)``
  exactly: each round, the units outside the bounds are cut and *every* unit inside them
  (including one cut in an earlier round and now sitting at the bound) gets an equal share;
  rounds repeat until none is outside (verified against R in
  tests/data/engine_defaults/). With ``by`` this is done within each class (our extension).
* ``redistribute="proportional"`` (the default, ours): the excess goes to the units never
  trimmed, in proportion to their weights, so their relative sizes are kept.

Trimming does not add a residualizer: the design's earlier calibration residualizers stay,
as in R. Bounds may be absolute or multiples of the median/mean weight (``relative_to``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConvergenceError, UsageError, WeightingError
from rbm_surveys.surveys.weighting._adapter import (check_on_fail, design_data,
                                                    design_weights, fail, finish,
                                                    is_replicate)
from rbm_surveys.surveys.weighting.diagnostics import WeightingReport

__all__ = ["trim", "trim_weights", "REDISTRIBUTE"]

REDISTRIBUTE = ("proportional", "equal")


def trim_weights(weights: np.ndarray, lower: float | np.ndarray = -np.inf,
                 upper: float | np.ndarray = np.inf, *, classes: np.ndarray | None = None,
                 redistribute: str = "proportional", maxit: int = 100
                 ) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Trim ``weights`` (n,) or (n, m) to bounds, redistributing within ``classes``.

    Returns (new weights, mask of rows trimmed at least once in column 0, iterations,
    converged). Bounds may be scalars or per-column arrays (m,). ``"equal"`` follows R
    ``trimWeights(strict=TRUE)`` round by round (see the module docstring).
    """
    if redistribute not in REDISTRIBUTE:
        raise UsageError(f"redistribute must be one of {REDISTRIBUTE}")
    flat = np.ndim(weights) == 1
    w = np.array(weights, dtype=float, copy=True)
    w = w[:, None] if flat else w
    lo = np.broadcast_to(np.asarray(lower, dtype=float), (w.shape[1],))[None, :]
    up = np.broadcast_to(np.asarray(upper, dtype=float), (w.shape[1],))[None, :]
    cls = np.zeros(w.shape[0], dtype=np.int64) if classes is None else classes
    ncls = int(cls.max()) + 1 if cls.size else 0
    ever = np.zeros(w.shape, dtype=bool)
    converged = False
    it = 0
    tol = 1e-12
    equal = redistribute == "equal"
    for it in range(1, maxit + 1):
        # R trimWeights compares exactly; the proportional rule allows a relative tolerance
        out = (w < lo) | (w > up) if equal else (w < lo * (1 - tol)) | (w > up * (1 + tol))
        ever |= out
        if not out.any():
            converged = True
            it -= 1
            break
        clipped = np.clip(w, lo, up)
        cut = w - clipped  # >0 trimmed down, <0 raised up
        free = ~out if equal else ~ever   # R: everyone inside the bounds this round
        excess = _class_sums(cut, cls, ncls)
        nfree = _class_sums(free.astype(float), cls, ncls)
        if np.any((nfree == 0) & (np.abs(excess) > 0)):
            w = np.full_like(w, np.nan)  # nobody left to take the trimmed weight
            break
        if redistribute == "proportional":
            base = _class_sums(np.where(free, clipped, 0.0), cls, ncls)
            share = np.divide(excess, base, out=np.full_like(excess, np.nan), where=base > 0)
            w = np.where(free, clipped * (1 + share[cls]), clipped)
        else:
            count = _class_sums(free.astype(float), cls, ncls)
            share = np.divide(excess, count, out=np.full_like(excess, np.nan), where=count > 0)
            w = np.where(free, clipped + share[cls], clipped)
        if np.any(np.isnan(w)):
            break  # a class where every unit was trimmed: the total cannot be kept
    w_out = w[:, 0] if flat else w
    return w_out, ever[:, 0], it, converged


def _class_sums(values: np.ndarray, cls: np.ndarray, ncls: int) -> np.ndarray:
    out = np.empty((ncls, values.shape[1]))
    for j in range(values.shape[1]):  # loop over weight columns, never over rows
        out[:, j] = np.bincount(cls, weights=values[:, j], minlength=ncls)
    return out


def trim(design: Any, lower: float | None = None, upper: float | None = None, *,
         relative_to: str | None = None, by: str | Sequence[str] | None = None,
         redistribute: str = "proportional", maxit: int = 100,
         on_fail: str = "raise") -> Any:
    """Trim the design's weights to ``[lower, upper]`` keeping class totals.

    ``redistribute="equal"`` without ``by`` reproduces R ``trimWeights(design, upper, lower,
    strict=TRUE)`` (Taylor designs; R's replicate-design method differs and is not copied);
    ``"proportional"`` is ours (see the module docstring).

    ``relative_to="median"`` or ``"mean"`` reads the bounds as multiples of that statistic of
    the current weights (e.g. ``upper=3.5, relative_to="median"``). ``by`` names class
    columns within which the trimmed weight is redistributed (default: the whole sample).
    Replicate designs trim each replicate column to the same bounds (relative bounds use each
    column's own median/mean). Parameters, returns: see :meth:`SurveyDesign.trim`.

    R equivalent: ``trimWeights(design, upper=, lower=, strict=TRUE)``.
    """
    check_on_fail(on_fail)
    if lower is None and upper is None:
        raise UsageError("give lower and/or upper")
    if relative_to not in (None, "median", "mean"):
        raise UsageError("relative_to must be None, 'median' or 'mean'")
    w = design_weights(design)
    data = design_data(design)
    lo = -np.inf if lower is None else float(lower)
    up = np.inf if upper is None else float(upper)
    if lo > up:
        raise UsageError(f"lower {lo:g} is above upper {up:g}")
    cls = None
    if by is not None:
        cols = [by] if isinstance(by, str) else list(by)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise WeightingError("trimming class column not in the data", column=missing[0],
                                 hint="check the spelling of 'by'")
        cls = data[cols].astype("string").fillna("<NA>").agg("\x1f".join, axis=1) \
            if len(cols) > 1 else data[cols[0]].astype("string").fillna("<NA>")
        cls = pd.factorize(cls)[0].astype(np.int64)
    W = w if not is_replicate(design) else np.column_stack([w, np.asarray(design.repweights)])
    W2 = W[:, None] if W.ndim == 1 else W

    def stat(col: np.ndarray) -> float:
        pos = col[col > 0]
        return float(np.median(pos) if relative_to == "median" else pos.mean())

    if relative_to:
        ref = np.array([stat(W2[:, j]) for j in range(W2.shape[1])])
        lo_v, up_v = lo * ref, up * ref
    else:
        lo_v, up_v = np.full(W2.shape[1], lo), np.full(W2.shape[1], up)
    new, trimmed, iterations, converged = trim_weights(W2, lo_v, up_v, classes=cls,
                                                       redistribute=redistribute, maxit=maxit)
    found: list[str] = []
    if np.any(np.isnan(new)) or not converged:
        fail(ConvergenceError(
            "trimming cannot keep the totals within these bounds (every unit of a class hit a "
            "bound, or the bounds are too tight for the total)" if np.any(np.isnan(new)) else
            f"trimming did not settle within {maxit} rounds",
            hint="widen the bounds or trim within larger classes"), on_fail, found)
        if np.any(np.isnan(new)):
            new = W2.copy()
    new_w = new[:, 0]
    previous = getattr(design, "weighting_report", None)
    report = WeightingReport.build(step="trim", method=redistribute, weights=new_w, before=w,
                                   prepared=list(getattr(previous, "prepared", ())),
                                   iterations=iterations, converged=converged,
                                   share_trimmed=float(trimmed.mean()), warnings=tuple(found))
    if is_replicate(design):
        return finish(design, new_w, repweights=new[:, 1:], report=report, new_warnings=found)
    return finish(design, new_w, residualizer=None, report=report, new_warnings=found)
