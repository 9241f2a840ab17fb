"""The monitoring register: an embedded SQLite database, one file per programme.

Partners (the programme, its countries and their cities) as a hierarchy, indicator values per
year, location, subset and disaggregation with their SEs and provenance (source files with
hashes), the cumulative register of partners meeting a rule and the document results behind
it. Schema versioned by migrations (``PRAGMA user_version``); see :mod:`.schema`.
"""

from rbm_surveys.register.schema import MIGRATIONS, SCHEMA_VERSION
from rbm_surveys.register.store import DEFAULT_REGISTER, VALUE_FIELDS, Register, migrate

__all__ = ["DEFAULT_REGISTER", "MIGRATIONS", "SCHEMA_VERSION", "VALUE_FIELDS", "Register",
           "migrate"]
