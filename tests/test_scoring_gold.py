"""The hand-labelled gold set (tests/data/docs_gold), read through ``read_document``:
minimum precision / recall of the engine's suggestions, and WHO AQG band placement."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rbm_surveys import load_rubric, read_document, score_document

GOLD = Path(__file__).parent / "data" / "docs_gold"
BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "gold_eval.py"


@pytest.fixture(scope="module")
def gold_eval():
    spec = importlib.util.spec_from_file_location("gold_eval", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def rows(gold_eval):
    return gold_eval.evaluate(GOLD)[0]


def test_gold_covers_languages_and_rubrics(rows):
    assert {r["language"] for r in rows} >= {"en", "fr", "es", "zh", "ar"}
    assert {r["rubric"] for r in rows} == {"igutp", "ndc_urban", "who_aqg", "sdg5a2",
                                           "decentralization_basic_services"}


def test_minimum_precision_and_recall(rows, gold_eval):
    m = gold_eval.metrics(rows)
    # measured 2026-11-24 (rules tuned on this same set: in-sample): ALL precision 0.98,
    # recall 1.00, exact level 0.93
    assert m["ALL"]["precision"] >= 0.9 and m["ALL"]["recall"] >= 0.9
    assert m["ALL"]["exact"] >= 0.75
    for rubric, v in m.items():
        assert v["precision"] >= 0.75, (rubric, v)
        assert v["recall"] >= 0.75, (rubric, v)


def test_engine_beats_naive_baseline_on_quantities(rows, gold_eval):
    eng, base = gold_eval.metrics(rows, "engine"), gold_eval.metrics(rows, "baseline")
    assert eng["who_aqg"]["exact"] > base["who_aqg"]["exact"] + 0.3


def test_aqg_bands(rows):
    banded = [r for r in rows if r["gold_band"]]
    assert len(banded) >= 25
    assert sum(r["band"] == r["gold_band"] for r in banded) / len(banded) >= 0.9


def test_wilson_interval(gold_eval):
    lo, hi = gold_eval.wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-3) and hi == pytest.approx(0.9433, abs=1e-3)


def test_docx_reads_to_the_same_verdicts(tmp_path):
    import docx

    src = GOLD / "sdg5a2_fr_code_foncier.txt"
    d = docx.Document()
    for para in src.read_text(encoding="utf-8").split("\n\n"):
        d.add_paragraph(para.strip())
    path = tmp_path / "code_foncier.docx"
    d.save(path)
    rubric = load_rubric("sdg5a2")
    from_docx = score_document(read_document(path), rubric).verdicts
    from_txt = score_document(read_document(src), rubric).verdicts
    assert list(from_docx["level"]) == list(from_txt["level"])
    assert from_docx["document_sha256"].iloc[0] != from_txt["document_sha256"].iloc[0]
    v = from_docx.set_index("criterion")
    assert v.loc["proxy_c_inheritance", "level"] == "present"
    assert v.loc["proxy_e_customary", "level"] == "not_applicable"  # no customary tenure
