"""`rbm scale`: estimates and document scoring on Dask (optional extra ``[dask]``).

    rbm scale estimate DATA --weights W --ids PSU [--strata S] [--fpc F] --vars Y [--vars Y2]
                       [--by COL | --by COL1,COL2]... [--statistic proportion] [--ci logit]
                       [--replicate TYPE --replicates R --seed N] --out FILE.csv
                       [--scheduler ADDRESS | --workers 2 --memory-limit 3GB]
    rbm scale docs PATHS... --rubric ID [--out DIR] [--scheduler ADDRESS | --workers 2]

DATA is a Parquet file or folder, or a CSV file or glob (read lazily, never loaded whole).
Without ``--scheduler`` a LocalCluster of ``--workers`` processes is started for the run.
"""

from __future__ import annotations

import sys

EXIT_SOME_FAILED = 1


def register(sub) -> None:
    p = sub.add_parser("scale", help="estimates and document scoring on a Dask cluster",
                       description="Census-scale survey files and large corpora on Dask: a "
                                   "running scheduler (--scheduler) or a LocalCluster.")
    ssub = p.add_subparsers(dest="scale_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    e = ssub.add_parser("estimate", help="a table of estimates from a partitioned survey file")
    e.add_argument("data", help="Parquet file/folder or CSV file/glob")
    e.add_argument("--weights", required=True)
    e.add_argument("--ids", required=True, help="first-stage PSU column")
    e.add_argument("--strata")
    e.add_argument("--fpc", help="first-stage fpc column")
    e.add_argument("--nest", action="store_true")
    e.add_argument("--lonely-psu", default="fail",
                   choices=["fail", "remove", "certainty", "adjust", "average"])
    e.add_argument("--vars", action="append", required=True, metavar="COL")
    e.add_argument("--by", action="append", default=[], metavar="COL[,COL]",
                   help="disaggregation (repeatable; comma = cross-classification)")
    e.add_argument("--statistic", default="proportion", choices=["proportion", "mean", "total"])
    e.add_argument("--ci", default=None, help="interval method (default: the engine's for the statistic)")
    e.add_argument("--replicate", choices=["jk1", "jkn", "brr", "fay", "bootstrap"])
    e.add_argument("--replicates", type=int, default=200)
    e.add_argument("--seed", type=int, default=None)
    e.add_argument("--out", required=True, metavar="FILE.csv")
    _cluster_args(e)
    e.set_defaults(func=run_estimate)

    d = ssub.add_parser("docs", help="score documents on the cluster")
    d.add_argument("paths", nargs="+", metavar="PATH")
    d.add_argument("--rubric", action="append", required=True, metavar="ID")
    d.add_argument("--out", default="rbm-docs-out", metavar="DIR")
    d.add_argument("--language")
    _cluster_args(d)
    d.set_defaults(func=run_docs)


def _cluster_args(p) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a running Dask scheduler (tcp://HOST:8786)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    p.add_argument("--memory-limit", default="3GB", help="LocalCluster memory per worker")


def _read(path: str):
    import dask.dataframe as dd

    from rbm_surveys.errors import FileFormatError

    try:
        if path.lower().endswith((".csv", ".csv.gz")) or "*" in path and ".csv" in path:
            return dd.read_csv(path, blocksize="64MB", assume_missing=True)
        return dd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise FileFormatError(f"cannot read the data ({exc})", file=path,
                              hint="give a Parquet file/folder or a CSV file/glob") from None


def run_estimate(args) -> int:
    from rbm_surveys.distributed import DaskDesign
    from rbm_surveys.distributed.cluster import close_client, connect
    from rbm_surveys.files import write_csv

    client = connect(args.scheduler, workers=args.workers, memory_limit=args.memory_limit)
    try:
        design = DaskDesign(_read(args.data), weights=args.weights, strata=args.strata,
                            ids=args.ids, fpc=args.fpc, nest=args.nest,
                            lonely_psu=args.lonely_psu)
        if args.replicate:
            design = design.replicate(args.replicate, replicates=args.replicates, seed=args.seed)
        bys = [None] + [b.split(",") if "," in b else b for b in args.by]
        table = design.table(args.vars, bys, statistic=args.statistic, ci=args.ci)
    finally:
        close_client(client)
    write_csv(table, args.out)
    print(f"{len(table)} estimates ({design.describe()}) written to {args.out}")
    return 0


def run_docs(args) -> int:
    from rbm_surveys.docs.batch import expand_paths, write_batch
    from rbm_surveys.distributed import score_paths_dask
    from rbm_surveys.distributed.cluster import close_client, connect

    client = connect(args.scheduler, workers=args.workers, memory_limit=args.memory_limit)
    try:
        result = score_paths_dask(expand_paths(args.paths), args.rubric, client=client,
                                  language=args.language)
    finally:
        close_client(client)
    write_batch(result, args.out)
    print(f"{len(result.documents)} documents scored, {len(result.failures)} failed; "
          f"results in {args.out}")
    for f in result.failures.itertuples():
        print(f"rbm: {f.document}: {f.message}", file=sys.stderr)
    return 0 if result.failures.empty else EXIT_SOME_FAILED
