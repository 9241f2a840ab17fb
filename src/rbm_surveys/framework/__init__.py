"""The results framework: indicator registry (baselines 2019, targets 2020–2023) and progress."""

from rbm_surveys.framework.progress import PROGRESS_COLUMNS, progress
from rbm_surveys.framework.reduce import VALUE_COLUMNS, load_links, reduce_survey, reduce_verdicts
from rbm_surveys.framework.seed import FRAMEWORK_COLUMNS, TARGET_YEARS, parse_quantity, read_framework

__all__ = ["FRAMEWORK_COLUMNS", "PROGRESS_COLUMNS", "TARGET_YEARS", "VALUE_COLUMNS", "load_links",
           "parse_quantity", "progress", "read_framework", "reduce_survey", "reduce_verdicts"]
