"""`rbm inspect` through the CLI entry point, on real files."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "data" / "clean"))
from make_form import write_form, write_kobo_csv, write_kobo_xlsx  # noqa: E402

from rbm_surveys.cli import main  # noqa: E402
from rbm_surveys.provenance import sha256_file  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inspect")
    return {"form": write_form(d / "form.xlsx"), "csv": write_kobo_csv(d / "export.csv"),
            "xlsx": write_kobo_xlsx(d / "export.xlsx"), "dir": d}


def test_inspect_prints_summary_and_withholds_personal(files, capsys):
    before = sha256_file(files["xlsx"])
    assert main(["inspect", str(files["xlsx"]), "--form", str(files["form"]),
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    tables = out.split("Tables\n------\n")[1].split("\n\n")[0]
    assert "main" in tables and "member" in tables
    assert "1 identical duplicate(s) dropped; 1 id(s) with conflicting answers" in out
    assert "excluded_validation_status" in out
    assert "refused" in out and "safe_dark" in out
    personal = out.split("Personal columns withheld")[1]
    for col in ("respondent_name", "home_gps", "_home_gps_latitude", "member_name",
                "_submitted_by"):
        assert col in personal
    assert "Ann" not in out  # no personal values printed
    assert "conflicting copies (e) excluded from analysis" in out.split("Warnings")[1]
    assert sha256_file(files["xlsx"]) == before


def test_inspect_options_missing_codes_issues_file_and_show_personal(files, capsys):
    issues = files["dir"] / "issues.csv"
    assert main(["inspect", str(files["csv"]), "--form", str(files["form"]), "--no-progress",
                 "--missing-codes", "safe=other_missing", "--issues", str(issues),
                 "--show-personal"]) == 0
    out = capsys.readouterr().out
    assert "Personal columns shown" in out
    block = out.split("Declared missing values by reason")[1].split("Duplicates")[0]
    assert "other_missing" in block and "dont_know" not in block  # codes replaced defaults
    table = pd.read_csv(issues)
    assert list(table.columns) == ["step", "table", "row", "column", "value", "issue"]
    assert {"drop_duplicates", "exclude_status", "read_export"} <= set(table["step"])


def test_inspect_unmatched_columns_and_config(files, capsys, tmp_path):
    text = files["csv"].read_text(encoding="utf-8").replace('"_tags"', '"_tags";"extra_col"', 1)
    lines = text.split("\r\n")
    lines[1:] = [ln + ';"z"' if ln else ln for ln in lines[1:]]
    export = tmp_path / "extra.csv"
    export.write_text("\r\n".join(lines), encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cleaning:\n  duplicates: false\nprivacy:\n  keep: [respondent_name]\n",
                   encoding="utf-8")
    # the library's default: an unknown column is an error, in the CLI too
    assert main(["inspect", str(export), "--form", str(files["form"]), "--no-progress",
                 "--config", str(cfg)]) == 2
    assert "extra_col" in capsys.readouterr().err
    assert main(["inspect", str(export), "--form", str(files["form"]), "--no-progress",
                 "--config", str(cfg), "--unknown", "keep"]) == 0
    out = capsys.readouterr().out
    assert "unmatched columns in main: extra_col" in out
    assert "drop_duplicates" not in out.split("Cleaning\n")[1].split("\n\n")[0]
    assert "kept on request (privacy.keep): respondent_name" in out


@pytest.mark.parametrize("argv, message", [
    (["--missing-codes", "dnk"], "CODE=REASON"),
    (["--config", "CFG"], "unknown cleaning step"),
])
def test_inspect_bad_options_one_line_error(files, capsys, tmp_path, argv, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("cleaning:\n  dedupe: true\n", encoding="utf-8")
    argv = [str(cfg) if a == "CFG" else a for a in argv]
    assert main(["inspect", str(files["csv"]), "--no-progress", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_inspect_subprocess_bad_input_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    res = subprocess.run([sys.executable, "-m", "rbm_surveys.cli", "inspect", str(bad)],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "rbm: error" in res.stderr
    assert str(bad) in res.stderr


def test_inspect_progress_bar_on_stderr(files, capsys):
    assert main(["inspect", str(files["csv"]), "--form", str(files["form"])]) == 0
    captured = capsys.readouterr()
    assert "reading export.csv" in captured.err
    assert "reading export.csv" not in captured.out


def test_inspect_label_headers(files, capsys, tmp_path):
    from make_form import HEADER, ROWS, SURVEY

    labels = {r[1]: r[2] for r in SURVEY[1:] if r[1] and r[2]}
    label_of = {"safe": "Safe", "dnk": "Don't know", "pnta": "Prefer not to answer",
                "unsafe": "Unsafe"}
    rows = [list(r) for r in ROWS]
    for r in rows:
        r[HEADER.index("safe_dark")] = label_of[r[HEADER.index("safe_dark")]]
    export = tmp_path / "labels.csv"
    export.write_text("\r\n".join(";".join(f'"{v}"' for v in r)
                                  for r in [[labels.get(h, h) for h in HEADER], *rows]),
                      encoding="utf-8")
    assert main(["inspect", str(export), "--form", str(files["form"]), "--header", "label",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "unmatched columns" not in out
    block = out.split("Declared missing values by reason")[1].split("Duplicates")[0]
    assert "safe_dark" in block and "refused" in block  # label cell mapped back to pnta


def test_inspect_spss_file_without_form(capsys, tmp_path):
    import pyreadstat

    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(pd.DataFrame({"safe": [1.0, 98.0, 99.0], "age": [30.0, 99.0, 41.0]}),
                         path, variable_value_labels={"safe": {1: "Safe", 98: "Don't know",
                                                               99: "Refused"}},
                         missing_ranges={"safe": [98, 99]})
    assert main(["inspect", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "form    none" in out
    block = out.split("Declared missing values by reason")[1].split("Duplicates")[0]
    assert "dont_know" in block and "refused" in block and "age" not in block
