"""The verbs both design classes answer to: estimators and weighting steps.

Each is a thin call into :mod:`rbm_surveys.surveys.estimate` or
:mod:`rbm_surveys.surveys.weighting`, which dispatch on the design's kind (Taylor or
replicate); keeping them here gives both classes one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


class DesignVerbs:
    """``design.mean/total/proportion/table/ratio/quantile/var(...)`` → tidy DataFrame;
    ``design.poststratify/rake/calibrate/trim(...)`` → a new design."""

    def mean(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
             deff: bool | str = False, ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.mean(self, variables, by=by, deff=deff, ci=ci, level=level)

    def total(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
              deff: bool | str = False, ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.total(self, variables, by=by, deff=deff, ci=ci, level=level)

    def proportion(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
                   deff: bool | str = False, ci: str = "wald", level: float = 0.95,
                   levels: Sequence[Any] | None = None) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.proportion(self, variables, by=by, deff=deff, ci=ci, level=level,
                                   levels=levels)

    def table(self, variables: Any, bys: Sequence[Any] = (None,), statistic: str = "proportion",
              deff: bool | str = False, ci: str = "wald", level: float = 0.95,
              levels: Any = None) -> pd.DataFrame:
        """Several disaggregations at once, e.g. ``bys=[None, "sex", "age", ["sex", "age"]]``:
        one pass over the rows (see :func:`rbm_surveys.surveys.estimate.table`)."""
        from rbm_surveys.surveys import estimate
        return estimate.table(self, variables, bys, statistic=statistic, deff=deff, ci=ci,
                              level=level, levels=levels)

    def ratio(self, numerator: str | Sequence[str], denominator: str,
              by: str | Sequence[str] | None = None, ci: str = "wald",
              level: float = 0.95, deff: bool | str = False) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.ratio(self, numerator, denominator, by=by, ci=ci, level=level,
                              deff=deff)

    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float] = 0.5,
                 by: str | Sequence[str] | None = None, rule: str = "math",
                 ci: str = "mean", level: float = 0.95) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.quantile(self, variables, quantiles, by=by, rule=rule, ci=ci,
                                 level=level)

    def var(self, variables: str | Sequence[str], by: str | Sequence[str] | None = None,
            level: float = 0.95) -> pd.DataFrame:
        from rbm_surveys.surveys import estimate
        return estimate.variance(self, variables, by=by, level=level)

    def poststratify(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import poststratify
        return poststratify(self, *a, **k)

    def rake(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import rake
        return rake(self, *a, **k)

    def calibrate(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import calibrate
        return calibrate(self, *a, **k)

    def trim(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import trim
        return trim(self, *a, **k)
