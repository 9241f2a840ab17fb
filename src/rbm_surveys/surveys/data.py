"""`SurveyData`: what every survey reader returns and every cleaning step passes on.

The contract (readers in :mod:`rbm_surveys.surveys.io`, steps in
:mod:`rbm_surveys.surveys.clean`, consumers in :mod:`rbm_surveys.surveys.indicators`):

* ``tables["main"]`` holds one row per submission; each repeat group has its own table named
  by the repeat's XLSForm name. Every table has an integer ``_index`` column (KoBo's row
  index, 1-based); repeat tables also carry ``_parent_index`` pointing at their parent
  table's ``_index`` and ``_parent_table`` naming it.
* Analysis columns are named by the XLSForm field **name** (unique in a form), never by the
  group path or the label; the group path lives in the codebook.
* ``select_multiple``: the summary column ``name`` holds the space-separated choice names;
  one column per choice ``name/choice`` holds nullable ``Int8`` 0/1, and ``<NA>`` when the
  question was not answered (never "all zero").
* Meta columns (``_uuid``, ``_submission_time``, ``_validation_status``, ``__version__``,
  ``meta/instanceID``, ``KEY``, ``ReviewState`` …) are moved to ``meta[table]`` (same index
  as the table), so they are kept but never analysed.
* ``reasons[table]`` (same index, one column per affected variable) keeps *why* a value is
  missing once declared missing codes have been set to NA: ``"dont_know"``, ``"refused"``,
  ``"not_applicable"`` or another declared reason; NA where the value is present or simply
  unanswered.
* Nothing here is ever modified in place: steps return a new ``SurveyData`` via
  :meth:`SurveyData.replace` and append to ``log``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rbm_surveys.provenance import Source

__all__ = ["SurveyData", "LogEntry", "MISSING_REASONS"]

#: Reasons a declared missing code can carry; indicator rules treat them differently.
MISSING_REASONS = ("dont_know", "refused", "not_applicable", "no_answer", "other_missing")


@dataclass(frozen=True)
class LogEntry:
    """One cleaning step, as a report prints it."""

    step: str
    table: str
    rows_before: int
    rows_after: int
    detail: str = ""
    counts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyData:
    tables: dict[str, pd.DataFrame]
    codebook: Any = None  # rbm_surveys.surveys.io.xlsform.Codebook or None
    meta: dict[str, pd.DataFrame] = field(default_factory=dict)
    reasons: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    log: tuple[LogEntry, ...] = ()
    warnings: tuple[str, ...] = ()
    personal_columns: tuple[str, ...] = ()  # withheld from outputs unless asked for

    @property
    def main(self) -> pd.DataFrame:
        return self.tables["main"]

    def replace(self, **changes: Any) -> "SurveyData":
        return dataclasses.replace(self, **changes)

    def with_log(self, entry: LogEntry, **changes: Any) -> "SurveyData":
        return dataclasses.replace(self, log=self.log + (entry,), **changes)
