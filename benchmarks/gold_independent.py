"""Agreement of the document engine with the INDEPENDENT gold set (tests/data/gold_independent).

Run through ``python benchmarks/gold_eval.py`` (default: the test half) — see its --help.

The gold set was written and labelled by a helper who did not read the engine's evidence rules
(docs/evaluation.md). The engine is used as a black box through the public API
(``read_document``, ``load_rubric``, ``score_document``); no language is passed, so language
detection is part of what is measured.

Figures, each for the engine and for a simple keyword baseline on the same files in the same run:

* exact level agreement and Cohen's (1960) unweighted kappa over the five levels, overall, per
  rubric and per gold language, with 95 % percentile intervals from a seeded bootstrap that
  resamples *texts* (a same-text pair is one unit, so the two files of a pair move together);
* "present" precision and recall (engine says present / gold says present);
* WHO AQG: standards found and band right (definitions in docs/evaluation.md);
* evidence passages cited as support (not vetoed) that lie in a decoy region of the gold file
  (``decoy_quotes``: negations, hypotheticals, tables of contents, references, consultation
  lists, template rows, title blocks);
* format invariance: files marked ``same_text_as`` must get identical levels.

The keyword baseline: a criterion is "present" when at least half of the content words of its
English label (rubric ``label``; words of 4+ letters, a small stop list removed; PM2.5/NO2/...
tokens kept) occur in the document text, else "absent". It never says partial, never vetoes.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "data" / "gold_independent"
LEVELS = ("present", "partial", "absent", "not_applicable", "not_determinable")
SPLIT_TITLE = {
    "test": "test half — not tuned on",
    "dev": "dev half — tuned on (in-sample)",
}
_STOP = {
    "with", "from", "that", "this", "into", "their", "over", "across", "where", "which",
    "measures", "named", "level", "mean", "hour", "cities", "city", "local", "land", "women",
}


def load_labels(split: str, gold_dir: Path = GOLD_DIR) -> list[dict]:
    """The label rows of one half (``dev`` or ``test``)."""
    path = gold_dir / split / "labels.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["documents"]


# --------------------------------------------------------------------------- normalisation
def norm(text: str) -> str:
    """NFKC, case-folded, table bars and bullets removed, whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"[|•\u00ad]", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    # a line break inside Chinese text becomes a space in some extractions: drop spaces
    # next to CJK characters
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) | (?=[\u3000-\u9fff\uff00-\uffef])", "", t)


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _quote_pattern(quote: str) -> re.Pattern | None:
    """A pattern finding ``quote`` in extracted text whatever the line breaks, table-cell
    separators, bullets or case."""
    tokens = re.findall(r"\w+", unicodedata.normalize("NFKC", quote))
    if not tokens:
        return None
    parts = [r"\s*".join(map(re.escape, t)) if _CJK.search(t) else re.escape(t) for t in tokens]
    return re.compile(r"[\W_]*".join(parts), re.IGNORECASE)


def decoy_spans(text: str, quotes: list[str], toc_entries: list[str] = ()) -> tuple[list, list]:
    """Character spans of the decoy regions in a document's text: every occurrence of each
    decoy quote, the first occurrence of each table-of-contents entry. Quotes that cannot be
    located (e.g. digits reordered in an Arabic PDF text layer) are returned apart."""
    spans, unlocated = [], []
    for q, first_only in [(q, False) for q in quotes] + [(q, True) for q in toc_entries]:
        pat = _quote_pattern(q)
        hits = list(pat.finditer(text)) if pat else []
        if not hits:
            unlocated.append(q)
            continue
        spans += [(m.start(), m.end()) for m in (hits[:1] if first_only else hits)]
    return spans, unlocated


def evidence_in_decoy(ev: dict, spans: list, unlocated: list[str]) -> bool:
    """Whether an evidence record's match lies inside a decoy span (by its offsets), or, for
    quotes that could not be located, inside the quote's text."""
    start, end = ev.get("start"), ev.get("end")
    if start is not None and end is not None:
        if any(a <= start and end <= b for a, b in spans):
            return True
        return bool(unlocated) and in_decoy(ev.get("text", ""), ev.get("passage", ""), unlocated)
    return in_decoy(ev.get("text", ""), ev.get("passage", ""), unlocated)


def in_decoy(match: str, passage: str, quotes: list[str]) -> bool:
    """Whether an evidence match (inside ``passage``) lies in one of the decoy quotes."""
    m, p = norm(match), norm(passage)
    if not m:
        return False
    for q in quotes:
        nq = norm(q)
        if not nq:
            continue
        if p and p in nq:  # the whole passage is decoy text
            return True
        start = p.find(nq)
        while start >= 0:  # the match falls inside the decoy part of the passage
            j = p.find(m, max(0, start - len(m) + 1))
            while 0 <= j < start + len(nq):
                if j >= start and j + len(m) <= start + len(nq):
                    return True
                j = p.find(m, j + 1)
            start = p.find(nq, start + 1)
        if not p and m in nq:
            return True
    return False


# --------------------------------------------------------------------------- baseline
def label_words(label: str) -> list[str]:
    """Content words of a criterion label (the baseline's keywords)."""
    words = re.findall(r"[a-z0-9][a-z0-9.]*[a-z0-9]|[a-z0-9]", label.lower())
    keep = []
    for w in words:
        if re.fullmatch(r"(pm\d+(\.\d+)?|no2|so2|o3|co|\d+-?\w*)", w) or (len(w) >= 4 and w not in _STOP):
            keep.append(w)
    return keep


def baseline_levels(text: str, rubric) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Keyword baseline: present when ≥ half of the label's content words occur in the text.
    Returns the levels and, per criterion called present, the lines it rests on."""
    low = norm(text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    levels, support = {}, {}
    for c in rubric.criteria:
        words = label_words(c.label)
        hit = [w for w in words if w in low]
        ok = bool(words) and len(hit) * 2 >= len(words)
        levels[c.id] = "present" if ok else "absent"
        if ok:
            support[c.id] = [ln for ln in lines if any(w in norm(ln) for w in hit)]
    return levels, support


# --------------------------------------------------------------------------- scoring
def score_split(split: str, gold_dir: Path = GOLD_DIR) -> dict:
    """Score every file of a half with the engine and the baseline."""
    from rbm_surveys import load_rubric, read_document, score_document

    rows, files = [], []
    for g in load_labels(split, gold_dir):
        path = gold_dir / split / g["file"]
        doc = read_document(path)
        rubric = load_rubric(g["rubric"], edition=g.get("edition"))
        score = score_document(doc, rubric)
        v = score.verdicts.set_index("criterion")["level"].astype(str).to_dict()
        missing = sorted(set(g["expected"]) - set(v))
        for c in missing:  # a criterion the shipped rubric lacks: the engine says nothing
            v[c] = "absent"
        base, base_support = baseline_levels(doc.text, rubric)
        for c in missing:
            base[c] = "absent"
        quotes = g.get("decoy_quotes", [])
        spans, unlocated = decoy_spans(doc.text, quotes, g.get("decoy_toc_entries", []))
        decoy_hits = []
        quantity_found = set()
        for ev in score.evidence:
            if ev.get("vetoed"):
                continue
            if ev.get("value") is not None and ev.get("pollutant"):
                quantity_found.add(ev["criterion"])
            if evidence_in_decoy(ev, spans, unlocated):
                decoy_hits.append({"criterion": ev["criterion"], "text": ev.get("text", ""),
                                   "passage": ev.get("passage", "")[:160]})
        base_decoy = sum(1 for crit, lines in base_support.items() for ln in lines
                         if in_decoy(ln, ln, quotes + g.get("decoy_toc_entries", [])))
        unit = g["file"].rsplit(".", 1)[0]
        files.append({"file": g["file"], "unit": unit, "rubric": g["rubric"],
                      "language": g["language"], "detected_language": doc.language,
                      "format": g["format"], "same_text_as": g.get("same_text_as"),
                      "engine": {c: v[c] for c in g["expected"]}, "missing_criteria": missing,
                      "baseline": {c: base[c] for c in g["expected"]},
                      "decoy_hits": decoy_hits, "baseline_decoy_hits": base_decoy,
                      "n_support": sum(1 for ev in score.evidence if not ev.get("vetoed")),
                      "band": score.summary.get("band", ""),
                      "standards": g.get("standards", []), "quantity_found": sorted(quantity_found)})
        for crit, gold in g["expected"].items():
            rows.append({"file": g["file"], "unit": unit, "rubric": g["rubric"],
                         "language": g["language"], "format": g["format"],
                         "criterion": crit, "gold": gold,
                         "engine": v[crit], "baseline": base[crit]})
    return {"split": split, "rows": rows, "files": files}


# --------------------------------------------------------------------------- statistics
def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's (1960) unweighted kappa of (gold, predicted) pairs: (p_o - p_e) / (1 - p_e)."""
    n = len(pairs)
    if n == 0:
        return math.nan
    po = sum(a == b for a, b in pairs) / n
    ga, pb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ga[k] * pb[k] for k in set(ga) | set(pb)) / (n * n)
    return math.nan if pe == 1 else (po - pe) / (1 - pe)


def agreement(rows: list[dict], col: str) -> dict:
    pairs = [(r["gold"], r[col]) for r in rows]
    n = len(pairs)
    return {"n": n, "exact": sum(a == b for a, b in pairs) / n if n else math.nan,
            "kappa": kappa(pairs)}


def present_pr(rows: list[dict], col: str) -> dict:
    tp = sum(1 for r in rows if r[col] == "present" and r["gold"] == "present")
    said = sum(1 for r in rows if r[col] == "present")
    rel = sum(1 for r in rows if r["gold"] == "present")
    return {"precision": tp / said if said else math.nan, "recall": tp / rel if rel else math.nan,
            "tp": tp, "n_said": said, "n_gold": rel}


def bootstrap(rows: list[dict], col: str, reps: int = 2000, seed: int = 15) -> dict:
    """95 % percentile intervals of exact agreement and kappa, resampling texts (units)."""
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_unit[r["unit"]].append(r)
    units = sorted(by_unit)
    if len(units) < 2:
        nan2 = (math.nan, math.nan)
        return {"exact_ci": nan2, "kappa_ci": nan2, "precision_ci": nan2, "recall_ci": nan2}
    rng = random.Random(seed)
    ex, ka, pr, rc = [], [], [], []
    for _ in range(reps):
        sample = [r for _u in range(len(units)) for r in by_unit[units[rng.randrange(len(units))]]]
        a = agreement(sample, col)
        ex.append(a["exact"])
        if not math.isnan(a["kappa"]):
            ka.append(a["kappa"])
        p = present_pr(sample, col)
        if not math.isnan(p["precision"]):
            pr.append(p["precision"])
        if not math.isnan(p["recall"]):
            rc.append(p["recall"])

    def pct(xs: list[float]) -> tuple[float, float]:
        if not xs:
            return (math.nan, math.nan)
        xs = sorted(xs)
        return (xs[int(0.025 * (len(xs) - 1))], xs[int(math.ceil(0.975 * (len(xs) - 1)))])

    return {"exact_ci": pct(ex), "kappa_ci": pct(ka), "precision_ci": pct(pr),
            "recall_ci": pct(rc)}


def aqg_standards(files: list[dict], rows: list[dict], col: str) -> dict:
    """Standards found and band right (docs/evaluation.md)."""
    level = {(r["file"], r["criterion"]): (r["gold"], r[col]) for r in rows}
    n = found = right = n_meet = found_meet = 0
    for f in files:
        for s in f["standards"]:
            gold, got = level[(f["file"], s["criterion"])]
            n += 1
            right += gold == got
            if gold in ("present", "partial"):
                n_meet += 1
                found_meet += got not in ("absent", "not_determinable", "not_applicable")
            if col == "engine":
                found += s["criterion"] in f["quantity_found"] or got in ("present", "partial")
            else:
                found += got in ("present", "partial")
    return {"n_standards": n, "found": found, "band_right": right,
            "n_meeting_a_target": n_meet, "found_meeting_a_target": found_meet}


def invariance(files: list[dict], col: str) -> dict:
    by_file = {f["file"]: f for f in files}
    pairs = diffs = 0
    detail = []
    for f in files:
        other = f.get("same_text_as")
        if not other or other not in by_file or f["file"] > other:
            continue
        pairs += 1
        a, b = f[col], by_file[other][col]
        d = [c for c in a if a[c] != b.get(c)]
        if d:
            diffs += 1
            detail.append({"files": [f["file"], other], "criteria": d})
    return {"pairs": pairs, "pairs_identical": pairs - diffs, "differences": detail}


def summarise(result: dict, reps: int = 2000) -> dict:
    """All figures of one half, engine and baseline."""
    rows, files = result["rows"], result["files"]
    out: dict = {"split": result["split"], "title": SPLIT_TITLE[result["split"]],
                 "n_files": len(files), "n_texts": len({f["unit"] for f in files}),
                 "n_labels": len(rows)}
    for col in ("engine", "baseline"):
        m: dict = {"overall": {**agreement(rows, col), **bootstrap(rows, col, reps)}}
        m["by_rubric"] = {k: {**agreement(rs, col), **bootstrap(rs, col, reps)}
                          for k, rs in _group(rows, "rubric").items()}
        m["by_language"] = {k: {**agreement(rs, col), **bootstrap(rs, col, reps)}
                            for k, rs in _group(rows, "language").items()}
        m["by_format"] = {k: {**agreement(rs, col), **bootstrap(rs, col, reps)}
                          for k, rs in _group(rows, "format").items()}
        m["present"] = present_pr(rows, col)
        m["present"].update({k: m["overall"][k] for k in ("precision_ci", "recall_ci")})
        m["aqg"] = aqg_standards([f for f in files if f["rubric"] == "who_aqg"],
                                 [r for r in rows if r["rubric"] == "who_aqg"], col)
        m["invariance"] = invariance(files, col)
        if col == "engine":
            m["decoy_citations"] = sum(len(f["decoy_hits"]) for f in files)
            m["support_citations"] = sum(f["n_support"] for f in files)
            m["decoy_detail"] = [dict(file=f["file"], **h) for f in files for h in f["decoy_hits"]]
        else:
            m["decoy_citations"] = sum(f["baseline_decoy_hits"] for f in files)
        out[col] = m
    out["missing_criteria"] = sorted({c for f in files for c in f["missing_criteria"]})
    out["confusion"] = {f"{g}->{e}": n for (g, e), n in sorted(
        Counter((r["gold"], r["engine"]) for r in rows).items())}
    out["disagreements"] = [
        {k: r[k] for k in ("file", "criterion", "gold", "engine")}
        for r in rows if r["gold"] != r["engine"]]
    return out


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    g: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        g[r[key]].append(r)
    return dict(sorted(g.items()))


# --------------------------------------------------------------------------- report
def _ci(x: tuple[float, float]) -> str:
    return f"[{x[0]:.2f}, {x[1]:.2f}]"


def format_report(s: dict, details: bool = False) -> str:
    e, b = s["engine"], s["baseline"]
    lines = [
        "=" * 96,
        f"INDEPENDENT GOLD SET — {s['title'].upper()}",
        f"{s['n_files']} files ({s['n_texts']} texts), {s['n_labels']} criterion labels. "
        "Intervals: 95 % bootstrap over texts.",
        "=" * 96,
        f"{'group':44} {'n':>4} | {'engine exact':>20} {'engine kappa':>21} | "
        f"{'baseline exact':>14} {'kappa':>6}",
    ]

    def line(name: str, me: dict, mb: dict) -> str:
        return (f"{name:44} {me['n']:>4} | {me['exact']:.2f} {_ci(me['exact_ci']):>14} "
                f"{me['kappa']:>6.2f} {_ci(me['kappa_ci']):>14} | {mb['exact']:>14.2f} "
                f"{mb['kappa']:>6.2f}")

    lines.append(line("ALL", e["overall"], b["overall"]))
    for k in e["by_rubric"]:
        lines.append(line(f"  rubric {k}", e["by_rubric"][k], b["by_rubric"][k]))
    for k in e["by_language"]:
        lines.append(line(f"  language {k}", e["by_language"][k], b["by_language"][k]))
    for k in e["by_format"]:
        lines.append(line(f"  format {k}", e["by_format"][k], b["by_format"][k]))
    pe, pb = e["present"], b["present"]
    lines.append(f'"present" precision / recall: engine {pe["precision"]:.2f} '
                 f'{_ci(pe["precision_ci"])} / {pe["recall"]:.2f} {_ci(pe["recall_ci"])} '
                 f'({pe["tp"]} of {pe["n_said"]} said, {pe["n_gold"]} in gold); '
                 f'baseline {pb["precision"]:.2f} / {pb["recall"]:.2f}')
    ae, ab = e["aqg"], b["aqg"]
    if ae["n_standards"]:
        lines.append(
            f"WHO AQG standards: {ae['n_standards']} in gold; engine found {ae['found']} "
            f"({ae['found'] / ae['n_standards']:.0%}), band right {ae['band_right']} "
            f"({ae['band_right'] / ae['n_standards']:.0%}); of the {ae['n_meeting_a_target']} "
            f"meeting a WHO level, found (level not absent) {ae['found_meeting_a_target']} | "
            f"baseline found {ab['found']}, band right {ab['band_right']}")
    lines.append(f"Evidence cited as support inside decoy regions: engine {e['decoy_citations']} "
                 f"(of {e['support_citations']} support passages); baseline "
                 f"{b['decoy_citations']} keyword lines")
    ie, ib = e["invariance"], b["invariance"]
    lines.append(f"Format invariance (same_text_as pairs): engine {ie['pairs_identical']}/"
                 f"{ie['pairs']} identical; baseline {ib['pairs_identical']}/{ib['pairs']}")
    for d in ie["differences"]:
        lines.append(f"    differ: {d['files'][0]} vs {d['files'][1]}: {', '.join(d['criteria'])}")
    if s["missing_criteria"]:
        lines.append("Criteria not in the shipped rubric (counted as absent): "
                     + ", ".join(s["missing_criteria"]))
    lines.append("Confusion gold->engine: " + ", ".join(f"{k} {v}" for k, v in s["confusion"].items()))
    if details:
        lines.append("Disagreements:")
        for r in s["disagreements"]:
            lines.append(f"    {r['file']:38} {r['criterion']:28} gold={r['gold']:16} engine={r['engine']}")
        lines.append("Decoy citations:")
        for h in e["decoy_detail"]:
            lines.append(f"    {h['file']:38} {h['criterion']:28} {h['text']!r} in {h['passage']!r}")
    if s["split"] == "dev":
        lines.append("NOTE: the engine may be tuned on the dev half: these in-sample figures are "
                     "not evidence of accuracy on documents it has not seen.")
    return "\n".join(lines)


def json_safe(obj):
    """NaN → None, tuples → lists, for ``json.dumps``."""
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj
