"""`rbm weight` end to end on files the test writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.cli import main


def _survey(tmp_path, n=400, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "_index": np.arange(1, n + 1),
        "cluster": rng.integers(1, 21, n),
        "region": rng.choice(["north", "south"], n),
        "sex": rng.choice(["F", "M"], n, p=[0.6, 0.4]),
        "agegrp": rng.choice(["18-34", "35-59", "60+"], n, p=[0.5, 0.3, 0.2]),
        "p1": 0.2,
        "p2": rng.choice([0.1, 0.25], n),
        "satisfied": rng.integers(0, 2, n),
    })
    df["resp"] = (rng.random(n) < np.where(df["region"] == "north", 0.8, 0.6)).astype(int)
    path = tmp_path / "export.csv"
    df.to_csv(path, index=False)
    return df, path


def _margins(tmp_path):
    mdir = tmp_path / "margins"
    mdir.mkdir()
    (mdir / "sex.csv").write_text("sex,total\nF,5100\nM,4900\n", encoding="utf-8")
    (mdir / "age.yaml").write_text(
        "margins:\n  agegrp: {'18-34': 4000, '35-59': 4000, '60+': 2000}\n", encoding="utf-8")
    return mdir


def test_weight_command_writes_weights_and_reports(tmp_path, capsys):
    df, export = _survey(tmp_path)
    before = export.read_bytes()
    design = tmp_path / "design.yaml"
    design.write_text("probs: [p1, p2]\nids: [cluster]\n"
                      "nonresponse: {responded: resp, classes: [region]}\n"
                      "method: rake\ntrim: {upper: 4, relative_to: median}\n", encoding="utf-8")
    out = tmp_path / "out" / "weights.csv"
    rc = main(["weight", str(export), "--design", str(design), "--margins",
               str(_margins(tmp_path)), "--out", str(out), "--plain-csv"])
    assert rc == 0, capsys.readouterr().err
    w = pd.read_csv(out)
    assert list(w.columns) == ["_index", "row", "responded", "base_weight",
                               "nonresponse_weight", "weight"]
    assert len(w) == len(df)
    assert (w.loc[w["responded"] == False, "weight"] == 0).all()  # noqa: E712
    np.testing.assert_allclose(w["base_weight"], 1 / (df["p1"] * df["p2"]))
    resp = df["resp"] == 1
    # raking then trimming keeps the population total and the margins approximately.
    np.testing.assert_allclose(w["weight"].sum(), 10000, rtol=1e-9)
    by_sex = w.loc[resp.to_numpy(), "weight"].groupby(df.loc[resp, "sex"].to_numpy()).sum()
    np.testing.assert_allclose(by_sex.to_numpy(), [5100, 4900], rtol=0.05)
    wr = w.loc[resp.to_numpy(), "weight"]
    assert wr.max() <= 4 * np.median(wr) * (1 + 1e-6) or wr.max() / wr.median() <= 4.01
    report = pd.read_csv(tmp_path / "out" / "weights_report.csv")
    assert set(report["step"]) == {"rake", "trim"}
    assert "deff_kish" in set(report["measure"])
    margins = pd.read_csv(tmp_path / "out" / "weights_margins.csv")
    assert {"sex", "agegrp"} <= set(margins["margin"])
    md = (tmp_path / "out" / "weights_report.md").read_text(encoding="utf-8")
    assert "Non-response adjustment factors" in md and "north" in md
    assert export.read_bytes() == before  # the user's file is untouched


def test_weight_command_reports_margin_problem_without_traceback(tmp_path, capsys):
    _, export = _survey(tmp_path)
    design = tmp_path / "design.yaml"
    design.write_text("probs: [p1, p2]\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("margins:\n  agegrp: {'18-34': 4000, '35-59': 6000}\n", encoding="utf-8")
    rc = main(["weight", str(export), "--design", str(design), "--margins", str(bad),
               "--out", str(tmp_path / "w.csv"), "--plain-csv"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "variable agegrp" in err and "category 60+" in err
    assert "collapse" in err and "Traceback" not in err
    assert not (tmp_path / "w.csv").exists()


def test_weight_command_rejects_unknown_design_key(tmp_path, capsys):
    _, export = _survey(tmp_path)
    design = tmp_path / "design.yaml"
    design.write_text("weight: w\n", encoding="utf-8")
    rc = main(["weight", str(export), "--design", str(design), "--out",
               str(tmp_path / "w.csv"), "--plain-csv"])
    assert rc == 2
    assert "unknown key" in capsys.readouterr().err


def test_weight_command_reads_export_through_ingestion(tmp_path, capsys):
    pytest.importorskip("rbm_surveys.surveys.io")
    df, export = _survey(tmp_path)
    design = tmp_path / "design.yaml"
    design.write_text("probs: [p1, p2]\nmethod: poststratify\n", encoding="utf-8")
    single = tmp_path / "sex.csv"
    single.write_text("sex,total\nF,5100\nM,4900\n", encoding="utf-8")
    out = tmp_path / "w.csv"
    rc = main(["weight", str(export), "--design", str(design), "--margins", str(single),
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    w = pd.read_csv(out)
    np.testing.assert_allclose(w.groupby(df["sex"].to_numpy())["weight"].sum().to_numpy(),
                               [5100, 4900])


def test_weight_command_propensity_classes_and_bounded_calibration(tmp_path, capsys):
    df, export = _survey(tmp_path, n=600, seed=11)
    design = tmp_path / "design.yaml"
    design.write_text("probs: [p1, p2]\nids: [cluster]\n"
                      "nonresponse: {responded: resp, propensity: [region, sex], n_classes: 3}\n"
                      "method: calibrate\ncalfun: logit\nbounds: [0.2, 3.0]\n", encoding="utf-8")
    out = tmp_path / "w.csv"
    rc = main(["weight", str(export), "--design", str(design), "--margins",
               str(_margins(tmp_path)), "--out", str(out), "--plain-csv"])
    assert rc == 0, capsys.readouterr().err
    w = pd.read_csv(out)
    resp = w["responded"].to_numpy(bool)
    g = w.loc[resp, "weight"] / w.loc[resp, "nonresponse_weight"]
    assert g.min() >= 0.2 - 1e-9 and g.max() <= 3.0 + 1e-9
    by_age = w.loc[resp, "weight"].groupby(df.loc[resp, "agegrp"].to_numpy()).sum()
    np.testing.assert_allclose(by_age[["18-34", "35-59", "60+"]].to_numpy(),
                               [4000, 4000, 2000], rtol=1e-6)
    md = (tmp_path / "w_report.md").read_text(encoding="utf-8")
    assert "mean_propensity" in md and "calibrate (logit)" in md
