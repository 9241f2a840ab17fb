"""HTML evidence report: one self-contained page per document and an index.

For a reviewer, an adjudicator or an evaluator: each criterion with its proposed and
reviewed level, the engine's reason, every supporting passage with its match highlighted
(``<mark>``) and its page number — and, when the document can be read again, the whole page
text with every match of the criterion highlighted —, vetoed passages shown struck through
with the reason they do not count, the reviewers' decisions side by side with the
adjudication and the final level, and a summary per document.

Pages are static HTML with the bundled stylesheet inlined (``data/report/evidence.css``): no
script, no CDN, no external request; they work from ``file://`` and with the keyboard alone
(a skip link, native links and ``<details>``). Every piece of document or reviewer text is
HTML-escaped, so a passage or a comment can never add markup to the page.

Public entry point (also used by the partners' site): :func:`write_evidence_report` writes
``index.html`` and ``doc-<id>.html`` (``<id>`` = the first 12 hex digits of the document's
SHA-256, see :func:`page_name`) into a folder, all at once.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["page_name", "write_evidence_report"]

_LEVELS = ("present", "partial", "absent", "not_applicable", "not_determinable")


def page_name(document_sha256: str) -> str:
    """File name of a document's page: ``doc-<first 12 hex digits of its SHA-256>.html``."""
    sha = str(document_sha256).lower()
    if not re.fullmatch(r"[0-9a-f]{12,64}", sha):
        import hashlib

        sha = hashlib.sha256(sha.encode("utf-8")).hexdigest()
    return f"doc-{sha[:12]}.html"


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value), quote=True)


def _css() -> str:
    return resources.files("rbm_surveys").joinpath("data", "report", "evidence.css").read_text(
        encoding="utf-8")


def _page(title: str, body: str, lang: str = "en") -> str:
    return ("<!doctype html>\n"
            f'<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src 'none'\">"
            f"<title>{_e(title)}</title><style>{_css()}</style></head>"
            f'<body><a class="skip" href="#main">Skip to content</a>{body}</body></html>\n')


def _level(level: Any) -> str:
    lv = "" if level is None or (isinstance(level, float) and level != level) else str(level)
    cls = lv if lv in _LEVELS else "unknown"
    return f'<span class="level level-{cls}">{_e(lv) or "—"}</span>' if lv else "—"


def _highlight(text: str, spans: list[tuple[int, int, bool]]) -> str:
    """``text`` escaped, with each (start, end, vetoed) span in a ``<mark>`` (overlaps merged)."""
    spans = sorted((max(0, a), min(len(text), b), v) for a, b, v in spans if b > a)
    merged: list[list] = []
    for a, b, v in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
            merged[-1][2] = merged[-1][2] and v
        else:
            merged.append([a, b, v])
    out, pos = [], 0
    for a, b, v in merged:
        out.append(_e(text[pos:a]))
        cls = ' class="veto"' if v else ""
        out.append(f"<mark{cls}>{_e(text[a:b])}</mark>")
        pos = b
    out.append(_e(text[pos:]))
    return "".join(out)


def _passage_html(rec: dict, doc) -> str:
    """The passage of an evidence record with its match marked."""
    vetoed = bool(rec.get("vetoed"))
    if doc is not None and isinstance(rec.get("passage_start"), int):
        ps, pe = int(rec["passage_start"]), int(rec["passage_end"])
        a, b = int(rec.get("start", ps)), int(rec.get("end", ps))
        if 0 <= ps <= a <= b <= pe <= len(doc.text):
            return _highlight(doc.text[ps:pe].strip("\n"), [(a - ps, b - ps, vetoed)])
    passage = str(rec.get("passage") or rec.get("text") or "")
    match = str(rec.get("text") or "")
    i = passage.find(match) if match else -1
    return _highlight(passage, [(i, i + len(match), vetoed)] if i >= 0 else [])


def _page_text_html(doc, page_no: int, recs: list[dict]) -> str:
    page = next((p for p in doc.pages if p.number == page_no), None)
    if page is None:
        return ""
    text = doc.text[page.start:page.end]
    spans = [(int(r["start"]) - page.start, int(r["end"]) - page.start, bool(r.get("vetoed")))
             for r in recs if isinstance(r.get("start"), int)]
    return (f"<details><summary>Page {page_no}: the whole page, matches highlighted</summary>"
            f'<div class="page" lang="{_e(doc.language)}">{_highlight(text, spans)}</div>'
            "</details>")


def _evidence_list(recs: list[dict], doc, vetoed: bool) -> str:
    if not recs:
        return ('<p class="note">No vetoed passage.</p>' if vetoed
                else '<p class="note">No supporting passage was found.</p>')
    by_page: dict[int, list[dict]] = {}
    for r in recs:
        by_page.setdefault(int(r.get("page") or 0), []).append(r)
    items = []
    shown_pages: set[int] = set()
    lang = _e(doc.language) if doc is not None else ""
    for r in recs:
        page = int(r.get("page") or 0)
        why = ""
        if vetoed:
            reason = str(r.get("veto_reason") or "vetoed by the rubric")
            term = str(r.get("veto_term") or "")
            if term and term not in reason:
                reason += f" (“{term}”)"
            why = f' <span class="why">Vetoed — not counted: {_e(reason)}</span>'
        rule = f' <span class="meta">rule {_e(r.get("rule"))}</span>' if r.get("rule") else ""
        score = (f' <span class="meta">ranker {float(r["rank_score"]):.2f}</span>'
                 if r.get("rank_score") is not None else "")
        body = (f'<li{" class=" + chr(34) + "vetoed" + chr(34) if vetoed else ""}>'
                f'<strong>Page {page or "?"}</strong>{rule}{score}{why}'
                f'<p class="passage"{f" lang={chr(34)}{lang}{chr(34)}" if lang else ""}>'
                f"{_passage_html(r, doc)}</p>")
        if doc is not None and page and page not in shown_pages:
            shown_pages.add(page)
            body += _page_text_html(doc, page, by_page[page])
        items.append(body + "</li>")
    return f'<ol class="evidence">{"".join(items)}</ol>'


def _reviewers_table(key: tuple, decisions: pd.DataFrame | None,
                     final_row: Mapping | None) -> str:
    if decisions is None and final_row is None:
        return '<p class="note">Not reviewed yet.</p>'
    cols: list[tuple[str, str, str, str]] = []
    if decisions is not None and len(decisions):
        for r in decisions.itertuples(index=False):
            cols.append((f"Reviewer {r.reviewer}", r.decision, r.final_level, r.comment))
    if final_row is not None and str(final_row.get("status")) == "adjudicated":
        comments = str(final_row.get("comments") or "")
        note = comments.split("adjudicator:", 1)[1].strip() if "adjudicator:" in comments else ""
        cols.append((f"Adjudicator {final_row.get('adjudicator') or ''}".strip(), "adjudicated",
                     final_row.get("final_level"), note))
    if not cols:
        return '<p class="note">No reviewer decision yet.</p>'
    head = "".join(f'<th scope="col">{_e(c[0])}</th>' for c in cols)
    rows = [("Decision", [_e(c[1]) for c in cols]),
            ("Level", [_level(c[2]) for c in cols]),
            ("Comment", [_e(c[3]) for c in cols])]
    body = "".join(f'<tr><th scope="row">{name}</th>{"".join(f"<td>{v}</td>" for v in vals)}</tr>'
                   for name, vals in rows)
    return f'<table class="reviewers"><tr><td></td>{head}</tr>{body}</table>'


def _read_documents(verdicts: pd.DataFrame) -> dict[str, Any]:
    """Documents re-read from their paths (for page text); unreadable ones are skipped."""
    from rbm_surveys.docs.io import read_document
    from rbm_surveys.errors import RbmError

    docs = {}
    for sha, path in verdicts.drop_duplicates("document_sha256")[
            ["document_sha256", "document"]].itertuples(index=False):
        if not os.path.isfile(str(path)):
            continue
        try:
            doc = read_document(str(path))
        except (RbmError, OSError):
            continue
        if doc.sha256 == sha:  # the same file that was scored, else offsets would not fit
            docs[sha] = doc
    return docs


def _summary_table(rows: pd.DataFrame, summaries: pd.DataFrame | None) -> str:
    parts = ['<table><tr><th scope="col">Rubric</th><th scope="col">Criteria</th>'
             '<th scope="col">Proposed levels</th><th scope="col">Final levels</th>'
             '<th scope="col">Changed by review</th><th scope="col">Status</th>'
             '<th scope="col">Score</th></tr>']
    for rubric, g in rows.groupby("rubric", sort=True):
        prop = ", ".join(f"{k} {v}" for k, v in g["level"].value_counts().items())
        fin = ", ".join(f"{k} {v}" for k, v in g["final_level"].value_counts().items())
        status = ", ".join(f"{k} {v}" for k, v in g["review_state"].value_counts().items())
        changed = int((g["final_level"] != g["level"]).sum())
        score = ""
        if summaries is not None and len(summaries):
            s = summaries[(summaries["document_sha256"] == g["document_sha256"].iloc[0])
                          & (summaries["rubric"] == rubric)]
            if len(s):
                s0 = s.iloc[0]
                score = f"{_e(s0.get('score'))} / {_e(s0.get('score_max'))} (engine)"
        parts.append(f"<tr><td>{_e(rubric)}</td><td class=num>{len(g)}</td><td>{_e(prop)}</td>"
                     f"<td>{_e(fin)}</td><td class=num>{changed}</td><td>{_e(status)}</td>"
                     f"<td>{score}</td></tr>")
    return "".join(parts) + "</table>"


def _merge_final(verdicts: pd.DataFrame, final: pd.DataFrame | None) -> pd.DataFrame:
    rows = verdicts.copy()
    key = ["document_sha256", "rubric", "criterion"]
    if final is not None and len(final):
        f = final[key + ["final_level", "status", "comments", "adjudicator", "review_state"]
                  ].copy() if "review_state" in final else final[
            key + ["final_level", "status", "comments", "adjudicator"]].copy()
        rows = rows.merge(f.astype({c: str for c in key}), on=key, how="left")
    for col, default in (("final_level", None), ("status", "unreviewed"), ("comments", ""),
                         ("adjudicator", ""), ("review_state", "pending")):
        if col not in rows:
            rows[col] = default
    rows["final_level"] = rows["final_level"].where(rows["final_level"].notna()
                                                    & (rows["final_level"] != ""), rows["level"])
    rows["status"] = rows["status"].fillna("unreviewed").replace("", "unreviewed")
    rows["review_state"] = rows["review_state"].fillna("pending").replace("", "pending")
    return rows


def _document_page(sha: str, rows: pd.DataFrame, evidence: list[dict],
                   decisions: pd.DataFrame | None, doc, summaries) -> str:
    name = str(rows["document"].iloc[0])
    lang = str(rows["language"].iloc[0]) if "language" in rows else ""
    ev_by: dict[tuple, list[dict]] = {}
    for r in evidence:
        ev_by.setdefault((str(r.get("rubric") or ""), str(r.get("criterion"))), []).append(r)
    dec_by = ({k: g for k, g in decisions.groupby(["rubric", "criterion"], sort=False)}
              if decisions is not None and len(decisions) else {})
    sections, toc = [], []
    for i, r in enumerate(rows.to_dict("records")):
        rubric, crit = str(r.get("rubric") or ""), str(r.get("criterion"))
        anchor = f"c{i}-" + re.sub(r"[^A-Za-z0-9_-]", "", crit)[:40]
        recs = ev_by.get((rubric, crit)) or ev_by.get(("", crit)) or []
        support = [x for x in recs if not x.get("vetoed")]
        vetoed = [x for x in recs if x.get("vetoed")]
        changed = r["final_level"] != r["level"]
        label = r.get("label") or crit
        toc.append(f'<li><a href="#{anchor}">{_e(label)}</a> — {_level(r["final_level"])}'
                   f'{" <span class=changed>(changed)</span>" if changed else ""}</li>')
        final_row = r if r.get("status") == "adjudicated" else None
        sections.append(
            f'<section class="criterion" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<h2 id="{anchor}-h">{_e(label)} <span class="meta">({_e(rubric)} / {_e(crit)})</span></h2>'
            "<table><tr><th scope=\"row\">Proposed level (engine)</th>"
            f"<td>{_level(r['level'])} {_e(r.get('confidence') or '')}</td></tr>"
            f"<tr><th scope=\"row\">Reviewed level</th><td>{_level(r['final_level'])} "
            f"<span class=status>{_e(r['status'])}</span>"
            f"{' (' + _e(r['review_state']) + ')' if r['review_state'] not in (r['status'], 'pending') else ''}"
            f"{' <span class=changed>changed from the proposal</span>' if changed else ''}</td></tr>"
            f"<tr><th scope=\"row\">Reason</th><td>{_e(r.get('reason'))}</td></tr></table>"
            "<h3>Reviewers</h3>"
            + _reviewers_table((rubric, crit), dec_by.get((rubric, crit)),
                               final_row if final_row is not None else
                               (r if decisions is not None else None))
            + f"<h3>Evidence ({len(support)} passage(s))</h3>" + _evidence_list(support, doc, False)
            + (f"<h3>Vetoed passages ({len(vetoed)})</h3>" + _evidence_list(vetoed, doc, True)
               if vetoed else "")
            + "</section>")
    note = ("" if doc is not None else
            '<p class="note">The document could not be read again from its path, so whole '
            "pages are not shown; passages are.</p>")
    body = (f'<header><nav><a href="index.html">All documents</a></nav><h1>{_e(Path(name).name)}</h1>'
            f'<p class="meta">{_e(name)} · SHA-256 {_e(sha)}'
            f'{" · language " + _e(lang) if lang else ""}</p></header>'
            f'<main id="main"><h2>Summary</h2>{_summary_table(rows, summaries)}{note}'
            f'<h2>Criteria</h2><ol class="toc">{"".join(toc)}</ol>{"".join(sections)}</main>')
    return _page(f"Evidence — {Path(name).name}", body)


def _index_page(rows: pd.DataFrame) -> str:
    parts = ['<table><tr><th scope="col">Document</th><th scope="col">Rubric(s)</th>'
             '<th scope="col">Criteria</th><th scope="col">Reviewed</th>'
             '<th scope="col">Disputed</th><th scope="col">Pending</th>'
             '<th scope="col">Changed by review</th></tr>']
    for sha, g in rows.groupby("document_sha256", sort=False):
        st = g["status"]
        parts.append(
            f'<tr><td><a href="{page_name(sha)}">{_e(Path(str(g["document"].iloc[0])).name)}</a></td>'
            f'<td>{_e(", ".join(sorted(set(g["rubric"].astype(str)))))}</td>'
            f"<td class=num>{len(g)}</td>"
            f"<td class=num>{int(st.isin(('reviewed', 'adjudicated')).sum())}</td>"
            f"<td class=num>{int((g['review_state'] == 'disputed').sum())}</td>"
            f"<td class=num>{int((g['review_state'] == 'pending').sum())}</td>"
            f"<td class=num>{int((g['final_level'] != g['level']).sum())}</td></tr>")
    body = ('<header><h1>Evidence report</h1><p class="meta">Proposed and reviewed levels per '
            "document, with the passages behind them. Reviewed: reviewed or adjudicated; "
            "disputed: reviewers disagree, not adjudicated yet; pending: no decision yet "
            "(the engine's proposal stands, unreviewed).</p></header>"
            f'<main id="main">{"".join(parts)}</table></main>')
    return _page("Evidence report", body)


def write_evidence_report(out_dir: str | os.PathLike, verdicts: pd.DataFrame,
                          evidence: list[dict], *, decisions: pd.DataFrame | None = None,
                          final: pd.DataFrame | None = None,
                          summaries: pd.DataFrame | None = None,
                          documents: Mapping[str, Any] | None = None) -> dict[str, Path]:
    """Write ``index.html`` and one ``doc-<id>.html`` per document into ``out_dir``.

    ``verdicts``: the verdicts table of `rbm docs score`; ``evidence``: its evidence records
    (vetoed ones with ``vetoed``/``veto_reason`` or ``veto_term``, or none); ``decisions`` and
    ``final``: the tables of `rbm review import` (optional); ``summaries``: summary records
    (optional); ``documents``: :class:`~rbm_surveys.docs.document.Document` by SHA-256 for
    page text (default: each document re-read from its path when it is still there and
    unchanged). Returns ``{file name: path}``, ``index.html`` first.
    """
    from rbm_surveys.files import OutputSet, write_text
    from rbm_surveys.review.evidence_io import normalise_evidence

    verdicts = verdicts.astype({c: str for c in ("document", "document_sha256", "rubric",
                                                  "criterion") if c in verdicts})
    if "rubric" not in verdicts:
        verdicts = verdicts.assign(rubric="")
    rows = _merge_final(verdicts, final)
    evidence = normalise_evidence(evidence)
    docs = dict(documents) if documents is not None else _read_documents(verdicts)
    ev_by_doc: dict[str, list[dict]] = {}
    for r in evidence:
        ev_by_doc.setdefault(str(r.get("document_sha256")), []).append(r)
    if decisions is not None:
        decisions = decisions.astype({c: str for c in ("document_sha256", "rubric", "criterion",
                                                        "reviewer", "decision", "final_level",
                                                        "comment") if c in decisions})
    out = Path(out_dir)
    written = {"index.html": out / "index.html"}
    with OutputSet(out) as staging:
        write_text(staging / "index.html", _index_page(rows))
        for sha, g in rows.groupby("document_sha256", sort=False):
            d = decisions[decisions["document_sha256"] == sha] if decisions is not None else None
            name = page_name(sha)
            write_text(staging / name, _document_page(sha, g, ev_by_doc.get(sha, []), d,
                                                      docs.get(sha), summaries))
            written[name] = out / name
    return written
