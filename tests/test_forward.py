"""op_db x samples: forward values against the NumPy reference, in float64 and float32."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule
from op_db import CASE_IDS, CASES, OP_DB, build, reference

#: names in ``chainrule.functional.__all__`` that make tensors rather than compute on them
NOT_OPS = {
    "Generator", "arange", "as_tensor", "default_generator", "empty", "empty_like", "eye",
    "from_numpy", "full", "full_like", "initial_seed", "linspace", "manual_seed", "ones",
    "ones_like", "rand", "rand_like", "randint", "randint_like", "randn", "randn_like", "tensor",
    "zeros", "zeros_like",
}

# NumPy's floating-point warnings from inside chainrule (0/0 in an empty mean) are silenced for
# users by chainrule's own filter, which pytest's per-test filters override
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

TOL = {"float64": {"rtol": 1e-10, "atol": 1e-12}, "float32": {"rtol": 1e-5, "atol": 1e-6}}

FORWARD_CASES = [c for c in CASES if c[0].ref is not None]
FORWARD_IDS = [i for c, i in zip(CASES, CASE_IDS) if c[0].ref is not None]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec,sample", FORWARD_CASES, ids=FORWARD_IDS)
def test_forward_matches_numpy(spec, sample, dtype):
    args, kwargs, _ = build(chainrule, sample, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # x.T on non-2-D tensors warns, as torch
        out = spec.op(chainrule, *args, **kwargs)
    expected = reference(spec, sample, dtype)
    got = out.detach().numpy()
    assert tuple(out.shape) == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, equal_nan=True, **TOL[dtype])


@pytest.mark.parametrize("spec,sample", CASES, ids=CASE_IDS)
def test_no_grad_forward_records_nothing(spec, sample):
    args, kwargs, _ = build(chainrule, sample, "float64")
    with chainrule.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = spec.op(chainrule, *args, **kwargs)
    assert out.grad_fn is None
    assert out.requires_grad == (out.is_leaf and any(out is a for a in args))


def test_every_functional_op_has_a_row():
    # a row covers a chainrule.* name, or a chainrule.nn.functional.* one (optionally written
    # "nn.functional.<name>")
    covered = {name for spec in OP_DB for name in spec.covers}
    nn_ops = set(chainrule.functional.NN_ALL)
    ops = set(chainrule.functional.__all__) - NOT_OPS | nn_ops
    named = {name.removeprefix("nn.functional.") for name in covered}
    assert not ops - named, f"ops without an OpSpec row in tests/op_db.py: {sorted(ops - named)}"
    known = set(chainrule.functional.__all__) | nn_ops | {f"nn.functional.{n}" for n in nn_ops}
    assert not covered - known, "rows cover names that do not exist"


def test_every_row_has_samples():
    assert all(spec.samples() for spec in OP_DB)
