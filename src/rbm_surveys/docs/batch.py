"""Score many documents against one or more rubrics, on every core, without stopping.

``score_path(path, rubric_ids)`` is the unit of work: a pure, picklable function of a path
and rubric ids that never raises for a bad document — it returns the failure instead. A
``ProcessPoolExecutor`` maps it over the paths (scoring is a pure function of (document,
rubric), see DESIGN.md), so one corrupt or encrypted file fails alone and the batch goes
on; :class:`BatchResult` lists every failure.

Output tables (fixed columns):

* ``verdicts`` — :data:`rbm_surveys.docs.scoring.VERDICT_COLUMNS`, one row per (document,
  rubric, criterion);
* ``evidence`` — list of JSON-ready dicts (see ``DocumentScore.evidence``);
* ``documents`` — :data:`DOCUMENT_COLUMNS`, one row per document read;
* ``failures`` — :data:`FAILURE_COLUMNS`, one row per document that could not be scored.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from rbm_surveys.errors import OutputError, RbmError, UsageError

__all__ = ["score_path", "score_paths", "expand_paths", "write_batch", "BatchResult",
           "DOCUMENT_COLUMNS", "FAILURE_COLUMNS", "check_rubrics", "collect", "failure_result"]

DOCUMENT_COLUMNS = ["document", "document_sha256", "kind", "language", "pages",
                    "unreadable_pages", "passages", "characters", "warnings"]
FAILURE_COLUMNS = ["document", "stage", "error", "message", "hint"]


@lru_cache(maxsize=None)
def _rubric(rubric_id: str):
    from rbm_surveys.docs.rubric import load_rubric

    return load_rubric(rubric_id)


def _failure(path: str, stage: str, exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, RbmError):
        return {"document": path, "stage": stage, "error": f"{type(exc).__name__} [{exc.code}]",
                "message": exc.message, "hint": exc.hint or ""}
    return {"document": path, "stage": stage, "error": type(exc).__name__,
            "message": str(exc) or repr(exc),
            "hint": "unexpected error; rerun with `rbm --debug docs read PATH` and report it"}


def score_path(path: str, rubric_ids: Sequence[str], language: str | None = None,
               max_bytes: int | None = None) -> dict[str, Any]:
    """Read one document and score it against each rubric. Never raises for bad input:
    the result's ``failure`` is set instead (``None`` when all went well)."""
    from rbm_surveys.docs.io import DEFAULT_MAX_BYTES, read_document
    from rbm_surveys.docs.scoring import score_document

    out: dict[str, Any] = {"document": path, "info": None, "verdicts": [], "evidence": [],
                           "summaries": [], "failure": None}
    try:
        doc = read_document(path, language=language, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    except Exception as exc:  # noqa: BLE001 - a batch reports, it does not stop
        out["failure"] = _failure(path, "read", exc)
        return out
    out["info"] = {"document": path, "document_sha256": doc.sha256, "kind": doc.kind,
                   "language": doc.language, "pages": len(doc.pages),
                   "unreadable_pages": ";".join(map(str, doc.unreadable_pages)),
                   "passages": len(doc.passages), "characters": len(doc.text),
                   "warnings": " | ".join(doc.warnings)}
    if not doc.text.strip():
        reasons = sorted({p.reason for p in doc.pages if p.reason})
        out["failure"] = {"document": path, "stage": "read", "error": "no readable text",
                          "message": "; ".join(reasons) or "the document has no text",
                          "hint": "run OCR on scanned documents and score the result"}
        return out
    for rubric_id in rubric_ids:
        try:
            score = score_document(doc, _rubric(rubric_id))
        except Exception as exc:  # noqa: BLE001
            out["failure"] = _failure(path, f"score:{rubric_id}", exc)
            return out
        out["verdicts"].append(score.verdicts)
        out["evidence"].extend(score.evidence)
        out["summaries"].append(score.summary)
    return out


@dataclass
class BatchResult:
    verdicts: pd.DataFrame
    evidence: list[dict[str, Any]]
    documents: pd.DataFrame
    failures: pd.DataFrame
    summaries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failures.empty


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files as given; folders expanded (recursively, sorted) to supported document files."""
    from rbm_surveys.docs.io import SUPPORTED_SUFFIXES

    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(str(f) for f in p.rglob("*")
                          if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            out.append(str(p))
    return list(dict.fromkeys(out))


def score_paths(paths: Sequence[str], rubric_ids: Sequence[str], *, jobs: int | None = None,
                language: str | None = None, max_bytes: int | None = None,
                progress: bool = False) -> BatchResult:
    """Score every path against every rubric; ``jobs`` processes (default: all cores)."""
    check_rubrics(rubric_ids)
    if jobs is not None and jobs < 1:
        raise UsageError(f"jobs must be at least 1, got {jobs}")
    paths = list(paths)
    jobs = min(jobs or os.cpu_count() or 1, max(len(paths), 1))
    results: list[dict[str, Any] | None] = [None] * len(paths)
    from tqdm import tqdm

    bar = tqdm(total=len(paths), unit="doc", file=sys.stderr, disable=not progress,
               desc="scoring")
    if jobs == 1:
        for i, p in enumerate(paths):
            results[i] = score_path(p, tuple(rubric_ids), language, max_bytes)
            bar.update()
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(score_path, p, tuple(rubric_ids), language, max_bytes): i
                       for i, p in enumerate(paths)}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (e.g. out of memory)
                    results[i] = failure_result(paths[i], exc)
                bar.update()
    bar.close()
    return collect([r for r in results if r is not None])


def check_rubrics(rubric_ids: Sequence[str]) -> None:
    """Fail fast on a missing or bad rubric, before any document is read."""
    if not rubric_ids:
        raise UsageError("no rubric given", hint="pass --rubric ID (see `rbm docs rubrics`)")
    for rubric_id in rubric_ids:
        _rubric(rubric_id)


def failure_result(path: str, exc: BaseException) -> dict[str, Any]:
    """The result of a document whose worker died (out of memory, killed …)."""
    return {"document": path, "info": None, "verdicts": [], "evidence": [], "summaries": [],
            "failure": _failure(path, "worker", exc)}


def collect(results: Sequence[dict[str, Any]]) -> BatchResult:
    """Assemble :func:`score_path` results (in input order) into one :class:`BatchResult`."""
    from rbm_surveys.docs.scoring import VERDICT_COLUMNS

    done = list(results)
    frames = [v for r in done for v in r["verdicts"]]
    verdicts = (pd.concat(frames, ignore_index=True) if frames
                else pd.DataFrame(columns=VERDICT_COLUMNS))
    return BatchResult(
        verdicts=verdicts,
        evidence=[e for r in done for e in r["evidence"]],
        documents=pd.DataFrame([r["info"] for r in done if r["info"]], columns=DOCUMENT_COLUMNS),
        failures=pd.DataFrame([r["failure"] for r in done if r["failure"]],
                              columns=FAILURE_COLUMNS),
        summaries=[s for r in done for s in r["summaries"]],
    )


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def write_batch(result: BatchResult, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write verdicts.csv, evidence.jsonl, documents.csv, failures.csv, summary.jsonl.

    CSV text cells go through :func:`rbm_surveys.report.safe.safe_frame` (no formula can
    run when a reviewer opens them in Excel). Returns the paths written.
    """
    out = Path(out_dir)
    try:
        return _write(result, out)
    except OSError as exc:
        raise UsageError(f"cannot write the results ({exc.strerror or exc})", key=str(out),
                         hint="give --out a folder you can write to") from None
    except OutputError as exc:
        raise OutputError(f"cannot write the results: {exc.message}", key=str(out),
                          hint=exc.hint) from None


def _write(result: BatchResult, out: Path) -> dict[str, Path]:
    from rbm_surveys.files import OutputSet, write_csv, write_jsonl

    names = ("verdicts.csv", "evidence.jsonl", "documents.csv", "failures.csv", "summary.jsonl")
    # the five files are staged and swapped in together (rbm_surveys.files.OutputSet)
    with OutputSet(out) as staging:
        write_csv(result.verdicts, staging / "verdicts.csv", lineterminator="\n")
        write_csv(result.documents, staging / "documents.csv", lineterminator="\n")
        write_csv(result.failures, staging / "failures.csv", lineterminator="\n")
        write_jsonl(staging / "evidence.jsonl", result.evidence, default=_json_default)
        write_jsonl(staging / "summary.jsonl", result.summaries, default=_json_default)
    return {name: out / name for name in names}
