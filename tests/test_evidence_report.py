"""HTML evidence report: escaping, vetoed passages, page text, and a headless-Chromium check."""

import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from rbm_surveys.cli import main

HOSTILE = '<script>alert("doc")</script><img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """A real plan (bundled example + a repealed clause + hostile markup) scored, exported,
    reviewed by two reviewers and adjudicated through the CLI."""
    from rbm_surveys.docs.batch import score_paths, write_batch

    root = tmp_path_factory.mktemp("evidence")
    src = resources.files("rbm_surveys").joinpath("data", "examples", "documents",
                                                  "igutp_en_riverton_plan.txt")
    text = src.read_text(encoding="utf-8")
    text += ("\n\nChapter 9. Former plans. The shared vision of the 1990 plan was repealed "
             f"in 2001. {HOSTILE} is not a section.\n")
    plan = root / "riverton <plan>.txt"
    plan.write_text(text, encoding="utf-8")
    other = root / "ndc.txt"
    shutil.copyfile(str(resources.files("rbm_surveys").joinpath(
        "data", "examples", "documents", "igutp_fr_schema_directeur.txt")), other)
    batch = score_paths([str(plan), str(other)], ["igutp"], jobs=1)
    files = write_batch(batch, root / "scored")
    out = root / "review"
    assert main(["review", "export", str(files["verdicts.csv"]), str(files["evidence.jsonl"]),
                 "--reviewers", "ana", "ben", "chair", "--out", str(out)]) == 0
    from openpyxl import load_workbook

    for name, level in (("ana", "partial"), ("ben", "absent")):
        wb = load_workbook(out / f"review-{name}.xlsx")
        ws = wb["Verdicts"]
        header = [c.value for c in ws[1]]
        col = {h: i + 1 for i, h in enumerate(header)}
        for row in range(2, ws.max_row + 1):
            ws.cell(row, col["decision"], "confirm")
        ws.cell(2, col["decision"], "override")
        ws.cell(2, col["final_level"], level)
        ws.cell(2, col["comment"], f"{name}: {HOSTILE}")
        wb.save(out / f"review-{name}.xlsx")
    wb = load_workbook(out / "review-chair.xlsx")
    ws = wb["Verdicts"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    ws.cell(2, col["decision"], "override")
    ws.cell(2, col["final_level"], "partial")
    ws.cell(2, col["comment"], "chair: section 4 settles it")
    wb.save(out / "review-chair.xlsx")
    assert main(["review", "import", str(out / "review-ana.xlsx"), str(out / "review-ben.xlsx"),
                 "--adjudication", str(out / "review-chair.xlsx"),
                 "--verdicts", str(files["verdicts.csv"]), "--out", str(out),
                 "--bootstrap", "50"]) == 0
    report = root / "report"
    assert main(["review", "report", str(files["verdicts.csv"]), str(files["evidence.jsonl"]),
                 "--review", str(out), "--summary", str(files["summary.jsonl"]),
                 "--out", str(report)]) == 0
    return root, files, report, batch


def test_pages_escape_text_and_show_vetoed_passages(scored):
    from rbm_surveys.report.evidence import page_name

    root, files, report, batch = scored
    shas = batch.verdicts["document_sha256"].unique()
    names = sorted(p.name for p in report.glob("*.html"))
    assert names == sorted(["index.html"] + [page_name(s) for s in shas])
    plan_sha = batch.verdicts.loc[batch.verdicts["document"].str.contains("plan"),
                                  "document_sha256"].iloc[0]
    page = (report / page_name(plan_sha)).read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "onerror=\"" not in page
    assert "&lt;script&gt;alert(&quot;doc&quot;)&lt;/script&gt;" in page  # document text
    assert "ana: &lt;script&gt;" in page                                   # reviewer comment
    # reviewers side by side, then the adjudicator who settled their disagreement
    assert "Reviewer ana" in page and "Reviewer ben" in page and "Adjudicator chair" in page
    assert "chair: section 4 settles it" in page
    final = pd.read_csv(root / "review" / "final_verdicts.csv")
    assert final["status"].tolist()[0] == "adjudicated" and final["adjudicator"].iloc[0] == "chair"
    assert "riverton &lt;plan&gt;.txt" in page                              # file name
    # the repealed clause: its match is shown struck through, with the reason it does not count
    vetoed = [e for e in batch.evidence if e.get("vetoed")]
    assert vetoed, "the rubric's veto term should fire on 'repealed'"
    assert '<mark class="veto">' in page and "Vetoed — not counted: " in page
    reason = vetoed[0].get("veto_reason") or "veto term"
    assert f"Vetoed — not counted: {reason}" in page and "repealed" in page
    assert "Page 1: the whole page" in page and "http://" not in page and "https://" not in page
    index = (report / "index.html").read_text(encoding="utf-8")
    assert index.count('href="doc-') == 2


def test_report_without_review_or_vetoed_records(tmp_path, scored):
    from rbm_surveys.report.evidence import write_evidence_report

    _, files, _, batch = scored
    plain = [{k: v for k, v in e.items() if k not in ("vetoed", "veto_term")}
             for e in batch.evidence if not e.get("vetoed")]
    written = write_evidence_report(tmp_path / "r", batch.verdicts, plain, documents={})
    assert list(written)[0] == "index.html" and len(written) == 3
    page = written[[n for n in written if n != "index.html"][0]].read_text(encoding="utf-8")
    assert "Not reviewed yet." in page and "<mark>" in page and 'class="veto"' not in page
    assert "could not be read again" in page  # no page text without the documents


def test_report_in_headless_chromium(scored):
    from browser import console_errors, open_browser
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, _, report, _ = scored
    try:
        driver = open_browser()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no headless chromium here: {exc}")
    try:
        driver.get((report / "index.html").as_uri())
        assert driver.title == "Evidence report"
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "td a")]
        assert len(links) == 2
        for href in links:
            driver.get(href)
            assert driver.title.startswith("Evidence — ")
            marks = driver.find_elements(By.TAG_NAME, "mark")
            assert marks and all(m.get_attribute("textContent") for m in marks[:20])
            assert any(m.is_displayed() and m.text for m in marks)
            assert not driver.find_elements(By.TAG_NAME, "script")
            # readable contrast: highlighted text and body text against their backgrounds
            ratios = driver.execute_script(_CONTRAST_JS)
            assert min(ratios) >= 4.5, ratios
            # keyboard: the first Tab lands on the skip link, Enter moves to the content
            body = driver.find_element(By.TAG_NAME, "body")
            body.send_keys(Keys.TAB)
            active = driver.switch_to.active_element
            assert active.text == "Skip to content"
            active.send_keys(Keys.TAB)
            assert driver.switch_to.active_element.get_attribute("href").endswith("index.html")
            # a page's text opens from the keyboard (details/summary)
            summary = driver.find_elements(By.TAG_NAME, "summary")
            if summary:
                driver.execute_script("arguments[0].focus()", summary[0])
                driver.switch_to.active_element.send_keys(Keys.ENTER)
                assert driver.execute_script("return document.querySelector('details').open")
            assert console_errors(driver) == []
        # back to the index through the page's own link
        driver.find_element(By.LINK_TEXT, "All documents").click()
        assert driver.title == "Evidence report"
        assert console_errors(driver) == []
    finally:
        driver.quit()


_CONTRAST_JS = """
function lum(c){const m=c.match(/\\d+(\\.\\d+)?/g).slice(0,3).map(Number).map(v=>{v/=255;
  return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4)});return 0.2126*m[0]+0.7152*m[1]+0.0722*m[2];}
function ratio(a,b){const x=lum(a),y=lum(b);return (Math.max(x,y)+0.05)/(Math.min(x,y)+0.05);}
function bg(el){while(el){const c=getComputedStyle(el).backgroundColor;
  if(c && c!=='rgba(0, 0, 0, 0)' && c!=='transparent') return c; el=el.parentElement;} return 'rgb(255,255,255)';}
const out=[];
for (const sel of ['mark','mark.veto','p.passage','a','.meta','.changed','.level']){
  const el=document.querySelector(sel); if(!el) continue;
  out.push(ratio(getComputedStyle(el).color, bg(el)));}
return out;
"""


def test_report_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["review", "report", str(tmp_path / "none.csv"), str(tmp_path / "none.jsonl"),
                 "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.csv" in err
    assert not Path(tmp_path / "r").exists() or not list(Path(tmp_path / "r").glob("*.html"))
    assert isinstance(pd.DataFrame(), pd.DataFrame)
