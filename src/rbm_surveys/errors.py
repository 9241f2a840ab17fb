"""The one exception family of rbm_surveys.

Every error a user can cause is an :class:`RbmError`. It carries *where* the problem is
(file, sheet, row, column, rubric key …) and *what to do*, so the CLI can print it as one
readable line and exit 2, without a traceback.

::

    RbmError
    ├── InputError            bad data or files supplied by the user
    │   ├── FileFormatError   wrong/corrupt/empty/encrypted/oversized file, zip bomb, XML entities
    │   ├── EncodingError     text that is not in the expected encoding
    │   ├── FormError         XLSForm problems that make the form unusable
    │   ├── ExportMismatchError  export does not fit its form (unknown/missing columns, version)
    │   ├── DataError         values that cannot be used (negative weights, missing strata …)
    │   └── ConfigError       YAML/CSV configuration: design, margins, indicator specs
    │       └── RubricError   rubric files (schema, patterns, rules)
    ├── DesignError           a survey design that cannot give a variance (lonely PSU, nesting …)
    ├── WeightingError        weighting that cannot be done as asked
    │   └── ConvergenceError  raking/calibration did not converge, or bounds not met
    ├── DocumentError         a policy document that cannot be read
    ├── OutputError           a result that cannot be written (full disk, no permission)
    └── UsageError            the API or CLI called with arguments that do not fit

Context is attached on the way up with :meth:`RbmError.at` (compare httpx's
``request_context``): a low-level reader raises with a row and column, the caller that knows
the file adds the file name.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "RbmError",
    "InputError",
    "FileFormatError",
    "EncodingError",
    "FormError",
    "ExportMismatchError",
    "DataError",
    "ConfigError",
    "RubricError",
    "DesignError",
    "WeightingError",
    "ConvergenceError",
    "DocumentError",
    "UsageError",
    "OutputError",
]

# Order in which location parts are printed.
_LOCATION_KEYS = ("file", "sheet", "table", "row", "column", "line", "variable", "category",
                  "stratum", "rubric", "criterion", "key", "page")


class RbmError(Exception):
    """Base of every error rbm_surveys raises on purpose.

    Parameters
    ----------
    message:
        What is wrong, in the user's terms.
    hint:
        What to do about it.
    **where:
        Location: ``file``, ``sheet``, ``table``, ``row`` (1-based, as a spreadsheet shows it),
        ``column``, ``line``, ``variable``, ``category``, ``stratum``, ``rubric``,
        ``criterion``, ``key``, ``page``; any other keyword is kept too.
    """

    code = "RBM000"

    def __init__(self, message: str, *, hint: str | None = None, **where: Any) -> None:
        self.message = message
        self.hint = hint
        self.where: dict[str, Any] = {k: v for k, v in where.items() if v is not None}
        super().__init__(str(self))

    def at(self, **where: Any) -> "RbmError":
        """Add location context (keeps what is already set) and return ``self``."""
        for k, v in where.items():
            if v is not None and k not in self.where:
                self.where[k] = v
        self.args = (str(self),)
        return self

    def location(self) -> str:
        keys = [k for k in _LOCATION_KEYS if k in self.where]
        keys += [k for k in self.where if k not in _LOCATION_KEYS]
        return ", ".join(f"{k} {self.where[k]!s}" if k != "file" else f"{self.where[k]!s}"
                         for k in keys)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(RbmError):
    code = "RBM100"


class FileFormatError(InputError):
    code = "RBM101"


class EncodingError(InputError):
    code = "RBM102"


class FormError(InputError):
    code = "RBM103"


class ExportMismatchError(InputError):
    code = "RBM104"


class DataError(InputError):
    code = "RBM105"


class ConfigError(InputError):
    code = "RBM106"


class RubricError(ConfigError):
    code = "RBM107"


class DesignError(RbmError):
    code = "RBM200"


class WeightingError(RbmError):
    code = "RBM300"


class ConvergenceError(WeightingError):
    code = "RBM301"


class DocumentError(RbmError):
    code = "RBM400"


class UsageError(RbmError):
    code = "RBM500"


class OutputError(RbmError):
    code = "RBM600"
