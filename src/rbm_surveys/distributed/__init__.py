"""Scale-out on Dask (optional extra ``pip install "rbm_surveys[dask]"``).

* :class:`DaskDesign` — design-based estimates over a Dask DataFrame: per-partition sums
  per (domain, PSU), added up, then the in-memory variance formulas.
* :func:`score_paths_dask` — document scoring mapped over a Dask bag or a cluster.
* :func:`connect` — a ``distributed`` client for a scheduler address or a new LocalCluster.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DaskDesign", "score_paths_dask", "connect"]


def __getattr__(name: str) -> Any:
    if name == "DaskDesign":
        from rbm_surveys.distributed.surveys import DaskDesign
        return DaskDesign
    if name in ("score_paths_dask",):
        from rbm_surveys.distributed import documents
        return getattr(documents, name)
    if name == "connect":
        from rbm_surveys.distributed.cluster import connect
        return connect
    raise AttributeError(name)
