"""Indicator specifications: the bundled ones load; mistakes are reported with file, key, line."""

from __future__ import annotations

import pytest

from rbm_surveys.errors import ConfigError
from rbm_surveys.surveys.indicators.spec import bundled_spec_paths, load_spec, load_specs


def test_bundled_specs_cover_the_four_modules_and_sdg_indicators():
    specs = {s.module: s for s in load_specs()}
    assert set(specs) == {"tenure", "safety", "participation", "disability"}
    ids = {i.id for s in specs.values() for i in s.indicators}
    assert {"sdg_1_4_2b", "sdg_16_1_4_unodc", "sdg_16_1_4_unhcr", "sdg_11_7_2",
            "sdg_16_7_2", "wg_disability3", "equal_access_public_space"} <= ids
    for s in specs.values():
        assert {"sex", "age_group", "disability", "income_quintile",
                "displacement"} <= set(s.disaggregations)
        assert all(i.source for i in s.indicators)


def test_choice_names_yes_no_stay_text():
    safety = load_spec(bundled_spec_paths()["safety"])
    cond = safety.indicator("sdg_11_7_2").numerator["any"][0]
    assert cond["in"] == ["yes"]


def test_errors_name_file_key_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "module: m\n"
        "universe:\n"
        "  when: {var: age, '>=': 18}\n"
        "indicators:\n"
        "  - id: a\n"
        "    title: A\n"
        "    source: S\n"
        "    kind: proportion\n"
        "    numerator: {var: q, in: [x]}\n"
        "    missing: sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_spec(path)
    err = exc.value
    assert err.where["file"] == str(path)
    assert err.where["key"] == "indicators[0].missing"
    assert err.where["line"] == 10
    assert "sometimes" in str(err) and "unodc" in str(err)


def test_all_problems_reported_together():
    text = ("module: m\nuniverse: {when: {var: age}}\nindicators:\n"
            "  - {id: a, kind: ratio}\n"
            "  - {id: b, source: s, kind: proportion, numerator: {var: q, in: [x]}, "
            "missing: sdg}\n")
    with pytest.raises(ConfigError) as exc:
        load_spec("x.yaml", text=text)
    msg = str(exc.value)
    for part in ("3 problem(s)", "universe.when (line 2)", "indicators[0].kind (line 4): 'ratio' is not known",
                 "indicators[1].title (line 5): required key is missing"):
        assert part in msg


def test_cross_references_reported_together():
    text = ("module: m\nuniverse: {when: {var: age, '>=': 18}}\nindicators:\n"
            "  - {id: a, title: t, source: s, kind: proportion, numerator: {var: q, in: [x]}, "
            "missing: sdg}\n"
            "  - {id: a, title: t, source: s, kind: average, of: [zz, a]}\n")
    with pytest.raises(ConfigError) as exc:
        load_spec("x.yaml", text=text)
    msg = str(exc.value)
    assert "duplicate indicator id" in msg and "'zz' is not a proportion indicator" in msg
    assert exc.value.where["key"] == "indicators[1].id" and exc.value.where["line"] == 5


def test_custom_missing_mapping_must_name_every_reason():
    text = ("module: m\nuniverse: {when: {var: age, '>=': 18}}\nindicators:\n"
            "  - id: a\n    title: t\n    source: s\n    kind: proportion\n"
            "    numerator: {var: q, in: [x]}\n    missing: {dont_know: count, refused: keep}\n")
    with pytest.raises(ConfigError) as exc:
        load_spec("x.yaml", text=text)
    assert "'count'" in str(exc.value) and "missing ['not_applicable', 'no_answer']" in str(exc.value)


def test_invalid_yaml_gives_line(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("module: m\nindicators: [\n  - a\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_spec(p)
    assert exc.value.where.get("line") is not None


def test_variables_missing_from_data_are_named_together():
    import pandas as pd

    from rbm_surveys.errors import DataError
    from rbm_surveys.surveys.indicators.run import run_indicators
    from rbm_surveys.surveys.indicators.run import make_design

    spec = load_spec(bundled_spec_paths()["safety"])
    frame = pd.DataFrame({"age": [30, 40], "w": [1.0, 1.0], "sex": ["female", "male"]})
    with pytest.raises(DataError) as exc:
        run_indicators(frame, [spec], make_design(frame, "w"))
    msg = str(exc.value)
    assert "safe_night" in msg and "harass_place" in msg and "wg_seeing" in msg
    assert exc.value.where["file"] == spec.path
