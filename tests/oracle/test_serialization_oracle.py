"""``chainrule.save`` / ``chainrule.load`` against the reference safetensors reader and writer.

Files go both ways: torch state dicts written by ``safetensors.torch.save_file`` load with
``chainrule.load``, and chainrule's files load with ``safetensors.torch.load_file``.
"""
from __future__ import annotations

import collections

import numpy as np
import pytest

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")

import chainrule

DTYPE_PAIRS = [(torch.float16, chainrule.float16), (torch.float32, chainrule.float32),
               (torch.float64, chainrule.float64), (torch.int8, chainrule.int8), (torch.int16, chainrule.int16),
               (torch.int32, chainrule.int32), (torch.int64, chainrule.int64), (torch.uint8, chainrule.uint8),
               (torch.bool, chainrule.bool)]


def _torch_tensor(dtype, shape, seed):
    values = torch.tensor(np.random.default_rng(seed).standard_normal(shape) * 50)
    return values > 0 if dtype is torch.bool else values.to(dtype)


def _assert_same(ours: chainrule.Tensor, theirs: torch.Tensor) -> None:
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def _torch_state_dict() -> collections.OrderedDict:
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(8, 3))
    return model.state_dict()


def test_a_torch_model_saved_by_safetensors_loads_in_chainrule(tmp_path) -> None:
    sd = _torch_state_dict()
    path = tmp_path / "model.safetensors"
    safetensors_torch.save_file(sd, str(path))
    ours = chainrule.load(path)
    assert type(ours) is collections.OrderedDict and sorted(ours) == sorted(sd)
    for name, t in sd.items():
        _assert_same(ours[name], t)
    assert ours["1.num_batches_tracked"].shape == () and ours["1.num_batches_tracked"].dtype == chainrule.int64


def test_every_dtype_from_safetensors(tmp_path) -> None:
    tensors = {f"t{i}.{'x' * i}": _torch_tensor(dt, shape, i)
               for i, ((dt, _), shape) in enumerate(zip(DTYPE_PAIRS, [(2, 3), (), (0,), (4,), (1, 2, 2), (3, 0),
                                                                         (5,), (2, 2), (7,)]))}
    path = tmp_path / "all.safetensors"
    safetensors_torch.save_file(tensors, str(path), metadata={"format": "pt"})
    ours = chainrule.load(str(path))
    assert sorted(ours) == sorted(tensors)
    for name, t in tensors.items():
        _assert_same(ours[name], t)


def test_a_chainrule_state_dict_loads_in_safetensors(tmp_path) -> None:
    ours = collections.OrderedDict()
    for i, (tdt, cdt) in enumerate(DTYPE_PAIRS):
        t = _torch_tensor(tdt, [(3, 4), (), (0, 2), (5,)][i % 4], i)
        ours[f"layer{i}.weight"] = chainrule.from_numpy(np.array(t.numpy()))
    ours["strided"] = chainrule.arange(12.0).reshape(3, 4).t()
    path = tmp_path / "ours.safetensors"
    chainrule.save(ours, path)
    theirs = safetensors_torch.load_file(str(path))
    assert sorted(theirs) == sorted(ours)
    for name, t in theirs.items():
        _assert_same(ours[name].contiguous(), t)
    assert safetensors_torch.safe_open(str(path), "pt").metadata()["format"] == "pt"


def test_an_optimizer_state_dict_is_readable_by_safetensors(tmp_path) -> None:
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.ones(1, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    ours = {"state": {k: {n: chainrule.from_numpy(np.array(v.numpy())) for n, v in s.items()}
                      for k, s in sd["state"].items()},
            "param_groups": sd["param_groups"]}
    path = tmp_path / "opt.safetensors"
    chainrule.save(ours, path)
    theirs = safetensors_torch.load_file(str(path))
    assert sorted(theirs) == sorted(f"state.{k}.{n}" for k, s in sd["state"].items() for n in s)
    for k, s in sd["state"].items():
        for n, v in s.items():
            _assert_same(ours["state"][k][n], theirs[f"state.{k}.{n}"])
            assert torch.equal(theirs[f"state.{k}.{n}"], v)
    back = chainrule.load(path)
    assert back["param_groups"] == sd["param_groups"] and list(back["state"]) == list(sd["state"])


def test_chainrule_reads_safetensors_bytes_in_memory() -> None:
    import io
    sd = _torch_state_dict()
    ours = chainrule.load(io.BytesIO(safetensors_torch.save(sd)))
    for name, t in sd.items():
        _assert_same(ours[name], t)


def test_bfloat16_from_safetensors_is_refused_clearly(tmp_path) -> None:
    path = tmp_path / "bf16.safetensors"
    safetensors_torch.save_file({"w": torch.zeros(2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(RuntimeError, match="tensor 'w' has unsupported dtype 'BF16'"):
        chainrule.load(path)


def _net(m):
    """The same small network in either library (eval mode: BatchNorm uses running stats)."""
    return m.nn.Sequential(m.nn.Conv2d(1, 2, 3), m.nn.BatchNorm2d(2), m.nn.ReLU(), m.nn.Flatten(),
                           m.nn.Linear(8, 3)).double().eval()


def test_weights_move_both_ways_and_the_networks_agree(tmp_path) -> None:
    """torch -> safetensors -> chainrule and chainrule -> save -> torch give the same outputs."""
    x = np.random.default_rng(1).standard_normal((4, 1, 4, 4))
    theirs = _net(torch)
    with torch.no_grad():  # non-trivial running statistics
        theirs.train()(torch.tensor(x) * 3 + 1)
        theirs.eval()
    safetensors_torch.save_file(theirs.state_dict(), str(tmp_path / "torch.safetensors"))
    ours = _net(chainrule)
    ours.load_state_dict(chainrule.load(tmp_path / "torch.safetensors"))
    want = theirs(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours(chainrule.tensor(x)).detach().numpy(), want, rtol=1e-12)

    ours2 = _net(chainrule)
    chainrule.save(ours2.state_dict(), tmp_path / "ours.safetensors")
    back = _net(torch)
    back.load_state_dict(safetensors_torch.load_file(str(tmp_path / "ours.safetensors")))
    np.testing.assert_allclose(back(torch.tensor(x)).detach().numpy(),
                               ours2(chainrule.tensor(x)).detach().numpy(), rtol=1e-12)
