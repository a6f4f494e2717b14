"""NumPy functions on Tensors: the op where one exists, a TypeError where none does."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd import numpy_interop as interop


def _t(shape=(3, 4), seed=0, lo=0.2, hi=0.9):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.uniform(lo, hi, shape), requires_grad=True)


# How each table entry is called in the tests: a function of fresh float64 inputs.
CALLS = {
    np.where: lambda a, b: np.where(a.data > 0.5, a, b),
    np.broadcast_to: lambda a, b: np.broadcast_to(a[0], (2, 4)),
    np.concatenate: lambda a, b: np.concatenate([a, b], axis=1),
    np.stack: lambda a, b: np.stack([a, b]),
    np.expand_dims: lambda a, b: np.expand_dims(a, 1),
    np.squeeze: lambda a, b: np.squeeze(a[:1]),
    np.reshape: lambda a, b: np.reshape(a, (4, 3)),
    np.transpose: lambda a, b: np.transpose(a),
    np.swapaxes: lambda a, b: np.swapaxes(a, 0, 1),
    np.sum: lambda a, b: np.sum(a, axis=0),
    np.mean: lambda a, b: np.mean(a, axis=1, keepdims=True),
    np.max: lambda a, b: np.max(a, axis=1),
    np.min: lambda a, b: np.min(a),
    np.amax: lambda a, b: np.amax(a, axis=0),
    np.amin: lambda a, b: np.amin(a, axis=0),
    np.split: lambda a, b: np.split(a, 2, axis=1)[1],
    np.dot: lambda a, b: np.dot(a, b.T),
    np.clip: lambda a, b: np.clip(a, 0.3, 0.7),
    np.var: lambda a, b: np.var(a, axis=0),
    np.std: lambda a, b: np.std(a),
    np.matmul: lambda a, b: np.matmul(a, b.T),
    np.maximum: lambda a, b: np.maximum(a, b),
    np.minimum: lambda a, b: np.minimum(a, b),
    # the PyTorch-surface ops
    np.prod: lambda a, b: np.prod(a, axis=1),
    np.cumsum: lambda a, b: np.cumsum(a, axis=0),
    np.cumprod: lambda a, b: np.cumprod(a),
    np.sort: lambda a, b: np.sort(a * b, axis=0),
    np.flip: lambda a, b: np.flip(a, 1),
    np.fliplr: lambda a, b: np.fliplr(a),
    np.flipud: lambda a, b: np.flipud(a),
    np.roll: lambda a, b: np.roll(a, 1, 0),
    np.tile: lambda a, b: np.tile(a, (2, 1)),
    np.repeat: lambda a, b: np.repeat(a, 2, axis=1),
    np.pad: lambda a, b: np.pad(a, 1),
    np.take_along_axis: lambda a, b: np.take_along_axis(a, np.array([[2, 0, 1, 1]]), 0),
    np.tril: lambda a, b: np.tril(a),
    np.triu: lambda a, b: np.triu(a, 1),
    np.diag: lambda a, b: np.diag(a[0]),
    np.diagonal: lambda a, b: np.diagonal(a, 1),
    np.trace: lambda a, b: np.trace(a),
    np.outer: lambda a, b: np.outer(a[0], b[1]),
    np.tensordot: lambda a, b: np.tensordot(a, b),
    np.einsum: lambda a, b: np.einsum("ij,kj->ik", a, b),
    np.ravel: lambda a, b: np.ravel(a),
    np.round: lambda a, b: np.round(a) + a,
    np.around: lambda a, b: np.around(a) * b,
    np.moveaxis: lambda a, b: np.moveaxis(a, 0, 1),
    np.linalg.norm: lambda a, b: np.linalg.norm(a, axis=1),
    # NumPy functions with no PyTorch name (ops/numpy_extra.py, ops/decompositions.py)
    np.atleast_1d: lambda a, b: np.atleast_1d(a[0, 0]),
    np.atleast_2d: lambda a, b: np.atleast_2d(a[0]),
    np.atleast_3d: lambda a, b: np.atleast_3d(a),
    np.vstack: lambda a, b: np.vstack([a, b[0]], dtype=np.float64),
    np.hstack: lambda a, b: np.hstack((a, b)),
    np.dstack: lambda a, b: np.dstack([a, b]),
    np.column_stack: lambda a, b: np.column_stack([a[0], b.T]),
    np.array_split: lambda a, b: np.array_split(a * b, 3, axis=1)[0],
    np.vsplit: lambda a, b: np.vsplit(a, [1])[1],
    np.hsplit: lambda a, b: np.hsplit(a, 2)[0],
    np.dsplit: lambda a, b: np.dsplit(np.atleast_3d(a), 1)[0],
    np.rollaxis: lambda a, b: np.rollaxis(a, 1),
    np.rot90: lambda a, b: np.rot90(a * b),
    np.inner: lambda a, b: np.inner(a, b),
    np.kron: lambda a, b: np.kron(a, b[:2, :2]),
    np.diff: lambda a, b: np.diff(a * b, axis=0),
    np.append: lambda a, b: np.append(a, b[0]),
    np.select: lambda a, b: np.select([a > 0.5], [a], b),
    np.partition: lambda a, b: np.partition(a + b, 2),
    np.sinc: lambda a, b: np.sinc(a),
    np.nan_to_num: lambda a, b: np.nan_to_num(a),
    np.real: lambda a, b: np.real(a),
    np.imag: lambda a, b: np.imag(a) + b,
    np.angle: lambda a, b: np.angle(a - 0.5) * b,
    np.real_if_close: lambda a, b: np.real_if_close(a),
    np.linspace: lambda a, b: np.linspace(a[0, 0], b[1, 1], 4),
    np.gradient: lambda a, b: np.gradient(a * b, axis=1),
    np.cross: lambda a, b: np.cross(a[:, :3], b[:, 1:]),
    np.linalg.inv: lambda a, b: np.linalg.inv(a[:, :3] + 2 * np.eye(3)),
    np.linalg.pinv: lambda a, b: np.linalg.pinv(a + b),
    np.linalg.solve: lambda a, b: np.linalg.solve(a[:, :3] + 2 * np.eye(3), b),
    np.linalg.det: lambda a, b: np.linalg.det(a[:, :3]),
    np.linalg.slogdet: lambda a, b: np.linalg.slogdet(a[:, :3] + 2 * np.eye(3))[1],
    np.linalg.cholesky: lambda a, b: np.linalg.cholesky(a @ a.T + np.eye(3)),
    np.linalg.eigh: lambda a, b: np.linalg.eigh(a @ a.T)[0],
    np.linalg.svd: lambda a, b: np.linalg.svd(a, compute_uv=False),
    np.linalg.eig: lambda a, b: np.abs(np.linalg.eig(a[:, :3] + np.diag([0., 2., 4.]))[1]),
    np.linalg.eigvals: lambda a, b: np.linalg.eigvals(a[:, :3] - b[:, 1:]),
}


def test_every_function_entry_is_tested():
    missing = [f.__name__ for f in interop.FUNCTIONS if f not in CALLS]
    assert not missing, f"add a call for {missing} to CALLS"


@pytest.mark.parametrize("func", list(interop.FUNCTIONS), ids=lambda f: f.__name__)
def test_function_dispatches_to_a_differentiable_op(func):
    a, b = _t(seed=1), _t(seed=2)
    out = CALLS[func](a, b)
    assert isinstance(out, ag.Tensor) and out.requires_grad
    ag.gradcheck(lambda x, y: CALLS[func](x, y), (a, b))


@pytest.mark.parametrize("ufunc", list(interop.UFUNCS), ids=lambda f: f.__name__)
def test_ufunc_dispatches_to_a_differentiable_op(ufunc):
    a, b = _t(seed=1), _t(seed=2)
    if ufunc is np.matmul:
        args = (a, b.T)
    elif ufunc is np.arccosh:  # defined from 1 on
        args = (a + 1,)
    else:
        args = (a, b)[:ufunc.nin]
    out = ufunc(*args)
    assert isinstance(out, ag.Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, ufunc(*(x.data for x in args)), rtol=1e-12)
    ag.gradcheck(lambda *xs: ufunc(*xs), args)


@pytest.mark.parametrize("call", [
    # (prod, cumsum, outer, trace, arctan, norm, flipud, %, cumprod, sort, ravel and exp2
    # were here until they became ops; they are in CALLS and UFUNCS now)
    # (diff and kron too, until they became ops in ops/numpy_extra.py)
    # (and gradient and cross)
    lambda t: np.add.reduce(t), lambda t: np.ediff1d(t), lambda t: np.convolve(t, t),
    lambda t: np.unwrap(t), lambda t: np.trapezoid(t), lambda t: np.interp(t, t, t),
], ids=["add.reduce", "ediff1d", "convolve", "unwrap", "trapezoid", "interp"])
def test_function_without_op_refuses_a_tensor_that_requires_grad(call):
    t = ag.tensor([1.0, 2.0, 4.0, 0.5], requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.\w+.*(instead|takes only)"):
        call(t)
    plain = ag.tensor([1.0, 2.0, 4.0, 0.5])  # nothing to lose: computed as a constant
    out = call(plain)
    assert not getattr(out, "requires_grad", False)
    with ag.no_grad():
        call(t)


def test_the_issue_example_is_never_a_constant():
    # np.prod mixed into a loss once gave a constant (the gradient of x.sum() alone); it is
    # now the differentiable prod: d/dx (x0 x1 x2 + Σx) = (x1 x2, x0 x2, x0 x1) + 1.
    x = ag.tensor([1.0, 2.0, 4.0], requires_grad=True)
    (np.prod(x) + x.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [9.0, 5.0, 3.0])


@pytest.mark.parametrize("ufunc", [np.sign, np.floor, np.ceil, np.trunc, np.rint])
def test_rounding_ufuncs_have_a_zero_gradient_as_in_pytorch(ufunc):
    t = _t()
    out = ufunc(t)
    assert out.requires_grad  # as torch.floor(x) on a tensor that requires grad
    out.sum().backward()
    np.testing.assert_array_equal(t.grad.data, np.zeros(t.shape))


@pytest.mark.parametrize("call", [
    lambda t: t.data > 0.5,
    lambda t: np.argmax(t), lambda t: np.isfinite(t), lambda t: np.shape(t),
    lambda t: np.iscomplex(t), lambda t: np.isreal(t),
    lambda t: np.zeros_like(t), lambda t: np.allclose(t, t), lambda t: np.greater(t, 0.5),
])
def test_constant_functions_give_no_gradient(call):
    out = call(_t())
    assert not getattr(out, "requires_grad", False)


def test_asarray_is_an_explicit_conversion():
    t = _t().detach()
    assert np.asarray(t) is t.data


@pytest.mark.parametrize("call", [
    lambda t: np.asarray(t), lambda t: np.array([t, t]), lambda t: np.r_[t, t],
    lambda t: np.mean([t, t + 2]),
])
def test_numpy_conversions_of_a_tensor_that_requires_grad_raise(call):
    # NumPy would copy the values and the gradient would be lost; PyTorch raises as well
    with pytest.raises(RuntimeError, match="requires grad.*drop its gradient"):
        call(_t())


def test_numpy_functions_inside_a_loss_match_torch():
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    x = _t((4, 3))
    loss = np.sum(np.tanh(np.matmul(x, x.T)) * np.exp(-x[:, :1])) + np.mean(np.maximum(x, 0.5))
    loss.backward()
    tx = torch.tensor(x.data, requires_grad=True)
    tl = torch.sum(torch.tanh(tx @ tx.T) * torch.exp(-tx[:, :1])) + torch.mean(
        torch.maximum(tx, torch.tensor(0.5, dtype=tx.dtype)))
    tl.backward()
    np.testing.assert_allclose(loss.data, tl.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("call", [
    lambda t: t * (1 + 2j), lambda t: np.multiply(t, 1j), lambda t: t + np.ones(4, complex),
    lambda t: np.abs(t * (1 + 1j)), lambda t: np.sum(t.astype(np.complex64)),
], ids=["operator", "ufunc", "complex array", "abs of complex", "astype"])
def test_real_input_through_complex_results_gets_a_real_gradient(call):
    # A real input's gradient is the real part of the complex one (PyTorch's rule); the
    # imaginary parts on the way are kept (|x (1 + i)| has gradient √2 sign x, not 0).
    t = _t((3, 4))
    # (eps large enough for the complex64 cast)
    ag.gradcheck(lambda x: ag.real(call(x) * (0.3 - 0.7j)), [t], eps=1e-3, atol=1e-4)
    ag.real(call(t) * (0.3 - 0.7j)).sum().backward()
    assert t.grad.dtype == t.dtype
    out = call(t.detach())  # no gradient: complex arithmetic is NumPy's
    assert np.iscomplexobj(out.data) or out.dtype.kind == "f"


def test_linspace_dtype_and_axis_are_numpys():
    a = ag.tensor([0.0, 1.0], requires_grad=True)
    b = ag.tensor([2.0, 5.0], requires_grad=True)
    y = np.linspace(a, b, 3, dtype=np.float32, axis=1)
    want = np.linspace(a.data, b.data, 3, dtype=np.float32, axis=1)
    assert y.dtype == np.float32 and y.shape == want.shape == (2, 3)
    np.testing.assert_array_equal(y.data, want)
    y.sum().backward()  # each end weighs Σ (1 - k/2) = 1.5 and Σ k/2 = 1.5 over k = 0, 1, 2
    np.testing.assert_allclose(a.grad.data, [1.5, 1.5])
    np.testing.assert_allclose(b.grad.data, [1.5, 1.5])
    # An integer dtype floors, as NumPy does, and has no gradient.
    ints = np.linspace(ag.tensor(-1.5, requires_grad=True), ag.tensor(2.5), 5, dtype=np.int64)
    np.testing.assert_array_equal(ints.data, np.linspace(-1.5, 2.5, 5, dtype=np.int64))
    assert ints.dtype == np.int64 and not ints.requires_grad


def test_gradient_refuses_uneven_spacing_and_other_edge_orders():
    t = ag.tensor([1.0, 2.0, 4.0, 7.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="coordinate arrays"):
        np.gradient(t, np.array([0.0, 1.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="edge_order must be 1 or 2"):
        np.gradient(t, edge_order=3)
    with pytest.raises(ValueError, match="at least 3 elements"):
        np.gradient(t[:2], edge_order=2)
    with pytest.raises(ValueError, match="3 spacings for 1 axes"):
        np.gradient(t, 1.0, 2.0, 3.0)


def test_full_svd_of_a_constant_is_numpys_and_only_a_gradient_is_refused():
    x = np.random.default_rng(3).standard_normal((4, 3))
    for t, ctx in ((ag.tensor(x), ag.enable_grad), (ag.tensor(x, requires_grad=True), ag.no_grad)):
        with ctx():
            out = np.linalg.svd(t)
        for ours, want in zip(out, np.linalg.svd(x)):
            assert not ours.requires_grad
            np.testing.assert_array_equal(ours.data, want)
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        np.linalg.svd(ag.tensor(x, requires_grad=True))
