"""Overhead of reading SPSS/Stata files in a child process (rbm_surveys.safety.run_guarded).

pyreadstat's C reader can segfault on a corrupt file, so rbm_surveys reads .sav/.dta in a
forked child and pickles the table back. This script measures what that costs on normal
files: direct ``pyreadstat.read_sav`` vs the guarded read, interleaved round by round, with
a check that both give the same table. Prints wall and CPU time (parent + children) and load.

    PYTHONPATH=src python benchmarks/native_guard.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from rbm_surveys.surveys.io.stats_files import _read_native
from rbm_surveys.safety import run_guarded


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _make(folder: Path, rows: int) -> Path:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({f"q{i}": rng.integers(1, 6, rows).astype(float) for i in range(30)})
    df["name"] = [f"text {i}" for i in range(rows)]
    path = folder / f"s{rows}.sav"
    pyreadstat.write_sav(df, str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (1_000, 100_000):
            path = _make(Path(tmp), rows)
            times: dict[str, list[tuple[float, float]]] = {"direct": [], "guarded": []}
            for _ in range(args.rounds):
                for name in ("direct", "guarded"):
                    w0, c0 = time.perf_counter(), _cpu()
                    if name == "direct":
                        df, _ = pyreadstat.read_sav(str(path), user_missing=True)
                    else:
                        df2, _ = run_guarded(_read_native, str(path), "sav", file=str(path),
                                             what="SPSS reader")
                    times[name].append((time.perf_counter() - w0, _cpu() - c0))
            pd.testing.assert_frame_equal(df, df2)
            d = np.median([t[0] for t in times["direct"]])
            g = np.median([t[0] for t in times["guarded"]])
            dc = np.median([t[1] for t in times["direct"]])
            gc = np.median([t[1] for t in times["guarded"]])
            print(f"{rows:>7} rows x 31 cols ({path.stat().st_size / 1e6:.1f} MB): direct "
                  f"{d * 1e3:.1f} ms wall / {dc * 1e3:.0f} ms CPU, guarded {g * 1e3:.1f} ms wall / "
                  f"{gc * 1e3:.0f} ms CPU; overhead {(g - d) * 1e3:.1f} ms ({g / d:.2f}x)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
