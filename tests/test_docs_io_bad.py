"""Bad documents: refused with DocumentError naming the file; untrustworthy pages flagged."""

from __future__ import annotations

import pytest

from rbm_surveys import read_document
from rbm_surveys.docs.quality import garbled_reason, reversed_digits
from rbm_surveys.errors import DocumentError, RbmError, UsageError
from test_docs_io_make import write_docx, write_pdf, write_zip_bomb

TEXT = "The city will reduce greenhouse gas emissions by 40 % by 2030 compared with 2019."


def refused(path, match, **kw):
    with pytest.raises(DocumentError, match=match) as info:
        read_document(path, **kw)
    assert str(path) in str(info.value)  # names the file
    assert info.value.hint  # and says what to do
    return info.value


def test_encrypted_pdf(tmp_path):
    path = write_pdf(tmp_path / "secret.pdf", [TEXT], password="pw")
    refused(path, "encrypted")


def test_corrupt_and_truncated_pdf(tmp_path):
    good = write_pdf(tmp_path / "good.pdf", [TEXT]).read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good[: len(good) // 3])
    refused(bad, "corrupt")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x13\x37" * 500)
    refused(junk, "corrupt")


def test_empty_missing_and_oversized(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    refused(empty, "empty")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n ")
    refused(blank, "empty")
    refused(tmp_path / "nope.pdf", "no such file")
    big = write_pdf(tmp_path / "big.pdf", [TEXT])
    err = refused(big, "over the limit", max_bytes=100)
    assert isinstance(err, RbmError)


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    refused(write_zip_bomb(tmp_path / "bomb.docx"), "zip bomb|inflates")


def test_other_containers_and_binaries(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.save(tmp_path / "sheet.docx")
    refused(tmp_path / "sheet.docx", "XLSX")
    ole = tmp_path / "old.doc"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    refused(ole, "legacy Office")
    enc = tmp_path / "locked.docx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
                    + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    refused(enc, "password-protected")
    png = tmp_path / "scan.pdf.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    refused(png, "image")
    binary = tmp_path / "data.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    refused(binary, "binary")


def test_corrupt_docx(tmp_path):
    good = write_docx(tmp_path / "good.docx", [TEXT]).read_bytes()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good[: len(good) // 2])
    refused(bad, "corrupt")


def test_bad_language_argument(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    with pytest.raises(UsageError):
        read_document(path, language="English")


def test_page_without_text_layer_is_flagged_and_withheld(tmp_path):
    path = write_pdf(tmp_path / "scan.pdf", [TEXT, "unused", "Annex text is here."],
                     image_pages=(2,))
    doc = read_document(path)
    assert doc.unreadable_pages == (2,)
    page2 = doc.pages[1]
    assert "no text layer" in page2.reason and page2.start == page2.end
    assert not any(p.page == 2 for p in doc.passages)
    assert any("unreadable" in w for w in doc.warnings)
    assert doc.pages[2].unreadable is False and "Annex" in doc.text


def test_fully_scanned_pdf_has_no_readable_text(tmp_path):
    doc = read_document(write_pdf(tmp_path / "scan.pdf", ["x", "y"], image_pages=(1, 2)))
    assert doc.unreadable_pages == (1, 2) and doc.text.strip() == ""
    assert "no readable text" in doc.warnings


def test_garbled_page_is_flagged(tmp_path):
    # A broken font encoding: private-use code points instead of letters.
    garbled = "".join(chr(0xE000 + (i % 200)) for i in range(300))
    path = tmp_path / "g.txt"
    path.write_text(TEXT + "\f" + garbled + "\f" + TEXT, encoding="utf-8")
    doc = read_document(path)
    assert doc.unreadable_pages == (2,)
    assert doc.pages[1].reason.startswith("garbled")
    assert "\ue000" not in doc.text
    assert garbled_reason("%$#@!&*" * 20).startswith("garbled: only")
    assert garbled_reason(TEXT) == ""


def test_reversed_digits_in_arabic_text_are_flagged(tmp_path):
    good = "ستخفض المدينة الانبعاثات بحلول عام 2030 مقارنة بعام 2019 وفق الخطة الوطنية."
    mirrored = "ستخفض المدينة الانبعاثات بحلول عام 0302 مقارنة بعام 9102 وفق الخطة الوطنية."
    assert reversed_digits(good) == ""
    assert reversed_digits(mirrored).startswith("reversed digits")
    # Arabic-Indic digits too: ٩١٠٢ is 9102
    assert reversed_digits(mirrored.replace("9102", "٩١٠٢")).startswith("reversed digits")
    # Latin text with the same numbers is not RTL: not flagged (could be a code)
    assert reversed_digits("Budget line 9102 and 0302 of the plan") == ""
    path = tmp_path / "ar.txt"
    path.write_text(good + "\f" + mirrored, encoding="utf-8")
    doc = read_document(path)
    assert doc.language == "ar" and doc.unreadable_pages == (2,)
    assert "reversed digits" in doc.pages[1].reason and "0302" not in doc.text


def test_reversed_digits_in_a_real_arabic_pdf(tmp_path):
    mirrored = "خطة العمل المناخي للمدينة. ستخفض المدينة انبعاثات غازات الدفيئة بحلول عام 0302 مقارنة بعام 9102"
    path = write_pdf(tmp_path / "ar.pdf", [mirrored], font="dejavu-sans-subset.ttf")
    doc = read_document(path)
    assert doc.language == "ar" and doc.unreadable_pages == (1,)


def test_xml_entity_bomb_in_docx_is_refused(tmp_path):
    import zipfile

    good = write_docx(tmp_path / "ok.docx", ["Hello world."])
    lol = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE d [<!ENTITY l0 "lol">{lol}]>'
    bomb = tmp_path / "lol.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                s = data.decode()
                cut = s.index("?>") + 2
                data = (s[:cut] + doctype + s[cut:].replace("Hello world.", "&l9;")).encode()
            dst.writestr(info, data)
    refused(bomb, "cannot be parsed|entit")


def test_layout_leaders_and_tables_are_not_garbled():
    toc = "\n".join(f"Chapter {i} Urban planning and design " + "." * 60 + f" {i * 7}"
                    for i in range(1, 20))
    form = "Name _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ Signature ______"
    budget = "\n".join(f"{i}.{i} | 1,234.5 | 2,345.6 | (12.5%)" for i in range(1, 30))
    assert garbled_reason(toc) == garbled_reason(form) == garbled_reason(budget) == ""
    assert garbled_reason("%$#@!&*()<>{}[]" * 10).startswith("garbled")


def test_arabic_table_of_amounts_is_not_taken_for_reversed_digits():
    amounts = " ".join(str(n) for n in (3540, 1102, 4875, 6230, 7311, 5486, 8123, 9640))
    page = "الميزانية السنوية للمدينة حسب القطاع بالدينار " + amounts
    assert reversed_digits(page) == ""
