"""chainrule.optim.lr_scheduler against torch.optim.lr_scheduler.

Every scheduler in ``tests/test_optim_lr_scheduler.py`` gives exactly PyTorch's learning
rates (and momenta / betas) over 30 steps, with the same state-dict keys, warnings and errors.
"""
from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")

import chainrule
from test_optim_lr_scheduler import SCHEDULERS, lr_sequence, make_optimizer


def _quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_lr_sequence_matches_torch(name):
    assert _quietly(lr_sequence, chainrule, name) == _quietly(lr_sequence, torch, name)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_resumed_lr_sequence_matches_torch(name):
    ours = _quietly(lr_sequence, chainrule, name, steps=20, resume_at=7)
    assert ours == _quietly(lr_sequence, torch, name, steps=20, resume_at=7)


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_state_dict_keys_match_torch(name):
    def keys(lib):
        opt_name, build = SCHEDULERS[name]
        opt = make_optimizer(lib, opt_name)
        sched = build(lib.optim.lr_scheduler, opt)
        opt.step()
        _quietly(sched.step, 1.0) if "Plateau" in name else sched.step()
        return sorted(sched.state_dict()), sorted(opt.param_groups[0])

    assert keys(chainrule) == keys(torch)


CLOSED_FORM = {
    "StepLR": lambda S, o: S.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.5),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.25, total_iters=6),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=8, power=0.5),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.01),
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 1 / (1 + e)),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "CosineAnnealingWarmRestarts-T_mult=1": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3),
}
EPOCHS = [1, 2, 0.5, 7, 7.25, 3, 12, 4.5, 20, 2]


@pytest.mark.parametrize("name", list(CLOSED_FORM))
def test_explicit_epochs_match_torch(name):
    """``step(epoch)``: the closed forms, and fractional epochs for warm restarts."""
    def run(lib):
        opt = make_optimizer(lib)
        sched = CLOSED_FORM[name](lib.optim.lr_scheduler, opt)
        out = []
        for epoch in EPOCHS:
            opt.step()
            _quietly(sched.step, epoch if "Warm" in name else int(epoch))
            out.append((sched.last_epoch, sched.get_last_lr()))
        return out

    assert run(chainrule) == run(torch)


def _warnings(lib, scenario):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario(lib)
    return [(w.category.__name__, str(w.message)) for w in caught]


def _scheduler_first(lib):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    sched.step()
    sched.get_lr()
    sched.step(3)


def _right_order(lib):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.LinearLR(opt)
    for _ in range(3):
        opt.step()
        sched.step()


def _step_replaced(lib):
    opt = make_optimizer(lib)
    sched = lib.optim.lr_scheduler.StepLR(opt, 2)
    opt.step = lambda *a: None
    sched.step()


@pytest.mark.parametrize("scenario", [_scheduler_first, _right_order, _step_replaced],
                         ids=lambda s: s.__name__)
def test_warnings_match_torch(scenario):
    assert _warnings(chainrule, scenario) == _warnings(torch, scenario)


ERRORS = {
    "not an optimizer": lambda S, o: S.StepLR([1], 3),
    "ConstantLR factor": lambda S, o: S.ConstantLR(o, factor=-0.5),
    "LinearLR start": lambda S, o: S.LinearLR(o, start_factor=1.5),
    "LinearLR end": lambda S, o: S.LinearLR(o, end_factor=-1),
    "LambdaLR count": lambda S, o: S.LambdaLR(o, [lambda e: 1.0] * 3),
    "MultiplicativeLR callable": lambda S, o: S.MultiplicativeLR(o, [0.5, lambda e: 1.0]),
    "resume without initial_lr": lambda S, o: S.ExponentialLR(o, 0.5, last_epoch=3),
    "T_0": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2.5),
    "T_mult": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    "eta_min": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    "OneCycle total_steps": lambda S, o: S.OneCycleLR(o, 1.0, total_steps=0),
    "OneCycle epochs": lambda S, o: S.OneCycleLR(o, 1.0, epochs=0, steps_per_epoch=3),
    "OneCycle steps_per_epoch": lambda S, o: S.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=1.5),
    "OneCycle nothing": lambda S, o: S.OneCycleLR(o, 1.0),
    "OneCycle pct_start": lambda S, o: S.OneCycleLR(o, 1.0, total_steps=10, pct_start=1),
    "OneCycle anneal": lambda S, o: S.OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="exp"),
    "OneCycle max_lr": lambda S, o: S.OneCycleLR(o, [1.0, 2.0, 3.0], total_steps=10),
    "OneCycle momentum": lambda S, o: S.OneCycleLR(o, 1.0, total_steps=10, max_momentum=[0.9]),
    "OneCycle no momentum": lambda S, o: S.OneCycleLR(_adagrad(o), 1.0, total_steps=10),
    "Plateau factor": lambda S, o: S.ReduceLROnPlateau(o, factor=2.0),
    "Plateau mode": lambda S, o: S.ReduceLROnPlateau(o, mode="mid"),
    "Plateau threshold mode": lambda S, o: S.ReduceLROnPlateau(o, threshold_mode="log"),
    "Plateau min_lr": lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1]),
    "Plateau not an optimizer": lambda S, o: S.ReduceLROnPlateau(None),
    "Sequential empty": lambda S, o: S.SequentialLR(o, [], milestones=[]),
    "Sequential milestones": lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[]),
    "Sequential plateau": lambda S, o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], milestones=[]),
    "Sequential no optimizer": lambda S, o: S.SequentialLR(o, [3], milestones=[]),
    "Sequential other optimizer": lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(_other(o), 3)],
                                                              milestones=[2]),
    "Chained other optimizer": lambda S, o: S.ChainedScheduler([S.StepLR(o, 2), S.StepLR(_other(o), 3)]),
    "Chained empty": lambda S, o: S.ChainedScheduler([]),
    "Chained plateau": lambda S, o: S.ChainedScheduler([S.StepLR(o, 2), S.ReduceLROnPlateau(o)]),
    "warm restart negative epoch": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-0.5),
}


def _other(opt):
    """A second optimizer (over the same parameters)."""
    return type(opt)(opt.param_groups[0]["params"], lr=0.1)


def _adagrad(opt):
    """An optimizer with neither momentum nor betas (for OneCycleLR's cycle_momentum check)."""
    lib = chainrule if isinstance(opt, chainrule.optim.Optimizer) else torch
    return lib.optim.Adagrad([lib.zeros(1, requires_grad=True)])


def _failure(lib, build):
    try:
        _quietly(build, lib.optim.lr_scheduler, make_optimizer(lib))
    except Exception as err:  # noqa: BLE001  (any exception: its type and first line are compared)
        return type(err).__name__, str(err).splitlines()[0]
    return None


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case):
    expected = _failure(torch, ERRORS[case])
    assert expected is not None, f"torch accepted {case}"
    assert _failure(chainrule, ERRORS[case]) == expected
