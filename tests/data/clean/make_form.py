"""Writes the small XLSForm the cleaning tests use (run by the tests, kept for reading)."""

from pathlib import Path

from openpyxl import Workbook

SURVEY = [
    ("type", "name", "label"),
    ("start", "start", ""),
    ("text", "respondent_name", "Your name"),
    ("integer", "phone", "Phone number"),
    ("geopoint", "home_gps", "Location of the home"),
    ("integer", "age", "Age"),
    ("select_one yn", "consent", "Consent?"),
    ("select_one safe", "safe_dark", "How safe do you feel walking alone after dark?"),
    ("select_one rank", "tenure", "How likely to lose your home?"),
    ("select_multiple svc", "services", "Which services do you use?"),
    ("decimal", "income", "Monthly income"),
    ("date", "moved_in", "Date moved in"),
    ("integer", "nombre_membres", "Nombre de membres"),
    ("begin_repeat", "member", "Household members"),
    ("text", "member_name", "Member name"),
    ("integer", "member_age", "Member age"),
    ("end_repeat", "", ""),
]
CHOICES = [
    ("list_name", "name", "label"),
    ("yn", "yes", "Yes"), ("yn", "no", "No"),
    ("safe", "very_safe", "Very safe"), ("safe", "safe", "Safe"),
    ("safe", "unsafe", "Unsafe"), ("safe", "very_unsafe", "Very unsafe"),
    ("safe", "dnk", "Don't know"), ("safe", "pnta", "Prefer not to answer"),
    ("rank", "1", "Very unlikely"), ("rank", "2", "Unlikely"), ("rank", "3", "Likely"),
    ("rank", "98", "Don't know"), ("rank", "99", "Refused"),
    ("svc", "water", "Water"), ("svc", "health", "Health"), ("svc", "school", "School"),
    ("svc", "dnk", "Don't know"),
]


def write_form(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in SURVEY:
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in CHOICES:
        ch.append(row)
    st = wb.create_sheet("settings")
    st.append(("form_title", "form_id", "version"))
    st.append(("Cleaning test", "clean_test", "v1"))
    wb.save(path)
    return path


def codebook(tmp_dir: Path):
    """The form read by the project's own reader (a real XLSX written by openpyxl)."""
    from rbm_surveys.surveys.io import read_form

    return read_form(write_form(Path(tmp_dir) / "clean_form.xlsx"))


# ---------------------------------------------------------------- exports

HEADER = ["start", "respondent_name", "phone", "home_gps", "_home_gps_latitude",
          "_home_gps_longitude", "_home_gps_altitude", "_home_gps_precision", "age", "consent",
          "safe_dark", "tenure", "services", "services/water", "services/health",
          "services/school", "services/dnk", "income", "moved_in", "nombre_membres",
          "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
          "_submitted_by", "__version__", "_tags", "_index"]
_GPS = ["-1.28 36.82 1700 5", "-1.28", "36.82", "1700", "5"]
_NO_GPS = ["", "", "", "", ""]
# row 3 repeats row 1 (same _uuid, same answers); row 2 is "Not Approved"; row 5 has a
# DK ticked in the select_multiple and a duplicate id "e" that conflicts with row 6.
ROWS = [
    ["2024-01-01T10:00:00.000+03:00", "Ann", "0712345678", *_GPS, "30", "yes", "safe", "1",
     "water health", "1", "1", "0", "0", "100", "2020-01-31", "3",
     "1", "a", "2024-01-01T10:10:00", "", "", "submitted_via_web", "enum1", "v1", "", "1"],
    ["2024-01-02T10:00:00.000+03:00", "Bob", "0722000000", *_NO_GPS, "99", "yes", "dnk", "98",
     "school", "0", "0", "1", "0", "abc", "2020-02-01", "2",
     "2", "b", "2024-01-02T10:10:00", "validation_status_not_approved", "", "submitted_via_web",
     "enum1", "v1", "", "2"],
    ["2024-01-01T10:00:00.000+03:00", "Ann", "0712345678", *_GPS, "30", "yes", "safe", "1",
     "water health", "1", "1", "0", "0", "100", "2020-01-31", "3",
     "3", "a", "2024-01-03T10:10:00", "", "", "submitted_via_web", "enum1", "v1", "", "3"],
    ["2024-01-04T10:00:00.000+03:00", "Cy", "", *_NO_GPS, "41", "no", "pnta", "99",
     "", "", "", "", "", "2.5", "", "x",
     "4", "c", "2024-01-04T10:10:00", "", "", "submitted_via_web", "enum2", "v1", "", "4"],
    ["2024-01-05T10:00:00.000+03:00", "Di", "", *_NO_GPS, "25", "yes", "unsafe", "3",
     "dnk", "0", "0", "0", "1", "40", "2021-03-01", "5",
     "5", "e", "2024-01-05T10:10:00", "validation_status_approved", "", "submitted_via_web",
     "enum2", "v1", "", "5"],
    ["2024-01-05T10:00:00.000+03:00", "Di", "", *_NO_GPS, "26", "yes", "unsafe", "3",
     "dnk", "0", "0", "0", "1", "40", "2021-03-01", "5",
     "6", "e", "2024-01-06T10:10:00", "", "", "submitted_via_web", "enum2", "v1", "", "6"],
]
MEMBER_HEADER = ["member_name", "member_age", "_index", "_parent_table_name", "_parent_index",
                 "_submission__id", "_submission__uuid"]
MEMBERS = [["Ann jr", "4", "1", "Cleaning test", "1", "1", "a"],
           ["Bo jr", "7", "2", "Cleaning test", "2", "2", "b"],
           ["Ann jr", "4", "3", "Cleaning test", "3", "3", "a"],
           ["Cy jr", "9", "4", "Cleaning test", "4", "4", "c"]]


def write_kobo_csv(path: Path) -> Path:
    """Modern KoBo CSV: ';'-separated, every field quoted, CRLF (reference §1.1)."""
    def q(v):
        return '"' + v.replace('"', '""') + '"'
    text = "\r\n".join(";".join(q(v) for v in r) for r in [HEADER, *ROWS]) + "\r\n"
    Path(path).write_text(text, encoding="utf-8")
    return Path(path)


def write_kobo_xlsx(path: Path) -> Path:
    """KoBo XLSX: main sheet named after the form title, one sheet per repeat."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cleaning test"
    ws.append(HEADER)
    for r in ROWS:
        ws.append([_cell(v) for v in r])
    rep = wb.create_sheet("member")
    rep.append(MEMBER_HEADER)
    for r in MEMBERS:
        rep.append([_cell(v) for v in r])
    wb.save(path)
    return Path(path)


def _cell(v: str):
    try:
        return int(v) if v.lstrip("-").isdigit() and not v.startswith("0") else v or None
    except ValueError:
        return v
