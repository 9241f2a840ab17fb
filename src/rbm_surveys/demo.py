"""The demo on bundled examples: both kinds of evidence down to the results framework.

1. Surveys: simulate → ingest → clean → weight → estimate → report. Everything is made on the
   spot from the package (seeded, so every run gives the same files): the four XLSForms, KoBo
   exports of a synthetic city population with known true values, the design files, census
   margins and a run configuration — then ``run_survey`` processes them exactly as it would a
   user's own exports (``rbm survey run <out>/inputs/config.yaml``).
2. Policy documents: the example plans, NDCs, laws and standards shipped in
   ``data/examples/documents`` are scored against their rubrics (as ``rbm docs score``), and a
   review workbook is written for a reviewer to confirm or override the proposals.
3. Framework: survey estimates and document verdicts are reduced to indicator values of the
   UN-Habitat 2020–2023 results framework and compared with its baselines and targets.
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

    summaries = _demo_documents(out_dir / "documents")
    _demo_framework(out_dir / "framework", run.results, summaries)
    return 0


#: Example documents by the rubric that scores them (file names start with the prefix).
_DOCUMENT_RUBRICS = {"igutp": "igutp", "ndc": "ndc_urban", "sdg5a2": "sdg5a2",
                     "dec": "decentralization_basic_services", "aqg": "who_aqg"}
REPORTING_YEAR = 2022


def _demo_documents(out_dir: Path):
    """Score the bundled example documents; write verdicts, evidence and a review workbook."""
    from importlib import resources

    import pandas as pd

    from rbm_surveys.docs.batch import score_paths, write_batch
    from rbm_surveys.review import write_review_workbook

    folder = resources.files("rbm_surveys").joinpath("data", "examples", "documents")
    paths = sorted(str(p) for p in folder.iterdir() if p.name.endswith(".txt"))
    print(f"\nPolicy documents: scoring {len(paths)} example documents against "
          f"{len(_DOCUMENT_RUBRICS)} rubrics")
    verdicts, evidence, summaries = [], [], []
    for prefix, rubric in _DOCUMENT_RUBRICS.items():
        group = [p for p in paths if Path(p).name.startswith(prefix + "_")]
        result = score_paths(group, [rubric], jobs=1)
        verdicts.append(result.verdicts)
        evidence += result.evidence
        summaries += result.summaries
        for sm in result.summaries:
            passed = {True: "passes", False: "does not pass", None: "undetermined"}[
                sm.get("indicator_pass")]
            band = f", band {sm['band']}" if sm.get("band") not in ("", None) else ""
            print(f"  {Path(sm['document']).name:<36} {rubric:<32} score "
                  f"{sm['score']:g}/{sm['score_max']:g}{band}: {passed}")
    from rbm_surveys.docs.batch import BatchResult

    batch = BatchResult(verdicts=pd.concat(verdicts, ignore_index=True), evidence=evidence,
                        documents=pd.DataFrame(), failures=pd.DataFrame(), summaries=summaries)
    files = write_batch(batch, out_dir)
    review = write_review_workbook(batch.verdicts, evidence, out_dir / "review-reviewer.xlsx",
                                   reviewer="reviewer")
    print(f"  verdicts  {files['verdicts.csv']}\n  evidence  {files['evidence.jsonl']}")
    print(f"  review    {review} (fill it in, then: rbm review import {review} "
          f"--verdicts {files['verdicts.csv']})")
    return pd.DataFrame(summaries)


def _demo_framework(out_dir: Path, results, summaries) -> None:
    """Reduce to framework indicator values and compare with baselines and targets."""
    import pandas as pd

    from rbm_surveys.framework import progress, read_framework, reduce_survey, reduce_verdicts

    framework = read_framework()
    values = pd.concat([reduce_survey(results, REPORTING_YEAR, location="demo city"),
                        reduce_verdicts(summaries, REPORTING_YEAR)], ignore_index=True)
    table = progress(values, framework)
    from rbm_surveys.files import write_csv

    path = write_csv(table, out_dir / "progress.csv", lineterminator="\n")
    print(f"\nResults framework (UN-Habitat 2020–2023), reporting year {REPORTING_YEAR} "
          "(document counts cover the example documents only; survey shares are one city's):")
    for r in table.itertuples(index=False):
        shown = f"{r.value:.1%}" if r.value <= 1 and r.se == r.se else f"{r.value:g}"
        target = "" if r.target != r.target else f" target {r.target:g}"
        print(f"  {r.framework_id} {r.indicator[:34]:<34} value {shown:>6}{target:<12} {r.status}")
    print(f"  progress  {path}")
