"""Replicate designs: own Hadamard BRR, Fay, JKn, Rao-Wu bootstrap, and the contract with the
weighting module (with_weights, repweights, calibration residualizers)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rbm_surveys import ReplicateDesign, SurveyDesign
from rbm_surveys.surveys.replicate import hadamard


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_csv(path, float_precision="round_trip", **kw)


@pytest.fixture(scope="module")
def oracle(data_dir):
    d = data_dir / "oracle"
    nh = _read(d / "data" / "nhanes.csv")
    nh2 = nh.assign(PSU2=np.minimum(nh["SDMVPSU"], 2))
    exp = _read(d / "expected.csv").set_index("case")
    clus1 = _read(d / "data" / "apiclus1.csv", dtype={"cds": str})
    return nh2, exp, clus1


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 8, 12, 16, 17, 20, 24, 28, 36, 44, 100])
def test_hadamard_is_orthogonal(order):
    h = hadamard(order)
    m = h.shape[0]
    assert m >= order and (m in (1, 2) or m % 4 == 0)
    np.testing.assert_array_equal(h @ h.T, m * np.eye(m, dtype=int))
    assert np.all(h[0] == 1)


def test_own_brr_matches_r_for_linear_statistics(oracle):
    nh2, exp, _ = oracle
    d = SurveyDesign(nh2, weights="WTMEC2YR", strata="SDMVSTRA", ids="PSU2", nest=True)
    brr = d.replicate("brr")
    assert brr.n_replicates == 16 and brr.degf == 15
    row = exp.loc["nhanes.brr.total.HI_CHOL"]
    got = brr.total("HI_CHOL")
    np.testing.assert_allclose(got["estimate"].iloc[0], row["estimate"], rtol=1e-10)
    np.testing.assert_allclose(got["se"].iloc[0], row["se"], rtol=1e-10)
    # BRR is fully balanced: the total's variance equals the Taylor with-replacement one
    np.testing.assert_allclose(got["se"].iloc[0], d.total("HI_CHOL")["se"].iloc[0], rtol=1e-10)
    fay = d.replicate("fay", fay_rho=0.3)
    np.testing.assert_allclose(fay.total("HI_CHOL")["se"].iloc[0], row["se"], rtol=1e-10)


def test_bootstrap_seeded_and_close_to_taylor(oracle):
    nh2, _, _ = oracle
    d = SurveyDesign(nh2, weights="WTMEC2YR", strata="SDMVSTRA", ids="PSU2", nest=True)
    a = d.replicate("bootstrap", replicates=400, seed=7).mean("HI_CHOL")
    b = d.replicate("bootstrap", replicates=400, seed=7).mean("HI_CHOL")
    c = d.replicate("bootstrap", replicates=400, seed=8).mean("HI_CHOL")
    assert a["se"].iloc[0] == b["se"].iloc[0] != c["se"].iloc[0]
    taylor = d.mean("HI_CHOL")["se"].iloc[0]
    assert abs(a["se"].iloc[0] / taylor - 1) < 0.2


def test_factors_and_full_repweights_agree(oracle):
    _, _, clus1 = oracle
    d = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    rep = d.replicate("jk1")
    full = rep.with_weights(rep.weights, rep.repweights)       # forces the (n x R) path
    assert full.factors is None and rep.repweights.shape == (183, 15)
    for fn in ("mean", "total"):
        a = getattr(rep, fn)("api00", by="stype")
        b = getattr(full, fn)("api00", by="stype")
        np.testing.assert_allclose(a["se"], b["se"], rtol=1e-10)
    np.testing.assert_allclose(rep.ratio("api.stu", "enroll")["se"],
                               full.ratio("api.stu", "enroll")["se"], rtol=1e-10)
    mse = d.replicate("jk1", mse=True).mean("api00")["se"].iloc[0]
    assert mse >= rep.mean("api00")["se"].iloc[0]


def test_user_replicate_columns(oracle):
    _, _, clus1 = oracle
    rep = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc").replicate("jk1")
    cols = {f"rw{i}": rep.repweights[:, i] for i in range(rep.n_replicates)}
    own = SurveyDesign.from_replicate_weights(clus1.assign(**cols), weights="pw",
                                              repweights=list(cols), type="jk1",
                                              scale=rep.scale)
    assert isinstance(own, ReplicateDesign) and own.degf == 14
    np.testing.assert_allclose(own.mean("api00")["se"], rep.mean("api00")["se"], rtol=1e-12)


class _ZeroResidual:
    """A calibration that explains every score (residuals 0): the SE must vanish."""

    def residualize(self, z):
        return np.zeros_like(z)


class _Identity:
    def residualize(self, z):
        return z


def test_with_weights_and_calibration_contract(oracle):
    _, _, clus1 = oracle
    d = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    assert d.calibration == ()
    same = d.with_weights(d.weights, calibration=_Identity())
    assert len(same.calibration) == 1 and same.data is d.data
    np.testing.assert_allclose(same.mean("api00", by="stype")["se"],
                               d.mean("api00", by="stype")["se"], rtol=1e-12)
    zero = d.with_weights(d.weights * 2, calibration=_ZeroResidual())
    assert zero.total("enroll")["se"].iloc[0] == 0
    np.testing.assert_allclose(zero.total("enroll")["estimate"].iloc[0],
                               2 * d.total("enroll")["estimate"].iloc[0])
    with pytest.raises(ValueError):
        d.weights[0] = 1.0                                     # designs are immutable


def test_replicate_quantiles_match_r(oracle, data_dir):
    """Woodruff intervals on replicate designs. Reference: R survey 4.1-1,
    svyquantile(~api00, as.svrepdesign(dclus1), c(0.25, 0.5)) and
    svyquantile(~api00, as.svrepdesign(dstrat, type="JKn"), 0.5, qrule="school")."""
    _, _, clus1 = oracle
    r = SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc").replicate("jk1")
    q = r.quantile("api00", [0.25, 0.5])
    np.testing.assert_allclose(q[["estimate", "ci_low", "ci_high"]].to_numpy(),
                               [[552, 482, 629], [652, 552, 720]])
    np.testing.assert_allclose(q["se"], [34.2691422014350, 39.1647339444971], rtol=1e-12)
    strat = _read(data_dir / "oracle" / "data" / "apistrat.csv", dtype={"cds": str})
    rs = SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc").replicate("jkn")
    q = rs.quantile("api00", 0.5, rule="school").iloc[0]
    assert (q["estimate"], q["ci_low"], q["ci_high"], q["df"]) == (668, 642, 694, 197)
    np.testing.assert_allclose(q["se"], 13.1840557881618, rtol=1e-12)
