"""Post-stratification, raking and calibration of design weights to population totals.

The verbs take a design first and return a new design (designs are immutable):

* :func:`poststratify` — weights scaled so that each cell of one (joint) margin hits its
  population total (R ``postStratify``).
* :func:`rake` — iterative proportional fitting over several margins (R ``rake``; Deming &
  Stephan 1940). Done on the cross-classified cell totals, not on the rows: a million rows
  with 200 cells rake as fast as 200 numbers, then one ``take`` maps factors back.
* :func:`calibrate` — Deville & Särndal (1992) calibration with distance ``linear``
  (GREG; with bounds it is truncated linear), ``raking`` (exponential) or ``logit``
  (bounded), by Newton's method as R ``grake``; bounds are enforced, infeasible bounds are
  reported as such.

Each Taylor design gets the residualizer of its step (see :mod:`.residuals`) so that
variances use calibration residuals; each replicate design gets every replicate column
re-weighted the same way (R ``postStratify.svyrep.design``, ``rake``, ``calibrate.svyrep``),
vectorised over replicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConvergenceError, DataError, UsageError, WeightingError
from rbm_surveys.surveys.weighting._adapter import (check_on_fail, design_data,
                                                    design_weights, fail, finish,
                                                    is_replicate)
from rbm_surveys.surveys.weighting.diagnostics import WeightingReport
from rbm_surveys.surveys.weighting.margins import (Margin, MarginSet, PreparedMargin,
                                                   as_margin_set, prepare_margins)
from rbm_surveys.surveys.weighting.residuals import (GregResidualizer, PostStratResidualizer,
                                                     RakingResidualizer, orthonormal_basis)

__all__ = ["poststratify", "rake", "calibrate", "rake_weights", "calibrate_weights",
           "poststratify_weights", "CALFUNS", "RakeResult", "CalibrationResult"]

CALFUNS = ("linear", "raking", "logit")
#: R grake: if every population/sample ratio exceeds this, rescale weights first.
_RESCALE_THRESHOLD = 20.0
#: MASS::ginv tolerance used by R grake.
_GINV_TOL = 256 * np.finfo(float).eps


# ----------------------------------------------------------------------------- raking core

def _cells(prepared: list[PreparedMargin]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cross-classify rows by all margins: cell per row and each margin's code per cell."""
    sizes = [max(len(pm.categories), 1) for pm in prepared]
    key = np.zeros(prepared[0].codes.shape[0], dtype=np.int64)
    for pm, size in zip(prepared, sizes):
        key = key * size + pm.codes
    ncell = int(np.prod(sizes, dtype=np.float64))
    if ncell <= max(4 * key.size, 1_000_000):
        # Small full table: the mixed-radix key is the cell (empty cells just stay 0).
        return key, [c.ravel() for c in np.unravel_index(np.arange(ncell), sizes)]
    cell = pd.factorize(key)[0]
    ncell = int(cell.max()) + 1 if cell.size else 0
    first = np.full(ncell, -1, dtype=np.int64)
    first[cell[::-1]] = np.arange(cell.size - 1, -1, -1)  # first row of each cell
    return cell, [pm.codes[first] for pm in prepared]


def _column_sums(cell: np.ndarray, ncell: int, W: np.ndarray) -> np.ndarray:
    if W.ndim == 1:
        return np.bincount(cell, weights=W, minlength=ncell)
    from scipy import sparse

    onehot = sparse.csr_matrix((np.ones(cell.size), (cell, np.arange(cell.size))),
                               shape=(ncell, cell.size))
    return np.asarray(onehot @ W)


@dataclass(frozen=True)
class RakeResult:
    """Raking outcome: cell factors and how the iterations went."""

    factors: np.ndarray  # (ncell,) or (ncell, m) multiplicative factor per cell
    cell: np.ndarray  # (n,) cell of each row
    sweep_factors: tuple[np.ndarray, ...]  # cumulative factor after each margin, last sweep
    iterations: int
    converged: bool
    delta: float  # largest change of a cell total in the last sweep


def rake_weights(prepared: list[PreparedMargin], weights: np.ndarray, *, epsilon: float = 1e-7,
                 maxit: int = 100, replicate_weights: np.ndarray | None = None) -> RakeResult:
    """Iterative proportional fitting on cell totals, with R ``rake``'s stopping rule.

    ``epsilon < 1`` is relative to the sum of the starting weights, ``>= 1`` absolute: stop
    when no cell total of the full cross-classification moved by ``epsilon`` or more in a
    sweep. Replicate columns, if given, are raked alongside with the same number of sweeps.
    """
    cell, cell_codes = _cells(prepared)
    ncell = len(cell_codes[0])
    W = weights if replicate_weights is None else np.column_stack([weights,
                                                                   replicate_weights])
    base = _column_sums(cell, ncell, W)  # (ncell,) or (ncell, 1+R)
    eps = epsilon * float(weights.sum()) if epsilon < 1 else float(epsilon)
    factor = np.ones_like(base)
    old = base if base.ndim == 1 else base[:, 0]
    iterations, converged, delta = 0, False, np.inf
    sweep: list[np.ndarray] = []
    while iterations < maxit:
        sweep = []
        for pm, codes in zip(prepared, cell_codes):
            current = base * factor
            totals = _column_sums(codes, len(pm.categories), current)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (pm.targets if totals.ndim == 1 else pm.targets[:, None]) / totals
            if not np.all(np.isfinite(ratio)):
                bad = np.argwhere(~np.isfinite(np.atleast_2d(ratio.T).T))[0]
                col = int(bad[1]) if ratio.ndim == 2 else 0
                raise WeightingError(
                    "a margin category has zero weight" + (f" in replicate {col}" if col else ""),
                    variable=pm.name, category="/".join(pm.categories[int(bad[0])]),
                    hint="collapse this category with a neighbour (collapse: ...)")
            factor = factor * ratio[codes]
            sweep.append(factor if factor.ndim == 1 else factor[:, 0])
        new = base * factor
        new = new if new.ndim == 1 else new[:, 0]
        delta = float(np.max(np.abs(old - new))) if new.size else 0.0
        if delta < eps:
            converged = True
            break
        old = new
        iterations += 1
    return RakeResult(factor, cell, tuple(sweep), iterations + (1 if converged else 0),
                      converged, delta)


def poststratify_weights(prepared: PreparedMargin, weights: np.ndarray) -> np.ndarray:
    """Factor per category (target / weighted sample count); ``W`` may be (n,) or (n, m)."""
    sums = _column_sums(prepared.codes, len(prepared.categories), weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (prepared.targets if sums.ndim == 1 else prepared.targets[:, None]) / sums
    if not np.all(np.isfinite(ratio)):
        bad = np.argwhere(~np.isfinite(np.atleast_2d(ratio.T).T))[0]
        col = int(bad[1]) if ratio.ndim == 2 else 0
        raise WeightingError("a post-stratum has zero weight" +
                             (f" in replicate {col}" if ratio.ndim == 2 else ""),
                             variable=prepared.name,
                             category="/".join(prepared.categories[int(bad[0])]),
                             hint="collapse this post-stratum with a neighbour (collapse: ...)")
    return ratio


# ------------------------------------------------------------------------ calibration core

def _calfun(name: str):
    """(F^-1 - 1, its derivative) of R survey's cal.linear / cal.raking / cal.logit."""
    if name == "linear":
        def fm1(u, lo, up):
            return np.minimum(np.maximum(u + 1, lo), up) - 1

        def df(u, lo, up):
            return ((u < up - 1) & (u > lo - 1)).astype(float)
    elif name == "raking":
        def fm1(u, lo, up):
            return np.minimum(np.maximum(np.exp(u), lo), up) - 1

        def df(u, lo, up):
            return np.where((u < up - 1) & (u > lo - 1), np.exp(u), 0.0)
    elif name == "logit":
        # Deville & Särndal (1992) case 6: g in (L, U), A = (U - L) / ((U - 1)(1 - L)).
        def fm1(u, lo, up):
            a = (up - lo) / ((up - 1) * (1 - lo))
            e = np.exp(a * u)
            return (lo * (up - 1) + up * (1 - lo) * e) / (up - 1 + (1 - lo) * e) - 1

        def df(u, lo, up):
            a = (up - lo) / ((up - 1) * (1 - lo))
            e = np.exp(a * u)
            den = up - 1 + (1 - lo) * e
            return (up * (1 - lo) * e * a / den
                    - (lo * (up - 1) + up * (1 - lo) * e) * ((1 - lo) * e * a) / den**2)
    else:
        raise UsageError(f"calfun must be one of {CALFUNS}, not {name!r}")
    return fm1, df


def _pinv(t: np.ndarray) -> np.ndarray:
    """Moore-Penrose inverse of a stack of square matrices, MASS::ginv's tolerance."""
    u, s, vt = np.linalg.svd(t)
    keep = s > _GINV_TOL * s[..., :1]
    sinv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    return np.swapaxes(vt, -1, -2) @ (sinv[..., :, None] * np.swapaxes(u, -1, -2))


@dataclass(frozen=True)
class CalibrationResult:
    g: np.ndarray  # (n,) or (n, m) g-weights: new weight = g * old weight
    iterations: np.ndarray  # (m,)
    achieved: np.ndarray  # (m,) largest |misfit| / (1 + |total|)
    converged: np.ndarray  # (m,) bool


def calibrate_weights(X: np.ndarray, weights: np.ndarray, totals: np.ndarray, *,
                      calfun: str = "linear", bounds: tuple[Any, Any] = (-np.inf, np.inf),
                      epsilon: float | np.ndarray = 1e-7, maxit: int = 50,
                      variance: np.ndarray | None = None) -> CalibrationResult:
    """g-weights such that ``X' (g * w) = totals`` (Newton's method as R ``grake``).

    ``weights`` may be (n,) or (n, m): the m columns (full sample and replicates) are
    calibrated together, each stopping when its own misfit
    ``|total - achieved| / (1 + |total|) < epsilon`` (R's rule). ``bounds`` are on g and may
    be scalars or (n,) arrays. Unbounded ``linear`` is solved in closed form.
    """
    X = np.asarray(X, dtype=float)
    flat = np.ndim(weights) == 1
    W = np.asarray(weights, dtype=float)
    W = W[:, None] if flat else W
    n, k = X.shape
    m = W.shape[1]
    pop = np.asarray(totals, dtype=float)
    sigma2 = np.ones(n) if variance is None else np.asarray(variance, dtype=float)
    lo = np.asarray(bounds[0], dtype=float)
    up = np.asarray(bounds[1], dtype=float)
    lo = lo[:, None] if lo.ndim == 1 else lo
    up = up[:, None] if up.ndim == 1 else up
    finite_bounds = bool(np.any(np.isfinite(lo)) or np.any(np.isfinite(up)))
    sample_total = X.T @ W  # (k, m)
    if calfun == "linear" and not finite_bounds:
        # GREG closed form (R regcalibrate): g = 1 + x' T^-1 (t_x - t_hat) / sigma2.
        tmat = np.einsum("ik,im,il->mkl", X, W / sigma2[:, None], X)
        lam = np.einsum("mkl,lm->km", _pinv(tmat), pop[:, None] - sample_total)
        g = 1 + (X @ lam) / sigma2[:, None]
        misfit = pop[:, None] - X.T @ (W * g)
        achieved = np.max(np.abs(misfit) / (1 + np.abs(pop))[:, None], axis=0)
        return CalibrationResult(g[:, 0] if flat else g, np.ones(m, dtype=int), achieved,
                                 np.ones(m, dtype=bool))
    if calfun == "logit" and not (np.all(np.isfinite(lo)) and np.all(np.isfinite(up))):
        raise UsageError("logit calibration needs finite bounds, e.g. bounds=(0.5, 2)")
    fm1, df = _calfun(calfun)
    eps = np.broadcast_to(np.asarray(epsilon, dtype=float), (k,))[:, None]
    # R grake rescales when every ratio exceeds 20; skipped with bounds, which must keep
    # their meaning (R warns that it reinterprets them).
    scale = np.ones(m)
    if not finite_bounds:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = pop[:, None] / sample_total
        rescale = np.min(ratios, axis=0) > _RESCALE_THRESHOLD
        scale = np.where(rescale, np.mean(ratios, axis=0), 1.0)
        W = W * scale
        sample_total = sample_total * scale
    eta = np.zeros((k, m))
    xeta = (X @ eta) / sigma2[:, None]
    g = 1 + fm1(xeta, lo, up)
    deriv = df(xeta, lo, up)
    iters = np.ones(m, dtype=int)
    active = np.ones(m, dtype=bool)
    achieved = np.full(m, np.inf)
    converged = np.zeros(m, dtype=bool)
    def misfit_of(j: int) -> float:
        mis = pop - sample_total[:, j] - X.T @ (W[:, j] * fm1(xeta[:, [j]], lo, up)[:, 0])
        return float(np.max(np.abs(mis) / (1 + np.abs(pop)))) if k else 0.0

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while active.any():
            a = np.flatnonzero(active)
            Wa = W[:, a]
            tmat = np.einsum("ik,im,il->mkl", X, Wa * deriv[:, a] / sigma2[:, None], X)
            misfit = pop[:, None] - sample_total[:, a] - X.T @ (Wa * fm1(xeta[:, a], lo, up))
            before = np.max(np.abs(misfit) / (1 + np.abs(pop))[:, None], axis=0)
            deta = np.einsum("mkl,lm->km", _pinv(tmat), misfit)
            eta[:, a] += deta
            xeta[:, a] = (X @ eta[:, a]) / sigma2[:, None]
            g[:, a] = 1 + fm1(xeta[:, a], lo, up)
            deriv[:, a] = df(xeta[:, a], lo, up)
            for j_pos, j in enumerate(a):
                def undo_half() -> None:
                    deta[:, j_pos] /= 2
                    eta[:, j] -= deta[:, j_pos]
                    xeta[:, j] = (X @ eta[:, j]) / sigma2
                    g[:, j] = 1 + fm1(xeta[:, [j]], lo, up)[:, 0]
                    deriv[:, j] = df(xeta[:, [j]], lo, up)[:, 0]

                # Step halving while g or its derivative overflow (R grake) ...
                while iters[j] < maxit and not (np.all(np.isfinite(g[:, j]))
                                                and np.all(np.isfinite(deriv[:, j]))):
                    iters[j] += 1
                    undo_half()
                # ... and, beyond R, while the step makes the misfit worse (damped Newton:
                # same solution, but it does not diverge where R's plain Newton does).
                halvings = 0
                while halvings < 30 and not misfit_of(j) <= before[j_pos]:
                    halvings += 1
                    undo_half()
            misfit = pop[:, None] - sample_total[:, a] - X.T @ (Wa * fm1(xeta[:, a], lo, up))
            rel = np.abs(misfit) / (1 + np.abs(pop))[:, None]
            achieved[a] = np.max(rel, axis=0) if k else 0.0
            done = np.all(rel < eps, axis=0)
            converged[a[done]] = True
            active[a[done]] = False
            still = a[~done]
            iters[still] += 1
            over = still[iters[still] > maxit]
            active[over] = False
    g = g * scale
    return CalibrationResult(g[:, 0] if flat else g, iters, achieved, converged)


# ------------------------------------------------------------------------ model matrices

def _sort_key(label: str) -> tuple:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


@dataclass(frozen=True)
class _Model:
    X: np.ndarray
    names: tuple[str, ...]
    totals: np.ndarray
    prepared: list[PreparedMargin]


def _model_matrix(data: pd.DataFrame, population: Any, collapse: Mapping | None,
                  min_cell: int | None, tolerance: float | None) -> _Model:
    """R-style model matrix: intercept + treatment contrasts for categorical margins, plus
    numeric columns. Same column space as R's ``~ stype + api99`` with totals
    ``c(N, N_H, N_M, T_api99)``, so the calibrated weights are R's."""
    categorical: list[Margin] = []
    numeric: dict[str, float] = {}
    intercept: float | None = None
    if isinstance(population, (MarginSet, Margin, list, tuple, str)) or (
            isinstance(population, Mapping) and "margins" in population):
        ms = as_margin_set(population, collapse, min_cell, tolerance)
    else:
        if not isinstance(population, Mapping):
            raise UsageError("population must map variable -> {category: total} or "
                             "variable -> total (numeric)")
        for var, spec in population.items():
            if var == "(Intercept)":
                intercept = float(spec)
            elif isinstance(spec, Mapping) or isinstance(spec, pd.Series):
                categorical.append(Margin.of(var, spec))
            else:
                try:
                    numeric[str(var)] = float(spec)
                except (TypeError, ValueError):
                    raise UsageError(f"population total for {var!r} must be a number or a "
                                     "mapping category -> total") from None
        ms = as_margin_set(MarginSet(tuple(categorical)) if categorical else MarginSet(()),
                           collapse, min_cell, tolerance)
    prepared = prepare_margins(data, ms) if ms.margins else []
    n = len(data)
    cols: list[np.ndarray] = []
    names: list[str] = []
    totals: list[float] = []
    if prepared:
        N = float(prepared[0].targets.sum())
        if intercept is not None and abs(intercept - N) > 1e-6 * max(N, 1):
            raise DataError(f"(Intercept) total {intercept:g} disagrees with the margin total "
                            f"{N:g}", variable=prepared[0].name,
                            hint="give the same population size everywhere")
        cols.append(np.ones(n))
        names.append("(Intercept)")
        totals.append(N)
        for pm in prepared:
            order = sorted(range(len(pm.categories)), key=lambda i: _sort_key("/".join(
                pm.categories[i])))
            for i in order[1:]:  # first level is the reference, as R's treatment contrasts
                cols.append((pm.codes == i).astype(float))
                names.append(f"{pm.name}{'/'.join(pm.categories[i])}")
                totals.append(float(pm.targets[i]))
    elif intercept is not None:
        cols.append(np.ones(n))
        names.append("(Intercept)")
        totals.append(intercept)
    for var, total in numeric.items():
        if var not in data.columns:
            raise DataError("calibration variable not in the data", variable=var,
                            hint="check the spelling or add the column")
        x = pd.to_numeric(data[var], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(x)):
            row = int(np.flatnonzero(~np.isfinite(x))[0]) + 1
            raise DataError("missing or non-numeric value in a calibration variable",
                            variable=var, row=row,
                            hint="impute or drop these rows before calibrating")
        cols.append(x)
        names.append(var)
        totals.append(total)
    if not cols:
        raise UsageError("no calibration totals given")
    return _Model(np.column_stack(cols), tuple(names), np.array(totals), prepared)


# ------------------------------------------------------------------------------- verbs

def poststratify(design: Any, margin: Any, *, collapse: Mapping | None = None,
                 min_cell: int | None = None, on_fail: str = "raise") -> Any:
    """Post-stratify ``design`` to one margin (one variable or a joint table).

    ``margin`` is a :class:`Margin`, ``{variable: {category: total}}`` (one variable) or a
    path; the cells come from all its variables. Taylor designs get a
    :class:`PostStratResidualizer`; replicate designs post-stratify every replicate.
    Parameters, returns: see :meth:`SurveyDesign.poststratify`.

    R equivalent: ``postStratify(design, ~var, population)``.
    """
    check_on_fail(on_fail)
    ms = as_margin_set(margin, collapse, min_cell)
    if len(ms.margins) != 1:
        raise UsageError("poststratify takes one (possibly joint) margin; use rake() or "
                         "calibrate() for several")
    data = design_data(design)
    w = design_weights(design)
    pm = prepare_margins(data, ms)[0]
    ratio = poststratify_weights(pm, w)
    new_w = w * ratio[pm.codes]
    factors = pd.DataFrame({"margin": pm.name, "category": ["/".join(c) for c in pm.categories],
                            "n": pm.counts, "weight_before": pm.targets / ratio,
                            "target": pm.targets, "factor": ratio})
    report = WeightingReport.build(step="poststratify", method="poststratify", weights=new_w,
                                   before=w, prepared=[pm], iterations=1, converged=True,
                                   factors=factors)
    if is_replicate(design):
        R = np.asarray(design.repweights, dtype=float)
        rep = R * poststratify_weights(pm, R)[pm.codes]
        return finish(design, new_w, repweights=rep, report=report)
    res = PostStratResidualizer(pm.codes, new_w, w)
    return finish(design, new_w, residualizer=res, report=report)


def rake(design: Any, margins: Any, *, epsilon: float = 1e-7, maxit: int = 100,
         collapse: Mapping | None = None, min_cell: int | None = None,
         on_fail: str = "raise") -> Any:
    """Rake ``design`` to several margins by iterative proportional fitting.

    Stopping rule as R ``rake``: ``epsilon < 1`` is relative to the sum of weights, ``>= 1``
    an absolute change of a cell total; R's default is ``epsilon=1, maxit=10`` (ours is
    stricter: ``1e-7`` relative, 100 sweeps). Not converging is a
    :class:`ConvergenceError` (or a warning carried on the design with ``on_fail="warn"``).
    Parameters, returns: see :meth:`SurveyDesign.rake`.

    R equivalent: ``rake(design, sample.margins, population.margins, control=)``.
    """
    check_on_fail(on_fail)
    ms = as_margin_set(margins, collapse, min_cell)
    data = design_data(design)
    w = design_weights(design)
    prepared = prepare_margins(data, ms)
    rep = np.asarray(design.repweights, dtype=float) if is_replicate(design) else None
    res = rake_weights(prepared, w, epsilon=epsilon, maxit=maxit, replicate_weights=rep)
    f = res.factors if res.factors.ndim == 1 else res.factors[:, 0]
    new_w = w * f[res.cell]
    found: list[str] = []
    if not res.converged:
        fail(ConvergenceError(f"raking did not converge in {maxit} sweeps (largest change of a "
                              f"cell total {res.delta:.3g}, epsilon {epsilon:g})",
                              variable=", ".join(pm.name for pm in prepared),
                              hint="raise maxit, check for margins that contradict each other "
                                   "or collapse sparse cells"), on_fail, found)
    report = WeightingReport.build(step="rake", method="ipf", weights=new_w, before=w,
                                   prepared=prepared, iterations=res.iterations,
                                   converged=res.converged, warnings=tuple(found))
    if rep is not None:
        new_rep = rep * res.factors[:, 1:][res.cell]
        return finish(design, new_w, repweights=new_rep, report=report, new_warnings=found)
    residualizer = RakingResidualizer(tuple(pm.codes for pm in prepared), w, res.cell,
                                      res.sweep_factors)
    return finish(design, new_w, residualizer=residualizer, report=report, new_warnings=found)


def calibrate(design: Any, population: Any, *, calfun: str = "linear",
              bounds: tuple[float, float] | None = None, bounds_const: bool = False,
              epsilon: float = 1e-7, maxit: int = 50, variance: np.ndarray | None = None,
              collapse: Mapping | None = None, min_cell: int | None = None,
              on_fail: str = "raise") -> Any:
    """Calibrate ``design`` to population totals (Deville & Särndal 1992).

    ``population``: ``{"stype": {"E": 4421, "H": 755, "M": 1018}, "api99": 3914069}`` —
    categorical variables map categories to totals (all categorical margins must share the
    grand total, which is the intercept), numeric variables map to their population total;
    or margins (MarginSet / path). ``calfun``: ``linear`` (GREG; with ``bounds`` truncated
    linear), ``raking`` (exponential), ``logit`` (needs finite ``bounds``). ``bounds`` are on
    g = new/old weight, or on the new weight itself with ``bounds_const=True`` (R
    ``bounds.const``). Non-convergence or bounds not met raise :class:`ConvergenceError`,
    negative weights :class:`WeightingError` (or warnings with ``on_fail="warn"``).
    Parameters, returns: see :meth:`SurveyDesign.calibrate`.

    R equivalent: ``calibrate(design, formula, population, calfun=, bounds=, bounds.const=)``.
    """
    check_on_fail(on_fail)
    if calfun not in CALFUNS:
        raise UsageError(f"calfun must be one of {CALFUNS}, not {calfun!r}")
    data = design_data(design)
    w = design_weights(design)
    model = _model_matrix(data, population, collapse, min_cell, None)
    lo, up = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if lo >= up:
        raise UsageError(f"bounds must have lower < upper, got {bounds}")
    if calfun == "logit" and not (np.isfinite(lo) and np.isfinite(up)
                                  and (bounds_const or lo < 1 < up)):
        raise UsageError("logit calibration needs finite bounds with lower < 1 < upper",
                         hint="e.g. bounds=(0.3, 3)")
    lo_v: Any = lo
    up_v: Any = up
    if bounds_const:  # bounds on the weight, turned into bounds on g (R bounds.const)
        safe = np.where(w > 0, w, 1.0)
        lo_v = np.where(w > 0, lo / safe, lo)
        up_v = np.where(w > 0, up / safe, up)
    rep = np.asarray(design.repweights, dtype=float) if is_replicate(design) else None
    W = w if rep is None else np.column_stack([w, rep])
    result = calibrate_weights(model.X, W, model.totals, calfun=calfun, bounds=(lo_v, up_v),
                               epsilon=epsilon, maxit=maxit, variance=variance)
    g_all = result.g if result.g.ndim == 2 else result.g[:, None]
    g = g_all[:, 0]
    new_w = w * g
    found: list[str] = []
    if not np.all(np.isfinite(g_all)):
        raise ConvergenceError("calibration diverged (weights overflowed)",
                               variable=", ".join(model.names),
                               hint="check the totals against the sample, widen the bounds or "
                                    "use calfun='linear'")
    names = ", ".join(model.names)
    if not result.converged.all():
        which = np.flatnonzero(~result.converged)
        what = "full-sample weights" if 0 in which else f"replicate(s) {list(which)}"
        reason = ("the totals cannot be met within the bounds (infeasible bounds)"
                  if bounds is not None else "Newton iterations did not converge")
        fail(ConvergenceError(f"calibration failed for the {what}: {reason}; largest "
                              f"relative misfit {result.achieved.max():.3g} after "
                              f"{int(result.iterations.max())} iterations",
                              variable=names,
                              hint="widen the bounds, raise maxit, or collapse sparse "
                                   "categories"), on_fail, found)
    tol = 1e-9
    if bounds is not None:
        lo_chk = np.broadcast_to(np.asarray(lo_v, dtype=float), g.shape)
        up_chk = np.broadcast_to(np.asarray(up_v, dtype=float), g.shape)
        outside = (g < lo_chk - tol * np.abs(lo_chk)) | (g > up_chk + tol * np.abs(up_chk))
        if outside.any():
            fail(ConvergenceError(f"{int(outside.sum())} g-weight(s) outside the bounds "
                                  f"{bounds}", variable=names, row=int(np.argmax(outside)) + 1,
                                  hint="widen the bounds"), on_fail, found)
    if np.any(new_w < 0):
        row = int(np.argmax(new_w < 0)) + 1
        fail(WeightingError(f"calibration produced {int((new_w < 0).sum())} negative "
                            f"weight(s)", variable=names, row=row,
                            hint="use calfun='raking' or 'logit', or bounds=(0, ...) "
                                 "with linear"), on_fail, found)
    report = WeightingReport.build(step="calibrate", method=calfun, weights=new_w, before=w,
                                   prepared=model.prepared,
                                   iterations=int(result.iterations[0]),
                                   converged=bool(result.converged[0]), warnings=tuple(found))
    summary_totals = pd.DataFrame({"term": model.names, "target": model.totals,
                                   "achieved": model.X.T @ new_w})
    report = WeightingReport(report.summary, report.margins, summary_totals, report.warnings,
                             report.prepared)
    if rep is not None:
        return finish(design, new_w, repweights=rep * g_all[:, 1:], report=report,
                      new_warnings=found)
    whalf = np.sqrt(w)
    if calfun == "linear" and bounds is None:
        s = np.ones(len(w)) if variance is None else np.asarray(variance, dtype=float)
        basis = orthonormal_basis(model.X * (whalf / np.sqrt(s))[:, None])
        residualizer = GregResidualizer(basis, g * whalf * np.sqrt(s))
    else:  # R calibrate.survey.design2 after grake: qr(mm * whalf), w = g * whalf
        basis = orthonormal_basis(model.X * whalf[:, None])
        residualizer = GregResidualizer(basis, g * whalf)
    return finish(design, new_w, residualizer=residualizer, report=report, new_warnings=found)
