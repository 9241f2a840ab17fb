"""Bounded fuzzing of every reader (the long run is scripts/fuzz.py): mutated inputs and the
kept corpus (tests/fuzz/corpus: every crash found so far) give RbmError or a result, never
another exception — and never kill the interpreter (the .sav that made pyreadstat segfault)."""

from __future__ import annotations

import random

import pytest

from fuzz.harness import CORPUS, READERS, mutate, run_one, seeds

#: mutated inputs per reader in the suite (a few seconds each; scripts/fuzz.py runs 10^5)
N_INPUTS = 15


@pytest.mark.parametrize("reader", READERS)
def test_reader_raises_only_rbm_errors(reader, tmp_path):
    rng = random.Random(hash(reader) & 0xFFFF)
    pool = seeds(reader)
    inputs = pool + [mutate(rng.choice(pool), rng, pool) for _ in range(N_INPUTS)]
    for i, data in enumerate(inputs):
        exc = run_one(reader, data, tmp_path)
        assert exc is None, f"{reader} input {i}: {type(exc).__name__}: {exc}"


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
