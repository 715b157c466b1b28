"""chainrule.optim against torch.optim: trajectories, state, state dicts, reprs and errors.

Both libraries train the same problem (``tests/test_optim.py``) from the same initial
values; the parameters after every one of 20 steps, the losses and the final optimizer state
must agree. The few last-bit differences come from PyTorch's fused multiply-adds on the CPU.
"""
from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule
from test_optim import CASE_IDS, CASES, OPTIMIZERS, assert_same_trajectory, make_params, param_groups, run, train

TOL64 = {"rtol": 1e-9, "atol": 1e-12}


def _array(x):
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


def _assert_same_state(ours, theirs, **tol) -> None:
    """Same per-parameter state: the same keys, dtypes and values."""
    assert sorted(ours) == sorted(theirs)
    for index in ours:
        assert sorted(ours[index]) == sorted(theirs[index]), index
        for key, value in ours[index].items():
            assert str(value.dtype) == str(theirs[index][key].dtype), key
            np.testing.assert_allclose(_array(value), _array(theirs[index][key]), err_msg=key, **tol)


def _plain_groups(state_dict) -> list[dict]:
    return [{k: v for k, v in g.items()} for g in state_dict["param_groups"]]


@pytest.mark.parametrize("name,kwargs", CASES, ids=CASE_IDS)
def test_trajectory_and_state_match_torch(name, kwargs):
    ours, our_losses, opt, P = train(chainrule, name, kwargs)
    theirs, their_losses, topt, tP = train(torch, name, kwargs)
    assert all(np.isfinite(v).all() for v in theirs[-1].values())
    assert {k: p._version for k, p in P.items()} == {k: p._version for k, p in tP.items()}  # same in-place writes
    assert_same_trajectory(ours, theirs, **TOL64)
    np.testing.assert_allclose(our_losses, their_losses, **TOL64)
    sd, tsd = opt.state_dict(), topt.state_dict()
    _assert_same_state(sd["state"], tsd["state"], **TOL64)
    assert _plain_groups(sd) == _plain_groups(tsd)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_float32_trajectory_matches_torch(name):
    ours, _, opt, _ = train(chainrule, name, {}, dtype="float32")
    theirs, _, topt, _ = train(torch, name, {}, dtype="float32")
    assert_same_trajectory(ours, theirs, rtol=1e-5, atol=1e-6)
    _assert_same_state(opt.state_dict()["state"], topt.state_dict()["state"], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["Adam", "NAdam", "Adagrad"])
def test_resuming_from_a_state_dict_matches_torch(name):
    """Loaded state is cast as PyTorch casts it (NAdam's mu_product becomes float64)."""
    def resume(lib):
        first, _, opt, _ = train(lib, name, {}, steps=5)
        P = make_params(lib, init=first[-1])
        fresh = getattr(lib.optim, name)(param_groups(P))
        fresh.load_state_dict(copy.deepcopy(opt.state_dict()))
        dtypes = {k: str(v.dtype) for k, v in fresh.state_dict()["state"][0].items()}
        return run(lib, fresh, P, 5)[0], dtypes

    (ours, our_dtypes), (theirs, their_dtypes) = resume(chainrule), resume(torch)
    assert our_dtypes == their_dtypes
    assert_same_trajectory(ours, theirs, **TOL64)


def test_state_before_any_step_matches_torch():
    """Adagrad makes its state in the constructor; the others on their first step."""
    for name in OPTIMIZERS:
        ours = getattr(chainrule.optim, name)(param_groups(make_params(chainrule))).state_dict()
        theirs = getattr(torch.optim, name)(param_groups(make_params(torch))).state_dict()
        _assert_same_state(ours["state"], theirs["state"], rtol=0, atol=0)
        assert _plain_groups(ours) == _plain_groups(theirs)


def test_zero_grad_matches_torch():
    def scenario(lib):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1)
        (p * 3).sum().backward()
        opt.zero_grad(set_to_none=False)
        kept = p.grad.tolist()
        opt.zero_grad()
        return kept, p.grad

    assert scenario(chainrule) == scenario(torch)


def _repr_optimizers(lib):
    p, q = lib.ones(1, requires_grad=True), lib.ones(2, requires_grad=True)
    yield lib.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    for name in OPTIMIZERS[1:]:
        yield getattr(lib.optim, name)([p])
    yield lib.optim.Adam([p], betas=(0.5, 0.6), weight_decay=1e-3, amsgrad=True)


def test_reprs_match_torch():
    for ours, theirs in zip(_repr_optimizers(chainrule), _repr_optimizers(torch)):
        assert repr(ours) == repr(theirs)


# each row: a function of (lib, p) that must fail alike in both libraries
ERRORS = {
    "tensor params": lambda lib, p: lib.optim.SGD(p, lr=0.1),
    "empty params": lambda lib, p: lib.optim.Adam([]),
    "non-leaf": lambda lib, p: lib.optim.Adam([p * 2]),
    "not a tensor": lambda lib, p: lib.optim.Adam([p, "w"]),
    "set in a group": lambda lib, p: lib.optim.Adam([{"params": {p}}]),
    "two groups share": lambda lib, p: lib.optim.Adam([{"params": [p]}, {"params": [p]}]),
    "group not a dict": lambda lib, p: lib.optim.Adam([p]).add_param_group([p]),
    "names missing": lambda lib, p: lib.optim.Adam([("a", p), lib.ones(1, requires_grad=True)]),
    "named and unnamed groups": lambda lib, p: lib.optim.Adam(
        [{"params": [("a", p)]}, {"params": [lib.ones(1, requires_grad=True)]}]),
    "tensor lr 2 elements": lambda lib, p: lib.optim.SGD([p], lr=lib.ones(2)),
    "tensor lr with foreach": lambda lib, p: lib.optim.Adam([p], lr=lib.tensor(0.1), foreach=True),
    "tensor beta out of range": lambda lib, p: lib.optim.Adam([p], betas=(lib.tensor([0.5]), lib.tensor(1.5))),
    "int beta": lambda lib, p: lib.optim.Adam([p], betas=(0, 0.5)),
    "mixed betas": lambda lib, p: lib.optim.Adam([p], betas=(0.5, lib.tensor(0.5))),
    "nesterov without momentum": lambda lib, p: lib.optim.SGD([p], lr=0.1, nesterov=True),
    "nesterov with dampening": lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    "sgd momentum": lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=-0.5),
    "sgd weight decay": lambda lib, p: lib.optim.SGD([p], lr=0.1, weight_decay=-1e-4),
    "load: group count": lambda lib, p: lib.optim.SGD([p]).load_state_dict(
        lib.optim.SGD([{"params": [p]}, {"params": [lib.ones(1, requires_grad=True)]}]).state_dict()),
    "load: group size": lambda lib, p: lib.optim.SGD([p]).load_state_dict(
        lib.optim.SGD([p, lib.ones(1, requires_grad=True)]).state_dict()),
    "hook result": lambda lib, p: _bad_hook(lib, p),
}
_BAD = {"lr": -1.0, "eps": -1e-8, "weight_decay": -0.1, "momentum": -0.1, "alpha": -0.5, "lr_decay": -1,
        "initial_accumulator_value": -0.5, "rho": 1.5, "momentum_decay": -0.1, "betas": [(1.0, 0.5), (0.5, -0.1)]}
for _name in OPTIMIZERS:
    _accepted = inspect.signature(getattr(chainrule.optim, _name)).parameters
    for _key, _values in _BAD.items():
        for _value in (_values if isinstance(_values, list) else [_values]):
            if _key in _accepted:
                ERRORS[f"{_name} {_key}={_value}"] = (
                    lambda lib, p, n=_name, k=_key, v=_value: getattr(lib.optim, n)([p], **{k: v}))


def _bad_hook(lib, p):
    opt = lib.optim.SGD([p], lr=0.1)
    opt.register_step_pre_hook(lambda *args: 5)
    opt.step()


def _failure(lib, build):
    p = lib.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            build(lib, p)
        except Exception as err:  # noqa: BLE001  (any exception: its type and first line are compared)
            message = str(err).splitlines()[0] if str(err) else ""
            # the hook error names the wrapped function, whose address differs
            return type(err).__name__, message.split(" must return")[-1]
    return None


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case):
    expected = _failure(torch, ERRORS[case])
    assert expected is not None, f"torch accepted {case}"
    assert _failure(chainrule, ERRORS[case]) == expected


def test_duplicate_parameter_warning_matches_torch():
    def warned(lib):
        p = lib.ones(1, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        return [(w.category, str(w.message)) for w in caught]

    assert warned(chainrule) == warned(torch)
