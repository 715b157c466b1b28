"""Custom autograd.Function scenarios run against a torch-like module; each returns a log."""
from __future__ import annotations

from types import ModuleType


def _exp(torch: ModuleType):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r
    return Exp


def saved_tensors_and_double_backward(torch: ModuleType) -> list:
    """save_for_backward, the node's names, and a second derivative through backward."""
    exp = _exp(torch)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = exp.apply(x)
    log = [repr(y), type(y.grad_fn).__name__, y.grad_fn.name(), y.grad_fn.needs_input_grad,
           [type(n).__name__ for n, _ in y.grad_fn.next_functions]]
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    log.append([round(v, 4) for v in torch.autograd.grad(g.sum(), x)[0].tolist()])
    y = exp.apply(x)
    y.sum().backward()
    try:
        y.grad_fn.saved_tensors
    except RuntimeError as err:
        log.append(str(err)[:40])
    return log


def wrong_gradients(torch: ModuleType) -> list:
    """PyTorch's errors for a wrong number or shape of gradients."""
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return torch.ones(3)
    x = torch.ones(2, requires_grad=True)
    log = []
    for fn in (lambda: Two.apply(x, 2), lambda: BadShape.apply(x)):
        try:
            fn().sum().backward()
        except RuntimeError as err:
            log.append(str(err))
    return log


def outputs_and_setup_context(torch: ModuleType) -> list:
    """Multiple outputs (one unused), an input returned as is, setup_context, no_grad."""
    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, a, b):
            return a + b

    class Same(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p, _ = Two.apply(x)
    p.sum().backward()
    log = [x.grad.tolist()]
    z = Same.apply(x)
    log.append([z is x, z.grad_fn.name()])
    x.grad = None
    Scale.apply(x, 3.0).sum().backward()
    log.append(x.grad.tolist())
    with torch.no_grad():
        log.append(_exp(torch).apply(x).requires_grad)
    return log


SCENARIOS = [saved_tensors_and_double_backward, wrong_gradients, outputs_and_setup_context]
