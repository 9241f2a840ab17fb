"""Base (design) weights from the selection probabilities of each sampling stage.

For a multistage sample the inclusion probability of a unit is the product of its
conditional selection probabilities at each stage, and its base weight is the inverse
(Horvitz & Thompson 1952; Lohr 2022, §6.1). :func:`base_weights` multiplies them up and,
when the export also carries an overall probability or weight, checks that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from rbm_surveys.errors import DataError, UsageError

__all__ = ["base_weights"]


def _column(data: pd.DataFrame, name: str, role: str) -> np.ndarray:
    if name not in data.columns:
        raise DataError(f"{role} column not in the data", column=name,
                        hint="check the column name in design.yaml")
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(f"{int(bad.sum())} missing or non-numeric {role} value(s)", column=name,
                        row=int(np.flatnonzero(bad)[0]) + 1,
                        hint="every sampled unit needs its selection probability")
    return values


def base_weights(data: pd.DataFrame, stage_probs: Sequence[str], *,
                 check: str | None = None, check_kind: str = "weight",
                 rtol: float = 1e-6) -> np.ndarray:
    """Base weight per row = 1 / product of the stage selection probabilities.

    Parameters
    ----------
    data: the survey frame (not modified).
    stage_probs: columns holding each stage's conditional selection probability, in (0, 1].
    check: optional column with the overall probability (``check_kind="prob"``) or weight
        (``"weight"``) the export claims; rows where the product disagrees by more than
        ``rtol`` (relative) are a :class:`DataError` naming the first such row.

    Returns
    -------
    ndarray
        One base weight per row.

    R equivalent: ``1 / (p1 * p2 * ...)`` before ``svydesign(weights=)`` (R has no verb).
    """
    if isinstance(stage_probs, str):
        stage_probs = [stage_probs]
    if not stage_probs:
        raise UsageError("give at least one stage probability column")
    if check_kind not in ("weight", "prob"):
        raise UsageError("check_kind must be 'weight' or 'prob'")
    prob = np.ones(len(data))
    for name in stage_probs:
        p = _column(data, name, "selection probability")
        out = (p <= 0) | (p > 1)
        if out.any():
            raise DataError(f"selection probabilities must be in (0, 1]; found {p[out][0]:g}",
                            column=name, row=int(np.flatnonzero(out)[0]) + 1,
                            hint="give probabilities, not weights or percentages")
        prob = prob * p
    weights = 1.0 / prob
    if check is not None:
        claimed = _column(data, check, "overall " + check_kind)
        expected = weights if check_kind == "weight" else prob
        off = np.abs(claimed - expected) > rtol * np.abs(expected)
        if off.any():
            i = int(np.flatnonzero(off)[0])
            raise DataError(f"{int(off.sum())} row(s) where the stage probabilities "
                            f"({' x '.join(stage_probs)}) do not multiply up to {check}: "
                            f"expected {expected[i]:.6g}, found {claimed[i]:.6g}",
                            column=check, row=i + 1,
                            hint="check which stages the overall probability includes")
    return weights
