"""The backward walk: dependency counting over the graph, then gradients flow root to leaves.

The walk is iterative (a 100,000-node chain needs no recursion) and knows no op
and no Tensor: nodes ``apply`` their rules, ``AccumulateGrad`` nodes add into leaves.
"""
from __future__ import annotations

import gc

from ..backend import namespace_of
from . import anomaly_mode as _anomaly
from . import node as _node
from .node import AccumulateGrad


def _discover(roots: list, want_parents: bool) -> tuple[dict, dict]:
    """Count, for every node reachable from ``roots``, the edges that point at it."""
    deps: dict = {}
    parents: dict = {}
    stack = [node for node, _ in roots if node is not None]
    seen = set(stack)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
            if want_parents:
                parents.setdefault(nxt, []).append(node)
    return deps, parents


def _needed(targets: list, parents: dict, run_targets: bool) -> set:
    """Nodes from which a target is reachable (and, for backward(inputs=), the targets)."""
    needed: set = {node for node, _ in targets
                   if run_targets and type(node) is not AccumulateGrad}
    stack = [node for node, _ in targets]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def _add(buffers: dict, node, nr: int, g, owned: bool, create_graph: bool) -> None:
    """Sum ``g`` into ``node``'s buffer, writing in place only into arrays the walk owns."""
    if node._multi:  # one slot per output, summed out of place
        entry = buffers.setdefault(node, [[None] * node.n_outputs, False])
        entry[0][nr] = g if entry[0][nr] is None else entry[0][nr] + g
        return
    entry = buffers.get(node)
    if entry is None:
        buffers[node] = [g, owned]
    elif entry[1] and not create_graph:
        entry[0] += g  # rebinding when the buffer is an immutable NumPy scalar
    else:
        entry[0] = entry[0] + g
        entry[1] = True


def _run_pre_hooks(node, g):
    """Tensor hooks (each may replace its output's gradient), retain_grad, node pre-hooks."""
    hooks = node._hooks
    single = not node._multi
    grads = [g] if single else list(g)
    for nr, hook in list(hooks.tensor_pre) + hooks.retain:
        if grads[nr] is not None:
            result = hook(grads[nr])
            if result is not None:
                grads[nr] = result
    for hook in list(hooks.pre):
        result = hook(tuple(grads))
        if result is not None:
            grads = list(result)
    return grads[0] if single else grads


def _run_post_hooks(node, grads_in: list, g) -> list:
    """Node post-hooks: each sees (grad_inputs, grad_outputs) and may replace grad_inputs."""
    for hook in list(node._hooks.post):
        result = hook(grads_in, tuple(g) if node._multi else (g,))
        if result is not None:
            grads_in = list(result)
    return grads_in


def _propagate(node, g, grads_in: list, buffers: dict, deps: dict, ready: list,
               create_graph: bool) -> None:
    """Send ``node``'s input gradients along its edges; queue nodes that become ready."""
    for (nxt, nr), gi in zip(node.next_functions, grads_in):
        if nxt is None:
            continue
        if gi is not None:
            # a rule's fresh result may be summed into in place; g itself or a view may not
            owned = gi is not g and getattr(gi, "base", None) is None
            if nxt in buffers or nxt._multi:
                _add(buffers, nxt, nr, gi, owned, create_graph)
            else:
                buffers[nxt] = [gi, owned]
        left = deps[nxt] - 1
        deps[nxt] = left
        if not left:
            ready.append(nxt)


def run_backward(roots: list, grads: list, retain_graph: bool, create_graph: bool,
                 targets: list | None = None, grads_owned: bool = False,
                 run_targets: bool = False) -> list | None:
    """Propagate ``grads`` (one per root edge ``(node, output_nr)``) through the graph.

    Without ``targets``, every reachable leaf accumulates into ``.grad``. With
    ``targets`` (edges), only the nodes leading to them run, nothing accumulates,
    and the gradient arriving at each target is returned (None if none arrived);
    ``run_targets`` also runs the targets' own nodes (``backward(inputs=)``).
    """
    # The walk makes no reference cycles, but it allocates and frees many small objects,
    # which makes Python's cyclic collector traverse the (large, live) graph again and
    # again: pausing it cut the 1,000-op chain benchmark from 1.34x to 1.28x torch's time
    # (interleaved runs, median). Refcounting still frees everything; cycles wait until after.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _walk(roots, grads, retain_graph, create_graph, targets, grads_owned, run_targets)
    finally:
        if paused:
            gc.enable()


def _walk(roots: list, grads: list, retain_graph: bool, create_graph: bool, targets: list | None,
          grads_owned: bool, run_targets: bool) -> list | None:
    """run_backward's walk (the collector paused)."""
    deps, parents = _discover(roots, targets is not None)
    needed = _needed(targets, parents, run_targets) if targets is not None else None
    target_nodes = {node for node, _ in targets} if targets is not None else ()
    captured: dict = {}
    buffers: dict = {}
    for (node, nr), g in zip(roots, grads):
        if node is not None:
            _add(buffers, node, nr, g, grads_owned, create_graph)
    ready = [node for node in buffers if node not in deps]
    xp = _node.diff_namespace if create_graph else namespace_of(grads[0]) if grads else None
    while ready:
        node = ready.pop()
        entry = buffers.pop(node, None)
        if entry is None:
            continue
        g = entry[0]
        if node._hooks is not None:
            g = _run_pre_hooks(node, g)
        if target_nodes and node in target_nodes:
            captured[node] = g
        if type(node) is AccumulateGrad:
            if needed is None:
                node.accumulate(g, entry[1] and g is entry[0], create_graph)
            continue
        if needed is not None and node not in needed:
            continue
        if _anomaly.state.enabled:
            grads_in = _anomaly.run_checked(node, node.apply, g, xp, create_graph)
        else:
            grads_in = node.apply(g, xp, create_graph)
        if node._hooks is not None and node._hooks.post:
            grads_in = _run_post_hooks(node, grads_in, g)
        if not retain_graph:
            node.release()
        _propagate(node, g, grads_in, buffers, deps, ready, create_graph)
    if targets is None:
        return None
    return [_output_grad(captured.get(node), node, nr) for node, nr in targets]


def _output_grad(g, node, nr: int):
    """The captured gradient of output ``nr`` of ``node`` (None if none arrived)."""
    return g[nr] if g is not None and node._multi else g
