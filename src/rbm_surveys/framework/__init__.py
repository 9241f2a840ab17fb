"""The results framework: indicator registry (baselines, 2020–2023 targets), reduction of
survey estimates and reviewed verdicts to indicator values, and progress."""

from rbm_surveys.framework.progress import (OFF_TRACK, PROGRESS_COLUMNS, bottlenecks,
                                            check_values, progress, rollup)
from rbm_surveys.framework.reduce import VALUE_COLUMNS, load_links, reduce_survey, reduce_verdicts
from rbm_surveys.framework.seed import (BASELINE_YEAR, FRAMEWORK_COLUMNS, TARGET_YEARS,
                                        parse_quantity, read_framework)

__all__ = ["BASELINE_YEAR", "FRAMEWORK_COLUMNS", "OFF_TRACK", "PROGRESS_COLUMNS",
           "TARGET_YEARS", "VALUE_COLUMNS", "bottlenecks", "check_values", "load_links",
           "parse_quantity", "progress", "read_framework", "reduce_survey", "reduce_verdicts",
           "rollup"]
