"""Benchmark: all four modules' indicators with their disaggregations on 500,000 respondents.

    python benchmarks/indicators.py [--n 500000] [--variance calibrated|fixed]

Data: the package's synthetic city, every adult answering (minus sex/age-dependent
non-response), written as four KoBo CSV exports (``;``, all quoted, as KoBo writes them),
one design file per module and census margins. Timed stages of ``run_survey``: ingest
(read_export + cleaning + withholding personal columns + design join), weight (raking to sex,
age group and city margins), estimate (every indicator × disaggregation through ``SurveyDesign``, Taylor SEs
with the raking residuals), write
(CSV + workbook). Peers on the same data in the same run: pandas ``read_csv`` (raw ingest),
``ipfn`` (raking the same margins), ``samplics`` TaylorEstimator (one indicator by sex).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def make_data(folder: Path, n_target: int, seed: int = 5) -> tuple[dict, pd.DataFrame]:
    import yaml

    from rbm_surveys.surveys.indicators.forms import write_form
    from rbm_surveys.surveys.indicators.simulate import (MODULE_ITEMS, census_margins,
                                                         draw_sample, simulate_population,
                                                         write_kobo_export)
    from rbm_surveys.surveys.indicators.spec import bundled_spec_paths

    pop = simulate_population(int(n_target * 1.25), seed)
    sample = draw_sample(pop, seed + 1, ea_per_stratum=10**6, per_ea=10**6, nonresponse=True)
    sample = sample.iloc[:n_target].copy()
    mods = []
    for i, module in enumerate(MODULE_ITEMS):
        export = write_kobo_export(sample, module, folder / f"{module}.csv", seed + i)
        form = write_form(module, folder / f"{module}.xlsx")
        design = folder / f"design_{module}.csv"
        (sample.groupby("ea", as_index=False)
         .agg(stratum=("stratum", "first"), base_weight=("base_weight", "first"))
         .to_csv(design, index=False))
        mods.append({"name": module, "form": form.name, "export": export.name,
                     "design": design.name, "spec": str(bundled_spec_paths()[module])})
    m = census_margins(pop)
    doc = {"margins": {v: {str(c): int(t) for c, t in zip(g["category"], g["population"])}
                       for v, g in m.groupby("variable", sort=False)}}
    (folder / "margins.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    cfg = {"modules": mods, "design": {"join": "ea", "weights": "base_weight",
                                       "strata": "stratum", "ids": "ea"},
           "margins": "margins.yaml", "personal": ["respondent_name", "phone"],
           "output": "results"}
    (folder / "config.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return cfg, sample


def peers(folder: Path, sample: pd.DataFrame, margins: dict) -> dict[str, float]:
    out = {}
    t = time.perf_counter()
    pd.read_csv(folder / "safety.csv", sep=";", dtype=str)
    out["pandas read_csv (1 export, raw text)"] = time.perf_counter() - t
    try:
        from ipfn import ipfn

        from rbm_surveys.surveys.indicators.derive import age_groups

        df = sample.assign(age_group=age_groups(sample, "age", [18, 25, 35, 50, 65]),
                           total=sample["base_weight"])[["sex", "age_group", "city", "total"]]
        aggs = [pd.Series(margins[v]).rename_axis(v) for v in ("sex", "age_group", "city")]
        t = time.perf_counter()
        ipfn.ipfn(df.copy(), aggs, [["sex"], ["age_group"], ["city"]], convergence_rate=1e-7,
                  max_iteration=100).iteration()
        out["ipfn rake (1 module)"] = time.perf_counter() - t
    except Exception as exc:  # peer missing or failing: say so, do not hide
        print(f"  ipfn peer skipped: {exc}", file=sys.stderr)
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from samplics.estimation import TaylorEstimator
            from samplics.utils.types import PopParam

        y = sample["safe_night"].isin(["very_safe", "safe"]).astype(float).to_numpy()
        t = time.perf_counter()
        est = TaylorEstimator(PopParam.mean)
        est.estimate(y=y, samp_weight=sample["base_weight"].to_numpy(),
                     stratum=sample["stratum"].to_numpy(), psu=sample["ea"].to_numpy(),
                     domain=sample["sex"].to_numpy(), remove_nan=True)
        out["samplics Taylor proportion by sex (1 indicator)"] = time.perf_counter() - t
    except Exception as exc:
        print(f"  samplics peer skipped: {exc}", file=sys.stderr)
    return out


def ours_one_indicator(sample: pd.DataFrame) -> float:
    """The same indicator by sex through the pipeline's estimation path (SurveyDesign)."""
    from rbm_surveys.surveys.indicators.run import make_design

    t = time.perf_counter()
    frame = sample[["base_weight", "stratum", "ea", "sex"]].assign(
        y=sample["safe_night"].isin(["very_safe", "safe"]).astype(float))
    make_design(frame, "base_weight", "stratum", "ea").proportion("y", by="sex", ci="logit")
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500_000)
    ap.add_argument("--variance", choices=["calibrated", "fixed"], default="calibrated")
    args = ap.parse_args()
    import yaml

    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        _, sample = make_data(folder, args.n)
        print(f"setup: {len(sample):,} respondents x 4 modules written in "
              f"{time.perf_counter() - t:.1f} s (not timed below)")
        cfg = load_config(folder / "config.yaml")
        cfg["variance"] = args.variance
        t = time.perf_counter()
        run = run_survey(cfg)
        total = time.perf_counter() - t
        stages = {k: v for k, v in run.timings.items() if ":" not in k}
        detail = {k: v for k, v in run.timings.items() if ":" in k}
        print(f"rbm_surveys run_survey ({args.variance} variance): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items())
              + f"; total {total:.2f} s; {len(run.results):,} estimates")
        print("  ingest detail: " + ", ".join(f"{k.split(': ')[1]} {v:.2f} s"
                                              for k, v in detail.items()))
        margins = yaml.safe_load((folder / "margins.yaml").read_text())["margins"]
        ours_ingest = run.timings["ingest"] / 4
        ours_weight = run.timings["weight"] / 4
        ours_est = ours_one_indicator(sample)
        for name, sec in peers(folder, sample, margins).items():
            mine = {"pandas": ours_ingest, "ipfn": ours_weight, "samplics": ours_est}[name.split()[0]]
            what = {"pandas": "ingest of 1 module (read_export + cleaning + privacy + join)",
                    "ipfn": "weight stage of 1 module (derive + design + rake + rake stats)",
                    "samplics": "same indicator by sex"}[name.split()[0]]
            print(f"  peer {name}: {sec:.2f} s; rbm_surveys {what}: {mine:.2f} s; "
                  f"ratio peer/ours {sec / mine:.1f}")


if __name__ == "__main__":
    main()
