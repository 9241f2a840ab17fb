"""Tidy results as CSV: one row per estimate, every text cell formula-safe."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rbm_surveys.report.safe import safe_frame

__all__ = ["write_results_csv"]


def write_results_csv(results: pd.DataFrame, path: str | Path) -> Path:
    """Write ``results`` as UTF-8 CSV (comma, header row); text that could start a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR …) is guarded by :func:`safe_frame`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # CRLF, so a field holding a bare CR or LF is quoted (the csv module quotes line-end chars)
    safe_frame(results).to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
    return path
