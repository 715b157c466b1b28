"""``nn.Module`` and the containers: registration, traversal, state dicts, hooks, modes, reprs."""
from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import chainrule
from chainrule import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4))
        self.head = nn.Linear(4, 2)
        self.temperature = nn.Parameter(chainrule.ones(1))
        self.register_buffer("calls", chainrule.zeros(1))
        self.register_buffer("scratch", chainrule.zeros(3), persistent=False)

    def forward(self, x):
        return self.head(self.body(x)) / self.temperature


def _x():
    return chainrule.tensor((np.arange(15.0).reshape(5, 3) / 7).tolist())


def test_assignment_registers_parameters_buffers_and_modules():
    net = Net()
    assert list(net._parameters) == ["temperature"]
    assert list(net._buffers) == ["calls", "scratch"]
    assert list(net._modules) == ["body", "head"]
    assert isinstance(net.head.weight, nn.Parameter) and net.head.weight.requires_grad
    assert [name for name, _ in net.named_parameters()] == [
        "temperature", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "head.weight", "head.bias"]
    assert [name for name, _ in net.named_buffers()] == [
        "calls", "scratch", "body.2.running_mean", "body.2.running_var", "body.2.num_batches_tracked"]
    assert [name for name, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "body.2", "head"]
    assert "temperature" in dir(net) and "body" in dir(net) and "calls" in dir(net)
    # reassigning a registered name with another kind moves it between the tables
    net.head = nn.Parameter(chainrule.zeros(2))
    assert "head" in net._parameters and "head" not in net._modules


def test_plain_tensor_assigned_to_a_parameter_name_is_refused():
    linear = nn.Linear(2, 3)
    weight = linear.weight
    with pytest.raises(TypeError, match=r"^cannot assign 'torch.FloatTensor' as parameter 'weight' "
                                        r"\(torch.nn.Parameter or None expected\)$"):
        linear.weight = chainrule.zeros(3, 2)
    assert linear.weight is weight


def test_state_dict_round_trip_gives_identical_outputs():
    chainrule.manual_seed(0)
    source = Net()
    source(_x())  # moves the running statistics
    state = source.state_dict()
    assert list(state) == ["temperature", "calls", "body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias",
                           "body.2.running_mean", "body.2.running_var", "body.2.num_batches_tracked",
                           "head.weight", "head.bias"]
    assert all(not t.requires_grad for t in state.values())
    target = Net()
    assert repr(target.load_state_dict(state)) == "<All keys matched successfully>"
    for a, b in zip(source.state_dict().values(), target.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    source.eval()
    target.eval()
    np.testing.assert_array_equal(source(_x()).detach().numpy(), target(_x()).detach().numpy())
    # loading copies: the target's parameters keep their identity and do not share storage
    weight = target.head.weight
    target.load_state_dict(source.state_dict())
    assert target.head.weight is weight
    with chainrule.no_grad():
        source.head.weight.fill_(3.0)
    assert not np.any(target.head.weight.detach().numpy() == 3.0)


def test_strict_load_errors_use_pytorchs_text():
    linear = nn.Linear(2, 3)
    with pytest.raises(RuntimeError) as error:
        linear.load_state_dict({"weight": chainrule.zeros(3, 2)})
    assert str(error.value) == 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
    with pytest.raises(RuntimeError) as error:
        linear.load_state_dict({"weight": chainrule.zeros(3, 3), "bias": chainrule.zeros(3), "x": chainrule.ones(1)})
    assert str(error.value) == (
        'Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) in state_dict: "x". \n\t'
        "size mismatch for weight: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in "
        "current model is torch.Size([3, 2]).")
    result = linear.load_state_dict({"weight": chainrule.zeros(3, 2), "x": chainrule.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["x"]
    assert repr(result) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['x'])"


def test_failed_load_leaves_the_module_unchanged():
    net = Net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    state = {k: chainrule.full(tuple(v.shape), 7.0, dtype=v.dtype) for k, v in net.state_dict().items()}
    state["head.bias"] = chainrule.zeros(5)  # one bad entry
    with pytest.raises(RuntimeError, match="size mismatch for head.bias"):
        net.load_state_dict(state)
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key])


def test_non_persistent_buffers_stay_out_of_the_state_dict():
    net = Net()
    assert "scratch" not in net.state_dict()
    net.register_buffer("scratch", chainrule.ones(3), persistent=True)
    assert "scratch" in net.state_dict()
    net.plain = nn.Buffer(chainrule.ones(2), persistent=False)
    assert "plain" in net._buffers and "plain" not in net.state_dict()
    assert type(net.plain) is chainrule.Tensor


def test_train_eval_reach_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_hooks_run_in_order_and_can_be_removed():
    calls = []
    linear = nn.Linear(2, 2)
    h1 = linear.register_forward_pre_hook(lambda m, args: calls.append("pre1"))
    linear.register_forward_pre_hook(lambda m, args: calls.append("pre0"), prepend=True)
    linear.register_forward_hook(lambda m, args, out: calls.append("post1"))
    linear.register_forward_hook(lambda m, args, out: calls.append("post0"), prepend=True)
    linear(chainrule.ones(1, 2))
    assert calls == ["pre0", "pre1", "post0", "post1"]
    h1.remove()
    calls.clear()
    linear(chainrule.ones(1, 2))
    assert calls == ["pre0", "post0", "post1"]


def test_hook_results_replace_inputs_and_outputs():
    double = nn.Identity()
    double.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    double.register_forward_hook(lambda m, args, out: out + 1)
    np.testing.assert_array_equal(double(chainrule.tensor([1.0, 2.0])).numpy(), [3.0, 5.0])


def test_zero_grad_and_requires_grad():
    net = Net()
    net(_x()).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    grad = net.head.weight.grad
    net.zero_grad(set_to_none=False)
    assert net.head.weight.grad is grad and not grad.numpy().any()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_double_converts_parameters_buffers_and_gradients_in_place():
    net = Net()
    net(_x()).sum().backward()
    weight = net.head.weight
    net.double()
    assert net.head.weight is weight and weight.dtype is chainrule.float64 and weight.grad.dtype is chainrule.float64
    assert net.body[2].num_batches_tracked.dtype is chainrule.int64
    assert net(_x().double()).dtype is chainrule.float64
    with pytest.raises(NotImplementedError):
        net.to("cuda")


def test_deepcopy_and_pickle_copy_the_whole_module():
    net = Net()
    clone = copy.deepcopy(net)
    assert type(clone.head.weight) is nn.Parameter and clone.head.weight is not net.head.weight
    np.testing.assert_array_equal(clone.head.weight.detach().numpy(), net.head.weight.detach().numpy())
    again = pickle.loads(pickle.dumps(net))
    assert list(again.state_dict()) == list(net.state_dict())
    assert again.head.weight.requires_grad


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.named_parameters(remove_duplicate=False))) == 4
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


NESTED_REPR = """Sequential(
  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
  (2): ReLU(inplace=True)
  (3): Sequential(
    (0): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    (1): Flatten(start_dim=1, end_dim=-1)
  )
  (4): ModuleList(
    (0-1): 2 x Linear(in_features=16, out_features=16, bias=True)
  )
  (5): Dropout(p=0.5, inplace=False)
)"""


def test_nested_repr_is_pytorchs():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
                          nn.Sequential(nn.MaxPool2d(2), nn.Flatten()),
                          nn.ModuleList([nn.Linear(16, 16), nn.Linear(16, 16)]), nn.Dropout())
    assert repr(model) == NESTED_REPR


def test_sequential_indexing_and_editing():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    s = nn.Sequential(a, b, c)
    assert s[0] is a and s[-1] is c and len(s) == 3 and list(s) == [a, b, c]
    assert list(s[1:]) == [b, c] and list(s[1:]._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="^index 3 is out of range$"):
        s[3]
    del s[0]
    assert list(s._modules) == ["0", "1"] and s[0] is b
    s.append(a).insert(0, c)
    assert list(s) == [c, b, c, a]
    named = nn.Sequential(OrderedDict([("act", a)]))
    assert named.act is a


def test_module_dict_and_parameter_containers():
    md = nn.ModuleDict({"x": nn.ReLU()})
    md["y"] = nn.Tanh()
    assert list(md) == ["x", "y"] and "y" in md
    pl = nn.ParameterList([chainrule.ones(2)])
    assert isinstance(pl[0], nn.Parameter) and [n for n, _ in pl.named_parameters()] == ["0"]
    pd = nn.ParameterDict({"w": chainrule.ones(2)})
    assert isinstance(pd["w"], nn.Parameter) and [n for n, _ in pd.named_parameters()] == ["w"]


def test_parameter_shares_storage_and_prints_like_pytorch():
    data = chainrule.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    data.add_(1)
    np.testing.assert_array_equal(p.detach().numpy(), [2.0, 3.0])
    assert type(p * 2) is chainrule.Tensor and type(p.detach()) is chainrule.Tensor
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients$"):
        nn.Parameter(chainrule.tensor([1, 2]))
