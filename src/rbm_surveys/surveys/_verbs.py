"""The verbs both design classes answer to: estimators and weighting steps.

Each is a thin call into :mod:`rbm_surveys.surveys.estimate` or
:mod:`rbm_surveys.surveys.weighting`, which dispatch on the design's kind (Taylor or
replicate); keeping them here gives both classes one definition, with one signature and
docstring per verb.

Every estimator returns a tidy DataFrame with the columns
:data:`rbm_surveys.surveys.estimate.RESULT_COLUMNS` — ``variable, level, <by columns>,
estimate, se, ci_low, ci_high, df, deff, n, n_weighted, cv, n_eff, statistic, ci_method,
lonely_psu, design`` (plus ``warning`` when the weighting accepted problems). ``df`` is the
degrees of freedom of the domain's design (R ``degf`` of the subset: PSUs minus strata with
nonzero weight, whatever the variable's missing values), used by t-based intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rbm_surveys.surveys._core import DesignCore
from rbm_surveys.surveys.ci import DEFAULT_PROPORTION_CI

By = str | Sequence[str] | None


class DesignVerbs(DesignCore):
    """``design.mean/total/proportion/table/crosstab/ratio/quantile/var(...)`` → tidy
    DataFrame; ``design.poststratify/rake/calibrate/trim(...)`` → a new design."""

    # ------------------------------------------------------------------ estimators
    def mean(self, variables: str | Sequence[str], by: By = None, deff: bool | str = False,
             ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        """Weighted means of numeric variables, overall or per domain.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns; rows where any of them is missing are left out of this call
            (R ``na.rm=TRUE``); the design (and its df) is unchanged.
        by : str or list of str, optional
            Domain columns (cross-classified); rows with a missing by-value are in no domain.
        deff : bool or "replace"
            Design effect (Kish; ``"replace"``: against with-replacement SRS), as R.
        ci : {"wald", "t"}
            ``"wald"``: normal quantile (R ``confint`` default); ``"t"``: t with ``df``.
        level : float
            Confidence level.

        Returns
        -------
        DataFrame
            One row per (domain, variable); columns as the module docstring.

        R equivalent: ``svymean(~y, design, na.rm=TRUE)``, ``svyby(~y, ~by, design, svymean)``.
        """
        from rbm_surveys.surveys import estimate
        return estimate.mean(self, variables, by=by, deff=deff, ci=ci, level=level)

    def total(self, variables: str | Sequence[str], by: By = None, deff: bool | str = False,
              ci: str = "wald", level: float = 0.95) -> pd.DataFrame:
        """Weighted totals; a categorical variable gives the estimated count of each level.

        Parameters
        ----------
        variables, by, deff, ci, level
            As :meth:`mean`; categorical variables are allowed (one row per level).

        Returns
        -------
        DataFrame
            Columns as :meth:`mean`, ``statistic="total"``.

        R equivalent: ``svytotal(~y, design, na.rm=TRUE)`` (and ``svyby(..., svytotal)``).
        """
        from rbm_surveys.surveys import estimate
        return estimate.total(self, variables, by=by, deff=deff, ci=ci, level=level)

    def proportion(self, variables: str | Sequence[str], by: By = None,
                   deff: bool | str = False, ci: str = DEFAULT_PROPORTION_CI,
                   level: float = 0.95, levels: Sequence[Any] | None = None) -> pd.DataFrame:
        """Proportion of each level of categorical variables, with an interval that keeps
        its coverage near 0 and 1.

        Parameters
        ----------
        variables : str or list of str
            Categorical columns (any dtype); missing values are left out of this call.
        by : str or list of str, optional
            Domain columns.
        deff : bool or "replace"
            Design effects (as :meth:`mean`).
        ci : str
            ``"logit"`` (default: Wald on the logit scale with the domain's df, R
            ``svyciprop``'s default; its coverage is documented in docs/estimation.md),
            ``"beta"``/``"korn-graubard"``, ``"wilson"``, ``"likelihood"`` (Taylor only),
            ``"asin"``, ``"xlogit"``, ``"t"``/``"mean"``, ``"wald"`` (normal, symmetric, R
            ``confint(svymean())``; under-covers rare indicators).
        level : float
            Confidence level.
        levels : list, optional
            All the levels, in order (levels absent from the sample get 0 rows); values not
            listed are an error.

        Returns
        -------
        DataFrame
            One row per (domain, variable, level); ``level`` holds the category.

        R equivalent: ``svyciprop(~I(y == level), design, method="logit")``;
        ``svymean(~factor(y), design)`` for the estimate and SE.
        """
        from rbm_surveys.surveys import estimate
        return estimate.proportion(self, variables, by=by, deff=deff, ci=ci, level=level,
                                   levels=levels)

    def table(self, variables: str | Sequence[str], bys: Sequence[Any] = (None,),
              statistic: str = "proportion", deff: bool | str = False,
              ci: str | None = None, level: float = 0.95,
              levels: Sequence[Any] | None = None) -> pd.DataFrame:
        """Several disaggregations at once, e.g. ``bys=[None, "sex", "age", ["sex", "age"]]``,
        in one pass over the rows.

        Parameters
        ----------
        variables : str or list of str
            Analysis variables.
        bys : list
            By-specifications: ``None`` (overall), a column, or a list of columns.
        statistic : {"proportion", "mean", "total"}
        deff, level, levels
            As the statistic's verb.
        ci : str, optional
            Interval method; default that of the statistic (logit for proportions, wald
            otherwise).

        Returns
        -------
        DataFrame
            The rows of the separate calls, concatenated; by-columns a row does not use are
            missing. See :func:`rbm_surveys.surveys.estimate.table`.

        R equivalent: one ``svyby`` call per entry of ``bys``.
        """
        from rbm_surveys.surveys import estimate
        return estimate.table(self, variables, bys, statistic=statistic, deff=deff, ci=ci,
                              level=level, levels=levels)

    def crosstab(self, rows: str | Sequence[str], columns: str | Sequence[str] | None = None,
                 normalize: str | None = None, total: float | None = None) -> pd.DataFrame:
        """Weighted cross-tabulation: estimated population counts of every combination.

        Parameters
        ----------
        rows : str or list of str
            Row variables.
        columns : str or list of str, optional
            Column variables (the table is tidy either way; they only matter for
            ``normalize``).
        normalize : {None, "all", "rows", "columns"}
            ``None``: weighted counts; ``"all"``: share of the grand total; ``"rows"`` /
            ``"columns"``: share within each row / column combination.
        total : float, optional
            Rescale the counts to sum to this population size (R ``Ntotal`` for an
            unstratified scaling).

        Returns
        -------
        DataFrame
            One column per variable, then ``count`` (weighted) or ``proportion``, and
            ``n`` (rows). Every combination of observed levels appears (zero if empty);
            rows with a missing value in any variable are left out.

        R equivalent: ``svytable(~rows + columns, design)``; ``prop.table(svytable(...),
        margin)`` for ``normalize``. No standard errors (use :meth:`proportion` with ``by``).
        """
        from rbm_surveys.surveys import estimate
        return estimate.crosstab(self, rows, columns, normalize=normalize, total=total)

    def ratio(self, numerator: str | Sequence[str], denominator: str, by: By = None,
              ci: str = "wald", level: float = 0.95, deff: bool | str = False) -> pd.DataFrame:
        """Ratio of weighted totals sum(w y) / sum(w x) per domain.

        Parameters
        ----------
        numerator : str or list of str
            Numeric columns (one ratio each).
        denominator : str
            Numeric column.
        by, ci, level, deff
            As :meth:`mean`.

        Returns
        -------
        DataFrame
            ``variable`` is ``"numerator/denominator"``; columns as :meth:`mean`.

        R equivalent: ``svyratio(~y, ~x, design)`` (``separate=FALSE``).
        """
        from rbm_surveys.surveys import estimate
        return estimate.ratio(self, numerator, denominator, by=by, ci=ci, level=level,
                              deff=deff)

    def quantile(self, variables: str | Sequence[str], quantiles: float | Sequence[float] = 0.5,
                 by: By = None, rule: str = "math", ci: str = "mean",
                 level: float = 0.95) -> pd.DataFrame:
        """Weighted quantiles with Woodruff intervals.

        Parameters
        ----------
        variables : str or list of str
            Numeric columns.
        quantiles : float or list of float
            Probabilities in [0, 1].
        by : str or list of str, optional
            Domain columns.
        rule : {"math", "school", "hf7"}
            R's ``qrule``.
        ci : {"mean", "xlogit", "asin", "beta"}
            Interval for F(q) (R ``interval.type``).
        level : float
            Confidence level.

        Returns
        -------
        DataFrame
            Columns as :meth:`mean` plus ``quantile``; ``se`` = interval width / (2 t).

        R equivalent: ``svyquantile(~y, design, quantiles, qrule="math", ci=TRUE)``.
        """
        from rbm_surveys.surveys import estimate
        return estimate.quantile(self, variables, quantiles, by=by, rule=rule, ci=ci,
                                 level=level)

    def var(self, variables: str | Sequence[str], by: By = None,
            level: float = 0.95) -> pd.DataFrame:
        """Population variance of numeric variables (``statistic="variance"``).

        Parameters
        ----------
        variables, by, level
            As :meth:`mean` (Wald interval, no ``deff``).

        Returns
        -------
        DataFrame
            Columns as :meth:`mean`; SE treats the mean as fixed, as R.

        R equivalent: ``svyvar(~y, design, na.rm=TRUE)``.
        """
        from rbm_surveys.surveys import estimate
        return estimate.variance(self, variables, by=by, level=level)

    # ------------------------------------------------------------------ weighting verbs
    def poststratify(self, margin: Any, *, collapse: Mapping | None = None,
                     min_cell: int | None = None, on_fail: str = "raise") -> Any:
        """Post-stratify to one (possibly joint) margin → a new design.

        Parameters
        ----------
        margin : Margin, dict or path
            ``{variable: {category: total}}``, a :class:`~rbm_surveys.surveys.weighting.Margin`
            (joint cells) or a margins file.
        collapse : mapping, optional
            Categories to merge before weighting.
        min_cell : int, optional
            Refuse cells with fewer sample rows.
        on_fail : {"raise", "warn"}
            ``"warn"`` accepts problems, warns and stamps every estimate.

        Returns
        -------
        design
            New weights; its Taylor variance uses the post-stratification residuals.

        R equivalent: ``postStratify(design, ~var, population)``.
        """
        from rbm_surveys.surveys.weighting import poststratify
        return poststratify(self, margin, collapse=collapse, min_cell=min_cell,
                            on_fail=on_fail)

    def rake(self, margins: Any, *, epsilon: float = 1e-7, maxit: int = 100,
             collapse: Mapping | None = None, min_cell: int | None = None,
             on_fail: str = "raise") -> Any:
        """Rake to several margins (iterative proportional fitting) → a new design.

        Parameters
        ----------
        margins : dict, MarginSet or path
            ``{variable: {category: total}, ...}`` or a margins file.
        epsilon : float
            Stopping rule as R: < 1 relative to the sum of weights, >= 1 absolute.
        maxit : int
            Maximum sweeps; not converging is a ConvergenceError (or a warning with
            ``on_fail="warn"``).
        collapse, min_cell, on_fail
            As :meth:`poststratify`.

        Returns
        -------
        design
            Raked weights; Taylor variance from the raking residuals.

        R equivalent: ``rake(design, list(~a, ~b), list(pop_a, pop_b))``.
        """
        from rbm_surveys.surveys.weighting import rake
        return rake(self, margins, epsilon=epsilon, maxit=maxit, collapse=collapse,
                    min_cell=min_cell, on_fail=on_fail)

    def calibrate(self, population: Any, *, calfun: str = "linear",
                  bounds: tuple[float, float] | None = None, bounds_const: bool = False,
                  epsilon: float = 1e-7, maxit: int = 50, variance: np.ndarray | None = None,
                  collapse: Mapping | None = None, min_cell: int | None = None,
                  on_fail: str = "raise") -> Any:
        """Calibrate to population totals (Deville & Särndal 1992) → a new design.

        Parameters
        ----------
        population : dict, MarginSet or path
            Categorical variables map categories to totals, numeric variables map to their
            total, e.g. ``{"stype": {"E": 4421, "H": 755}, "api99": 3914069}``.
        calfun : {"linear", "raking", "logit"}
            Distance function (GREG, exponential, logit — needs finite ``bounds``).
        bounds : (float, float), optional
            Bounds on g = new/old weight (on the weight with ``bounds_const=True``).
        bounds_const : bool
            R ``bounds.const``.
        epsilon, maxit : float, int
            Convergence (R ``epsilon``, ``maxit``).
        variance : array, optional
            Heteroscedasticity factors (R ``variance=``).
        collapse, min_cell, on_fail
            As :meth:`poststratify`.

        Returns
        -------
        design
            Calibrated weights; Taylor variance from the calibration residuals.

        R equivalent: ``calibrate(design, ~formula, population, calfun=, bounds=)``.
        """
        from rbm_surveys.surveys.weighting import calibrate
        return calibrate(self, population, calfun=calfun, bounds=bounds,
                         bounds_const=bounds_const, epsilon=epsilon, maxit=maxit,
                         variance=variance, collapse=collapse, min_cell=min_cell,
                         on_fail=on_fail)

    def trim(self, lower: float | None = None, upper: float | None = None, *,
             relative_to: str | None = None, by: By = None,
             redistribute: str = "proportional", maxit: int = 100,
             on_fail: str = "raise") -> Any:
        """Trim weights to ``[lower, upper]`` keeping the (class) totals → a new design.

        Parameters
        ----------
        lower, upper : float, optional
            Bounds (absolute, or multiples of the median/mean weight with ``relative_to``).
        relative_to : {None, "median", "mean"}
        by : str or list of str, optional
            Classes within which the trimmed weight is given back (default: whole sample).
        redistribute : {"proportional", "equal"}
            ``"equal"`` without ``by`` and absolute bounds reproduces R
            ``trimWeights(design, upper, lower, strict=TRUE)`` exactly (every unit inside
            the bounds this round, including those trimmed earlier, gets an equal share;
            repeated until none is outside). ``"proportional"`` (ours) gives the excess to
            the never-trimmed units in proportion to their weights.
        maxit : int
            Maximum rounds.
        on_fail : {"raise", "warn"}

        Returns
        -------
        design
            Trimmed weights; earlier calibration residuals are kept (as R).

        R equivalent: ``trimWeights(design, upper=, lower=, strict=TRUE)``.
        """
        from rbm_surveys.surveys.weighting import trim
        return trim(self, lower, upper, relative_to=relative_to, by=by,
                    redistribute=redistribute, maxit=maxit, on_fail=on_fail)
