"""Forward mode against PyTorch: every op_db sample's tangents (J v) equal torch's forward-mode
AD on the same inputs and tangents, and the dual-tensor API behaves and prints as torch's."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule
from forward_cases import jvp_case, tangents_for
from op_db import CASE_IDS, CASES, build

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

FW_CASES = [(c, i) for c, i in zip(CASES, CASE_IDS) if c[0].wants_gradcheck(c[1])]


def _torch_supports(spec, sample, vs) -> list | None:
    """torch's tangents, or None where torch has no forward-mode formula for the op."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return jvp_case(spec, sample, torch, vs)
    except (NotImplementedError, RuntimeError) as err:
        if any(s in str(err) for s in ("forward AD", "forward-mode", "not implemented",
                                       "Expected a proper Tensor")):  # torch fails itself
            return None
        raise


@pytest.mark.parametrize("spec,sample", [c for c, _ in FW_CASES], ids=[i for _, i in FW_CASES])
def test_tangents_match_torch(spec, sample):
    if "scatter_reduce" in spec.name and "prod" in sample.args + tuple(sample.kwargs.values()):
        pytest.skip("torch 2.13's forward AD of scatter_reduce(reduce='prod') raises or drops the "
                    "tangent, depending on the run (ours is checked by <u, J v> == <J^T u, v>)")
    _, _, leaves = build(chainrule, sample, "float64")
    vs = tangents_for(leaves, seed=3)
    want = _torch_supports(spec, sample, vs)
    if want is None:
        pytest.skip("torch has no forward-mode formula for this op")
    got = jvp_case(spec, sample, chainrule, vs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-9, equal_nan=True)


def _dual_reprs(m) -> list[str]:
    fw = m.autograd.forward_ad
    with fw.dual_level():
        x = m.tensor([1.0, 2.0], requires_grad=True)
        d = fw.make_dual(x, m.tensor([0.5, 0.1]))
        e = fw.make_dual(m.tensor(1.5), m.tensor(1 / 3))
        f = fw.make_dual(m.ones(2, 2, dtype=m.float64), m.full((2, 2), 1 / 3, dtype=m.float64))
        shown = [d, d * d, e * 2, f, d.view(2, 1), m.sin(d).exp(), d.sum(), d.detach(),
                 d.to(m.float64), d.argmax()]
        texts = [repr(t) for t in shown] + [repr(fw.unpack_dual(m.ones(2)))]
    return texts + [repr(shown[1])]


def test_dual_tensor_reprs_match_torch():
    assert _dual_reprs(chainrule) == _dual_reprs(torch)
