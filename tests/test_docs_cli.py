"""`rbm docs read | rubrics | score` on real files: outputs, failures, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from rbm_surveys import read_document
from rbm_surveys.cli import main
from rbm_surveys.docs.rubric import list_rubrics
from test_docs_io_make import write_docx, write_pdf, write_zip_bomb

PLAN = ["The city will reduce greenhouse gas emissions by 40 % by 2030 compared with 2019.",
        "Public transport ridership will grow every year and buses will be electric.",
        "Flood defences and drainage will protect informal settlements from heat and floods."]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_read_prints_pages_language_and_unreadable(tmp_path, capsys):
    path = write_pdf(tmp_path / "plan.pdf", PLAN, image_pages=(2,))
    assert main(["docs", "read", str(path)]) == 0
    out = capsys.readouterr().out
    assert "language  en" in out and "kind      pdf" in out
    assert "page    2  UNREADABLE: no text layer" in out
    assert main(["docs", "read", str(path), "--json", "--passages"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["unreadable"] for p in data["pages"]] == [False, True, False]
    assert data["passages"][0]["text"].startswith("The city will reduce")


def test_read_bad_file_is_one_line_error_exit_2(tmp_path, capsys):
    path = write_pdf(tmp_path / "secret.pdf", PLAN, password="x")
    assert main(["docs", "read", str(path)]) == 2
    err = capsys.readouterr().err
    assert "RBM400" in err and "secret.pdf" in err and "encrypted" in err
    assert "Traceback" not in err


def test_rubrics_lists_shipped_rubrics(capsys):
    assert main(["docs", "rubrics"]) == 0
    out = capsys.readouterr().out
    ids = list(list_rubrics()["id"])
    assert ids and all(i in out for i in ids)


@pytest.fixture
def batch(tmp_path):
    good = [write_pdf(tmp_path / "plan.pdf", PLAN),
            write_docx(tmp_path / "ndc.pdf", PLAN),  # a Word file named .pdf
            tmp_path / "notes.txt"]
    good[2].write_text(" ".join(PLAN), encoding="utf-8")
    bad = [write_pdf(tmp_path / "locked.pdf", PLAN, password="pw"),
           write_zip_bomb(tmp_path / "bomb.docx", inflated=8 << 20),
           tmp_path / "empty.txt",
           write_pdf(tmp_path / "scan.pdf", ["x"], image_pages=(1,))]
    bad[2].write_bytes(b"")
    return good, bad


def test_score_batch_goes_on_and_lists_every_failure(tmp_path, batch, capsys):
    good, bad = batch
    rubric = list_rubrics()["id"].iloc[0]
    out = tmp_path / "out"
    args = ["docs", "score", *map(str, good + bad), "--rubric", rubric, "--out", str(out),
            "--jobs", "2", "--no-progress"]
    assert main(args) == 1  # some documents failed, the rest were scored
    err = capsys.readouterr().err
    failures = read_csv(out / "failures.csv")
    assert sorted(f["document"] for f in failures) == sorted(map(str, bad))
    assert {f["document"]: f["stage"] for f in failures}[str(bad[3])] == "read"
    for b in bad:
        assert str(b) in err
    verdicts = read_csv(out / "verdicts.csv")
    n_criteria = int(list_rubrics().set_index("id").loc[rubric, "n_criteria"])
    assert len(verdicts) == len(good) * n_criteria
    assert {v["document"] for v in verdicts} == set(map(str, good))
    docs = {d["document"]: d for d in read_csv(out / "documents.csv")}
    assert docs[str(good[1])]["kind"] == "docx"
    # evidence is anchored: sha256 + page + offsets quote the document text exactly
    texts = {str(p): read_document(p) for p in good}
    by_sha = {d.sha256: d for d in texts.values()}
    for line in (out / "evidence.jsonl").read_text(encoding="utf-8").splitlines():
        ev = json.loads(line)
        doc = by_sha[ev["document_sha256"]]
        assert doc.text[ev["start"]:ev["end"]] == ev["text"]
        assert doc.page_of(ev["start"]) == ev["page"]


def test_score_all_good_exit_0_and_formula_safe_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "=HYPERLINK(1).txt"
    (tmp_path / name).write_text(" ".join(PLAN), encoding="utf-8")
    rubrics = list(list_rubrics()["id"][:2])
    args = ["docs", "score", name, "--out", "o", "--jobs", "1", "--no-progress"]
    for r in rubrics:
        args += ["--rubric", r]
    assert main(args) == 0
    verdicts = read_csv(tmp_path / "o" / "verdicts.csv")
    assert {v["rubric"] for v in verdicts} == set(rubrics)
    assert all(v["document"] == "'" + name for v in verdicts)  # never a live formula
    assert read_csv(tmp_path / "o" / "failures.csv") == []


def test_score_unknown_rubric_is_usage_error(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(PLAN[0])
    assert main(["docs", "score", str(path), "--rubric", "no_such_rubric",
                 "--out", str(tmp_path / "o")]) == 2
    assert "no_such_rubric" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_score_folder_through_console_script(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    write_pdf(folder / "a.pdf", PLAN)
    (folder / "b.md").write_text("# Plan\n\n" + " ".join(PLAN), encoding="utf-8")
    (folder / "ignored.csv").write_text("a,b\n1,2\n")
    rubric = list_rubrics()["id"].iloc[-1]
    res = subprocess.run([sys.executable, "-m", "rbm_surveys.cli", "docs", "score", str(folder),
                          "--rubric", rubric, "--out", str(tmp_path / "o"), "--jobs", "2"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "scoring" in res.stderr  # tqdm progress bar on stderr
    docs = read_csv(tmp_path / "o" / "documents.csv")
    assert sorted(d["kind"] for d in docs) == ["pdf", "txt"]


def test_docs_without_action_shows_help(capsys):
    assert main(["docs"]) == 2
    out = capsys.readouterr().out
    assert "read" in out and "score" in out and "rubrics" in out


def test_score_into_a_file_instead_of_a_folder_is_one_line_error(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text(PLAN[0])
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    rubric = list_rubrics()["id"].iloc[0]
    assert main(["docs", "score", str(doc), "--rubric", rubric, "--out", str(blocker),
                 "--jobs", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "cannot write the results" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder"
