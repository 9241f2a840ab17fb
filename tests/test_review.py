"""Reviewer workbooks out and in, agreement statistics, adjudication and the audit ledger."""

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from rbm_surveys.audit import Ledger, verify_ledger
from rbm_surveys.errors import DataError, FileFormatError
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
    with pytest.raises(FileFormatError, match="not a readable"):
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
    out = agreement(pd.concat([a, b])).set_index("metric")["value"]
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
        agreement(a)


def test_adjudication_rules():
    v = _verdicts()
    d = pd.concat([_decisions("ana", ["present", "partial", None]),
                   _decisions("ben", ["present", "absent", None])])
    out = adjudicate(v, d)
    assert list(out.columns) == FINAL_COLUMNS
    assert out["status"].tolist() == ["agreed", "needs adjudication", "pending"]
    assert out["final_level"].tolist() == ["present", "absent", "partial"]
    adj = _decisions("chair", ["present", "partial", None])
    adj["comment"] = ["", "the plan's annex lists it", ""]
    out = adjudicate(v, d, adjudication=adj)
    assert out["status"].tolist()[1] == "adjudicated"
    assert out["final_level"].tolist()[1] == "partial"
    assert out["changed"].tolist() == [False, True, False]
    assert "adjudicator: the plan's annex lists it" in out["comments"].iloc[1]


def test_ledger_chain_and_tampering(tmp_path):
    ledger = Ledger(tmp_path / "audit" / "ledger.jsonl")
    ledger.append("review.decision", criterion="p1", level="present")
    ledger.extend("review.decision", [{"criterion": "p2", "level": "partial"},
                                      {"criterion": "p3", "level": "absent"}])
    assert verify_ledger(ledger.path) == 3
    entries = ledger.entries()
    assert entries[1]["prev"] == entries[0]["hash"]
    lines = ledger.path.read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1])
    changed["level"] = "present"
    ledger.path.write_text("\n".join([lines[0], json.dumps(changed), lines[2]]) + "\n",
                           encoding="utf-8")
    with pytest.raises(DataError, match="line 2"):
        verify_ledger(ledger.path)
    ledger.path.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="chain is broken"):
        verify_ledger(ledger.path)


def test_cli_export_and_import(tmp_path, capsys):
    from rbm_surveys.cli import main
    from rbm_surveys.report.safe import safe_frame

    verdicts_csv = tmp_path / "verdicts.csv"
    safe_frame(_verdicts()).to_csv(verdicts_csv, index=False)
    evidence_jsonl = tmp_path / "evidence.jsonl"
    evidence_jsonl.write_text("\n".join(json.dumps(e) for e in _evidence()) + "\n", encoding="utf-8")
    out = tmp_path / "review"
    assert main(["review", "export", str(verdicts_csv), str(evidence_jsonl),
                 "--reviewers", "ana", "ben", "--out", str(out)]) == 0
    _fill(out / "review-ana.xlsx", {2: {"decision": "confirm"},
                                    3: {"decision": "override", "final_level": "partial",
                                        "comment": "annex"}})
    _fill(out / "review-ben.xlsx", {2: {"decision": "confirm"}, 3: {"decision": "confirm"}})
    assert main(["review", "import", str(out / "review-ana.xlsx"), str(out / "review-ben.xlsx"),
                 "--verdicts", str(verdicts_csv), "--out", str(out)]) == 0
    final = pd.read_csv(out / "final_verdicts.csv")
    assert final["status"].tolist() == ["agreed", "needs adjudication", "pending"]
    assert final["document"].tolist()[2] == "'-law.docx"  # CSV output stays formula-safe
    assert verify_ledger(out / "ledger.jsonl") == 6 + 3
    # a bad workbook: one line on stderr, exit 2
    _fill(out / "review-ben.xlsx", {3: {"decision": "override"}})
    assert main(["review", "import", str(out / "review-ben.xlsx"), "--verdicts",
                 str(verdicts_csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "review-ben.xlsx" in err and "needs a reason" in err and "Traceback" not in err
