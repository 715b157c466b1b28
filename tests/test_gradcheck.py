"""op_db x samples: ``gradcheck`` in float64, and ``gradgradcheck`` (create_graph) where flagged."""
from __future__ import annotations

import warnings

import pytest

import chainrule
from chainrule.autograd import gradcheck, gradgradcheck
from op_db import CASE_IDS, CASES, build


def _case(spec, sample):
    """(function of the leaves, leaves) for ``sample`` in float64."""
    args, kwargs, leaves = build(chainrule, sample, "float64")
    slots = [i for i, a in enumerate(args) if any(a is leaf for leaf in leaves)]

    def fn(*xs):
        call_args = list(args)
        for i, x in zip(slots, xs):
            call_args[i] = x
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # x.T on non-2-D tensors
            return spec.op(chainrule, *call_args, **kwargs)
    return fn, leaves


def _marked(cases, want):
    """The cases ``want`` selects, with their ids."""
    kept = [(c, i) for c, i in zip(cases, CASE_IDS) if want(*c)]
    return [c for c, _ in kept], [i for _, i in kept]


# NumPy's floating-point warnings from inside chainrule (0/0 in an empty mean) are silenced for
# users by chainrule's own filter, which pytest's per-test filters override
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

GRAD_CASES, GRAD_IDS = _marked(CASES, lambda spec, s: spec.wants_gradcheck(s))
GRADGRAD_CASES, GRADGRAD_IDS = _marked(CASES, lambda spec, s: spec.wants_gradgradcheck(s))


@pytest.mark.parametrize("spec,sample", GRAD_CASES, ids=GRAD_IDS)
def test_gradcheck(spec, sample):
    fn, leaves = _case(spec, sample)
    assert leaves, "a gradcheck sample needs an input that requires grad"
    assert gradcheck(fn, leaves)


@pytest.mark.parametrize("spec,sample", GRADGRAD_CASES, ids=GRADGRAD_IDS)
def test_gradgradcheck(spec, sample):
    fn, leaves = _case(spec, sample)
    assert gradgradcheck(fn, leaves)


def _first_grads(fn, leaves):
    """The first-order gradients as a function of the leaves (what gradgradcheck checks)."""
    def first_grads(*xs):
        with chainrule.enable_grad():
            out = fn(*xs)
            return chainrule.autograd.grad(out, xs, chainrule.ones_like(out), create_graph=True,
                                           allow_unused=True, materialize_grads=True)
    return first_grads
