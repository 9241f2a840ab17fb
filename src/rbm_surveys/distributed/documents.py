"""Document scoring mapped over a Dask bag: the same unit of work as the process pool.

:func:`rbm_surveys.docs.batch.score_path` is a pure function of (path, rubric ids) that
returns its failure instead of raising, so it maps over any cluster unchanged. The results
come back in input order and are assembled by :func:`rbm_surveys.docs.batch.collect`, so the
verdicts are byte-identical to a local run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["score_paths_dask"]


def score_paths_dask(paths: Sequence[str], rubric_ids: Sequence[str], *, client: Any = None,
                     language: str | None = None, max_bytes: int | None = None,
                     partition_size: int = 4) -> Any:
    """Score every path against every rubric on Dask; returns a ``BatchResult``.

    ``client``: a :class:`distributed.Client` (see :func:`rbm_surveys.distributed.connect`);
    ``None`` uses Dask's default scheduler (processes of this machine). Documents go in
    partitions of ``partition_size``; a worker that dies is reported as that document's
    failure, as in the local batch.
    """
    import dask
    import dask.bag as db

    from rbm_surveys.docs.batch import check_rubrics, collect, failure_result, score_path

    rubric_ids = tuple(rubric_ids)
    check_rubrics(rubric_ids)
    paths = [str(p) for p in paths]
    if not paths:
        return collect([])
    bag = db.from_sequence(paths, partition_size=max(1, partition_size))
    mapped = bag.map(score_path, rubric_ids, language, max_bytes)
    try:
        if client is not None:
            results = client.compute(mapped).result()
        else:
            results = dask.compute(mapped, scheduler="processes")[0]
    except Exception as exc:  # noqa: BLE001 - a worker died: score one by one to find it
        results = []
        for p in paths:
            try:
                one = (client.submit(score_path, p, rubric_ids, language, max_bytes).result()
                       if client is not None else score_path(p, rubric_ids, language, max_bytes))
            except Exception as one_exc:  # noqa: BLE001
                one = failure_result(p, one_exc if one_exc else exc)
            results.append(one)
    return collect(list(results))
