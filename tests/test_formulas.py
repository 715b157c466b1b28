"""Every differentiable primitive declares a printable local-derivative formula per input."""
import pytest

import chainrule  # noqa: F401  (loads every primitive)
from chainrule.primitives._primitive import REGISTRY, primitive


def _differentiable_inputs(prim):
    """The inputs a gradient can flow to: those with a rule (all of them for a joint rule)."""
    if prim.joint is not None:
        return list(prim.inputs)
    return [name for name, rule in zip(prim.inputs, prim.rules) if rule is not None]


def test_every_differentiable_primitive_has_formulas():
    missing = [f"{p.name}.{name}" for p in REGISTRY.values() if p.differentiable
               for name in _differentiable_inputs(p) if not p.formulas.get(name)]
    assert not missing, f"primitives without a formula: {missing}"
    assert sum(p.differentiable for p in REGISTRY.values()) > 200


def test_formulas_name_only_inputs():
    for prim in REGISTRY.values():
        assert set(prim.formulas) <= set(prim.inputs), prim.name


def test_core_formulas():
    assert REGISTRY["mul"].formulas == {"x": "y", "y": "x"}
    assert REGISTRY["pow_scalar"].formulas["x"] == "exponent * x**(exponent - 1)"
    assert REGISTRY["sin"].formulas["x"] == "cos(x)"


def test_defformula_rejects_unknown_input_and_non_strings():
    @primitive("TestFormulaBackward0")
    def _test_formula_prim(xp, x):
        return x
    try:
        with pytest.raises(TypeError, match="no input named 'y'"):
            _test_formula_prim.defformula(y="1")
        with pytest.raises(TypeError, match="non-empty string"):
            _test_formula_prim.defformula(x="")
        assert _test_formula_prim.defformula(x="1") is _test_formula_prim
    finally:
        del REGISTRY["_test_formula_prim"]
