"""Weighting and calibration: from selection probabilities to census-calibrated weights.

Verbs that take a design first and return a new design (with the residualizer its Taylor
variance needs, or re-weighted replicates): :func:`poststratify`, :func:`rake`,
:func:`calibrate`, :func:`trim`. Weight-level steps before a design exists:
:func:`base_weights`, :func:`nonresponse_adjust`, :func:`propensity_classes`. Margins:
:func:`load_margins`, :class:`Margin`, :class:`MarginSet`. Diagnostics:
:class:`WeightingReport`, :func:`weight_summary`. See docs/weighting.md.
"""

from __future__ import annotations

from rbm_surveys.surveys.weighting._adapter import WeightingWarning
from rbm_surveys.surveys.weighting.base import base_weights
from rbm_surveys.surveys.weighting.calibration import (calibrate, calibrate_weights,
                                                       poststratify, rake, rake_weights)
from rbm_surveys.surveys.weighting.diagnostics import WeightingReport, weight_summary
from rbm_surveys.surveys.weighting.margins import (Margin, MarginSet, load_margins,
                                                   prepare_margins)
from rbm_surveys.surveys.weighting.nonresponse import (nonresponse_adjust,
                                                        propensity_classes)
from rbm_surveys.surveys.weighting.residuals import (GregResidualizer, PostStratResidualizer,
                                                     RakingResidualizer)
from rbm_surveys.surveys.weighting.trim import trim, trim_weights

__all__ = [
    "poststratify", "rake", "calibrate", "trim",
    "base_weights", "nonresponse_adjust", "propensity_classes",
    "Margin", "MarginSet", "load_margins", "prepare_margins",
    "WeightingReport", "weight_summary", "WeightingWarning",
    "rake_weights", "calibrate_weights", "trim_weights",
    "PostStratResidualizer", "GregResidualizer", "RakingResidualizer",
]
