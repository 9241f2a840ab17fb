"""Fuzz every reader of user files; only RbmError may come out (issue 10).

Mutates the seed corpus of each reader (tests/fuzz/harness.py) and feeds the inputs to the
public readers — survey exports (CSV, XLSX, ODK zip, SPSS, Stata), XLSForms, documents (PDF,
DOCX, HTML, TXT), review workbooks and YAML configurations. Any other exception is a
finding: the input is saved under ``--found`` (default tests/fuzz/found/) with a note, to be
fixed and kept in tests/fuzz/corpus/ as a regression input.

    PYTHONPATH=src:tests nice python scripts/fuzz.py --runs 100000 [--reader export_csv ...]
    PYTHONPATH=src:tests nice python scripts/fuzz.py --seconds 600   # time budget per reader

Prints, per reader: inputs run, inputs per second, distinct findings (exception type and
the innermost frame of the repository).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this file is scripts/fuzz.py: keep its folder off the path so `fuzz` is tests/fuzz
sys.path[:] = [str(ROOT / "src"), str(ROOT / "tests")] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from fuzz.harness import READERS, mutate, run_one, seeds  # noqa: E402


def _signature(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "rbm_surveys" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def fuzz(reader: str, runs: int, seconds: float, seed: int, found: Path) -> dict:
    """Run one reader's harness; returns counts and findings."""
    rng = random.Random(seed)
    pool = seeds(reader)
    findings: dict[str, int] = {}
    n = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        while n < runs and time.perf_counter() - t0 < seconds:
            data = mutate(rng.choice(pool), rng, pool)
            exc = run_one(reader, data, tmpdir)
            n += 1
            if exc is not None:
                sig = _signature(exc)
                if sig not in findings:
                    found.mkdir(parents=True, exist_ok=True)
                    name = f"{reader}-{hashlib.sha1(data).hexdigest()[:10]}"
                    (found / f"{name}.bin").write_bytes(data)
                    (found / f"{name}.txt").write_text(
                        f"{reader}: {sig}\n\n" + "".join(traceback.format_exception(exc)))
                    print(f"  {reader}: NEW {sig}: {str(exc)[:160]}", flush=True)
                findings[sig] = findings.get(sig, 0) + 1
    wall = time.perf_counter() - t0
    return {"reader": reader, "inputs": n, "seconds": wall, "findings": findings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=100_000, help="inputs per reader")
    ap.add_argument("--seconds", type=float, default=float("inf"), help="time budget per reader")
    ap.add_argument("--reader", nargs="*", choices=READERS, default=list(READERS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--found", type=Path, default=ROOT / "tests" / "fuzz" / "found")
    args = ap.parse_args()
    total = 0
    for reader in args.reader:
        r = fuzz(reader, args.runs, args.seconds, args.seed, args.found)
        total += sum(r["findings"].values())
        print(f"{reader:<16} {r['inputs']:>8} inputs in {r['seconds']:7.0f} s "
              f"({r['inputs'] / max(r['seconds'], 1e-9):6.1f}/s), "
              f"{len(r['findings'])} distinct finding(s), {sum(r['findings'].values())} input(s)",
              flush=True)
        for sig, count in r["findings"].items():
            print(f"    {count:>6} x {sig}", flush=True)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
