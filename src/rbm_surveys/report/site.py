"""The partners' platform: a static, self-contained, interactive website from the register.

``write_site(register, out_dir)`` writes::

    index.html                  areas and outcomes with status, filters, bottlenecks
    indicator-RF0197.html …     one page per framework row: baseline, targets, values over
                                time per location, disaggregations with CI bars (suppressed
                                cells marked), documents behind a count
    doc-<sha12>-<rubric>.html   a document's reviewed verdicts with highlighted evidence
    assets/                     site.css, site.js and the Vega, Vega-Lite, Vega-Embed builds

Everything the pages need is in the folder (scripts and styles are bundled in the package,
``data/site/``; the data sit in each page as JSON), so the site works offline from file://,
from any web server or file share. Charts are Vega-Lite specifications drawn by the bundled
Vega-Embed. Filters (location, year, status) are plain ``<select>`` elements: keyboard
usable; the filtered state is kept in the address (``#location=…&year=…``).

Evidence drill-down: the document pages are written here from the register's document
results and the evidence JSONL registered with them (``documents[].evidence`` in the compute
config); the review side's full HTML evidence report
(``rbm_surveys.report.evidence.write_evidence_report``) is also written into ``evidence/``
from the same final verdicts and evidence, and each document page links to its page there.
"""

from __future__ import annotations

import html
import json
import math
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.files import write_bytes, write_text

__all__ = ["write_site", "SITE_ASSETS"]

SITE_ASSETS = ("site.css", "site.js", "vendor/vega.min.js", "vendor/vega-lite.min.js",
               "vendor/vega-embed.min.js")
_STATUS_CLASS = {"2023 target met": "met", "met": "met", "on track": "on",
                 "behind the path": "behind", "below the yearly change": "behind",
                 "no progress": "none"}
_STATUS_COLOURS = {"2023 target met": "#0a6b2e", "met": "#0a6b2e", "on track": "#1d6a96",
                   "behind the path": "#b07400", "below the yearly change": "#b07400",
                   "no progress": "#a1221b", "no target": "#6b6b6b", "baseline round": "#9a9a9a",
                   "needs an earlier round": "#9a9a9a"}
_PLACE_NAMES = {"goal": "Goal", "area": "Domain of change (area level)", "outcome": "Outcome",
                "cross_cutting": "Cross-cutting: resilience and safety",
                "social_inclusion": "Social inclusion", "centre_of_excellence":
                "UN-Habitat as a centre of excellence (卓越中心)", "enablers":
                "Organisational enablers"}


def _e(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return html.escape(str(x), quote=True)


def _fmt(value, scale: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    if scale == "proportion":
        return f"{v:.1%}"
    if scale == "usd":
        return f"US$ {v:,.0f}"
    return f"{v:,.0f}" if v == round(v) else f"{v:,.3g}"


def _status(s: str) -> str:
    cls = _STATUS_CLASS.get(s, "na")
    return f'<span class="status status-{cls}">{_e(s)}</span>'


def _page(title: str, body: str, data: dict, depth: str = "") -> str:
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="stylesheet" href="{depth}assets/site.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
{body}
<script id="page-data" type="application/json">{payload}</script>
<script src="{depth}assets/vega.min.js"></script>
<script src="{depth}assets/vega-lite.min.js"></script>
<script src="{depth}assets/vega-embed.min.js"></script>
<script src="{depth}assets/site.js"></script>
</body>
</html>
"""


def _header(programme: str, generated: str, crumbs: str = "") -> str:
    return (f'<header><div><a href="index.html">{_e(programme)}</a>{crumbs}</div>'
            f"<p>Results framework monitoring — UN-Habitat Strategic Plan 2020–2023 · "
            f"generated {generated} by rbm_surveys</p></header>")


def _select(name: str, label: str, options: list) -> str:
    opts = "".join(f'<option value="{_e(o)}">{_e(o)}</option>' for o in options)
    return (f'<label for="f-{name}">{_e(label)}<select id="f-{name}" data-filter="{name}">'
            f'<option value="">all</option>{opts}</select></label>')


def _filters(locations, years, statuses=None) -> str:
    parts = [_select("location", "Location", locations), _select("year", "Year", years)]
    if statuses is not None:
        parts.append(_select("status", "Status", statuses))
    return ('<form class="filters" aria-label="Filters" onsubmit="return false">'
            + "".join(parts) + '<button type="button" id="reset-filters">Show all</button>'
            '<span id="filter-count" aria-live="polite" class="note"></span></form>')


def _clean(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        out.append({k: (None if isinstance(v, float) and (math.isnan(v) or math.isinf(v))
                        else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()})
    return out


# --------------------------------------------------------------------------- charts
def _status_chart(prog: pd.DataFrame) -> dict:
    data = prog.assign(group=np.where(prog["outcome"] != "", "Outcome " + prog["outcome"],
                                      prog["place"].map(_PLACE_NAMES).fillna(prog["place"])))
    values = _clean(data[["group", "location", "year", "status", "framework_id"]]
                    .to_dict("records"))
    order = [s for s in _STATUS_COLOURS if s in set(prog["status"])]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Indicator values by status and outcome",
        "data": {"values": values}, "width": 520,
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": None, "sort": "ascending"},
            "x": {"aggregate": "count", "type": "quantitative", "title": "values (location × year)"},
            "color": {"field": "status", "type": "nominal", "title": "Status",
                      "scale": {"domain": order, "range": [_STATUS_COLOURS[s] for s in order]}},
            "order": {"field": "status"}},
    }


def _time_chart(row: pd.Series, values: pd.DataFrame, prog: pd.DataFrame) -> dict:
    pct = row["scale"] == "proportion"
    k = 100.0 if pct else 1.0
    pts = []
    if not math.isnan(row["baseline"]):
        pts.append({"series": "framework baseline and targets", "year": int(row["baseline_year"]),
                    "value": row["baseline"] * k})
    for y in (2020, 2021, 2022, 2023):
        t = row[f"target_{y}"]
        if not math.isnan(t) and row["target_kind"] == "level":
            pts.append({"series": "framework baseline and targets", "year": y, "value": t * k})
    own = prog[(prog["baseline_from"] != "framework") & prog["target_2023"].notna()
               & prog["baseline"].notna() & (prog["target_kind"] == "level")]
    for r in own.drop_duplicates("location").itertuples(index=False):
        # the location's own path: its baseline to its 2023 target
        for y, v in ((int(r.baseline_year), r.baseline), (2023, r.target_2023)):
            pts.append({"series": f"path: {r.location}", "location": r.location, "year": y,
                        "value": float(v) * k})
    vals = []
    for r in values.itertuples(index=False):
        se = r.se if r.se is not None else float("nan")
        lo = r.ci_low if not pd.isna(r.ci_low) else (r.value - 1.96 * se if not pd.isna(se)
                                                     else None)
        hi = r.ci_high if not pd.isna(r.ci_high) else (r.value + 1.96 * se if not pd.isna(se)
                                                       else None)
        vals.append({"series": r.location, "location": r.location, "year": int(r.year),
                     "value": r.value * k, "lo": None if lo is None else lo * k,
                     "hi": None if hi is None else hi * k, "review": r.review_status or ""})
    unit = "%" if pct else ("US$" if row["scale"] == "usd" else "count")
    x = {"field": "year", "type": "ordinal", "title": "Year"}
    layers = []
    if pts:
        layers.append({"data": {"values": _clean(pts)},
                       "mark": {"type": "line", "point": True, "strokeDash": [6, 4]},
                       "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                                  "title": unit},
                                    "color": {"field": "series", "type": "nominal",
                                              "title": "Series"}}})
    if vals:
        layers.append({"data": {"values": _clean(vals)}, "mark": {"type": "rule"},
                       "encoding": {"x": x, "y": {"field": "lo", "type": "quantitative"},
                                    "y2": {"field": "hi"},
                                    "color": {"field": "series", "type": "nominal"}}})
        layers.append({"data": {"values": _clean(vals)},
                       "mark": {"type": "line", "point": {"size": 70}, "tooltip": True},
                       "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                                  "title": unit},
                                    "color": {"field": "series", "type": "nominal"}}})
    # the filter works on a flat data array: keep every layer's rows in one list
    flat = _clean(pts) + _clean(vals)
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "description": f"{row['framework_id']} over time", "width": 520, "height": 260,
            "data": {"values": flat}, "layer": _layers_on_flat(layers)}


def _layers_on_flat(layers: list[dict]) -> list[dict]:
    """Each layer filters the shared data by its kind (targets have no ``lo``)."""
    out = []
    for layer in layers:
        layer = dict(layer)
        layer.pop("data", None)
        kind = layer["mark"]["type"]
        if kind == "rule":
            test = "isValid(datum.lo) && isValid(datum.hi)"
        elif layer["mark"].get("strokeDash"):
            test = "!isValid(datum.location) || indexof(datum.series, 'path: ') == 0"
        else:
            test = "isValid(datum.location) && indexof(datum.series, 'path: ') != 0"
        layer["transform"] = [{"filter": test}]
        out.append(layer)
    return out


def _disagg_chart(row: pd.Series, d: pd.DataFrame) -> dict:
    k = 100.0 if row["scale"] == "proportion" else 1.0
    vals = []
    for r in d.itertuples(index=False):
        sup = bool(r.suppressed)
        vals.append({"group": f"{r.disaggregation}: {r.level}", "disaggregation": r.disaggregation,
                     "round": f"{r.location} {int(r.year)}",
                     "level": str(r.level), "location": r.location, "year": int(r.year),
                     "value": None if sup or pd.isna(r.value) else r.value * k,
                     "lo": None if sup or pd.isna(r.ci_low) else r.ci_low * k,
                     "hi": None if sup or pd.isna(r.ci_high) else r.ci_high * k,
                     "label": "suppressed (small cell)" if sup else "",
                     "zero": 0, "n": None if pd.isna(r.n) else int(r.n)})
    unit = "%" if k == 100 else "value"
    y = {"field": "group", "type": "nominal", "title": None, "sort": None}
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "description": f"{row['framework_id']} by disaggregation", "width": 420,
            "data": {"values": _clean(vals)},
            "layer": [
                {"transform": [{"filter": "isValid(datum.lo)"}], "mark": "rule",
                 "encoding": {"y": y, "x": {"field": "lo", "type": "quantitative",
                                            "title": f"estimate and 95% CI ({unit})"},
                              "x2": {"field": "hi"}}},
                {"transform": [{"filter": "isValid(datum.value)"}],
                 "mark": {"type": "point", "filled": True, "size": 60, "tooltip": True},
                 "encoding": {"y": y, "x": {"field": "value", "type": "quantitative"},
                              "color": {"field": "round", "type": "nominal",
                                        "title": "Location and year"}}},
                {"transform": [{"filter": "datum.label != ''"}],
                 "mark": {"type": "text", "align": "left", "dx": 4, "fontStyle": "italic",
                          "color": "#a1221b"},
                 "encoding": {"y": y, "x": {"field": "zero", "type": "quantitative"},
                              "text": {"field": "label"}}}]}


# --------------------------------------------------------------------------- pages
def _progress_rows(prog: pd.DataFrame, scale_of: dict, with_title: bool) -> str:
    rows = []
    for r in prog.itertuples(index=False):
        sc = scale_of.get(r.framework_id, "")
        title = (f'<td><a href="indicator-{_e(r.framework_id)}.html">{_e(r.title_en)}</a>'
                 f'<br><span class="zh" lang="zh">{_e(r.indicator)}</span> '
                 f'<span class="badge">{_e(r.framework_id)}</span></td>') if with_title else ""
        review = f'<br><span class="badge">{_e(r.review_status)}</span>' if r.review_status else ""
        rows.append(
            f'<tr data-row data-location="{_e(r.location)}" data-year="{int(r.year)}" '
            f'data-status="{_e(r.status)}">{title}<td>{_e(r.location)}</td>'
            f'<td class="num">{int(r.year)}</td><td class="num">{_fmt(r.value, sc)}{review}</td>'
            f'<td class="num">{_fmt(r.baseline, sc)}</td><td class="num">{_fmt(r.path_value, sc)}'
            f'</td><td class="num">{_fmt(r.target_2023, sc)}</td><td>{_status(r.status)}'
            f'<br><span class="note">{_e(r.significance)}</span></td></tr>')
    head = ("<th scope=col>Indicator</th>" if with_title else "")
    return (f"<table><caption>Values and progress (rule: docs/framework.md)</caption><thead><tr>"
            f"{head}<th scope=col>Location</th><th scope=col>Year</th><th scope=col>Value</th>"
            "<th scope=col>Baseline</th><th scope=col>Path for the year</th>"
            "<th scope=col>2023 target</th><th scope=col>Status</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _group_name(outcome: str) -> str:
    return f"Outcome {outcome}" if outcome[:1].isdigit() else _PLACE_NAMES.get(outcome, outcome)


def _index(programme, generated, framework, prog, bottle, roll) -> tuple[str, dict]:
    locations = sorted(set(prog["location"]))
    years = sorted({int(y) for y in prog["year"]})
    statuses = [s for s in _STATUS_COLOURS if s in set(prog["status"])]
    scale_of = dict(zip(framework["framework_id"], framework["scale"]))
    cards = []
    for r in roll.itertuples(index=False):
        name = _group_name(r.outcome)
        cards.append(f'<div class="card"><h3>{_e(name)}</h3><p>{r.met_or_on_track} of '
                     f'{r.assessed} on track or met · {r.off_track} off track</p></div>')
    brows = "".join(
        f'<tr data-row data-location="{_e(b.location)}" data-year="{int(b.year)}" '
        f'data-status="{_e(b.status)}"><td>{_e(_group_name(b.outcome))}</td><td><a href="indicator-'
        f'{_e(b.framework_id)}.html">{_e(b.title_en)}</a></td><td>{_e(b.location)}</td>'
        f'<td class="num">{int(b.year)}</td><td>{_status(b.status)}</td></tr>'
        for b in bottle.itertuples(index=False))
    all_rows = "".join(
        f'<tr><td><a href="indicator-{_e(r.framework_id)}.html">{_e(r.framework_id)}</a></td>'
        f'<td>{_e(_PLACE_NAMES.get(r.place, r.place))}{" " + _e(r.outcome) if r.outcome else ""}'
        f'</td><td>{_e(r.title_en)}{" — " + _e(r.subset_en) if r.subset_en else ""}<br>'
        f'<span class="zh" lang="zh">{_e(r.indicator)}{" · " + _e(r.subset) if r.subset else ""}'
        f'</span></td></tr>' for r in framework.itertuples(index=False))
    body = (_header(programme, generated) + '<main id="main"><h1>Progress overview</h1>'
            '<p class="note">English titles are rbm_surveys\' own translation of the Chinese '
            'edition (shown beside them), not UN-Habitat\'s wording. Status compares each value '
            'with the straight path from its baseline to the 2023 target, per location.</p>'
            + _filters(locations, years, statuses)
            + '<h2>Status by outcome</h2><div id="chart-status" class="chart"></div>'
            '<p id="chart-status-empty" class="note hidden">No value matches the filters.</p>'
            '<h2>Areas and outcomes</h2><div class="grid">' + "".join(cards) + "</div>"
            + "<h2>Bottlenecks: indicators off track, by outcome</h2>"
            + ("<table><thead><tr><th scope=col>Outcome</th><th scope=col>Indicator</th>"
               "<th scope=col>Location</th><th scope=col>Year</th><th scope=col>Status</th>"
               "</tr></thead><tbody>" + brows + "</tbody></table>" if brows else
               "<p>No indicator is off track.</p>")
            + "<h2>Indicator values</h2>" + _progress_rows(prog, scale_of, True)
            + '<h2>All framework indicators</h2><details><summary>137 framework rows '
            '(125 indicators)</summary><table><thead><tr><th scope=col>Id</th><th scope=col>'
            'Place</th><th scope=col>Indicator</th></tr></thead><tbody>' + all_rows
            + "</tbody></table></details></main>")
    data = {"charts": [{"id": "chart-status", "label": "Indicator values by status and outcome",
                        "spec": _status_chart(prog), "filter_by": ["location", "year",
                                                                   "status"]}]}
    return body, data


def _documents_table(docs: pd.DataFrame) -> str:
    if docs.empty:
        return ""
    rows = "".join(
        f'<tr data-row data-location="{_e(d.partner)}" data-year="{int(d.year)}"><td>'
        f'{_e(d.partner)}</td><td class="num">{int(d.year)}</td><td><a href="'
        f'{_doc_page(d.document_sha256, d.rubric)}">{_e(Path(str(d.document)).name)}</a></td>'
        f'<td>{"passes" if d.passed == 1 else ("does not pass" if d.passed == 0 else "undetermined")}'
        f'</td><td class="num">{_e(d.score)} / {_e(d.score_max)}{" (" + _e(d.band) + ")" if d.band else ""}'
        f'</td><td>{_e(d.review_status)}</td></tr>' for d in docs.itertuples(index=False))
    return ("<h2>Documents behind the count</h2><p class='note'>A partner counts once, from the "
            "first year one of its documents meets the rule (cumulative register).</p>"
            "<table><thead><tr><th scope=col>Partner</th><th scope=col>Year</th><th scope=col>"
            "Document</th><th scope=col>Result</th><th scope=col>Score</th><th scope=col>Review"
            "</th></tr></thead><tbody>" + rows + "</tbody></table>")


def _doc_page(sha: str, rubric: str) -> str:
    return f"doc-{str(sha)[:12]}-{rubric}.html"


def _indicator(programme, generated, row, prog, long, docs) -> tuple[str, dict]:
    fid = row["framework_id"]
    sc = row["scale"]
    p = prog[prog["framework_id"] == fid]
    vals = long[(long["framework_id"] == fid) & (long["disaggregation"] == "all")]
    vals = vals[vals["suppressed"].fillna(0).astype(int) == 0]
    dis = long[(long["framework_id"] == fid) & (long["disaggregation"] != "all")]
    locations = sorted(set(vals["location"]) | set(dis["location"]) | set(docs["partner"]))
    years = sorted({int(y) for y in pd.concat([vals["year"], dis["year"], docs["year"]])})
    targets = "".join(f"<td class='num'>{_fmt(row[f'target_{y}'], sc) or _e(row[f'target_{y}_raw'])}"
                      f"</td>" for y in (2020, 2021, 2022, 2023))
    facts = [("Place", _PLACE_NAMES.get(row["place"], row["place"])
              + (f" {row['outcome']}: {row['outcome_title']}" if row["outcome"] else "")
              + (f" — {row['theme']}" if row["theme"] else "")),
             ("Dimension", row["dimension"]), ("Type", row["indicator_type"]),
             ("Means of verification", row["verification"]), ("Unit", row["unit"]),
             ("Subset", f"{row['subset_en']} ({row['subset']})" if row["subset"] else ""),
             ("Disaggregation (source)", row["disaggregation"]),
             ("Target basis", row["target_basis"] + (f", {row['target_kind']}"
                                                     if row["target_kind"] != "level" else "")),
             ("Direction", f"{row['direction']} is better"), ("Footnotes", row["footnotes"]),
             ("Notes", row["notes"]), ("Source quirks (flagged, not repaired)", row["quirks"]),
             ("Source", f"line {row['source_line']} of the Chinese text, sha256 "
                        f"{row['source_sha256'][:16]}…")]
    facts_html = "".join(f"<tr><th scope=row>{_e(k)}</th><td>{_e(v)}</td></tr>"
                         for k, v in facts if v)
    charts = []
    body = [_header(programme, generated, f" › {_e(fid)}"), '<main id="main">',
            f'<h1>{_e(row["title_en"])}</h1><p class="zh" lang="zh">{_e(row["indicator"])}</p>',
            f'<p class="note">{_e(row["title_en_note"])}. <a href="index.html">Back to the '
            'overview</a></p>', _filters(locations, years),
            "<h2>Baseline and targets</h2><table><thead><tr><th scope=col>Baseline</th>"
            "<th scope=col>2020</th><th scope=col>2021</th><th scope=col>2022</th>"
            "<th scope=col>2023</th></tr></thead><tbody><tr><td class='num'>"
            + (f"{_fmt(row['baseline'], sc)} ({int(row['baseline_year'])})"
               if _fmt(row['baseline'], sc) else _e(row['baseline_raw'])) +
            f"</td>{targets}</tr></tbody></table>",
            f"<table><caption>About this indicator</caption><tbody>{facts_html}</tbody></table>"]
    if len(vals) or not math.isnan(row["baseline"]):
        body.append('<h2>Values over time, per location</h2><div id="chart-time" class="chart">'
                    '</div><p id="chart-time-empty" class="note hidden">No value matches the '
                    'filters.</p>')
        charts.append({"id": "chart-time", "label": f"{fid}: baseline, targets and values",
                       "spec": _time_chart(row, vals, p), "filter_by": ["location"]})
    if len(p):
        body.append(_progress_rows(p, {fid: sc}, False))
    elif not len(vals):
        body.append("<p>No value in the register for this indicator yet.</p>")
    if len(dis):
        body.append('<h2>Disaggregations</h2><p class="note">Points are estimates, bars 95% '
                    'confidence intervals; suppressed cells (too few respondents) are marked '
                    'and carry no number.</p><div id="chart-disagg" class="chart"></div>'
                    '<p id="chart-disagg-empty" class="note hidden">No value matches the '
                    'filters.</p>')
        charts.append({"id": "chart-disagg", "label": f"{fid} by disaggregation",
                       "spec": _disagg_chart(row, dis), "filter_by": ["location", "year"]})
        drows = "".join(
            f'<tr data-row data-location="{_e(r.location)}" data-year="{int(r.year)}"><td>'
            f'{_e(r.location)}</td><td class="num">{int(r.year)}</td><td>{_e(r.disaggregation)}'
            f'</td><td>{_e(r.level)}</td><td class="num">'
            + ("<em>suppressed</em>" if r.suppressed else _fmt(r.value, sc))
            + f'</td><td class="num">{"" if r.suppressed else _fmt(r.ci_low, sc)}–'
              f'{"" if r.suppressed else _fmt(r.ci_high, sc)}</td><td class="num">'
              f'{"" if pd.isna(r.n) else int(r.n)}</td><td>{_e(r.flag)}</td></tr>'
            for r in dis.itertuples(index=False))
        body.append("<table><thead><tr><th scope=col>Location</th><th scope=col>Year</th>"
                    "<th scope=col>By</th><th scope=col>Group</th><th scope=col>Estimate</th>"
                    "<th scope=col>95% CI</th><th scope=col>n</th><th scope=col>Flag</th></tr>"
                    "</thead><tbody>" + drows + "</tbody></table>")
    body.append(_documents_table(docs))
    prov = vals.drop_duplicates("source")[["source", "source_sha256"]] if len(vals) else None
    if prov is not None and len(prov):
        body.append("<h2>Sources</h2><ul>" + "".join(
            f"<li>{_e(s.source)} <span class='note'>sha256 {_e(str(s.source_sha256)[:16])}…"
            f"</span></li>" for s in prov.itertuples(index=False)) + "</ul>")
    body.append("</main>")
    return "".join(body), {"charts": charts}


def _highlight(rec: dict) -> str:
    passage = str(rec.get("passage", ""))
    a = int(rec.get("start", 0)) - int(rec.get("passage_start", 0))
    b = int(rec.get("end", 0)) - int(rec.get("passage_start", 0))
    if 0 <= a < b <= len(passage):
        return _e(passage[:a]) + "<mark>" + _e(passage[a:b]) + "</mark>" + _e(passage[b:])
    return _e(passage)


def _document(programme, generated, doc: pd.Series, evidence: list[dict],
              evidence_link: str | None) -> str:
    items = []
    for v in doc["verdicts"]:
        ev = [r for r in evidence if r.get("criterion") == v["criterion"]
              and not r.get("vetoed")][:3]
        passages = "".join(f'<div class="passage">{_highlight(r)} <span class="note">page '
                           f'{_e(r.get("page"))}</span></div>' for r in ev)
        items.append(f"<tr><td>{_e(v['criterion'])}</td><td>{_e(v['final_level'])}</td>"
                     f"<td>{_e(v['status'])}</td><td>{passages or '<span class=note>no passage'}"
                     f"{'' if passages else '</span>'}</td></tr>")
    link = (f'<p><a href="{_e(evidence_link)}">This document in the review\'s evidence '
            'report</a> (every passage, decisions, page text)</p>' if evidence_link else "")
    return (_header(programme, generated, f" › {_e(Path(str(doc['document'])).name)}")
            + f'<main id="main"><h1>{_e(Path(str(doc["document"])).name)}</h1>'
            f'<p>Partner {_e(doc["partner"])} · rubric {_e(doc["rubric"])} · year '
            f'{int(doc["year"])} · review status <strong>{_e(doc["review_status"])}</strong> · '
            f'counts for <a href="indicator-{_e(doc["framework_id"])}.html">'
            f'{_e(doc["framework_id"])}</a></p>{link}'
            f'<p class="note">sha256 {_e(doc["document_sha256"])}</p>'
            "<table><caption>Reviewed verdicts and the evidence found (highlighted)</caption>"
            "<thead><tr><th scope=col>Criterion</th><th scope=col>Final level</th>"
            "<th scope=col>Review</th><th scope=col>Evidence</th></tr></thead><tbody>"
            + "".join(items) + "</tbody></table></main>")


def _evidence_records(reg) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    src = reg.sources()
    for path in src.loc[src["kind"] == "evidence", "path"]:
        p = Path(path)
        if not p.exists():
            continue
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    out.setdefault((r.get("document_sha256", ""), r.get("rubric", "")),
                                   []).append(r)
    return out


def write_site(reg, out_dir: str | Path, framework: pd.DataFrame | None = None) -> Path:
    """Write the partners' site for the register ``reg`` into ``out_dir``; returns index.html."""
    from rbm_surveys.framework.compute import register_progress
    from rbm_surveys.framework.export import long_table
    from rbm_surveys.framework.progress import bottlenecks, rollup
    from rbm_surveys.framework.seed import read_framework

    framework = read_framework() if framework is None else framework
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    programme = reg.programme
    prog = register_progress(reg, framework)
    long = long_table(reg, framework)
    docs = reg.documents()
    assets = resources.files("rbm_surveys").joinpath("data", "site")
    for name in SITE_ASSETS:
        write_bytes(out / "assets" / Path(name).name, assets.joinpath(name).read_bytes())
    bottle = bottlenecks(prog) if len(prog) else prog.assign(n_off_in_outcome=[])
    roll = rollup(prog) if len(prog) else pd.DataFrame(
        columns=["area", "outcome", "assessed", "met_or_on_track", "off_track"])
    body, data = _index(programme, generated, framework, prog, bottle, roll)
    index = write_text(out / "index.html", _page(f"{programme}: progress", body, data))
    for _, row in framework.iterrows():
        d = docs[docs["framework_id"] == row["framework_id"]]
        body, data = _indicator(programme, generated, row, prog, long, d)
        write_text(out / f"indicator-{row['framework_id']}.html",
                   _page(f"{row['framework_id']} {row['title_en']}", body, data))
    evidence = _evidence_records(reg)
    report = _review_evidence_report(out, docs, evidence)
    for _, doc in docs.drop_duplicates(["document_sha256", "rubric"]).iterrows():
        ev = evidence.get((doc["document_sha256"], doc["rubric"]), [])
        link = report.get(doc["document_sha256"])
        write_text(out / _doc_page(doc["document_sha256"], doc["rubric"]),
                   _page(str(doc["document"]), _document(programme, generated, doc, ev, link),
                         {"charts": []}))
    return index


def _review_evidence_report(out: Path, docs: pd.DataFrame,
                            evidence: dict[tuple[str, str], list[dict]]) -> dict[str, str]:
    """The review side's HTML evidence report (``report.evidence.write_evidence_report``)
    written into ``evidence/`` from the register's final verdicts; returns the link to each
    document's page there by SHA-256 (empty when the report cannot be written: the document
    pages of this site are then the drill-down)."""
    try:
        from rbm_surveys.report.evidence import page_name, write_evidence_report
    except ImportError:
        return {}
    if docs.empty:
        return {}
    from rbm_surveys.errors import RbmError

    rows = [{"document": d.document, "document_sha256": d.document_sha256, "rubric": d.rubric,
             "criterion": v["criterion"], "level": v["final_level"],
             "final_level": v["final_level"], "status": v["status"]}
            for d in docs.drop_duplicates(["document_sha256", "rubric"]).itertuples(index=False)
            for v in d.verdicts]
    table = pd.DataFrame(rows)
    final = table[["document_sha256", "rubric", "criterion", "final_level", "status"]].assign(
        comments="", adjudicator="")
    records = [r for recs in evidence.values() for r in recs]
    try:
        write_evidence_report(out / "evidence", table.drop(columns=["final_level", "status"]),
                              records, final=final)
    except RbmError:
        return {}
    return {sha: f"evidence/{page_name(sha)}" for sha in table["document_sha256"].unique()}
