"""Ingestion benchmark: read_export on a KoBo CSV and XLSX export, against bare readers.

    python benchmarks/ingest.py                 # 200,000 submissions x 300 columns
    python benchmarks/ingest.py --rows 20000    # quicker
    python benchmarks/ingest.py --modules 500000 --dir D   # the indicator benchmark's 4 exports

Generates a form (150 integer, 100 select_one, 10 select_multiple, 50 text questions) and one
export in each format (generation is not timed), then times each read in a fresh subprocess
(so no cache of an earlier read helps) and reports wall and CPU seconds, rows/s and that
process's peak RSS, with the 1-minute load average. Ours and the peers run interleaved,
round by round (``--rounds``), and the medians are compared. Peers on the same file:
pyarrow's typed CSV read (``pyarrow.csv.read_csv`` with integer, dictionary and string column
types, then ``to_pandas``), ``pandas.read_csv(dtype=str, engine="pyarrow")``, and bare
``python_calamine`` (``CalamineWorkbook.get_sheet_by_index(0).to_python()``) for the XLSX.
Every reader prints a checksum (rows, sum of one integer column, count of one select_one
choice, count of one select_multiple choice) and the run stops if ours differs from the peer.
Goals (issue 14): CSV CPU <= 1.2x pyarrow's typed read, peak memory <= 1.5x; XLSX <= 1.2x bare
calamine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_INT, N_SEL, N_SM, N_TXT = 150, 100, 10, 50
SM_CHOICES = ("water", "power", "road", "school", "clinic", "market")

_CHILD = r"""
import json, os, sys, time
kind, path, form = sys.argv[1], sys.argv[2], sys.argv[3]

def col(df, name):
    return df[next(c for c in df.columns if str(c).split("/")[-1] == name)]

def checksum(df):
    n0 = col(df, "n0")
    return [len(df), int(n0.astype("float64").sum()), int((col(df, "s0").astype(str) == "safe").sum()),
            int(col(df, "m0").astype(str).str.contains("water").sum())]

if kind == "read_export":
    from rbm_surveys.surveys.io import read_export, read_form
    cb = read_form(form)
    c0 = os.times(); t = time.perf_counter(); d = read_export(path, cb); secs = time.perf_counter() - t
    rows = len(d.main); check = checksum(d.main)
elif kind == "pyarrow_typed":
    import pyarrow as pa, pyarrow.csv as pcsv
    with open(path, encoding="utf-8") as fh:
        header = [h.strip('"') for h in fh.readline().rstrip("\r\n").split(";")]
    types = {h: (pa.int64() if h[:1] == "n" and h[1:].isdigit() else
                 pa.dictionary(pa.int32(), pa.string()) if h[:1] == "s" and h[1:].isdigit()
                 else pa.string()) for h in header}
    c0 = os.times(); t = time.perf_counter()
    df = pcsv.read_csv(path, parse_options=pcsv.ParseOptions(delimiter=";"),
                       convert_options=pcsv.ConvertOptions(column_types=types)).to_pandas()
    secs = time.perf_counter() - t; rows = len(df); check = checksum(df)
elif kind == "pandas_csv":
    import pandas as pd
    c0 = os.times(); t = time.perf_counter(); df = pd.read_csv(path, sep=";", dtype=str, engine="pyarrow"); secs = time.perf_counter() - t
    rows = len(df); check = checksum(df)
elif kind == "calamine":
    from python_calamine import CalamineWorkbook
    c0 = os.times(); t = time.perf_counter(); data = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    secs = time.perf_counter() - t; rows = len(data) - 1; check = None
# CPU seconds of all threads: steadier than wall time on a shared machine
c1 = os.times(); cpu = c1.user + c1.system - c0.user - c0.system
# VmHWM: this process's peak RSS (ru_maxrss would carry the parent's peak across exec)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"secs": secs, "cpu": cpu, "rows": rows, "peak_mb": int(hwm) / 1024, "check": check}))
"""


def make_form(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    s = wb.create_sheet("survey")
    s.append(["type", "name", "label"])
    s.append(["begin_group", "g", "Group"])
    for i in range(N_INT):
        s.append(["integer", f"n{i}", f"Number {i}"])
    for i in range(N_SEL):
        s.append(["select_one lk", f"s{i}", f"Scale {i}"])
    for i in range(N_SM):
        s.append(["select_multiple mk", f"m{i}", f"Services {i}"])
    for i in range(N_TXT):
        s.append(["text", f"t{i}", f"Text {i}"])
    s.append(["end_group", "", ""])
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", "label"])
    for k in ("very_safe", "safe", "unsafe", "very_unsafe", "dnk"):
        c.append(["lk", k, k.replace("_", " ")])
    for k in SM_CHOICES:
        c.append(["mk", k, k.title()])
    wb.save(path)


def make_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    cols: dict[str, np.ndarray] = {}
    ints = rng.integers(0, 100, size=(rows, N_INT)).astype(str)
    for i in range(N_INT):
        cols[f"n{i}"] = ints[:, i]
    opts = np.array(["very_safe", "safe", "unsafe", "very_unsafe", "dnk"])
    sel = opts[rng.integers(0, 5, size=(rows, N_SEL))]
    for i in range(N_SEL):
        cols[f"s{i}"] = sel[:, i]
    picks = rng.uniform(size=(rows, N_SM, len(SM_CHOICES))) < 0.35
    names = np.array(SM_CHOICES, dtype=object)
    for i in range(N_SM):   # KoBo's summary column: chosen names separated by spaces
        cols[f"m{i}"] = np.array([" ".join(names[r]) for r in picks[:, i, :]], dtype=object)
    words = np.array(["market", "bus stop", "school", "", "clinic road"])
    txt = words[rng.integers(0, 5, size=(rows, N_TXT))]
    for i in range(N_TXT):
        cols[f"t{i}"] = txt[:, i]
    df = pd.DataFrame(cols)
    df["_uuid"] = [f"uuid-{i}" for i in range(rows)]
    df["_submission_time"] = "2024-05-01T10:00:00"
    df["_index"] = np.arange(1, rows + 1).astype(str)
    return df


def write_csv(df: pd.DataFrame, path: Path) -> None:
    # KoBo modern CSV: ';', every field quoted, \r\n (reference §1.1)
    df.to_csv(path, sep=";", index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def write_xlsx(df: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.use_zip64()  # the sheet XML of 200k x 300 passes 4 GB
    ws = wb.add_worksheet("survey")
    ws.write_row(0, 0, list(df.columns))
    numeric = [c.startswith("n") or c == "_index" for c in df.columns]
    values = df.to_numpy()
    for r in range(len(df)):  # generation only; not timed
        row = values[r]
        ws.write_row(r + 1, 0, [int(v) if num else v for v, num in zip(row, numeric)])
    wb.close()


def run(kind: str, path: Path, form: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path), str(form)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--skip-xlsx", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    ap.add_argument("--dir", type=Path, default=None, help="keep generated files here")
    ap.add_argument("--modules", type=int, default=0, metavar="N",
                    help="instead: time the 4 indicator-module exports of benchmarks/indicators.py "
                         "with N respondents each (~27 columns; 500000 there)")
    args = ap.parse_args()
    if args.modules:
        return modules(args.modules, args.dir)
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="rbm_ingest_"))
    tmp.mkdir(parents=True, exist_ok=True)
    form = tmp / "form.xlsx"
    make_form(form)
    stamp = tmp / "rows.txt"  # reuse files generated for the same --rows in --dir
    reuse = stamp.exists() and stamp.read_text() == f"{args.rows} sm"
    df = None if reuse and (tmp / "export.csv").exists() else make_frame(args.rows)
    if df is not None:
        t = time.perf_counter()
        write_csv(df, tmp / "export.csv")
        stamp.write_text(f"{args.rows} sm")
        print(f"generated CSV {args.rows:,} x {df.shape[1]} in {time.perf_counter() - t:.1f}s", flush=True)
    print(f"CSV file: {(tmp / 'export.csv').stat().st_size / 1e6:.0f} MB", flush=True)
    print(f"\n{'round':>5s} {'reader':34s} {'rows':>9s} {'wall s':>7s} {'cpu s':>7s} "
          f"{'rows/s':>10s} {'peak MB':>8s} {'load 1m':>8s}", flush=True)
    readers = [("read_export csv", "read_export"), ("pyarrow typed csv", "pyarrow_typed"),
               ("pandas.read_csv(pyarrow, str)", "pandas_csv")]
    res = interleave(readers, tmp / "export.csv", form, args.rounds)
    ours, peer = res["read_export csv"], res["pyarrow typed csv"]
    cpu_ratio = ours["cpu"] / peer["cpu"]
    mem_ratio = ours["peak_mb"] / peer["peak_mb"]
    print(f"CSV (medians of {args.rounds} interleaved rounds): read_export / pyarrow typed read = "
          f"{cpu_ratio:.2f}x CPU (goal <= 1.2x: {'met' if cpu_ratio <= 1.2 else 'NOT met'}), "
          f"{ours['secs'] / peer['secs']:.2f}x wall, peak memory {mem_ratio:.2f}x "
          f"(goal <= 1.5x: {'met' if mem_ratio <= 1.5 else 'NOT met'}); "
          f"{ours['rows'] / ours['secs']:,.0f} rows/s", flush=True)
    if args.skip_xlsx:
        return
    xlsx = tmp / "export.xlsx"
    if not (reuse and xlsx.exists()):
        df = make_frame(args.rows) if df is None else df
        t = time.perf_counter()
        write_xlsx(df, xlsx.with_suffix(".part.xlsx"))
        xlsx.with_suffix(".part.xlsx").rename(xlsx)  # only a complete file is reused
        print(f"generated XLSX in {time.perf_counter() - t:.1f}s", flush=True)
    print(f"XLSX file: {xlsx.stat().st_size / 1e6:.0f} MB", flush=True)
    res = interleave([("read_export xlsx", "read_export"), ("python_calamine bare xlsx", "calamine")],
                     xlsx, form, args.rounds)
    x_ratio = res["read_export xlsx"]["cpu"] / res["python_calamine bare xlsx"]["cpu"]
    print(f"XLSX: read_export / bare python_calamine = {x_ratio:.2f}x CPU "
          f"(goal <= 1.2x: {'met' if x_ratio <= 1.2 else 'NOT met'})", flush=True)


def interleave(readers: list[tuple[str, str]], path: Path, form: Path, rounds: int) -> dict:
    """Run each reader once per round, in turn; medians per reader; checksums must agree."""
    runs: dict[str, list[dict]] = {label: [] for label, _ in readers}
    for r in range(1, rounds + 1):
        for label, kind in readers:
            out = run(kind, path, form)
            runs[label].append(out)
            print(f"{r:5d} {label:34s} {out['rows']:9,d} {out['secs']:7.2f} {out['cpu']:7.2f} "
                  f"{out['rows'] / out['secs']:10,.0f} {out['peak_mb']:8.0f} "
                  f"{os.getloadavg()[0]:8.2f}", flush=True)
    checks = {label: v[0]["check"] for label, v in runs.items() if v[0]["check"] is not None}
    if len({json.dumps(c) for c in checks.values()}) > 1:
        raise SystemExit(f"readers disagree on the data: {checks}")
    return {label: {k: float(np.median([o[k] for o in v])) for k in ("secs", "cpu", "rows",
                                                                      "peak_mb")}
            for label, v in runs.items()}


def modules(n: int, folder: Path | None) -> None:
    """read_export on each module export of the indicator benchmark, next to bare pyarrow."""
    sys.path.insert(0, str(Path(__file__).parent))
    from indicators import make_data

    folder = folder or Path(tempfile.mkdtemp(prefix="rbm_modules_"))
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "respondents.txt"
    if not (stamp.exists() and stamp.read_text() == str(n)):
        t = time.perf_counter()
        make_data(folder, n)
        stamp.write_text(str(n))
        print(f"generated 4 module exports x {n:,} in {time.perf_counter() - t:.1f}s", flush=True)
    names = ("tenure", "safety", "participation", "disability")
    print(f"\n{'module':14s} {'read_export s':>14s} {'bare pandas s':>14s} {'ratio':>6s} "
          f"{'rows/s':>10s} {'cpu ours':>9s} {'cpu bare':>9s} {'load 1m':>8s}", flush=True)
    tot = [0.0, 0.0]
    for m in names:
        ours = run("read_export", folder / f"{m}.csv", folder / f"{m}.xlsx")
        bare = run("pandas_csv", folder / f"{m}.csv", folder / f"{m}.xlsx")
        tot[0] += ours["secs"]
        tot[1] += bare["secs"]
        print(f"{m:14s} {ours['secs']:14.2f} {bare['secs']:14.2f} {ours['secs'] / bare['secs']:6.2f} "
              f"{ours['rows'] / ours['secs']:10,.0f} {ours['cpu']:9.2f} {bare['cpu']:9.2f} "
              f"{os.getloadavg()[0]:8.2f}", flush=True)
    print(f"{'all 4':14s} {tot[0]:14.2f} {tot[1]:14.2f} {tot[0] / tot[1]:6.2f}", flush=True)


if __name__ == "__main__":
    main()
