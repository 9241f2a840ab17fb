"""Raw tables from ODK Central's ``submissions.csv.zip`` (reference §2.1).

The zip holds ``{formId}.csv`` (root table), ``{formId}-{repeat}.csv`` per repeat (``~1``,
``~2`` when two repeats share a name), ``media/`` and ``{formId} - audit.csv``; only the
survey CSVs are read. Rows are linked by ``PARENT_KEY`` → parent ``KEY``; the contract's
``_index``/``_parent_index`` are derived from that link.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.errors import ExportMismatchError, FileFormatError
from rbm_surveys.surveys.io.frames import RawTable
from rbm_surveys.surveys.io.kobo import read_csv
from rbm_surveys.surveys.io.sniff import bounded_read, open_zip

__all__ = ["read_central_zip", "link_by_keys"]

_SUFFIX = re.compile(r"~\d+$")


def read_central_zip(path: Path, *, encoding: str | None = None, numeric=None
                     ) -> tuple[list[RawTable], list[str]]:
    """Main CSV first, then one raw table per repeat CSV (named by the repeat)."""
    warnings: list[str] = []
    with open_zip(path) as zf:
        names = [n for n in zf.namelist() if n.lower().endswith(".csv")
                 and not n.startswith(("media/", "__MACOSX")) and " - audit" not in n]
        if not names:
            raise FileFormatError("the zip holds no submission CSV", file=str(path),
                                  hint="download submissions.csv.zip from ODK Central again")
        stems = {n: n.rsplit("/", 1)[-1][:-4] for n in names}
        # the root table's name is a prefix of every repeat table's name
        main = min(names, key=lambda n: len(stems[n]))
        root = stems[main]
        tables: list[RawTable] = []
        for n in sorted(names, key=lambda n: (n != main, n)):
            if n != main and not stems[n].startswith(root + "-"):
                warnings.append(f"{path}: zip member {n!r} is not a table of {root!r}; skipped")
                continue
            table = "main" if n == main else _SUFFIX.sub("", stems[n][len(root) + 1:])
            raw, warn, _sep = read_csv(path, encoding=encoding, data=bounded_read(zf, n, path), name=table,
                                         numeric=numeric)
            raw.sheet = n
            if warn:
                warnings.append(warn.replace(str(path), f"{path} [{n}]"))
            tables.append(raw)
    return tables, warnings


def link_by_keys(tables: dict[str, pd.DataFrame], metas: dict[str, pd.DataFrame], *, file: str,
                 parents: dict[str, str] | None = None) -> None:
    """Fill ``_parent_index``/``_parent_table`` of repeat tables from ``PARENT_KEY`` → ``KEY``.

    ``parents`` (repeat → parent table, from the form) is used when known; otherwise the
    table whose ``KEY`` values hold the parent keys is found. Works in place on ``tables``.
    """
    # root rows: KEY equals meta/instanceID (uuid:…); repeat rows: KEY is a path
    key_index = {t: pd.Series(tables[t]["_index"].to_numpy(), index=metas[t]["KEY"].to_numpy())
                 for t in tables if "KEY" in metas.get(t, {})}
    for t in tables:
        if t == "main":
            continue
        m = metas.get(t, pd.DataFrame())
        if "PARENT_KEY" not in m:
            raise ExportMismatchError("repeat table has no PARENT_KEY column", file=file, table=t,
                                      column="PARENT_KEY",
                                      hint="export from ODK Central with its default options")
        pk = m["PARENT_KEY"]
        candidates = [parents[t]] if parents and t in parents else [c for c in key_index if c != t]
        best, best_hits = None, -1
        for c in candidates:
            if c not in key_index:
                continue
            idx = key_index[c]
            hits = int(pk.isin(idx.index).sum())
            if hits > best_hits:
                best, best_hits = c, hits
        if best is None or best_hits < pk.notna().sum():
            missing = int(pk.notna().sum() - max(best_hits, 0))
            raise ExportMismatchError(f"{missing} repeat row(s) whose PARENT_KEY matches no KEY",
                                      file=file, table=t, column="PARENT_KEY",
                                      hint="use the complete submissions.csv.zip of one download")
        idx = key_index[best]
        idx = idx[~idx.index.duplicated()]
        tables[t].insert(1, "_parent_index", pk.map(idx).astype("Int64").array)
        tables[t].insert(2, "_parent_table", pd.Series(np.full(len(pk), best), dtype="string"))
