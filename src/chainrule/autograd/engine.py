"""The backward walk: dependency counting over the graph, then gradients flow root to leaves.

The walk is iterative (a 100,000-node chain needs no recursion) and knows no op
and no Tensor: nodes ``apply`` their rules, ``AccumulateGrad`` nodes add into leaves.
"""
from __future__ import annotations

import gc
from sys import getrefcount

from numpy import ndarray

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


def _alone(gi, g, mine) -> bool:
    """Whether rule result ``gi`` (an array) is the walk's alone, so that it may be summed into in
    place and kept by a leaf: it owns its memory, views memory nothing else holds, or is or
    views ``mine``, the memory of a g that only this node's one rule sees (False: none)."""
    if gi is g:
        return mine is not False
    if type(gi) is not ndarray:
        return True  # a NumPy scalar: immutable, summed by rebinding
    base = gi.base
    return gi.flags.writeable and (base is None or base is mine or getrefcount(base) == 3)


def _add(buffers: dict, owned: set, node, nr: int, g, g_owned: bool, create_graph: bool) -> None:
    """Sum ``g`` into ``node``'s buffer, writing in place only into arrays the walk owns.

    ``owned`` holds the nodes whose buffer is an array the walk made itself (a sum, or
    a rule's fresh result bound for a leaf): only those are summed into in place, and a
    leaf adopts its gradient without a copy only from them.
    """
    if node._multi:  # one slot per output, summed out of place
        slots = buffers.get(node)
        if slots is None:
            slots = buffers[node] = [None] * node.n_outputs
        slots[nr] = g if slots[nr] is None else slots[nr] + g
        return
    old = buffers.get(node)
    if old is None:
        buffers[node] = g
        if g_owned:
            owned.add(node)
    elif node in owned and not create_graph:
        old += g  # rebinds when the buffer is an immutable NumPy scalar
        buffers[node] = old
    else:
        buffers[node] = old + g
        owned.add(node)


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
    buffers: dict = {}
    owned: set = set()
    for (node, nr), g in zip(roots, grads):
        if node is not None:
            _add(buffers, owned, node, nr, g, grads_owned, create_graph)
    ready = [node for node in buffers if node not in deps]
    xp = _node.diff_namespace if create_graph else namespace_of(grads[0]) if grads else None
    walk = (buffers, owned, deps, ready, xp, retain_graph, create_graph)
    if targets is None and not create_graph and not _anomaly.state.enabled:
        _drain(*walk)
        return None
    needed = _needed(targets, parents, run_targets) if targets is not None else None
    target_nodes = {node for node, _ in targets} if targets is not None else ()
    captured: dict = {}
    while ready:
        node = ready.pop()
        if node not in buffers:
            continue
        g = given = buffers.pop(node)
        if node._hooks is not None:
            g = _run_pre_hooks(node, g)
        if target_nodes and node in target_nodes:
            captured[node] = g
        if type(node) is AccumulateGrad:
            if needed is None:
                node.accumulate(g, g is given and node in owned, create_graph)
        elif needed is None or node in needed:
            _step(node, g, *walk)
    if targets is None:
        return None
    return [_output_grad(captured.get(node), node, nr) for node, nr in targets]


def _drain(buffers: dict, owned: set, deps: dict, ready: list, xp, retain_graph: bool,
           create_graph: bool) -> None:
    """The walk of a plain ``backward()``: a plain node's rules send straight along its edges.

    A gradient the walk alone holds (``_alone``: its own memory, a view of memory nothing else
    holds such as ``(g.T @ x).T`` or a bias's summed-down gradient, or t()'s ``g.T`` of an owned
    g) is kept by its leaf without a copy (three weight and three bias copies were 6% of a
    784-512-512-10 MLP step).

    _step does the same for every node; inlining it here (no per-node list of gradients, no
    call per node) cut the backward of the 1,000-op chain from 28.2k to 20.7k instructions per op (callgrind).
    """
    pop, push = ready.pop, ready.append
    while ready:
        node = pop()
        g = given = buffers.pop(node)
        if node._hooks is not None:
            g = _run_pre_hooks(node, g)
        if type(node) is AccumulateGrad:
            node.accumulate(g, g is given and node in owned, False)
            continue
        if node._hooks is not None or not node._fast:  # post-hooks, several outputs, joint rules
            _step(node, g, buffers, owned, deps, ready, xp, retain_graph, False)
            continue
        rules, shapes, dtypes, edges = node.prim.rules, node._shapes, node._dtypes, node.next_functions
        needs = node._needs
        # g's memory, if g is the walk's alone and only this node's one rule may view it
        mine = (g.base if g.base is not None else g) if node in owned and len(needs) == 1 else False
        for i in needs:
            rule, getters = rules[i]
            gi = (rule(g) if not getters else rule(g, getters[0](node, g, xp, False)) if len(getters) == 1
                  else rule(g, *[get(node, g, xp, False) for get in getters]))
            nxt, nr = edges[i]
            if gi is not None:
                if gi.shape != shapes[i] or gi.dtype != dtypes[i]:
                    gi = node._fit(gi, i, xp, False)
                if nxt in buffers or nxt._multi:
                    _add(buffers, owned, nxt, nr, gi, False, False)
                else:
                    buffers[nxt] = gi
                    if _alone(gi, g, mine):
                        owned.add(nxt)
            left = deps[nxt] - 1
            deps[nxt] = left
            if not left:
                push(nxt)
        if not retain_graph:
            node.release()


def _step(node, g, buffers: dict, owned: set, deps: dict, ready: list, xp, retain_graph: bool,
          create_graph: bool) -> None:
    """Apply one node (anomaly checks, post-hooks), release it, send its gradients on."""
    if _anomaly.state.enabled:
        grads_in = _anomaly.run_checked(node, node.apply, g, xp, create_graph)
    else:
        grads_in = node.apply(g, xp, create_graph)
    if node._hooks is not None and node._hooks.post:
        grads_in = _run_post_hooks(node, grads_in, g)
    if not retain_graph:
        node.release()
    for (nxt, nr), gi in zip(node.next_functions, grads_in):
        if nxt is None:
            continue
        if gi is not None:  # (hooks may hold g here: it is never the walk's alone)
            _add(buffers, owned, nxt, nr, gi, not create_graph and _alone(gi, g, False), create_graph)
        left = deps[nxt] - 1
        deps[nxt] = left
        if not left:
            ready.append(nxt)


def _output_grad(g, node, nr: int):
    """The captured gradient of output ``nr`` of ``node`` (None if none arrived)."""
    return g[nr] if g is not None and node._multi else g
