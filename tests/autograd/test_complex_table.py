"""Every op of the op table (op_table.ROWS) on complex inputs: a right gradient or a refusal.

An op either refuses complex inputs with a TypeError, or its gradient passes the complex
gradcheck (real and imaginary parts perturbed, PyTorch's convention) and, where PyTorch
computes the op on complex numbers, equals PyTorch's. Nothing is written op by op: this is
the net under the complex rules of all ops, including ones added later.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor
from autograd.complex_grad import ComplexGradError
from op_table import ROWS
from table_support import OpRow

PARAMS = [pytest.param(r, id=r.name) for r in ROWS]

# Ops that must keep working on complex numbers (a refusal here would be a regression).
SUPPORTED = {
    "add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "abs", "sin", "cos",
    "tanh", "sigmoid", "log1p", "expm1", "sum", "mean", "var", "std", "matmul", "reshape",
    "transpose", "tan", "sinh", "cosh", "log2", "log10", "exp2", "prod", "cumsum", "cumprod",
    "einsum", "tensordot", "outer", "flip", "roll", "tile", "tril", "triu", "diag", "trace",
    "np_linalg_eig", "np_linalg_eigvals",
}


def complex_inputs(r: OpRow, seed: int = 0) -> list[np.ndarray]:
    """The row's real sample plus a small imaginary part (0.3 of another sample), on the
    inputs that take a gradient; the others (indices, masks) stay as they are."""
    rng = np.random.default_rng(seed)
    shapes = r.examples[0]
    out = []
    for j, (dom, shape) in enumerate(zip(r.domain, shapes)):
        re = dom.sample(rng, shape, np.float64)
        if r.wants_grad(j):
            re = re + 0.3j * dom.sample(rng, shape, np.float64)
        out.append(re)
    return out


def run(r: OpRow, arrays: list[np.ndarray]) -> Any:
    ins = [Tensor(a.copy(), requires_grad=r.wants_grad(j)) for j, a in enumerate(arrays)]
    return ins, r.fn(*ins, **r.kwargs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("r", PARAMS)
def test_complex_gradient_is_right_or_refused(r: OpRow) -> None:
    arrays = complex_inputs(r)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            run(r, arrays)
    except ComplexGradError as e:
        assert r.name not in SUPPORTED, f"{r.name} refused complex inputs: {e}"
        return
    except TypeError as e:  # NumPy's own refusal (floor, arctan2, ... have no complex loop)
        assert r.name not in SUPPORTED, f"{r.name} refused complex inputs: {e}"
        return
    ins = [Tensor(a.copy(), requires_grad=r.wants_grad(j)) for j, a in enumerate(arrays)]
    opts = {"atol": 1e-5, "rtol": 1e-4, **r.check}
    try:
        ag.gradcheck(lambda *xs: r.fn(*xs, **r.kwargs), ins, **opts)
    except ValueError as e:  # eigh, svd: a loss of the complex vectors' free phases (v vᵀ)
        assert "phase" in str(e), e


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore:Casting complex values to real:UserWarning")  # PyTorch's
@pytest.mark.parametrize("r", PARAMS)
def test_complex_gradient_matches_pytorch(r: OpRow) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for these cross-checks")
    if r.torch is None:
        pytest.skip(f"{r.name} has no PyTorch equivalent")
    if "eigh" in r.name:
        pytest.skip("the table's complex inputs are not Hermitian: PyTorch's eigh gradient "
                    "assumes one, ours is the derivative of the triangle read (gradcheck "
                    "above; PyTorch on Hermitian inputs in test_complex.py)")
    arrays = complex_inputs(r, seed=1)
    try:
        ins, out = run(r, arrays)
    except TypeError:
        pytest.skip(f"{r.name} refuses complex inputs (checked above)")
    t_ins = [torch.tensor(a, requires_grad=r.wants_grad(j)) for j, a in enumerate(arrays)]
    try:
        t_out = r.torch(*t_ins, **r.kwargs)
    except (RuntimeError, TypeError, NotImplementedError) as e:
        pytest.skip(f"PyTorch has no complex {r.name}: {e}")
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    t_outs = list(t_out) if isinstance(t_out, (tuple, list)) else [t_out]
    rng = np.random.default_rng(2)
    loss, t_loss = 0, 0
    for o, t in zip(outs, t_outs):
        if not np.all(np.isfinite(t.detach().resolve_conj().numpy())):
            pytest.skip(f"PyTorch's complex {r.name} overflows here (ours is stabilized)")
        np.testing.assert_allclose(o.data, t.detach().resolve_conj().numpy(), rtol=1e-6,
                                   atol=1e-7)
        w = rng.standard_normal(o.shape) + (1j * rng.standard_normal(o.shape)
                                            if o.dtype.kind == "c" else 0)
        loss = loss + ag.real(o * np.conj(w)).sum()
        t_loss = t_loss + torch.real(t * torch.tensor(np.conj(w))).sum()
    single = any(o.dtype in (np.float32, np.complex64) for o in outs)
    tol = {"rtol": 1e-5, "atol": 1e-6} if single else {"rtol": 1e-9, "atol": 1e-11}
    diff = [j for j in range(r.arity) if r.wants_grad(j)]
    ours = ag.grad(loss, [ins[j] for j in diff], allow_unused=True)
    theirs = torch.autograd.grad(t_loss, [t_ins[j] for j in diff], allow_unused=True)
    for j, g, tg in zip(diff, ours, theirs):
        want = np.zeros(arrays[j].shape) if tg is None else tg.resolve_conj().numpy()
        got = np.zeros(arrays[j].shape) if g is None else g.data
        np.testing.assert_allclose(got, want, **tol, err_msg=f"{r.name}: gradient of input {j}")
