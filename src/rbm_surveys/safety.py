"""Opening user files safely: one set of limits and guards for every reader.

Every reader of a user's file — survey exports, XLSForms, policy documents, review
workbooks, YAML configurations — calls into this module *before* a parser sees the bytes:

* :func:`check_size` — a file over its kind's size limit is refused (:data:`LIMITS`);
* :func:`check_zip` / :func:`open_zip` — zip containers (XLSX, DOCX, ODK Central zips) are
  judged from their directory before anything is inflated: member count, declared sizes,
  compression ratio (zip bombs), encrypted members, CRC of small containers, and a DTD
  (``<!DOCTYPE``/``<!ENTITY``: entity expansion, external entities, "XXE") in the prolog of
  any XML part; :func:`bounded_read` reads a member without trusting its header;
* :func:`detect_encoding` — UTF-8 (BOM or not), UTF-16 by BOM, else charset-normalizer's
  guess with a warning, else an error;
* YAML configuration files are read by :func:`rbm_surveys.config.read_yaml` with this
  module's limits (:data:`LIMITS` ``["config"]``, :data:`MAX_YAML_DEPTH`): size, binary
  content, encoding, anchors/aliases (a self-referring alias makes a recursive structure, a
  chain of them a "billion laughs"), nesting, duplicate keys — each a one-line ConfigError;
* :func:`run_guarded` — native readers that can crash the interpreter (pyreadstat's C code on
  a corrupt ``.sav``/``.dta``) run in a child process: a crash is an error naming the file.

Errors are raised as the caller's error class (``error=``: :class:`FileFormatError` for
exports, :class:`DocumentError` for documents, :class:`ConfigError` for configuration), so a
message says what kind of input was refused and why.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rbm_surveys.errors import EncodingError, FileFormatError, RbmError

__all__ = [
    "Limits", "LIMITS", "MAX_ZIP_RATIO", "MAX_ZIP_MEMBERS", "RATIO_FLOOR",
    "MAX_YAML_DEPTH",
    "check_size", "check_zip", "open_zip", "bounded_read", "has_dtd", "detect_encoding",
    "run_guarded",
]


@dataclass(frozen=True)
class Limits:
    """Size limits for one kind of input file."""

    #: the file itself, in bytes
    max_bytes: int
    #: the sum of a zip container's declared member sizes, in bytes
    max_unzipped: int


#: Limits per kind of input. Exports are generous (a 1M-row KoBo XLSX is ~1 GB of sheet XML);
#: documents, forms and review workbooks are small by nature; configurations are text.
LIMITS: dict[str, Limits] = {
    "export": Limits(max_bytes=4 << 30, max_unzipped=8 << 30),
    "form": Limits(max_bytes=64 << 20, max_unzipped=256 << 20),
    "document": Limits(max_bytes=200 << 20, max_unzipped=512 << 20),
    "workbook": Limits(max_bytes=100 << 20, max_unzipped=512 << 20),
    "config": Limits(max_bytes=5 << 20, max_unzipped=0),
}
#: A zip member inflating more than this many times its compressed size is a bomb. Highly
#: repetitive sheet XML reaches ~100x, Word XML 5-20x; bombs are ≥1000x.
MAX_ZIP_RATIO = 400
#: The ratio is only judged on members at least this large (tiny parts compress oddly).
RATIO_FLOOR = 1 << 20
#: Members in one container (an XLSX of 300 sheets has ~700).
MAX_ZIP_MEMBERS = 20_000
#: Containers smaller than this (declared) and with fewer members are CRC-checked up front.
_CRC_CHECK_BYTES = 64 << 20
_CRC_CHECK_MEMBERS = 50
#: A DTD can only sit in an XML prolog, before the root element.
_PROLOG_BYTES = 4096
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
#: Nesting deeper than this is refused before it is built (a configuration needs ~5 levels).
MAX_YAML_DEPTH = 50
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")

ErrorClass = type[RbmError]


def check_size(path: str | os.PathLike[str], kind: str, *, error: ErrorClass = FileFormatError,
               max_bytes: int | None = None) -> int:
    """Size of the file at ``path``; refused when missing, not a file, or over its limit."""
    p = Path(path)
    if not p.exists():
        raise error("file not found", file=str(p), hint="check the path")
    if not p.is_file():
        raise error("this is a folder, not a file" if p.is_dir() else "not a regular file",
                    file=str(p), hint="give the path of a file")
    size = p.stat().st_size
    limit = LIMITS[kind].max_bytes if max_bytes is None else max_bytes
    if size > limit:
        raise error(f"the file is {size:,} bytes, over the limit of {limit:,} for a {kind} file",
                    file=str(p), hint="split the file, or check that it is the right one")
    return size


def has_dtd(prolog: bytes) -> bool:
    """True when XML bytes declare a DTD or entities (``<!DOCTYPE`` / ``<!ENTITY``)."""
    return _DTD.search(prolog) is not None


def open_zip(source: str | os.PathLike[str] | Any, kind: str, *, file: str | None = None,
             error: ErrorClass = FileFormatError) -> zipfile.ZipFile:
    """Open a zip (path or binary file object) for reading after :func:`check_zip`."""
    name = file or str(source)
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise error(f"corrupt or truncated zip container ({exc})", file=name,
                    hint="download or save the file again; it is incomplete") from None
    try:
        check_zip(zf, kind, file=name, error=error)
    except BaseException:
        zf.close()
        raise
    return zf


def check_zip(zf: zipfile.ZipFile, kind: str, *, file: str,
              error: ErrorClass = FileFormatError) -> None:
    """Refuse a zip before extraction: bombs, encryption, corrupt members, DTDs in XML parts.

    ``kind`` picks the total inflated size allowed (:data:`LIMITS`).
    """
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise error(f"the zip container has {len(infos):,} members (limit {MAX_ZIP_MEMBERS:,})",
                    file=file, hint="this looks like a zip bomb; do not open it")
    total = 0
    limit = LIMITS[kind].max_unzipped
    for info in infos:
        if info.flag_bits & 0x1:
            raise error("the zip container is encrypted (password-protected)", file=file,
                        key=info.filename, hint="remove the password and save or export again")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise error(f"zip member declares {info.file_size:,} bytes from "
                        f"{info.compress_size:,} (ratio {ratio:,.0f}, limit {MAX_ZIP_RATIO}): "
                        "refused as a zip bomb", file=file, key=info.filename,
                        hint="do not open this file; ask for a fresh copy")
    if total > limit:
        largest = max(infos, key=lambda i: i.file_size)
        raise error(f"the zip container inflates to {total:,} bytes (limit {limit:,} for a "
                    f"{kind} file): refused as a possible zip bomb", file=file,
                    key=largest.filename,
                    hint="do not open this file; if it is genuine, split it")
    if len(infos) < _CRC_CHECK_MEMBERS and total < _CRC_CHECK_BYTES:
        try:
            bad = zf.testzip()
        except Exception as exc:  # noqa: BLE001 - zlib.error, NotImplementedError, EOFError …
            raise error(f"corrupt zip member ({type(exc).__name__}: {exc})", file=file,
                        hint="download or save the file again") from None
        if bad is not None:
            raise error("corrupt zip member (CRC mismatch)", file=file, key=bad,
                        hint="download or save the file again")
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            prolog = _read_prefix(zf, info, file=file, error=error)
            if has_dtd(prolog):
                raise error("an XML part declares a DTD or entities (refused: entity expansion "
                            "or external entities, 'XXE')", file=file, key=info.filename,
                            hint="re-save the file in Excel/Word, or ask for a fresh copy")


def _read_prefix(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, file: str,
                 error: ErrorClass) -> bytes:
    try:
        with zf.open(info) as fh:
            return fh.read(_PROLOG_BYTES)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, NotImplemented
        raise error(f"corrupt zip member ({type(exc).__name__}: {exc})", file=file,
                    key=info.filename, hint="download or save the file again") from None


def bounded_read(zf: zipfile.ZipFile, name: str, *, file: str,
                 error: ErrorClass = FileFormatError) -> bytes:
    """Read one member, refusing one that inflates past its declared size or is corrupt."""
    try:
        info = zf.getinfo(name)
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except KeyError:
        raise error("the zip container has no such member", file=file, key=name) from None
    except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, NotImplemented
        raise error(f"corrupt zip member ({type(exc).__name__}: {exc})", file=file, key=name,
                    hint="download or save the file again") from None
    if len(data) > info.file_size:
        raise error("zip member inflates past its declared size", file=file, key=name,
                    hint="do not open this file; ask for a fresh copy")
    return data


def detect_encoding(sample: bytes, *, file: str, complete: bool,
                    error: ErrorClass = EncodingError) -> tuple[str, str | None]:
    """Encoding to read text with, and a warning when it is not UTF-8.

    UTF-8 (with or without BOM) is silent; UTF-16 is recognised by its BOM. Otherwise
    charset-normalizer guesses (ties between Windows code pages go to cp1252, Excel's
    Western default) and a warning says so. Binary content or no plausible guess → ``error``.
    ``complete`` says whether ``sample`` is the whole file (a multi-byte character cut at the
    end of a partial sample is not an error).
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", f"{file}: read as UTF-16 (has a UTF-16 byte-order mark)"
    else:
        enc = "utf-8"
    try:
        sample.decode(enc)
        return enc, None
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return enc, None
        pos = exc.start
    if b"\x00" in sample[:8192]:
        raise error("binary content, not text", file=file,
                    hint="give a text file (UTF-8), or check that this is the right file")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    best = matches[0] if matches else None
    if best is not None:
        tied = [m for m in matches if m.chaos <= best.chaos]
        best = next((m for m in tied if m.encoding in _PREFERRED), best)
    if best is None:
        raise error(f"the text is not UTF-8 (undecodable byte at offset {pos}) and its "
                    "encoding cannot be recognised", file=file,
                    hint="save the file as UTF-8, or pass encoding=... to the reader")
    return best.encoding, (f"{file}: not UTF-8 (first bad byte at offset {pos}); read as "
                           f"{best.encoding} as detected — check accented text, or save as UTF-8")


# --- native readers in a child process -----------------------------------------------------

def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    import faulthandler

    faulthandler.disable()  # a crash here is reported by the parent, in one line
    try:
        result = ("ok", func(*args))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    finally:
        conn.close()


def _context() -> Any:
    # fork is cheap (the child already has the reader imported) and safe here: the child
    # only runs the native reader and pickles its result back. Elsewhere: spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_guarded(func: Callable[..., Any], *args: Any, file: str, what: str,
                error: ErrorClass = FileFormatError, hint: str | None = None) -> Any:
    """``func(*args)`` in a child process; a crash, or any exception, becomes ``error``.

    For native code that can kill the interpreter on a corrupt file (segfault, abort). The
    result must be picklable. ``what`` names the reader in the message (e.g. "SPSS reader").
    """
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args), daemon=True)
    proc.start()
    sender.close()
    hint = hint or "the file is corrupt or truncated; save or export it again"
    try:
        try:
            status, payload = receiver.recv()
        except EOFError:
            proc.join()
            code = proc.exitcode
            how = (f"signal {-code}" if code is not None and code < 0 else f"exit {code}")
            raise error(f"the {what} crashed on this file ({how})", file=file,
                        hint=hint) from None
        proc.join()
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "ok":
        return payload
    raise error(f"the {what} cannot read this file ({payload})", file=file, hint=hint)
