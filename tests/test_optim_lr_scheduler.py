"""chainrule.optim.lr_scheduler without torch: sequences, state dicts, warnings, errors.

The scheduler table and the loop here take the library as ``lib``;
``tests/oracle/test_optim_lr_scheduler_oracle.py`` runs them against PyTorch.
"""
from __future__ import annotations

import copy
import math
import warnings

import pytest

import chainrule


def make_optimizer(lib, name: str = "SGD"):
    """Two parameter groups with different learning rates."""
    p, q = lib.zeros(2, requires_grad=True), lib.zeros(1, requires_grad=True)
    groups = [{"params": [p]}, {"params": [q], "lr": 0.05}]
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9) if name == "SGD" else getattr(lib.optim, name)(groups, lr=0.1)


# name -> (optimizer class, function of (lr_scheduler module, optimizer) building the scheduler)
SCHEDULERS = {
    "LambdaLR": ("SGD", lambda S, o: S.LambdaLR(o, lambda e: 0.9 ** e)),
    "LambdaLR-per-group": ("SGD", lambda S, o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (e + 1)])),
    "MultiplicativeLR": ("SGD", lambda S, o: S.MultiplicativeLR(o, lambda e: 0.95)),
    "StepLR": ("SGD", lambda S, o: S.StepLR(o, step_size=7, gamma=0.5)),
    "MultiStepLR": ("SGD", lambda S, o: S.MultiStepLR(o, milestones=[3, 10, 10, 20], gamma=0.3)),
    "ConstantLR": ("SGD", lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=6)),
    "LinearLR": ("SGD", lambda S, o: S.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=12)),
    "ExponentialLR": ("SGD", lambda S, o: S.ExponentialLR(o, gamma=0.93)),
    "PolynomialLR": ("SGD", lambda S, o: S.PolynomialLR(o, total_iters=20, power=2.0)),
    "CosineAnnealingLR": ("SGD", lambda S, o: S.CosineAnnealingLR(o, T_max=9, eta_min=0.001)),
    "CosineAnnealingWarmRestarts": ("SGD", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2,
                                                                                       eta_min=0.001)),
    "CosineAnnealingWarmRestarts-T_mult=1": ("SGD", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5)),
    "OneCycleLR": ("SGD", lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=31)),
    "OneCycleLR-linear-three-phase": ("SGD", lambda S, o: S.OneCycleLR(
        o, max_lr=1.0, total_steps=30, anneal_strategy="linear", three_phase=True, pct_start=0.25)),
    "OneCycleLR-Adam": ("Adam", lambda S, o: S.OneCycleLR(o, max_lr=0.3, epochs=3, steps_per_epoch=10,
                                                          base_momentum=0.8, max_momentum=[0.9, 0.95])),
    "SequentialLR": ("SGD", lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ExponentialLR(o, gamma=0.9),
            S.CosineAnnealingLR(o, T_max=8)], milestones=[5, 15])),
    "ChainedScheduler": ("SGD", lambda S, o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.5, total_iters=4), S.ExponentialLR(o, gamma=0.9), S.StepLR(o, 5, 0.5)])),
    "ReduceLROnPlateau": ("SGD", lambda S, o: S.ReduceLROnPlateau(o, patience=2)),
    "ReduceLROnPlateau-cooldown": ("SGD", lambda S, o: S.ReduceLROnPlateau(
        o, patience=1, cooldown=2, factor=0.5, min_lr=[0.01, 0.02])),
    "ReduceLROnPlateau-max-abs": ("SGD", lambda S, o: S.ReduceLROnPlateau(
        o, mode="max", threshold_mode="abs", patience=0, threshold=0.1)),
    "ReduceLROnPlateau-eps": ("SGD", lambda S, o: S.ReduceLROnPlateau(
        o, threshold_mode="abs", threshold=0.5, patience=1, eps=0.02)),
}
_METRICS = [5, 4, 4, 4, 4.5, 4, 4, 4, 3.9999, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 3, 3, 3, 3, 3, 3, 3]


def lr_sequence(lib, name: str, steps: int = 30, resume_at: int | None = None) -> list:
    """Each group's lr (and momentum or betas) before the first and after every step; with
    ``resume_at``, the optimizer and scheduler are rebuilt from state dicts at that step."""
    opt_name, build = SCHEDULERS[name]
    opt = make_optimizer(lib, opt_name)
    sched = build(lib.optim.lr_scheduler, opt)
    seen = [[(g["lr"], g.get("momentum", g.get("betas"))) for g in opt.param_groups]]
    for i in range(steps):
        if i == resume_at:
            opt, sched = _rebuilt(lib, name, opt, sched)
        opt.step()
        sched.step(_METRICS[i]) if "Plateau" in name else sched.step()
        seen.append([(g["lr"], g.get("momentum", g.get("betas"))) for g in opt.param_groups]
                    + [sched.get_last_lr()])
    return seen


def _rebuilt(lib, name, opt, sched):
    opt_name, build = SCHEDULERS[name]
    saved_opt, saved_sched = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    fresh = make_optimizer(lib, opt_name)
    fresh_sched = build(lib.optim.lr_scheduler, fresh)  # made first: it rewrites the groups' lr
    fresh.load_state_dict(saved_opt)
    fresh_sched.load_state_dict(saved_sched)
    return fresh, fresh_sched


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_state_dict_round_trip_continues_the_same_schedule(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert lr_sequence(chainrule, name, resume_at=11) == lr_sequence(chainrule, name)


def test_known_sequences():
    seq = [step[0][0] for step in lr_sequence(chainrule, "StepLR", steps=15)]
    assert seq == [0.1] * 7 + [0.05] * 7 + [0.025] * 2
    seq = [step[0][0] for step in lr_sequence(chainrule, "ConstantLR", steps=8)]
    assert seq == [0.025] * 6 + [0.1] * 3
    seq = [step[0][0] for step in lr_sequence(chainrule, "CosineAnnealingLR", steps=18)]
    for epoch, lr in enumerate(seq):  # the recursion follows the closed form
        assert lr == pytest.approx(0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * epoch / 9)) / 2)


def test_initial_lr_and_base_lrs():
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05] == sched.base_lrs
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.05]
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        chainrule.optim.lr_scheduler.StepLR(make_optimizer(chainrule), 3, last_epoch=4)


def test_tensor_lr_is_filled_in_place():
    lr = chainrule.tensor(0.1)
    opt = chainrule.optim.SGD([chainrule.zeros(1, requires_grad=True)], lr=lr)
    sched = chainrule.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.05)
    last = sched.get_last_lr()[0]
    assert isinstance(last, chainrule.Tensor) and last is not lr


def test_lambda_state_dict_keeps_callable_objects_only():
    class Halving:
        def __init__(self):
            self.factor = 0.5

        def __call__(self, epoch):
            return self.factor ** epoch

    opt = make_optimizer(chainrule)
    fn = Halving()
    sched = chainrule.optim.lr_scheduler.LambdaLR(opt, [fn, lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"factor": 0.5}, None]
    fn.factor = 0.9
    sched.load_state_dict(sd)
    assert fn.factor == 0.5 and "lr_lambdas" in sd


def test_warnings():
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        sched.step(4)
    assert sched.last_epoch == 4 and opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.1 ** 2)
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.StepLR(opt, 2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


def test_one_cycle_sets_momentum_and_stops_after_total_steps():
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=4)
    assert opt.param_groups[0]["momentum"] == 0.95 and opt.param_groups[0]["lr"] == pytest.approx(0.04)
    for _ in range(4):  # PyTorch lets last_epoch reach total_steps
        opt.step()
        sched.step()
    opt.step()
    with pytest.raises(ValueError, match="^Tried to step 5 times. The specified number of total steps is 4$"):
        sched.step()


def test_warm_restarts_with_fractional_epochs():
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    sched.step(2.5)  # inside the second cycle (length 4), half an epoch in
    assert sched.T_i == 4 and sched.T_cur == pytest.approx(0.5) and sched.last_epoch == 2
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * (1 + math.cos(math.pi * 0.5 / 4)) / 2)
    with pytest.raises(ValueError, match="^Expected non-negative epoch, but got -1$"):
        sched.step(-1)


def test_reduce_on_plateau():
    opt = make_optimizer(chainrule)
    sched = chainrule.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    for metric in [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]:
        sched.step(metric)
    assert sched.get_last_lr() == [0.025, 0.0125] and sched.best == 0.5


def test_sequential_lr_restarts_the_next_scheduler_at_its_milestone():
    seq = [step[0][0] for step in lr_sequence(chainrule, "SequentialLR", steps=8)]
    assert seq[5] == pytest.approx(0.1) and seq[6] == pytest.approx(0.09)


ERRORS = [
    (lambda S, o: S.StepLR(object(), 3), TypeError, "object is not an Optimizer"),
    (lambda S, o: S.ConstantLR(o, factor=2.0), ValueError,
     "Constant multiplicative factor expected to be between 0 and 1."),
    (lambda S, o: S.LinearLR(o, start_factor=0), ValueError,
     "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."),
    (lambda S, o: S.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda S, o: S.MultiplicativeLR(o, 0.5), TypeError, "lr_lambda should be a function, but got float"),
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0, but got 0"),
    (lambda S, o: S.OneCycleLR(o, max_lr=1.0), ValueError,
     "You must define either total_steps OR (epochs AND steps_per_epoch)"),
    (lambda S, o: S.OneCycleLR(o, max_lr=[1.0], total_steps=5), ValueError,
     "max_lr must have the same length as optimizer.param_groups."),
    (lambda S, o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
    (lambda S, o: S.ReduceLROnPlateau(o, mode="up"), ValueError, "mode up is unknown!"),
    (lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2)], milestones=[3]), ValueError,
     "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone"),
    (lambda S, o: S.ChainedScheduler([]), ValueError,
     "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."),
]


@pytest.mark.parametrize("build,exc,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(build, exc, message):
    with pytest.raises(exc) as info:
        build(chainrule.optim.lr_scheduler, make_optimizer(chainrule))
    assert str(info.value).startswith(message)
