"""Append-only audit ledger: every decision kept, in order, with what it was based on.

A ledger is a JSON Lines file. Each entry carries the SHA-256 of the entry before it
(``prev``) and of itself (``hash``), so a deleted, edited or reordered line breaks the chain
and :func:`verify_ledger` names the first line where it breaks — the same idea as a
hash-chained log. Entries are written with sorted keys and no floating whitespace, so the
same event always hashes the same.

The ledger is never rewritten: :meth:`Ledger.append` opens the file in append mode only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rbm_surveys.errors import DataError

__all__ = ["Ledger", "verify_ledger", "GENESIS"]

GENESIS = "0" * 64


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


class Ledger:
    """A hash-chained, append-only JSONL ledger at ``path`` (created on first append)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _last_hash(self) -> str:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return GENESIS
        with open(self.path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            block = min(size, 1 << 16)
            fh.seek(size - block)
            tail = fh.read().decode("utf-8").rstrip("\n").rsplit("\n", 1)[-1]
        try:
            return json.loads(tail)["hash"]
        except (json.JSONDecodeError, KeyError) as exc:
            raise DataError("the ledger's last line is not a ledger entry", file=self.path,
                            hint="run `verify_ledger` to find where it was damaged") from exc

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append one event and return the entry as written."""
        entry = {"event": event, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 **fields, "prev": self._last_hash()}
        entry["hash"] = _digest(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(_canonical(entry) + "\n")
        return entry

    def extend(self, event: str, records: list[dict[str, Any]]) -> int:
        """Append one entry per record (each a dict of fields); returns how many."""
        for record in records:
            self.append(event, **record)
        return len(records)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


def verify_ledger(path: str | Path) -> int:
    """Check the whole chain; return the number of entries or raise naming the bad line."""
    prev = GENESIS
    count = 0
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError("not a JSON ledger entry", file=path, line=lineno) from exc
            if entry.get("prev") != prev:
                raise DataError("the chain is broken: an entry before this one was removed, "
                                "changed or reordered", file=path, line=lineno,
                                hint="restore the ledger from its last good copy")
            if entry.get("hash") != _digest(entry):
                raise DataError("this entry was changed after it was written", file=path,
                                line=lineno, hint="restore the ledger from its last good copy")
            prev = entry["hash"]
            count += 1
    return count
