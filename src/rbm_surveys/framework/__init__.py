"""The results framework: indicator registry (baselines 2019, targets 2020–2023) and progress."""

from rbm_surveys.framework.progress import PROGRESS_COLUMNS, progress
from rbm_surveys.framework.seed import FRAMEWORK_COLUMNS, TARGET_YEARS, parse_quantity, read_framework

__all__ = ["FRAMEWORK_COLUMNS", "PROGRESS_COLUMNS", "TARGET_YEARS", "parse_quantity",
           "progress", "read_framework"]
