"""Writing outputs whole: every file rbm_surveys writes goes through this module.

A reader of our outputs never sees a half-written file. Each file is written to a temporary
file in the same folder, flushed and ``fsync``'d, then moved over the target with
:func:`os.replace` (atomic on POSIX and Windows within one file system); on any failure
(a full disk, a signal turned into an exception, a bug) the temporary file is removed and the
previous version of the target, if any, is left untouched. A full disk or a folder that cannot
be written is an :class:`~rbm_surveys.errors.OutputError` naming the file.

Text cells of tables are made formula-safe (:func:`rbm_surveys.report.safe.safe_frame`)
by :func:`write_csv` and :func:`write_excel_frames`, so no writer has to remember it.

:class:`OutputSet` writes a *set* of files for one run into a staging folder beside the
destination and swaps the whole set in at the end, so a run that fails half-way leaves the
previous run's files as they were, never a mix of old and new.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from rbm_surveys.errors import OutputError

__all__ = [
    "atomic_write",
    "write_text",
    "write_bytes",
    "write_csv",
    "write_jsonl",
    "save_workbook",
    "OutputSet",
]


def _output_error(exc: OSError, path: Path) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError("the disk is full; nothing was written", file=str(path),
                           hint="free some space or write to another folder (--out)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("the folder cannot be written", file=str(path),
                           hint="choose a folder you can write to (--out)")
    return OutputError(f"cannot write the file ({exc.strerror or exc})", file=str(path),
                       hint="check the path and free space, then run again")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _target_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_UMASK


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on success move it over ``path``.

    ``mode`` is ``"w"`` (text, with ``encoding`` and ``newline``) or ``"wb"``. The parent
    folder is created. On any exception the temporary file is deleted and ``path`` is left as
    it was; an :class:`OSError` becomes an :class:`OutputError` naming ``path``.
    """
    if mode not in ("w", "wb"):
        raise ValueError("mode must be 'w' or 'wb'")
    path = Path(path)
    if path.is_dir():
        raise OutputError("this is a folder, not a file name", file=str(path),
                          hint=f"give a file name, e.g. {path / 'out.csv'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _output_error(exc, path) from None
    ok = False
    try:
        kwargs: dict[str, Any] = {} if mode == "wb" else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file owner-only; an output gets the usual permissions (those of
        # the file it replaces, else 0666 less the umask)
        os.chmod(tmp, _target_mode(path))
        os.replace(tmp, path)
        ok = True
    except OSError as exc:
        raise _output_error(exc, path) from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path."""
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_csv(frame: Any, path: str | os.PathLike[str], *, safe: bool = True, **to_csv: Any) -> Path:
    """Write a DataFrame as UTF-8 CSV atomically, text cells formula-safe unless ``safe=False``.

    Extra keywords go to :meth:`pandas.DataFrame.to_csv` (``index=False`` by default; CRLF line
    ends, so a cell holding a bare CR or LF is quoted).
    """
    from rbm_surveys.report.safe import safe_frame

    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\r\n")
    data = safe_frame(frame) if safe else frame
    with atomic_write(path, "w", encoding=to_csv.pop("encoding", "utf-8"), newline="") as fh:
        data.to_csv(fh, **to_csv)
    return Path(path)


def write_jsonl(path: str | os.PathLike[str], rows: Any, *, default: Any = None) -> Path:
    """Write one JSON object per line (UTF-8, keys sorted) atomically."""
    with atomic_write(path, "w") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True, default=default) + "\n")
    return Path(path)


def save_workbook(workbook: Any, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically (cells must already be formula-safe)."""
    with atomic_write(path, "wb") as fh:
        workbook.save(fh)
    return Path(path)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the duration, then deliver them to the handlers that were
    in place (main thread only; elsewhere a no-op). Python-level, not ``pthread_sigmask``: in
    a process with other threads (pyarrow's pool, pytest-xdist) the kernel would hand the
    signal to an unblocked thread and Python would still run the handler mid-swap."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        pending.append(signum)

    old = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


def _remove_stale_staging(out_dir: Path) -> None:
    """Delete staging folders left by runs that were killed (SIGKILL, power cut): their
    process id is in the name and that process no longer runs."""
    for p in out_dir.glob(".rbm-staging-*"):
        pid = p.name.split("-")[2] if p.name.count("-") >= 3 else ""
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except OSError:  # alive, but someone else's
            pass


class OutputSet:
    """The files of one run, swapped in together.

    ::

        with OutputSet(out_dir) as staging:
            write_csv(table, staging / "indicators.csv")
            save_workbook(wb, staging / "indicators.xlsx")

    Files are written into a hidden staging folder beside ``out_dir``; when the block ends
    without an exception each staged file replaces its namesake in ``out_dir`` (files of an
    earlier run that this run did not write are removed when ``replace_all=True``, so the folder
    holds one run's set). On an exception the staging folder is deleted and ``out_dir`` is
    untouched.
    """

    def __init__(self, out_dir: str | os.PathLike[str], *, replace_all: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.replace_all = replace_all
        self.staging: Path | None = None

    def __enter__(self) -> Path:
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise OutputError("this is a file, not a folder for the outputs",
                              file=str(self.out_dir), hint="give a folder name (--out)")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(self.out_dir)
            self.staging = Path(tempfile.mkdtemp(prefix=f".rbm-staging-{os.getpid()}-",
                                                 dir=self.out_dir))
        except OSError as exc:
            raise _output_error(exc, self.out_dir) from None
        return self.staging

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self.staging is not None
        try:
            if exc_type is None:
                self._commit(self.staging)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)

    def _commit(self, staging: Path) -> None:
        # SIGINT/SIGTERM wait until the set is swapped in (they are delivered right after),
        # so a stop request never leaves half of the old set and half of the new one
        with _signals_deferred():
            self._swap(staging)

    def _swap(self, staging: Path) -> None:
        staged = {p.relative_to(staging) for p in staging.rglob("*") if p.is_file()}
        try:
            for rel in sorted(staged):
                target = self.out_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, target)
            if self.replace_all:
                for p in self.out_dir.rglob("*"):
                    rel = p.relative_to(self.out_dir)
                    if (p.is_file() and rel not in staged and not rel.parts[0].startswith(".rbm-")):
                        p.unlink()
        except OSError as exc:
            raise _output_error(exc, self.out_dir) from None
