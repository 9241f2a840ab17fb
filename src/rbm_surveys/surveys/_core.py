"""The interface the estimation and weighting engines use on a design, and its cache.

Both design classes (:class:`~rbm_surveys.surveys.design.SurveyDesign`, Taylor, and
:class:`~rbm_surveys.surveys.replicate.ReplicateDesign`) derive from :class:`DesignCore`.
Engines (``estimate``, ``domains``, ``weighting``, ``indicators``) use only what is declared
here and on the classes' public attributes; they never read private names.

Declared for every design:

* ``kind`` – ``"taylor"`` or ``"replicate"``; ``data`` (the frame, never modified);
  ``weights`` (float64, read-only, row order); ``n``; ``degf``; ``lonely_psu``;
  ``calibration`` (tuple of residualizers from :mod:`rbm_surveys.surveys.weighting`);
  ``describe()``.
* ``psu_layout`` – :class:`PsuLayout` of the base clustering (stage-1 PSUs; replicate PSUs),
  or ``None`` for replicate designs given full replicate weights.
* ``memo(key, make)`` – a value that depends only on the design (factorised domains and
  levels, per-domain PSU presence and df, …), computed once and reused by every verb.
* ``with_columns(**columns)`` (R ``update()``), ``with_weights(...)``.

Taylor designs add ``stages`` (the variance stages), ``all_stages`` (the structure of every
stage), ``variance`` (HT/YG), ``pps_check`` (joint-inclusion structure of matrix PPS or
``None``) and ``adjust_domain_lonely``; replicate designs add ``factors``/``psu`` (PSU x
replicate factors) or ``repweights``, ``scale``, ``rscales``, ``mse``.

Cache keys are tuples whose first item names the kind of value; :data:`COLUMN_KEYS` lists
the kinds whose second item names the data columns they were computed from (so
:meth:`DesignCore.with_columns` keeps what its new columns do not touch), and
:data:`WEIGHT_KEYS` those that depend on the weights (dropped by ``with_weights``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rbm_surveys.errors import UsageError

__all__ = ["DesignCore", "PsuLayout", "COLUMN_KEYS", "WEIGHT_KEYS", "derive_with_columns"]

#: cache kinds computed from data columns: key = (kind, column(s), ...); "suff" keys are
#: ("suff", by-columns, (statistic, variables, ...)) and depend on both
COLUMN_KEYS = {"dom": 1, "levels": 1, "domain_psus": 1, "domain_degf": 1, "suff": 1,
               "coarsen": 1}
#: cache kinds that depend on the weights
WEIGHT_KEYS = {"positive", "domain_psus", "domain_degf", "raked_layout", "suff", "coarsen"}


@dataclass(frozen=True, eq=False)
class PsuLayout:
    """The base clustering of a design, integer-coded once.

    ``psu`` (n,) PSU code of each row, 0..n_psu-1; ``stratum`` (n_psu,) stratum code of
    each PSU; ``stratum_matrix`` (n_strata x n_psu) sparse indicator of PSUs in strata."""

    psu: np.ndarray
    n_psu: int
    stratum: np.ndarray
    n_strata: int

    @property
    def stratum_matrix(self) -> sp.csr_matrix:
        """(n_strata x n_psu) indicator of PSUs in strata (built on each call; cheap)."""
        return sp.csr_matrix((np.ones(self.n_psu), (self.stratum, np.arange(self.n_psu))),
                             shape=(self.n_strata, self.n_psu))


def _columns_of(key: Any) -> tuple[str, ...]:
    if isinstance(key, tuple) and key and key[0] in COLUMN_KEYS:
        cols = key[COLUMN_KEYS[key[0]]]
        cols = tuple(cols) if isinstance(cols, tuple) else (cols,)
        if key[0] == "suff":                      # plus the analysis variables
            cols += tuple(key[2][1])
        return cols
    return ()


class DesignCore:
    """Cache and declared interface shared by both design classes (see module doc)."""

    _cache: dict

    def memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The cached value for ``key``, computed by ``make()`` on first use.

        Designs are immutable, so what depends only on the design (domain codes, levels,
        PSU presence per domain) is computed once per design and shared by every verb."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = make()
            return value

    def cached_keys(self, kind: str) -> list[tuple]:
        """The cache keys of one kind (first item of the key)."""
        return [k for k in self._cache if isinstance(k, tuple) and k and k[0] == kind]

    def forget(self, key: tuple) -> None:
        """Drop one cached value (a cache entry found stale by its user)."""
        self._cache.pop(key, None)

    def _cache_for_weights(self) -> dict:
        """A copy of the cache without the entries that depend on the weights."""
        return {k: v for k, v in self._cache.items()
                if not (isinstance(k, tuple) and k and k[0] in WEIGHT_KEYS)}

    def _cache_for_columns(self, changed: set[str]) -> dict:
        """A copy of the cache without the entries computed from ``changed`` columns."""
        return {k: v for k, v in self._cache.items() if not set(_columns_of(k)) & changed}


def derive_with_columns(design: Any, columns: dict[str, Any], protected: set[str]) -> Any:
    """``design`` over its frame with ``columns`` added or replaced (see ``with_columns``).

    Everything else (structure, weights, calibration, warnings, report) is shared with the
    original; cached values for columns not replaced are kept."""
    if not columns:
        raise UsageError("with_columns() needs at least one name=values", key="columns",
                         hint="e.g. design.with_columns(poor=lambda d: d.income < 100)")
    data = design.data
    new_values = {}
    for name, value in columns.items():
        if name in protected:
            raise UsageError(f"column {name!r} is a design column (weights, strata, ids, fpc "
                             "or probs) and cannot be replaced", key=name,
                             hint="build a new design for a new structure")
        if callable(value):
            value = value(data)
        if isinstance(value, pd.Series):
            if not value.index.equals(data.index):
                raise UsageError(f"column {name!r}: the Series index differs from the "
                                 "survey frame's", key=name,
                                 hint="pass .to_numpy() to align by position, or reindex")
        elif np.ndim(value) == 0:
            value = np.full(len(data), value)
        elif len(value) != len(data):
            raise UsageError(f"column {name!r} has {len(value)} values for {len(data)} rows",
                             key=name, hint="give one value per row of the design")
        new_values[name] = value
    new = object.__new__(type(design))
    new.__dict__.update(design.__dict__)
    new.data = data.assign(**new_values)
    changed = {n for n in new_values if n in data.columns}
    # a replicate design shares its cache with the design it came from: copy, then filter
    new._cache = design._cache_for_columns(changed)
    return new
