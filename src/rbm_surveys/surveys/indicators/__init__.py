"""Perception-survey indicators: YAML specifications → disaggregated, weighted percentages.

Public API::

    load_spec(path) / load_specs(paths=None)      specifications (bundled four when None)
    run_indicators(frame, specs, design, ...)     tidy table (see run.RESULT_COLUMNS)
    make_design(frame, weights, strata, ids, fpc) the design the estimates need
    run_survey(config)                            files in → indicators.csv / .xlsx out
    ReportingRules(min_n=30, max_cv=0.30, min_n_eff=30, ci="logit")

Submodules: ``spec`` (schema, validation), ``derive`` (age groups, weighted quantile groups,
WG-SS identifier), ``rules`` (numerator/denominator per respondent, don't-know conventions),
``run`` (indicators estimated through ``SurveyDesign``), ``reporting`` (suppression and
flag rules), ``pipeline``,
``forms`` (the four XLSForms), ``simulate`` (synthetic city with known truth).
"""

from __future__ import annotations

from rbm_surveys.surveys.indicators.pipeline import SurveyRun, load_config, run_survey
from rbm_surveys.surveys.indicators.run import (RESULT_COLUMNS, ReportingRules, make_design,
                                               run_indicators)
from rbm_surveys.surveys.indicators.spec import (MISSING_CONVENTIONS, IndicatorSpec, ModuleSpec,
                                                 load_spec, load_specs)

__all__ = ["load_spec", "load_specs", "run_indicators", "run_survey", "load_config",
           "make_design", "ReportingRules", "RESULT_COLUMNS", "MISSING_CONVENTIONS",
           "IndicatorSpec", "ModuleSpec", "SurveyRun"]
