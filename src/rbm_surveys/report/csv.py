"""Tidy results as CSV: one row per estimate, every text cell formula-safe."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["write_results_csv"]


def write_results_csv(results: pd.DataFrame, path: str | Path) -> Path:
    """Write ``results`` as UTF-8 CSV (comma, header row); text that could start a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR …) is guarded by :func:`safe_frame`."""
    from rbm_surveys.files import write_csv

    # atomic; CRLF, so a field holding a bare CR or LF is quoted
    return write_csv(results, Path(path), lineterminator="\r\n")
