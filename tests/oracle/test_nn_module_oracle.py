"""``nn.Module`` machinery, containers, ``nn.init`` and ``nn.utils`` against PyTorch.

Each scenario takes the library (``torch`` or ``chainrule``) and returns a log of what
it saw: reprs, names, values and the type and first line of every error. The two logs
must be equal.
"""
from __future__ import annotations

import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import chainrule  # noqa: E402


def attempt(log: list, fn) -> None:
    """Log ``fn()``'s repr, or its exception type and first line."""
    try:
        log.append(repr(fn()))
    except Exception as e:  # noqa: BLE001 - the exception is what we compare
        log.append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


def values(t) -> list:
    return np.round(t.detach().numpy().astype(np.float64), 10).tolist()


class _Block:
    """A user-defined module made for either library."""

    @staticmethod
    def make(lib):
        class Block(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = lib.nn.Conv2d(1, 2, 3, padding=1)
                self.norm = lib.nn.BatchNorm2d(2)
                self.head = lib.nn.Sequential(lib.nn.Flatten(), lib.nn.Linear(8, 3))
                self.scale = lib.nn.Parameter(lib.ones(1))
                self.register_buffer("steps", lib.zeros(1))
                self.register_buffer("cache", lib.zeros(2), persistent=False)
                self.nothing = None

            def forward(self, x):
                return self.head(lib.relu(self.norm(self.conv(x)))) * self.scale

            def extra_repr(self):
                return "custom=1\nsecond line"
        return Block()


def scenario_reprs(lib):
    nn = lib.nn
    log = []
    model = nn.Sequential(OrderedDict([
        ("features", nn.Sequential(nn.Conv2d(3, 8, 3, padding="same"), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                                   nn.MaxPool2d(2), nn.Dropout(0.1))),
        ("pool", nn.AdaptiveAvgPool2d((1, 1))),
        ("flat", nn.Flatten()),
        ("blocks", nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 8)])),
        ("heads", nn.ModuleDict({"cls": nn.Linear(8, 2), "reg": nn.Identity()})),
        ("empty", nn.Sequential()),
        ("loss", nn.CrossEntropyLoss(label_smoothing=0.1)),
    ]))
    log.append(repr(model))
    log.append(repr(_Block.make(lib)))
    log.append(repr(nn.ModuleList()))
    log.append(repr(nn.ModuleList([nn.ReLU()] * 3 + [nn.Sequential(nn.Tanh(), nn.Tanh())] * 2)))
    log.append(repr(nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.ones(4, dtype=lib.float64)])))
    log.append(repr(nn.ParameterList([nn.Parameter(lib.zeros(1))])))
    log.append(repr(nn.ParameterDict({"b": nn.Parameter(lib.zeros(2)), "a": lib.ones(1, 2)})))
    log.append(repr(nn.Parameter(lib.tensor([1.0, 2.0]))))
    log.append(repr(nn.Parameter(lib.tensor([1.0, 2.0]), requires_grad=False)))
    log.append(repr(nn.Parameter()))
    for module in [nn.ReLU6(True), nn.Hardtanh(-2, 3), nn.LeakyReLU(0.2, True), nn.ELU(2.0, True), nn.CELU(),
                   nn.Hardswish(True), nn.Hardsigmoid(True), nn.SiLU(True), nn.Mish(), nn.SELU(True),
                   nn.Softplus(2, 10), nn.Softmax(1), nn.LogSoftmax(dim=0), nn.Softmin(), nn.GELU("tanh"),
                   nn.Unflatten(1, [2, 3]), nn.Flatten(0, 2), nn.Bilinear(2, 3, 4, bias=False),
                   nn.Conv1d(2, 4, 3, dilation=2, padding_mode="circular"), nn.ConvTranspose1d(2, 4, 3, groups=2),
                   nn.Conv2d(2, 2, 3, padding="valid"), nn.ConvTranspose3d(2, 2, (1, 2, 3)),
                   nn.MaxPool2d(3, 2, 1, ceil_mode=True, return_indices=True), nn.MaxPool1d(2),
                   nn.AvgPool1d(3, 2), nn.AvgPool2d((2, 3)), nn.AdaptiveMaxPool2d((None, 2)),
                   nn.BatchNorm1d(3, momentum=None, affine=False, track_running_stats=False),
                   nn.BatchNorm3d(3, bias=False), nn.InstanceNorm2d(3), nn.InstanceNorm1d(2, affine=True, bias=False),
                   nn.Softmax2d(), nn.LayerNorm((2, 3), elementwise_affine=False),
                   nn.LayerNorm(4, bias=False), nn.GroupNorm(2, 4, affine=False),
                   nn.Embedding(10, 3, padding_idx=-2, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True),
                   nn.NLLLoss(weight=lib.ones(3)), nn.BCEWithLogitsLoss(pos_weight=lib.ones(2)),
                   nn.GaussianNLLLoss(full=True), nn.TripletMarginLoss()]:
        log.append(repr(module))
    return log


def scenario_state_dict(lib):
    nn = lib.nn
    log = []
    block = _Block.make(lib)
    state = block.state_dict()
    log.append(list(state))
    log.append(type(state).__name__)
    log.append(dict(state._metadata))
    log.append([type(v).__name__ for v in state.values()])
    log.append([type(v).__name__ for v in block.state_dict(keep_vars=True).values()])
    log.append(block.state_dict(keep_vars=True)["scale"] is block.scale)
    log.append(list(block.head.state_dict(prefix="head.")))
    log.append(repr(block.load_state_dict(state)))
    partial = {k: v for k, v in state.items() if not k.startswith("norm.")}
    partial["extra"] = lib.zeros(1)
    partial["head.9.weight"] = lib.zeros(1)
    partial["conv.bias"] = lib.zeros(5)
    attempt(log, lambda: block.load_state_dict(partial))
    attempt(log, lambda: block.load_state_dict(partial, strict=False))
    attempt(log, lambda: block.load_state_dict({**state, "scale": 3.0}))
    attempt(log, lambda: block.load_state_dict([1, 2]))
    result = block.load_state_dict({k: v for k, v in state.items() if k != "head.1.bias"}, strict=False)
    log.append((result.missing_keys, result.unexpected_keys))
    # a 1-element checkpoint entry loads into a 0-d buffer (PyTorch 0.3 compatibility)
    module = nn.Module()
    module.register_buffer("count", lib.tensor(2.0))
    log.append(repr(module.load_state_dict({"count": lib.tensor([7.0])})))
    log.append(values(module.count))
    # assign=True replaces the tensors (keeping requires_grad of parameters)
    linear = nn.Linear(2, 2)
    new_weight = lib.full((2, 2), 5.0)
    linear.load_state_dict({"weight": new_weight, "bias": lib.zeros(2)}, assign=True)
    log.append((type(linear.weight).__name__, linear.weight.requires_grad, values(linear.weight)))
    return log


def scenario_traversal(lib):
    nn = lib.nn
    log = []
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared, nn.Sequential(shared, nn.BatchNorm1d(2)))
    log.append([name for name, _ in model.named_modules()])
    log.append([name for name, _ in model.named_modules(remove_duplicate=False)])
    log.append([name for name, _ in model.named_modules(prefix="net")])
    log.append([name for name, _ in model.named_children()])
    log.append(len(list(model.children())))
    log.append([name for name, _ in model.named_parameters()])
    log.append([name for name, _ in model.named_parameters(remove_duplicate=False)])
    log.append([name for name, _ in model.named_parameters(prefix="m", recurse=True)])
    log.append([name for name, _ in model[3].named_parameters(recurse=False)])
    log.append([name for name, _ in model.named_buffers()])
    log.append(len(list(model.parameters())))
    log.append(len(list(model.buffers(recurse=False))))
    log.append(model.get_submodule("3.1").__class__.__name__)
    log.append(model.get_submodule("") is model)
    log.append(tuple(model.get_parameter("3.0.weight").shape))
    log.append(values(model.get_buffer("3.1.running_var")))
    for target in ["3.7", "3.0.weight.x", "1.weight", "3.1.weight"]:
        attempt(log, lambda: model.get_submodule(target))
        attempt(log, lambda: model.get_parameter(target))
        attempt(log, lambda: model.get_buffer(target))
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    log.append(seen)
    return log


def scenario_attributes(lib):
    nn = lib.nn
    log = []
    m = nn.Linear(2, 3)
    attempt(log, lambda: setattr(m, "weight", lib.zeros(3, 2)))
    attempt(log, lambda: setattr(m, "weight", 3))
    attempt(log, lambda: m.register_parameter("x", lib.zeros(2)))
    attempt(log, lambda: m.register_parameter(1, None))
    attempt(log, lambda: m.register_parameter("a.b", None))
    attempt(log, lambda: m.register_parameter("", None))
    attempt(log, lambda: m.register_parameter("in_features", None))
    attempt(log, lambda: m.register_parameter("y", nn.Parameter(lib.ones(2)) * 2))
    attempt(log, lambda: m.register_buffer("weight", lib.zeros(1)))
    attempt(log, lambda: m.register_buffer("b", 3))
    attempt(log, lambda: m.register_buffer("", None))
    attempt(log, lambda: m.register_buffer(2.0, None))
    attempt(log, lambda: m.add_module("x", 3))
    attempt(log, lambda: m.add_module(3, nn.ReLU()))
    attempt(log, lambda: m.add_module("weight", nn.ReLU()))
    attempt(log, lambda: m.add_module("a.b", nn.ReLU()))
    attempt(log, lambda: m.add_module("", nn.ReLU()))
    attempt(log, lambda: m.missing)
    m.act = nn.ReLU()
    attempt(log, lambda: setattr(m, "act", 5))
    m.act = None
    log.append(list(m._modules))
    m.register_buffer("buf", lib.ones(2))
    m.buf = lib.zeros(3)
    attempt(log, lambda: setattr(m, "buf", "text"))
    log.append(values(m.buf))
    m.bias = None
    log.append([name for name, _ in m.named_parameters()])
    m.bias = nn.Parameter(lib.zeros(3))
    m.other = nn.Parameter(lib.zeros(1))
    log.append([name for name, _ in m.named_parameters()])
    del m.other
    del m.buf
    attempt(log, lambda: m.buf)
    m.tag = "plain"
    del m.tag
    log.append([n for n in ("weight", "bias", "act", "forward", "training") if n in dir(m)])
    m.weight = None
    log.append(list(m.state_dict()))
    # a Buffer assigned as an attribute is registered (non-persistent when asked)
    m.stat = nn.Buffer(lib.ones(2), persistent=False)
    m.kept = nn.Buffer(lib.ones(1))
    log.append(([name for name, _ in m.named_buffers()], list(m.state_dict())))

    class Early(nn.Module):
        def __init__(self, kind):
            if kind == "param":
                self.p = nn.Parameter(lib.ones(1))
            elif kind == "module":
                self.child = nn.ReLU()
            else:
                self.register_buffer("b", None)
            super().__init__()
    for kind in ["param", "module", "buffer"]:
        attempt(log, lambda: Early(kind))
    attempt(log, lambda: nn.Module(1))
    attempt(log, lambda: nn.Module(x=1))
    attempt(log, lambda: nn.Linear(2, 2, dtype=lib.int64))
    return log


def scenario_hooks(lib):
    nn = lib.nn
    log = []
    m = nn.Linear(2, 2)
    lib.nn.init.constant_(m.weight, 0.5)
    lib.nn.init.constant_(m.bias, 0.25)

    def pre(name, result=None):
        def hook(module, args):
            log.append(("pre", name, len(args)))
            return result
        return hook

    def post(name, result=None):
        def hook(module, args, output):
            log.append(("post", name, tuple(output.shape)))
            return result
        return hook
    handles = [m.register_forward_pre_hook(pre("a")), m.register_forward_pre_hook(pre("b"), prepend=True),
               m.register_forward_hook(post("c")), m.register_forward_hook(post("d"), prepend=True)]
    x = lib.ones(3, 2)
    m(x)
    handles[0].remove()
    handles[0].remove()
    m(x)
    for h in handles:
        h.remove()
    # a pre-hook may replace the input (a bare value is wrapped in a tuple); a hook may replace the output
    m.register_forward_pre_hook(lambda module, args: args[0] * 0)
    handle = m.register_forward_hook(lambda module, args, out: out + 1)
    log.append(values(m(x)))
    handle.remove()

    def kw_pre(module, args, kwargs):
        log.append(("kw_pre", sorted(kwargs)))
        return args, {"scale": 2.0}

    def kw_post(module, args, kwargs, out):
        log.append(("kw_post", kwargs))

    class Scaled(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale
    s = Scaled()
    s.register_forward_pre_hook(kw_pre, with_kwargs=True)
    s.register_forward_hook(kw_post, with_kwargs=True)
    log.append(values(s(lib.ones(2), scale=5.0)))
    bad = Scaled()
    bad.register_forward_pre_hook(lambda module, args, kwargs: 3, with_kwargs=True)
    attempt(log, lambda: bad(lib.ones(1)))

    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("broken forward")
    b = Broken()
    b.register_forward_hook(lambda module, args, out: log.append(("always", out)), always_call=True)
    b.register_forward_hook(lambda module, args, out: log.append(("not always", out)))
    attempt(log, lambda: b(lib.ones(1)))
    with m.register_forward_hook(lambda module, args, out: log.append("ctx")):
        m(x)
    m(x)
    return log


def scenario_modes_and_grads(lib):
    nn = lib.nn
    log = []
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.BatchNorm1d(2)))
    log.append([m.training for m in model.modules()])
    log.append(model.eval() is model)
    log.append([m.training for m in model.modules()])
    model.train()
    model[1].train(False)
    log.append([m.training for m in model.modules()])
    attempt(log, lambda: model.train("yes"))
    model.requires_grad_(False)
    log.append([p.requires_grad for p in model.parameters()])
    model.requires_grad_()
    model.train()
    x = lib.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    model[0](x).sum().backward()
    log.append([p.grad is None for p in model.parameters()])
    grad = model[0].weight.grad
    model.zero_grad(set_to_none=False)
    log.append((model[0].weight.grad is grad, values(grad)))
    model.zero_grad()
    log.append([p.grad is None for p in model.parameters()])
    return log


def scenario_conversion(lib):
    nn = lib.nn
    log = []
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    model(lib.ones(3, 2)).sum().backward()
    weight = model[0].weight
    log.append(model.double() is model)
    log.append([str(t.dtype) for t in model.state_dict().values()])
    log.append((model[0].weight is weight, str(weight.grad.dtype), weight.requires_grad, weight.is_leaf))
    model.to(lib.float16)
    log.append([str(t.dtype) for t in model.state_dict().values()])
    model.float()
    model.to(lib.zeros(1, dtype=lib.float64))
    log.append([str(t.dtype) for t in model.state_dict().values()])
    model.to("cpu").to(dtype=lib.float32).cpu()
    log.append([str(t.dtype) for t in model.state_dict().values()])
    attempt(log, lambda: model.to(lib.int32))
    log.append(str(model(lib.ones(2, 2)).dtype))
    return log


def scenario_sequential(lib):
    nn = lib.nn
    log = []
    layers = [nn.Linear(1, 1), nn.ReLU(), nn.Tanh(), nn.Sigmoid()]
    s = nn.Sequential(*layers)
    log.append((len(s), s[-1] is layers[3], s[1] is layers[1]))
    log.append(repr(s[1:3]))
    log.append(repr(s[::-2]))
    attempt(log, lambda: s[4])
    attempt(log, lambda: s[-5])
    s[0] = nn.Identity()
    del s[1]
    log.append(repr(s))
    s.append(nn.ReLU())
    s.insert(1, nn.GELU())
    s.insert(-1, nn.SELU())
    attempt(log, lambda: s.insert(9, nn.ReLU()))
    log.append(repr(s))
    log.append(type(s.pop(0)).__name__)
    s.extend([nn.ReLU6()])
    del s[1:3]
    log.append(repr(s))
    log.append(repr(s + nn.Sequential(nn.Tanh())))
    attempt(log, lambda: s + [nn.Tanh()])
    log.append(len(s * 2))
    attempt(log, lambda: s * 0)
    attempt(log, lambda: s * 1.5)
    t = nn.Sequential(nn.ReLU(), nn.Tanh())
    t *= 2
    t += nn.Sequential(nn.Sigmoid())
    log.append(repr(t))
    log.append([type(m).__name__ for m in t])
    log.append([k for k in dir(t) if k.isdigit()])
    named = nn.Sequential(OrderedDict([("first", nn.ReLU()), ("second", nn.Tanh())]))
    log.append((repr(named), type(named[1]).__name__, repr(named[:1])))
    log.append(values(nn.Sequential(nn.ReLU(), nn.Tanh())(lib.tensor([-1.0, 1.0]))))
    return log


def scenario_module_list_dict(lib):
    nn = lib.nn
    log = []
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.Sigmoid())
    ml.extend([nn.GELU()])
    ml += [nn.SiLU()]
    ml.insert(1, nn.ELU())
    ml.insert(5, nn.CELU())
    log.append(repr(ml))
    log.append((len(ml), type(ml[-1]).__name__, type(ml[2]).__name__, repr(ml[1:3])))
    attempt(log, lambda: ml[10])
    del ml[0]
    del ml[::2]
    log.append(repr(ml))
    ml[0] = nn.Identity()
    log.append(type(ml.pop(1)).__name__)
    log.append(repr(ml + nn.ModuleList([nn.ReLU()])))
    attempt(log, lambda: ml.extend(3))
    md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
    md.update([("c", nn.GELU()), ("a", nn.SiLU())])
    md["d"] = nn.Identity()
    log.append((list(md), list(md.keys()), [type(v).__name__ for v in md.values()], "c" in md, len(md)))
    log.append(type(md.pop("b")).__name__)
    del md["c"]
    log.append(repr(md))
    attempt(log, lambda: md.update(3))
    attempt(log, lambda: md.update([("x", nn.ReLU(), 1)]))
    attempt(log, lambda: md.update([3]))
    attempt(log, lambda: md["missing"])
    md.clear()
    log.append(repr(md))
    return log


def scenario_parameter_containers(lib):
    nn = lib.nn
    log = []
    pl = nn.ParameterList([lib.ones(2), nn.Parameter(lib.zeros(3))])
    pl.append(lib.full((1,), 2.0))
    pl.extend([nn.Parameter(lib.ones(1, 1))])
    log.append((len(pl), [type(p).__name__ for p in pl], [name for name, _ in pl.named_parameters()]))
    log.append(repr(pl[1:]))
    pl[0] = lib.zeros(5)
    log.append((type(pl[0]).__name__, tuple(pl[-4].shape)))
    attempt(log, lambda: pl[7])
    attempt(log, lambda: pl())
    pd = nn.ParameterDict({"z": lib.ones(1), "a": nn.Parameter(lib.zeros(2))})
    pd["m"] = lib.ones(3)
    pd.update(OrderedDict([("y", lib.ones(1)), ("b", lib.ones(1))]))
    log.append((list(pd), [type(v).__name__ for v in pd.values()], [name for name, _ in pd.named_parameters()]))
    log.append((pd.get("nope"), "a" in pd, len(pd), list(reversed(pd))))
    log.append(tuple(pd.pop("z").shape))
    log.append(pd.popitem()[0])
    pd.setdefault("new", lib.zeros(1))
    log.append(list(pd.copy()))
    log.append(list(pd | nn.ParameterDict({"q": lib.ones(1)})))
    log.append(list(pd.fromkeys(["k1", "k2"], lib.ones(1))))
    del pd["a"]
    attempt(log, lambda: pd["a"])
    attempt(log, lambda: pd.update(5))
    attempt(log, lambda: pd(1))
    pd.clear()
    log.append(len(pd))
    return log


def scenario_layer_errors(lib):
    nn = lib.nn
    log = []
    for make in [lambda: nn.Dropout(1.5), lambda: nn.Dropout(-0.1), lambda: nn.Hardtanh(1.0, 0.5),
                 lambda: nn.GroupNorm(3, 4), lambda: nn.Conv2d(2, 2, 3, padding="full"),
                 lambda: nn.Conv2d(2, 2, 3, stride=2, padding="same"), lambda: nn.Conv2d(2, 2, 3, groups=0),
                 lambda: nn.Conv2d(3, 2, 3, groups=2), lambda: nn.Conv2d(2, 3, 3, groups=2),
                 lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
                 lambda: nn.Embedding(5, 2, padding_idx=5), lambda: nn.Embedding(5, 2, padding_idx=-6),
                 lambda: nn.Embedding(5, 2, _weight=lib.ones(4, 2)), lambda: nn.Embedding.from_pretrained(lib.ones(3)),
                 lambda: nn.TripletMarginLoss(margin=0), lambda: nn.Unflatten(1, 3),
                 lambda: nn.Unflatten(1, (2, "a")), lambda: nn.BatchNorm2d(2)(lib.ones(2, 2)),
                 lambda: nn.BatchNorm1d(2)(lib.ones(2)), lambda: nn.BatchNorm3d(2)(lib.ones(2, 2, 2, 2)),
                 lambda: nn.ParameterList([1])(), lambda: nn.Module()(lib.ones(1)),
                 lambda: nn.InstanceNorm2d(3, affine=True)(lib.ones(1, 2, 2, 2)),
                 lambda: nn.InstanceNorm1d(2)(lib.ones(2)),
                 lambda: nn.Softmax2d()(lib.ones(2, 2))]:
        attempt(log, make)
    emb = nn.Embedding.from_pretrained(lib.tensor([[1.0, 2.0], [3.0, 4.0]]), padding_idx=1)
    log.append((emb.weight.requires_grad, repr(emb), values(emb(lib.tensor([1, 0])))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses = [nn.MSELoss(size_average=False), nn.L1Loss(reduce=False), nn.NLLLoss(size_average=True, reduce=True),
                  nn.CrossEntropyLoss(size_average=False, reduce=False)]
        log.append([loss.reduction for loss in losses])
        log.append([str(w.message) for w in caught])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log.append(repr(nn.Hardtanh(min_value=-2.0, max_value=2.0)))
        log.append([(w.category.__name__, str(w.message)) for w in caught])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.Softmax()(lib.ones(2, 3))
        nn.InstanceNorm1d(3)(lib.ones(1, 2, 4))
        log.append([(w.category.__name__, str(w.message)) for w in caught])
    return log


def scenario_init(lib):
    init = lib.nn.init
    log = []
    for args in [("linear",), ("conv_transpose3d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",)]:
        log.append(round(init.calculate_gain(*args), 12))
    for args in [("leaky_relu", True), ("leaky_relu", "x"), ("softmax",)]:
        attempt(log, lambda: init.calculate_gain(*args))
    w = lib.empty(3, 4, requires_grad=True)
    for fill in [lambda t: init.uniform_(t, -1, 1), lambda t: init.normal_(t, 0, 2), lambda t: init.constant_(t, 0.5),
                 init.ones_, init.zeros_, init.eye_, init.xavier_uniform_, init.xavier_normal_,
                 lambda t: init.kaiming_uniform_(t, a=0.1, mode="fan_out", nonlinearity="relu"), init.kaiming_normal_,
                 init.orthogonal_, lambda t: init.trunc_normal_(t, std=0.02), lambda t: init.sparse_(t, 0.5)]:
        out = fill(w)
        log.append((out is w, w.requires_grad, w.is_leaf, w.grad_fn is None, tuple(w.shape), str(w.dtype)))
    log.append(values(init.constant_(lib.empty(2), 0.25)))
    log.append(values(init.eye_(lib.empty(2, 3))))
    log.append(values(init.dirac_(lib.empty(4, 2, 3))))
    log.append(values(init.dirac_(lib.empty(4, 2, 1, 3), groups=2)))
    for bad in [lambda: init.xavier_uniform_(lib.empty(3)), lambda: init.kaiming_normal_(lib.empty(3)),
                lambda: init.kaiming_uniform_(lib.empty(3, 3), mode="fan_avg"), lambda: init.eye_(lib.empty(2, 2, 2)),
                lambda: init.dirac_(lib.empty(2, 2)), lambda: init.dirac_(lib.empty(3, 2, 2), groups=2),
                lambda: init.orthogonal_(lib.empty(3)), lambda: init.sparse_(lib.empty(3), 0.1),
                lambda: init.normal_(lib.empty(3), 0, -1.0), lambda: init.uniform_(lib.empty(2), 1.5, 0.5),
                lambda: init.trunc_normal_(lib.empty(2), a=1, b=0),
                lambda: init.uniform_(lib.empty(2, dtype=lib.int64)),
                lambda: init.normal_(lib.empty(2, dtype=lib.int32))]:
        attempt(log, bad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init.kaiming_uniform_(lib.empty(0, 3))
        init.trunc_normal_(lib.empty(3), mean=5.0, a=-1.0, b=1.0)
        log.append([str(w.message) for w in caught])
    return log


def _with_grads(lib):
    params = [lib.nn.Parameter(lib.tensor([[3.0, -4.0], [1.0, 2.0]])), lib.nn.Parameter(lib.tensor([0.5, -12.0])),
              lib.nn.Parameter(lib.tensor([1.0]))]
    params[0].grad = lib.tensor([[0.3, -0.4], [2.0, 1.0]])
    params[1].grad = lib.tensor([1.5, -6.0])
    return params


def scenario_clip_and_vectors(lib):
    utils = lib.nn.utils
    log = []
    for norm_type in [2.0, 1, "inf", math.inf, 0.5, 3]:
        params = _with_grads(lib)
        total = utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
        log.append((repr(total), [None if p.grad is None else values(p.grad) for p in params]))
    params = _with_grads(lib)
    log.append(repr(utils.clip_grad_norm_(params, 100.0)))
    log.append(values(params[1].grad))
    log.append(repr(utils.clip_grad_norm_(params[0], 0.1)))
    log.append(repr(utils.clip_grad_norm_([], 1.0)))
    log.append(repr(utils.get_total_norm([p.grad for p in _with_grads(lib)[:2]], 2.0)))
    params = _with_grads(lib)
    params[1].grad[0] = math.nan
    attempt(log, lambda: utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True))
    params = _with_grads(lib)
    params[0].grad[0, 0] = math.inf
    attempt(log, lambda: utils.clip_grad_norm_(params, 1.0, norm_type=1, error_if_nonfinite=True))
    params = _with_grads(lib)
    log.append(utils.clip_grad_value_(params, 1.0))
    log.append([None if p.grad is None else values(p.grad) for p in params])
    utils.clip_grad_value_(params[1], 0.25)
    log.append(values(params[1].grad))
    params = _with_grads(lib)
    vec = utils.parameters_to_vector(params)
    log.append((repr(vec.grad_fn.name()), values(vec)))
    utils.vector_to_parameters(lib.arange(7.0), params)
    log.append([(type(p).__name__, values(p), p.requires_grad) for p in params])
    attempt(log, lambda: utils.vector_to_parameters([1.0], params))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        utils.clip_grad_norm_((p for p in []), 1.0)
        log.append([str(w.message) for w in caught])
    return log


SCENARIOS = [scenario_reprs, scenario_state_dict, scenario_traversal, scenario_attributes, scenario_hooks,
             scenario_modes_and_grads, scenario_conversion, scenario_sequential, scenario_module_list_dict,
             scenario_parameter_containers, scenario_layer_errors, scenario_init, scenario_clip_and_vectors]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_log_as_torch(scenario):
    ours, theirs = scenario(chainrule), scenario(torch)
    ours = [a.replace("chainrule.", "torch.") if isinstance(a, str) else a for a in ours]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"entry {i}:\nours:   {a}\ntheirs: {b}"
    assert len(ours) == len(theirs)
