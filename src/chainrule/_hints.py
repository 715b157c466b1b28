"""Hints that name the fix for autograd's common mistakes.

PyTorch's exception type and message stay exactly as they are (users and tests compare
them); the hint is attached as an exception note (``err.add_note``, Python 3.11+), which
tracebacks print below the message and ``str(err)`` leaves out. Each hint names the
user's source line: the innermost frame outside the chainrule package.

Nothing here runs per op on the grad-enabled path. Two cheap records feed later hints:
tensors made under ``no_grad`` from inputs that require grad (and ``detach()`` results),
and the line where a leaf's ``.grad`` was read with grad enabled (the ``w = w - w.grad``
pattern that turns a parameter into a non-leaf).
"""
from __future__ import annotations

import linecache
import os
import sys
import weakref

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep

INPLACE_FIX = "with chainrule.no_grad(): w -= lr * w.grad"


# -- where the user is --------------------------------------------------------------------
def _is_user(frame) -> bool:
    return not frame.f_code.co_filename.startswith(_PKG)


def user_frame():
    """The innermost frame outside the chainrule package (None if there is none)."""
    frame = sys._getframe(1)
    while frame is not None and not _is_user(frame):
        frame = frame.f_back
    return frame


def user_site() -> tuple[str, int] | None:
    """``(filename, lineno)`` of the user's current line."""
    frame = user_frame()
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def describe(site: tuple[str, int] | None) -> str:
    """``file:line: source`` for a recorded site (the source only when it can be read)."""
    if site is None:
        return "<unknown line>"
    filename, lineno = site
    source = linecache.getline(filename, lineno).strip()
    return f"{filename}:{lineno}: {source}" if source else f"{filename}:{lineno}"


def noted(err: BaseException, text: str) -> BaseException:
    """``err`` with ``text`` added as a note (a no-op before Python 3.11)."""
    if hasattr(err, "add_note"):
        err.add_note(text)
    return err


# -- records, keyed by object id and dropped with the object -------------------------------
class _Registry:
    """``id(obj) -> info`` for live objects (a weakref callback drops the entry)."""

    def __init__(self) -> None:
        self._items: dict = {}

    def put(self, obj, info) -> None:
        key = id(obj)
        self._items[key] = (weakref.ref(obj, lambda _, k=key: self._items.pop(k, None)), info)

    def get(self, obj):
        entry = self._items.get(id(obj))
        return entry[1] if entry is not None and entry[0]() is obj else None


class _OnTensor:
    """A record kept on the tensor itself (its ``_cut`` slot): it dies with the tensor, and
    writing it costs a setattr, not a weakref with a callback (which doubled the time of a
    no_grad op on parameters: 2.0 -> 4.4 us, measured)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def put(self, t, info) -> None:
        t._cut = (self.kind, info)

    def get(self, t):
        cut = getattr(t, "_cut", None)
        return cut[1] if cut is not None and cut[0] == self.kind else None


#: tensors made under no_grad from inputs that required grad -> the user's site
made_under_no_grad = _OnTensor("no_grad")
#: tensors returned by detach() -> the user's site
detached = _OnTensor("detach")
#: a leaf's AccumulateGrad -> the site where the leaf's .grad was last read with grad enabled
grad_read = _Registry()


def _caller_site(depth: int = 2) -> tuple[str, int]:
    """The user's ``(filename, lineno)``: the first frame outside chainrule from ``depth``
    frames up (0 is this function). Starting at the usual depth of the user's frame, not
    walking every frame, matters: Python builds each frame object it is asked to walk (+1.5 us
    per op, measured, for the no_grad records), and an ``_is_user`` call per frame cost more."""
    frame = sys._getframe(depth)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PKG):
        frame = frame.f_back
    return frame.f_code.co_filename, frame.f_lineno


def note_no_grad_result(t) -> None:
    """Record that ``t`` was made under no_grad from inputs that require grad (runs for every
    such op: evaluation, parameter updates; this <- note <- call <- operator <- user)."""
    made_under_no_grad.put(t, _caller_site(4))


def note_detach(t) -> None:
    """Record where ``t`` was made by ``detach()``."""
    detached.put(t, _caller_site())


def note_grad_read(leaf) -> None:
    """Record a user's read of a leaf's ``.grad`` with grad enabled (not chainrule's own)."""
    frame = sys._getframe(2)
    if leaf._accum is not None and _is_user(frame):
        grad_read.put(leaf._accum, (frame.f_code.co_filename, frame.f_lineno))


def origin_of(t) -> str | None:
    """Why ``t`` (a tensor that does not require grad) has no history, if known."""
    if t._dtype.category != 2:  # not floating point (see _dtype: bool 0, int 1, float 2)
        return (f"it has an integer dtype ({t._dtype}); only floating point tensors can "
                "require gradients")
    site = made_under_no_grad.get(t)
    if site is not None:
        return ("it was created under no_grad from tensors that required grad, at "
                f"{describe(site)}")
    site = detached.get(t)
    if site is not None:
        return f"it was made by .detach() at {describe(site)}"
    return None


def non_leaf_origin(t) -> str | None:
    """The line that turned a parameter into this non-leaf, if one is on record.

    The first leaves of ``t``'s history are searched (breadth first, a few levels) for
    one whose ``.grad`` was read with grad enabled: ``w = w - w.grad`` records an op.
    """
    frontier, seen = [t._grad_fn], set()
    for _ in range(4):
        nxt = []
        for node in frontier:
            for fn, _nr in getattr(node, "next_functions", ()):
                if fn is None or id(fn) in seen:
                    continue
                seen.add(id(fn))
                site = grad_read.get(fn)
                if site is not None:
                    return describe(site)
                nxt.append(fn)
        frontier = nxt
    return None


# -- the hints -----------------------------------------------------------------------------
def leaf_inplace(err: BaseException) -> BaseException:
    """The in-place-on-a-leaf error, with the fix and the user's line."""
    return noted(err, f"Hint: at {describe(user_site())}\n  update a parameter outside the "
                      f"graph, in place: `{INPLACE_FIX}`")


def non_leaf_grad_warning(message: str, t) -> UserWarning:
    """The non-leaf ``.grad`` warning: PyTorch's message as its first line, then (Python prints
    no notes on warnings) a hint naming the line that made the tensor a non-leaf."""
    origin = non_leaf_origin(t)
    if origin is None:
        return UserWarning(message)
    return UserWarning(f"{message}\nHint: this tensor is not the leaf it replaced: {origin}\n  "
                       "computed it from the leaf with grad enabled, which records an op; update "
                       f"the leaf in place instead: `{INPLACE_FIX}`")


def no_grad_root(err: BaseException, t) -> BaseException:
    """Backward of a tensor that does not require grad: say where its graph was cut."""
    lines = [f"Hint: backward called at {describe(user_site())}"]
    why = origin_of(t)
    if why is not None:
        lines.append(f"  the tensor has no graph because {why}")
    else:
        lines.append("  none of the tensors it was computed from required grad")
    lines.extend(_suspects(user_frame(), t))
    lines.append("  keep parameters as leaves with requires_grad=True; update them in place "
                 f"(`{INPLACE_FIX}`), not by reassignment inside no_grad")
    return noted(err, "\n".join(lines))


def _suspects(frame, root) -> list[str]:
    """Variables in the user's frame whose lost history explains a cut graph."""
    if frame is None:
        return []
    found, leaves = [], []
    names = dict(frame.f_globals)
    names.update(frame.f_locals)
    for name, value in names.items():
        if value is root or not hasattr(value, "_grad_fn") or not hasattr(value, "_dtype"):
            continue
        if value._requires_grad:
            if value._grad_fn is None:
                leaves.append(f"`{name}`")
            continue
        why = origin_of(value) if value._dtype.category == 2 else None
        if why is not None:
            found.append(f"  `{name}` does not require grad: {why}")
    if leaves:
        found.append(f"  {', '.join(leaves[:3])} require(s) grad, but the tensor was not computed "
                     "from it with grad enabled")
    return found[:6]


def freed_graph(err: BaseException) -> BaseException:
    """Backward through a freed graph: name the call and the fix."""
    return noted(err, f"Hint: backward called at {describe(user_site())}\n  the first "
                      "backward freed this graph; call it as .backward(retain_graph=True) if "
                      "you backward through the graph again, or recompute the forward pass")


def modified_saved(err: BaseException) -> BaseException:
    """A saved tensor changed in place before backward: how to find the write."""
    return noted(err, f"Hint: backward called at {describe(user_site())}\n  a tensor saved "
                      "for backward was modified in place after it was used; clone() it before "
                      "the in-place op, or run the forward under "
                      "chainrule.autograd.strict_saved() to raise at the in-place line")


def backward_error(err: RuntimeError) -> None:
    """Add the matching hint to an error raised while walking the graph."""
    text = str(err)
    if text.startswith("Trying to backward through the graph a second time"):
        freed_graph(err)
    elif text.startswith("one of the variables needed for gradient computation"):
        modified_saved(err)
