"""Cleaning steps vs the plain pandas calls a script would use instead, same data, same run.

The peers do less (no conflict detection, no repeat cascade, no reasons, no issue report);
the ratio says what that bookkeeping costs. ``withhold_personal`` is compared with the usual
script: ``hmac.new`` once per distinct id, mapped back. Usage:
python benchmarks/bench_cleaning.py [ROWS]
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd

from rbm_surveys.surveys import clean as C
from rbm_surveys.surveys import privacy as P
from rbm_surveys.surveys.data import SurveyData

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
rng = np.random.default_rng(1)


def make() -> SurveyData:
    n_sel, n_int = 12, 6
    cols = {"_index": np.arange(1, N + 1)}
    safe = np.array(["very_safe", "safe", "unsafe", "very_unsafe", "dnk", "pnta"])
    for j in range(n_sel):
        cols[f"s{j}"] = pd.array(safe[rng.integers(0, 6, N)], dtype="string")
    for j in range(n_int):
        raw = rng.integers(0, 90, N).astype(str).astype(object)
        raw[rng.random(N) < 0.001] = "abc"
        cols[f"i{j}"] = pd.array(raw, dtype="string")
    cols["d0"] = pd.array(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, N),
                                                                        "D")).astype(str)
    main = pd.DataFrame(cols)
    ids = np.arange(N).astype(str).astype(object)
    dup = rng.random(N) < 0.02
    ids[dup] = ids[np.flatnonzero(dup) - 1]  # copies of the previous row's id
    main.loc[dup, main.columns[1:]] = main.shift(1).loc[dup, main.columns[1:]].to_numpy()
    meta = pd.DataFrame({"_uuid": ids, "_validation_status": np.where(
        rng.random(N) < 0.01, "validation_status_not_approved", "")})
    fields = pd.DataFrame({"name": [f"s{j}" for j in range(n_sel)] + [f"i{j}" for j in range(n_int)]
                           + ["d0"], "type": ["select_one"] * n_sel + ["integer"] * n_int + ["date"],
                           "list_name": ["safe"] * n_sel + [None] * (n_int + 1)})
    choices = pd.DataFrame({"list_name": "safe", "name": safe})
    cb = SimpleNamespace(fields=fields, choices=choices)
    return SurveyData(tables={"main": main}, codebook=cb, meta={"main": meta})


def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


SALT = b"benchmark-salt-0123456789abcdef"


def peer_pseudonyms(ids: pd.Series) -> pd.Series:
    text = ids.astype("string").str.removeprefix("uuid:")
    table = {v: hmac.new(SALT, v.encode(), hashlib.sha256).hexdigest()[:16]
             for v in text.dropna().unique()}
    return text.map(table)


data = make()
main, meta = data.main, data.meta["main"]
sel = [c for c in main if c.startswith("s")]
ints = [c for c in main if c.startswith("i")]
rows = [
    ("drop_duplicates", best(lambda: C.drop_duplicates(data)),
     "DataFrame.drop_duplicates", best(lambda: main.assign(_id=meta["_uuid"]).drop_duplicates(
         subset=["_id", *main.columns[1:]]))),
    ("exclude_status", best(lambda: C.exclude_status(data)),
     "boolean filter", best(lambda: main[meta["_validation_status"].to_numpy()
                                         != "validation_status_not_approved"])),
    ("declare_missing", best(lambda: C.declare_missing(data)),
     "mask(isin(codes))", best(lambda: main[sel].mask(main[sel].isin(["dnk", "pnta"])))),
    ("withhold_personal", best(lambda: P.withhold_personal(data, salt=SALT)),
     "hmac.new per distinct id", best(lambda: peer_pseudonyms(meta["_uuid"]))),
    ("coerce_types", best(lambda: C.coerce_types(data)),
     "to_numeric/to_datetime", best(lambda: (main[ints].apply(pd.to_numeric, errors="coerce"),
                                             pd.to_datetime(main["d0"], errors="coerce")))),
]
print(f"rows={N}, columns={main.shape[1]} (pandas {pd.__version__}); best of 3, seconds")
print(f"{'step':18s} {'rbm':>8s}   {'peer':26s} {'peer s':>8s} {'ratio':>7s}")
for step, t, peer, tp in rows:
    print(f"{step:18s} {t:8.3f}   {peer:26s} {tp:8.3f} {t / tp:7.1f}x")
t_all = best(lambda: C.run_cleaning(data), repeat=1)
print(f"run_cleaning (all steps): {t_all:.3f} s = {N / t_all:,.0f} rows/s")
