"""Where Dask work runs: an existing scheduler, or a LocalCluster started for the run."""

from __future__ import annotations

from typing import Any

from rbm_surveys.errors import UsageError

__all__ = ["connect"]


def connect(scheduler: str | None = None, *, workers: int = 2, memory_limit: str = "3GB",
            threads_per_worker: int = 1) -> Any:
    """A :class:`distributed.Client`.

    ``scheduler``: address of a running scheduler (``tcp://host:8786``, as printed by
    ``dask scheduler``); ``None`` starts a :class:`distributed.LocalCluster` of ``workers``
    processes with ``memory_limit`` each. Close the client (and its cluster) with
    ``client.close()`` or use it as a context manager.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError("Dask is not installed", hint='pip install "rbm_surveys[dask]"') from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler ({exc})", key="scheduler",
                             hint="check the address (tcp://HOST:8786) and that the scheduler "
                                  "runs") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker,
                           memory_limit=memory_limit, processes=True, dashboard_address=":0")
    client = Client(cluster)
    client._rbm_cluster = cluster  # closed with the client by close_client()
    return client


def close_client(client: Any) -> None:
    """Close ``client`` and the LocalCluster :func:`connect` started for it, if any."""
    cluster = getattr(client, "_rbm_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
