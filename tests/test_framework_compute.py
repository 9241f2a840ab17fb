"""`rbm framework compute / progress / export`: survey results and reviewed verdicts (real CSV
files written here in the formats `rbm survey run` and `rbm review import` write) → register →
progress, Excel, SDMX-CSV and long CSV."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from rbm_surveys.cli import main
from rbm_surveys.register import Register

from framework_project import make_project


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def _progress(project):
    from rbm_surveys.framework.compute import register_progress

    with Register.open(project / "rbm_register.sqlite", create=False) as reg:
        return register_progress(reg)


def test_compute_fills_the_register_per_location(project, capsys):
    assert main(["framework", "compute", str(project / "config.yaml")]) == 0
    out = capsys.readouterr().out
    assert "b_plan.txt (unreviewed; set include_unreviewed: true" in out
    with Register.open(project / "rbm_register.sqlite", create=False) as reg:
        v = reg.values()
        rules = reg.rules()
        assert set(reg.sources()["kind"]) == {"survey_results", "reviewed_verdicts", "evidence",
                                              "values"}
    allv = v[v["disaggregation"] == "all"].set_index(["location", "year"])["value"]
    # cities are their own locations (never pooled); the whole sample belongs to Kenya
    assert allv[("North", 2022)] == 0.55 and allv[("South", 2022)] == 0.39
    assert allv[("Kenya", 2022)] == 0.47
    male = v[(v["level"] == "male") & (v["year"] == 2020)].iloc[0]
    assert male["suppressed"] == 1 and pd.isna(male["value"])
    prov = json.loads(v.iloc[0]["provenance"])
    assert prov["file"].endswith("r2020.csv") and len(prov["sha256"]) == 64 and prov["line"] >= 2
    # reviewed/adjudicated documents only; d passes (6 of 12) and counts for Peru
    assert sorted(rules["partner"]) == ["North", "Peru"]
    assert set(rules["review_status"]) == {"reviewed", "adjudicated"}
    # re-running replaces what each file wrote: same register
    assert main(["framework", "compute", str(project / "config.yaml")]) == 0
    with Register.open(project / "rbm_register.sqlite", create=False) as reg:
        assert len(reg.values()) == len(v) and len(reg.rules()) == len(rules)


def test_progress_from_register(project):
    main(["framework", "compute", str(project / "config.yaml")])
    p = _progress(project).set_index(["framework_id", "location", "year"])
    north = p.loc[("RF0197", "North", 2022)]
    assert north["baseline"] == 0.45 and north["baseline_from"] == "earliest round at this location"
    # path: 0.45 + (0.60 - 0.45) * 2/3 = 0.55 → exactly on it
    assert north["path_value"] == pytest.approx(0.55) and north["status"] == "on track"
    assert p.loc[("RF0197", "South", 2022), "status"] == "behind the path"
    assert p.loc[("RF0197", "Kenya", 2022), "status"] == "no target"
    # the cumulative count (2 partners) is compared with the cumulative target, and noted
    total = p.loc[("RF0364", "Test programme", 2022)]
    assert (total["value"], total["target_basis"], total["status"]) == (2, "cumulative",
                                                                       "behind the path")
    assert p.loc[("RF0364", "Kenya", 2022), "status"] == "no target"


def test_include_unreviewed_counts_and_labels(project):
    cfg = yaml.safe_load((project / "config.yaml").read_text())
    cfg["documents"][0]["include_unreviewed"] = True
    (project / "config.yaml").write_text(yaml.safe_dump(cfg))
    assert main(["framework", "compute", str(project / "config.yaml")]) == 0
    with Register.open(project / "rbm_register.sqlite", create=False) as reg:
        rules = reg.rules().set_index("partner")
    assert rules.loc["Lima", "review_status"] == "unreviewed"
    p = _progress(project)
    row = p[(p["framework_id"] == "RF0364") & (p["location"] == "Test programme")
            & (p["year"] == 2022)].iloc[0]
    assert row["value"] == 3 and "unreviewed" in row["review_status"]


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "unknown key .colour."),
    ({"surveys": [{"results": "r2022.csv", "year": 2022, "location": "Nairobi"}]},
     "location 'Nairobi' is not a partner"),
    ({"surveys": [{"results": "r2022.csv", "year": 2022, "location": "Kenya",
                   "locations_from": "city"}]}, "location 'north' is not a partner.*did you mean 'North'"),
    ({"documents": [{"verdicts": "final_verdicts.csv", "year": 2022}]},
     r"no partner for document\(s\)"),
    ({"partners": [{"country": "Kenya", "cities": ["Kenya"]}]}, "given twice"),
    ({"local_targets": [{"framework_id": "RF9999", "location": "North"}]}, "RF9999"),
])
def test_config_errors(project, capsys, change, message):
    cfg = yaml.safe_load((project / "config.yaml").read_text())
    cfg.update(change)
    (project / "bad.yaml").write_text(yaml.safe_dump(cfg))
    assert main(["framework", "compute", str(project / "bad.yaml")]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "Traceback" not in err


def test_export_workbook_sdmx_and_long_csv(project, capsys):
    main(["framework", "compute", str(project / "config.yaml")])
    out = project / "export"
    assert main(["framework", "export", "--register", str(project / "rbm_register.sqlite"),
                 "--out", str(out)]) == 0
    wb = load_workbook(out / "framework.xlsx")
    assert wb.sheetnames[:4] == ["framework", "progress", "bottlenecks", "rollup"]
    assert {"RF0197", "RF0364"} <= set(wb.sheetnames)
    fw = pd.read_excel(out / "framework.xlsx", engine="openpyxl", sheet_name="framework")
    assert len(fw["framework_id"].unique()) == 137
    assert {"baseline", "target_2023", "value_2022", "progress_status"} <= set(fw.columns)
    sheet = pd.read_excel(out / "framework.xlsx", engine="openpyxl", sheet_name="RF0197")
    assert {"sex", "all"} <= set(sheet["disaggregation"]) and sheet["suppressed"].any()
    assert wb["RF0197"].cell(row=2, column=sheet.columns.get_loc("site_page") + 1).hyperlink
    sdmx = pd.read_csv(out / "framework.sdmx.csv", keep_default_na=False)
    assert list(sdmx.columns[:4]) == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR"]
    assert sdmx["STRUCTURE_ID"].iloc[0] == "RBM:RBM_FRAMEWORK(1.0)"
    north = sdmx[(sdmx["REF_AREA"] == "North") & (sdmx["TIME_PERIOD"] == 2022)
                 & (sdmx["DISAGGREGATION"] == "all")]
    assert north["OBS_VALUE"].astype(float).tolist() == [0.55]
    assert sdmx.loc[sdmx["OBS_STATUS"] == "O", "OBS_VALUE"].isin(["", "NaN"]).all()
    assert (sdmx["OBS_STATUS"] == "O").sum() == 1
    long = pd.read_csv(out / "framework_values.csv")
    assert len(long) == len(sdmx)


def test_progress_views_from_register(project, capsys):
    main(["framework", "compute", str(project / "config.yaml")])
    capsys.readouterr()
    reg = str(project / "rbm_register.sqlite")
    assert main(["framework", "progress", "--register", reg, "--view", "bottlenecks"]) == 0
    assert "RF0197" in capsys.readouterr().out  # South is behind the path
    assert main(["framework", "progress", "--register", reg, "--view", "rollup"]) == 0
    assert "share_on_track" in capsys.readouterr().out
