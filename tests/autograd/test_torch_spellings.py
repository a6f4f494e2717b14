"""PyTorch's spellings: dim=/keepdim=, PyTorch-named methods, size, hints, cat, linspace.

Each is checked against PyTorch on the same input where PyTorch has the name.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for its own spellings")

X = np.random.default_rng(0).standard_normal((3, 4, 2))


def pair(x: np.ndarray = X) -> tuple:
    return ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def same(ours: ag.Tensor, theirs: torch.Tensor) -> None:
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp", "prod", "var",
                                  "std", "all", "any", "argmax", "argmin"])
@pytest.mark.parametrize("keep", [False, True])
def test_dim_and_keepdim_on_methods_and_functions(name: str, keep: bool) -> None:
    ours, theirs = pair()
    kwargs = {"correction": 0} if name in ("var", "std") else {}
    expected = getattr(theirs, {"max": "amax", "min": "amin"}.get(name, name))(
        dim=1, keepdim=keep, **kwargs)
    for got in (getattr(ours, name)(dim=1, keepdim=keep), getattr(ag, name)(ours, dim=1,
                                                                             keepdim=keep)):
        assert got.shape == tuple(expected.shape)
        np.testing.assert_allclose(got.data, expected.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda t: t.sum(axis=0, dim=0), lambda t: ag.mean(t, 1, dim=1),
    lambda t: t.max(keepdims=True, keepdim=True), lambda t: ag.cumsum(t, axis=0, dim=0),
    lambda t: ag.concatenate([t, t], axis=1, dim=1), lambda t: t.squeeze(axis=0, dim=0),
])
def test_both_spellings_are_a_type_error(call) -> None:
    with pytest.raises(TypeError, match="dim|both"):
        call(ag.tensor(X))


def test_dim_alias_in_shape_functions() -> None:
    t = ag.tensor(X)
    assert ag.concatenate([t, t], dim=1).shape == (3, 8, 2)
    assert ag.cat([t, t], dim=-1).shape == (3, 4, 4)
    assert ag.stack([t, t], dim=1).shape == (3, 2, 4, 2)
    assert [p.shape for p in ag.split(t, 2, dim=1)] == [(3, 2, 2), (3, 2, 2)]
    assert ag.expand_dims(t, dim=0).shape == (1, 3, 4, 2)
    assert t.unsqueeze(-1).shape == (3, 4, 2, 1)
    assert ag.squeeze(ag.zeros(1, 3), dim=0).shape == (3,)


def test_methods_match_pytorch_values_and_gradients() -> None:
    cases = [
        (lambda t: t.view(4, 6), lambda t: t.view(4, 6)),
        (lambda t: t.view((2, -1)), lambda t: t.view((2, -1))),
        (lambda t: t.unsqueeze(1), lambda t: t.unsqueeze(1)),
        (lambda t: t.permute(2, 0, 1), lambda t: t.permute(2, 0, 1)),
        (lambda t: t.permute((1, 2, 0)), lambda t: t.permute((1, 2, 0))),
        (lambda t: t[0].t(), lambda t: t[0].t()),
        (lambda t: t[0, 0].t(), lambda t: t[0, 0].t()),
        (lambda t: t.clone() * 2, lambda t: t.clone() * 2),
        (lambda t: t.pow(3), lambda t: t.pow(3)),
        (lambda t: t.norm(), lambda t: t.norm()),
        (lambda t: t.norm(1, dim=1), lambda t: t.norm(1, dim=1)),
        (lambda t: t.norm(dim=(0, 2), keepdim=True), lambda t: t.norm(dim=(0, 2), keepdim=True)),
        (lambda t: t.norm(float("inf")), lambda t: t.norm(float("inf"))),
        (lambda t: t.norm(p="nuc", dim=(0, 1)), lambda t: t.norm(p="nuc", dim=(0, 1))),
        (lambda t: t[:, :, 0].norm(p="nuc"), lambda t: t[:, :, 0].norm(p="nuc")),
        (lambda t: t.softmax(dim=1), lambda t: t.softmax(dim=1)),
        (lambda t: t.log_softmax(-1), lambda t: t.log_softmax(-1)),
        (lambda t: ag.softmax(t, dim=0), lambda t: torch.softmax(t, dim=0)),
        (lambda t: t.double(), lambda t: t.double()),
        (lambda t: t.ravel(), lambda t: t.ravel()),
        (lambda t: t.repeat(2, 1, 1, 3), lambda t: t.repeat(2, 1, 1, 3)),
        (lambda t: t.flip(0, 2), lambda t: t.flip(0, 2)),
        (lambda t: t.roll(1, 1), lambda t: t.roll(1, 1)),
        (lambda t: t.cumsum(dim=2), lambda t: t.cumsum(dim=2)),
        (lambda t: t.prod(1), lambda t: t.prod(1)),
        (lambda t: t.sort(dim=1)[0], lambda t: t.sort(dim=1)[0]),
        (lambda t: t.topk(2, dim=1)[0], lambda t: t.topk(2, dim=1)[0]),
        (lambda t: t.tril(), lambda t: t.tril()),
        (lambda t: t.diagonal(0, 1, 2), lambda t: t.diagonal(0, 1, 2)),
        (lambda t: t.gather(1, ag.tensor(np.zeros((3, 2, 2), np.int64))),
         lambda t: t.gather(1, torch.zeros((3, 2, 2), dtype=torch.int64))),
        (lambda t: t % 0.3, lambda t: t % 0.3),
        (lambda t: 1.7 % (t.abs() + 0.5),  # PyTorch differentiates only Tensor % Tensor
         lambda t: torch.tensor(1.7, dtype=t.dtype) % (t.abs() + 0.5)),
    ]
    for i, (ours_fn, theirs_fn) in enumerate(cases):
        ours, theirs = pair()
        o, t = ours_fn(ours), theirs_fn(theirs)
        same(o, t)
        w = np.random.default_rng(i).standard_normal(o.shape)
        (o * w).sum().backward()
        (t * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"case {i}")


def test_numel_dim_float_to() -> None:
    t = ag.tensor(X)
    assert t.numel() == 24 and t.dim() == 3
    assert t.float().dtype == np.float32 and t.double().dtype == np.float64
    assert t.to(np.float32).dtype == np.float32
    assert t.to(dtype=np.float16).dtype == np.float16
    assert t.to("cpu") is t
    assert t.to(ag.zeros(1)).dtype == np.float32
    with pytest.raises(RuntimeError, match="CPU"):
        t.to("cuda")
    with pytest.raises(TypeError, match="reinterpret"):
        t.view(np.float32)
    with pytest.raises(ValueError, match="t\\(\\)"):
        t.t()


def test_size_is_the_element_count_and_calling_it_points_to_shape() -> None:
    t = ag.tensor(X)
    assert t.size == 24 and t.size == X.size and isinstance(t.size, int)
    assert np.zeros(t.size).shape == (24,) and t.size + 1 == 25 and repr(t.size) == "24"
    with pytest.raises(TypeError, match=r"shape\[0\]"):
        t.size(0)
    with pytest.raises(TypeError, match=r"\.shape"):
        t.size()


@pytest.mark.parametrize("name, hint", [
    ("contiguous", "layout"), ("expand", "broadcast_to"), ("cuda", "CPU"),
    ("masked_fill", "where"), ("clamp_min", "clamp"),
])
def test_missing_pytorch_names_raise_attribute_error_with_hint(name: str, hint: str) -> None:
    with pytest.raises(AttributeError, match=hint):
        getattr(ag.tensor(X), name)
    assert not hasattr(ag.tensor(X), name)
    assert not hasattr(ag.tensor(X), "__array_interface__")


def test_a_misspelt_method_gets_pythons_own_suggestion() -> None:
    """A typo is a plain AttributeError carrying the name and object, so the interpreter's
    error display says "Did you mean: 'unsqueeze'?"."""
    with pytest.raises(AttributeError) as info:
        ag.tensor(X).unsqueez
    assert info.value.name == "unsqueez"
    script = "import autograd as ag\nag.tensor([1.0]).unsqueez(0)\n"
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode != 0 and "unsqueeze" in run.stderr.splitlines()[-1]



def test_linspace_and_cat_match_pytorch() -> None:
    ours = ag.linspace(-1, 2, steps=7)
    theirs = torch.linspace(-1, 2, steps=7)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)
    assert ag.linspace(0, 1, 5, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError):
        ag.linspace(0, 1)
    a, b = pair(X), pair(X[:, :1])
    same(ag.cat([a[0], b[0]], 1), torch.cat([a[1], b[1]], 1))


def test_nn_softmax_takes_dim() -> None:
    import nn

    ours, theirs = pair()
    same(nn.functional.softmax(ours, dim=1), torch.softmax(theirs, dim=1))
    same(nn.functional.log_softmax(ours, dim=0), torch.log_softmax(theirs, dim=0))
    same(nn.Softmax(dim=1)(ours), torch.nn.Softmax(dim=1)(theirs))
    same(nn.LogSoftmax(dim=-1)(ours), torch.nn.LogSoftmax(dim=-1)(theirs))
    with pytest.raises(TypeError, match="both"):
        nn.functional.softmax(ours, 0, dim=1)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "half", "double", "int8",
                                  "int16", "int32", "int64", "long", "uint8"])
def test_pytorchs_dtype_names_give_the_same_dtypes(name: str) -> None:
    """`dtype=autograd.float64` where a PyTorch program writes `dtype=torch.float64`."""
    ours = ag.zeros(2, dtype=getattr(ag, name))
    theirs = torch.zeros(2, dtype=getattr(torch, name))
    assert ours.dtype == theirs.numpy().dtype
    line = ag.linspace(-np.pi, np.pi, 7, dtype=ag.float64)
    same(line, torch.linspace(-np.pi, np.pi, 7, dtype=torch.float64))
    assert ag.randn((), dtype=ag.float64).shape == ()


FACTORIES = [("zeros", (2, 3)), ("ones", (2, 3)), ("empty", (2, 3)), ("full", ((2, 3), 0.5)),
             ("zeros_like", (np.ones((2, 3)),)), ("ones_like", (np.ones((2, 3)),)),
             ("arange", (0.0, 3.0)), ("eye", (3,)), ("randn", (2, 3)), ("rand", (2, 3)),
             ("linspace", (-1.0, 1.0, 5)), ("tensor", ([1.0, 2.0],))]


@pytest.mark.parametrize("name,args", FACTORIES, ids=[f[0] for f in FACTORIES])
def test_factories_take_the_cpu_device_and_refuse_others(name: str, args: tuple) -> None:
    """`device=torch.device("cpu")` ports as it is; another device is an error, not ignored."""
    factory = getattr(ag, name)
    for device in (None, "cpu", "cpu:0", ag.device("cpu"), ag.device("cpu", 0)):
        t = factory(*args, device=device)
        assert t.shape == tuple(getattr(torch, name)(*[
            torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args],
            device=torch.device("cpu")).shape)
    for device in ("cuda", "cuda:0", "mps"):
        with pytest.raises(RuntimeError, match=f"{name}: device.*only 'cpu' exists"):
            factory(*args, device=device)
    with pytest.raises(RuntimeError, match=f"{name}: device.*expected 'cpu'"):
        factory(*args, device="gpu")
    with pytest.raises(TypeError, match=f"{name}: device must be"):
        factory(*args, device=0.5)


def test_device_objects_like_pytorchs() -> None:
    cpu = ag.device("cpu")
    assert (cpu.type, cpu.index, str(cpu), repr(cpu)) == ("cpu", None, "cpu", "device(type='cpu')")
    theirs = torch.device("cpu:0")
    ours = ag.device("cpu:0")
    assert (ours.type, ours.index, str(ours)) == (theirs.type, theirs.index, str(theirs))
    assert ours == ag.device("cpu", 0) and ours != cpu and hash(ours) == hash(ag.device(ours))
    with pytest.raises(RuntimeError, match="only 'cpu' exists"):
        ag.device("cuda")
    with pytest.raises(RuntimeError, match="index is given twice"):
        ag.device("cpu:0", 1)
    x = ag.randn(3, dtype=ag.float64)
    assert x.to(cpu) is x and x.to("cpu") is x
    import nn
    layer = nn.Linear(2, 1)
    assert layer.to(cpu) is layer
    layer.to(cpu, ag.float64)
    assert layer.weight.dtype == np.float64


def test_clamp_with_tensor_bounds_gives_pytorchs_gradients_also_when_min_exceeds_max() -> None:
    """Each element's gradient goes to whichever of x, min and max is the result, ties to x."""
    x, lo, hi = (np.array(v) for v in ([-1.0, 0.0, 0.5, 1.0, 2.0], [0.0, 0.0, 0.7, 0.0, 3.0],
                                       [1.0, 1.0, 0.6, 1.0, 1.0]))
    g = np.arange(1.0, 6.0)
    for kwargs in ({"min": lo, "max": hi}, {"min": lo}, {"max": hi}):
        ours = {k: ag.tensor(v, requires_grad=True) for k, v in kwargs.items()}
        theirs = {k: torch.tensor(v, requires_grad=True) for k, v in kwargs.items()}
        (ox, tx) = pair(x)
        same(ox.clamp(**ours), tx.clamp(**theirs))
        ox.clamp(**ours).backward(g)
        tx.clamp(**theirs).backward(torch.from_numpy(g))
        same(ox.grad, tx.grad)
        for k in kwargs:
            same(ours[k].grad, theirs[k].grad)
    with pytest.raises(ValueError, match="clamp: at least one"):
        ag.tensor(x).clamp()


def test_in_place_clamp_with_a_tensor_bound_that_requires_grad_is_recorded() -> None:
    """x.clamp_(min=t): t's gradient is not lost, also when x itself needs none."""
    x = np.array([-1.0, 0.5, 2.0])
    g = np.array([1.0, 2.0, 3.0])
    lo_ours = ag.tensor(np.array(0.7), requires_grad=True)
    lo_theirs = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    ours = (ag.tensor(x) * 1.0).clamp_(min=lo_ours)
    theirs = (torch.tensor(x) * 1.0).clamp_(min=lo_theirs)
    same(ours, theirs)
    ours.backward(g)
    theirs.backward(torch.from_numpy(g))
    same(lo_ours.grad, lo_theirs.grad)
