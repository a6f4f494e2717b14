"""Memory layout never matters: every op of the table, and the layers, losses and optimizers,
give on Fortran-ordered, strided, negatively strided and broadcast-view inputs (and with a
non-contiguous upstream gradient) what they give on C-contiguous copies."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import testing
from op_table import ROWS
from test_autograd_ops import as_list, sample, weights, wrap

LAYOUTS = [x for x in testing.LAYOUTS if x != "C"]
FIRST = [pytest.param(r, id=r.name) for r in ROWS if r.examples]


def _forward_backward(r, arrays, grad_layout, contiguous):
    inputs = wrap(r, arrays)
    outs = as_list(r.fn(*inputs, **r.kwargs))
    ws = [testing.in_layout(w, grad_layout) for w in weights(outs)]
    if contiguous:  # the same upstream values (a broadcast view repeats them), in C order
        ws = [np.array(w, order="C") for w in ws]
    if any(o.requires_grad for o in outs):
        if len(outs) == 1:
            outs[0].backward(ws[0])
        else:
            sum((o * w).sum() for o, w in zip(outs, ws)).backward()
    grads = [None if t.grad is None else t.grad.data for t in inputs]
    return [o.data for o in outs], grads


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("r", FIRST)
def test_op_ignores_layout(r, layout):
    contiguous = sample(r, r.examples[0], np.float64)
    laid_out = [testing.in_layout(a, layout) for a in contiguous]
    # A broadcast view changes the values (rows repeat): compare with C copies of it.
    contiguous = [np.array(a, order="C") for a in laid_out]
    with np.errstate(all="ignore"):
        want_out, want_grad = _forward_backward(r, contiguous, layout, True)
        got_out, got_grad = _forward_backward(r, laid_out, layout, False)
    for g, w in zip(got_out, want_out):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14, equal_nan=True)
    for j, (g, w) in enumerate(zip(got_grad, want_grad)):
        if w is None:
            assert g is None
            continue
        assert g.shape == laid_out[j].shape
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14, equal_nan=True,
                                   err_msg=f"gradient of input {j}")


def test_in_layout_keeps_values():
    a = np.arange(24.0).reshape(2, 3, 4)
    for layout in ("C", "F", "strided", "reversed"):
        b = testing.in_layout(a, layout)
        np.testing.assert_array_equal(b, a)
    assert testing.in_layout(a, "F").flags.f_contiguous
    assert testing.in_layout(a, "strided").base is not None
    assert all(s < 0 for s in testing.in_layout(a, "reversed").strides)
    assert testing.in_layout(a, "broadcast").strides[0] == 0
    with pytest.raises(ValueError, match="unknown layout"):
        testing.in_layout(a, "diagonal")


# -- losses and layers ------------------------------------------------------------------------
def _pair(a: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """(C-contiguous copy, the array in `layout`) holding the same values."""
    laid_out = testing.in_layout(a, layout)
    return np.array(laid_out, order="C"), laid_out


def _scores(layout: str) -> np.ndarray:
    # A scores table typed class by row, then transposed: Fortran-ordered (N, C) logits.
    table = np.random.default_rng(0).standard_normal((5, 4))  # (C, N)
    return testing.in_layout(np.ascontiguousarray(table.T), layout)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_gradient_ignores_layout(layout, label_smoothing):
    target = np.array([0, 4, 2, 1])
    grads = []
    for scores in _pair(_scores("C"), layout):
        x = ag.tensor(scores, requires_grad=True)
        nn.functional.cross_entropy(x, target, label_smoothing=label_smoothing).backward()
        grads.append(x.grad.data)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-15)


def test_cross_entropy_fortran_logits_match_torch():
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    target = np.array([0, 4, 2, 1])
    x = ag.tensor(_scores("F"), requires_grad=True)
    nn.functional.cross_entropy(x, target).backward()
    tx = torch.tensor(_scores("C"), requires_grad=True)
    torch.nn.functional.cross_entropy(tx, torch.tensor(target)).backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10)


LOSSES = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("loss", LOSSES)
def test_elementwise_losses_ignore_layout(loss, layout):
    rng = np.random.default_rng(1)
    preds = _pair(rng.uniform(0.1, 0.9, (4, 3)), layout)
    targets = _pair(rng.uniform(0.1, 0.9, (4, 3)), layout)
    results = []
    for pred, target in zip(preds, targets):
        x = ag.tensor(pred, requires_grad=True)
        out = getattr(nn.functional, loss)(x, target)
        out.backward()
        results.append((out.data, x.grad.data))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "RMSprop", "Adagrad", "AdamW"])
def test_layer_and_optimizer_ignore_layout(opt_name, layout):
    """Two Dense layers, one holding C arrays and one the same values in `layout`, trained on
    inputs in those layouts, stay equal step after step."""
    xs = _pair(np.random.default_rng(2).standard_normal((6, 4)), layout)
    # Parameters are written in place, so they take every layout but the read-only broadcast.
    param_layout = layout if layout != "broadcast" else "reversed"
    runs = []
    for lay, x_arr in zip(("C", param_layout), xs):
        ag.manual_seed(0)
        layer = nn.Dense(4, 3)
        for p in layer.parameters():
            p.data = testing.in_layout(p.data.astype(np.float64), lay)
        opt = getattr(optim, opt_name)(layer.parameters(), lr=0.05)
        for _ in range(3):
            opt.zero_grad()
            (layer(ag.tensor(x_arr)).tanh() ** 2).mean().backward()
            opt.step()
        runs.append([p.data.copy() for p in layer.parameters()])
    for got, want in zip(runs[1], runs[0]):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
