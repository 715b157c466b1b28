"""Every ``chainrule.nn`` layer against PyTorch's on the same weights.

Each case builds the layer in both libraries, copies torch's state dict into ours
(through NumPy), runs the same float64 inputs in train and eval mode, and compares
outputs, input gradients, parameter gradients, buffers and the repr.
"""
from __future__ import annotations

import zlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule  # noqa: E402

RTOL, ATOL = 1e-6, 1e-9


def _f(*shape):
    """A float input that requires grad."""
    return lambda rng: (rng.standard_normal(shape), True)


def _pos(*shape):
    """A positive float input that does not require grad (targets, variances)."""
    return lambda rng: (rng.uniform(0.1, 1.0, shape), False)


def _prob(*shape, grad=False):
    """A float input in (0, 1)."""
    return lambda rng: (rng.uniform(0.05, 0.95, shape), grad)


def _idx(high, *shape):
    """An int64 input in [0, high)."""
    return lambda rng: (rng.integers(0, high, shape), False)


def _sign(*shape):
    """A target of +-1 floats."""
    return lambda rng: (rng.choice([-1.0, 1.0], shape), False)


def _fixed(values):
    return lambda rng: (np.asarray(values), False)


def _w(lib, values):
    return lib.tensor(values, dtype=lib.float64)


# (id, factory(lib) -> module, input makers, whether the layer is random in train mode)
CASES = [
    ("Identity", lambda lib: lib.nn.Identity(3, k=1), [_f(2, 3)]),
    ("Linear", lambda lib: lib.nn.Linear(4, 3), [_f(5, 4)]),
    ("Linear-3d-nobias", lambda lib: lib.nn.Linear(4, 3, bias=False), [_f(2, 5, 4)]),
    ("Bilinear", lambda lib: lib.nn.Bilinear(3, 4, 2), [_f(5, 3), _f(5, 4)]),
    ("Flatten", lambda lib: lib.nn.Flatten(), [_f(2, 3, 4)]),
    ("Unflatten", lambda lib: lib.nn.Unflatten(1, (2, 3)), [_f(4, 6)]),
    ("Conv1d", lambda lib: lib.nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), [_f(2, 4, 9)]),
    ("Conv1d-same-dil", lambda lib: lib.nn.Conv1d(2, 3, 4, padding="same", dilation=2), [_f(2, 2, 9)]),
    ("Conv2d", lambda lib: lib.nn.Conv2d(2, 4, 3), [_f(2, 2, 6, 5)]),
    ("Conv2d-args", lambda lib: lib.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                              groups=2, bias=False), [_f(2, 4, 7, 6)]),
    ("Conv2d-same", lambda lib: lib.nn.Conv2d(2, 3, (3, 4), padding="same"), [_f(1, 2, 5, 6)]),
    ("Conv2d-valid", lambda lib: lib.nn.Conv2d(2, 3, 3, padding="valid"), [_f(1, 2, 5, 6)]),
    ("Conv2d-reflect", lambda lib: lib.nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), [_f(1, 2, 5, 6)]),
    ("Conv2d-replicate", lambda lib: lib.nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="replicate"),
     [_f(1, 2, 5, 6)]),
    ("Conv2d-circular", lambda lib: lib.nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="circular"),
     [_f(1, 2, 5, 6)]),
    ("Conv2d-same-circular", lambda lib: lib.nn.Conv2d(2, 3, (2, 4), padding="same", padding_mode="circular"),
     [_f(1, 2, 5, 6)]),
    ("Conv2d-unbatched", lambda lib: lib.nn.Conv2d(2, 3, 3), [_f(2, 5, 5)]),
    ("Conv3d", lambda lib: lib.nn.Conv3d(2, 2, 2, stride=(1, 2, 1)), [_f(1, 2, 3, 4, 3)]),
    ("ConvTranspose1d", lambda lib: lib.nn.ConvTranspose1d(2, 4, 3, stride=2, output_padding=1), [_f(2, 2, 5)]),
    ("ConvTranspose2d", lambda lib: lib.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                                           groups=2, dilation=1), [_f(2, 4, 4, 3)]),
    ("ConvTranspose2d-dil", lambda lib: lib.nn.ConvTranspose2d(2, 3, (2, 3), stride=(1, 2), dilation=2, bias=False),
     [_f(1, 2, 3, 4)]),
    ("ConvTranspose3d", lambda lib: lib.nn.ConvTranspose3d(2, 2, 2, stride=2), [_f(1, 2, 2, 3, 2)]),
    ("MaxPool1d", lambda lib: lib.nn.MaxPool1d(3, stride=2, padding=1), [_f(2, 3, 9)]),
    ("MaxPool2d", lambda lib: lib.nn.MaxPool2d(2), [_f(2, 3, 6, 5)]),
    ("MaxPool2d-args", lambda lib: lib.nn.MaxPool2d(3, 2, 1, dilation=1, ceil_mode=True), [_f(1, 2, 7, 6)]),
    ("MaxPool2d-indices", lambda lib: lib.nn.MaxPool2d(2, return_indices=True), [_f(1, 2, 4, 6)]),
    ("AvgPool1d", lambda lib: lib.nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False), [_f(2, 3, 9)]),
    ("AvgPool2d", lambda lib: lib.nn.AvgPool2d(2), [_f(2, 3, 6, 5)]),
    ("AvgPool2d-args", lambda lib: lib.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False,
                                                    divisor_override=None), [_f(1, 2, 7, 6)]),
    ("AvgPool2d-divisor", lambda lib: lib.nn.AvgPool2d((2, 3), divisor_override=4), [_f(1, 2, 6, 6)]),
    ("AdaptiveAvgPool2d", lambda lib: lib.nn.AdaptiveAvgPool2d((3, 2)), [_f(2, 3, 7, 5)]),
    ("AdaptiveAvgPool2d-int", lambda lib: lib.nn.AdaptiveAvgPool2d(1), [_f(2, 3, 4, 4)]),
    ("AdaptiveMaxPool2d", lambda lib: lib.nn.AdaptiveMaxPool2d(2), [_f(2, 3, 5, 4)]),
    ("AdaptiveMaxPool2d-none", lambda lib: lib.nn.AdaptiveMaxPool2d((None, 2), return_indices=True),
     [_f(1, 2, 3, 5)]),
    ("BatchNorm1d", lambda lib: lib.nn.BatchNorm1d(3), [_f(6, 3)]),
    ("BatchNorm1d-3d", lambda lib: lib.nn.BatchNorm1d(3, momentum=0.3), [_f(4, 3, 5)]),
    ("BatchNorm1d-cumulative", lambda lib: lib.nn.BatchNorm1d(3, momentum=None), [_f(6, 3)]),
    ("BatchNorm2d", lambda lib: lib.nn.BatchNorm2d(3), [_f(2, 3, 4, 5)]),
    ("BatchNorm2d-noaffine", lambda lib: lib.nn.BatchNorm2d(3, affine=False), [_f(2, 3, 4, 5)]),
    ("BatchNorm2d-nobias", lambda lib: lib.nn.BatchNorm2d(3, bias=False, eps=1e-3), [_f(2, 3, 4, 5)]),
    ("BatchNorm2d-untracked", lambda lib: lib.nn.BatchNorm2d(3, track_running_stats=False), [_f(2, 3, 4, 5)]),
    ("BatchNorm3d", lambda lib: lib.nn.BatchNorm3d(2), [_f(2, 2, 3, 2, 2)]),
    ("InstanceNorm1d", lambda lib: lib.nn.InstanceNorm1d(3), [_f(2, 3, 5)]),
    ("InstanceNorm1d-unbatched", lambda lib: lib.nn.InstanceNorm1d(3, affine=True), [_f(3, 5)]),
    ("InstanceNorm2d-tracked", lambda lib: lib.nn.InstanceNorm2d(2, affine=True, track_running_stats=True),
     [_f(3, 2, 3, 4)]),
    ("InstanceNorm3d", lambda lib: lib.nn.InstanceNorm3d(2, momentum=0.3, track_running_stats=True),
     [_f(2, 2, 2, 3, 2)]),
    ("LayerNorm", lambda lib: lib.nn.LayerNorm(5), [_f(3, 4, 5)]),
    ("LayerNorm-2d", lambda lib: lib.nn.LayerNorm((4, 5), eps=1e-3, bias=False), [_f(3, 4, 5)]),
    ("LayerNorm-noaffine", lambda lib: lib.nn.LayerNorm([5], elementwise_affine=False), [_f(3, 5)]),
    ("GroupNorm", lambda lib: lib.nn.GroupNorm(2, 4), [_f(3, 4, 5)]),
    ("GroupNorm-noaffine", lambda lib: lib.nn.GroupNorm(3, 6, eps=1e-3, affine=False), [_f(2, 6, 2, 3)]),
    ("Dropout", lambda lib: lib.nn.Dropout(0.3), [_f(4, 5)], True),
    ("Embedding", lambda lib: lib.nn.Embedding(7, 3), [_idx(7, 4, 5)]),
    ("Embedding-padding", lambda lib: lib.nn.Embedding(7, 3, padding_idx=2), [_fixed([[2, 1, 2], [0, 2, 6]])]),
    ("Embedding-freq", lambda lib: lib.nn.Embedding(7, 3, padding_idx=-1, scale_grad_by_freq=True),
     [_fixed([[6, 1, 1], [0, 1, 6]])]),
    ("Embedding-max_norm", lambda lib: lib.nn.Embedding(7, 3, max_norm=1.0), [_fixed([[3, 1, 1], [0, 5, 6]])]),
    # activations
    ("ReLU", lambda lib: lib.nn.ReLU(), [_f(3, 4)]),
    ("ReLU6", lambda lib: lib.nn.ReLU6(), [_f(3, 4)]),
    ("LeakyReLU", lambda lib: lib.nn.LeakyReLU(0.2), [_f(3, 4)]),
    ("ELU", lambda lib: lib.nn.ELU(alpha=0.7), [_f(3, 4)]),
    ("CELU", lambda lib: lib.nn.CELU(alpha=1.5), [_f(3, 4)]),
    ("SELU", lambda lib: lib.nn.SELU(), [_f(3, 4)]),
    ("GELU", lambda lib: lib.nn.GELU(), [_f(3, 4)]),
    ("GELU-tanh", lambda lib: lib.nn.GELU(approximate="tanh"), [_f(3, 4)]),
    ("SiLU", lambda lib: lib.nn.SiLU(), [_f(3, 4)]),
    ("Mish", lambda lib: lib.nn.Mish(), [_f(3, 4)]),
    ("Sigmoid", lambda lib: lib.nn.Sigmoid(), [_f(3, 4)]),
    ("Tanh", lambda lib: lib.nn.Tanh(), [_f(3, 4)]),
    ("Softplus", lambda lib: lib.nn.Softplus(beta=2, threshold=1.5), [_f(3, 4)]),
    ("Softsign", lambda lib: lib.nn.Softsign(), [_f(3, 4)]),
    ("Hardtanh", lambda lib: lib.nn.Hardtanh(-0.5, 0.8), [_f(3, 4)]),
    ("Hardsigmoid", lambda lib: lib.nn.Hardsigmoid(), [lambda rng: (rng.uniform(-5, 5, (3, 4)), True)]),
    ("Hardswish", lambda lib: lib.nn.Hardswish(), [lambda rng: (rng.uniform(-5, 5, (3, 4)), True)]),
    ("LogSigmoid", lambda lib: lib.nn.LogSigmoid(), [_f(3, 4)]),
    ("Tanhshrink", lambda lib: lib.nn.Tanhshrink(), [_f(3, 4)]),
    ("Softmax", lambda lib: lib.nn.Softmax(dim=1), [_f(3, 4)]),
    ("LogSoftmax", lambda lib: lib.nn.LogSoftmax(dim=-1), [_f(2, 3, 4)]),
    ("Softmax2d", lambda lib: lib.nn.Softmax2d(), [_f(2, 3, 2, 2)]),
    ("Softmin", lambda lib: lib.nn.Softmin(dim=0), [_f(3, 4)]),
    # losses
    ("MSELoss", lambda lib: lib.nn.MSELoss(), [_f(3, 4), _f(3, 4)]),
    ("MSELoss-sum", lambda lib: lib.nn.MSELoss(reduction="sum"), [_f(3, 4), _f(3, 4)]),
    ("L1Loss-none", lambda lib: lib.nn.L1Loss(reduction="none"), [_f(3, 4), _f(3, 4)]),
    ("SmoothL1Loss", lambda lib: lib.nn.SmoothL1Loss(beta=0.5), [_f(3, 4), _f(3, 4)]),
    ("HuberLoss", lambda lib: lib.nn.HuberLoss(delta=0.7), [_f(3, 4), _f(3, 4)]),
    ("NLLLoss", lambda lib: lib.nn.NLLLoss(), [_f(5, 3), _idx(3, 5)]),
    ("NLLLoss-weight-ignore", lambda lib: lib.nn.NLLLoss(weight=_w(lib, [0.2, 1.0, 3.0]), ignore_index=1),
     [_f(6, 3), _fixed([0, 1, 2, 2, 1, 0])]),
    ("NLLLoss-2d", lambda lib: lib.nn.NLLLoss(reduction="sum"), [_f(2, 3, 4, 2), _idx(3, 2, 4, 2)]),
    ("CrossEntropyLoss", lambda lib: lib.nn.CrossEntropyLoss(), [_f(5, 4), _idx(4, 5)]),
    ("CrossEntropyLoss-all", lambda lib: lib.nn.CrossEntropyLoss(weight=_w(lib, [1.0, 2.0, 0.5, 1.5]),
                                                                 ignore_index=0, label_smoothing=0.1),
     [_f(6, 4), _fixed([0, 1, 2, 3, 3, 1])]),
    ("CrossEntropyLoss-probs", lambda lib: lib.nn.CrossEntropyLoss(label_smoothing=0.2),
     [_f(3, 4), _prob(3, 4)]),
    ("BCELoss", lambda lib: lib.nn.BCELoss(), [_prob(3, 4, grad=True), _prob(3, 4)]),
    ("BCELoss-weight", lambda lib: lib.nn.BCELoss(weight=_w(lib, [1.0, 2.0, 0.5, 3.0]), reduction="sum"),
     [_prob(3, 4, grad=True), _prob(3, 4)]),
    ("BCEWithLogitsLoss", lambda lib: lib.nn.BCEWithLogitsLoss(), [_f(3, 4), _prob(3, 4)]),
    ("BCEWithLogitsLoss-pos", lambda lib: lib.nn.BCEWithLogitsLoss(weight=_w(lib, [[1.0], [2.0], [0.5]]),
                                                                   pos_weight=_w(lib, [1.0, 2.0, 0.5, 3.0])),
     [_f(3, 4), _prob(3, 4)]),
    ("KLDivLoss", lambda lib: lib.nn.KLDivLoss(reduction="batchmean"), [_f(3, 4), _prob(3, 4)]),
    ("KLDivLoss-log", lambda lib: lib.nn.KLDivLoss(reduction="sum", log_target=True), [_f(3, 4), _f(3, 4)]),
    ("PoissonNLLLoss", lambda lib: lib.nn.PoissonNLLLoss(), [_f(3, 4), _pos(3, 4)]),
    ("PoissonNLLLoss-full", lambda lib: lib.nn.PoissonNLLLoss(log_input=False, full=True),
     [_prob(3, 4, grad=True), lambda rng: (rng.uniform(0.5, 4.0, (3, 4)), False)]),
    ("GaussianNLLLoss", lambda lib: lib.nn.GaussianNLLLoss(), [_f(3, 4), _f(3, 4), _pos(3, 4)]),
    ("GaussianNLLLoss-full", lambda lib: lib.nn.GaussianNLLLoss(full=True, reduction="sum"),
     [_f(3, 4), _f(3, 4), _pos(3, 1)]),
    ("MarginRankingLoss", lambda lib: lib.nn.MarginRankingLoss(margin=0.3), [_f(5), _f(5), _sign(5)]),
    ("CosineEmbeddingLoss", lambda lib: lib.nn.CosineEmbeddingLoss(margin=0.2), [_f(5, 3), _f(5, 3), _sign(5)]),
    ("TripletMarginLoss", lambda lib: lib.nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True),
     [_f(4, 3), _f(4, 3), _f(4, 3)]),
]


def _case_id(case) -> str:
    return case[0]


def _to_torch(array: np.ndarray, grad: bool):
    return torch.tensor(array, dtype=torch.float64 if array.dtype.kind == "f" else torch.int64, requires_grad=grad)


def _to_ours(array: np.ndarray, grad: bool):
    dtype = chainrule.float64 if array.dtype.kind == "f" else chainrule.int64
    return chainrule.tensor(array, dtype=dtype, requires_grad=grad)


def _pair(factory):
    """The torch layer (float64) and ours, holding the same parameters and buffers."""
    torch.manual_seed(0)
    theirs = factory(torch).double()
    ours = factory(chainrule).double()
    state = {k: chainrule.tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()}
    result = ours.load_state_dict(state)
    assert not result.missing_keys and not result.unexpected_keys
    return theirs, ours


def _run(module, inputs, convert, seed):
    """Forward, then backward of sum(out * upstream); returns (outputs, input grads, param grads)."""
    tensors = [convert(a, g) for a, g in inputs]
    out = module(*tensors)
    outputs = out if isinstance(out, tuple) else (out,)
    first = outputs[0]
    if first.requires_grad:
        upstream = np.random.default_rng(seed).standard_normal(tuple(first.shape))
        (first * convert(upstream, False)).sum().backward()
    grads = [None if t.grad is None else t.grad.numpy() for t in tensors]
    params = {name: None if p.grad is None else p.grad.numpy() for name, p in module.named_parameters()}
    return [o.detach().numpy() for o in outputs], grads, params


def _compare(theirs, ours, inputs, seed):
    for side in (theirs, ours):
        side.zero_grad()
    t_out, t_grads, t_params = _run(theirs, inputs, _to_torch, seed)
    o_out, o_grads, o_params = _run(ours, inputs, _to_ours, seed)
    for a, b in zip(o_out, t_out):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    for a, b in zip(o_grads, t_grads):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    assert o_params.keys() == t_params.keys()
    for name in t_params:
        assert (o_params[name] is None) == (t_params[name] is None), name
        if t_params[name] is not None:
            np.testing.assert_allclose(o_params[name], t_params[name], rtol=RTOL, atol=ATOL, err_msg=name)


def _compare_state(theirs, ours):
    t_state, o_state = theirs.state_dict(), ours.state_dict()
    assert list(o_state) == list(t_state)
    for key in t_state:
        np.testing.assert_allclose(o_state[key].numpy(), t_state[key].numpy(), rtol=RTOL, atol=ATOL, err_msg=key)
        assert str(o_state[key].dtype) == str(t_state[key].dtype), key


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_layer_matches_torch(case):
    name, factory, makers, *random = case
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    theirs, ours = _pair(factory)
    assert repr(ours) == repr(theirs)
    # training (a few steps when running statistics move), then evaluation mode
    steps = 3 if list(theirs.buffers()) else 1
    modes = [False] if random else [True] * steps + [False]
    for training in modes:
        theirs.train(training)
        ours.train(training)
        inputs = [make(rng) for make in makers]
        _compare(theirs, ours, inputs, int(rng.integers(2**31)))
        _compare_state(theirs, ours)


def test_dropout_in_training_scales_kept_elements():
    ours = chainrule.nn.Dropout(0.25).double()
    x = chainrule.ones(2000, dtype=chainrule.float64, requires_grad=True)
    y = ours(x)
    kept = y.detach().numpy() != 0
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.75)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.75)
    assert 0.2 < 1 - kept.mean() < 0.3


def test_conv_transpose_output_size_matches_torch():
    theirs, ours = _pair(lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, stride=3, padding=1))
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    for size in [(10, 10), (11, 12), [1, 3, 12, 10]]:
        a = ours(_to_ours(x, False), output_size=size).detach().numpy()
        b = theirs(_to_torch(x, False), output_size=size).detach().numpy()
        np.testing.assert_allclose(a, b, rtol=RTOL)
    for bad in [(9, 10), (13, 10), (10,)]:
        with pytest.raises(ValueError) as theirs_error:
            theirs(_to_torch(x, False), output_size=bad)
        with pytest.raises(ValueError) as ours_error:
            ours(_to_ours(x, False), output_size=bad)
        assert str(ours_error.value) == str(theirs_error.value)


def test_batchnorm_loads_state_without_num_batches_tracked():
    theirs, ours = _pair(lambda lib: lib.nn.BatchNorm1d(3))
    state = {k: v for k, v in theirs.state_dict().items() if k != "num_batches_tracked"}
    assert repr(theirs.load_state_dict(state)) == repr(
        ours.load_state_dict({k: chainrule.tensor(v.numpy()) for k, v in state.items()}))


def _train(lib, model, steps):
    """Plain SGD on a fixed regression problem; returns the losses."""
    rng = np.random.default_rng(5)
    x = lib.tensor(rng.standard_normal((16, 1, 6, 6)))
    y = lib.tensor(rng.integers(0, 3, 16))
    loss_fn = lib.nn.CrossEntropyLoss(label_smoothing=0.05)
    losses = []
    for _ in range(steps):
        model.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        with lib.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
        losses.append(loss.item())
    return losses


def test_training_trajectory_matches_torch():
    def factory(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Dropout(0.0), nn.Linear(36, 8), nn.LayerNorm(8), nn.GELU(),
                             nn.Linear(8, 3))
    theirs, ours = _pair(factory)
    np.testing.assert_allclose(_train(chainrule, ours, 6), _train(torch, theirs, 6), rtol=1e-9)
    _compare_state(theirs, ours)
