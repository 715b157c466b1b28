"""``@primitive`` and ``.defvjp``: where every differentiable op declares forward and rules.

A primitive's forward is ``fn(xp, *inputs, **attrs)``: positional parameters after
``xp`` are the (tensor) inputs, keyword-only ones are attributes. A rule's
parameters are filled by name: ``g``, ``out``, an input name, ``<input>_shape``,
an attribute name, or ``xp``. Signatures are read once, here, at import; an unknown
name fails at once. What the rules of the inputs that require grad name is exactly
what a node saves.

Forward mode (``.defjvp``) is declared in the same block: explicit tangent rules
(first parameter ``t``, the input's tangent; the others filled by name as above), or
one of the kinds that follow from the op's shape of dependence:
``"elementwise"`` (J is diagonal, so the reverse rules applied to a tangent are the
JVP), ``"linear"`` (J v is the op itself applied to the tangents), ``"affine"`` (as
linear, with the constant attributes given to ``defjvp`` set to zero: ``masked_fill``'s
value), ``"bilinear"`` (J (u, v) = op(u, b) + op(a, v)), and ``"transpose"`` (J v
taken from the reverse rules: J v = d<J^T u, v>/du; for ops such as matrix
decompositions whose direct JVP has no simpler form here).
"""
from __future__ import annotations

import inspect
from typing import Callable

from ..autograd import node as _node

#: Every primitive, by name; checked for rules at import (``check_registry``).
REGISTRY: dict[str, "Primitive"] = {}

_DTYPE_RULES = (None, "promote", "float")


class Primitive:
    """One differentiable (or explicitly non-differentiable) array operation."""

    __slots__ = ("name", "fn", "grad_fn_name", "inputs", "attrs", "rules", "joint", "formulas",
                 "differentiable", "view", "dtype_rule", "multi_output", "variadic", "node_cls",
                 "saved_attrs", "_plans", "jvp", "vjp_params", "defaults")

    def __init__(self, fn: Callable, grad_fn: str | None, differentiable: bool, view: bool,
                 dtype: str | None, multi_output: bool = False) -> None:
        params = list(inspect.signature(fn).parameters.values())
        if not params or params[0].name != "xp":
            raise TypeError(f"primitive {fn.__name__}: first parameter must be 'xp'")
        if dtype not in _DTYPE_RULES:
            raise ValueError(f"primitive {fn.__name__}: unknown dtype rule {dtype!r}")
        self.name = fn.__name__
        self.fn = fn
        self.grad_fn_name = grad_fn
        self.inputs = tuple(p.name for p in params[1:]
                            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL))
        self.variadic = any(p.kind == p.VAR_POSITIONAL for p in params)  # e.g. cat(*xs)
        self.attrs = tuple(p.name for p in params[1:] if p.kind == p.KEYWORD_ONLY)
        # an attribute with a default may be left out of a call's attrs (no **attrs on the hot path)
        self.defaults = {p.name: p.default for p in params[1:]
                         if p.kind == p.KEYWORD_ONLY and p.default is not p.empty}
        self.rules: list = [None] * len(self.inputs)
        self.joint = None  # (rule, getters): one rule returning every input's gradient
        self.formulas: dict[str, str] = {}
        self.differentiable = differentiable
        self.view = view
        self.dtype_rule = dtype
        self.multi_output = multi_output  # forward returns a tuple; rules get g as a list
        self.saved_attrs: tuple = ()  # attributes that are tensors in PyTorch (freed after use)
        # the node class is named as PyTorch names it: type(y.grad_fn).__name__ == "MulBackward0"
        base = _node.MultiNode if multi_output else _node.Node
        self.node_cls = type((grad_fn or self.name).rpartition("::")[2], (base,),
                             {"__slots__": (), "__module__": "chainrule.autograd.node"})
        self._plans: dict = {}
        self.jvp = None  # (kind, rules): how tangents flow forward (see defjvp)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def defvjp(self, **rules: Callable) -> "Primitive":
        """Declare the vector-Jacobian product of each input, by input name.

        A rule's first parameter is the incoming gradient ``g``; the others are
        filled by name (see the module docstring).
        """
        joint = rules.pop("joint", None)
        if joint is not None:
            self.joint = (joint, self._getters("joint", joint))
            self.node_cls._fast = False  # one rule for all inputs: the engine calls Node.apply
        elif self.variadic:
            raise TypeError(f"{self.name}.defvjp: a variadic primitive declares one joint= rule")
        for input_name, rule in rules.items():
            if input_name not in self.inputs:
                raise TypeError(f"{self.name}.defvjp: no input named {input_name!r}")
            self.rules[self.inputs.index(input_name)] = (rule, self._getters(input_name, rule))
        self._plans.clear()
        return self

    def defformula(self, **formulas: str) -> "Primitive":
        """Declare, by input name, a printable formula of each input's local derivative.

        For an elementwise op it is d out / d input in the forward's own names (inputs,
        attributes, ``out``), e.g. ``mul.defformula(x="y", y="x")``; for an op whose
        Jacobian is not diagonal it is the vector-Jacobian product and names the incoming
        gradient ``g`` (``mm.defformula(x="g @ y.T", ...)``). ``chainrule.viz.explain``
        prints them; they are never evaluated.
        """
        for input_name, text in formulas.items():
            if input_name not in self.inputs:
                raise TypeError(f"{self.name}.defformula: no input named {input_name!r}")
            if not isinstance(text, str) or not text:
                raise TypeError(f"{self.name}.defformula: the formula for {input_name!r} must be "
                                "a non-empty string")
        self.formulas.update(formulas)
        return self

    def defjvp(self, kind: str | None = None, **rules: Callable) -> "Primitive":
        """Declare how tangents flow forward (forward-mode AD), next to the reverse rules.

        ``kind`` is ``"elementwise"``, ``"linear"`` or ``"bilinear"`` (see the module
        docstring); otherwise each keyword names an input and gives its rule
        ``t -> contribution`` (the output's tangent is the sum of the contributions), or
        ``joint=`` gives one rule taking the list of tangents (zeros for inputs without
        one) and returning the output's tangent. A multi-output primitive's rules return
        one tangent per output (None for outputs without one).
        """
        if kind == "affine":
            self.jvp = ("affine", rules)  # the constant attributes, with their zero
            return self
        if kind is not None:
            if rules or kind not in ("elementwise", "linear", "bilinear", "transpose"):
                raise TypeError(f"{self.name}.defjvp: unknown kind {kind!r}")
            if kind == "elementwise":
                if self.joint is not None or self.multi_output:
                    raise TypeError(f"{self.name}.defjvp: an elementwise JVP reuses per-input "
                                    "reverse rules")
                rules = {name: rule[0] for name, rule in zip(self.inputs, self.rules) if rule}
                self.jvp = ("rules", self._jvp_rules(rules))
            elif kind == "transpose":
                self.jvp = (kind, None)
                self.vjp_params = {i: self._jvp_params(self.inputs[i], rule[0])
                                   for i, rule in enumerate(self.rules) if rule}
                if self.joint is not None:
                    self.vjp_params["joint"] = self._jvp_params("joint", self.joint[0])
            else:
                self.jvp = (kind, None)
            return self
        joint = rules.pop("joint", None)
        if joint is not None:
            self.jvp = ("joint", (joint, self._jvp_params("joint", joint)))
        else:
            self.jvp = ("rules", self._jvp_rules(rules))
        return self

    def _jvp_rules(self, rules: dict) -> dict:
        """{input index: (rule, parameter names after the tangent)}, checked by name."""
        out = {}
        for input_name, rule in rules.items():
            if input_name not in self.inputs:
                raise TypeError(f"{self.name}.defjvp: no input named {input_name!r}")
            out[self.inputs.index(input_name)] = (rule, self._jvp_params(input_name, rule))
        return out

    def _jvp_params(self, input_name: str, rule: Callable) -> tuple:
        """A tangent rule's parameter names after the first, each checked like a vjp rule's."""
        params = list(inspect.signature(rule).parameters)[1:]
        for p in params:
            if p != "out" or not self.multi_output:
                self._getter(input_name, p)  # raises on an unknown name
        return tuple(params)

    def _fill(self, names: tuple, inputs: tuple, attrs: dict, out, xp) -> list:
        """The values of a tangent rule's parameters on one forward call."""
        values = []
        for p in names:
            if p == "out":
                values.append(out)
            elif p == "xp":
                values.append(xp)
            elif p in self.inputs:
                values.append(inputs[self.inputs.index(p)])
            elif p.endswith("_shape") and p[:-6] in self.inputs:
                values.append(tuple(getattr(inputs[self.inputs.index(p[:-6])], "shape", ())))
            else:
                values.append(attrs[p] if p in attrs else self.defaults[p])
        return values

    def tangent(self, inputs: tuple, tangents: list, attrs: dict, out, xp, call: Callable,
                zeros_like: Callable, transpose: Callable):
        """The output tangent(s) of one forward call, from the inputs' ``tangents``.

        ``tangents[i]`` is None where input ``i`` carries none; ``call(prim, inputs,
        attrs)`` runs a primitive (recording its graph), ``zeros_like`` makes the
        zero tangent of a floating input and ``transpose(prim, inputs, tangents, attrs,
        out)`` takes J v from the reverse rules.
        """
        if self.jvp is None:
            raise NotImplementedError(f"Trying to use forward AD with {self.name} that does not "
                                      "support it because it has not been implemented yet.")
        kind, rules = self.jvp
        if kind == "transpose":
            return transpose(self, inputs, tangents, attrs, out)
        if kind in ("linear", "affine"):  # zeros stand in for inputs without a tangent
            args = [t if t is not None else zeros_like(a) if hasattr(a, "shape") else a
                    for a, t in zip(inputs, tangents)]
            return call(self, tuple(args), {**attrs, **rules} if rules else attrs)
        if kind == "bilinear":
            total = None
            for i, t in enumerate(tangents):
                if t is not None:
                    args = list(inputs)
                    args[i] = t
                    total = _plus(total, call(self, tuple(args), attrs))
            return total
        if kind == "joint":
            rule, names = rules
            full = [t if t is not None else zeros_like(a) if _is_float_tensor(a) else None
                    for a, t in zip(inputs, tangents)]
            return rule(full, *self._fill(names, inputs, attrs, out, xp))
        total = None
        for i, t in enumerate(tangents):
            if t is None:
                continue
            if i not in rules:
                raise NotImplementedError(
                    f"Trying to use forward AD with {self.name} that does not support it because "
                    f"it has not been implemented yet (input {self.inputs[i]!r}).")
            rule, names = rules[i]
            total = _plus(total, rule(t, *self._fill(names, inputs, attrs, out, xp)))
        return total

    def _getters(self, input_name: str, rule: Callable) -> tuple:
        """Accessors for the rule's parameters after its leading ``g``."""
        params = list(inspect.signature(rule).parameters)
        if not params or params[0] != "g":
            raise TypeError(f"{self.name}.defvjp: the rule for {input_name!r} must take the "
                            "gradient 'g' first")
        return tuple(self._getter(input_name, p) for p in params[1:])

    def _getter(self, input_name: str, param: str) -> Callable:
        """The accessor that fills rule parameter ``param`` from a node."""
        if param == "out":
            if self.multi_output:
                raise TypeError(f"{self.name}.defvjp: a multi-output primitive's rules cannot "
                                "name 'out'")
            return _node.get_out
        if param == "xp":
            return _node.get_xp
        if param in self.inputs and not self.variadic:
            return _node.getter_input(self.inputs.index(param))
        if param.endswith("_shape") and param[:-6] in self.inputs:
            return _node.getter_shape(self.inputs.index(param[:-6]))
        if param in self.attrs:
            if param in self.saved_attrs:
                return _node.getter_saved_attr(param)
            return _node.getter_attr(param, self.defaults.get(param, _node.REQUIRED))
        raise TypeError(f"{self.name}.defvjp: rule for {input_name!r} names unknown "
                        f"parameter {param!r}")

    def plan(self, needs: tuple) -> tuple[tuple, bool]:
        """(indices of inputs to save, whether to save the output) when ``needs`` require grad."""
        plan = self._plans.get(needs)
        if plan is None:
            saved: set = set()
            save_out = False
            for i in needs:
                rule = self.joint or self.rules[i]
                if rule is None:
                    raise RuntimeError(f"the derivative for '{self.name}' with respect to "
                                       f"'{self.inputs[i]}' is not implemented.")
                for get in rule[1]:
                    if get is _node.get_out:
                        save_out = True
                    elif getattr(get, "input_index", None) is not None:
                        saved.add(get.input_index)
            plan = self._plans[needs] = (tuple(sorted(saved)), save_out)
        return plan


def _is_float_tensor(a) -> bool:
    """True for a Tensor (or array) of a floating dtype (a number or an index is not)."""
    dtype = getattr(a, "dtype", None)
    return dtype is not None and getattr(dtype, "is_floating_point", False)


def _plus(total, contribution):
    """Sum of tangent contributions (tuples of per-output tangents add elementwise)."""
    if total is None:
        return contribution
    if isinstance(total, (tuple, list)):
        return tuple(a if b is None else b if a is None else a + b
                     for a, b in zip(total, contribution))
    return total + contribution


def primitive(grad_fn: str | None = None, *, differentiable: bool = True, view: bool = False,
              dtype: str | None = "promote", multi_output: bool = False,
              saved_attrs: tuple = ()) -> Callable[[Callable], Primitive]:
    """Register ``fn(xp, *inputs, **attrs)`` as a primitive whose node is named ``grad_fn``.

    ``dtype`` says how input dtypes combine before the forward runs: ``"promote"``
    (PyTorch's result type), ``"float"`` (result type, integers to the default
    float), or ``None`` (the caller has already settled dtypes). A ``multi_output``
    forward returns a tuple of arrays; its rules get ``g`` as a list with one
    gradient per output (zeros where an output got none). ``saved_attrs`` names
    attributes that PyTorch saves as tensors (index arrays): like saved tensors, they
    are freed after backward.
    """
    def register(fn: Callable) -> Primitive:
        prim = Primitive(fn, grad_fn, differentiable, view, dtype, multi_output)
        prim.saved_attrs = tuple(saved_attrs)
        if prim.name in REGISTRY:
            raise ValueError(f"primitive {prim.name!r} registered twice")
        REGISTRY[prim.name] = prim
        return prim
    return register


def check_registry() -> None:
    """Fail fast if a differentiable primitive lacks a rule for a floating input."""
    for prim in REGISTRY.values():
        if prim.differentiable and prim.joint is None and all(r is None for r in prim.rules):
            raise TypeError(f"primitive {prim.name!r} is differentiable but has no rule")
