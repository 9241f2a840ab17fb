"""Residualizers: what a calibrated design does to influence scores before the Taylor variance.

A design keeps, in ``design.calibration``, one object per weighting step. Each has
``residualize(z) -> z`` where ``z`` is the (n, k) matrix of weighted influence scores (for a
mean, ``w_i (y_i - ybar) / sum(w)``). The variance engine applies them in order before summing
to PSU totals. This reproduces how R ``survey``'s ``svyrecvar`` treats ``design$postStrata``
(Lumley, survey 4.1, R/survey.R): the variance of a calibration estimator is that of the
residuals of the calibration model (Särndal, Swensson & Wretman 1992, §6.6; Deville &
Särndal 1992, eq. 3.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PostStratResidualizer", "GregResidualizer", "RakingResidualizer", "group_sums"]


def group_sums(values: np.ndarray, codes: np.ndarray, ncat: int) -> np.ndarray:
    """Column sums of ``values`` (n, k) within groups ``codes`` (0..ncat-1) -> (ncat, k)."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=ncat)
    out = np.empty((ncat, values.shape[1]))
    for j in range(values.shape[1]):  # loop over columns (few), never over rows
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=ncat)
    return out


def _as_matrix(z: np.ndarray) -> tuple[np.ndarray, bool]:
    z = np.asarray(z, dtype=float)
    return (z[:, None], True) if z.ndim == 1 else (z, False)


def _safe_divide(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    # Units with zero weight carry zero scores; keep them at zero instead of 0/0.
    w = np.where(w == 0, 1.0, w)
    return z / w[:, None]


@dataclass(frozen=True, eq=False)
class PostStratResidualizer:
    """Post-stratification (R ``postStratify``): subtract the old-weighted cell mean.

    ``z_i - w_i * sum_c(z_j * oldw_j / w_j) / sum_c(oldw_j)`` within post-stratum ``c`` — the
    ordinary branch of R's ``svyrecvar``; with ``oldw = 1`` it is the unweighted cell mean.
    """

    cells: np.ndarray  # int codes 0..ncells-1, one per unit
    weights: np.ndarray  # weights after post-stratification
    oldweights: np.ndarray  # weights before it
    kind: str = "poststratify"

    def __repr__(self) -> str:
        return f"PostStratResidualizer({self.cells.size} units, {len(np.unique(self.cells))} cells)"

    def residualize(self, z: np.ndarray) -> np.ndarray:
        z, flat = _as_matrix(z)
        psw = np.where((self.weights == 0) & (self.oldweights == 0), 1.0, self.weights)
        ncat = int(self.cells.max()) + 1 if self.cells.size else 0
        num = group_sums(_safe_divide(z, psw) * self.oldweights[:, None], self.cells, ncat)
        den = np.bincount(self.cells, weights=self.oldweights, minlength=ncat)
        den = np.where(den == 0, 1.0, den)
        out = z - (num / den[:, None])[self.cells] * psw[:, None]
        return out[:, 0] if flat else out


@dataclass(frozen=True, eq=False)
class GregResidualizer:
    """Linear/generalised calibration (R ``greg_calibration``): ``resid(Q, z / w) * w``.

    ``basis`` is an orthonormal basis of the column space of ``X * sqrt(d) / sqrt(sigma2)``
    (the QR R keeps) and ``w = g * sqrt(d) * sqrt(sigma2)``; residuals of the weighted least
    squares fit of the scores on the calibration variables (Deville & Särndal 1992).
    """

    basis: np.ndarray  # (n, rank), orthonormal columns
    w: np.ndarray  # (n,)
    kind: str = "calibrate"

    def __repr__(self) -> str:
        return f"GregResidualizer({self.w.size} units, rank {self.basis.shape[1]})"

    def residualize(self, z: np.ndarray) -> np.ndarray:
        z, flat = _as_matrix(z)
        u = _safe_divide(z, self.w)
        u = u - self.basis @ (self.basis.T @ u)
        out = u * self.w[:, None]
        return out[:, 0] if flat else out


@dataclass(frozen=True, eq=False)
class RakingResidualizer:
    """Raking (R ``rake``): 10 backfitting sweeps over the margins, as R's ``svyrecvar``.

    Each margin has its category codes and the weights the design had just after that
    margin was post-stratified in the last raking sweep (``base * cell_factors[m][cell]``);
    a sweep subtracts, margin by margin, ``w * mean_c(z / w)`` (unweighted mean within
    category ``c``).
    """

    codes: tuple[np.ndarray, ...]  # per margin: category code per unit
    base: np.ndarray  # weights before raking
    cell: np.ndarray  # cross-classified cell per unit
    cell_factors: tuple[np.ndarray, ...]  # per margin: cumulative factor per cell
    sweeps: int = 10
    kind: str = "rake"

    def __repr__(self) -> str:
        return f"RakingResidualizer({len(self.codes)} margins, {self.sweeps} sweeps)"

    def margin_weights(self, m: int) -> np.ndarray:
        return self.base * self.cell_factors[m][self.cell]

    #: the old private name, kept while callers move to :meth:`cell_layout`
    def _cell_layout(self):
        return self.cell_layout()

    def residualize(self, z: np.ndarray) -> np.ndarray:
        z, flat = _as_matrix(z)
        layout = self.cell_layout()
        out = self._residualize_rows(z) if layout is None else self._residualize_cells(z, layout)
        return out[:, 0] if flat else out

    def _residualize_rows(self, z: np.ndarray) -> np.ndarray:
        """The sweeps as written: every margin, every sweep, over all rows."""
        z = z.copy()
        prepared = []
        for m, codes in enumerate(self.codes):
            ncat = int(codes.max()) + 1 if codes.size else 0
            counts = np.bincount(codes, minlength=ncat).astype(float)
            prepared.append((codes, self.margin_weights(m), ncat,
                             np.where(counts == 0, 1.0, counts)))
        for _ in range(self.sweeps):
            for codes, psw, ncat, counts in prepared:
                means = group_sums(_safe_divide(z, psw), codes, ncat) / counts[:, None]
                z -= psw[:, None] * means[codes]
        return z

    def cell_layout(self):
        """Per raking cell: each margin's category, and unit counts — or None if the rows
        do not have the structure the cell-level sweeps rely on (public: the estimation
        engine's raked fast path uses it)."""
        if not self.codes or self.cell.size == 0:
            return None
        ncell = int(self.cell.max()) + 1
        cats = []
        for codes in self.codes:
            cat = np.zeros(ncell, dtype=np.int64)
            cat[self.cell] = codes
            if not np.array_equal(cat[self.cell], codes):  # a category must be a union of cells
                return None
            cats.append(cat)
        positive = self.base > 0
        npos = np.bincount(self.cell[positive], minlength=ncell).astype(float)
        # (ncell, margins); factors may list trailing cells no unit falls in
        factors = np.column_stack(self.cell_factors)[:ncell]
        if np.any((factors[npos > 0] <= 0) | ~np.isfinite(factors[npos > 0])):
            return None
        return ncell, cats, npos, positive

    def _residualize_cells(self, z: np.ndarray, layout) -> np.ndarray:
        """The same sweeps on (cells × k) sums.

        Margin m's weights are ``base * f_m[cell]``, so after any number of sweeps
        ``z = z0 - base * sum_m f_m[cell] A_m[cat_m(cell)]`` with A_m the accumulated
        category means. The sum of ``z / psw_m`` over a category then needs only, per cell,
        the sum of ``z0 / base`` (units with positive weight), the sum of ``z0`` (units with
        zero weight, which ``_safe_divide`` leaves as they are) and the count of positive
        units: two passes over the rows instead of ``4 x margins x sweeps``.
        """
        from scipy import sparse

        ncell, cats, npos, positive = layout
        n = self.cell.size
        rows = np.arange(n)
        inv_base = np.divide(1.0, self.base, out=np.zeros(n), where=positive)
        # (cells × n) aggregators: sparse products keep the n × k temporaries away
        y0 = sparse.csr_matrix((inv_base, (self.cell, rows)), shape=(ncell, n)) @ z
        zero_rows = ~positive
        z0_zero = (sparse.csr_matrix((zero_rows.astype(float), (self.cell, rows)),
                                     shape=(ncell, n)) @ z
                   if zero_rows.any() else np.zeros_like(y0))
        b = self.cell_adjustment(y0, z0_zero, layout)
        spread = sparse.csr_matrix((np.where(positive, self.base, 0.0), (rows, self.cell)),
                                   shape=(n, ncell))
        return z - spread @ b

    def cell_adjustment(self, y0: np.ndarray, z0: np.ndarray, layout=None) -> np.ndarray:
        """(cells × k) B such that the residualised scores are ``z - base * B[cell]``
        (``base`` counted only where positive).

        ``y0[cell]`` is the sum of ``z / base`` over the cell's units with positive base
        weight, ``z0[cell]`` the sum of ``z`` over its units with zero base weight; the
        sweeps then run on these cell sums only (see :meth:`_residualize_cells`)."""
        layout = self.cell_layout() if layout is None else layout
        ncell, cats, npos, positive = layout
        y0 = np.asarray(y0, dtype=float)
        z0 = np.asarray(z0, dtype=float)
        k = y0.shape[1]
        f = [np.where(np.asarray(fm, float)[:ncell] > 0, np.asarray(fm, float)[:ncell], 1.0)
             for fm in self.cell_factors]
        ncat = [int(codes.max()) + 1 for codes in self.codes]
        counts = [np.bincount(codes, minlength=c).astype(float)
                  for codes, c in zip(self.codes, ncat)]
        counts = [np.where(c == 0, 1.0, c) for c in counts]
        acc = [np.zeros((c, k)) for c in ncat]
        for _ in range(self.sweeps):
            for m in range(len(self.codes)):
                # sum over the cell's positive units of sum_m' (f_m'/f_m) A_m'[cat_m'(cell)]
                shift = sum(f[j][:, None] * acc[j][cats[j]] for j in range(len(acc)))
                per_cell = y0 / f[m][:, None] - npos[:, None] * shift / f[m][:, None] + z0
                sums = np.zeros((ncat[m], k))
                np.add.at(sums, cats[m], per_cell)
                acc[m] += sums / counts[m][:, None]
        return sum(f[j][:, None] * acc[j][cats[j]] for j in range(len(acc)))  # (ncell, k)


def orthonormal_basis(a: np.ndarray, tol: float = 1e-7) -> np.ndarray:
    """Orthonormal basis of the column space of ``a``; rank decided like R's ``qr`` (tol 1e-7).

    The projection does not depend on how the basis is chosen, only on the rank.
    """
    u, s, _ = np.linalg.svd(a, full_matrices=False)
    if s.size == 0:
        return u
    rank = int(np.sum(s > tol * s[0]))
    return u[:, :rank]
