"""Bad input: every case is an RbmError naming the file (and member/sheet/column)."""

from __future__ import annotations

import zipfile

import docx
import pytest
from test_io_forms import make_form, write_xlsx

from rbm_surveys.errors import ExportMismatchError, FileFormatError, RbmError
from rbm_surveys.surveys.io import read_export


@pytest.fixture()
def good_xlsx(tmp_path):
    return write_xlsx(tmp_path / "good.xlsx", {"s": (["hh/age", "_index"], [[3, 1], [4, 2]])})


def _raises(path, exc_type=FileFormatError, match=None, **kw):
    with pytest.raises(exc_type, match=match) as exc:
        read_export(path, **kw)
    assert isinstance(exc.value, RbmError) and exc.value.where["file"] == str(path)
    assert exc.value.hint  # always says what to do
    return exc.value


def test_empty_missing_and_foreign_files(tmp_path):
    empty = tmp_path / "export.csv"
    empty.write_bytes(b"")
    _raises(empty, match="empty")
    _raises(tmp_path / "nope.csv", match="not found")
    pdf = tmp_path / "export.xlsx"  # extension lies: content decides
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 200)
    _raises(pdf, match="PDF")
    junk = tmp_path / "export.sav"
    junk.write_bytes(bytes(range(256)) * 4)
    _raises(junk, match="binary")
    d = docx.Document()
    d.add_paragraph("not a survey")
    d.save(tmp_path / "report.xlsx")
    _raises(tmp_path / "report.xlsx", match="Word")


def test_truncated_xlsx(tmp_path, good_xlsx):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good_xlsx.read_bytes()[: good_xlsx.stat().st_size // 2])
    _raises(cut, match="corrupt or truncated")


def test_zip_bomb_refused_before_extraction(tmp_path):
    bomb = tmp_path / "submissions.csv.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("f.csv", b"a,b\n" + b"0" * (40 << 20))
    assert bomb.stat().st_size < 200_000
    err = _raises(bomb, match="zip bomb")
    assert err.where["key"] == "f.csv"


def test_xml_with_entities_refused(tmp_path, good_xlsx):
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(good_xlsx) as src, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1]
                data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                        + body)
            dst.writestr(info, data)
    err = _raises(evil, match="DTD")
    assert err.where["key"] == "xl/worksheets/sheet1.xml"


def test_corrupt_sav_and_headerless_csv(tmp_path):
    sav = tmp_path / "x.sav"
    sav.write_bytes(b"$FL2@(#) SPSS DATA FILE" + b"\x00\x01" * 20)
    _raises(sav, match="SAV")
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\n\n\n")
    _raises(blank, match="header")


def test_repeat_sheet_without_link_columns(tmp_path):
    form = make_form(tmp_path / "form.xlsx")
    path = write_xlsx(tmp_path / "e.xlsx", {"main": (["hh/age", "_uuid", "_index"], [[3, "u", 1]]),
                                            "kids": (["kname", "kage"], [["a", 1]])})
    err = _raises(path, ExportMismatchError, match="_parent_index", form=form)
    assert err.where["sheet"] == "kids"


def test_oversized_member_refused_by_declared_size(tmp_path, monkeypatch):
    from rbm_surveys import safety

    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("form.csv", b"a,b\n" + b"1,2\n" * 5000)
    # a small limit instead of an 8 GB file (the limits are rbm_surveys.safety's)
    monkeypatch.setitem(safety.LIMITS, "export", safety.Limits(max_bytes=1 << 20, max_unzipped=10_000))
    err = _raises(path, match="inflates to 20,004 bytes")
    assert err.where["key"] == "form.csv"


def test_ragged_csv_names_the_file(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text('"a";"b"\n"1";"2";"3";"4"\n"x\n')
    err = _raises(path, match="malformed CSV")
    assert err.where["file"] == str(path)


def test_undecodable_text_is_an_encoding_error(tmp_path):
    import random

    from rbm_surveys.errors import EncodingError

    rng = random.Random(1)
    path = tmp_path / "junk.csv"
    path.write_bytes(b"a;b\n" + bytes(rng.randrange(0x80, 0x100) for _ in range(3000)) + b";x\n")
    err = _raises(path, EncodingError, match="not UTF-8")
    assert "encoding=" in err.hint
