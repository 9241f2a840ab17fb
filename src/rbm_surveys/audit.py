"""Append-only audit ledger: every decision kept, in order, with what it was based on.

A ledger is a JSON Lines file (UTF-8, one entry per line, keys sorted, no spaces). Each entry
carries its position ``seq`` (1, 2, …), the hash of the entry before it (``prev``; the first
entry's is :data:`GENESIS`) and its own SHA-256 (``hash``, over every other field), so an
edited, deleted, swapped or inserted line breaks the chain and :func:`verify_ledger` names
the first line where it breaks — a hash-chained log (Schneier & Kelsey 1999, "Secure audit
logs to support computer forensics", ACM TISSEC 2(2)).

A chain alone cannot see what happened *at its end*: cutting the last lines, emptying the
file, or rewriting every hash after an edit leave a valid chain. So every append also writes
the ledger's **head** — entry count and last hash — into a checkpoint file beside it
(``<ledger>.head.json``, replaced atomically), and the same head is recorded in every
decisions file and review workbook written from the ledger. :func:`verify_ledger` checks the
ledger against any of them: the ledger must still hold that many entries and its entry at
that position must carry that hash; entries after the checkpoint are appends nobody
recorded (a forgery) unless another, newer head covers them.

Integrity is not authenticity: anyone can compute SHA-256, so someone who rewrites the
ledger *and* its checkpoint goes unnoticed by the chain alone. A programme that needs
authenticity gives a secret key (a file, ``--key`` or the ``RBM_AUDIT_KEY_FILE`` variable):
each entry then also carries ``mac`` = HMAC-SHA256(key, hash) (RFC 2104) and ``key_id`` (the
first 16 hex digits of the key's SHA-256, never the key), and so does the checkpoint; without
the key no valid entry can be forged.

Appends are whole batches: a batch of entries (opened by ``batch.begin`` with its size, so a
torn batch is visible) is written with one ``write`` on a file opened ``O_APPEND`` and then
``fsync``'d; if the write fails the file is cut back to its previous length, so a batch is in
the ledger whole or not at all. The last line is found by scanning whole lines, never by
seeking into the middle of a multi-byte character; entries of any length are ordinary.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rbm_surveys.errors import DataError, InputError, UsageError

__all__ = ["GENESIS", "Head", "Ledger", "LedgerReport", "TamperError", "decision_key",
           "diff_ledgers", "read_head", "read_key", "verify_ledger", "KEY_ENV"]

GENESIS = "0" * 64
HEAD_SCHEMA = "rbm-ledger-head/1"
#: Environment variable naming a key file (used when no key file is given explicitly).
KEY_ENV = "RBM_AUDIT_KEY_FILE"
_MIN_KEY_BYTES = 16


class TamperError(DataError):
    """The ledger does not match its chain, its key or a recorded head."""

    code = "RBM110"


@dataclass(frozen=True)
class Head:
    """Where a ledger stood: ``entries`` entries, the last one with hash ``hash``."""

    entries: int
    hash: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.entries}:{self.hash[:16]}"

    def as_text(self) -> str:
        """``"<entries>:<full hash>"``, the form stored in CSV columns and workbook cells."""
        return f"{self.entries}:{self.hash}"

    @classmethod
    def parse(cls, text: str, source: str = "") -> "Head":
        """Inverse of :meth:`as_text`."""
        try:
            n, h = str(text).strip().split(":", 1)
            if len(h) != 64 or int(n) < 0:
                raise ValueError
            int(h, 16)
            return cls(int(n), h, source)
        except ValueError:
            raise InputError(f"{text!r} is not a ledger head (<entries>:<sha256>)",
                             file=source or None) from None


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k not in ("hash", "mac")}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """Public identifier of a key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:16]


def read_key(path: str | os.PathLike[str] | None = None) -> bytes | None:
    """The HMAC key from ``path``, else from the file named by ``$RBM_AUDIT_KEY_FILE``, else None."""
    path = path or os.environ.get(KEY_ENV) or None
    if not path:
        return None
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise InputError(f"cannot read the audit key ({exc.strerror or exc})", file=str(path),
                         hint=f"give --key FILE or set {KEY_ENV} to a readable key file") from None
    if len(key) < _MIN_KEY_BYTES:
        raise InputError(f"the audit key is {len(key)} bytes; at least {_MIN_KEY_BYTES} are needed",
                         file=str(path),
                         hint="make one with: python -c \"import secrets; print(secrets.token_hex(32))\"")
    return key


def decision_key(record: dict[str, Any]) -> str:
    """Identity of a recorded decision: (document hash, rubric, criterion, reviewer, what).

    Two imports of the same filled workbook give the same keys, so nothing is recorded twice;
    a changed decision (another level or comment) gets a new key and is recorded.
    """
    what = {k: record.get(k) for k in ("decision", "final_level", "comment", "proposed_level",
                                       "status", "rubric_version")}
    ident = [record.get("event", ""), record.get("document_sha256", ""), record.get("rubric", ""),
             record.get("criterion", ""), record.get("reviewer", ""),
             hashlib.sha256(_canonical(what).encode("utf-8")).hexdigest()]
    return "\x1f".join(map(str, ident))


# ----------------------------------------------------------------------------- reading lines
def _iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line without its newline) of every line, whole lines only.

    Lines are split on the byte ``\\n``, which never occurs inside a UTF-8 multi-byte
    character, and each line is decoded whole by the caller.
    """
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            yield lineno, raw


def _parse(raw: bytes, path: Path, lineno: int) -> dict[str, Any]:
    if not raw.endswith(b"\n"):
        raise TamperError("the last line is incomplete (an append was interrupted or the file "
                          "was cut)", file=str(path), line=lineno,
                          hint="restore the ledger from its last good copy; check it with "
                               "`rbm audit verify`")
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TamperError(f"not a ledger entry ({type(exc).__name__})", file=str(path),
                          line=lineno, hint="restore the ledger from its last good copy") from None
    if not isinstance(entry, dict):
        raise TamperError("not a ledger entry (not a JSON object)", file=str(path), line=lineno)
    return entry


def _lock(fd: int) -> None:
    """Exclusive advisory lock on an open file (POSIX; elsewhere appends are not locked)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


# ----------------------------------------------------------------------------- verification
@dataclass
class LedgerReport:
    """What :func:`verify_ledger` found (all checks passed if it returned one)."""

    path: str
    entries: int
    head: Head
    batches: int
    signed: bool
    authenticated: bool
    heads_checked: list[Head]

    def line(self) -> str:
        """One-line summary for the command line."""
        auth = ("authenticated with key " + self._key if self.authenticated
                else "signed; authenticity not checked (no key given)" if self.signed
                else "unsigned (integrity only)")
        heads = (f"; matches {len(self.heads_checked)} recorded head(s)"
                 if self.heads_checked else "; no recorded head checked")
        return (f"ok: {self.path}: {self.entries} entries in {self.batches} batch(es), "
                f"head {self.head}, chain intact{heads}; {auth}")

    _key: str = ""


def _scan(path: Path, key: bytes | None) -> tuple[list[str], int, bool, bool]:
    """Check the chain (and MACs with ``key``); return hashes by position, batches, signed."""
    hashes: list[str] = []
    prev, batches, open_batch = GENESIS, 0, None
    signed = None
    kid = key_id(key) if key else None
    for lineno, raw in _iter_lines(path):
        if not raw.strip():
            raise TamperError("empty line in the ledger", file=str(path), line=lineno)
        entry = _parse(raw, path, lineno)
        seq = len(hashes) + 1
        if entry.get("seq") != seq:
            raise TamperError(f"entry numbered {entry.get('seq')!r} where {seq} was expected: "
                              "entries were removed, inserted or reordered", file=str(path),
                              line=lineno, hint="restore the ledger from its last good copy")
        if entry.get("prev") != prev:
            raise TamperError("the chain is broken: the entry before this one was removed, "
                              "changed or reordered", file=str(path), line=lineno,
                              hint="restore the ledger from its last good copy")
        if entry.get("hash") != _digest(entry):
            raise TamperError("this entry was changed after it was written", file=str(path),
                              line=lineno, hint="restore the ledger from its last good copy")
        this_signed = "mac" in entry
        if signed is None:
            signed = this_signed
        elif this_signed != signed:
            raise TamperError("signed and unsigned entries are mixed (an entry was added "
                              "without the key)", file=str(path), line=lineno)
        if this_signed and key is not None:
            if entry.get("key_id") != kid:
                raise TamperError(f"entry signed with key {entry.get('key_id')!r}, not the "
                                  f"given key {kid}", file=str(path), line=lineno,
                                  hint="give the programme's key file (--key)")
            if not hmac.compare_digest(str(entry["mac"]), _mac(key, entry["hash"])):
                raise TamperError("the entry's MAC does not match: it was not written with "
                                  "the programme's key (forged or altered)", file=str(path),
                                  line=lineno, hint="restore the ledger from its last good copy")
        if entry.get("event") == "batch.begin":
            if open_batch is not None:
                raise TamperError("a batch begins before the previous one is complete "
                                  "(entries of a batch were removed)", file=str(path), line=lineno)
            batches += 1
            open_batch = (int(entry.get("size", 0)), seq)
        if open_batch is not None and seq - open_batch[1] + 1 == open_batch[0]:
            open_batch = None
        prev = entry["hash"]
        hashes.append(prev)
    if open_batch is not None:
        raise TamperError(f"the last batch is incomplete ({len(hashes) - open_batch[1] + 1} of "
                          f"{open_batch[0]} entries): the ledger was cut", file=str(path),
                          hint="restore the ledger from its last good copy")
    return hashes, batches, bool(signed), bool(signed and key is not None)


def checkpoint_path(ledger: str | os.PathLike[str]) -> Path:
    """The checkpoint file kept beside a ledger: ``<ledger>.head.json``."""
    p = Path(ledger)
    return p.with_name(p.name + ".head.json")


def read_head(path: str | os.PathLike[str], key: bytes | None = None) -> Head:
    """The ledger head recorded in a checkpoint (JSON), a decisions/final CSV or a workbook."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path), hint="check the path")
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start.startswith(b"PK"):
        return _workbook_head(path)
    if path.suffix.lower() == ".csv":
        import pandas as pd

        frame = pd.read_csv(path, dtype=str, usecols=lambda c: c == "ledger_head",
                            keep_default_na=False)
        values = set(frame.get("ledger_head", pd.Series(dtype=str))) - {""}
        if len(values) != 1:
            raise InputError(f"expected one ledger_head value, found {len(values)}",
                             file=str(path), column="ledger_head",
                             hint="give a decisions.csv or final_verdicts.csv from `rbm review import`")
        return Head.parse(values.pop(), str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a ledger checkpoint ({type(exc).__name__})", file=str(path)) from None
    if not isinstance(data, dict) or data.get("schema") != HEAD_SCHEMA:
        raise InputError(f"not a ledger checkpoint (schema is not {HEAD_SCHEMA})", file=str(path))
    head = Head(int(data["entries"]), str(data["hash"]), str(path))
    if "mac" in data and key is not None:
        if not hmac.compare_digest(str(data["mac"]), _mac(key, head.as_text())):
            raise TamperError("the checkpoint's MAC does not match the key (forged or altered)",
                              file=str(path))
    elif key is not None and head.entries:
        raise TamperError("the checkpoint is not signed although a key was given (forged?)",
                          file=str(path))
    return head


def _workbook_head(path: Path) -> Head:
    from rbm_surveys.review.sheets import workbook_meta

    meta = workbook_meta(path)
    if not meta.get("ledger_head"):
        raise InputError("the workbook records no ledger head (exported without a ledger)",
                         file=str(path), sheet="_meta")
    return Head.parse(str(meta["ledger_head"]), str(path))


def verify_ledger(path: str | os.PathLike[str], heads: Iterable[Head | str | os.PathLike[str]] = (), *,
                  key: bytes | None = None, checkpoint: bool = True) -> LedgerReport:
    """Check the whole ledger; return a :class:`LedgerReport` or raise :class:`TamperError`.

    ``heads``: recorded heads (or files holding one: checkpoint, decisions CSV, workbook).
    ``checkpoint``: also check the ledger's own checkpoint file (``<ledger>.head.json``),
    which must exist unless the ledger has never been written. Every head must be matched
    (the entry at its position carries its hash), and the newest head must cover the last
    entry — entries after it were appended outside rbm.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("ledger not found (or not a file)", file=str(path),
                         hint="check the path")
    hashes, batches, signed, authenticated = _scan(path, key)
    got: list[Head] = []
    for h in heads:
        got.append(h if isinstance(h, Head) else read_head(h, key))
    cp = checkpoint_path(path)
    if checkpoint and cp.exists():
        got.append(read_head(cp, key))
    for h in got:
        where = h.source or "a recorded head"
        if h.entries > len(hashes):
            raise TamperError(f"{where} records {h.entries} entries but the ledger holds "
                              f"{len(hashes)}: entries were removed from its end", file=str(path),
                              hint="restore the ledger from its last good copy")
        if h.entries and hashes[h.entries - 1] != h.hash:
            raise TamperError(f"entry {h.entries} does not carry the hash {where} recorded: the "
                              "ledger was rewritten (or it is not the ledger that head came "
                              "from)", file=str(path), line=h.entries,
                              hint="restore the ledger from its last good copy, or give the "
                                   "right ledger (--ledger)")
    if checkpoint and not cp.exists():
        raise TamperError(f"no checkpoint ({cp.name}) beside the ledger: cuts at its end "
                          "cannot be ruled out", file=str(path),
                          hint="give --checkpoint FILE (a checkpoint, decisions CSV or "
                               "review workbook), or --no-checkpoint to check the chain only")
    if checkpoint and got and got[-1].entries < len(hashes):
        raise TamperError(f"{len(hashes) - got[-1].entries} entr(ies) after the checkpoint "
                          f"(entry {got[-1].entries}) were appended outside rbm (forged?), or "
                          "an append stopped before its checkpoint was written",
                          file=str(path), line=got[-1].entries + 1,
                          hint="remove them or restore the ledger from its last good copy")
    head = Head(len(hashes), hashes[-1] if hashes else GENESIS, str(path))
    report = LedgerReport(str(path), len(hashes), head, batches, signed, authenticated, got)
    report._key = key_id(key) if key else ""
    return report


def diff_ledgers(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> tuple[bool, str]:
    """Compare two copies of a ledger: ``(ok, one line)``.

    ``ok`` when B is A with entries appended (the only change an append-only ledger allows);
    otherwise the line names the first entry where they differ and the fields that differ.
    """
    a, b = Path(a), Path(b)
    for p in (a, b):
        if not p.is_file():
            raise InputError("ledger not found", file=str(p))
    ia, ib = _iter_lines(a), _iter_lines(b)
    n = 0
    while True:
        la, lb = next(ia, None), next(ib, None)
        if la is None and lb is None:
            return True, f"same: {a} and {b} hold the same {n} entries"
        if la is None:
            rest = 1 + sum(1 for _ in ib)
            return True, f"append-only: {b} extends {a} by {rest} entr(ies) after entry {n}"
        if lb is None:
            rest = 1 + sum(1 for _ in ia)
            return False, (f"cut: {b} lacks the last {rest} entr(ies) of {a} (from entry "
                           f"{n + 1})")
        if la[1] != lb[1]:
            ea, eb = _loose(la[1]), _loose(lb[1])
            fields = sorted(k for k in set(ea) | set(eb)
                            if ea.get(k) != eb.get(k) and k not in ("hash", "prev", "mac"))
            what = f"fields differ: {', '.join(fields)}" if fields else "only hashes differ"
            return False, f"diverge at entry {n + 1} (line {la[0]}): {what}"
        n += 1


def _loose(raw: bytes) -> dict[str, Any]:
    try:
        out = json.loads(raw.decode("utf-8"))
        return out if isinstance(out, dict) else {"(line)": raw}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"(line)": raw}


# ----------------------------------------------------------------------------- writing
class Ledger:
    """A hash-chained, append-only JSONL ledger at ``path`` (created on first append).

    ``key``: the programme's HMAC key (bytes) for signed ledgers; a ledger is signed from its
    first entry or never, and a signed ledger refuses unsigned appends.
    """

    def __init__(self, path: str | os.PathLike[str], key: bytes | None = None) -> None:
        self.path = Path(path)
        self.key = key

    @property
    def checkpoint(self) -> Path:
        """The checkpoint file beside the ledger."""
        return checkpoint_path(self.path)

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, in order (whole lines; no verification)."""
        if not self.path.exists():
            return []
        return [_parse(raw, self.path, n) for n, raw in _iter_lines(self.path)]

    def head(self) -> Head:
        """Count and last hash, after checking the ledger (chain, key, checkpoint)."""
        if _file_size(self.path) == 0 and not self.checkpoint.exists():
            return Head(0, GENESIS, str(self.path))
        if not self.path.exists():
            raise TamperError("the ledger is missing but its checkpoint exists",
                              file=str(self.path), hint="restore the ledger from its last good copy")
        return verify_ledger(self.path, key=self.key).head

    def recorded_keys(self) -> set[str]:
        """:func:`decision_key` of every entry already in the ledger."""
        return {decision_key(e) for e in self.entries()}

    def prepare(self, records: list[tuple[str, dict[str, Any]]],
                head: Head | None = None) -> tuple[list[str], Head]:
        """Lines for a batch of ``(event, fields)`` after ``head``; returns (lines, new head).

        Nothing is written; :meth:`write` appends the lines. The batch opens with a
        ``batch.begin`` entry giving its size.
        """
        head = head or self.head()
        self._check_signing()
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        kid = key_id(self.key) if self.key else None
        prev, seq, lines = head.hash, head.entries, []
        batch = [("batch.begin", {"size": len(records) + 1})] + list(records)
        for event, fields in batch:
            seq += 1
            entry = {**fields, "event": event, "at": at, "seq": seq, "prev": prev}
            if kid:
                entry["key_id"] = kid
            entry["hash"] = _digest(entry)
            if self.key:
                entry["mac"] = _mac(self.key, entry["hash"])
            lines.append(_canonical(entry) + "\n")
            prev = entry["hash"]
        return lines, Head(seq, prev, str(self.path))

    def write(self, lines: list[str], new_head: Head, old_head: Head) -> Head:
        """Append prepared lines in one write (O_APPEND, fsync), then the checkpoint.

        The ledger must still be at ``old_head`` (no one appended meanwhile). If the write
        fails the file is cut back to where it was, so the batch is there whole or not at all.
        """
        from rbm_surveys.errors import OutputError

        if not lines:
            return old_head
        data = "".join(lines).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot open the ledger for appending ({exc.strerror or exc})",
                              file=str(self.path), hint="check the path and permissions") from None
        try:
            _lock(fd)  # one writer at a time; the count is checked under the lock
            if self._count_lines() != old_head.entries:
                raise UsageError("the ledger changed while this batch was prepared",
                                 key=str(self.path), hint="run the command again")
            before = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    done = os.write(fd, view)
                    view = view[done:]
                os.fsync(fd)
            except BaseException as exc:
                os.ftruncate(fd, before)
                os.fsync(fd)
                if isinstance(exc, OSError):
                    raise OutputError(f"cannot append to the ledger ({exc.strerror or exc}); "
                                      "nothing was recorded", file=str(self.path)) from None
                raise
        finally:
            os.close(fd)  # closing releases the lock
        self._write_checkpoint(new_head)
        return new_head

    def _check_signing(self) -> None:
        """A signed ledger takes only signed entries, an unsigned one only unsigned entries."""
        if _file_size(self.path) == 0:
            return
        first = next(_iter_lines(self.path))
        signed = "mac" in _parse(first[1], self.path, first[0])
        if signed and self.key is None:
            raise TamperError("this ledger is signed; an entry without the programme's key "
                              "would not be authentic", file=str(self.path),
                              hint=f"give --key FILE (or set {KEY_ENV})")
        if not signed and self.key is not None:
            raise UsageError("this ledger is not signed, so it cannot be continued with a key "
                             "(earlier entries would stay unauthenticated)", key=str(self.path),
                             hint="start a new ledger (--ledger) for signed entries, or drop --key")

    def _count_lines(self) -> int:
        if not self.path.exists():
            return 0
        with open(self.path, "rb") as fh:
            return sum(1 for _ in fh)

    def _write_checkpoint(self, head: Head) -> None:
        from rbm_surveys.files import write_text

        data = {"schema": HEAD_SCHEMA, "ledger": self.path.name, "entries": head.entries,
                "hash": head.hash,
                "written": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if self.key:
            data["key_id"] = key_id(self.key)
            data["mac"] = _mac(self.key, Head(head.entries, head.hash).as_text())
        write_text(self.checkpoint, json.dumps(data, indent=1, sort_keys=True) + "\n")

    def append_batch(self, records: list[tuple[str, dict[str, Any]]]) -> Head:
        """Check the ledger, then append ``(event, fields)`` records as one batch."""
        old = self.head()
        lines, new = self.prepare(records, old)
        return self.write(lines, new, old)

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append one event (as a batch of one) and return the entry as written."""
        old = self.head()
        lines, new = self.prepare([(event, fields)], old)
        self.write(lines, new, old)
        entry: dict[str, Any] = json.loads(lines[-1])
        return entry

    def extend(self, event: str, records: list[dict[str, Any]]) -> int:
        """Append one entry per record as one batch; returns how many."""
        if records:
            self.append_batch([(event, r) for r in records])
        return len(records)
