"""chainrule.viz: DOT source, text tree, rendering, and derivations checked against autograd."""
import io
import random
import re
import shutil

import numpy as np
import pytest

import chainrule as torch
from chainrule import viz

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")


def _seed_graph():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    a = x**2
    b = x * y
    c = x + y
    d = a + b
    e = c**2
    f = d + e
    return dict(x=x, y=y, a=a, b=b, c=c, d=d, e=e, f=f)


def _labels(source):
    return dict(re.findall(r'^\s*(\w+) \[.*?label="(.*?)"\];$', source, re.M))


def test_seed_graph_dot_source():
    t = _seed_graph()
    source = viz.draw(t["f"], params=t).source
    labels = _labels(source)
    tensors = {v.split("\\n")[0]: k for k, v in labels.items() if k.startswith("t")}
    assert set(tensors) == set("xyabcdef")
    ops = [v.split("\\n")[0] for k, v in labels.items() if k.startswith("op")]
    assert sorted(ops) == sorted(["PowBackward0", "MulBackward0", "AddBackward0", "AddBackward0",
                                  "PowBackward0", "AddBackward0"])
    assert "value 24" in labels[tensors["f"]] and "leaf, requires_grad" in labels[tensors["x"]]
    assert "non-leaf" in labels[tensors["d"]]
    edges = set(re.findall(r"^\s*(\w+) -> (\w+);$", source, re.M))
    assert len(edges) == 6 + 2 * 4 + 2  # op->result for 6 ops; inputs: 4 binary ops, 2 unary
    mul = next(k for k, v in labels.items() if v.startswith("MulBackward0"))
    assert (tensors["x"], mul) in edges and (tensors["y"], mul) in edges and (mul, tensors["b"]) in edges


def test_grads_and_saved_state_after_backward():
    t = _seed_graph()
    before = viz.draw(t["f"], params=t, show_saved=True).source
    assert "saved: x, y" in before and "freed" not in before and "grad 14" not in before
    t["f"].backward()
    after = viz.draw(t["f"], params=t, show_saved=True).source
    assert "grad 14" in after and "grad 10" in after and "saved: freed" in after


def test_names_from_the_callers_variables():
    x = torch.tensor(3.0, requires_grad=True)
    hidden = torch.sin(x)
    loss = hidden * 2
    text = viz.tree(loss)
    assert text.splitlines()[0].startswith("loss = ")
    assert "hidden = " in text and "x = 3  (leaf, requires_grad)" in text
    assert repr(text) == str(text)


def test_tree_unnamed_intermediates_and_shapes():
    w = torch.ones(3, 4, requires_grad=True)
    out = (torch.ones(4, 3) @ w).sum()
    text = viz.tree(out, params={"w": w, "out": out})
    assert "w = <3x4>  shape (3, 4)  (leaf, requires_grad)" in text
    assert "<- MmBackward0" in text and "a = ?  shape (4, 4)" in text


def test_leaf_and_constant_outputs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert "leaf" in viz.draw(x).source
    assert "requires_grad" not in viz.tree(torch.tensor(1.0))


def test_save_dot_and_bad_suffix(tmp_path):
    t = _seed_graph()
    drawing = viz.draw(t["f"], params=t)
    path = drawing.save(tmp_path / "g.dot")
    assert open(path).read() == drawing.source
    with pytest.raises(ValueError, match="suffix"):
        drawing.save(tmp_path / "g.txt")
    assert repr(drawing) == str(viz.tree(t["f"], params=t))


@needs_dot
def test_render_svg_and_png(tmp_path):
    pytest.importorskip("graphviz")
    t = _seed_graph()
    drawing = viz.draw(t["f"], params=t)
    svg = drawing._repr_svg_()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert "MulBackward0" in svg
    drawing.save(tmp_path / "g.svg")
    drawing.save(tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_graphviz_message(monkeypatch):
    import builtins
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "graphviz":
            raise ImportError("no graphviz")
        return real(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", fake)
    drawing = viz.draw(_seed_graph()["f"])
    with pytest.raises(ImportError, match="pip install graphviz"):
        drawing.pipe("svg")
    assert drawing._repr_svg_() is None


def _explain(out, wrt, params):
    buf = io.StringIO()
    viz.explain(out, wrt, file=buf, params=params)
    return buf.getvalue()


def test_explain_seed_paths():
    t = _seed_graph()
    text = _explain(t["f"], [t["x"], t["y"]], t)
    assert "∂f/∂x: 3 paths" in text and "∂f/∂y: 2 paths" in text
    assert "f <- e <- c <- x:  ∂f/∂e · ∂e/∂c · ∂c/∂x = 1 · 2*c · 1 = 1 · 8 · 1 = 8" in text
    assert "sum = 4 + 2 + 8 = 14" in text and "sum = 2 + 8 = 10" in text
    assert text.count("matches autograd") == 2
    assert t["x"].grad is None  # explain does not touch .grad


def test_explain_needs_the_graph():
    t = _seed_graph()
    t["f"].backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        viz.explain(t["f"], t["x"], file=io.StringIO())


def test_explain_node_by_node_with_broadcasting():
    w = torch.randn(3, 2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    out = torch.tanh(torch.randn(4, 3) @ w + b).sum()
    text = _explain(out, [w, b], {"w": w, "b": b, "out": out})
    assert "Reverse accumulation" in text
    assert "summed over broadcast dims (0,): (4, 2) -> (2,)" in text
    assert text.count("matches autograd") == 2


def test_explain_many_paths_switches_to_accumulation():
    x = torch.tensor(0.5, requires_grad=True)
    h = x
    for _ in range(7):  # 3 paths per level: 3**7
        h = h * h + h
    text = _explain(h, x, {"x": x})
    assert "Reverse accumulation" in text and "2187 path(s)" in text and "matches autograd" in text


def test_explain_independent_input_and_intermediate_wrt():
    x = torch.tensor(1.5, requires_grad=True)
    z = torch.tensor(1.0, requires_grad=True)
    u = torch.exp(x)
    f = u * u
    text = _explain(f, [u, z], {"x": x, "z": z, "u": u, "f": f})
    assert "∂f/∂u: 2 paths" in text and "does not depend on it" in text


_UNARY = ["sin", "cos", "exp", "tanh", "sigmoid"]


def _random_expr(rng, names, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(names) if rng.random() < 0.8 else str(rng.choice([0.5, 1.5, 2.0, 3.0]))
    kind = rng.random()
    if kind < 0.25:
        return f"{rng.choice(_UNARY)}({_random_expr(rng, names, depth - 1)})"
    if kind < 0.35:
        return f"({_random_expr(rng, names, depth - 1)})**{rng.choice([2, 3])}"
    op = rng.choice(["+", "-", "*", "/"])
    left, right = _random_expr(rng, names, depth - 1), _random_expr(rng, names, depth - 1)
    if op == "/":
        right = f"(2 + sigmoid({right}))"  # keep away from zero
    return f"({left} {op} {right})"


@pytest.mark.parametrize("seed", range(40))
def test_path_sums_equal_autograd_on_random_expressions(seed):
    from chainrule.viz._expression import evaluate
    rng = random.Random(seed)
    names = ["x", "y", "z"][: rng.choice([2, 3])]
    text = _random_expr(rng, names, 4)
    values = {n: torch.tensor(rng.uniform(-1.5, 1.5), dtype=torch.float64, requires_grad=True) for n in names}
    try:
        out, _ = evaluate(text, values)
    except ValueError:
        pytest.skip("expression uses no variable")
    out = out + 0 * sum(values.values())  # every input takes part
    report = _explain(out, list(values.values()), values)
    assert "DIFFERS" not in report, text
    sums = [float(s) for s in re.findall(r"sum = .* = (\S+)\n", report)]
    grads = torch.autograd.grad(out, list(values.values()), retain_graph=True)
    np.testing.assert_allclose(sums, [float(g) for g in grads], rtol=1e-5, atol=1e-6)
