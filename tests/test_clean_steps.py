"""Cleaning steps on SurveyData built from frames, with a real XLSForm as codebook."""

import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "data" / "clean"))
from make_form import codebook as read_test_form  # noqa: E402

from rbm_surveys.errors import ConfigError, DataError, RbmError, UsageError  # noqa: E402
from rbm_surveys.surveys import clean as C  # noqa: E402
from rbm_surveys.surveys.data import SurveyData  # noqa: E402


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return read_test_form(tmp_path_factory.mktemp("form"))


def survey(codebook=None, **main_cols):
    """Five submissions, a `member` repeat, a nested `visit` repeat under members."""
    main = pd.DataFrame({
        "_index": [1, 2, 3, 4, 5],
        "age": pd.array([30, 99, 45, 30, 51], dtype="Int64"),
        "safe_dark": pd.array(["safe", "dnk", "pnta", "safe", "unsafe"], dtype="string"),
        "tenure": pd.array(["1", "98", "99", "1", "3"], dtype="string"),
        "services": pd.array(["water health", "dnk", None, "water health", "school"],
                             dtype="string"),
        "services/water": pd.array([1, 0, None, 1, 0], dtype="Int8"),
        "services/health": pd.array([1, 0, None, 1, 0], dtype="Int8"),
        "services/school": pd.array([0, 0, None, 0, 1], dtype="Int8"),
        "services/dnk": pd.array([0, 1, None, 0, 0], dtype="Int8"),
    })
    for k, v in main_cols.items():
        main[k] = v
    meta = pd.DataFrame({
        "_uuid": ["a", "b", "c", "a", "d"],
        "_submission_time": ["2024-01-01T10:00:00", "2024-01-02T10:00:00",
                             "2024-01-03T10:00:00", "2024-01-04T10:00:00",
                             "2024-01-05T10:00:00"],
        "_validation_status": ["", "validation_status_not_approved", "Approved", "", None],
    })
    member = pd.DataFrame({"_index": [1, 2, 3, 4], "_parent_index": [1, 2, 4, 5],
                           "_parent_table": "main",
                           "member_age": pd.array([3, 4, 3, 9], dtype="Int64")})
    visit = pd.DataFrame({"_index": [1, 2, 3], "_parent_index": [2, 2, 4],
                          "_parent_table": "member", "place": ["x", "y", "z"]})
    return SurveyData(tables={"main": main, "member": member, "visit": visit},
                      codebook=codebook, meta={"main": meta})


def frozen_copy(data):
    return {k: v.copy(deep=True) for k, v in data.tables.items()}


def assert_unchanged(data, before):
    for k, v in before.items():
        pd.testing.assert_frame_equal(data.tables[k], v)


# ------------------------------------------------------------------ duplicates

def test_identical_duplicate_dropped_with_children_and_input_untouched():
    data = survey()
    before = frozen_copy(data)
    out = C.drop_duplicates(data)
    assert_unchanged(data, before)
    assert list(out.main["_index"]) == [1, 2, 3, 5]
    # row 4's member (index 3) goes; visits belong to members 2 and 4 and stay
    assert list(out.tables["member"]["_index"]) == [1, 2, 4]
    assert list(out.tables["visit"]["_index"]) == [1, 2, 3]
    assert len(out.meta["main"]) == 4
    entry = out.log[-1]
    assert (entry.step, entry.rows_before, entry.rows_after) == ("drop_duplicates", 5, 4)
    assert entry.counts["identical"] == 1 and entry.counts["conflicting"] == 0
    issues = C.cleaning_issues(out)
    assert issues.loc[0, ["row", "value", "issue"]].tolist() == [4, "a",
                                                                "duplicate_identical_dropped"]


def test_conflicting_duplicates_excluded_and_listed_never_one_picked():
    data = survey(age=pd.array([30, 99, 45, 31, 51], dtype="Int64"))
    out = C.drop_duplicates(data)
    assert list(out.main["_index"]) == [2, 3, 5]
    assert out.log[-1].counts["conflicting_ids"] == ["a"]
    issues = C.cleaning_issues(out)
    assert sorted(issues["row"]) == [1, 4]
    assert set(issues["issue"]) == {"duplicate_conflict_excluded"}
    assert "conflicting" in out.log[-1].detail
    assert out.warnings == ("1 submission id(s) with conflicting copies (a) excluded from "
                            "analysis",)


def test_conflict_in_repeat_rows_only_is_a_conflict():
    data = survey()
    member = data.tables["member"].copy()
    member.loc[2, "member_age"] = 7  # row 4's child differs from row 1's
    out = C.drop_duplicates(data.replace(tables={**data.tables, "member": member}))
    assert out.log[-1].counts["conflicting_ids"] == ["a"]
    assert 1 not in set(out.main["_index"])


def test_conflict_keep_latest_and_error_policies():
    data = survey(age=pd.array([30, 99, 45, 31, 51], dtype="Int64"))
    out = C.drop_duplicates(data, conflicts="keep_latest")
    assert list(out.main["_index"]) == [2, 3, 4, 5]  # row 4 was submitted later
    assert set(C.cleaning_issues(out)["issue"]) == {"duplicate_conflict_excluded",
                                                    "duplicate_conflict_kept_latest"}
    with pytest.raises(DataError, match="different answers"):
        C.drop_duplicates(data, conflicts="error")
    with pytest.raises(UsageError):
        C.drop_duplicates(data, conflicts="pick_one")


def test_instance_id_prefix_and_no_id_column():
    data = survey()
    meta = pd.DataFrame({"meta/instanceID": ["uuid:a", "uuid:b", "uuid:c", "uuid:a", "uuid:d"]})
    out = C.drop_duplicates(data.replace(meta={"main": meta}))
    assert len(out.main) == 4
    bare = C.drop_duplicates(data.replace(meta={}))
    assert len(bare.main) == 5 and "no submission id" in bare.log[-1].detail


# ------------------------------------------------------------------ status

def test_exclude_status_kobo_uid_and_label_children_follow():
    data = survey()
    meta = data.meta["main"].copy()
    meta.loc[4, "_validation_status"] = "Not Approved"  # label-mode export
    out = C.exclude_status(data.replace(meta={"main": meta}))
    assert list(out.main["_index"]) == [1, 3, 4]
    assert list(out.tables["member"]["_index"]) == [1, 3]
    assert len(out.tables["visit"]) == 0  # visits of members 2 and 4 followed them
    assert out.log[-1].counts["excluded"] == 2
    assert set(C.cleaning_issues(out)["row"]) == {2, 5}


def test_exclude_status_odk_review_state_configurable():
    data = survey()
    meta = pd.DataFrame({"KEY": list("abcde"),
                         "ReviewState": ["", "rejected", "hasIssues", "approved", None]})
    data = data.replace(meta={"main": meta})
    assert list(C.exclude_status(data).main["_index"]) == [1, 3, 4, 5]
    strict = C.exclude_status(data, review_reject=("rejected", "hasissues"))
    assert list(strict.main["_index"]) == [1, 4, 5]
    keep_all = C.exclude_status(data, reject=(), review_reject=())
    assert len(keep_all.main) == 5 and keep_all.log[-1].counts["excluded"] == 0
    with pytest.raises(UsageError):
        C.exclude_status(data, review_reject="rejected")


# ------------------------------------------------------------------ missing codes

def test_declare_missing_with_form_select_one_numeric_codes_and_age_99(form):
    data = survey(form)
    out = C.declare_missing(data)
    main, why = out.main, out.reasons["main"]
    # select_one string codes
    assert main["safe_dark"].isna().tolist() == [False, True, True, False, False]
    assert why["safe_dark"].tolist()[1:3] == ["dont_know", "refused"]
    # 98/99 are choices of `rank` -> declared; age 99 is an integer answer -> kept
    assert why["tenure"].tolist()[1:3] == ["dont_know", "refused"]
    assert main["age"].tolist()[1] == 99 and "age" not in why
    counts = out.log[-1].counts
    assert counts["by_reason"] == {"dont_know": 3, "refused": 2}


def test_declare_missing_select_multiple_dnk_ticked_blanks_all_dummies(form):
    out = C.declare_missing(survey(form))
    row = out.main.loc[1]
    for col in ("services", "services/water", "services/health", "services/dnk"):
        assert pd.isna(row[col]), col
        assert out.reasons["main"].loc[1, col] == "dont_know"
    assert out.main.loc[0, "services/water"] == 1  # other rows untouched
    assert pd.isna(out.reasons["main"].loc[2, "services"])  # unanswered has no reason


def test_declare_missing_dummies_only_detects_ticked_code(form):
    data = survey(form)
    tables = dict(data.tables)
    tables["main"] = data.main.drop(columns=["services"])
    out = C.declare_missing(data.replace(tables=tables))
    assert out.main.loc[1, ["services/water", "services/dnk"]].isna().all()
    assert out.reasons["main"].loc[1, "services/school"] == "dont_know"


def test_declare_missing_without_form_numeric_hit_is_logged():
    data = survey(age=pd.array([30, 99, 45, 30, 98], dtype="Int64"))
    out = C.declare_missing(data)
    assert out.main["age"].isna().sum() == 2
    assert "age" in out.log[-1].counts["numeric_without_form"]
    assert "without a form" in out.log[-1].detail
    assert any("age" in w for w in out.warnings)


def test_declare_missing_per_question_and_custom_codes(form):
    data = survey(form, age=pd.array([30, -9, 45, 30, 51], dtype="Int64"))
    out = C.declare_missing(data, per_question={"age": {-9: "not_applicable"},
                                                "safe_dark": {}})
    assert out.reasons["main"].loc[1, "age"] == "not_applicable"
    assert out.main["safe_dark"].notna().all()
    custom = C.declare_missing(data, codes={"unsafe": "other_missing"})
    assert custom.reasons["main"]["safe_dark"].tolist()[4] == "other_missing"
    with pytest.raises(ConfigError) as err:
        C.declare_missing(data, codes={"dnk": ""})
    assert "dnk" in str(err.value)


def test_declare_missing_spss_user_missing_from_codebook(form):
    missing = pd.DataFrame({"column": ["age", "age", "income"], "value": [99.0, None, None],
                            "lo": [None, None, -9.0], "hi": [None, None, -1.0],
                            "label": ["Refused", None, "Don't know"]})
    cb = form.replace(missing_codes=missing)
    data = survey(cb, income=pd.array([100.0, -9.0, -5.0, 10.0, 0.0], dtype="Float64"))
    out = C.declare_missing(data)
    why = out.reasons["main"]
    assert why.loc[1, "age"] == "refused"
    assert why["income"].tolist()[1:3] == ["dont_know", "dont_know"]
    assert out.main["income"].tolist()[4] == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["safe", "unsafe", "dnk", "pnta", None]), min_size=1,
                max_size=30))
def test_declare_missing_only_touches_declared_codes(values):
    main = pd.DataFrame({"_index": range(1, len(values) + 1),
                         "q": pd.array(values, dtype="string")})
    out = C.declare_missing(SurveyData(tables={"main": main}))
    q = out.main["q"]
    declared = main["q"].isin(["dnk", "pnta"]).fillna(False)
    assert q[~declared].equals(main["q"][~declared])
    assert q[declared].isna().all()
    if declared.any():
        assert out.reasons["main"]["q"][declared].notna().all()


# ------------------------------------------------------------------ types

def test_coerce_types_reports_failed_cells_with_reason(form):
    data = survey(form, income=pd.array(["100", "abc", "2,5", "7.5", " "], dtype="string"),
                  moved_in=pd.array(["2020-01-31", "31/13/2020", None, "2021-06-01", ""],
                                    dtype="string"),
                  nombre_membres=pd.array(["3", "2.5", "4", "x", None], dtype="string"))
    out = C.coerce_types(data)
    main = out.main
    assert str(main["income"].dtype) == "Float64" and main.loc[3, "income"] == 7.5
    assert str(main["nombre_membres"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(main["moved_in"])
    issues = C.cleaning_issues(out)
    failed = set(zip(issues["column"], issues["row"]))
    assert failed == {("income", 2), ("income", 3), ("moved_in", 2),
                      ("nombre_membres", 2), ("nombre_membres", 4)}
    assert (out.reasons["main"].loc[[1, 2], "income"] == "other_missing").all()
    assert pd.isna(out.reasons["main"].loc[4, "income"])  # blank is unanswered, not failed
    assert out.log[-1].counts["failed"] == 5
    assert "other_missing" in out.log[-1].detail


def test_coerce_types_select_one_codes_and_unknown_choices(form):
    data = survey(form, tenure=[1.0, 98.0, 99.0, 1.0, 7.0])
    out = C.coerce_types(data)
    assert out.main["tenure"].tolist()[:4] == ["1", "98", "99", "1"]
    issues = C.cleaning_issues(out)
    assert issues["value"].tolist() == ["7.0"] and "rank" in issues["issue"].iloc[0]
    assert out.main["tenure"].iloc[4] == "7"  # reported, kept by default
    strict = C.coerce_types(data, unknown_choices="missing")
    assert pd.isna(strict.main["tenure"].iloc[4])
    assert strict.reasons["main"].loc[4, "tenure"] == "other_missing"


def test_coerce_types_needs_a_form():
    with pytest.raises(UsageError, match="codebook"):
        C.coerce_types(survey())


# ------------------------------------------------------------------ select_multiple

def test_expand_select_multiple_from_summary(form):
    data = survey(form)
    tables = dict(data.tables)
    tables["main"] = data.main.drop(columns=[c for c in data.main if c.startswith("services/")])
    tables["main"]["services"] = pd.array(["water health", "dnk", None, "school water",
                                           "gym"], dtype="string")
    out = C.expand_select_multiple(data.replace(tables=tables))
    cols = list(out.main.columns)
    assert cols[cols.index("services") + 1:cols.index("services") + 5] == [
        "services/water", "services/health", "services/school", "services/dnk"]
    assert out.main["services/water"].tolist()[:2] == [1, 0]
    assert pd.isna(out.main.loc[2, "services/water"])  # unanswered stays NA
    assert out.main.loc[3, "services/school"] == 1
    assert str(out.main["services/water"].dtype) == "Int8"
    issues = C.cleaning_issues(out)
    assert issues[["row", "value"]].values.tolist() == [[5, "gym"]]


# ------------------------------------------------------------------ pipeline

def test_run_cleaning_default_pipeline_and_log(form):
    data = survey(form)
    out, log = C.run_cleaning(data)
    assert list(log.columns) == C.LOG_COLUMNS
    assert log["step"].tolist() == ["drop_duplicates", "exclude_status",
                                    "expand_select_multiple", "declare_missing",
                                    "coerce_types"]
    assert log["rows_after"].tolist()[:2] == [4, 3]
    assert list(out.main["_index"]) == [1, 3, 5]
    assert out.reasons["main"].loc[2, "safe_dark"] == "refused"
    assert len(data.log) == 0  # input untouched


def test_run_cleaning_config_skips_and_checks_keys():
    data = survey()
    out, log = C.run_cleaning(data, {"cleaning": {"duplicates": False,
                                                   "status": {"reject": []}}})
    assert log["step"].tolist()[0] == "exclude_status"
    assert len(out.main) == 5
    assert "skipped" in log.loc[log["step"] == "coerce_types", "detail"].iloc[0]
    with pytest.raises(ConfigError) as err:
        C.run_cleaning(data, {"dedupe": True})
    assert "dedupe" in str(err.value)
    with pytest.raises(RbmError) as err:
        C.run_cleaning(data, {"status": {"rejected": ["x"]}})
    assert "cleaning.status" in str(err.value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers(0, 2)), min_size=1,
                max_size=25))
def test_drop_duplicates_properties(rows):
    ids = [r[0] for r in rows]
    main = pd.DataFrame({"_index": range(1, len(rows) + 1), "q": [r[1] for r in rows]})
    data = SurveyData(tables={"main": main}, meta={"main": pd.DataFrame({"_uuid": ids})})
    out = C.drop_duplicates(data)
    kept = out.meta["main"]["_uuid"]
    assert kept.is_unique  # never two copies left
    answers = pd.Series([r[1] for r in rows]).groupby(ids).nunique()
    for sid, n_answers in answers.items():
        # an id survives exactly when all its copies agree
        assert (sid in set(kept)) == (n_answers == 1)
    assert set(out.main["_index"]) <= set(main["_index"])


def test_run_cleaning_twice_changes_nothing_more(form):
    once, _ = C.run_cleaning(survey(form))
    twice, log = C.run_cleaning(once)
    for name in once.tables:
        pd.testing.assert_frame_equal(twice.tables[name], once.tables[name])
    pd.testing.assert_frame_equal(twice.reasons["main"], once.reasons["main"])
    assert len(log) == 10  # the log keeps the first run's entries
    second = log.iloc[5:]
    assert (second["rows_before"] == second["rows_after"]).all()
    assert second["detail"].iloc[0] == "no duplicate submissions"


def test_steps_check_the_contract_at_the_boundary():
    no_index = SurveyData(tables={"main": pd.DataFrame({"q": [1]})})
    with pytest.raises(DataError) as err:
        C.drop_duplicates(no_index)
    assert "_index" in str(err.value) and "main" in str(err.value)
    orphan = SurveyData(tables={"main": pd.DataFrame({"_index": [1]}),
                                "kids": pd.DataFrame({"_index": [1]})})
    with pytest.raises(DataError, match="_parent_index"):
        C.declare_missing(orphan)
    with pytest.raises(UsageError):
        C.exclude_status(pd.DataFrame({"_index": [1]}))


def test_misspelt_settings_are_errors_not_silent_no_ops(form):
    data = survey(form)
    with pytest.raises(ConfigError, match="not_aproved"):
        C.exclude_status(data, reject=("validation_status_not_aproved",))
    with pytest.raises(ConfigError, match="rejectd"):
        C.exclude_status(data, review_reject=("rejectd",))
    with pytest.raises(ConfigError, match="agee"):
        C.declare_missing(data, per_question={"agee": {"-9": "refused"}})
    # the on-hold label is a valid status
    assert len(C.exclude_status(data, reject=("On Hold",)).main) == 5
