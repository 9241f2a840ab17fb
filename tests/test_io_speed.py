"""The fast CSV paths (numbers parsed by Arrow, whole numbers cast to Int64 in C, select_one
membership in one pass, ISO timestamps parsed by Arrow) give exactly what the simple text
path gives: every cell read as text, then coerced by pandas."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbm_surveys.surveys.io import read_export, read_form
from rbm_surveys.surveys.io.frames import RawTable, _iso_arrow, assemble
from rbm_surveys.surveys.io.headers import HeaderMap

DATA = Path(__file__).parent / "data" / "io_speed"

SURVEY = [("start", "start", ""), ("end", "end", ""), ("date", "visit_day", "Day"),
          ("integer", "n_people", "People"), ("decimal", "income", "Income"),
          ("select_one yn", "safe", "Safe?"), ("text", "comment", "Comment")]
CHOICES = [("yn", "yes", "Yes"), ("yn", "no", "No"), ("yn", "dnk", "Don't know")]

# cells a messy export may hold, per question type
INT_CELLS = ["", "3", "-2", "0", "12", "2.5", "4.0", "x", "1e3", " 4", "007", "n/a", "   "]
DEC_CELLS = ["", "3", "2.5", "-0.25", "1e3", "abc", "nan", " 1", "n/a"]
SEL_CELLS = ["", "yes", "no", "dnk", "Yes", "Don't know", "maybe", " ", "yes "]
TXT_CELLS = ["", "market", " ", "bus stop", "007", "n/a"]


def _iso(draw_date, time_part, frac, zone, sep):
    text = draw_date
    if time_part is not None:
        text += sep + time_part + frac
    return text + zone


iso_strings = st.builds(
    _iso,
    st.dates(min_value=pd.Timestamp("1900-01-01").date(),
             max_value=pd.Timestamp("2100-12-31").date()).map(lambda d: d.isoformat()),
    st.one_of(st.none(), st.times().map(lambda t: t.strftime("%H:%M:%S")),
              st.times().map(lambda t: t.strftime("%H:%M"))),
    st.sampled_from(["", ".000", ".5", ".123456", ".123456789"]),
    st.sampled_from(["", "Z", "+00:00", "+02:00", "-05:30", "+0100"]),
    st.sampled_from(["T", " "]),
)


def _write_form(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    for row in SURVEY:
        ws.append(list(row))
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label"])
    for row in CHOICES:
        ch.append(list(row))
    wb.save(path)


@pytest.fixture(scope="module")
def codebook():
    DATA.mkdir(parents=True, exist_ok=True)
    form = DATA / "form.xlsx"
    if not form.exists():  # shipped; rebuilt only when missing
        _write_form(form)
    return read_form(form)


def _reference(path: Path, cb) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Simple path: every cell as Python text (object dtype), coerced by pandas."""
    raw = pd.read_csv(path, sep=";", dtype=object, keep_default_na=False, na_values=["", "n/a"])
    raw = raw.astype(object).where(raw.notna(), None)
    rt = RawTable("main", raw, 1, None)
    rt.targets, _ = HeaderMap(cb).resolve(list(raw.columns), file=str(path))
    part = assemble(rt, cb, table="main", file=str(path))
    issues = pd.concat(part.issues, ignore_index=True) if part.issues else None
    return part.table, part.meta, issues


rows = st.lists(st.tuples(st.sampled_from(INT_CELLS), st.sampled_from(DEC_CELLS),
                          st.sampled_from(SEL_CELLS), st.sampled_from(TXT_CELLS),
                          iso_strings, st.booleans()), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, clean=st.booleans())
def test_fast_csv_read_equals_text_reference(codebook, tmp_path_factory, rows, clean):
    if clean:  # mostly-valid exports take the fast paths end to end
        rows = [(i if i.strip().lstrip("-").isdigit() else "", d if d in ("", "3", "2.5", "1e3") else "",
                 s if s in ("yes", "no", "") else "yes",
                 t, ts, b) for i, d, s, t, ts, b in rows]
    recs = []
    for k, (i, d, s, t, ts, blank_ts) in enumerate(rows):
        recs.append({"start": ts, "end": ts, "visit_day": ts[:10] if not blank_ts else "",
                     "n_people": i, "income": d, "safe": s, "comment": t,
                     "_uuid": f"u{k}", "_submission_time": "" if blank_ts else ts,
                     "_index": str(k + 1)})
    path = tmp_path_factory.mktemp("speed") / "export.csv"
    pd.DataFrame(recs).to_csv(path, sep=";", index=False, quoting=csv.QUOTE_ALL,
                              lineterminator="\r\n")
    data = read_export(path, codebook, unknown="keep")
    table, meta, issues = _reference(path, codebook)
    pd.testing.assert_frame_equal(data.main, table)
    pd.testing.assert_frame_equal(data.meta["main"], meta)
    got = data.codebook.issues
    if issues is None:
        assert got.empty
    else:
        pd.testing.assert_frame_equal(got.reset_index(drop=True), issues)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(iso_strings, st.none()), min_size=1, max_size=20),
       utc=st.booleans())
def test_arrow_timestamps_equal_pandas_iso8601(values, utc):
    txt = pd.Series(values, dtype="string[pyarrow]")
    fast = _iso_arrow(txt, utc)
    if fast is None:  # pandas handles it: nothing to compare
        return
    ref = pd.to_datetime(txt, errors="coerce", utc=utc, format="ISO8601")
    pd.testing.assert_series_equal(fast, ref)


def test_arrow_timestamps_taken_for_kobo_times():
    txt = pd.Series(["2026-03-15T16:25:58.000+00:00", None, "2026-03-15T16:25:58.123+02:00"],
                    dtype="string[pyarrow]")
    fast = _iso_arrow(txt, True)
    assert fast is not None and str(fast.dtype) == "datetime64[us, UTC]"
    assert fast[2] == pd.Timestamp("2026-03-15T14:25:58.123Z")
    assert _iso_arrow(pd.Series(["15/03/2026"], dtype="string[pyarrow]"), True) is None


def test_integer_column_is_int64_and_decimals_kept(codebook, tmp_path):
    path = tmp_path / "e.csv"
    base = {"start": "2024-05-01T10:00:00", "end": "2024-05-01T10:30:00", "visit_day": "2024-05-01",
            "income": "1.5", "safe": "yes", "comment": "x", "_uuid": "u", "_index": "1"}
    pd.DataFrame([{**base, "n_people": "3"}, {**base, "n_people": ""}]).to_csv(
        path, sep=";", index=False, quoting=csv.QUOTE_ALL)
    d = read_export(path, codebook)
    assert str(d.main["n_people"].dtype) == "Int64"
    assert d.main["n_people"].tolist()[0] == 3 and d.main["n_people"].isna().tolist() == [False, True]
    assert str(d.main["_index"].dtype) == "Int64"
    pd.DataFrame([{**base, "n_people": "3"}, {**base, "n_people": "2.5"}]).to_csv(
        path, sep=";", index=False, quoting=csv.QUOTE_ALL)
    d = read_export(path, codebook)
    assert str(d.main["n_people"].dtype) == "Float64"
    assert np.allclose(d.main["n_people"].to_numpy(dtype=float), [3.0, 2.5])
    assert any("non-whole" in w for w in d.warnings)
