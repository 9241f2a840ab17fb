"""The vectorised fast paths give what a simple per-row reference gives.

Cleaning normalises codes once per distinct value and spreads them back by factorize codes;
pseudonyms are HMAC-SHA256 built from two sha256 calls with precomputed key pads. Each is
checked here against the obvious per-row implementation on generated data.
"""

import hashlib
import hmac
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rbm_surveys.surveys import clean as C
from rbm_surveys.surveys import privacy as P
from rbm_surveys.surveys.data import SurveyData

CODES = ["1", "2", "98", " 3 ", "1.0", "98.00", "dnk", "safe", "", "  ", "é", "-9", "x y"]

atoms = st.one_of(st.sampled_from(CODES), st.integers(-100, 100),
                  st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.booleans(), st.none())
texts = st.lists(st.one_of(st.sampled_from(CODES), st.text(max_size=6), st.none()),
                 min_size=0, max_size=40)


def ref_code_strings(values: pd.Series) -> list:
    """Per-row reference: NA stays NA, everything else through _code_string."""
    return [None if pd.isna(v) else C._code_string(v) for v in values]


def as_list(s: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in s]


@settings(max_examples=150, deadline=None)
@given(st.lists(atoms, max_size=40), st.sampled_from(["object", "string", "float", "Int64"]))
def test_code_strings_match_per_row_reference(values, kind):
    if kind == "string":
        s = pd.Series([None if v is None else str(v) for v in values], dtype="string")
    elif kind == "float":
        s = pd.Series([float(v) if isinstance(v, (int, float)) else np.nan for v in values],
                      dtype=float)
    elif kind == "Int64":
        s = pd.Series([int(v) if isinstance(v, int) else None for v in values], dtype="Int64")
    else:
        s = pd.Series(values, dtype=object)
    s.index = s.index * 3 + 7  # a non-default index must be kept
    got = C._as_code_strings(s)
    assert str(got.dtype) == "string"
    assert got.index.equals(s.index)
    assert as_list(got) == ref_code_strings(s)


def test_unchanged_string_column_is_not_shared_for_writing():
    s = pd.Series(["a", "b", None, "a"], dtype="string")
    got = C._as_code_strings(s)
    got.iloc[0] = "z"  # writing into the result must not reach the caller's column
    assert as_list(s) == ["a", "b", None, "a"]
    assert as_list(got) == ["z", "b", None, "a"]


@settings(max_examples=100, deadline=None)
@given(texts, st.lists(st.sampled_from(["1", "2", "98", "dnk", "safe", "3"]), min_size=1,
                       max_size=4, unique=True))
def test_coerce_select_one_matches_reference(values, choices):
    main = pd.DataFrame({"_index": np.arange(1, len(values) + 1),
                         "q": pd.Series(values, dtype="string")})
    form = SimpleNamespace(
        fields=pd.DataFrame({"name": ["q"], "type": ["select_one lst"], "list_name": ["lst"]}),
        choices=pd.DataFrame({"list_name": "lst", "name": choices}))
    data = SurveyData(tables={"main": main}, codebook=form)
    out = C.coerce_types(data)
    ref = [None if v is None or v == "" else v for v in ref_code_strings(main["q"])]
    assert as_list(out.main["q"]) == ref
    issues = out.log[-1].counts["issues"]
    expected_rows = [i + 1 for i, v in enumerate(ref) if v is not None and v not in choices]
    assert issues["row"].tolist() == expected_rows
    # unknown choices as missing: the same cells become NA with reason other_missing
    miss = C.coerce_types(data, unknown_choices="missing")
    assert [i + 1 for i, v in enumerate(as_list(miss.main["q"])) if v is None] == sorted(
        [i + 1 for i, v in enumerate(ref) if v is None] + expected_rows)


def ref_pseudonym(key: bytes, value, length: int):
    if pd.isna(value):
        return None
    return hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:length]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.integers(-5, 5), st.none()), max_size=30),
       st.binary(min_size=16, max_size=100), st.integers(8, 64),
       st.sampled_from(["string", "object", "Int64"]))
def test_pseudonymise_matches_hmac_reference(values, key, length, kind):
    if kind == "Int64":
        s = pd.Series([v if isinstance(v, int) else None for v in values], dtype="Int64")
    elif kind == "string":
        s = pd.Series([None if v is None else str(v) for v in values], dtype="string")
    else:
        s = pd.Series(values, dtype=object)
    got = P.pseudonymise(s, key, length)
    assert str(got.dtype) == "string" and got.index.equals(s.index)
    assert as_list(got) == [ref_pseudonym(key, v, length) for v in s.astype("string")]


def test_pseudonymise_ids_real_export_matches_reference(tmp_path):
    """KoBo CSV written to disk, read back, withheld: ids equal the per-row HMAC."""
    from rbm_surveys.surveys.io import read_export

    n = 300
    uuids = [f"0000-{i % 250:04d}" for i in range(n)]  # repeats: one HMAC per distinct id
    path = tmp_path / "kobo.csv"
    pd.DataFrame({"age": np.arange(n) % 90, "phone": ["07" + str(i) for i in range(n)],
                  "_id": np.arange(1000, 1000 + n), "_uuid": uuids,
                  "_index": np.arange(1, n + 1)}).to_csv(path, sep=";", index=False)
    before = path.read_bytes()
    data = read_export(path)
    key = b"k" * 40
    out = P.withhold_personal(data, salt=key)
    assert path.read_bytes() == before
    got = out.meta.get("main", out.main)
    src = data.meta.get("main", data.main)
    for col in ("_uuid", "_id"):
        assert as_list(got[col]) == [ref_pseudonym(key, v, 16) for v in src[col].astype("string")]
    assert "phone" not in out.main.columns


numeric_texts = st.lists(st.one_of(
    st.sampled_from(["1", " 2 ", "2.0", "2.5", "-3", "", "  ", "abc", "1e2", "98", "0", "1.",
                     ".5", "true", "False", "1.00"]),
    st.text(alphabet="0123456789.- ae", max_size=5), st.none()), max_size=40)


@settings(max_examples=100, deadline=None)
@given(numeric_texts, st.sampled_from(["integer", "decimal"]))
def test_numeric_coercion_per_distinct_text_matches_per_row(values, typ):
    s = pd.Series(values, dtype="string")
    new, failed, _ = C._coerce(s, typ)
    # reference: every row parsed on its own (the object-dtype path does exactly that)
    ref_new, ref_failed, _ = C._coerce(s.astype(object), typ)
    assert as_list(new) == as_list(ref_new)
    assert str(new.dtype) == str(ref_new.dtype)
    assert failed.tolist() == ref_failed.tolist()
    per_row = [None if v is None or not v.strip() else pd.to_numeric(v.strip(), errors="coerce")
               for v in values]
    finite = [p is None or pd.isna(p) or np.isfinite(p) for p in per_row]  # overflow (1e310) not checked here
    assert [bool(f) for f, ok in zip(failed, finite) if ok] == [
        p is not None and (pd.isna(p) or (typ == "integer" and float(p) % 1 != 0))
        for p, ok in zip(per_row, finite) if ok]


@settings(max_examples=100, deadline=None)
@given(numeric_texts)
def test_select_multiple_dummies_match_per_row_reference(values):
    n = len(values)
    main = pd.DataFrame({"_index": np.arange(1, n + 1), "q": pd.Series([None] * n, dtype="string"),
                         "q/a": pd.Series(values, dtype="string")})
    form = SimpleNamespace(
        fields=pd.DataFrame({"name": ["q"], "type": ["select_multiple lst"],
                             "list_name": ["lst"]}),
        choices=pd.DataFrame({"list_name": "lst", "name": ["a"]}))
    out = C.coerce_types(SurveyData(tables={"main": main}, codebook=form))
    ref = []
    for v in values:
        code = None if v is None else C._code_string(v).lower()
        code = {"true": "1", "false": "0"}.get(code, code)
        number = None if code is None else pd.to_numeric(code, errors="coerce")
        ref.append(int(number) if number is not None and number in (0, 1) else None)
    assert as_list(out.main["q/a"]) == ref
    bad = [i + 1 for i, v in enumerate(values)
           if v is not None and C._code_string(v) != "" and ref[i] is None]
    assert out.log[-1].counts["issues"]["row"].tolist() == bad


@settings(max_examples=100, deadline=None)
@given(st.lists(atoms, max_size=40))
def test_code_reasons_match_per_row_reference(values):
    applicable = {"98": "dont_know", "1": "refused", "True": "not_applicable", "dnk": "dont_know"}
    s = pd.Series(values, dtype=object)
    got = C._code_reasons(s, applicable)
    assert as_list(got) == [applicable.get(v) if v is not None else None
                            for v in ref_code_strings(s)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3)), min_size=1,
                max_size=12),
       st.lists(st.tuples(st.integers(1, 12), st.sampled_from(["x", "y"])), max_size=20),
       st.lists(st.booleans(), min_size=12, max_size=12))
def test_subtree_hash_of_some_rows_equals_full_hash(rows, children, pick):
    """Hashing only the duplicate rows (and their repeats) gives their full-table hashes."""
    main = pd.DataFrame({"_index": np.arange(1, len(rows) + 1), "q": [r[0] for r in rows],
                         "n": [r[1] for r in rows]})
    kids = pd.DataFrame({"_index": np.arange(1, len(children) + 1),
                         "_parent_index": [c[0] for c in children],
                         "_parent_table": "main", "m": [c[1] for c in children]})
    grand = pd.DataFrame({"_index": [1, 2, 3], "_parent_index": [1, 1, 2],
                          "_parent_table": "kids", "g": ["u", "v", "u"]})
    data = SurveyData(tables={"main": main, "kids": kids, "grand": grand})
    mask = np.array(pick[:len(rows)])
    full = C._subtree_hash(data, "main")
    part = C._subtree_hash(data, "main", mask)
    assert part.index.equals(main.index[mask])
    assert part.tolist() == full[mask].tolist()
