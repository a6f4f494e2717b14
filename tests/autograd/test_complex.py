"""Complex autograd in PyTorch's convention: z.grad = ∂L/∂(Re z) + i ∂L/∂(Im z).

A table of (name, ours, PyTorch's) pairs checked in complex64 and complex128 against
torch.autograd, Hypothesis over broadcast shapes and memory layouts, second derivatives,
mixed real and complex inputs, and the refusals. Every op of the op table is also swept on
complex inputs in test_complex_table.py.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import autograd as ag
from autograd import Tensor, testing
from autograd.complex_grad import ComplexGradError

try:
    import torch
except ImportError:  # the PyTorch cross-checks skip; the rest still runs
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is the oracle for these checks")

# (name, ours, PyTorch's): functions of complex tensors with complex or real results.
UNARY: list[tuple[str, Callable, Callable]] = [
    ("exp", ag.exp, lambda z: torch.exp(z)),
    ("log", ag.log, lambda z: torch.log(z)),
    ("sqrt", ag.sqrt, lambda z: torch.sqrt(z)),
    ("sin", ag.sin, lambda z: torch.sin(z)),
    ("cos", ag.cos, lambda z: torch.cos(z)),
    ("tan", ag.tan, lambda z: torch.tan(z)),
    ("sinh", ag.sinh, lambda z: torch.sinh(z)),
    ("cosh", ag.cosh, lambda z: torch.cosh(z)),
    ("tanh", ag.tanh, lambda z: torch.tanh(z)),
    ("sigmoid", ag.sigmoid, lambda z: torch.sigmoid(z)),
    ("expm1", ag.expm1, lambda z: torch.expm1(z)),
    ("log1p", ag.log1p, lambda z: torch.log1p(z)),
    ("log2", ag.log2, lambda z: torch.log2(z)),
    ("log10", ag.log10, lambda z: torch.log10(z)),
    ("exp2", ag.exp2, lambda z: torch.exp2(z)),
    ("arcsinh", np.arcsinh, lambda z: torch.asinh(z)),
    ("arctanh", np.arctanh, lambda z: torch.atanh(z)),
    ("arccosh", np.arccosh, lambda z: torch.acosh(z)),
    ("reciprocal", ag.reciprocal, lambda z: torch.reciprocal(z)),
    ("square", ag.square, lambda z: torch.square(z)),
    ("abs", ag.abs, lambda z: torch.abs(z)),
    ("conj", ag.conj, lambda z: torch.conj(z)),
    ("real", ag.real, lambda z: torch.real(z)),
    ("imag", ag.imag, lambda z: torch.imag(z)),
    ("angle", ag.angle, lambda z: torch.angle(z)),
    ("sum", lambda z: z.sum(axis=0), lambda z: z.sum(0)),
    ("mean", lambda z: z.mean(), lambda z: z.mean()),
    ("prod", lambda z: ag.prod(z, axis=1), lambda z: z.prod(1)),
    ("cumsum", lambda z: ag.cumsum(z, 0), lambda z: z.cumsum(0)),
    ("cumprod", lambda z: ag.cumprod(z, 1), lambda z: z.cumprod(1)),
    ("var", lambda z: z.var(axis=1), lambda z: z.var(1, unbiased=False)),
    ("std", lambda z: z.std(axis=0, ddof=1), lambda z: z.std(0)),
    ("norm", ag.norm, lambda z: torch.linalg.norm(z)),
    ("norm_axis", lambda z: ag.norm(z, axis=1), lambda z: torch.linalg.norm(z, dim=1)),
    ("norm_l1", lambda z: ag.vector_norm(z, 1), lambda z: torch.linalg.vector_norm(z, 1)),
    ("norm_p3", lambda z: ag.vector_norm(z, 3, axis=0),
     lambda z: torch.linalg.vector_norm(z, 3, dim=0)),
    ("transpose_getitem", lambda z: z.T[1:, ::-1], lambda z: z.T[1:].flip(1)),
    ("reshape_pow", lambda z: z.reshape(4, 3) ** 3, lambda z: z.reshape(4, 3) ** 3),
    ("pow_complex", lambda z: z ** (0.5 + 1j), lambda z: z ** (0.5 + 1j)),
    ("rpow", lambda z: (1.5 - 0.5j) ** z, lambda z: (1.5 - 0.5j) ** z),
    ("matmul_self", lambda z: z @ z.T, lambda z: z @ z.T),
    ("einsum", lambda z: ag.einsum("ij,kj->ik", z, z), lambda z: torch.einsum("ij,kj->ik", z, z)),
    ("astype_real", lambda z: z.astype(np.float64) * 2, lambda z: z.real * 2),
]
BINARY: list[tuple[str, Callable, Callable]] = [
    ("add", lambda a, b: a + b, lambda a, b: a + b),
    ("sub", lambda a, b: a - b, lambda a, b: a - b),
    ("mul", lambda a, b: a * b, lambda a, b: a * b),
    ("div", lambda a, b: a / b, lambda a, b: a / b),
    ("pow", lambda a, b: a ** b, lambda a, b: a ** b),
    ("matmul", lambda a, b: a @ b.T, lambda a, b: a @ b.T),
    ("tensordot", lambda a, b: ag.tensordot(a, b, axes=([1], [1])),
     lambda a, b: torch.tensordot(a, b, dims=([1], [1]))),
    ("outer", ag.outer, lambda a, b: torch.outer(a.reshape(-1), b.reshape(-1))),
    ("where", lambda a, b: ag.where(np.arange(4) % 2 == 0, a, b),
     lambda a, b: torch.where(torch.tensor(np.arange(4) % 2 == 0), a, b)),
    ("concat", lambda a, b: ag.concatenate([a, b], 0), lambda a, b: torch.cat([a, b], 0)),
]
CDTYPES = [np.complex64, np.complex128]
TORCH_DT = {np.complex64: "complex64", np.complex128: "complex128"}
TOL = {np.complex64: {"rtol": 2e-4, "atol": 2e-5}, np.complex128: {"rtol": 1e-9, "atol": 1e-11}}


def crandn(rng: np.random.Generator, shape: tuple, dtype: Any = np.complex128) -> np.ndarray:
    """Values 0.5..1.5 in modulus away from branch cuts and zero: 1 + 0.4 (a + ib)."""
    z = 1 + 0.4 * (rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape))
    return z.astype(dtype)


def weight_of(o: Any, rng: np.random.Generator) -> np.ndarray:
    w = rng.standard_normal(o.shape)
    return w + 1j * rng.standard_normal(o.shape) if np.iscomplexobj(o) else w


def ours_grads(fn: Callable, arrays: list, rng: np.random.Generator) -> tuple:
    ins = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(*ins)
    w = weight_of(out.data, rng)
    ag.real(out * np.conj(w).astype(out.dtype) if out.dtype.kind == "c" else out * w) \
        .sum().backward()
    return out.data, [t.grad.data for t in ins], w


def torch_grads(fn: Callable, arrays: list, w: np.ndarray) -> tuple:
    ins = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(*ins)
    wt = torch.tensor(np.conj(w) if out.is_complex() else w).to(out.dtype)
    torch.real(out * wt).sum().backward()
    return out.detach().resolve_conj().numpy(), [t.grad.resolve_conj().numpy() for t in ins]


def check_against_torch(fn: Callable, tfn: Callable, arrays: list, dtype: Any) -> None:
    rng = np.random.default_rng(7)
    out, grads, w = ours_grads(fn, arrays, rng)
    t_out, t_grads = torch_grads(tfn, arrays, w)
    np.testing.assert_allclose(out, t_out, **TOL[dtype])
    for a, g, tg in zip(arrays, grads, t_grads):
        assert g.dtype == a.dtype, f"gradient dtype {g.dtype} for a {a.dtype} input"
        np.testing.assert_allclose(g, tg, **TOL[dtype])


@needs_torch
@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("name, fn, tfn", UNARY, ids=[u[0] for u in UNARY])
def test_unary_matches_pytorch(name: str, fn: Callable, tfn: Callable, dtype: Any) -> None:
    check_against_torch(fn, tfn, [crandn(np.random.default_rng(0), (3, 4), dtype)], dtype)


@needs_torch
@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("name, fn, tfn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_pytorch(name: str, fn: Callable, tfn: Callable, dtype: Any) -> None:
    rng = np.random.default_rng(1)
    check_against_torch(fn, tfn, [crandn(rng, (3, 4), dtype), crandn(rng, (3, 4), dtype)],
                        dtype)


LINALG = [
    ("inv", np.linalg.inv, lambda a: torch.linalg.inv(a)),
    ("det", np.linalg.det, lambda a: torch.linalg.det(a)),
    ("solve", lambda a: np.linalg.solve(a, a[:, :2] * 2), lambda a: torch.linalg.solve(
        a, a[:, :2] * 2)),
    ("slogdet", lambda a: np.linalg.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1]),
]


@needs_torch
@pytest.mark.parametrize("name, fn, tfn", LINALG, ids=[r[0] for r in LINALG])
def test_linalg_matches_pytorch(name: str, fn: Callable, tfn: Callable) -> None:
    a = crandn(np.random.default_rng(3), (4, 4)) + 2 * np.eye(4)
    check_against_torch(fn, tfn, [a], np.complex128)


def _svd_loss(xp: Any, u: Any, s: Any, vh: Any, w: np.ndarray) -> Any:
    """A loss that ignores the free phase of each singular pair (as any meaningful one)."""
    k = s.shape[-1]
    rebuilt = u @ (s[..., :, None] * vh)
    return (abs(u) ** 2 * xp(np.arange(k))).sum() + (abs(rebuilt) * xp(w)).sum() + \
        (abs(vh) * xp(np.arange(k)[:, None])).sum() + (s ** 2).sum()


@needs_torch
@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (4, 4), (2, 3, 4)])
def test_svd_matches_pytorch_and_gradcheck(shape: tuple) -> None:
    rng = np.random.default_rng(11)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    w = rng.standard_normal(shape)

    def ours(x: Any) -> Any:
        return _svd_loss(lambda v: v, *np.linalg.svd(x, full_matrices=False), w)

    z = Tensor(a.copy(), requires_grad=True)
    ag.gradcheck(ours, [z])
    ours(z).backward()
    t = torch.tensor(a, requires_grad=True)
    _svd_loss(torch.tensor, *torch.linalg.svd(t, full_matrices=False), w).backward()
    np.testing.assert_allclose(z.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-11)


@needs_torch
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_of_hermitian_matches_pytorch(uplo: str) -> None:
    rng = np.random.default_rng(12)
    b = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    a = b @ b.conj().T
    z = Tensor(a.copy(), requires_grad=True)
    f = lambda x: (np.linalg.eigh(x, uplo)[0] ** 2).sum() + (  # noqa: E731
        abs(np.linalg.eigh(x, uplo)[1]) * np.arange(4)).sum()
    ag.gradcheck(f, [z])
    f(z).backward()
    t = torch.tensor(a, requires_grad=True)
    wt, vt = torch.linalg.eigh(t, UPLO=uplo)
    ((wt ** 2).sum() + (vt.abs() * torch.arange(4)).sum()).backward()
    # Ours is the derivative of the function of the triangle read (NumPy's eigh); PyTorch's
    # is the Hermitian gradient: the same once folded onto that triangle.
    g = t.grad.numpy()
    tri = np.tril if uplo == "L" else np.triu
    folded = tri(g + g.conj().T) - np.diag(np.diag(g).real)
    np.testing.assert_allclose(z.grad.data, folded, rtol=1e-9, atol=1e-10)


def test_abs_squared_gives_twice_z() -> None:
    z = Tensor(np.array([1 + 2j, -3 + 0.5j, 0j]), requires_grad=True)
    (ag.abs(z) ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.data, 2 * z.data)
    z.grad = None
    ag.real(z * z.conj()).sum().backward()
    np.testing.assert_allclose(z.grad.data, 2 * z.data)


@pytest.mark.parametrize("dtype", CDTYPES)
@pytest.mark.parametrize("name, fn, tfn", UNARY[:24], ids=[u[0] for u in UNARY[:24]])
def test_unary_gradcheck(name: str, fn: Callable, tfn: Callable, dtype: Any) -> None:
    z = Tensor(crandn(np.random.default_rng(4), (2, 3), dtype), requires_grad=True)
    ag.gradcheck(fn, [z], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("fn", [np.arccosh, np.arcsinh, np.arctanh, ag.arcsin, ag.arccos,
                                ag.sqrt, ag.log, ag.tan], ids=lambda f: f.__name__)
def test_branches_across_the_plane(fn: Callable) -> None:
    # Points in every quadrant, off the branch cuts: formulas such as 1/√(z² - 1) for acosh
    # pick the wrong sign of the root where Re z < 0.
    z = Tensor(np.array([-2 + 0.1j, -0.5 - 0.3j, 0.3 + 2j, -3 - 1j, 1.5 - 0.7j]),
               requires_grad=True)
    ag.gradcheck(fn, [z])


# -- mixed real and complex inputs ---------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("name, fn, tfn", BINARY[:5], ids=[b[0] for b in BINARY[:5]])
def test_real_input_with_complex_gets_the_real_part(name: str, fn: Callable,
                                                    tfn: Callable) -> None:
    rng = np.random.default_rng(5)
    r, z = rng.uniform(0.5, 1.5, (3, 4)), crandn(rng, (3, 4))
    for arrays in ([r, z], [z, r]):
        out, grads, w = ours_grads(fn, arrays, rng)
        _, t_grads = torch_grads(tfn, arrays, w)
        for a, g, tg in zip(arrays, grads, t_grads):
            assert g.dtype == a.dtype  # a real leaf keeps a real gradient
            np.testing.assert_allclose(g, tg, rtol=1e-9, atol=1e-11)


def test_real_leaf_through_complex_ops_stays_real() -> None:
    x = Tensor(np.array([0.3, -1.2, 2.0]), requires_grad=True)
    y = ag.abs(ag.exp(x * 1j) + x)  # |e^{ix} + x|
    y.sum().backward()
    assert x.grad.dtype == np.float64
    ag.gradcheck(lambda x: ag.abs(ag.exp(x * 1j) + x), [x])


def test_complex_cast_of_real_leaf() -> None:
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    z = x.astype(np.complex128) * (2 - 1j)
    ag.real(z * (1 + 1j)).sum().backward()  # Re((2 - i)(1 + i)) x = 3x
    np.testing.assert_allclose(x.grad.data, [3.0, 3.0])
    assert x.grad.dtype == np.float64


# -- Hypothesis: broadcasting and memory layouts ------------------------------------------------
@needs_torch
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       op=st.sampled_from(BINARY[:5]), layouts=st.tuples(testing.layouts(False),
                                                         testing.layouts(False)),
       seed=st.integers(0, 2 ** 16))
def test_broadcast_binary_in_any_layout(shapes: Any, op: Any, layouts: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    arrays = [testing.in_layout(crandn(rng, s), lay)
              for s, lay in zip(shapes.input_shapes, layouts)]
    check_against_torch(op[1], op[2], arrays, np.complex128)


@given(shape=testing.shapes(min_dims=1, max_dims=3, max_side=3),
       layout=testing.layouts(), seed=st.integers(0, 2 ** 16))
def test_gradcheck_in_any_layout(shape: tuple, layout: str, seed: int) -> None:
    z = testing.in_layout(crandn(np.random.default_rng(seed), shape), layout)
    z = Tensor(np.array(z), requires_grad=True)  # gradcheck writes into its inputs
    ag.gradcheck(lambda z: ag.exp(z) * ag.abs(z) + z.conj() ** 2, [z])


def test_upstream_gradient_in_negative_strides() -> None:
    rng = np.random.default_rng(6)
    z = Tensor(crandn(rng, (3, 4)), requires_grad=True)
    g = crandn(rng, (6, 8))[::-2, ::-2]  # a reversed, strided view
    (ag.exp(z) * 2).backward(g)
    np.testing.assert_allclose(z.grad.data, g * np.conj(2 * np.exp(z.data)))


# -- second derivatives -------------------------------------------------------------------------
SECOND = (0, 1, 2, 8, 9, 20, 24, 27, 30, 32, 33, 35, 38, 40)  # not linear: g depends on z


@needs_torch
@pytest.mark.parametrize("name, fn, tfn", [UNARY[i] for i in SECOND],
                         ids=[UNARY[i][0] for i in SECOND])
def test_create_graph_matches_pytorch(name: str, fn: Callable, tfn: Callable) -> None:
    rng = np.random.default_rng(8)
    a = crandn(rng, (3, 4))
    w, v = crandn(rng, np.shape(fn(Tensor(a)).data)), crandn(rng, (3, 4))

    def loss(out: Any, real: Callable, wt: Any) -> Any:
        return real(out * wt).sum() if out.dtype in (np.complex128, torch.complex128) \
            else (out * real(wt)).sum()

    z = Tensor(a.copy(), requires_grad=True)
    (g,) = ag.grad(loss(fn(z), ag.real, w), [z], create_graph=True)
    (h,) = ag.grad(ag.real(g * v).sum(), [z])
    tz = torch.tensor(a, requires_grad=True)
    (tg,) = torch.autograd.grad(loss(tfn(tz), torch.real, torch.tensor(w)), [tz],
                                create_graph=True)
    (th,) = torch.autograd.grad(torch.real(tg * torch.tensor(v)).sum(), [tz])
    np.testing.assert_allclose(g.data, tg.detach().resolve_conj().numpy(), rtol=1e-9)
    np.testing.assert_allclose(h.data, th.resolve_conj().numpy(), rtol=1e-8, atol=1e-10)


# -- refusals and the engine ---------------------------------------------------------------------
@pytest.mark.parametrize("name, call", [
    ("max", lambda z: z.max()), ("min", lambda z: ag.min(z)), ("maximum", lambda z: ag.maximum(
        z, z)), ("relu", ag.relu), ("clip", lambda z: ag.clip(z, 0, 1)),
    ("sign", ag.sign), ("logsumexp", ag.logsumexp), ("sort", ag.sort), ("argmax", ag.argmax),
    ("greater", lambda z: z > 0), ("less", lambda z: np.less(z, 1)),
    ("argsort", lambda z: np.argsort(z)), ("erf", ag.erf), ("floor", np.floor),
    ("cholesky", np.linalg.cholesky),
])
def test_ops_without_complex_gradient_refuse_by_name(name: str, call: Callable) -> None:
    a = crandn(np.random.default_rng(9), (3, 3))
    z = Tensor(a @ a.conj().T + 3 * np.eye(3), requires_grad=True)  # Hermitian, definite
    with pytest.raises(TypeError, match=name):
        call(z)
    if name in ("greater", "less", "argsort", "argmax", "sort", "max"):
        call(z.detach())  # constants keep NumPy's (lexicographic) order


def test_refusal_names_op_and_inputs() -> None:
    z = Tensor(np.ones(3, np.complex64), requires_grad=True)
    with pytest.raises(ComplexGradError, match=r"maximum: no complex gradient.*\(3,\) complex64"):
        ag.maximum(z, 0)


def test_backward_of_a_complex_result_needs_a_gradient() -> None:
    z = Tensor(np.array(1 + 1j), requires_grad=True)
    with pytest.raises(RuntimeError, match="real scalar outputs"):
        (z * 2).backward()
    (z * 2).backward(np.array(1 - 1j))  # g z̄' with f' = 2
    np.testing.assert_allclose(z.grad.data, 2 - 2j)


def test_custom_function_gets_and_returns_pytorch_convention() -> None:
    class Scale(ag.Function):  # y = (2 + i) x; dx = g conj(2 + i)
        def forward(ctx, x):
            return x * (2 + 1j)

        def backward(ctx, g):
            return g * (2 - 1j)

    z = Tensor(np.array([1 + 1j, 2.0]), requires_grad=True)
    ag.gradcheck(Scale.apply, [z])


def _eigh_rebuild(lib: Any, z: Any) -> Any:
    """A phase-free loss of complex eigenvectors: V diag(w²) Vᴴ of the Hermitian z + zᴴ."""
    h = z + (np.conj(z).T if lib is np else z.conj().T)
    w, v = (np.linalg.eigh(h) if lib is np else torch.linalg.eigh(h))
    vh = np.conj(v).T if lib is np else v.conj().T
    return (v * (w * w)) @ vh


def _svd_weights(lib: Any, z: Any) -> Any:
    """|U|² and |Vh|² (phase-free) weighted by the singular values."""
    u, s, vh = (np.linalg.svd(z, full_matrices=False) if lib is np
                else torch.linalg.svd(z, full_matrices=False))
    return ((abs(u) ** 2) * s).sum() + ((abs(vh) ** 2) * s[:, None]).sum()


@needs_torch
@pytest.mark.parametrize("name, fn", [("eigh", _eigh_rebuild), ("svd", _svd_weights)])
def test_second_derivative_through_complex_vectors_matches_pytorch(name: str,
                                                                    fn: Callable) -> None:
    """The saved vectors are the node's own outputs under create_graph: one copy of each
    phase, so a phase-free loss differentiates twice as PyTorch's does."""
    rng = np.random.default_rng(11)
    a, v = crandn(rng, (4, 4)), crandn(rng, (4, 4))
    z, tz = Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)
    out, tout = fn(np, z), fn(torch, tz)
    wt = crandn(rng, np.shape(out.data))
    (g,) = ag.grad(ag.real(out * wt).sum(), [z], create_graph=True)
    (tg,) = torch.autograd.grad(torch.real(tout * torch.tensor(wt)).sum(), [tz],
                                create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().resolve_conj().numpy(), rtol=1e-8,
                               atol=1e-10)
    (h,) = ag.grad(ag.real(g * v).sum(), [z])
    (th,) = torch.autograd.grad(torch.real(tg * torch.tensor(v)).sum(), [tz])
    np.testing.assert_allclose(h.data, th.resolve_conj().numpy(), rtol=1e-7, atol=1e-9)
