"""np.linalg.eig and eigvals on Tensors: values and gradients against PyTorch's linalg.eig
(real, complex, batched; losses of the eigenvalues and phase-invariant losses of the vectors),
gradcheck, layouts, second derivatives, dtypes and the refusals.

NumPy's eigenvectors have unit norm but not PyTorch's phases, so vector losses compared here
ignore the phases: |V|² weighted, or the rebuilt V diag(f(L)) V⁻¹.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor
from autograd.testing import in_layout

try:
    import torch
except ImportError:  # the PyTorch cross-checks skip, the rest runs
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch's linalg.eig is the oracle")
RNG = np.random.default_rng(11)


def _matrix(shape: tuple, complex_: bool) -> np.ndarray:
    a = RNG.standard_normal(shape)
    return a + 1j * RNG.standard_normal(shape) if complex_ else a


def _weights(n: int, lib: Any) -> Any:
    w = np.arange(1.0, n + 1)[:, None]
    return torch.tensor(w) if lib is torch else w


# Real losses of (L, V), written once for NumPy on our Tensors and for torch (the names
# differ only in abs/real/inverse); every one ignores the vectors' phases.
def _sum_values(lw: Any, v: Any, lib: Any) -> Any:
    return (lw.real + lw.imag).sum()


def _abs2_values(lw: Any, v: Any, lib: Any) -> Any:
    return (abs(lw) ** 2).sum()


def _real_values(lw: Any, v: Any, lib: Any) -> Any:
    return (lw.real * _weights(lw.shape[-1], lib)[:, 0]).sum()


def _abs2_vectors(lw: Any, v: Any, lib: Any) -> Any:
    # |V|² by rows and by each column's eigenvalue: not permutation- or phase-sensitive.
    return (abs(v) ** 2 * _weights(v.shape[-1], lib) * lw.real[..., None, :]).sum()


def _rebuilt(lw: Any, v: Any, lib: Any) -> Any:
    inv = torch.linalg.inv(v) if lib is torch else np.linalg.inv(v)
    x = (v * (lw * lw)[..., None, :]) @ inv  # a², through the vectors
    return (x.real * _weights(x.shape[-1], lib) + x.imag).sum()


LOSSES = [_sum_values, _abs2_values, _real_values, _abs2_vectors, _rebuilt]


def _ours(a: np.ndarray, loss: Callable) -> tuple:
    x = Tensor(a, requires_grad=True)
    lw, v = np.linalg.eig(x)
    loss(lw, v, np).backward()
    return lw.data, v.data, x.grad.data


def _theirs(a: np.ndarray, loss: Callable) -> tuple:
    x = torch.tensor(np.ascontiguousarray(a), requires_grad=True)
    lw, v = torch.linalg.eig(x)
    loss(lw, v, torch).backward()
    return lw.detach().numpy(), x.grad.numpy()


@needs_torch
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5, 5)], ids=["matrix", "batched"])
@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__.strip("_"))
def test_values_and_gradient_match_pytorch(loss: Callable, shape: tuple,
                                           complex_: bool) -> None:
    a = _matrix(shape, complex_)
    lw, v, g = _ours(a, loss)
    tlw, tg = _theirs(a, loss)
    np.testing.assert_allclose(np.sort_complex(lw.reshape(-1, shape[-1])),
                               np.sort_complex(tlw.reshape(-1, shape[-1])), atol=1e-10)
    np.testing.assert_allclose(v @ (lw[..., None] * np.linalg.inv(v)), a, atol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1.0, atol=1e-12)
    assert g.dtype == a.dtype  # a real input gets the real part of its gradient
    np.testing.assert_allclose(g, tg, atol=1e-9)


@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_gradcheck(complex_: bool) -> None:
    a = Tensor(_matrix((2, 4, 4), complex_), requires_grad=True)

    def fn(x: Tensor) -> tuple:
        lw, v = np.linalg.eig(x)
        return lw, abs(v) ** 2, np.linalg.eigvals(x * 2)

    assert ag.gradcheck(fn, (a,))


@needs_torch
def test_eigvals_matches_eig_and_pytorch() -> None:
    a = _matrix((3, 4, 4), True)
    x = Tensor(a, requires_grad=True)
    (abs(np.linalg.eigvals(x)) ** 2).sum().backward()
    _, _, g = _ours(a, _abs2_values)
    np.testing.assert_allclose(x.grad.data, g, atol=1e-12)
    tx = torch.tensor(a, requires_grad=True)
    (torch.linalg.eigvals(tx).abs() ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-9)


@pytest.mark.parametrize("layout", ["F", "strided", "reversed"])
def test_every_layout_gives_the_contiguous_answer(layout: str) -> None:
    base = _matrix((4, 4), True)
    a = in_layout(base, layout)
    assert not a.flags.c_contiguous
    lw, v, g = _ours(a, _abs2_vectors)
    clw, cv, cg = _ours(base.copy(), _abs2_vectors)
    np.testing.assert_allclose(lw, clw, atol=1e-12)
    np.testing.assert_allclose(g, cg, atol=1e-10)


@needs_torch
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_second_derivative_matches_pytorch(complex_: bool) -> None:
    a = _matrix((4, 4), complex_)
    x, tx = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    lw, v = np.linalg.eig(x)
    (g,) = ag.grad(_abs2_vectors(lw, v, np) + _rebuilt(lw, v, np), x, create_graph=True)
    (abs(g) ** 2).sum().backward()
    tlw, tv = torch.linalg.eig(tx)
    (tg,) = torch.autograd.grad(_abs2_vectors(tlw, tv, torch) + _rebuilt(tlw, tv, torch), tx,
                                create_graph=True)
    (tg.abs() ** 2).sum().backward()
    np.testing.assert_allclose(g.data, tg.detach().numpy(), atol=1e-9)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-8)


def test_dtypes_follow_numpy() -> None:
    rotation = np.array([[0.0, -1.0, 0.5], [1.0, 0.0, 0.2], [0.0, 0.3, 2.0]], np.float32)
    x = Tensor(rotation, requires_grad=True)
    lw, v = np.linalg.eig(x)
    want_lw, want_v = np.linalg.eig(rotation)
    assert (lw.dtype, v.dtype) == (want_lw.dtype, want_v.dtype) == (np.complex64,) * 2
    (abs(lw) ** 2).sum().backward()
    assert x.grad.dtype == np.float32
    # Real eigenvalues of a real matrix: real outputs, as NumPy gives.
    lw, v = np.linalg.eig(Tensor(np.diag([1.0, 2.0]) + 0.1, requires_grad=True))
    assert lw.dtype == v.dtype == np.float64


def test_real_eigenvalues_give_a_real_node_with_the_same_gradient() -> None:
    a = np.triu(_matrix((4, 4), False)) + np.diag([0.0, 1.0, 2.0, 3.0])
    a = a + 0.01 * _matrix((4, 4), False)
    assert _ours(a, _abs2_vectors)[0].dtype == np.float64
    x = Tensor(a, requires_grad=True)
    assert ag.gradcheck(lambda t: abs(np.linalg.eig(t)[1]), (x,))


def test_non_square_is_refused_naming_the_op_and_shape() -> None:
    for shape in [(3, 4), (4,)]:
        with pytest.raises(ValueError, match=r"eig.*square.*" + str(shape).replace("(", r"\(")
                           .replace(")", r"\)")):
            np.linalg.eig(Tensor(np.ones(shape), requires_grad=True))


def test_a_loss_of_the_free_phases_is_refused() -> None:
    x = Tensor(_matrix((3, 3), True), requires_grad=True)
    lw, v = np.linalg.eig(x)
    with pytest.raises(ValueError, match="eig: the loss depends on the phase"):
        v.real.sum().backward()


@needs_torch
def test_repeated_eigenvalues_give_non_finite_vector_gradients_as_pytorch() -> None:
    """Documented behaviour: the eigenvalues' gradient stays finite (V invertible); the
    vectors' has 1/(Lⱼ - Lᵢ) and is inf/nan, as PyTorch's; nothing raises."""
    a = np.diag([2.0, 2.0, 1.0])
    _, _, g = _ours(a, _abs2_values)
    _, tg = _theirs(a, _abs2_values)
    np.testing.assert_allclose(g, tg, atol=1e-12)
    _, _, g = _ours(a, _abs2_vectors)
    _, tg = _theirs(a, _abs2_vectors)
    assert not np.all(np.isfinite(g)) and not np.all(np.isfinite(tg))


def test_a_constant_input_gives_constants() -> None:
    lw, v = np.linalg.eig(Tensor(np.diag([1.0, 2.0])))
    assert not lw.requires_grad and not v.requires_grad
