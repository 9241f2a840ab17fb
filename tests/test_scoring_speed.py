"""The faster verdict table is the same table pandas would infer (values and dtypes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rbm_surveys.docs import scoring
from rbm_surveys.docs.io import read_document
from rbm_surveys.docs.rubric import list_rubrics, load_rubric

GOLD = Path(__file__).parent / "data" / "docs_gold"


def test_frame_matches_pandas_inference():
    data = {"s": "one", "lst": ["a", "b", "c"], "obj": np.asarray(["x", "", "z"], dtype=object),
            "mixed": ["a", None, "c"], "num": np.asarray([1.0, np.nan, 3.0]),
            "flag": [True, False, True], "n": 7, "ints": np.arange(3)}
    cols = list(data)
    got, want = scoring._frame(data, cols), pd.DataFrame(data, columns=cols)
    assert got.dtypes.equals(want.dtypes)
    assert got.equals(want)
    empty = {"a": [], "b": "x"}
    assert scoring._frame(empty, ["a", "b"]).equals(pd.DataFrame(empty, columns=["a", "b"]))


@pytest.mark.parametrize("rubric_id", list_rubrics()["id"].tolist())
def test_verdict_table_dtypes_as_inferred(monkeypatch, rubric_id):
    seen = {}
    real = scoring._frame

    def spy(data, columns):
        seen["args"] = (data, columns)
        return real(data, columns)

    monkeypatch.setattr(scoring, "_frame", spy)
    verdicts = scoring.score_document(read_document(GOLD / "igutp_fr_schema_directeur.txt"),
                                      load_rubric(rubric_id)).verdicts
    data, columns = seen["args"]
    want = pd.DataFrame(data, columns=columns)
    assert list(verdicts.columns) == scoring.VERDICT_COLUMNS
    assert verdicts.dtypes.equals(want.dtypes) and verdicts.equals(want)


def test_cached_string_columns_are_not_shared_between_frames():
    data = {"a": ["x", "y"], "b": "s", "c": np.asarray([1.0, 2.0])}
    first, second = scoring._frame(data, list(data)), scoring._frame(data, list(data))
    first.loc[0, "a"] = "changed"
    assert second["a"].tolist() == ["x", "y"]
    assert scoring._frame(data, list(data))["a"].tolist() == ["x", "y"]
