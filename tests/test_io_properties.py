"""Properties: select_multiple summary and details agree whatever the answers and the export
layout (summary only, details only, both)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_forms import make_form, write_csv

from rbm_surveys.surveys.io import read_export, read_form

CHOICES = ["water", "health", "school"]
_DIR = Path(tempfile.mkdtemp(prefix="rbm_io_prop_"))
FORM = read_form(make_form(_DIR / "form.xlsx"))

answers = st.lists(st.one_of(st.none(), st.lists(st.sampled_from(CHOICES), unique=True)),
                   min_size=1, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=answers, layout=st.sampled_from(["both", "summary", "details"]))
def test_select_multiple_layouts_agree(answers, layout):
    header, rows = ["hh/age", "_index"], []
    if layout in ("both", "summary"):
        header.append("hh/services")
    if layout in ("both", "details"):
        header += [f"hh/services/{c}" for c in CHOICES]
    for i, a in enumerate(answers, start=1):
        row = ["30", str(i)]
        if layout in ("both", "summary"):
            row.append("" if a is None else " ".join(a))
        if layout in ("both", "details"):
            row += ["" if a is None else str(int(c in a)) for c in CHOICES]
        rows.append(row)
    path = write_csv(_DIR / f"sm_{layout}.csv", header, rows)
    m = read_export(path, FORM).main
    for i, a in enumerate(answers):
        det = m.loc[i, [f"services/{c}" for c in CHOICES]]
        if not a:  # None or no choice: KoBo/ODK cannot record an empty selection
            assert det.isna().all()
            assert pd.isna(m.loc[i, "services"])
        else:
            assert det.tolist() == [int(c in a) for c in CHOICES]
            assert set(str(m.loc[i, "services"]).split()) == set(a)
