"""The cell-level raking residuals equal R's row-by-row backfitting sweeps."""

import numpy as np
from hypothesis import given, settings, strategies as st

from rbm_surveys.surveys.weighting.residuals import RakingResidualizer


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 300), k=st.integers(1, 4),
       zero_share=st.sampled_from([0.0, 0.1]))
def test_cell_sweeps_equal_row_sweeps(seed, n, k, zero_share):
    rng = np.random.default_rng(seed)
    a, b, c = rng.integers(0, 2, n), rng.integers(0, 3, n), rng.integers(0, 2, n)
    cell = a * 6 + b * 2 + c
    _, cell = np.unique(cell, return_inverse=True)
    ncell = cell.max() + 1
    codes = []
    for margin in (a, b, c):
        _, code = np.unique(margin, return_inverse=True)
        codes.append(code)
    base = rng.uniform(0.5, 3.0, n)
    base[rng.random(n) < zero_share] = 0.0
    factors = tuple(rng.uniform(0.5, 2.0, ncell) for _ in codes)
    z = rng.normal(size=(n, k))  # zero-weight rows keep whatever score they carry
    r = RakingResidualizer(codes=tuple(codes), base=base, cell=cell, cell_factors=factors)
    assert r._cell_layout() is not None
    fast = r.residualize(z)
    slow = r._residualize_rows(z)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-12 * np.abs(slow).max())


def test_falls_back_when_a_category_is_not_a_union_of_cells():
    codes = (np.array([0, 1, 0, 1]),)
    r = RakingResidualizer(codes=codes, base=np.ones(4), cell=np.array([0, 0, 1, 1]),
                           cell_factors=(np.ones(2),))
    assert r._cell_layout() is None
    z = np.arange(4.0)
    np.testing.assert_allclose(r.residualize(z), r._residualize_rows(z[:, None])[:, 0])
