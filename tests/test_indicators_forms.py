"""The four questionnaires: valid XLSForms (pyxform), three languages, one shared core."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from rbm_surveys.surveys.indicators.forms import LANGUAGES, MODULES, write_form

CORE = {"city", "area", "sex", "age", "hh_income", "displacement", "wg_seeing", "wg_hearing",
        "wg_walking", "wg_remembering", "wg_selfcare", "wg_communicating"}


@pytest.mark.parametrize("module", MODULES)
def test_form_converts_with_pyxform(module, tmp_path):
    path = write_form(module, tmp_path / f"{module}.xlsx")
    warnings: list = []
    result = convert(xlsform=str(path), warnings=warnings)
    xml = result.xform
    assert f'id="rbm_{module}"' in xml
    for lang in LANGUAGES:
        assert f'lang="{lang}"' in xml
    wb = load_workbook(path, read_only=True)
    rows = list(wb["survey"].iter_rows(values_only=True))
    header = rows[0]
    assert [f"label::{lang}" for lang in LANGUAGES] == list(header[2:5])
    names = {r[1] for r in rows[1:] if r[1]}
    assert CORE <= names
    choices = list(wb["choices"].iter_rows(values_only=True))
    disp = {r[1] for r in choices[1:] if r[0] == "displacement"}
    assert disp == {"host", "migrant", "refugee", "idp", "returnee"}
    # every label is filled in all three languages
    for r in rows[1:]:
        if r[0] not in ("end_group", "end_repeat", "start", "end"):
            assert all(r[2:5]), r


def test_committed_questionnaires_match_the_package():
    """questionnaires/*.xlsx and *.yaml are what build_forms.py writes from the package."""
    from pathlib import Path

    from rbm_surveys.surveys.indicators.forms import form_rows
    from rbm_surveys.surveys.indicators.spec import bundled_spec_paths

    root = Path(__file__).parents[1] / "questionnaires"
    if not root.exists():
        pytest.skip("questionnaires/ not in this checkout")
    for module in MODULES:
        committed = load_workbook(root / f"{module}.xlsx", read_only=True)
        rows = list(committed["survey"].iter_rows(values_only=True))[1:]
        survey, choices = form_rows(module)
        assert [tuple(r[:5]) for r in rows] == [tuple(x or None for x in q[:5]) for q in survey]
        crow = list(committed["choices"].iter_rows(values_only=True))[1:]
        assert [tuple(r) for r in crow] == [tuple(c) for c in choices]
        assert (root / f"{module}.yaml").read_bytes() == bundled_spec_paths()[module].read_bytes()
