"""Weighting verbs shared by both design classes (they delegate to :mod:`.weighting`)."""

from __future__ import annotations

from typing import Any


class WeightingMethods:
    """``design.poststratify/rake/calibrate/trim(...)`` → a new design; see
    :mod:`rbm_surveys.surveys.weighting` for the arguments."""

    def poststratify(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import poststratify
        return poststratify(self, *a, **k)

    def rake(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import rake
        return rake(self, *a, **k)

    def calibrate(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import calibrate
        return calibrate(self, *a, **k)

    def trim(self, *a: Any, **k: Any) -> Any:
        from rbm_surveys.surveys.weighting import trim
        return trim(self, *a, **k)
