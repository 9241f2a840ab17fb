"""rbm_surveys: results-based monitoring of urban programmes.

Perception surveys (KoBoToolbox/ODK/SPSS/Stata exports with their XLSForm) and policy
documents (plans, NDCs, standards, laws scored against rubrics) reduced to auditable
indicator values.

The public namespace is this module; everything else is reached through it. Names are
imported lazily so that ``rbm --help`` does not pay for pandas or spaCy.
"""

from __future__ import annotations

import importlib
from typing import Any

from rbm_surveys.errors import RbmError

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # surveys
    "SurveyData": "rbm_surveys.surveys.data",
    "read_export": "rbm_surveys.surveys.io",
    "read_form": "rbm_surveys.surveys.io",
    "run_cleaning": "rbm_surveys.surveys.clean",
    "cleaning_log": "rbm_surveys.surveys.clean",
    "cleaning_issues": "rbm_surveys.surveys.clean",
    "withhold_personal": "rbm_surveys.surveys.privacy",
    "pseudonymise": "rbm_surveys.surveys.privacy",
    "project_salt": "rbm_surveys.surveys.privacy",
    "SurveyDesign": "rbm_surveys.surveys.design",
    "ReplicateDesign": "rbm_surveys.surveys.replicate",
    "run_indicators": "rbm_surveys.surveys.indicators",
    "run_survey": "rbm_surveys.surveys.indicators",
    # weighting
    "poststratify": "rbm_surveys.surveys.weighting",
    "rake": "rbm_surveys.surveys.weighting",
    "calibrate": "rbm_surveys.surveys.weighting",
    "trim": "rbm_surveys.surveys.weighting",
    "base_weights": "rbm_surveys.surveys.weighting",
    "nonresponse_adjust": "rbm_surveys.surveys.weighting",
    "propensity_classes": "rbm_surveys.surveys.weighting",
    "load_margins": "rbm_surveys.surveys.weighting",
    "Margin": "rbm_surveys.surveys.weighting",
    "WeightingReport": "rbm_surveys.surveys.weighting",
    # comparisons: covariances, contrasts, change, tests, models
    "joint_estimates": "rbm_surveys.surveys.compare",
    "contrast": "rbm_surveys.surveys.compare",
    "gaps_to_reference": "rbm_surveys.surveys.compare",
    "gap_table": "rbm_surveys.surveys.compare",
    "change_between_rounds": "rbm_surveys.surveys.compare",
    "panel_change": "rbm_surveys.surveys.compare",
    "chisq_test": "rbm_surveys.surveys.association",
    "ttest": "rbm_surveys.surveys.association",
    "glm": "rbm_surveys.surveys.models",
    "predicted_means": "rbm_surveys.surveys.models",
    # documents
    "Document": "rbm_surveys.docs.document",
    "read_document": "rbm_surveys.docs.io",
    "load_rubric": "rbm_surveys.docs.rubric",
    "score_document": "rbm_surveys.docs.scoring",
}

__all__ = ["__version__", "RbmError", *_EXPORTS]  # noqa: PLE0604 - the keys, all strings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rbm_surveys' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
