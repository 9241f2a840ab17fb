"""The monitoring register's SQLite schema, as numbered migrations (``PRAGMA user_version``).

Migration *n* brings a database from version *n − 1* to *n*; a database is always migrated
forward in order, inside one transaction per step. Never edit a released migration: add one.

Constraints carry the register's rules so that no writer can break them:

* ``partner`` — a hierarchy: one ``programme`` root; countries under the programme;
  cities, subnational authorities and organisations under a country (or the programme).
  A name is unique under its parent.
* ``indicator_value`` — one value per (framework row, location, year, disaggregation, level);
  values finite, proportions in [0, 1], counts ≥ 0, SEs ≥ 0; a blank value only when the
  cell is suppressed; every value names the ``source`` file (with its SHA-256) and the rows
  it came from (``provenance``, JSON).
* ``partner_rule`` — the cumulative register of partners meeting a rule (a document
  indicator): one row per (framework row, partner, year), with the document and the review
  status of the verdicts it rests on.
* ``local_target`` — a location's own baseline and targets (indicators the framework leaves
  to each location), one row per (framework row, location).
* ``document_result`` — each assessed document's result per rubric (pass or not), so a
  reader can drill down from a count to the documents and verdicts behind it.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_FINITE = "({col} IS NULL OR ({col} = {col} AND abs({col}) <= 1.7976931348623157e308))"

_V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE partner (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('programme', 'country', 'city', 'subnational',
                                       'organisation')),
    parent_id INTEGER REFERENCES partner(id),
    code TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'programme') = (parent_id IS NULL))
);
CREATE UNIQUE INDEX partner_name ON partner(name, ifnull(parent_id, 0));
CREATE UNIQUE INDEX one_programme ON partner(kind) WHERE kind = 'programme';
CREATE TRIGGER partner_parent_kind BEFORE INSERT ON partner
WHEN NEW.parent_id IS NOT NULL AND (
    (SELECT kind FROM partner WHERE id = NEW.parent_id) NOT IN ('programme', 'country')
    OR (NEW.kind = 'country' AND (SELECT kind FROM partner WHERE id = NEW.parent_id) != 'programme'))
BEGIN
    SELECT RAISE(ABORT, 'partner parent: a country sits under the programme; cities, subnational authorities and organisations under a country or the programme');
END;
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('survey_results', 'reviewed_verdicts', 'values',
                                       'evidence', 'framework')),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    added_at TEXT NOT NULL,
    UNIQUE (kind, path)
);
CREATE TABLE indicator_value (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL CHECK (framework_id GLOB 'RF[0-9][0-9][0-9][0-9]'),
    subset TEXT NOT NULL DEFAULT '',
    location_id INTEGER NOT NULL REFERENCES partner(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    disaggregation TEXT NOT NULL DEFAULT 'all',
    level TEXT NOT NULL DEFAULT '',
    scale TEXT NOT NULL CHECK (scale IN ('proportion', 'count', 'usd', 'other')),
    value REAL,
    se REAL,
    ci_low REAL,
    ci_high REAL,
    n INTEGER CHECK (n IS NULL OR n >= 0),
    suppressed INTEGER NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
    flag TEXT NOT NULL DEFAULT '',
    review_status TEXT NOT NULL DEFAULT '',
    source_id INTEGER NOT NULL REFERENCES source(id),
    provenance TEXT NOT NULL CHECK (json_valid(provenance)),
    CHECK {_FINITE.format(col="value")},
    CHECK {_FINITE.format(col="se")},
    CHECK {_FINITE.format(col="ci_low")},
    CHECK {_FINITE.format(col="ci_high")},
    CHECK (value IS NOT NULL OR suppressed = 1),
    CHECK (scale != 'proportion' OR value IS NULL OR (value >= 0 AND value <= 1)),
    CHECK (scale NOT IN ('count', 'usd') OR value IS NULL OR value >= 0),
    CHECK (se IS NULL OR se >= 0),
    UNIQUE (framework_id, location_id, year, disaggregation, level)
);
CREATE TABLE partner_rule (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL CHECK (framework_id GLOB 'RF[0-9][0-9][0-9][0-9]'),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2100),
    rule TEXT NOT NULL,
    review_status TEXT NOT NULL CHECK (review_status IN ('reviewed', 'adjudicated',
                                                         'unreviewed', 'unreviewed — demo')),
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES source(id),
    UNIQUE (framework_id, partner_id, year)
);
CREATE TABLE document_result (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL,
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    year INTEGER NOT NULL,
    rubric TEXT NOT NULL,
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    passed INTEGER CHECK (passed IN (0, 1)),
    score REAL,
    score_max REAL,
    band TEXT NOT NULL DEFAULT '',
    review_status TEXT NOT NULL,
    verdicts TEXT NOT NULL CHECK (json_valid(verdicts)),
    source_id INTEGER NOT NULL REFERENCES source(id),
    UNIQUE (framework_id, document_sha256, year)
);
CREATE TABLE local_target (
    id INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL CHECK (framework_id GLOB 'RF[0-9][0-9][0-9][0-9]'),
    location_id INTEGER NOT NULL REFERENCES partner(id),
    baseline REAL, baseline_year INTEGER, baseline_se REAL CHECK (baseline_se IS NULL OR baseline_se >= 0),
    target_2020 REAL, target_2021 REAL, target_2022 REAL, target_2023 REAL,
    source_id INTEGER NOT NULL REFERENCES source(id),
    CHECK {_FINITE.format(col="baseline")},
    CHECK {_FINITE.format(col="target_2023")},
    UNIQUE (framework_id, location_id)
);
"""

# v2: values are looked up by location and year for the site and the progress table.
_V2 = """
CREATE INDEX value_by_location ON indicator_value(location_id, year);
CREATE INDEX rule_by_indicator ON partner_rule(framework_id, year);
"""

#: Migrations in order; ``MIGRATIONS[i]`` brings version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)
