"""Tidy results as CSV: one row per estimate, every text cell formula-safe, written whole.

``indicators.csv`` holds the estimates (``RESULT_COLUMNS``; its ``notes`` column says what
is particular to a row: the ``unknown`` level, respondents left out of the denominator);
``data_notes.csv`` beside it holds the run's data notes (``NOTE_COLUMNS``: rows excluded by
cleaning and why, respondents outside the universe, ingestion and form warnings).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rbm_surveys.files import write_csv

__all__ = ["write_results_csv", "write_notes_csv"]


def write_results_csv(results: pd.DataFrame, path: str | Path) -> Path:
    """Write ``results`` as UTF-8 CSV (comma, header row) atomically; text that could start
    a formula (``=``, ``+``, ``-``, ``@``, tab, CR …) is guarded (:func:`files.write_csv`)."""
    return write_csv(results, path)


def write_notes_csv(notes: pd.DataFrame, path: str | Path) -> Path:
    """Write the data notes (``module, stage, table, rows, note``) the same way."""
    return write_csv(notes, path)
