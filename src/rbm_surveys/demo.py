"""The demo pipeline on bundled examples: simulate → ingest → clean → weight → estimate → report.

Everything is made on the spot from the package (seeded, so every run gives the same files):
the four XLSForms, KoBo exports of a synthetic city population with known true values, the
design files, census margins and a run configuration — then ``run_survey`` processes them
exactly as it would a user's own exports (``rbm survey run <out>/inputs/config.yaml``).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["run_demo"]

SEED = 2026


def _codebook_summary(name: str, data) -> str:
    """A few lines about one loaded export: rows, questions by type, languages, missing."""
    main = data.main
    cb = data.codebook
    lines = [f"  {name}: {len(main)} submissions, {main.shape[1]} analysis columns "
             f"({len(data.personal_columns)} personal column(s) withheld: "
             f"{', '.join(data.personal_columns) or 'none'})"]
    if cb is not None:
        summ = cb.summary()
        types = summ["type"].value_counts()
        lines.append("    questions by type: " + ", ".join(f"{t} {n}" for t, n in types.items()))
        lines.append(f"    languages: {', '.join(cb.languages)}; form version {cb.version}")
    reasons = data.reasons.get("main")
    if reasons is not None and len(reasons.columns):
        counts = reasons.stack().value_counts()
        lines.append("    declared missing answers: " +
                     ", ".join(f"{r} {n}" for r, n in counts.items()))
    return "\n".join(lines)


def run_demo(out: str) -> int:
    import pandas as pd

    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey
    from rbm_surveys.surveys.indicators.simulate import write_example

    out_dir = Path(out)
    inputs = out_dir / "inputs"
    print(f"rbm demo: simulating a city of ~60,000 adults and four survey modules (seed {SEED})")
    files = write_example(inputs, seed=SEED)
    cfg = load_config(files["config"])
    cfg["output"] = out_dir / "results"
    run = run_survey(cfg)
    print("\nCodebook of the loaded example exports:")
    for name, data in run.data.items():
        print(_codebook_summary(name, data))
    truth = pd.read_csv(inputs / "truth.csv")
    overall = run.results[run.results["disaggregation"] == "all"].merge(
        truth, on=["module", "indicator", "category", "disaggregation", "level"], how="left")
    print("\nHeadline estimates (whole city, adults 18+) against the simulated truth:")
    for r in overall.itertuples(index=False):
        label = r.indicator + (f" [{r.category}]" if isinstance(r.category, str) else "")
        hit = "yes" if r.ci_low <= r.true_value <= r.ci_high else "no"
        print(f"  {label:<38} {r.estimate:6.1%}  95% CI {r.ci_low:6.1%}–{r.ci_high:6.1%}"
              f"  truth {r.true_value:6.1%}  covered {hit}  n={r.n}")
    t = run.timings
    print("\nStages (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()
                                           if ":" not in k))
    print("\nResults:")
    print(f"  workbook  {run.outputs['xlsx']}")
    print(f"  tidy CSV  {run.outputs['csv']}")
    print(f"  inputs    {inputs} (run again with: rbm survey run {files['config']})")
    return 0
