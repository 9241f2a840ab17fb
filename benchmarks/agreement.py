"""Agreement benchmark: bootstrap intervals of κ, α and AC1, ours vs a per-replicate loop.

    python benchmarks/agreement.py                    # 200 documents x 12 criteria, 2000 reps
    python benchmarks/agreement.py --docs 50 --boot 500

Two reviewers code every (document, criterion) of a synthetic review (seeded). Both sides
compute the same bootstrap over documents with the same replicate draws:

* **ours** — :func:`rbm_surveys.review.agreement.agreement` internals: every statistic for all
  replicates at once from item weights (one matrix product per statistic);
* **peer** — the obvious loop: for each replicate, rebuild the resampled items and call
  scikit-learn's ``cohen_kappa_score`` and the ``krippendorff`` package's ``alpha``.

Rounds alternate ours / peer so load changes hit both alike; the script checks that both
gave the same replicate values (to 1e-9) and prints wall and CPU time per side, the ratio and
the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rbm_surveys.review.agreement import _Items, _statistics  # noqa: E402
from rbm_surveys.review.sheets import LEVELS  # noqa: E402


def synthetic(n_docs: int, n_crit: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_docs):
        for c in range(n_crit):
            truth = rng.choice(LEVELS[:3])
            for r in ("A", "B"):
                level = truth if rng.random() < 0.7 else rng.choice(LEVELS[:4])
                rows.append((f"{d:064x}", "r", f"c{c}", r, "confirm", level))
    codes = pd.DataFrame(rows, columns=["document_sha256", "rubric", "criterion", "reviewer",
                                        "decision", "final_level"])
    codes["item"] = codes["document_sha256"] + "/" + codes["criterion"]
    return codes


def ours(items: _Items, draws: np.ndarray) -> dict[str, np.ndarray]:
    stats = _statistics(items, draws[:, items.doc_index].astype(float))
    return {"kappa": stats["cohen_kappa"], "alpha": stats["krippendorff_alpha_nominal"]}


def peer(codes: pd.DataFrame, items: _Items, draws: np.ndarray) -> dict[str, np.ndarray]:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    code = {lv: i for i, lv in enumerate(LEVELS)}
    wide = codes.pivot(index="item", columns="reviewer", values="final_level")
    wide = wide.loc[sorted(wide.index)]
    a, b = wide["A"].to_numpy(), wide["B"].to_numpy()
    doc_of_item = items.doc_index
    kappas, alphas = [], []
    for w in draws:
        take = np.repeat(np.arange(len(doc_of_item)), w[doc_of_item])
        kappas.append(cohen_kappa_score(a[take], b[take], labels=list(LEVELS)))
        matrix = np.vstack([pd.Series(a[take]).map(code).to_numpy(float),
                            pd.Series(b[take]).map(code).to_numpy(float)])
        alphas.append(krippendorff.alpha(reliability_data=matrix,
                                         level_of_measurement="nominal"))
    return {"kappa": np.asarray(kappas), "alpha": np.asarray(alphas)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--criteria", type=int, default=12)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    codes = synthetic(args.docs, args.criteria)
    items = _Items(codes, ["A", "B"])
    n_docs = len(items.documents)
    draws = np.random.default_rng(2026).multinomial(n_docs, np.full(n_docs, 1 / n_docs),
                                                    size=args.boot)
    times = {"ours": [], "peer": []}
    results = {}
    for _ in range(args.rounds):
        for name in ("ours", "peer"):
            w0, c0 = time.perf_counter(), time.process_time()
            results[name] = ours(items, draws) if name == "ours" else peer(codes, items, draws)
            times[name].append((time.perf_counter() - w0, time.process_time() - c0))
    for stat in ("kappa", "alpha"):
        if not np.allclose(results["ours"][stat], results["peer"][stat], rtol=1e-9, atol=1e-12,
                           equal_nan=True):
            print(f"MISMATCH in {stat}", file=sys.stderr)
            return 1
    load = os.getloadavg()
    print(f"{args.docs} documents x {args.criteria} criteria, 2 reviewers, {args.boot} bootstrap "
          f"replicates over documents; {args.rounds} interleaved rounds; replicate values equal "
          f"(kappa, alpha) to 1e-9")
    for name, ts in times.items():
        wall = min(t[0] for t in ts)
        cpu = min(t[1] for t in ts)
        print(f"  {name:<5} best wall {wall:8.3f} s   cpu {cpu:8.3f} s")
    ratio = min(t[0] for t in times["peer"]) / min(t[0] for t in times["ours"])
    print(f"  peer / ours (wall): {ratio:.0f}x   load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
