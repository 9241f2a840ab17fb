"""The demo on bundled examples: both kinds of evidence down to the results framework.

1. Surveys: simulate → ingest → clean → weight → estimate → report. Everything is made on the
   spot from the package (seeded, so every run gives the same files): the four XLSForms, KoBo
   exports of a synthetic city population with known true values, the design files, census
   margins and a run configuration — then ``run_survey`` processes them exactly as it would a
   user's own exports (``rbm survey run <out>/inputs/config.yaml``).
2. Policy documents: the example plans, NDCs, laws and standards shipped in
   ``data/examples/documents`` are scored against their rubrics (as ``rbm docs score``), and a
   review workbook is written for a reviewer to confirm or override the proposals.
3. Framework: a smaller 2020 survey round of the same population (the baseline), this run's
   estimates and the documents' verdicts fill a monitoring register (SQLite) through the same
   ``rbm framework compute`` config a user would write (the baseline round's population is
   simulated with another seed: the change between rounds is synthetic); the review is
   simulated by confirming
   every proposal, labelled ``unreviewed — demo``. Progress against the path to the 2023
   targets is printed, the register exported (Excel, SDMX-CSV, long CSV) and the partners'
   site published (``<out>/site/index.html``).
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

    _demo_documents(out_dir / "documents")
    baseline = _demo_baseline_round(out_dir)
    _demo_framework(out_dir / "framework", baseline, Path(run.outputs["csv"]),
                    out_dir / "documents")
    return 0


#: Example documents by the rubric that scores them (file names start with the prefix).
_DOCUMENT_RUBRICS = {"igutp": "igutp", "ndc": "ndc_urban", "sdg5a2": "sdg5a2",
                     "dec": "decentralization_basic_services", "aqg": "who_aqg"}
REPORTING_YEAR = 2022


def _demo_baseline_round(out_dir: Path) -> Path:
    """A smaller, earlier survey round: the baseline the framework leaves to each location
    (…因项目（或地点）而异). Simulated with another seed, so its synthetic population differs
    from the reporting round's: the change between rounds is made up, only the method is real."""
    from rbm_surveys.surveys.indicators.pipeline import load_config, run_survey
    from rbm_surveys.surveys.indicators.simulate import write_example

    inputs = out_dir / "baseline_round" / "inputs"
    files = write_example(inputs, seed=SEED + 1, ea_per_stratum=6, per_ea=12)
    cfg = load_config(files["config"])
    cfg["output"] = out_dir / "baseline_round" / "results"
    run = run_survey(cfg)
    print(f"\nBaseline round ({BASELINE_YEAR}; a smaller sample of a population simulated with "
          f"seed {SEED + 1}, so the change between rounds is synthetic): {run.outputs['csv']}")
    return Path(run.outputs["csv"])


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


#: Which (invented) partner each example document belongs to, for the demo register.
_DEMO_PARTNERS = {
    "igutp_en_riverton_plan.txt": "Capital", "igutp_es_plan_ordenamiento.txt": "Port",
    "igutp_fr_schema_directeur.txt": "Lake Town", "igutp_zh_master_plan.txt": "Hill",
    "ndc_en_updated_ndc.txt": "Riverland", "ndc_es_contribucion.txt": "Lakeland",
    "sdg5a2_en_land_act.txt": "Riverland", "sdg5a2_fr_code_foncier.txt": "Lakeland",
    "dec_en_local_government_act.txt": "Riverland", "dec_zh_local_governance.txt": "Lakeland",
    "aqg_en_national_standards.txt": "Riverland", "aqg_zh_standard.txt": "Lakeland",
}
BASELINE_YEAR = 2020


def _demo_review(verdicts_csv: Path, out: Path) -> Path:
    """The demo's stand-in for a human review: every proposal confirmed as it is, each row
    labelled ``unreviewed — demo`` so nothing downstream mistakes it for a reviewed verdict."""
    import pandas as pd

    from rbm_surveys.files import write_csv

    v = pd.read_csv(verdicts_csv, dtype=str, keep_default_na=False)
    final = v[["document", "document_sha256", "rubric", "rubric_version", "criterion"]].copy()
    final["proposed_level"] = v["level"]
    final["final_level"] = v["level"]
    final["status"] = "unreviewed — demo"
    final["changed"] = False
    return write_csv(final, out, lineterminator="\n")


def _demo_framework(out_dir: Path, baseline_results: Path, results: Path,
                    documents: Path) -> None:
    """Fill a monitoring register (two survey rounds, the documents' verdicts), print progress
    and publish the partners' site."""
    import yaml

    from rbm_surveys.files import write_text
    from rbm_surveys.framework import bottlenecks
    from rbm_surveys.framework.compute import compute, load_compute_config, register_progress
    from rbm_surveys.framework.export import export
    from rbm_surveys.register import Register
    from rbm_surveys.report.site import write_site

    final = _demo_review(documents / "verdicts.csv", out_dir / "final_verdicts_demo.csv")
    cities = {"capital": "Capital", "port": "Port", "hill": "Hill"}
    config = {
        "programme": "rbm demo programme",
        "register": "register.sqlite",
        "partners": [{"country": "Riverland", "code": "RL", "cities": list(cities.values())},
                     {"country": "Lakeland", "code": "LL", "cities": ["Lake Town"]}],
        "surveys": [{"results": str(baseline_results), "year": BASELINE_YEAR,
                     "location": "Riverland", "locations_from": "city",
                     "locations": dict(cities)},
                    {"results": str(results), "year": REPORTING_YEAR, "location": "Riverland",
                     "locations_from": "city", "locations": dict(cities)}],
        "documents": [{"verdicts": final.name, "year": REPORTING_YEAR,
                       "partners": dict(_DEMO_PARTNERS), "include_unreviewed": True,
                       "evidence": str(documents / "evidence.jsonl")}],
        "local_targets": [{"framework_id": "RF0585", "location": c, "target_2023": 0.6}
                          for c in cities.values()],
    }
    cfg_path = write_text(out_dir / "config.yaml", yaml.safe_dump(config, allow_unicode=True,
                                                                   sort_keys=False))
    reg_path = out_dir / "register.sqlite"
    if reg_path.exists():
        reg_path.unlink()  # the demo starts a fresh register each run
    cfg, base = load_compute_config(cfg_path)
    summary = compute(cfg, base)
    with Register.open(reg_path) as reg:
        table = register_progress(reg)
        files = export(reg, out_dir / "export")
        index = write_site(reg, out_dir.parent / "site")
    print(f"\nResults framework (UN-Habitat 2020–2023): register {reg_path}")
    print(f"  {summary.survey_values} survey values (rounds {BASELINE_YEAR} and "
          f"{REPORTING_YEAR}; Riverland and its three cities, never pooled across cities), "
          f"{summary.partners_meeting_rules} partner(s) meeting a document rule "
          "(demo review: proposals auto-confirmed, labelled 'unreviewed — demo')")
    latest = table.sort_values("year").groupby(["framework_id", "location"]).tail(1)
    for r in latest.sort_values(["framework_id", "location"]).itertuples(index=False):
        scale = "%" if r.value <= 1 and r.target_basis == "level" and r.se == r.se else ""
        shown = f"{r.value:.1%}" if scale else f"{r.value:g}"
        print(f"  {r.framework_id} {r.title_en[:44]:<44} {r.location[:18]:<18} {r.year} "
              f"{shown:>6}  {r.status}")
    off = bottlenecks(table)
    print(f"  bottlenecks: {len(off)} indicator value(s) off track")
    print(f"  progress  rbm framework progress --register {reg_path}")
    print(f"  export    {files['xlsx']}, {files['sdmx']}, {files['csv']}")
    print(f"  re-run    rbm framework compute {cfg_path}")
    print(f"\nPartners' site: {index.resolve().as_uri()}  (open it in a browser; works offline)")
