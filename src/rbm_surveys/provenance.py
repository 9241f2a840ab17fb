"""Provenance: every file read is hashed, and the hash travels with what came from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Source", "sha256_file", "sha256_bytes"]

_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (large exports stay out of memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Source:
    """One input file as read: where it was, its hash, and how it was read."""

    path: str
    sha256: str
    kind: str  # e.g. "kobo-xlsx", "kobo-csv", "odk-central-zip", "sav", "dta", "xlsform", "pdf"
    detail: str = ""  # e.g. sheet name, zip member, header mode

    @classmethod
    def of(cls, path: str | Path, kind: str, detail: str = "") -> "Source":
        return cls(str(path), sha256_file(path), kind, detail)
