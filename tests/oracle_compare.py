"""Comparing an estimate table with R's rows (shared by the oracle test files)."""

import numpy as np

#: (our column, expected.csv column)
FIELDS = (("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
          ("df", "ci_df"), ("deff", "deff"))


def assert_row_matches(got, row, case: str, rtol: float, only=None) -> None:
    """``got`` indexed by R term; ``row`` one expected.csv row; NaN deff in R is not compared."""
    assert row.term in got.index, f"{case}: term {row.term} missing; got {list(got.index)}"
    g = got.loc[row.term]
    for ours, theirs in FIELDS:
        want = getattr(row, theirs)
        if only is not None and ours not in only:
            continue
        if theirs == "deff" and np.isnan(want):
            continue
        np.testing.assert_allclose(float(g[ours]), want, rtol=rtol, atol=0,
                                   err_msg=f"{case} {row.term} {ours}")
