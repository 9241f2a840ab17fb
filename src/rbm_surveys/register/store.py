"""The monitoring register: one SQLite file per programme (stdlib ``sqlite3``, no server).

::

    with Register.open("programme.rbm.sqlite", programme="Safer Cities") as reg:
        reg.add_partners([{"country": "Kenya", "code": "KE", "cities": ["Nairobi"]}])
        src = reg.add_source("survey_results", "results/indicators.csv")
        reg.replace_values(src, values)          # tidy frame, see VALUE_FIELDS
        reg.values()                              # back as a tidy frame with location names

Every write runs in one transaction; a constraint the data breaks (a duplicate key, a share
above 1, a negative count, an infinite number) rolls the whole write back and raises a
:class:`~rbm_surveys.errors.DataError` that names the row and key. ``replace_*`` first drops
what the same source file (same kind and path) wrote before, so re-running a computation
gives the same register.
"""

from __future__ import annotations

import difflib
import json
import math
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from rbm_surveys.errors import ConfigError, DataError
from rbm_surveys.provenance import sha256_file
from rbm_surveys.register.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Register", "VALUE_FIELDS", "DEFAULT_REGISTER", "migrate"]

#: Default file name of a programme's register (in the working folder).
DEFAULT_REGISTER = "rbm_register.sqlite"
#: Columns of a values frame written with :meth:`Register.replace_values`.
VALUE_FIELDS = ["framework_id", "subset", "location", "year", "disaggregation", "level",
                "scale", "value", "se", "ci_low", "ci_high", "n", "suppressed", "flag",
                "review_status", "provenance"]


def migrate(con: sqlite3.Connection, path: str = "") -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the version it had."""
    (version,) = con.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise ConfigError(f"the register has schema version {version}; this rbm_surveys "
                          f"knows up to {SCHEMA_VERSION}", file=path,
                          hint="upgrade rbm_surveys to read it")
    for step in range(version, SCHEMA_VERSION):
        with con:
            con.executescript("BEGIN;" + MIGRATIONS[step] + f"PRAGMA user_version = {step + 1};"
                              "COMMIT;")
    return version


def _none(x):
    if x is None:
        return None
    if isinstance(x, (float, np.floating)) and math.isnan(x):
        return None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


class Register:
    """A programme's monitoring register (see the module docstring)."""

    def __init__(self, con: sqlite3.Connection, path: str) -> None:
        self.con = con
        self.path = path

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path = DEFAULT_REGISTER, programme: str | None = None,
             create: bool = True) -> "Register":
        """Open (and migrate) the register at ``path``; create it if ``create``."""
        p = Path(path)
        if not p.exists() and not create:
            raise ConfigError("no register here", file=str(p),
                              hint="run `rbm framework compute CONFIG` first")
        if p.exists() and p.is_file():
            with open(p, "rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise ConfigError("not an rbm register (not an SQLite file)", file=str(p))
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(str(p))
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open the register: {exc}", file=str(p)) from exc
        con.execute("PRAGMA foreign_keys = ON")
        reg = cls(con, str(p))
        migrate(con, str(p))
        if programme is not None:
            reg._ensure_programme(programme)
        return reg

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The schema version of the open database."""
        return int(self.con.execute("PRAGMA user_version").fetchone()[0])

    def _ensure_programme(self, name: str) -> int:
        row = self.con.execute("SELECT id, name FROM partner WHERE kind = 'programme'").fetchone()
        if row:
            if row[1] != name:
                raise ConfigError(f"this register belongs to programme {row[1]!r}, not {name!r}",
                                  file=self.path, hint="one register file per programme")
            return int(row[0])
        with self.con:
            cur = self.con.execute("INSERT INTO partner(name, kind) VALUES (?, 'programme')",
                                   (name,))
        return int(cur.lastrowid)

    @property
    def programme(self) -> str:
        """The programme's name (the root of the partner hierarchy)."""
        row = self.con.execute("SELECT name FROM partner WHERE kind = 'programme'").fetchone()
        if not row:
            raise ConfigError("the register has no programme yet", file=self.path)
        return str(row[0])

    # -- partners --------------------------------------------------------------------------
    def add_partners(self, partners: list[dict]) -> None:
        """Countries (``country``, ``code``) with their ``cities`` / ``subnational`` /
        ``organisations``; entries already present are kept (names are unique per parent)."""
        root = self._ensure_programme(self.programme)
        with self.con:
            for entry in partners:
                pid = self._upsert_partner(entry["country"], "country", root,
                                           entry.get("code", ""))
                for kind, key in (("city", "cities"), ("subnational", "subnational"),
                                  ("organisation", "organisations")):
                    for name in entry.get(key, []) or []:
                        self._upsert_partner(name, kind, pid, "")

    def _upsert_partner(self, name: str, kind: str, parent: int, code: str) -> int:
        row = self.con.execute("SELECT id, kind FROM partner WHERE name = ? AND parent_id = ?",
                               (name, parent)).fetchone()
        if row:
            if row[1] != kind:
                raise DataError(f"partner {name!r} is already registered as a {row[1]}, "
                                f"not a {kind}", key=name)
            return int(row[0])
        try:
            cur = self.con.execute(
                "INSERT INTO partner(name, kind, parent_id, code) VALUES (?, ?, ?, ?)",
                (name, kind, parent, code or ""))
        except sqlite3.IntegrityError as exc:
            raise DataError(f"partner {name!r} ({kind}) rejected: {exc}", key=name) from exc
        return int(cur.lastrowid)

    def partners(self) -> pd.DataFrame:
        """The partner hierarchy: ``id, name, kind, code, parent, country, path``."""
        df = pd.read_sql_query(
            "SELECT p.id, p.name, p.kind, p.code, q.name AS parent, q.kind AS parent_kind "
            "FROM partner p LEFT JOIN partner q ON q.id = p.parent_id ORDER BY p.id", self.con)
        df["parent"] = df["parent"].fillna("")
        df["country"] = np.where(df["kind"] == "country", df["name"],
                                 np.where(df["parent_kind"] == "country", df["parent"], ""))
        df["path"] = [" / ".join(x for x in (c, n if n != c else "") if x) or n
                      for c, n in zip(df["country"], df["name"])]
        return df.drop(columns="parent_kind")

    def location_id(self, name: str) -> int:
        """The id of a partner by name (``""`` = the programme); unknown names → did-you-mean."""
        if name in ("", None):
            return self._ensure_programme(self.programme)
        rows = self.con.execute("SELECT id FROM partner WHERE name = ?", (name,)).fetchall()
        if len(rows) == 1:
            return int(rows[0][0])
        names = [r[0] for r in self.con.execute("SELECT name FROM partner")]
        if not rows:
            close = difflib.get_close_matches(name, names, n=1)
            raise DataError(f"location {name!r} is not a partner in the register",
                            key=name, hint=(f"did you mean {close[0]!r}?" if close else
                                            "declare it under partners: in the config"))
        raise DataError(f"location {name!r} names {len(rows)} partners", key=name,
                        hint="give distinct names to cities in different countries")

    # -- sources ---------------------------------------------------------------------------
    def add_source(self, kind: str, path: str | Path, sha256: str | None = None) -> int:
        """Register an input file (its SHA-256 pins the content); returns its id."""
        sha = sha256 or sha256_file(path)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.con:
            self.con.execute(
                "INSERT INTO source(kind, path, sha256, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(kind, path) DO UPDATE SET sha256 = excluded.sha256, "
                "added_at = excluded.added_at", (kind, str(path), sha, now))
        (sid,) = self.con.execute("SELECT id FROM source WHERE kind = ? AND path = ?",
                                  (kind, str(path))).fetchone()
        return int(sid)

    def sources(self) -> pd.DataFrame:
        """Every input file the register holds values from, with its hash."""
        return pd.read_sql_query("SELECT * FROM source ORDER BY id", self.con)

    # -- values ----------------------------------------------------------------------------
    def replace_values(self, source_id: int, values: pd.DataFrame) -> int:
        """Replace the values that came from ``source_id`` by ``values`` (one transaction)."""
        frame = values.reindex(columns=VALUE_FIELDS)
        frame["disaggregation"] = frame["disaggregation"].astype(object).fillna("all")
        for col in ("subset", "level", "flag", "review_status", "location"):
            frame[col] = frame[col].astype(object).fillna("").astype(str)
        frame["suppressed"] = frame["suppressed"].astype(object).fillna(False).astype(bool) \
            .astype(int)
        loc = {name: self.location_id(name) for name in frame["location"].unique()}
        rows = []
        for r in frame.itertuples(index=False):
            prov = r.provenance if isinstance(r.provenance, str) else json.dumps(
                r.provenance if isinstance(r.provenance, dict) else {}, ensure_ascii=False)
            rows.append((r.framework_id, r.subset, loc[r.location], _none(r.year),
                         r.disaggregation, r.level, r.scale, _none(r.value), _none(r.se),
                         _none(r.ci_low), _none(r.ci_high), _none(r.n), r.suppressed, r.flag,
                         r.review_status, source_id, prov))
        try:
            with self.con:
                self.con.execute("DELETE FROM indicator_value WHERE source_id = ?",
                                 (source_id,))
                for i, row in enumerate(rows):
                    try:
                        self.con.execute(
                            "INSERT INTO indicator_value(framework_id, subset, location_id, "
                            "year, disaggregation, level, scale, value, se, ci_low, ci_high, "
                            "n, suppressed, flag, review_status, source_id, provenance) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
                    except sqlite3.IntegrityError as exc:
                        r = frame.iloc[i].copy()
                        r["_source"] = source_id
                        raise self._explain(exc, r, i) from exc
        except sqlite3.OperationalError as exc:
            raise DataError(f"the register refused the write: {exc}", file=self.path) from exc
        return len(rows)

    def _explain(self, exc: sqlite3.IntegrityError, r: pd.Series, i: int) -> DataError:
        key = (f"{r['framework_id']} / {r['location'] or self.programme} / {r['year']} / "
               f"{r['disaggregation']}{'=' + r['level'] if r['level'] else ''}")
        text = str(exc)
        if "UNIQUE" in text:
            other = self.con.execute(
                "SELECT s.path, s.id FROM indicator_value v JOIN source s ON s.id = v.source_id "
                "WHERE v.framework_id = ? AND v.location_id = ? AND v.year = ? AND "
                "v.disaggregation = ? AND v.level = ?",
                (r["framework_id"], self.location_id(r["location"]), int(r["year"]),
                 r["disaggregation"], r["level"])).fetchone()
            where = (f" (already there from {other[0]})" if other and other[1] != r.get("_source")
                     else " (twice in this input)")
            return DataError(f"duplicate value for {key}{where}", row=i + 1, key=key,
                             hint="one value per indicator, location, year and "
                                  "disaggregation")
        value = r["value"]
        if value is None or pd.isna(value):
            why = "value is empty but the cell is not marked suppressed"
        elif isinstance(value, float) and math.isinf(value):
            why = f"{value} is not a finite number"
        elif r["scale"] == "proportion" and value is not None and not (0 <= value <= 1):
            why = f"{value:g} is not a proportion in [0, 1]"
        elif r["scale"] in ("count", "usd") and value is not None and value < 0:
            why = f"{value:g} is a negative count"
        elif r["se"] is not None and not pd.isna(r["se"]) and r["se"] < 0:
            why = f"standard error {r['se']:g} is negative"
        else:
            why = f"constraint failed ({text})"
        return DataError(f"impossible value for {key}: {why}", row=i + 1, key=key)

    def values(self) -> pd.DataFrame:
        """Every stored value with its location, country and source file."""
        return pd.read_sql_query(
            "SELECT v.framework_id, v.subset, p.name AS location, p.kind AS location_kind, "
            "CASE WHEN p.kind = 'country' THEN p.name WHEN q.kind = 'country' THEN q.name "
            "ELSE '' END AS country, v.year, v.disaggregation, v.level, v.scale, v.value, "
            "v.se, v.ci_low, v.ci_high, v.n, v.suppressed, v.flag, v.review_status, "
            "s.path AS source, s.sha256 AS source_sha256, v.provenance "
            "FROM indicator_value v JOIN partner p ON p.id = v.location_id "
            "LEFT JOIN partner q ON q.id = p.parent_id JOIN source s ON s.id = v.source_id "
            "ORDER BY v.framework_id, p.id, v.year, v.disaggregation, v.level", self.con)

    # -- the cumulative register of partners meeting a rule --------------------------------
    def replace_rules(self, source_id: int, rules: pd.DataFrame,
                      documents: pd.DataFrame) -> int:
        """Replace the partner-rule rows and document results that came from ``source_id``.

        ``rules``: ``framework_id, partner, year, rule, review_status, document,
        document_sha256``; ``documents``: ``framework_id, partner, year, rubric, document,
        document_sha256, passed, score, score_max, band, review_status, verdicts``.
        """
        try:
            with self.con:
                self.con.execute("DELETE FROM partner_rule WHERE source_id = ?", (source_id,))
                self.con.execute("DELETE FROM document_result WHERE source_id = ?",
                                 (source_id,))
                for i, r in enumerate(rules.itertuples(index=False)):
                    try:
                        self.con.execute(
                            "INSERT INTO partner_rule(framework_id, partner_id, year, rule, "
                            "review_status, document, document_sha256, source_id) "
                            "VALUES (?,?,?,?,?,?,?,?)",
                            (r.framework_id, self.location_id(r.partner), int(r.year), r.rule,
                             r.review_status, r.document, r.document_sha256, source_id))
                    except sqlite3.IntegrityError as exc:
                        key = f"{r.framework_id} / {r.partner} / {r.year}"
                        if "UNIQUE" in str(exc):
                            raise DataError(f"partner already registered as meeting the rule "
                                            f"for {key}", key=key, row=i + 1,
                                            hint="a partner counts once per indicator and "
                                                 "year") from exc
                        raise DataError(f"register row {key} rejected: {exc}", key=key,
                                        row=i + 1) from exc
                for r in documents.itertuples(index=False):
                    self.con.execute(
                        "INSERT INTO document_result(framework_id, partner_id, year, rubric, "
                        "document, document_sha256, passed, score, score_max, band, "
                        "review_status, verdicts, source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (r.framework_id, self.location_id(r.partner), int(r.year), r.rubric,
                         r.document, r.document_sha256, _none(r.passed), _none(r.score),
                         _none(r.score_max), r.band or "", r.review_status,
                         json.dumps(r.verdicts, ensure_ascii=False), source_id))
        except sqlite3.IntegrityError as exc:
            raise DataError(f"the register refused a document result: {exc}",
                            file=self.path) from exc
        return len(rules)

    def replace_local_targets(self, source_id: int, targets: pd.DataFrame) -> int:
        """Replace the per-location baselines/targets that came from ``source_id``."""
        cols = ["baseline", "baseline_year", "baseline_se", "target_2020", "target_2021",
                "target_2022", "target_2023"]
        t = targets.reindex(columns=["framework_id", "location", *cols])
        with self.con:
            self.con.execute("DELETE FROM local_target WHERE source_id = ?", (source_id,))
            for i, r in enumerate(t.itertuples(index=False)):
                try:
                    self.con.execute(
                        "INSERT INTO local_target(framework_id, location_id, baseline, "
                        "baseline_year, baseline_se, target_2020, target_2021, target_2022, "
                        "target_2023, source_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (r.framework_id, self.location_id(r.location),
                         *[_none(getattr(r, c)) for c in cols], source_id))
                except sqlite3.IntegrityError as exc:
                    key = f"{r.framework_id} / {r.location}"
                    raise DataError(f"local target for {key} rejected: "
                                    f"{'given twice' if 'UNIQUE' in str(exc) else exc}",
                                    key=key, row=i + 1) from exc
        return len(t)

    def local_targets(self) -> pd.DataFrame:
        """Per-location baselines and targets (``framework_id, location, baseline, …``)."""
        return pd.read_sql_query(
            "SELECT t.framework_id, p.name AS location, t.baseline, t.baseline_year, "
            "t.baseline_se, t.target_2020, t.target_2021, t.target_2022, t.target_2023 "
            "FROM local_target t JOIN partner p ON p.id = t.location_id", self.con)

    def rules(self) -> pd.DataFrame:
        """The cumulative register: which partner met which rule first in which year."""
        return pd.read_sql_query(
            "SELECT r.framework_id, p.name AS partner, p.kind AS partner_kind, "
            "CASE WHEN p.kind = 'country' THEN p.name WHEN q.kind = 'country' THEN q.name "
            "ELSE '' END AS country, r.year, r.rule, r.review_status, r.document, "
            "r.document_sha256, s.path AS source FROM partner_rule r "
            "JOIN partner p ON p.id = r.partner_id LEFT JOIN partner q ON q.id = p.parent_id "
            "JOIN source s ON s.id = r.source_id ORDER BY r.framework_id, r.year, p.name",
            self.con)

    def documents(self) -> pd.DataFrame:
        """Every assessed document's result per indicator (pass, score, verdicts JSON)."""
        df = pd.read_sql_query(
            "SELECT d.framework_id, p.name AS partner, d.year, d.rubric, d.document, "
            "d.document_sha256, d.passed, d.score, d.score_max, d.band, d.review_status, "
            "d.verdicts, s.path AS source FROM document_result d "
            "JOIN partner p ON p.id = d.partner_id JOIN source s ON s.id = d.source_id "
            "ORDER BY d.framework_id, d.year, p.name", self.con)
        df["verdicts"] = df["verdicts"].map(json.loads)
        return df

    def cumulative_counts(self, years: tuple[int, ...]) -> pd.DataFrame:
        """Partners meeting each rule by year Y (any year ≤ Y), for the programme and per
        country (a city counts under its country): ``framework_id, location, year, value``."""
        rules = self.rules()
        rows = []
        if rules.empty:
            return pd.DataFrame(columns=["framework_id", "location", "year", "value",
                                         "review_status", "partners"])
        programme = self.programme
        for fid, g in rules.groupby("framework_id"):
            for y in years:
                upto = g[g["year"] <= y]
                if upto.empty:
                    continue
                groups = [(programme, upto)] + [(c, h) for c, h in upto.groupby("country") if c]
                for loc, h in groups:
                    first = h.sort_values("year").drop_duplicates("partner")
                    statuses = sorted(set(first["review_status"]))
                    rows.append({"framework_id": fid, "location": loc, "year": y,
                                 "value": float(len(first)),
                                 "review_status": "; ".join(statuses),
                                 "partners": "; ".join(first["partner"])})
        return pd.DataFrame(rows)
