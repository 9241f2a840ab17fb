"""Human review of proposed verdicts: workbooks out and in, agreement, adjudication."""

from rbm_surveys.review.adjudicate import FINAL_COLUMNS, adjudicate
from rbm_surveys.review.agreement import AGREEMENT_COLUMNS, agreement
from rbm_surveys.review.sheets import (DECISION_COLUMNS, LEVELS, read_review_workbook,
                                       write_review_workbook)

__all__ = ["AGREEMENT_COLUMNS", "DECISION_COLUMNS", "FINAL_COLUMNS", "LEVELS", "adjudicate",
           "agreement", "read_review_workbook", "write_review_workbook"]
