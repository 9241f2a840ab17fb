"""The thin seam between weighting verbs and the design classes of ``surveys.design``.

The agreed contract: ``design.data``, ``design.weights`` (float64, row order),
``design.calibration`` (tuple of residualizers), ``design.with_weights(weights,
calibration=None)``; replicate designs have ``repweights`` (n, R) full analysis weights and
``with_weights(weights, repweights)``. Weighting adds, on the new design,
``weighting_warnings`` (tuple of str, accumulated) and ``weighting_report`` (the last
:class:`~rbm_surveys.surveys.weighting.diagnostics.WeightingReport`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from rbm_surveys.errors import UsageError, WeightingError

__all__ = ["is_replicate", "design_weights", "design_data", "finish", "fail", "WeightingWarning",
           "check_on_fail"]

ON_FAIL = ("raise", "warn")


class WeightingWarning(UserWarning):
    """A weighting problem accepted with ``on_fail="warn"``; also kept on the design."""


def check_on_fail(on_fail: str) -> None:
    if on_fail not in ON_FAIL:
        raise UsageError(f"on_fail must be one of {ON_FAIL}, not {on_fail!r}")


def is_replicate(design: Any) -> bool:
    return getattr(design, "repweights", None) is not None


def design_weights(design: Any) -> np.ndarray:
    w = np.asarray(design.weights, dtype=np.float64)
    if w.ndim != 1 or not np.all(np.isfinite(w)):
        raise WeightingError("design weights are not a finite vector",
                             hint="check the weights column of the design")
    return w


def design_data(design: Any):
    return design.data


def fail(error: WeightingError, on_fail: str, sink: list[str]) -> None:
    """Raise ``error``, or with ``on_fail="warn"`` warn loudly and remember it."""
    if on_fail == "raise":
        raise error
    warnings.warn(str(error), WeightingWarning, stacklevel=3)
    sink.append(str(error))


def finish(design: Any, weights: np.ndarray, *, residualizer: Any = None,
           repweights: np.ndarray | None = None, report: Any = None,
           new_warnings: list[str] | tuple[str, ...] = ()) -> Any:
    """A new design with the new weights, its residualizer, report and warnings."""
    allow = bool(new_warnings)       # on_fail="warn" accepted the problems, negative weights too
    if is_replicate(design):
        new = design.with_weights(weights, repweights, allow_negative=allow)
    else:
        new = design.with_weights(weights, calibration=residualizer, allow_negative=allow)
    all_warnings = tuple(getattr(design, "weighting_warnings", ()) or ()) + tuple(new_warnings)
    for name, value in (("weighting_warnings", all_warnings), ("weighting_report", report)):
        try:
            object.__setattr__(new, name, value)
        except (AttributeError, TypeError):  # a class with __slots__ and no such field
            pass
    return new
