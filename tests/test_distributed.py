"""Dask estimation and document scoring equal the in-memory engine (LocalCluster, 2 workers)."""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from rbm_surveys import SurveyDesign  # noqa: E402
from rbm_surveys.cli import main  # noqa: E402
from rbm_surveys.distributed import DaskDesign, connect, score_paths_dask  # noqa: E402
from rbm_surveys.distributed.cluster import close_client  # noqa: E402
from rbm_surveys.errors import UsageError  # noqa: E402

BYS = [None, "sex", "age", ["sex", "age"]]


@pytest.fixture(scope="module")
def client():
    c = connect(workers=2, memory_limit="1GB")
    yield c
    close_client(c)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 6000
    st = rng.integers(0, 8, n)
    psu = st * 100 + rng.integers(0, 12, n)
    df = pd.DataFrame({
        "st": st, "psu": psu, "w": rng.uniform(1, 5, n), "fpc": 40,
        "sex": rng.choice(["female", "male"], n), "age": rng.choice([1, 2, 3], n).astype(float),
        "safe": rng.choice(["yes", "no", "dk"], n), "owner": rng.integers(0, 2, n),
        "income": rng.gamma(2.0, 300.0, n)})
    df.loc[rng.choice(n, 150, replace=False), "safe"] = None
    df.loc[rng.choice(n, 90, replace=False), "age"] = np.nan
    df.loc[rng.choice(n, 60, replace=False), "income"] = np.nan
    # one stratum with a single PSU: the lonely-PSU rule must act the same way
    lone = df["st"] == 7
    df.loc[lone, "psu"] = 700
    return df


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="design").reset_index(drop=True),
                                  b.drop(columns="design").reset_index(drop=True),
                                  check_dtype=False, rtol=1e-12, atol=1e-14)


@pytest.fixture(scope="module")
def designs(frame, client):
    kw = dict(weights="w", strata="st", ids="psu", fpc="fpc", lonely_psu="average")
    return SurveyDesign(frame, **kw), DaskDesign(dd.from_pandas(frame, npartitions=4), **kw)


def test_taylor_tables_equal_in_memory(designs):
    mem, dsk = designs
    _same(mem.table(["safe", "owner"], BYS, deff=True, ci="logit"),
          dsk.table(["safe", "owner"], BYS, deff=True, ci="logit"))
    _same(mem.table(["safe"], BYS, ci="beta"), dsk.table(["safe"], BYS, ci="beta"))
    _same(mem.table(["income"], BYS, statistic="mean", deff=True),
          dsk.table(["income"], BYS, statistic="mean", deff=True))
    _same(mem.total("income", by="sex"), dsk.total("income", by="sex"))
    _same(mem.ratio("income", "owner", by="age"), dsk.ratio("income", "owner", by="age"))


@pytest.mark.parametrize("type_, kw", [("jkn", {}), ("bootstrap", {"replicates": 40, "seed": 11})])
def test_replicate_tables_equal_in_memory(designs, type_, kw):
    mem, dsk = designs
    _same(mem.replicate(type_, **kw).table(["safe"], BYS, ci="logit"),
          dsk.replicate(type_, **kw).table(["safe"], BYS, ci="logit"))


def test_brr_and_fay_equal_in_memory(frame, client):
    paired = frame.assign(psu=frame["st"] * 100 + np.arange(len(frame)) % 2)   # 2 PSUs a stratum
    kw = dict(weights="w", strata="st", ids="psu")
    mem, dsk = SurveyDesign(paired, **kw), DaskDesign(dd.from_pandas(paired, npartitions=3), **kw)
    for type_, extra in (("brr", {}), ("fay", {"fay_rho": 0.3})):
        _same(mem.replicate(type_, **extra).table(["safe", "owner"], BYS),
              dsk.replicate(type_, **extra).table(["safe", "owner"], BYS))


def test_partitioned_parquet_round_trip(frame, tmp_path, client):
    dd.from_pandas(frame, npartitions=6).to_parquet(tmp_path / "survey")
    dsk = DaskDesign(dd.read_parquet(tmp_path / "survey"), weights="w", strata="st", ids="psu",
                     lonely_psu="remove")
    mem = SurveyDesign(frame, weights="w", strata="st", ids="psu", lonely_psu="remove")
    _same(mem.proportion("owner", by=["sex", "age"]), dsk.proportion("owner", by=["sex", "age"]))


def test_what_cannot_be_distributed_is_said(frame, client):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(UsageError, match="PSU column"):
        DaskDesign(ddf, weights="w", strata="st")
    d = DaskDesign(ddf, weights="w", strata="st", ids="psu", lonely_psu="remove")
    with pytest.raises(UsageError, match="quantile"):
        d.quantile("income")
    with pytest.raises(UsageError, match="did you mean 'safe'"):
        d.proportion("saef")


def test_documents_on_the_cluster_match_a_local_run(client, tmp_path):
    from rbm_surveys.docs.batch import score_paths

    src = Path(__file__).parent.parent / "src/rbm_surveys/data/examples/documents"
    paths = sorted(glob.glob(str(src / "*.txt")))[:4] + [str(tmp_path / "missing.pdf")]
    local = score_paths(paths, ["igutp", "ndc_urban"], jobs=1)
    dist = score_paths_dask(paths, ["igutp", "ndc_urban"], client=client)
    assert dist.verdicts.to_csv() == local.verdicts.to_csv()
    assert list(dist.failures["document"]) == [str(tmp_path / "missing.pdf")]


def test_cli_scale_estimate(frame, tmp_path, capsys):
    frame.to_parquet(tmp_path / "s.parquet")
    out = tmp_path / "est.csv"
    code = main(["scale", "estimate", str(tmp_path / "s.parquet"), "--weights", "w",
                 "--strata", "st", "--ids", "psu", "--lonely-psu", "remove", "--vars", "owner",
                 "--by", "sex", "--by", "sex,age", "--workers", "1", "--memory-limit", "1GB",
                 "--out", str(out)])
    assert code == 0
    got = pd.read_csv(out)
    mem = SurveyDesign(frame, weights="w", strata="st", ids="psu", lonely_psu="remove")
    want = mem.table(["owner"], [None, "sex", ["sex", "age"]], ci="logit")
    np.testing.assert_allclose(got["se"].to_numpy(), want["se"].to_numpy(), rtol=1e-9)
