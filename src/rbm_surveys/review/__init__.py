"""Human review of proposed verdicts: workbooks out and in, agreement, adjudication."""

from rbm_surveys.review.adjudicate import (COUNTED_STATUSES, FINAL_COLUMNS, STATUSES, adjudicate,
                                           counted_verdicts)
from rbm_surveys.review.agreement import (AGREEMENT_COLUMNS, CONFUSION_COLUMNS, agreement,
                                          engine_confusion)
from rbm_surveys.review.sheets import (DECISION_COLUMNS, LEVELS, check_against_verdicts,
                                       read_review_workbook, write_review_workbook)

__all__ = ["AGREEMENT_COLUMNS", "CONFUSION_COLUMNS", "COUNTED_STATUSES", "DECISION_COLUMNS",
           "FINAL_COLUMNS", "LEVELS", "STATUSES", "adjudicate", "agreement",
           "check_against_verdicts", "counted_verdicts", "engine_confusion",
           "read_review_workbook", "write_review_workbook"]
