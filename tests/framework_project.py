"""A small monitoring project on disk for the framework tests: two survey rounds in the format
`rbm survey run` writes, reviewed verdicts as `rbm review import` writes them, evidence JSONL and
a compute config."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from rbm_surveys.docs.rubric import load_rubric

__all__ = ["make_project"]


def _results(estimates: dict[str, float]) -> pd.DataFrame:
    """A survey run's tidy table: one linked indicator, whole sample, cities and sex."""
    rows = []
    for (dis, lev), est in estimates.items():
        suppressed = est is None
        rows.append({"module": "tenure", "indicator": "sdg_1_4_2b", "title": "SDG 1.4.2b",
                     "category": "", "disaggregation": dis, "level": lev,
                     "estimate": None if suppressed else est,
                     "se": None if suppressed else 0.02,
                     "ci_low": None if suppressed else est - 0.04,
                     "ci_high": None if suppressed else est + 0.04, "n": 12 if suppressed else 300,
                     "suppressed": suppressed, "flag": ""})
    # a distribution row (category set) is never a framework value
    rows.append({**rows[0], "indicator": "sdg_1_4_2b", "category": "yes"})
    return pd.DataFrame(rows)


def _final(document: str, rubric: str, n_present: int, status: str) -> pd.DataFrame:
    ids = [c.id for c in load_rubric(rubric).criteria]
    levels = ["present"] * n_present + ["absent"] * (len(ids) - n_present)
    return pd.DataFrame({"document": f"/docs/{document}", "document_sha256": document[0] * 64,
                         "rubric": rubric, "rubric_version": "1.0.0", "criterion": ids,
                         "proposed_level": "absent", "final_level": levels, "status": status,
                         "changed": True})


def make_project(tmp_path: Path) -> Path:
    """Write the project into ``tmp_path``; returns it."""
    _results({("all", "all"): 0.40, ("city", "north"): 0.45, ("city", "south"): 0.35,
              ("sex", "female"): 0.38, ("sex", "male"): None}).to_csv(
        tmp_path / "r2020.csv", index=False)
    _results({("all", "all"): 0.47, ("city", "north"): 0.55, ("city", "south"): 0.39,
              ("sex", "female"): 0.46, ("sex", "male"): 0.48}).to_csv(
        tmp_path / "r2022.csv", index=False)
    pd.concat([_final("a_plan.txt", "igutp", 7, "reviewed"),
               _final("b_plan.txt", "igutp", 8, "unreviewed"),
               _final("c_plan.txt", "igutp", 3, "adjudicated"),
               _final("d_plan.txt", "igutp", 6, "adjudicated")]).to_csv(
        tmp_path / "final_verdicts.csv", index=False)
    (tmp_path / "evidence.jsonl").write_text(json.dumps({
        "document_sha256": "a" * 64, "rubric": "igutp", "criterion": "a1_shared_vision",
        "page": 1, "start": 11, "end": 24, "passage": "We share a shared vision of 2040.",
        "passage_start": 0, "passage_end": 33, "vetoed": False}) + "\n", encoding="utf-8")
    config = {
        "programme": "Test programme",
        "partners": [{"country": "Kenya", "code": "KE", "cities": ["North", "South"]},
                     {"country": "Peru", "cities": ["Lima"]}],
        "surveys": [{"results": f"r{y}.csv", "year": y, "location": "Kenya",
                     "locations_from": "city", "locations": {"north": "North", "south": "South"}}
                    for y in (2020, 2022)],
        "documents": [{"verdicts": "final_verdicts.csv", "year": 2022,
                       "evidence": "evidence.jsonl",
                       "partners": {"a_plan.txt": "North", "b_plan.txt": "Lima",
                                    "c_plan.txt": "South", "d_plan.txt": "Peru"}}],
        "local_targets": [{"framework_id": "RF0197", "location": "North", "target_2023": 0.6},
                          {"framework_id": "RF0197", "location": "South", "target_2023": 0.6}],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


