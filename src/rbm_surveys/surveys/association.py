"""Design-based tests of association: Rao-Scott chi-squared for two-way tables, t-tests.

:func:`chisq_test` follows R ``svychisq`` (survey 4.1; Rao & Scott 1981, 1984; Thomas &
Rao 1987): Pearson's X^2 is computed on the weighted table rescaled to the number of rows
N, and corrected by the design effects of the table:

* ``"F"`` (R's default, second-order Rao-Scott): F = X^2 / tr(Delta) on
  (d0, d0 * nu) degrees of freedom, d0 = tr(Delta)^2 / tr(Delta^2);
* ``"Chisq"`` (first-order): X^2 / mean(diag Delta) on (r-1)(c-1) df;
* ``"Wald"`` / ``"adjWald"``: the design-based Wald test of independence on the cell totals.

Delta = (C' D^-1 C / N)^-1 (C' D^-1 V D^-1 C), with V the design covariance of the cell
proportions (Taylor or replicate), D = diag(cell proportions) and C the interaction
contrasts orthogonal to the main effects; nu = design degrees of freedom.

:func:`ttest` is R ``svyttest(y ~ group)``: the group coefficient of a design-based linear
regression on a two-level group (difference of means, second level minus first), df =
design df - 1.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rbm_surveys.errors import DataError, UsageError
from rbm_surveys.surveys.covariance import replicate_covariance, score_covariance

__all__ = ["chisq_test", "ttest", "CHISQ_STATISTICS", "CHISQ_COLUMNS", "TTEST_COLUMNS"]

CHISQ_STATISTICS = ("F", "Chisq", "Wald", "adjWald")
#: columns of :func:`chisq_test`
CHISQ_COLUMNS = ["row_variable", "column_variable", "test", "statistic", "ndf", "ddf",
                 "p_value", "pearson_x2", "mean_deff", "n", "design"]
#: columns of :func:`ttest`
TTEST_COLUMNS = ["variable", "group", "contrast", "estimate", "se", "t", "df", "p_value",
                 "ci_low", "ci_high", "design"]


def _column(design: Any, name: str) -> pd.Series:
    if name not in design.data.columns:
        close = difflib.get_close_matches(name, [str(c) for c in design.data.columns], n=1)
        raise UsageError(f"column {name!r} is not in the data", column=name,
                         hint=f"did you mean {close[0]!r}?" if close else None)
    return design.data[name].reset_index(drop=True)


def _codes(col: pd.Series) -> tuple[np.ndarray, list]:
    levels = sorted(pd.unique(col.dropna()).tolist())
    pos = {v: i for i, v in enumerate(levels)}
    codes = np.array([pos.get(v, -1) if not pd.isna(v) else -1 for v in col], dtype=np.int64)
    return codes, levels


def _total_covariance(design: Any, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Totals sum(w x) of columns x (n x K) and their design covariance."""
    tot = w @ x
    if design.kind == "taylor":
        return tot, score_covariance(design, w[:, None] * x)
    rep = np.asarray(design.repweights) * (w > 0)[:, None]
    reps = rep.T @ x                                               # (R x K)
    return tot, replicate_covariance(tot, reps.T, design.scale, design.rscales, design.mse)


def _mean_covariance(design: Any, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Means sum(w x)/sum(w) of columns x and their design covariance (R svymean)."""
    big_w = w.sum()
    mean = w @ x / big_w
    if design.kind == "taylor":
        return mean, score_covariance(design, w[:, None] * (x - mean) / big_w)
    rep = np.asarray(design.repweights) * (w > 0)[:, None]
    reps = (rep.T @ x) / rep.sum(axis=0)[:, None]
    return mean, replicate_covariance(mean, reps.T, design.scale, design.rscales, design.mse)


def chisq_test(design: Any, row: str, column: str, statistic: str = "F") -> pd.DataFrame:
    """Rao-Scott test of independence of two categorical variables (R ``svychisq``).

    Rows missing either variable are left out of the table (R ``na.rm=TRUE``). Returns one
    row with :data:`CHISQ_COLUMNS`; ``statistic`` is F for "F", "Wald" and "adjWald" and the
    Pearson X^2 for "Chisq" (whose p-value uses X^2 / mean_deff), as R reports them."""
    if statistic not in CHISQ_STATISTICS:
        close = difflib.get_close_matches(str(statistic), CHISQ_STATISTICS, n=1)
        raise UsageError(f"statistic={statistic!r} is not supported", key="statistic",
                         hint=f"did you mean {close[0]!r}?" if close else
                         f"use one of {', '.join(CHISQ_STATISTICS)}")
    rc, rlev = _codes(_column(design, row))
    cc, clev = _codes(_column(design, column))
    nr, nc = len(rlev), len(clev)
    if nr < 2 or nc < 2:
        raise DataError(f"{row!r} x {column!r} needs at least two levels each "
                        f"(has {nr} x {nc})", column=row if nr < 2 else column)
    complete = (rc >= 0) & (cc >= 0)
    w = np.where(complete, np.asarray(design.weights, float), 0.0)
    n = design.n
    cell = np.where(complete, rc + nr * cc, 0)                 # rows vary fastest (R)
    mm = np.zeros((n, nr * nc))
    mm[np.arange(n), cell] = complete
    nu = float(design.degf)
    mean2, v = _mean_covariance(design, mm, w)
    table = mean2.reshape(nc, nr).T * n                        # svytable(Ntotal = N)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.sum((table - expected) ** 2 / expected))
    grid_r = np.tile(np.arange(nr), nc)
    grid_c = np.repeat(np.arange(nc), nr)
    x1 = np.column_stack([np.ones(nr * nc)] + [(grid_r == i).astype(float) for i in range(1, nr)]
                         + [(grid_c == j).astype(float) for j in range(1, nc)])
    x12 = np.column_stack([((grid_r == i) & (grid_c == j)).astype(float)
                           for j in range(1, nc) for i in range(1, nr)])
    cmat = x12 - x1 @ np.linalg.lstsq(x1, x12, rcond=None)[0]    # qr.resid
    with np.errstate(divide="ignore"):
        idm = np.diag(np.where(mean2 == 0, 0.0, 1.0 / mean2))
    denom = cmat.T @ (idm / n) @ cmat
    numr = cmat.T @ idm @ v @ idm @ cmat
    delta = np.linalg.solve(denom, numr)
    tr = float(np.trace(delta))
    d0 = tr ** 2 / float(np.trace(delta @ delta))
    mean_deff = tr / delta.shape[0]
    if statistic == "F":
        stat, ndf, ddf = pearson / tr, d0, d0 * nu
        p = float(stats.f.sf(stat, ndf, ddf))
    elif statistic == "Chisq":
        stat, ndf, ddf = pearson, float(delta.shape[0]), np.inf
        p = float(stats.chi2.sf(pearson / mean_deff, ndf))
    else:
        stat, ndf, ddf, p = _wald(design, mm, rc, cc, nr, nc, w, complete, nu, statistic)
    return pd.DataFrame([{"row_variable": row, "column_variable": column, "test": statistic,
                          "statistic": stat, "ndf": ndf, "ddf": ddf, "p_value": p,
                          "pearson_x2": pearson, "mean_deff": mean_deff,
                          "n": int(complete.sum()), "design": design.describe()}])[CHISQ_COLUMNS]


def _wald(design: Any, mm: np.ndarray, rc: np.ndarray, cc: np.ndarray, nr: int, nc: int,
          w: np.ndarray, complete: np.ndarray, nu: float,
          statistic: str) -> tuple[float, float, float, float]:
    """Design-based Wald test on the cell totals (R svychisq statistic "Wald"/"adjWald")."""
    n = len(w)
    mr = np.zeros((n, nr))
    mr[np.arange(n), np.maximum(rc, 0)] = complete
    mc = np.zeros((n, nc))
    mc[np.arange(n), np.maximum(cc, 0)] = complete
    x = np.column_stack([mm, mr, mc, complete.astype(float)])
    cells, vcells = _total_covariance(design, x, w)
    k = nr * nc
    rt, ct, tot = cells[k:k + nr], cells[k + nr:k + nr + nc], cells[-1]
    grid_r = np.tile(np.arange(nr), nc)
    grid_c = np.repeat(np.arange(nc), nr)
    jcb = np.column_stack([
        np.eye(k),
        -(grid_r[:, None] == np.arange(nr)[None, :]).astype(float)
        * np.repeat(ct / tot, nr)[:, None],
        -(grid_c[:, None] == np.arange(nc)[None, :]).astype(float) * np.tile(rt, nc)[:, None] / tot,
        np.outer(rt, ct).ravel(order="F") / tot ** 2])
    y = cells[:k] - np.outer(rt, ct).ravel(order="F") / tot
    v = jcb @ vcells @ jcb.T
    use = np.arange(k).reshape(nc, nr).T[1:, 1:].ravel(order="F")
    wald = float(y[use] @ np.linalg.solve(v[np.ix_(use, use)], y[use]))
    numdf = (nc - 1) * (nr - 1)
    if statistic == "Wald":
        stat, ddf = wald / numdf, nu
    else:
        ddf = nu - numdf + 1
        stat = wald * ddf / (numdf * nu)
    return stat, float(numdf), float(ddf), float(stats.f.sf(stat, numdf, ddf))


def ttest(design: Any, variable: str, group: str, level: float = 0.95) -> pd.DataFrame:
    """Design-based t-test of a difference in means between the two levels of ``group``
    (R ``svyttest(variable ~ group, design)``): estimate = mean(second level) - mean(first)."""
    from rbm_surveys.surveys.models import glm

    _column(design, variable)
    g = _column(design, group)
    levels = sorted(pd.unique(g.dropna()).tolist())
    if len(levels) != 2:
        raise DataError(f"group {group!r} must have exactly two levels (has {len(levels)})",
                        column=group, hint="recode it, or compare domains with contrast()")
    q = lambda s: s if s.isidentifier() else f"`{s}`"  # noqa: E731
    fit = glm(design, f"{q(variable)} ~ C({q(group)})", family="gaussian", level=level)
    row = fit.coefficients.iloc[1]
    return pd.DataFrame([{"variable": variable, "group": group,
                          "contrast": f"{levels[1]} - {levels[0]}",
                          "estimate": row["estimate"], "se": row["se"], "t": row["t"],
                          "df": row["df"], "p_value": row["p_value"],
                          "ci_low": row["ci_low"], "ci_high": row["ci_high"],
                          "design": design.describe()}])[TTEST_COLUMNS]
