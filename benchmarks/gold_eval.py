"""Precision and recall of the rubric engine on the hand-labelled gold set, and its speed.

Usage:  python benchmarks/gold_eval.py [--split test|dev|both] [--json out.json] [--details]
        python benchmarks/gold_eval.py --own [--gold tests/data/docs_gold] [--pdf-pages 60]

0. Default: the INDEPENDENT gold set (tests/data/gold_independent, benchmarks/gold_independent.py):
   exact agreement and Cohen's kappa overall / per rubric / per language with bootstrap
   intervals, "present" precision and recall, AQG standards found and band right, evidence
   cited from decoy regions, format invariance — engine beside a keyword baseline. The test
   half (not tuned on) is the evidence; the dev half is in-sample. Everything below (--own) is
   the project's own set, labelled by the rubric author.

1. Quality. For every gold document (tests/data/docs_gold/gold.yaml) the document is read with
   ``read_document`` and scored with ``score_document``. A criterion is *suggested* when the
   engine says present or partial; it is *relevant* when the gold label says present or
   partial. Per rubric: precision = suggested & relevant / suggested, recall = suggested &
   relevant / relevant, and exact level agreement, each with a Wilson 95 % interval
   (Wilson 1927; the score interval of Agresti & Coull 1998, eq. 2).
   Peer: a naive keyword baseline on the same documents in the same run (case-insensitive
   substring search of the rubric's phrases; no token patterns, no vetoes, no co-occurrence,
   no applicability; quantity criteria: pollutant named with a number and a unit => partial).
2. Speed. A PDF of ``--pdf-pages`` pages is built with fpdf2 from the English gold texts;
   figures: text extraction (``read_document``: pypdfium2 + normalisation, quality checks,
   language, segmentation), bare pypdfium2 text for reference, and scoring against every
   shipped rubric, cold (nothing cached: pipelines built, matchers compiled) and warm (a
   new Doc tokenised, matchers and tokenizer cache reused), with the ratios.

The gold labels were written by the rubric author, who also wrote the evidence rules: the
figures measure consistency with one coder, not validity.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "docs_gold"
REFLECTED = ("present", "partial")


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def load_gold(gold_dir: Path = GOLD) -> list[dict]:
    return yaml.safe_load((gold_dir / "gold.yaml").read_text(encoding="utf-8"))["documents"]


def baseline_levels(document, rubric) -> dict[str, str]:
    """The naive peer: substring counts of the rubric's phrases."""
    from rbm_surveys.docs.quantities import _POLL, _VALUE_RX

    text = document.text.lower()
    lang = document.language[:2]
    out = {}
    for c in rubric.criteria:
        if c.quantity:
            hit = any(_POLL.search(text[max(0, m.start() - 120):m.start()])
                      for m in _VALUE_RX.finditer(document.text))
            out[c.id] = "partial" if hit else "absent"
            continue
        r = c.rules(lang)
        n = sum(text.count(p.lower()) for p in (r.phrases if r else ()))
        out[c.id] = "present" if n >= 2 else ("partial" if n == 1 else "absent")
    return out


def evaluate(gold_dir: Path = GOLD) -> tuple[list[dict], dict]:
    """Rows (one per document x criterion) with gold, engine and baseline levels."""
    from rbm_surveys.docs.io import read_document
    from rbm_surveys.docs.rubric import load_rubric
    from rbm_surveys.docs.scoring import score_document

    rows = []
    for g in load_gold(gold_dir):
        doc = read_document(gold_dir / g["file"], language=g.get("language"))
        rubric = load_rubric(g["rubric"], edition=g.get("edition"))
        v = score_document(doc, rubric).verdicts.set_index("criterion")
        base = baseline_levels(doc, rubric)
        for crit, level in g["expected"].items():
            rows.append({"file": g["file"], "rubric": rubric.id, "edition": rubric.edition,
                         "language": doc.language, "criterion": crit, "gold": level,
                         "engine": v.loc[crit, "level"], "band": v.loc[crit, "band"],
                         "gold_band": (g.get("bands") or {}).get(crit, ""),
                         "baseline": base[crit]})
    return rows, {}


def metrics(rows: list[dict], column: str = "engine") -> dict[str, dict]:
    """Per rubric (and 'ALL'): precision, recall, exact agreement with Wilson intervals."""
    out = {}
    for rubric in sorted({r["rubric"] for r in rows}) + ["ALL"]:
        rs = [r for r in rows if rubric in ("ALL", r["rubric"])]
        sug = [r for r in rs if r[column] in REFLECTED]
        rel = [r for r in rs if r["gold"] in REFLECTED]
        tp = sum(1 for r in sug if r["gold"] in REFLECTED)
        exact = sum(1 for r in rs if r[column] == r["gold"])
        out[rubric] = {"n": len(rs), "tp": tp, "n_suggested": len(sug), "n_relevant": len(rel),
                       "precision": tp / len(sug) if sug else math.nan,
                       "precision_ci": wilson(tp, len(sug)),
                       "recall": tp / len(rel) if rel else math.nan,
                       "recall_ci": wilson(tp, len(rel)),
                       "exact": exact / len(rs), "exact_ci": wilson(exact, len(rs))}
    return out


def _pdf(pages: int, gold_dir: Path, path: Path) -> None:
    from fpdf import FPDF

    texts = [(gold_dir / g["file"]).read_text(encoding="utf-8").replace("\f", "\n")
             for g in load_gold(gold_dir) if g["language"] in ("en", "fr", "es")]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for i in range(pages):
        pdf.add_page()
        body = texts[i % len(texts)]
        body = body.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, body)
    pdf.output(str(path))


def speed(pages: int, gold_dir: Path = GOLD, repeat: int = 3) -> dict[str, float]:
    from rbm_surveys.docs import evidence
    from rbm_surveys.docs.io import read_document
    from rbm_surveys.docs.rubric import list_rubrics, load_rubric
    from rbm_surveys.docs.scoring import score_document

    rubrics = [load_rubric(i) for i in list_rubrics()["id"]]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "bench.pdf"
        _pdf(pages, gold_dir, pdf)
        t_read = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            doc = read_document(pdf, language="en")
            t_read.append(time.perf_counter() - t0)
        t_bare = []
        for _ in range(repeat):  # the PDF library alone, no normalisation or segmentation
            import pypdfium2 as pdfium

            t0 = time.perf_counter()
            pdoc = pdfium.PdfDocument(str(pdf))
            _ = [pdoc[i].get_textpage().get_text_range() for i in range(len(pdoc))]
            t_bare.append(time.perf_counter() - t0)
            pdoc.close()
    # cold: nothing cached in this process (spaCy pipelines, matchers, tokenizer chunks)
    evidence.blank.cache_clear()
    for cache in (evidence._COMPILED, evidence._DOCS, evidence._WARM, evidence._BOUNDS):
        cache.clear()
    t0 = time.perf_counter()
    for r in rubrics:
        score_document(doc, r)
    cold = time.perf_counter() - t0
    t_warm = []
    for _ in range(repeat):
        evidence._DOCS.clear()  # a new document: tokenised again, matchers reused
        t0 = time.perf_counter()
        for r in rubrics:
            score_document(doc, r)
        t_warm.append(time.perf_counter() - t0)
    return {"pages": pages, "chars": len(doc.text), "extract_s": min(t_read),
            "bare_s": min(t_bare),
            "score_cold_s": cold, "score_warm_s": min(t_warm), "n_rubrics": len(rubrics)}


def main_independent(args) -> int:
    """The independent gold set (tests/data/gold_independent): test half by default."""
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gold_independent as gi

    splits = ["test", "dev"] if args.split == "both" else [args.split]
    summaries = []
    for split in splits:  # the test half first
        s = gi.summarise(gi.score_split(split), reps=args.reps)
        summaries.append(s)
        print(gi.format_report(s, details=args.details))
        print()
    if args.json:
        from rbm_surveys.files import write_text

        write_text(args.json, json.dumps(gi.json_safe(
            {"gold": "tests/data/gold_independent", "halves": summaries}), indent=1,
            ensure_ascii=False) + "\n")
        print(f"JSON written to {args.json}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Engine vs gold: the independent gold set (default: its test half, not "
                    "tuned on) or, with --own, the project's own in-sample set and speed.")
    ap.add_argument("--split", choices=["test", "dev", "both"], default="test",
                    help="independent gold set half (default test; both = test then dev)")
    ap.add_argument("--json", type=Path, help="also write all figures as JSON here")
    ap.add_argument("--reps", type=int, default=2000, help="bootstrap replicates")
    ap.add_argument("--own", action="store_true",
                    help="the project's own gold set (tests/data/docs_gold) + speed instead")
    ap.add_argument("--gold", type=Path, default=None, help="with --own: another gold folder")
    ap.add_argument("--pdf-pages", type=int, default=60)
    ap.add_argument("--details", action="store_true", help="print every disagreement")
    args = ap.parse_args(argv)
    if not args.own and args.gold is None:
        return main_independent(args)
    args.gold = args.gold or GOLD
    rows, _ = evaluate(args.gold)
    eng, base = metrics(rows, "engine"), metrics(rows, "baseline")
    print(f"Gold set: {len({r['file'] for r in rows})} documents, {len(rows)} criterion labels "
          f"({', '.join(sorted({r['language'] for r in rows}))})")
    print(f"{'rubric':32} {'n':>3}  {'precision [95% CI]':>22}  {'recall [95% CI]':>22}  "
          f"{'exact':>5} | baseline P / R / exact | ratio P, R")
    for k, m in eng.items():
        b = base[k]
        print(f"{k:32} {m['n']:>3}  {m['precision']:.2f} [{m['precision_ci'][0]:.2f}, "
              f"{m['precision_ci'][1]:.2f}]      {m['recall']:.2f} [{m['recall_ci'][0]:.2f}, "
              f"{m['recall_ci'][1]:.2f}]      {m['exact']:.2f} | {b['precision']:.2f} / "
              f"{b['recall']:.2f} / {b['exact']:.2f} | {m['precision'] / b['precision']:.2f}, "
              f"{m['recall'] / b['recall']:.2f}")
    for lang in sorted({r["language"] for r in rows}):
        m = metrics([r for r in rows if r["language"] == lang])["ALL"]
        print(f"  language {lang}: n={m['n']:>3}  precision {m['precision']:.2f} "
              f"[{m['precision_ci'][0]:.2f}, {m['precision_ci'][1]:.2f}]  recall "
              f"{m['recall']:.2f} [{m['recall_ci'][0]:.2f}, {m['recall_ci'][1]:.2f}]  "
              f"exact {m['exact']:.2f}")
    band_rows = [r for r in rows if r["gold_band"]]
    ok = sum(1 for r in band_rows if r["band"] == r["gold_band"])
    print(f"WHO AQG bands: {ok}/{len(band_rows)} standards placed in the expected band")
    if args.details:
        for r in rows:
            if r["engine"] != r["gold"]:
                print(f"  {r['file']:36} {r['criterion']:28} gold={r['gold']:15} "
                      f"engine={r['engine']}")
    if args.pdf_pages > 0:
        try:
            s = speed(args.pdf_pages, args.gold)
        except ImportError as exc:
            print(f"speed: skipped ({exc})")
        else:
            print(f"Speed on a {s['pages']}-page PDF ({s['chars']:,} chars), "
                  f"{s['n_rubrics']} rubrics:")
            print(f"  text extraction (read_document)      {s['extract_s'] * 1000:8.1f} ms")
            print(f"  bare pypdfium2 text (peer reference)  {s['bare_s'] * 1000:8.1f} ms")
            print(f"  scoring, all rubrics, cold (compile) {s['score_cold_s'] * 1000:8.1f} ms"
                  f"  = {s['score_cold_s'] / s['extract_s']:.0%} of extraction")
            print(f"  scoring, all rubrics, warm           {s['score_warm_s'] * 1000:8.1f} ms"
                  f"  = {s['score_warm_s'] / s['extract_s']:.0%} of extraction, "
                  f"{s['score_warm_s'] / s['bare_s']:.0%} of bare pypdfium2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
