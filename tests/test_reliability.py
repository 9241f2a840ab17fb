"""Issue 10: every failure a one-line error, every output whole, no formula, no personal value.

Each bad input of the issue's list is fed to the real command (``rbm …`` in-process, or in a
subprocess where the process itself is under test: signals, exit codes); the files are made
here by the libraries a user's tools would use.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"
FORMULA_TEXTS = ("=1+1", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3", "=HYPERLINK(\"x\")")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc: int, err: str, *, code: int = 2) -> str:
    assert rc == code, err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from rbm_surveys.surveys.indicators.simulate import write_example

    folder = tmp_path_factory.mktemp("example")
    files = write_example(folder, seed=5, population=6000, ea_per_stratum=4, per_ea=8)
    return folder, files["config"]


def _form(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (["type", "name", "label"], ["integer", "age", "Age"], ["date", "d", "Date"],
                ["text", "q", "Q"]):
        ws.append(row)
    wb.create_sheet("choices").append(["list_name", "name", "label"])
    st = wb.create_sheet("settings")
    st.append(["form_id", "version"])
    st.append(["f", "1"])
    wb.save(path)
    return path


# --- the issue's traceback cases, each with its own message -------------------------------

def test_single_line_csv_over_a_megabyte(tmp_path, capsys):
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"a," * (1 << 20))
    rc, _, err = run_cli(capsys, "inspect", path, "--no-progress")
    assert "no line break in the first" in one_line_error(rc, err)


def test_issues_pointing_at_a_folder(tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_text("age,q\n1,a\n")
    rc, _, err = run_cli(capsys, "inspect", path, "--no-progress", "--issues", tmp_path)
    assert "names a folder" in one_line_error(rc, err)


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("min_n: 30", "min_n: thirty"), "key reporting.min_n: .*integer"),
    (lambda t: "modules: &m\n- *m\n", "anchors and aliases"),
    (lambda t: t + "x: &a [*a]\n", "anchors and aliases"),
    (None, "is a binary file, not text"),
    (lambda t: "[" * 5000, "nested more than 50 levels"),
])
def test_bad_run_configuration(example, tmp_path, capsys, change, expected):
    folder, config = example
    bad = folder / f"bad-{abs(hash(expected))}.yaml"
    if change is None:
        bad.write_bytes(bytes(np.random.default_rng(1).integers(0, 256, 3000, dtype=np.uint8)))
    else:
        bad.write_text(change(config.read_text(encoding="utf-8")), encoding="utf-8")
    rc, _, err = run_cli(capsys, "survey", "run", bad, "--out", tmp_path / "out")
    import re

    assert re.search(expected, one_line_error(rc, err))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _xxe_workbook(path: Path) -> Path:
    import openpyxl

    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.create_sheet("Verdicts")
    wb.create_sheet("_meta")
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
                        b'"file:///etc/passwd">]>' + data)
            dst.writestr(info, data)
    return path


def test_xxe_review_workbook(tmp_path, capsys):
    verdicts = tmp_path / "v.csv"
    verdicts.write_text("document,rubric,criterion,level\n")
    rc, _, err = run_cli(capsys, "review", "import", _xxe_workbook(tmp_path / "xxe.xlsx"),
                         "--verdicts", verdicts, "--out", tmp_path / "out")
    assert "DTD or entities" in one_line_error(rc, err)


def _deflate_bomb(path: Path, inflated: int, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A zip whose member really inflates to ``inflated`` bytes of zeros (~1000x), built from
    one fully-flushed deflate block of 16 MiB repeated (a full flush resets the compressor's
    state, so the repeats form one valid stream) — the test never holds the inflated data."""
    chunk_size = 16 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(chunk_size)) + comp.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(inflated, chunk_size)
    assert rest == 0
    body = block * count + comp.flush(zlib.Z_FINISH)
    crc, zeros = 0, bytes(chunk_size)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    info = zipfile.ZipInfo(member)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    # append the bomb member by hand: a raw deflate stream with its true sizes and CRC
    with zipfile.ZipFile(path, "a") as zf:
        info.file_size, info.compress_size, info.CRC = inflated, len(body), crc
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        zf.fp.write(info.FileHeader(zip64=inflated > 0xFFFFFFFF))
        zf.fp.write(body)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
        zf._didModify = True
    return path


def test_gigabyte_zip_bomb_as_review_workbook_is_refused_before_inflating(tmp_path, capsys):
    import resource

    bomb = _deflate_bomb(tmp_path / "bomb.xlsx", 66 * (16 << 20))  # 1.1 GB
    assert bomb.stat().st_size < 2 << 20
    verdicts = tmp_path / "v.csv"
    verdicts.write_text("document,rubric,criterion,level\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rc, _, err = run_cli(capsys, "review", "import", bomb, "--verdicts", verdicts,
                         "--out", tmp_path / "out")
    assert "zip bomb" in one_line_error(rc, err)
    # refused from the directory: peak memory did not grow by the inflated size
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


def test_framework_value_that_is_a_word(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("framework_id,year,value\nRF0170,2022,four\n")
    rc, _, err = run_cli(capsys, "framework", "progress", values)
    line = one_line_error(rc, err)
    assert re.search(r"'four' is not a (finite )?number", line) and "row 2" in line


@pytest.mark.parametrize("damage", ["truncate", "crc", "method", "directory", "encrypted"])
def test_broken_zip_exports(tmp_path, capsys, damage):
    path = tmp_path / "submissions.csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("form.csv", "age,KEY\n" + "3,uuid:1\n" * 200)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "crc":
        data[40] ^= 0xFF  # inside the deflate stream
    elif damage == "method":
        data[8] = 99  # an unknown compression method in the local header
        cd = data.index(b"PK\x01\x02")
        data[cd + 10] = 99
    elif damage == "directory":
        cd = data.index(b"PK\x01\x02")
        data[cd + 42: cd + 46] = b"\xff\xff\xff\x7f"  # member offset far past the end
    elif damage == "encrypted":
        data[6] |= 1
        cd = data.index(b"PK\x01\x02")
        data[cd + 8] |= 1
    path.write_bytes(bytes(data))
    rc, _, err = run_cli(capsys, "inspect", path, "--no-progress")
    line = one_line_error(rc, err)
    assert "submissions.csv.zip" in line
    assert ("encrypted" in line) if damage == "encrypted" else ("corrupt" in line or "zip" in line)


def test_mixed_time_zones_and_huge_numbers_in_the_frame_builder(tmp_path, capsys):
    form = _form(tmp_path / "form.xlsx")
    export = tmp_path / "e.csv"
    export.write_text("age,d,q,_uuid,_index\n1,2024-05-01T10:00:00+03:00,1e300,u1,1\n"
                      "1e300,2024-05-02T10:00:00-05:00,inf,u2,1e300\n3,2024-05-02,x,u3,3\n")
    rc, out, err = run_cli(capsys, "inspect", export, "--form", form, "--no-progress")
    assert rc == 0, err
    assert "values mix time zones; converted to UTC" in out
    assert "non-whole value(s) in an integer question kept as decimals" in out


def test_pdf_page_that_fails_to_load(tmp_path, capsys):
    import re

    from fpdf import FPDF

    pdf = FPDF()
    for i in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, f"Page {i + 1}: the city shall adopt a plan.")
    data = bytes(pdf.output())
    second = [m.start() for m in re.finditer(rb"/Type /Page\b(?!s)", data)][1]
    path = tmp_path / "broken-page.pdf"
    path.write_bytes(data[:second] + b"/Type /Pagx" + data[second + 11:])
    rc, out, err = run_cli(capsys, "docs", "read", path)
    assert rc == 0, err
    assert "page    2  UNREADABLE: page could not be loaded" in out


def test_corrupt_sav_is_an_error_not_a_segfault(tmp_path):
    corpus = Path(__file__).parent / "fuzz" / "corpus" / "crash-pyreadstat-segfault.sav"
    path = tmp_path / "corrupt.sav"
    path.write_bytes(corpus.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "rbm_surveys.cli", "inspect", str(path),
                           "--no-progress"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(SRC)})
    assert proc.returncode == 2, proc.stderr
    assert "crashed on this file (signal 11)" in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr


def test_unexpected_exception_is_one_line_exit_70(tmp_path, capsys, monkeypatch):
    from rbm_surveys.cli import framework

    def boom(args):
        raise ZeroDivisionError("call +254 712 345 678")

    monkeypatch.setattr(framework, "run_show", boom)
    rc, _, err = run_cli(capsys, "framework", "show")
    line = one_line_error(rc, err, code=70)
    assert line.startswith("rbm: internal error: ZeroDivisionError")
    assert line.endswith("(run with --debug and report it)")
    assert "712" not in line  # personal values are masked even here


# --- full disk -----------------------------------------------------------------------------

def _small_filesystem(tmp_path: Path, size: str = "64k"):
    """A tiny tmpfs if we may mount one (root in a sandbox), else None."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        return None
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                          capture_output=True)
    return mnt if proc.returncode == 0 else None


def test_full_disk_is_one_line_and_leaves_the_previous_outputs(tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(0)
    n = 20_000
    pd.DataFrame({"_uuid": [f"uuid-{i:08d}" for i in range(n)], "w0": rng.uniform(1, 3, n),
                  "region": rng.choice(["a", "b"], n)}).to_csv(tmp_path / "e.csv", index=False)
    design = tmp_path / "design.yaml"
    design.write_text("weights: w0\n")
    mnt = _small_filesystem(tmp_path)
    real = mnt is not None
    out_dir = mnt if real else tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    try:
        (out_dir / "w.csv").write_text("previous run\n")
        if not real:  # no tmpfs: the disk fills up at the first fsync (ENOSPC, as a real one)
            def full(fd):
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(os, "fsync", full)
        rc, _, err = run_cli(capsys, "weight", tmp_path / "e.csv", "--design", design,
                             "--out", out_dir / "w.csv", "--plain-csv")
        assert "the disk is full; nothing was written" in one_line_error(rc, err)
        assert (out_dir / "w.csv").read_text() == "previous run\n"
        assert sorted(p.name for p in out_dir.iterdir()) == ["w.csv"]  # no part, no staging
    finally:
        if real:
            subprocess.run(["umount", str(mnt)], check=False)


# --- signals: outputs whole ----------------------------------------------------------------

def _run(config: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rbm_surveys.cli", "survey", "run",
                             str(config), "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(SRC)})


def _wait_for_staging(proc: subprocess.Popen, out: Path, timeout: float = 120) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(p.name.startswith(".rbm-staging-") for p in out.iterdir()):
            return True
        time.sleep(0.005)
    return False


@pytest.fixture(scope="module")
def previous_set(example, tmp_path_factory):
    """The outputs of one complete `rbm survey run` (the "previous run")."""
    out = tmp_path_factory.mktemp("previous") / "results"
    first = _run(example[1], out)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    return out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_run_leaves_the_previous_set_or_the_new_one(example, previous_set, tmp_path, sig):
    import shutil

    folder, config = example
    out = tmp_path / "results"
    shutil.copytree(previous_set, out)
    old_csv = (out / "indicators.csv").read_bytes()
    old_xlsx = (out / "indicators.xlsx").read_bytes()
    changed = folder / f"changed-{sig}.yaml"
    changed.write_text(config.read_text().replace("min_n: 30", "min_n: 45"))
    second = _run(changed, out)
    assert _wait_for_staging(second, out), "the run ended before writing its outputs"
    if sig == signal.SIGKILL:
        time.sleep(0.3)  # further into the writing
    second.send_signal(sig)
    rc = second.wait(timeout=120)
    err = second.stderr.read()
    if sig == signal.SIGTERM:
        assert rc in (143, 0), err
        assert "Traceback" not in err
        if rc == 143:
            assert "terminated (SIGTERM); outputs of this run were not written" in err
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(p.name for p in previous_set.iterdir())
    assert {"indicators.csv", "indicators.xlsx"} <= set(visible)
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))
    if sig == signal.SIGTERM:  # a clean stop removes its staging folder
        assert not [p for p in out.iterdir() if p.name.startswith(".rbm-staging-")]
    new_csv = (out / "indicators.csv").read_bytes()
    new_xlsx = (out / "indicators.xlsx").read_bytes()
    pd.read_csv(io.BytesIO(new_csv))  # whole, parseable
    import openpyxl

    openpyxl.load_workbook(io.BytesIO(new_xlsx), read_only=True).close()
    # one run's set: both old, or both new
    assert (new_csv == old_csv) == (new_xlsx == old_xlsx)


# --- formula cells and personal values in every output -------------------------------------

def _live_formula_cells(folder: Path) -> list[str]:
    import openpyxl

    live = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as fh:
                for r, row in enumerate(csv.reader(fh), start=1):
                    for c, cell in enumerate(row, start=1):
                        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                            try:
                                float(cell)
                                continue  # a negative number is a number
                            except ValueError:
                                live.append(f"{path.name} r{r}c{c}: {cell!r}")
        elif path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.data_type == "f" and not _our_formula(cell.value):
                            live.append(f"{path.name} {ws.title}!{cell.coordinate}: {cell.value!r}")
        elif path.suffix in (".html", ".htm"):
            text = path.read_text(encoding="utf-8")
            assert "<script src=\"http" not in text
    return live


def _our_formula(value) -> bool:
    """Formulas the package itself writes (none take respondent text)."""
    return False


def test_no_live_formula_in_any_output(tmp_path, capsys):
    from rbm_surveys.docs.rubric import list_rubrics

    out = tmp_path / "outputs"
    out.mkdir()
    n = 60
    rng = np.random.default_rng(2)
    texts = [FORMULA_TEXTS[i % len(FORMULA_TEXTS)] for i in range(n)]
    export = tmp_path / "export.csv"
    pd.DataFrame({"_uuid": texts, "region": [("=north" if i % 2 else "@south") for i in range(n)],
                  "sex": rng.choice(["F", "M"], n), "p1": 0.1,
                  "age": ["=1+1" if i % 7 == 0 else str(20 + i) for i in range(n)],
                  "q": texts}).to_csv(export, index=False)
    design = tmp_path / "design.yaml"
    design.write_text("probs: [p1]\nmethod: poststratify\n")
    margins = tmp_path / "margins.csv"
    margins.write_text("region,total\n=north,300\n@south,300\n")
    rc, _, err = run_cli(capsys, "weight", export, "--design", design, "--margins", margins,
                         "--out", out / "weights.csv", "--plain-csv")
    assert rc == 0, err

    form = _form(tmp_path / "form.xlsx")
    rc, _, err = run_cli(capsys, "inspect", export, "--form", form, "--no-progress",
                         "--unknown", "keep", "--issues", out / "issues.csv")
    assert rc == 0, err

    doc = tmp_path / "plan.txt"
    doc.write_text("=1+1 The city shall adopt a climate plan.\n@SUM(A1) Targets for 2030.\n"
                   "+cmd -2+3 Progress is reported each year.\n", encoding="utf-8")
    rubric = list_rubrics()["id"].iloc[0]
    rc, _, err = run_cli(capsys, "docs", "score", doc, "--rubric", rubric, "--out",
                         out / "docs", "--jobs", "1", "--no-progress")
    assert rc == 0, err
    rc, _, err = run_cli(capsys, "review", "export", out / "docs" / "verdicts.csv",
                         out / "docs" / "evidence.jsonl", "--reviewers", "=1+1", "--out",
                         out / "review")
    assert rc == 0, err

    values = tmp_path / "values.csv"
    values.write_text("framework_id,subset,year,value,source\nRF0170,national,2022,40,=1+1\n")
    rc, _, err = run_cli(capsys, "framework", "progress", values, "--out", out / "progress.csv")
    assert rc == 0, err

    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert {"weights.csv", "weights_report.csv", "weights_margins.csv", "issues.csv",
            "verdicts.csv", "progress.csv"} <= set(written), written
    assert any(name.endswith(".xlsx") for name in written)
    assert _live_formula_cells(out) == []
    # and the text is still there, guarded
    assert "'=1+1" in (out / "weights.csv").read_text(encoding="utf-8")


def test_personal_values_in_a_shifted_row_are_withheld(tmp_path, capsys):
    form = _form(tmp_path / "form.xlsx")
    export = tmp_path / "shifted.csv"
    export.write_text("age,d,q,_uuid\n34,2024-05-01,fine,u1\n"
                      "+254 712 345 678,jane.wanjiru@example.org,Jane Wanjiru,u2\n"
                      "0722 123 456,-1.28638 36.81722,x,u3\n")
    issues = tmp_path / "issues.csv"
    rc, out, err = run_cli(capsys, "inspect", export, "--form", form, "--no-progress",
                           "--issues", issues)
    assert rc == 0, err
    written = issues.read_text(encoding="utf-8")
    for secret in ("712 345", "jane.wanjiru", "0722", "36.81722"):
        assert secret not in out and secret not in err and secret not in written, secret
    assert "phone withheld" in written and "email withheld" in written
    # the user's file is untouched
    assert "+254 712 345 678" in export.read_text()
    # --show-personal shows them, on request
    rc, out, _ = run_cli(capsys, "inspect", export, "--form", form, "--no-progress",
                         "--show-personal")
    assert "+254 712 345 678" in out


def test_personal_value_detector():
    from rbm_surveys.surveys.privacy import mask_personal_text, personal_value_kind

    assert personal_value_kind("+254 712 345 678") == "phone"
    assert personal_value_kind("0712345678") == "phone"
    assert personal_value_kind("a.b@example.org") == "email"
    assert personal_value_kind("-1.28638, 36.81722") == "gps"
    assert personal_value_kind("AB1234567") == "national_id"
    assert personal_value_kind("Jane Wanjiru") == "name"
    for fine in ("2024-05-01", "0.123456789", "98", "1e300", "Nairobi", "=1+1", "42.5"):
        assert personal_value_kind(fine) is None, fine
    msg = "exports/survey_2024-05-01.csv, row 12: the file is 52,428,800 bytes"
    assert mask_personal_text(msg) == msg
    assert mask_personal_text("call 0712 345 678 now") == "call \u2039phone withheld\u203a now"


def test_sigterm_during_the_swap_waits_until_the_whole_set_is_in(tmp_path, monkeypatch):
    from rbm_surveys import files
    from rbm_surveys.cli import Terminated, _on_sigterm

    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.csv", "b.csv"):
        (out / name).write_text("old\n")
    real_replace = os.replace
    calls = []

    def replace_then_signal(src, dst):
        real_replace(src, dst)
        if Path(dst).parent != out:
            return  # writing inside the staging folder
        calls.append(Path(dst).name)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives between the two replaces

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        monkeypatch.setattr(files.os, "replace", replace_then_signal)
        with pytest.raises(Terminated):
            with files.OutputSet(out) as staging:
                files.write_text(staging / "a.csv", "new\n")
                files.write_text(staging / "b.csv", "new\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (out / "a.csv").read_text() == (out / "b.csv").read_text() == "new\n"
