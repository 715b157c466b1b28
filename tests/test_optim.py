"""chainrule.optim: the optimizers' behaviour without torch.

The problem, the option table and the training loop here are library-agnostic (they take
``chainrule`` or ``torch`` as ``lib``); ``tests/oracle/test_optim_oracle.py`` runs them
against PyTorch.
"""
from __future__ import annotations

import copy
import inspect
import warnings

import numpy as np
import pytest

import chainrule

_rng = np.random.default_rng(0)
X, Y = _rng.standard_normal((8, 4)), _rng.standard_normal((8, 3))
# parameters of several shapes (a 0-d one included); "u" never gets a gradient
INIT = {"W": _rng.standard_normal((3, 4)), "b": _rng.standard_normal(3), "s": np.array(0.5),
        "u": _rng.standard_normal(2)}

# every optimizer, and the options that change its update
CASES = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "maximize": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"alpha": 0.9, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"momentum": 0.5, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.2, "weight_decay": 0.1}),
    ("Adagrad", {"eps": 1e-3, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {}),
    ("Adamax", {"betas": (0.5, 0.9), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {}),
    ("NAdam", {"weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {}),
    ("RAdam", {"weight_decay": 0.1}),
    ("RAdam", {"betas": (0.9, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for name, kw in CASES]
OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]


def make_params(lib, dtype: str = "float64", init: dict | None = None) -> dict:
    return {k: lib.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for k, v in (init or INIT).items()}


def param_groups(P: dict) -> list[dict]:
    """Two groups with different learning rates; the second holds the gradient-less ``u``."""
    return [{"params": [P["W"]]}, {"params": [P["b"], P["s"], P["u"]], "lr": 0.02}]


def objective(lib, P: dict, dtype: str = "float64"):
    x, y = lib.tensor(X.astype(dtype)), lib.tensor(Y.astype(dtype))
    fit = ((x @ P["W"].T + P["b"] - y) ** 2).mean()
    return fit + (P["W"] ** 4).sum() * 0.01 + (P["s"] - 2) ** 2 * P["b"].sum() ** 2 * 0.1


def run(lib, opt, P: dict, steps: int, dtype: str = "float64") -> tuple[list, list]:
    """``steps`` closure steps; the parameters' values after each, and the losses."""
    trajectory, losses = [], []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = objective(lib, P, dtype)
            loss.backward()
            return loss
        losses.append(opt.step(closure).item())
        trajectory.append({k: p.detach().numpy().copy() for k, p in P.items()})
    return trajectory, losses


def train(lib, name: str, kwargs: dict, steps: int = 20, dtype: str = "float64"):
    P = make_params(lib, dtype)
    opt = getattr(lib.optim, name)(param_groups(P), **kwargs)
    trajectory, losses = run(lib, opt, P, steps, dtype)
    return trajectory, losses, opt, P


def assert_same_trajectory(a: list, b: list, rtol: float = 0.0, atol: float = 0.0) -> None:
    assert len(a) == len(b)
    for step, (pa, pb) in enumerate(zip(a, b)):
        for k in pa:
            np.testing.assert_allclose(pa[k], pb[k], rtol=rtol, atol=atol, err_msg=f"step {step}, param {k}")


# -- updates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,kwargs", CASES, ids=CASE_IDS)
def test_update_is_in_place_and_skips_gradless_params(name, kwargs):
    P = make_params(chainrule)
    opt = getattr(chainrule.optim, name)(param_groups(P), **kwargs)
    arrays = {k: p for k, p in P.items()}
    traj, losses = run(chainrule, opt, P, 3)
    assert all(P[k] is arrays[k] and P[k].is_leaf and P[k].grad_fn is None for k in P)
    assert P["W"]._version >= 3 and P["u"]._version == 0
    np.testing.assert_array_equal(P["u"].detach().numpy(), INIT["u"])
    assert not np.allclose(traj[-1]["W"], INIT["W"])
    assert all(np.isfinite(v).all() for v in traj[-1].values()) and np.isfinite(losses).all()
    # state only for parameters that had a gradient (Adagrad makes its state up front)
    assert (P["u"] in opt.state) == (name == "Adagrad")


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_float32_parameters_stay_float32(name):
    traj, _, opt, P = train(chainrule, name, {}, steps=3, dtype="float32")
    assert all(p.dtype is chainrule.float32 for p in P.values())
    assert all(v.dtype == np.float32 for v in traj[-1].values())
    for state in opt.state.values():
        for key, value in state.items():
            if key not in ("step", "mu_product"):
                assert value.dtype is chainrule.float32


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_minimizes_and_maximize_reverses(name):
    kwargs = {"lr": 0.05} if name != "Adadelta" else {}
    _, losses, _, _ = train(chainrule, name, kwargs, steps=15)
    _, up, _, _ = train(chainrule, name, dict(kwargs, maximize=True), steps=15)
    assert losses[-1] < losses[0] and up[-1] > up[0]


def test_sgd_step_is_plain_gradient_descent():
    p = chainrule.tensor([1.0, -2.0], dtype=chainrule.float64, requires_grad=True)
    opt = chainrule.optim.SGD([p], lr=0.25)
    (p * p).sum().backward()
    assert opt.step() is None
    np.testing.assert_array_equal(p.detach().numpy(), [0.5, -1.0])
    assert len(opt.state) == 0  # no momentum: no state at all, as in PyTorch


def test_step_state_is_a_scalar_tensor_counting_steps():
    _, _, opt, P = train(chainrule, "Adam", {}, steps=4)
    step = opt.state[P["W"]]["step"]
    assert isinstance(step, chainrule.Tensor) and step.dim() == 0 and step.dtype is chainrule.float32
    assert step.item() == 4.0
    assert sorted(opt.state[P["W"]]) == ["exp_avg", "exp_avg_sq", "step"]


def test_step_state_follows_a_float64_default_dtype():
    previous = chainrule.get_default_dtype()
    chainrule.set_default_dtype(chainrule.float64)
    try:
        _, _, opt, P = train(chainrule, "NAdam", {}, steps=1)
    finally:
        chainrule.set_default_dtype(previous)
    assert opt.state[P["W"]]["step"].dtype is chainrule.float64
    assert opt.state[P["W"]]["mu_product"].dtype is chainrule.float64


# -- closure, grad mode, zero_grad --------------------------------------------------------------


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned():
    p = chainrule.ones(2, requires_grad=True)
    opt = chainrule.optim.Adam([p])
    seen = []

    def closure():
        seen.append(chainrule.is_grad_enabled())
        loss = (p * p).sum()
        loss.backward()
        return loss

    with chainrule.no_grad():
        loss = opt.step(closure)
    assert seen == [True] and loss.item() == 2.0 and p.grad_fn is None


def test_zero_grad():
    p = chainrule.ones(2, requires_grad=True)
    opt = chainrule.optim.SGD([p], lr=0.1)
    (p * 3).sum().backward()
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()  # nothing to do


# -- hooks --------------------------------------------------------------------------------------


def test_step_hooks_run_in_order_and_can_be_removed():
    p = chainrule.ones(1, requires_grad=True)
    opt = chainrule.optim.SGD([p], lr=0.1)
    log = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", o is opt, len(args))))
    post = opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", o is opt)))
    glob = chainrule.optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global"))
    opt.step()
    assert log == ["global", ("pre", True, 1), ("post", True)]
    pre.remove(), post.remove(), glob.remove()
    opt.step()
    assert len(log) == 3


def test_step_pre_hook_may_replace_the_arguments():
    p = chainrule.ones(1, requires_grad=True)
    opt = chainrule.optim.SGD([p], lr=0.1)
    opt.register_step_pre_hook(lambda o, args, kwargs: (args, {"closure": lambda: 7.0}))
    assert opt.step() == 7.0
    opt2 = chainrule.optim.SGD([chainrule.ones(1, requires_grad=True)], lr=0.1)
    opt2.register_step_pre_hook(lambda o, args, kwargs: 3)
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        opt2.step()


def test_state_dict_hooks():
    p = chainrule.ones(1, requires_grad=True)
    opt = chainrule.optim.SGD([p], lr=0.1)
    log = []
    opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: dict(sd, extra=1))
    opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("load-pre"))
    opt.register_load_state_dict_post_hook(lambda o: log.append("load-post"), prepend=True)
    sd = opt.state_dict()
    assert sd["extra"] == 1
    opt.load_state_dict(sd)
    assert log == ["pre", "load-pre", "load-post"]


# -- state dicts --------------------------------------------------------------------------------


@pytest.mark.parametrize("name,kwargs", CASES, ids=CASE_IDS)
def test_state_dict_round_trip_continues_the_same_trajectory(name, kwargs):
    whole, _, _, _ = train(chainrule, name, kwargs, steps=16)
    first, _, opt, P = train(chainrule, name, kwargs, steps=8)
    saved = copy.deepcopy(opt.state_dict())
    P2 = make_params(chainrule, init={k: v[...] for k, v in first[-1].items()})
    resumed = getattr(chainrule.optim, name)(param_groups(P2), **kwargs)
    resumed.load_state_dict(saved)
    rest, _ = run(chainrule, resumed, P2, 8)
    # loading casts NAdam's float32 mu_product to the parameters' float64, as PyTorch does
    assert_same_trajectory(first + rest, whole, rtol=1e-7 if name == "NAdam" else 0.0)


def test_state_dict_format():
    _, _, opt, P = train(chainrule, "SGD", {"lr": 0.01, "momentum": 0.9}, steps=2)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert sorted(sd["state"]) == [0, 1, 2]  # W, b, s: u never had a gradient
    assert sd["state"][0]["momentum_buffer"] is opt.state[P["W"]]["momentum_buffer"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2, 3]]
    assert list(sd["param_groups"][1])[-1] == "params" and sd["param_groups"][1]["lr"] == 0.02


def test_load_state_dict_casts_state_to_the_parameter_dtype_but_not_step():
    _, _, opt, _ = train(chainrule, "Adam", {}, steps=2)
    P32 = make_params(chainrule, "float32")
    opt32 = chainrule.optim.Adam(param_groups(P32))
    opt32.load_state_dict(opt.state_dict())
    state = opt32.state[P32["W"]]
    assert state["exp_avg"].dtype is chainrule.float32 and state["step"].dtype is chainrule.float32
    assert opt32.param_groups[0]["params"][0] is P32["W"]


def test_load_state_dict_rejects_other_shapes_and_changes_nothing():
    _, _, opt, P = train(chainrule, "Adam", {}, steps=1)
    before = (opt.param_groups, dict(opt.state))
    one_group = chainrule.optim.Adam([chainrule.zeros(2, requires_grad=True)]).state_dict()
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        opt.load_state_dict(one_group)
    sd = opt.state_dict()
    sd["param_groups"][1]["params"] = [1, 2]
    with pytest.raises(ValueError, match="^loaded state dict contains a parameter group that doesn't match"):
        opt.load_state_dict(sd)
    assert (opt.param_groups, dict(opt.state)) == before


def test_adamw_stays_decoupled_after_loading_an_adam_state_dict():
    P = make_params(chainrule)
    adam = chainrule.optim.Adam(param_groups(P))
    adamw = chainrule.optim.AdamW(param_groups(make_params(chainrule)))
    adamw.load_state_dict(adam.state_dict())
    assert all(g["decoupled_weight_decay"] for g in adamw.param_groups)


def test_old_state_dicts_get_tensor_steps_and_missing_options():
    _, _, opt, P = train(chainrule, "NAdam", {}, steps=2)
    sd = copy.deepcopy(opt.state_dict())
    for state in sd["state"].values():
        state["step"], state["mu_product"] = 2.0, state["mu_product"].item()
    for group in sd["param_groups"]:
        del group["decoupled_weight_decay"]
    fresh = chainrule.optim.NAdam(param_groups(make_params(chainrule)))
    fresh.load_state_dict(sd)
    state = fresh.state[fresh.param_groups[0]["params"][0]]
    assert isinstance(state["step"], chainrule.Tensor) and state["step"].item() == 2.0
    assert isinstance(state["mu_product"], chainrule.Tensor)
    assert fresh.param_groups[0]["decoupled_weight_decay"] is False


def test_deepcopy_of_an_optimizer():
    _, _, opt, _ = train(chainrule, "SGD", {"momentum": 0.9}, steps=1)
    clone = copy.deepcopy(opt)
    assert repr(clone) == repr(opt) and len(clone.state) == len(opt.state)


# -- construction -------------------------------------------------------------------------------


def test_param_groups_take_the_defaults_and_their_own_options():
    P = make_params(chainrule)
    opt = chainrule.optim.SGD(param_groups(P), lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.02]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert opt.defaults["lr"] == 0.1


def test_a_generator_and_named_parameters_are_accepted():
    P = make_params(chainrule)
    opt = chainrule.optim.SGD((p for p in P.values()), lr=0.1)
    assert len(opt.param_groups[0]["params"]) == 4
    named = chainrule.optim.SGD([("w", P["W"]), ("b", P["b"])], lr=0.1)
    assert named.param_groups[0]["param_names"] == ["w", "b"]
    assert named.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


def test_a_failed_add_param_group_changes_nothing():
    P = make_params(chainrule)
    opt = chainrule.optim.SGD([P["W"]], lr=0.1)
    group = {"params": [P["b"], P["W"]]}
    with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
        opt.add_param_group(group)
    assert len(opt.param_groups) == 1 and group == {"params": [P["b"], P["W"]]}
    opt.add_param_group({"params": P["b"], "lr": 0.5})
    assert opt.param_groups[1]["params"] == [P["b"]] and opt.param_groups[1]["momentum"] == 0


def test_duplicate_parameters_in_a_group_warn():
    p = chainrule.ones(1, requires_grad=True)
    with pytest.warns(UserWarning, match="optimizer contains a parameter group with duplicate parameters"):
        chainrule.optim.SGD([p, p], lr=0.1)


def test_a_required_option_must_be_given():
    class Needy(chainrule.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": chainrule.optim.optimizer.required})

    with pytest.raises(ValueError, match="required optimization parameter lr$"):
        Needy([chainrule.ones(1, requires_grad=True)])
    assert Needy([{"params": [chainrule.ones(1, requires_grad=True)], "lr": 1.0}]).param_groups[0]["lr"] == 1.0


def test_a_subclass_step_gets_hooks():
    class Halver(chainrule.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {})

        def step(self, closure=None):
            with chainrule.no_grad():
                for p in self.param_groups[0]["params"]:
                    p.mul_(0.5)

    p = chainrule.ones(2, requires_grad=True)
    opt = Halver([p])
    calls = []
    opt.register_step_post_hook(lambda *a: calls.append(1))
    opt.step()
    assert p.tolist() == [0.5, 0.5] and calls == [1]


_UNSUPPORTED = [(name, flag) for name in OPTIMIZERS for flag in ("fused", "capturable", "differentiable")
                if flag in inspect.signature(getattr(chainrule.optim, name)).parameters]


@pytest.mark.parametrize("name,flag", _UNSUPPORTED)
def test_unsupported_modes_raise_not_implemented(name, flag):
    with pytest.raises(NotImplementedError, match=f"{flag}=True"):
        getattr(chainrule.optim, name)([chainrule.ones(1, requires_grad=True)], **{flag: True})


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_foreach_is_accepted_and_changes_nothing(name):
    a, _, _, _ = train(chainrule, name, {}, steps=3)
    b, _, _, _ = train(chainrule, name, {"foreach": False}, steps=3)
    assert_same_trajectory(a, b)


def test_tensor_hyper_parameters():
    lr = chainrule.tensor(0.01, dtype=chainrule.float64)
    a, _, _, _ = train(chainrule, "SGD", {"lr": lr, "momentum": 0.9, "weight_decay": chainrule.tensor(0.1)}, steps=3)
    b, _, _, _ = train(chainrule, "SGD", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1}, steps=3)
    assert_same_trajectory(a, b, rtol=1e-6)
    betas = (chainrule.tensor([0.9]), chainrule.tensor(0.999))
    opt = chainrule.optim.Adam([chainrule.ones(1, requires_grad=True)], betas=betas)
    assert all(b.dim() == 0 for b in opt.defaults["betas"])


ERRORS = [
    (lambda p: chainrule.optim.SGD(p, lr=0.1), TypeError,
     "params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor"),
    (lambda p: chainrule.optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
    (lambda p: chainrule.optim.SGD([p * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda p: chainrule.optim.SGD([p, 1], lr=0.1), TypeError,
     "optimizer can only optimize Tensors, but one of the params is int"),
    (lambda p: chainrule.optim.SGD([{"params": {p}}], lr=0.1), TypeError,
     "optimizer parameters need to be organized in ordered collections"),
    (lambda p: chainrule.optim.SGD([p], lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (lambda p: chainrule.optim.SGD([p], lr=0.1, nesterov=True), ValueError,
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: chainrule.optim.Adam([p], betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
    (lambda p: chainrule.optim.Adam([p], betas=(0, 0.9)), ValueError,
     "betas must be either both floats or both Tensors"),
    (lambda p: chainrule.optim.Adadelta([p], rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (lambda p: chainrule.optim.RMSprop([p], alpha=-0.1), ValueError, "Invalid alpha value: -0.1"),
    (lambda p: chainrule.optim.Adagrad([p], eps=-1), ValueError, "Invalid epsilon value: -1"),
]


@pytest.mark.parametrize("build,exc,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_construction_errors(build, exc, message):
    p = chainrule.ones(2, requires_grad=True)
    with warnings.catch_warnings(), pytest.raises(exc) as info:
        warnings.simplefilter("ignore")
        build(p)
    assert str(info.value).startswith(message)


def test_reprs():
    p = chainrule.ones(1, requires_grad=True)
    text = repr(chainrule.optim.SGD([p], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n")
    assert text.endswith("    weight_decay: 0\n)")
    two = repr(chainrule.optim.Adam([{"params": [p]}, {"params": [chainrule.ones(1, requires_grad=True)]}]))
    assert "\n\nParameter Group 1\n    amsgrad: False\n    betas: (0.9, 0.999)\n" in two
