"""The PyTorch-surface ops beyond the op table: promotion of integer and float mixes, memory
layouts, exact zeros in products, second order against PyTorch, indices, and refusals."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd as ag
from op_table_surface import ROWS

RNG = np.random.default_rng(7)


def layouts(a: np.ndarray) -> dict:
    """The same values in other memory layouts."""
    out = {}
    if a.ndim:
        out["fortran"] = np.asfortranarray(a)
        doubled = np.repeat(a, 2, axis=-1)[..., ::2]
        out["strided"] = doubled
        out["negative"] = np.flip(np.flip(a, -1).copy(), -1)
    return out


@pytest.mark.parametrize("r", [pytest.param(r, id=r.name) for r in ROWS])
def test_layout_never_matters(r: Any) -> None:
    """Forward and gradient on Fortran, strided and negatively strided inputs (and gradient)
    equal those on contiguous copies."""
    rng = np.random.default_rng(0)
    base = [d.sample(rng, s, np.float64) for d, s in zip(r.domain, r.examples[0])]
    ref_in = [ag.tensor(a.copy(), requires_grad=r.wants_grad(i)) for i, a in enumerate(base)]
    ref_out = r.fn(*ref_in, **r.kwargs)
    ref_out = ref_out[0] if isinstance(ref_out, (list, tuple)) else ref_out
    w = np.asarray(rng.standard_normal(ref_out.shape))
    ref_out.backward(w)
    for kind in ("fortran", "strided", "negative"):
        arrays = [layouts(a).get(kind, a) for a in base]
        ins = [ag.tensor(a, requires_grad=r.wants_grad(i)) for i, a in enumerate(arrays)]
        out = r.fn(*ins, **r.kwargs)
        out = out[0] if isinstance(out, (list, tuple)) else out
        # BLAS may sum in another order for another layout: equal up to rounding.
        np.testing.assert_allclose(out.data, ref_out.data, rtol=1e-13, atol=1e-14,
                                   err_msg=kind)
        out.backward(layouts(w).get(kind, w))
        for t, rt in zip(ins, ref_in):
            if rt.grad is not None:
                np.testing.assert_allclose(t.grad.data, rt.grad.data, rtol=1e-13, atol=1e-14,
                                           err_msg=kind)


FLOAT_INT_OPS = [
    ("arctan2", ag.arctan2), ("hypot", ag.hypot), ("mod", ag.mod), ("fmod", ag.fmod),
    ("remainder_op", lambda a, b: a % b), ("outer", ag.outer),
    ("einsum", lambda a, b: ag.einsum("ij,ij->i", a, b)),
    ("tensordot", lambda a, b: ag.tensordot(a, b, ([0, 1], [0, 1]))),
    ("scatter_add", lambda a, b: ag.scatter_add(a, 0, np.zeros((2, 3), np.int64), b)),
]


@pytest.mark.parametrize("name, fn", FLOAT_INT_OPS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("other", [np.int64, np.int32, np.bool_])
def test_integer_operand_never_changes_the_float_dtype(name: str, fn: Any, dtype: Any,
                                                       other: Any) -> None:
    a = ag.tensor(RNG.uniform(0.5, 2, (2, 3)).astype(dtype), requires_grad=True)
    b = np.array([[1, 2, 3], [3, 1, 2]]).astype(other)
    for first, second in ((a, b), (a, ag.tensor(b))):
        out = fn(first, second)
        assert out.dtype == dtype, f"{name}: {dtype.__name__} with {other.__name__}"
        out.sum().backward()
        assert a.grad.dtype == dtype
        a.grad = None


def test_two_float_dtypes_the_wider_wins_and_grads_keep_their_dtype() -> None:
    a = ag.tensor(RNG.standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    b = ag.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    out = ag.einsum("ij,jk->ik", a, b)
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    assert ag.arctan2(a, 1.5).dtype == np.float32  # Python numbers never promote


def test_prod_with_several_zeros_is_exact_to_second_order() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for prod's gradient")
    x = np.array([[0.0, 2.0, 0.0, 3.0], [1.5, 0.0, -2.0, 4.0], [1.0, 2.0, 3.0, 0.5]])
    for axis in (None, 1, 0):
        ours = ag.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        y = ag.prod(ours, axis=axis)
        ty = theirs.prod() if axis is None else theirs.prod(axis)
        (g,) = ag.grad(y.sum(), [ours], create_graph=True)
        (tg,) = torch.autograd.grad(ty.sum(), [theirs], create_graph=True)
        np.testing.assert_array_equal(g.data, tg.detach().numpy())  # exact: no division
        (gg,) = ag.grad((g * g).sum(), [ours])
        (tgg,) = torch.autograd.grad((tg * tg).sum(), [theirs])
        np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-12, atol=1e-12)


def test_cumprod_with_zeros_matches_pytorch_to_second_order() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for cumprod's gradient")
    x = np.array([[2.0, 0.0, 3.0, 0.0, 1.5], [0.5, 1.0, -2.0, 3.0, 0.0]])
    w = RNG.standard_normal(x.shape)
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (g,) = ag.grad((ag.cumprod(ours, 1) * w).sum(), [ours], create_graph=True)
    (tg,) = torch.autograd.grad((torch.cumprod(theirs, 1) * torch.tensor(w)).sum(), [theirs],
                                create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12, atol=1e-12)
    (gg,) = ag.grad((g * g).sum(), [ours])
    (tgg,) = torch.autograd.grad((tg * tg).sum(), [theirs])
    np.testing.assert_allclose(gg.data, tgg.numpy(), rtol=1e-12, atol=1e-12)


def test_sort_and_topk_indices_are_int64_and_match_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for indices")
    x = RNG.permutation(20).reshape(4, 5).astype(np.float64)
    v, i = ag.sort(ag.tensor(x), 1, descending=True)
    tv, ti = torch.sort(torch.tensor(x), 1, descending=True)
    assert i.dtype == np.int64 and not i.requires_grad
    np.testing.assert_array_equal(i.data, ti.numpy())
    v, i = ag.topk(ag.tensor(x), 3, axis=0, largest=False)
    tv, ti = torch.topk(torch.tensor(x), 3, 0, largest=False)
    np.testing.assert_array_equal(i.data, ti.numpy())
    np.testing.assert_array_equal(v.data, tv.numpy())
    with pytest.raises(ValueError, match="topk: k=6"):
        ag.topk(ag.tensor(x), 6)


def test_all_and_any_have_no_gradient_and_follow_numpy() -> None:
    x = np.array([[0.0, 1.0], [2.0, 3.0]])
    t = ag.tensor(x, requires_grad=True)
    for fn, ref in ((ag.all, np.all), (ag.any, np.any)):
        for axis in (None, 0, -1):
            out = fn(t, axis=axis)
            assert not out.requires_grad and out.dtype == np.bool_
            np.testing.assert_array_equal(out.data, ref(x, axis=axis))
    assert bool(np.all(t > -1)) and t.any(dim=1, keepdim=True).shape == (2, 1)


@pytest.mark.parametrize("call, error, match", [
    (lambda t: ag.einsum("ij,jk->ik", t), ValueError, "2 operands"),
    (lambda t: ag.einsum("ijk->i", t), ValueError, "3 axes"),
    (lambda t: ag.einsum("ij->ii", t), ValueError, "repeat"),
    (lambda t: ag.einsum("ij->k", t), ValueError, "repeat an index or name one"),
    (lambda t: ag.einsum("i1->i", t), ValueError, "invalid"),
    (lambda t: ag.tensordot(t, t, 3), ValueError, "tensordot"),
    (lambda t: ag.pad(t, 1, mode="mean"), NotImplementedError, "constant"),
    (lambda t: ag.pad(t[:0], 1, mode="edge"), ValueError, "empty axis 0"),
    (lambda t: ag.pad(t, -1), ValueError, "negative"),
    (lambda t: ag.norm(t, ord=3, axis=(0, 1)), ValueError, "matrix ord=3 is not one of"),
    (lambda t: np.linalg.svd(t), NotImplementedError, "full_matrices=False"),
    (lambda t: np.linalg.inv(t), ValueError, "inv: needs square"),
    (lambda t: ag.gather(t, 0, np.zeros((2, 2))), TypeError, "integers"),
    (lambda t: ag.gather(t, 0, np.zeros((4, 5), np.int64)), ValueError, "exceeds"),
    (lambda t: ag.scatter_add(t, 0, np.full((1, 3), 9), t), IndexError, "out of range"),
    (lambda t: ag.take_along_axis(t, np.zeros(3, np.int64), 0), ValueError, "dimensions"),
    (lambda t: ag.tile(t, (-1,)), ValueError, "non-negative"),
    (lambda t: ag.repeat(t, [1, 2], 0), ValueError, "one count per element"),
    (lambda t: ag.diag(ag.zeros(2, 2, 2)), ValueError, "1-D or 2-D"),
    (lambda t: ag.tril(ag.zeros(3)), ValueError, "2 dimensions"),
    (lambda t: ag.cumsum(t, 2), np.exceptions.AxisError, "cumsum"),
    (lambda t: ag.flip(t, (0, 0)), ValueError, "same axis"),
    (lambda t: t.repeat(2), ValueError, "at least one per axis"),
])
def test_bad_arguments_raise_named_errors(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call(ag.tensor(RNG.standard_normal((3, 4)), requires_grad=True))


def test_numpy_functions_on_tensors_dispatch_to_the_ops() -> None:
    t = ag.tensor(RNG.uniform(0.5, 1.5, (3, 3)), requires_grad=True)
    outs = [np.prod(t), np.cumsum(t, axis=1), np.einsum("ij,jk->ik", t, t), np.flip(t, 0),
            np.trace(t), t % 0.4, np.tensordot(t, t), np.outer(t, t), np.linalg.norm(t),
            np.tan(t), np.hypot(t, t), np.cumprod(t, 0), np.tril(t), np.roll(t, 1),
            np.sort(t, 0), np.take_along_axis(t, np.zeros((1, 3), np.int64), 0)]
    for out in outs:
        assert isinstance(out, ag.Tensor) and out.requires_grad
        out.sum().backward()
    assert t.grad is not None
