"""Survey ingestion: XLSForms and KoBo/ODK/SPSS/Stata exports into a :class:`SurveyData`.

Public API (stable; cleaning steps and the CLI build on it)::

    read_form(path) -> Codebook
    read_export(path, form=None, *, header="auto", language=None, group_sep=None,
                progress=False, unknown="error", check_version=True,
                encoding=None) -> SurveyData

``read_form`` parses an XLSForm (.xlsx, .xls, .csv) with pyxform; when pyxform rejects the form
(duplicate choice names, invalid names …) the raw sheets are read instead and the problems are
listed in ``Codebook.warnings`` — a real-world form is never refused for what it can still tell.

``read_export`` detects the file type by its *content* (never the extension):

==================  =====================================================================
kind                what is read
==================  =====================================================================
``kobo-xlsx``       KoBo XLSX (or XLS) export via python-calamine: first sheet = main, one sheet per repeat
                    (``_parent_index`` → parent ``_index``, or ``_submission__uuid`` → ``_uuid``)
``kobo-csv``        KoBo CSV, modern (``;``, all quoted) or legacy (``,``, True/False, ``n/a``)
``odk-zip``         ODK Central ``submissions.csv.zip`` (main + one CSV per repeat,
                    ``-`` group separator, ``KEY``/``PARENT_KEY``)
``odk-csv``         plain ODK Central/Briefcase CSV (``SubmissionDate`` … ``KEY``)
``sav`` / ``dta``   SPSS/Stata via pyreadstat, value labels, variable labels and declared
                    user-missing codes kept (``user_missing=True``)
==================  =====================================================================

What comes back (contract in :mod:`rbm_surveys.surveys.data`):

* ``tables["main"]`` and one table per repeat (named by the repeat's XLSForm name); every
  table has ``_index`` (1-based int); repeat tables ``_parent_index`` and ``_parent_table``.
* Columns are XLSForm field **names**. ``select_one`` → string of choice *names* (label cells
  are mapped back). ``select_multiple`` → summary ``q`` (space-separated names) and ``q/choice``
  nullable ``Int8`` 0/1, ``<NA>`` for every choice when the question was unanswered.
  ``integer`` → ``Int64``, ``decimal``/``range`` → ``Float64``, ``date``/``datetime``/``start``/
  ``end`` → ``datetime64`` (datetimes in UTC), everything else → ``string``. Geopoints keep
  ``q`` (raw text) plus numeric ``_q_latitude``, ``_q_longitude``, ``_q_altitude``,
  ``_q_precision`` (Central's ``q-Latitude`` … are renamed to these).
* ``meta[table]``: export bookkeeping columns (``_uuid``, ``_submission_time``,
  ``_validation_status``, ``__version__``, ``meta/instanceID``, ``KEY``, ``PARENT_KEY``,
  ``ReviewState``, ``SubmissionDate`` … and every field of the form's ``meta`` group),
  same row order as the table, under their export names (Central's ``meta-x`` → ``meta/x``).
* ``codebook``: a :class:`Codebook` bound to this export (the form's, or one inferred from
  the file when ``form`` is None). Two export-specific tables live on it:

  - ``codebook.missing_codes`` — DataFrame ``column, value, lo, hi, label``: declared
    user-missing codes (SPSS missing values/ranges, Stata extended missing ``.a``–``.z`` as
    ``"a"``…). The values are **kept in the table**; cleaning turns them into reasons.
  - ``codebook.issues`` — DataFrame ``table, row, column, value, problem``: every cell that
    could not be coerced to its codebook type (it is ``<NA>`` in the table, its raw text is
    here). ``row`` is the row number as a spreadsheet shows it (header = row 1, HXL row
    counted). One summary line per column is also added to ``SurveyData.warnings``.

* ``sources``: the export's (and the form's) SHA-256.

Header modes: ``"xml"`` (names, group paths joined by ``/ . - :`` or ``group_sep``),
``"label"`` (question labels in any form language, or ``language`` only; group labels
joined by the same separators; an ambiguous label is an error naming both fields), ``"auto"``
(names first, then labels). An HXL tag row (every non-empty cell starts with ``#``) under the
header is detected and skipped.

Errors (all :class:`~rbm_surveys.errors.RbmError`): ``FileFormatError`` (wrong type by content,
empty, truncated/corrupt XLSX or zip, zip bomb, XML with DTD/entities), ``EncodingError``
(undecodable text), ``FormError`` (unusable XLSForm), ``ExportMismatchError`` (columns unknown
to the form — listed —, required columns missing, ``__version__`` not the form's version).
The user's files are only ever opened for reading.
"""

from __future__ import annotations

from rbm_surveys.surveys.io.export import read_export
from rbm_surveys.surveys.io.xlsform import Codebook, read_form

__all__ = ["read_export", "read_form", "Codebook"]
