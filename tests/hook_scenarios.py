"""Hook scenarios run against a torch-like module; each returns a log of what ran, in order."""
from __future__ import annotations

from types import ModuleType


def order_and_replacement(torch: ModuleType) -> list:
    """Tensor hooks, node pre/post hooks and post-accumulate hooks: order, values, removal."""
    log: list = []
    x = torch.tensor([1., 2.], requires_grad=True)
    handle = x.register_hook(lambda g: log.append(("x", g.tolist())) or g * 2)
    y = x * 3
    y.register_hook(lambda g: log.append(("y", g.tolist())))
    y.grad_fn.register_prehook(lambda go: log.append(("pre", [t.tolist() for t in go])))
    y.grad_fn.register_hook(
        lambda gi, go: log.append(("post", [None if t is None else t.tolist() for t in gi])))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("acc", t.grad.tolist())))
    z = (y * y).sum()
    z.backward(retain_graph=True)
    log.append(("grad", x.grad.tolist()))
    handle.remove()
    x.grad = None
    z.backward()
    log.append(("grad", x.grad.tolist()))
    return log


def hook_replaces_nonleaf_grad(torch: ModuleType) -> list:
    """A hook's returned tensor replaces the gradient flowing on; retain_grad sees it."""
    x = torch.tensor(3.0, requires_grad=True)
    y = x ** 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.backward()
    return [y.grad.item(), x.grad.item()]


def node_prehook_replaces(torch: ModuleType) -> list:
    """A node pre-hook that returns new grad_outputs changes what the node sees."""
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    y.grad_fn.register_prehook(lambda go: (go[0] * 0 + 1,))
    (y * 5).sum().backward()
    return [round(v, 5) for v in x.grad.tolist()]


SCENARIOS = [order_and_replacement, hook_replaces_nonleaf_grad, node_prehook_replaces]


def saved_tensor_hooks(torch: ModuleType) -> list:
    """Every saved tensor goes through pack when saved and unpack when backward needs it."""
    log: list = []

    def pack(t):
        log.append(("pack", tuple(t.shape)))
        return t.detach() * 1

    def unpack(t):
        log.append(("unpack", tuple(t.shape)))
        return t
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = (x * x).exp()
    y.sum().backward()
    return log + [[round(v, 3) for v in x.grad.tolist()]]


SCENARIOS.append(saved_tensor_hooks)
