"""Reviewer workbooks out and in, agreement statistics, adjudication and the audit ledger."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from rbm_surveys.audit import Ledger, verify_ledger
from rbm_surveys.cli import main
from rbm_surveys.errors import DataError, FileFormatError, OutputError
from rbm_surveys.review import (DECISION_COLUMNS, FINAL_COLUMNS, adjudicate, agreement,
                                read_review_workbook, write_review_workbook)


def _verdicts():
    return pd.DataFrame({
        "document": ["plan.pdf", "plan.pdf", "-law.docx"],
        "document_sha256": ["a" * 64, "a" * 64, "b" * 64],
        "rubric": ["igutp"] * 3, "rubric_version": ["1.0.0"] * 3,
        "criterion": ["p1", "p2", "p1"], "label": ["Principle 1", "Principle 2", "Principle 1"],
        "level": ["present", "absent", "partial"], "confidence": [0.9, 0.6, 0.5],
        "reason": ["2 passages", "no evidence", "1 passage"],
    })


def _evidence():
    return [
        {"document_sha256": "a" * 64, "criterion": "p1", "page": 3, "start": 10, "end": 30,
         "rule": "phrase", "text": "participation", "passage": "=HYPERLINK(\"http://x\")",
         "vetoed": False},
        {"document_sha256": "b" * 64, "criterion": "p1", "page": 1, "start": 0, "end": 5,
         "rule": "phrase", "text": "plan", "passage": "The plan provides ...", "vetoed": False},
    ]


def _fill(path, answers, reviewer_row=None):
    """Fill decision/final_level/comment like a reviewer in Excel would (row -> values)."""
    wb = load_workbook(path)
    ws = wb["Verdicts"]
    header = [c.value for c in ws[1]]
    for row, values in answers.items():
        for name, value in values.items():
            ws.cell(row=row, column=header.index(name) + 1, value=value)
    wb.save(path)


def test_workbook_round_trip(tmp_path):
    path = write_review_workbook(_verdicts(), _evidence(), tmp_path / "r1.xlsx", reviewer="ana")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Verdicts", "Evidence", "_meta"]
    ws = wb["Verdicts"]
    assert ws.protection.sheet and ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    # formula injection neutralised, in the quote and in a document name starting with '-'
    quote = ws.cell(row=2, column=header.index("best_evidence") + 1).value
    assert quote.startswith("'=")
    assert ws.cell(row=4, column=1).value == "'-law.docx"
    assert ws.cell(row=2, column=header.index("page") + 1).value == 3
    assert len(ws.data_validations.dataValidation) == 2

    _fill(path, {2: {"decision": "confirm"},
                 3: {"decision": "override", "final_level": "partial",
                     "comment": "Section 4 covers it"}})
    d = read_review_workbook(path)
    assert list(d.columns) == DECISION_COLUMNS
    assert d["decision"].tolist() == ["confirm", "override", "pending"]
    assert d["final_level"].tolist() == ["present", "partial", "partial"]
    assert d["document"].tolist()[2] == "-law.docx"  # the guard is removed on import
    assert set(d["reviewer"]) == {"ana"}
    assert d["workbook_sha256"].str.len().eq(64).all()


def test_override_needs_level_and_reason(tmp_path):
    path = write_review_workbook(_verdicts(), _evidence(), tmp_path / "r.xlsx")
    _fill(path, {2: {"decision": "override"}, 3: {"decision": "maybe"},
                 4: {"decision": "confirm", "final_level": "absent"}})
    with pytest.raises(DataError) as err:
        read_review_workbook(path)
    text = str(err.value)
    assert "4 problem(s)" in text
    assert "row 2, column" in text and "needs the level" in text and "needs a reason" in text
    assert "row 3" in text and "'maybe'" in text
    assert "row 4" in text and "choose 'override'" in text


def test_rows_tampered_with_are_refused(tmp_path):
    path = write_review_workbook(_verdicts(), _evidence(), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    wb["Verdicts"].delete_rows(3)
    wb.save(path)
    with pytest.raises(DataError, match="added, removed, reordered"):
        read_review_workbook(path)


def test_not_a_review_workbook(tmp_path):
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, index=False)
    with pytest.raises(FileFormatError, match="not a review workbook"):
        read_review_workbook(other)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(FileFormatError, match="corrupt or truncated"):
        read_review_workbook(broken)


def _decisions(reviewer, levels):
    v = _verdicts()
    return pd.DataFrame({
        "document": v["document"], "document_sha256": v["document_sha256"],
        "rubric": v["rubric"], "rubric_version": v["rubric_version"],
        "criterion": v["criterion"], "proposed_level": v["level"],
        "decision": ["confirm" if lv == p else ("pending" if lv is None else "override")
                     for lv, p in zip(levels, v["level"])],
        "final_level": [lv if lv is not None else p for lv, p in zip(levels, v["level"])],
        "comment": ["" if lv == p else "see p. 4" for lv, p in zip(levels, v["level"])],
        "reviewer": reviewer,
    })


def test_agreement_statistics_against_hand_values():
    a = pd.DataFrame({"document_sha256": list("wxyz"), "criterion": "c", "reviewer": "A",
                      "decision": "confirm", "final_level": ["present", "present", "present", "absent"]})
    b = a.assign(reviewer="B", final_level=["present", "present", "absent", "absent"])
    table = agreement(pd.concat([a, b]), n_boot=0)
    out = table[table["scope"] == "all"].set_index("metric")["value"]
    assert out["percent_agreement"] == pytest.approx(0.75)
    # Gwet (2008): pa = .75; pi = (.625, .375) over a 5-level scale -> pe = .46875/4
    pe = 2 * 0.625 * 0.375 / 4
    assert out["gwet_ac1"] == pytest.approx((0.75 - pe) / (1 - pe))
    # Cohen: po = .75, pe = (3/4*2/4 + 1/4*2/4) = .5 -> kappa = .5
    assert out["cohen_kappa"] == pytest.approx(0.5)
    # Krippendorff nominal alpha, by hand from the coincidence matrix:
    # o_pp = 4, o_aa = 2, o_pa = o_ap = 1, n = 8, n_p = 5, n_a = 3
    # alpha = 1 - (n-1) * D_o / D_e = 1 - 7 * 2 / (2 * 5 * 3) = 1 - 14/30
    assert out["krippendorff_alpha_nominal"] == pytest.approx(1 - 14 / 30)


def test_agreement_refuses_double_coding():
    a = pd.DataFrame({"document_sha256": ["w", "w"], "criterion": "c", "reviewer": "A",
                      "decision": "confirm", "final_level": ["present", "absent"]})
    with pytest.raises(DataError, match="twice"):
        agreement(a, n_boot=0)


def test_adjudication_rules():
    v = _verdicts()
    d = pd.concat([_decisions("ana", ["present", "partial", None]),
                   _decisions("ben", ["present", "absent", None])])
    out = adjudicate(v, d)
    assert list(out.columns) == FINAL_COLUMNS
    assert out["status"].tolist() == ["reviewed", "unreviewed", "unreviewed"]
    assert out["review_state"].tolist() == ["reviewed", "disputed", "pending"]
    assert out["final_level"].tolist() == ["present", "absent", "partial"]
    adj = _decisions("chair", ["present", "partial", None])
    adj["comment"] = ["", "the plan's annex lists it", ""]
    out = adjudicate(v, d, adjudication=adj)
    assert out["status"].tolist()[1] == "adjudicated"
    assert out["final_level"].tolist()[1] == "partial"
    assert out["changed"].tolist() == [False, True, False]
    assert "adjudicator: the plan's annex lists it" in out["comments"].iloc[1]


def _export(tmp_path, reviewers=("ana", "ben"), verdicts=None):
    """Verdicts CSV + evidence JSONL on disk, then `rbm review export` as a user runs it."""
    from rbm_surveys.files import write_csv, write_jsonl

    verdicts_csv = tmp_path / "verdicts.csv"
    write_csv(_verdicts() if verdicts is None else verdicts, verdicts_csv)
    evidence_jsonl = tmp_path / "evidence.jsonl"
    write_jsonl(evidence_jsonl, _evidence())
    out = tmp_path / "review"
    assert main(["review", "export", str(verdicts_csv), str(evidence_jsonl),
                 "--reviewers", *reviewers, "--out", str(out)]) == 0
    return verdicts_csv, evidence_jsonl, out


def _import(out, verdicts_csv, *books, extra=()):
    return main(["review", "import", *[str(out / f"review-{b}.xlsx") for b in books],
                 "--verdicts", str(verdicts_csv), "--out", str(out), "--bootstrap", "200",
                 *extra])


def test_cli_round_trip_statuses_ledger_and_heads(tmp_path, capsys):
    verdicts_csv, _, out = _export(tmp_path)
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm", "comment": "=1+1"},
                                    3: {"decision": "override", "final_level": "partial",
                                        "comment": "annexe 4 : 规划附件"}})
    _fill(out / "review-ben.xlsx", {2: {"decision": "confirm"}, 3: {"decision": "confirm"}})
    assert _import(out, verdicts_csv, "ana", "ben") == 0
    final = pd.read_csv(out / "final_verdicts.csv", keep_default_na=False)
    assert list(final.columns) == FINAL_COLUMNS
    assert final["status"].tolist() == ["reviewed", "unreviewed", "unreviewed"]
    assert final["review_state"].tolist() == ["reviewed", "disputed", "pending"]
    assert final["document"].tolist()[2] == "'-law.docx"  # CSV output stays formula-safe
    decisions = pd.read_csv(out / "decisions.csv", keep_default_na=False)
    # a formula typed in a comment is kept as its text, written formula-safe
    assert decisions["comment"].tolist()[0] == "'=1+1"
    ledger = Ledger(out / "ledger.jsonl")
    comments = [e.get("comment") for e in ledger.entries() if e["event"] == "review.decision"]
    assert "=1+1" in comments and "annexe 4 : 规划附件" in comments
    # the head recorded in every output, the checkpoint and the workbooks all match the ledger
    report = verify_ledger(ledger.path, [out / "decisions.csv", out / "final_verdicts.csv",
                                         out / "review-ana.xlsx"])
    assert set(final["ledger_head"]) == {report.head.as_text()}
    assert set(decisions["ledger_entries"]) == {report.entries}
    text = capsys.readouterr().out
    assert "engine proposals changed by review: 0 of 1" in text
    assert "no interval: 1 document(s)" in text  # both reviewers coded one document only


def test_reimport_records_nothing_new(tmp_path, capsys):
    verdicts_csv, _, out = _export(tmp_path)
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"}, 3: {"decision": "confirm"},
                                    4: {"decision": "confirm"}})
    assert _import(out, verdicts_csv, "ana") == 0
    n = len(Ledger(out / "ledger.jsonl").entries())
    assert _import(out, verdicts_csv, "ana") == 0
    assert len(Ledger(out / "ledger.jsonl").entries()) == n
    text = capsys.readouterr().out
    assert "(0 new entr(ies))" in text and "needs two or more reviewers" in text
    stats = pd.read_csv(out / "agreement.csv")
    assert set(stats["comparison"]) == {"engine_vs_final"}  # one reviewer: no reviewer rows
    # a changed decision is new, and only it is recorded
    _fill(out / "review-ana.xlsx", {3: {"decision": "override", "final_level": "partial",
                                        "comment": "on reflection"}})
    assert _import(out, verdicts_csv, "ana") == 0
    new = Ledger(out / "ledger.jsonl").entries()[n:]
    assert [e["event"] for e in new] == ["batch.begin", "review.import", "review.decision",
                                         "review.final"]
    assert verify_ledger(out / "ledger.jsonl").entries == n + 4


def test_edited_locked_cell_is_refused_naming_sheet_row_column(tmp_path):
    path = write_review_workbook(_verdicts(), _evidence(), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    ws = wb["Verdicts"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("level") + 1, value="present")  # was "absent"
    ws.cell(row=3, column=header.index("decision") + 1, value="confirm")
    wb.save(path)
    with pytest.raises(DataError) as err:
        read_review_workbook(path)
    assert "sheet Verdicts, row 3, column G (level)" in str(err.value)
    assert "locked proposed cell was edited" in str(err.value)
    # the hidden hash column itself cannot be blanked to get round it
    ws.cell(row=3, column=header.index("proposal_sha256") + 1).value = None
    wb.save(path)
    with pytest.raises(DataError, match="proposal hash was changed or removed"):
        read_review_workbook(path)
    assert load_workbook(path)["Verdicts"].column_dimensions["O"].hidden


def test_rows_missing_from_the_verdicts_file_are_an_error(tmp_path, capsys):
    verdicts_csv, _, out = _export(tmp_path)
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"}, 3: {"decision": "confirm"}})
    fewer = pd.read_csv(verdicts_csv, dtype=str, keep_default_na=False).iloc[[0]]
    fewer.to_csv(verdicts_csv, index=False)
    assert _import(out, verdicts_csv, "ana") == 2
    err = capsys.readouterr().err
    assert "2 row(s) do not fit the verdicts file" in err
    assert "sheet Verdicts, row 3" in err and "row 4" in err and "p2" in err
    assert not (out / "decisions.csv").exists() and not (out / "final_verdicts.csv").exists()


def test_failed_import_leaves_no_outputs_and_no_ledger_batch(tmp_path, monkeypatch):
    verdicts_csv, _, out = _export(tmp_path)
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"}})
    before = (out / "ledger.jsonl").read_bytes()
    import rbm_surveys.files as files

    real = files.write_csv

    def fail_on_agreement(frame, path, **kw):
        if str(path).endswith("agreement.csv"):
            raise OutputError("the disk is full; nothing was written", file=str(path))
        return real(frame, path, **kw)

    monkeypatch.setattr(files, "write_csv", fail_on_agreement)
    assert _import(out, verdicts_csv, "ana") == 2
    monkeypatch.undo()
    assert (out / "ledger.jsonl").read_bytes() == before
    assert not list(out.glob("*.csv"))
    # the ledger write itself failing: no CSVs either
    monkeypatch.setattr("rbm_surveys.audit.os.write",
                        lambda fd, data: (_ for _ in ()).throw(OSError(28, "disk full")))
    assert _import(out, verdicts_csv, "ana") == 2
    monkeypatch.undo()
    assert (out / "ledger.jsonl").read_bytes() == before and not list(out.glob("*.csv"))
    assert _import(out, verdicts_csv, "ana") == 0


def test_ledger_cut_after_export_is_caught_on_import(tmp_path, capsys):
    verdicts_csv, _, out = _export(tmp_path)
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"}})
    (out / "ledger.jsonl").write_bytes(b"")
    (out / "ledger.jsonl.head.json").unlink()
    assert _import(out, verdicts_csv, "ana") == 2
    assert "entries were removed" in capsys.readouterr().err


def test_zip_bomb_workbook_is_refused_before_inflating(tmp_path):
    import tracemalloc
    import zipfile

    bomb = tmp_path / "review-bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))  # ratio ~1000
    assert bomb.stat().st_size < 64 << 10
    tracemalloc.start()
    with pytest.raises(FileFormatError, match="zip bomb"):
        read_review_workbook(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 << 20  # nothing was inflated
    dtd = tmp_path / "review-dtd.xlsx"
    with zipfile.ZipFile(dtd, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FileFormatError, match="DTD"):
        read_review_workbook(dtd)


def _coded(n_docs=12, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_docs):
        for c in ("c1", "c2", "c3"):
            truth = rng.choice(["present", "partial", "absent"])
            for r in ("A", "B"):
                level = truth if rng.random() < 0.75 else rng.choice(["present", "absent"])
                rows.append({"document_sha256": f"{d:064x}", "rubric": "igutp",
                             "criterion": c, "reviewer": r, "decision": "confirm",
                             "final_level": level})
    return pd.DataFrame(rows)


def test_agreement_intervals_seeded_per_criterion_and_rubric():
    from sklearn.metrics import cohen_kappa_score

    codes = _coded()
    table = agreement(codes, n_boot=400, seed=7)
    again = agreement(codes, n_boot=400, seed=7)
    pd.testing.assert_frame_equal(table, again)  # seeded: the same interval every run
    assert set(table["scope"]) == {"all", "rubric", "criterion"}
    overall = table[table["scope"] == "all"].set_index("metric")
    wide = codes.pivot(index=["document_sha256", "criterion"], columns="reviewer",
                       values="final_level")
    assert overall.loc["cohen_kappa", "value"] == pytest.approx(
        cohen_kappa_score(wide["A"], wide["B"]), rel=1e-12)
    for metric in ("cohen_kappa", "krippendorff_alpha_nominal", "gwet_ac1",
                   "percent_agreement"):
        r = overall.loc[metric]
        assert r["ci_low"] < r["value"] < r["ci_high"] and r["n_boot"] == 400
        assert r["n_documents"] == 12
    crit = table[(table["scope"] == "criterion") & (table["metric"] == "cohen_kappa")]
    assert sorted(crit["criterion"]) == ["c1", "c2", "c3"] and (crit["n_items"] == 12).all()
    assert not agreement(codes, n_boot=400, seed=8)["ci_low"].equals(table["ci_low"])


def test_krippendorff_alpha_equals_the_package_with_missing_codes():
    import krippendorff

    codes = _coded(8)
    third = codes[codes["reviewer"] == "A"].iloc[::2].assign(reviewer="C", final_level="partial")
    codes = pd.concat([codes, third])
    alpha = agreement(codes, n_boot=0).query("scope == 'all' and metric == "
                                             "'krippendorff_alpha_nominal'")["value"].iloc[0]
    m = codes.assign(item=codes["document_sha256"] + codes["criterion"],
                     code=codes["final_level"].map({"present": 0, "partial": 1, "absent": 2}))
    matrix = m.pivot(index="reviewer", columns="item", values="code").to_numpy(dtype=float)
    assert alpha == pytest.approx(krippendorff.alpha(reliability_data=matrix,
                                                     level_of_measurement="nominal"), rel=1e-12)


def test_engine_vs_final_and_confusion_table():
    from rbm_surveys.review import counted_verdicts, engine_confusion

    v = _verdicts()
    d = pd.concat([_decisions("ana", ["present", "partial", None]),
                   _decisions("ben", ["present", "partial", None])])
    final = adjudicate(v, d)
    table = agreement(d, final, n_boot=0)
    eng = table[(table["comparison"] == "engine_vs_final") & (table["scope"] == "all")
                ].set_index("metric")["value"]
    assert eng["changed_share"] == pytest.approx(0.5)  # p2: absent -> partial; p1 kept
    conf = engine_confusion(final)
    conf = conf[conf["rubric"] == "all"].set_index(["proposed_level", "final_level"])["n"]
    assert conf[("absent", "partial")] == 1 and conf[("present", "present")] == 1
    assert conf.sum() == 2
    # only reviewed levels count unless the user says so, and then they are labelled
    counted = counted_verdicts(final)
    assert counted["criterion"].tolist() == ["p1", "p2"]
    every = counted_verdicts(final, include_unreviewed=True)
    assert every["basis"].tolist() == ["reviewed", "reviewed", "engine proposal (unreviewed)"]


def test_reviewers_teach_the_ranker_which_reorders_the_next_export(tmp_path):
    from rbm_surveys.review.learn import rerank_evidence, train_ranker

    def ev(doc, crit, passages):
        return [{"document_sha256": doc, "rubric": "igutp", "criterion": crit, "page": 1,
                 "passage": p, "text": p.split()[0], "vetoed": False} for p in passages]

    good = ["Residents were consulted in every ward before adoption.",
            "The council holds public hearings and publishes responses.",
            "Public participation shaped the plan in all districts."]
    bad = ["See the table of contents for chapter titles.",
           "Page numbers and headings follow the national template.",
           "The annex lists abbreviations used in the document."]
    history = ev("a" * 64, "p1", good) + ev("b" * 64, "p1", bad)
    decisions = pd.DataFrame({"document_sha256": ["a" * 64, "b" * 64], "rubric": "igutp",
                              "criterion": "p1", "decision": ["confirm", "override"],
                              "final_level": ["present", "absent"]})
    ranker, n_pos, n_neg = train_ranker(decisions, history)
    assert (n_pos, n_neg) == (3, 3)
    new = ev("c" * 64, "p1", ["The table of contents and headings follow the template.",
                              "Residents took part in public hearings in every ward."])
    ordered = rerank_evidence(new, ranker)
    assert ordered[0]["passage"].startswith("Residents")
    assert ordered[0]["rank_score"] > ordered[1]["rank_score"]


def test_signed_ledger_through_export_import_and_verify(tmp_path, capsys, monkeypatch):
    key = tmp_path / "programme.key"
    key.write_text("0123456789abcdef" * 4, encoding="utf-8")
    monkeypatch.setenv("RBM_AUDIT_KEY_FILE", str(key))
    verdicts_csv, _, out = _export(tmp_path, reviewers=("ana",))
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"}})
    assert _import(out, verdicts_csv, "ana") == 0
    entries = Ledger(out / "ledger.jsonl").entries()
    assert all(len(e["mac"]) == 64 for e in entries)
    capsys.readouterr()
    assert main(["audit", "verify", str(out / "ledger.jsonl"), "--checkpoint",
                 str(out / "final_verdicts.csv")]) == 0
    assert "authenticated with key" in capsys.readouterr().out
    # importing into the signed ledger without the key is refused
    monkeypatch.delenv("RBM_AUDIT_KEY_FILE")
    _fill(out / "review-ana.xlsx", {3: {"decision": "confirm"}})
    assert _import(out, verdicts_csv, "ana") == 2
    assert "this ledger is signed" in capsys.readouterr().err


def test_export_learns_from_earlier_decisions(tmp_path, capsys):
    from rbm_surveys.files import write_csv, write_jsonl

    verdicts = pd.DataFrame({
        "document": ["a.txt", "b.txt", "c.txt"], "document_sha256": ["a" * 64, "b" * 64, "c" * 64],
        "rubric": "igutp", "rubric_version": "1.0.0", "criterion": "p1",
        "level": ["present", "present", "present"]})
    passages = {"a": ["Residents were consulted in every ward before adoption.",
                      "The council holds public hearings on the plan."],
                "b": ["See the table of contents for chapter titles.",
                      "Headings follow the national template."],
                "c": ["The table of contents and headings follow the template.",
                      "Residents took part in public hearings in every ward."]}
    evidence = [{"document_sha256": d * 64, "rubric": "igutp", "criterion": "p1", "page": 1,
                 "passage": p, "text": p.split()[0], "vetoed": False}
                for d, ps in passages.items() for p in ps]
    write_csv(verdicts, tmp_path / "verdicts.csv")
    write_jsonl(tmp_path / "evidence.jsonl", evidence)
    earlier = pd.DataFrame({"document_sha256": ["a" * 64, "b" * 64], "rubric": "igutp",
                            "criterion": "p1", "decision": ["confirm", "override"],
                            "final_level": ["present", "absent"]})
    write_csv(earlier, tmp_path / "decisions.csv")
    args = ["review", "export", str(tmp_path / "verdicts.csv"), str(tmp_path / "evidence.jsonl"),
            "--out", str(tmp_path / "r")]
    assert main(args) == 0
    first = read_best(tmp_path / "r" / "review-reviewer.xlsx")
    assert first["c.txt"].startswith("The table")  # engine order
    assert main(args + ["--learn-from", str(tmp_path / "decisions.csv")]) == 0
    assert "ranker trained on 2 confirmed and 2 rejected passages" in capsys.readouterr().out
    assert read_best(tmp_path / "r" / "review-reviewer.xlsx")["c.txt"].startswith("Residents")


def read_best(path):
    ws = load_workbook(path)["Verdicts"]
    header = [c.value for c in ws[1]]
    return {r[0]: r[header.index("best_evidence")] for r in ws.iter_rows(min_row=2, values_only=True)}


def test_edited_and_rehashed_proposals_are_caught_by_the_ledger(tmp_path, capsys):
    from rbm_surveys.review.sheets import _digest_of, _proposal_hash, unguard

    verdicts_csv, _, out = _export(tmp_path, reviewers=("ana",))
    path = out / "review-ana.xlsx"
    wb = load_workbook(path)
    ws = wb["Verdicts"]
    header = [c.value for c in ws[1]]
    shown = header[:header.index("decision")]
    ws.cell(row=2, column=header.index("reason") + 1).value = "3 passages, all strong"
    hashes = []
    for r in range(2, ws.max_row + 1):  # recompute every hidden hash, as a determined editor
        values = [ws.cell(row=r, column=i + 1).value for i in range(len(shown))]
        values = [unguard(v) for v in values]
        hashes.append(_proposal_hash(values))
        ws.cell(row=r, column=header.index("proposal_sha256") + 1).value = hashes[-1]
    meta = wb["_meta"]
    for row in meta.iter_rows():
        if row[0].value == "proposals_sha256":
            row[1].value = _digest_of(hashes)
    ws.cell(row=2, column=header.index("decision") + 1).value = "confirm"
    wb.save(path)
    read_review_workbook(path)  # the workbook alone looks consistent ...
    assert _import(out, verdicts_csv, "ana") == 2  # ... the ledger's export entry does not
    assert "differ from those the ledger recorded at export" in capsys.readouterr().err
