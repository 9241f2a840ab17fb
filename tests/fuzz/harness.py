"""Fuzz harnesses: one per reader, fed mutated bytes; only RbmError may come out.

Each harness writes the input to a file with the reader's usual suffix and calls the public
reader. :func:`seeds` makes the seed corpus (small valid files of every kind, written by the
libraries a user's tools would use) plus the files kept in ``tests/fuzz/corpus/`` (crashes
found earlier: regression inputs). :func:`mutate` is a byte-level mutator (flips, inserts,
deletes, splices, interesting integers, truncation) and, for zip containers, also mutates a
member and re-zips, so the parsers behind the zip checks are reached.

Used by ``tests/test_fuzz.py`` (a bounded run) and ``scripts/fuzz.py`` (long runs).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

READERS = ("export_csv", "export_xlsx", "export_zip", "export_sav", "export_dta", "xlsform",
           "document_pdf", "document_docx", "document_html", "document_txt", "review_workbook",
           "yaml_config")


def _export(suffix: str) -> Callable[[bytes, Path], object]:
    def run(data: bytes, tmp: Path) -> object:
        from rbm_surveys.surveys.io import read_export

        path = tmp / f"export{suffix}"
        path.write_bytes(data)
        return read_export(path, unknown="keep", progress=False)
    return run


def _xlsform(data: bytes, tmp: Path) -> object:
    from rbm_surveys.surveys.io.xlsform import read_form

    path = tmp / "form.xlsx"
    path.write_bytes(data)
    return read_form(path)


def _document(suffix: str) -> Callable[[bytes, Path], object]:
    def run(data: bytes, tmp: Path) -> object:
        from rbm_surveys.docs.io import read_document

        path = tmp / f"doc{suffix}"
        path.write_bytes(data)
        return read_document(path, language="en")
    return run


def _review(data: bytes, tmp: Path) -> object:
    from rbm_surveys.review import read_review_workbook

    path = tmp / "review.xlsx"
    path.write_bytes(data)
    return read_review_workbook(path)


def _yaml(data: bytes, tmp: Path) -> object:
    from rbm_surveys.surveys.indicators.pipeline import load_config

    path = tmp / "config.yaml"
    path.write_bytes(data)
    return load_config(path)


HARNESSES: dict[str, Callable[[bytes, Path], object]] = {
    "export_csv": _export(".csv"), "export_xlsx": _export(".xlsx"),
    "export_zip": _export(".zip"), "export_sav": _export(".sav"), "export_dta": _export(".dta"),
    "xlsform": _xlsform, "document_pdf": _document(".pdf"), "document_docx": _document(".docx"),
    "document_html": _document(".html"), "document_txt": _document(".txt"),
    "review_workbook": _review, "yaml_config": _yaml,
}


# --- seeds ---------------------------------------------------------------------------------

def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_EXPORT_ROWS = [["start", "age", "sex", "q1", "_uuid", "_submission_time", "_index"],
                ["2024-05-01T10:00:00+03:00", 34, "f", "yes", "u1", "2024-05-01T11:00:00", 1],
                ["2024-05-02T09:30:00", 1e300, "m", "=1+1", "u2", "2024-05-02", 2],
                ["2024-05-03", "+254 712 345 678", "x", "no", "u3", "bad", 3]]


def seeds(reader: str) -> list[bytes]:
    """Seed inputs for ``reader`` (generated) plus the kept corpus files for it."""
    out: list[bytes] = []
    if reader == "export_csv":
        out.append(("\n".join(";".join(str(c) for c in r) for r in _EXPORT_ROWS) + "\n").encode())
        out.append(b"a,b,c\n1,2,3\n\"x\ny\",2,\n")
    elif reader in ("export_xlsx", "review_workbook") or reader == "xlsform":
        if reader == "export_xlsx":
            out.append(_xlsx({"survey": _EXPORT_ROWS}))
        elif reader == "xlsform":
            out.append(_xlsx({"survey": [["type", "name", "label"], ["integer", "age", "Age"],
                                         ["select_one yn", "q1", "Q1"], ["date", "d", "D"],
                                         ["begin_group", "g", "G"], ["text", "t", "T"],
                                         ["end_group", "", ""]],
                              "choices": [["list_name", "name", "label"], ["yn", "yes", "Yes"],
                                          ["yn", "no", "No"]],
                              "settings": [["form_id", "version"], ["f", "1"]]}))
        else:
            out.append(_review_seed())
    elif reader == "export_zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("form.csv", "SubmissionDate,age,KEY\n2024-05-01T10:00:00Z,3,uuid:1\n")
            zf.writestr("form-rep.csv", "x,PARENT_KEY,KEY\n1,uuid:1,uuid:1/rep[1]\n")
        out.append(buf.getvalue())
    elif reader in ("export_sav", "export_dta"):
        import tempfile

        import pandas as pd
        import pyreadstat

        df = pd.DataFrame({"age": [23.0, 45.0, 98.0], "sex": [1.0, 2.0, 1.0], "name": ["a", "b", "c"]})
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "s"
            if reader == "export_sav":
                pyreadstat.write_sav(df, str(p), variable_value_labels={"sex": {1: "m", 2: "f"}},
                                     missing_ranges={"age": [98]})
            else:
                pyreadstat.write_dta(df, str(p), variable_value_labels={"sex": {1: "m", 2: "f"}})
            out.append(p.read_bytes())
    elif reader == "document_pdf":
        from fpdf import FPDF

        pdf = FPDF()
        for i in range(2):
            pdf.add_page()
            pdf.set_font("helvetica", size=12)
            pdf.multi_cell(0, 10, f"Section {i + 1}. The city shall adopt a climate action plan "
                                  "with targets for 2030 and report progress annually.")
        out.append(bytes(pdf.output()))
    elif reader == "document_docx":
        import docx

        d = docx.Document()
        d.add_heading("Urban plan", 1)
        d.add_paragraph("The municipality will reduce emissions by 40% by 2030.")
        t = d.add_table(rows=1, cols=2)
        t.rows[0].cells[0].text = "target"
        buf = io.BytesIO()
        d.save(buf)
        out.append(buf.getvalue())
    elif reader == "document_html":
        out.append(b"<!doctype html><html><head><meta charset='utf-8'><title>Plan</title></head>"
                   b"<body><h1>Plan</h1><p>The city shall publish targets.</p><table><tr><td>1"
                   b"</td></tr></table></body></html>")
    elif reader == "document_txt":
        out.append("Plan d'action.\fLa ville publiera des objectifs pour 2030.\n".encode())
    elif reader == "yaml_config":
        out.append(b"modules:\n- name: m\n  form: f.xlsx\n  export: e.xlsx\n  design: d.csv\n"
                   b"design: {weights: w}\nreporting: {min_n: 30, max_cv: 0.3}\noutput: out\n")
    ext = {"export_csv": ".csv", "export_xlsx": ".xlsx", "export_zip": ".zip",
           "export_sav": ".sav", "export_dta": ".dta", "xlsform": ".form.xlsx",
           "document_pdf": ".pdf", "document_docx": ".docx", "document_html": ".html",
           "document_txt": ".txt", "review_workbook": ".review.xlsx", "yaml_config": ".yaml"}[reader]
    for f in sorted(CORPUS.glob(f"*{ext}")):
        if reader == "export_xlsx" and f.name.endswith((".form.xlsx", ".review.xlsx")):
            continue
        out.append(f.read_bytes())
    return out


def _review_seed() -> bytes:
    import pandas as pd

    from rbm_surveys.review import write_review_workbook

    verdicts = pd.DataFrame([{"document": "d.txt", "document_sha256": "0" * 64, "rubric": "r",
                              "rubric_version": "1", "criterion": "c1", "level": "met",
                              "score": 1.0, "evidence_ids": "e1", "n_evidence": 1}])
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = write_review_workbook(verdicts, [], Path(tmp) / "r.xlsx", reviewer="a")
        except Exception:  # noqa: BLE001 - columns changed: fall back to a plain workbook
            return _xlsx({"Verdicts": [["document", "criterion", "level", "decision"]],
                          "_meta": [["schema", "x"]]})
        return path.read_bytes()


# --- mutation ------------------------------------------------------------------------------

_INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00\x00\x00\x80",
                b"\xff\xff\xff\x7f", b"\x00\x00\x00\x00", b"-1", b"1e309", b"NaN", b"\"", b"\n",
                b";", b",", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"=1+1", b"*a", b"&a ",
                b"\xef\xbb\xbf", b"%PDF-1.7", b"PK\x03\x04"]


def _mutate_bytes(b: bytearray, rng: random.Random, pool: list[bytes]) -> bytearray:
    for _ in range(rng.randint(1, 6)):
        if not b:
            b = bytearray(rng.choice(pool))
        op = rng.random()
        pos = rng.randrange(len(b))
        if op < 0.35:
            b[pos] = rng.randrange(256)
        elif op < 0.5:
            b[pos:pos] = rng.choice(_INTERESTING)
        elif op < 0.6:
            x = rng.choice(_INTERESTING)
            b[pos:pos + len(x)] = x
        elif op < 0.7:
            del b[pos:pos + rng.randint(1, 64)]
        elif op < 0.8:
            other = rng.choice(pool)
            s = rng.randrange(len(other)) if other else 0
            b[pos:pos] = other[s:s + rng.randint(1, 256)]
        elif op < 0.88:
            del b[pos:]
        elif op < 0.95:
            chunk = b[pos:pos + rng.randint(1, 32)]
            b[pos:pos] = chunk * rng.randint(2, 50)
        else:
            b[pos] ^= 1 << rng.randrange(8)
    return b


def mutate(seed: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """One mutated input from ``seed`` (whole-file bytes or, for zips, a member's bytes)."""
    if seed[:4] == b"PK\x03\x04" and rng.random() < 0.6:
        try:
            with zipfile.ZipFile(io.BytesIO(seed)) as src:
                infos = src.infolist()
                target = rng.randrange(len(infos))
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
                    for i, info in enumerate(infos):
                        data = src.read(info)
                        if i == target:
                            members = [data] + [src.read(x) for x in infos[:3]]
                            data = bytes(_mutate_bytes(bytearray(data), rng, members))
                        dst.writestr(info.filename, data)
            return buf.getvalue()
        except Exception:  # noqa: BLE001 - a seed that is already broken: mutate the bytes
            pass
    return bytes(_mutate_bytes(bytearray(seed), rng, pool))


def run_one(reader: str, data: bytes, tmp: Path) -> BaseException | None:
    """Feed ``data`` to ``reader``; return the exception if it is not an RbmError."""
    import warnings

    from rbm_surveys.errors import RbmError

    for f in tmp.iterdir():
        if f.is_file():
            f.unlink()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            HARNESSES[reader](data, tmp)
    except RbmError:
        return None
    except (MemoryError, RecursionError, Exception) as exc:  # noqa: BLE001 - what fuzzing finds
        return exc
    return None
