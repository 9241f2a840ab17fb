"""Bounded fuzzing of every reader (the long run is scripts/fuzz.py): the seeds, the kept
corpus (tests/fuzz/corpus: every crash found so far) and hypothesis-driven mutations of them
give RbmError or a result, never another exception — and never kill the interpreter (the
.sav that made pyreadstat segfault)."""

from __future__ import annotations

import functools
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.harness import CORPUS, READERS, mutate, run_one, seeds

#: mutated inputs per reader in the suite (a few seconds each; scripts/fuzz.py runs 10^5)
N_INPUTS = 15


@functools.lru_cache(maxsize=None)
def _pool(reader: str) -> tuple[bytes, ...]:
    return tuple(seeds(reader))


@pytest.mark.parametrize("reader", READERS)
def test_seeds_and_corpus_give_only_rbm_errors(reader, tmp_path):
    for i, data in enumerate(_pool(reader)):
        exc = run_one(reader, data, tmp_path)
        assert exc is None, f"{reader} seed {i}: {type(exc).__name__}: {exc}"


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=N_INPUTS, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(choice=st.integers(min_value=0), mutation=st.integers(0, 2**32 - 1))
def test_mutated_inputs_give_only_rbm_errors(reader, choice, mutation):
    pool = list(_pool(reader))
    data = mutate(pool[choice % len(pool)], random.Random(mutation), pool)
    with tempfile.TemporaryDirectory() as tmp:
        exc = run_one(reader, data, Path(tmp))
    assert exc is None, f"{reader}: {type(exc).__name__}: {exc}"


def test_corpus_is_kept():
    names = {p.name for p in CORPUS.iterdir()}
    assert "crash-pyreadstat-segfault.sav" in names
    assert any(n.endswith(".review.xlsx") for n in names)


def test_segfaulting_sav_is_an_error_naming_the_file(tmp_path):
    from rbm_surveys.errors import FileFormatError
    from rbm_surveys.surveys.io import read_export

    path = tmp_path / "corrupt.sav"
    path.write_bytes((CORPUS / "crash-pyreadstat-segfault.sav").read_bytes())
    with pytest.raises(FileFormatError, match="crashed on this file") as info:
        read_export(path, unknown="keep", progress=False)
    assert info.value.where["file"] == str(path)
