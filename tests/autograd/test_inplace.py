"""In-place operators, methods and item assignment, as PyTorch users write them."""
from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn

TORCH_REASON = "PyTorch cross-checks need torch installed"

# (name, how to apply it to a tensor t with a second operand o) for every in-place form
OPS = {
    "iadd": lambda t, o: t.__iadd__(o),
    "isub": lambda t, o: t.__isub__(o),
    "imul": lambda t, o: t.__imul__(o),
    "itruediv": lambda t, o: t.__itruediv__(o),
    "ipow": lambda t, o: t.__ipow__(o),
    "add_": lambda t, o: t.add_(o),
    "sub_": lambda t, o: t.sub_(o),
    "mul_": lambda t, o: t.mul_(o),
    "div_": lambda t, o: t.div_(o),
    "pow_": lambda t, o: t.pow_(o),
    "clamp_": lambda t, o: t.clamp_(-0.5, 0.5),
    "zero_": lambda t, o: t.zero_(),
    "fill_": lambda t, o: t.fill_(0.25),
    "copy_": lambda t, o: t.copy_(o),
    "setitem": lambda t, o: (t.__setitem__((slice(None), 1), o[:, 1]), t)[1],
}


def _x(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, (3, 4))


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason=TORCH_REASON)


@pytest.mark.parametrize("name", OPS)
def test_no_grad_mutates_same_object_and_buffer(name):
    p = ag.tensor(_x(), requires_grad=True)
    o = ag.tensor(_x(1))
    data, ptr, version = p.data, p.data.ctypes.data, p._version
    expected = OPS[name](ag.tensor(_x()), o).data.copy()  # no grad needed: plain write
    with ag.no_grad():
        out = OPS[name](p, o)
    assert out is p and p.data is data and p.data.ctypes.data == ptr
    assert p.requires_grad and p.is_leaf and p._version > version
    np.testing.assert_array_equal(p.data, expected)


@pytest.mark.parametrize("name", OPS)
def test_values_match_torch(name, torch):
    t, o = ag.tensor(_x()), ag.tensor(_x(1))
    tt, to = torch.tensor(_x()), torch.tensor(_x(1))
    OPS[name](t, o)
    OPS[name](tt, to)
    np.testing.assert_allclose(t.data, tt.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", OPS)
def test_leaf_that_requires_grad_is_refused_in_grad_mode(name, torch):
    p = ag.tensor(_x(), requires_grad=True)
    before = p.data.copy()
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        OPS[name](p, ag.tensor(_x(1)))
    np.testing.assert_array_equal(p.data, before)  # refused before any write
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        OPS[name](torch.tensor(_x(), requires_grad=True), torch.tensor(_x(1)))


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("other_grad", [False, True])
def test_non_leaf_is_recorded_like_torch(name, other_grad, torch):
    x = ag.tensor(_x(), requires_grad=True)
    o = ag.tensor(_x(1), requires_grad=other_grad)
    y = x * 2.0
    OPS[name](y, o)
    (y * ag.tensor(_x(2))).sum().backward()
    tx = torch.tensor(_x(), requires_grad=True)
    to = torch.tensor(_x(1), requires_grad=other_grad)
    ty = tx * 2.0
    OPS[name](ty, to)
    (ty * torch.tensor(_x(2))).sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    if other_grad and to.grad is not None:
        np.testing.assert_allclose(o.grad.data, to.grad.numpy(), rtol=1e-12)
    else:
        assert o.grad is None or not np.any(o.grad.data)


def test_recorded_in_place_is_differentiable_twice(torch):
    x = ag.tensor(_x(), requires_grad=True)
    y = x * 1.0
    y **= 3.0
    y *= x
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    tx = torch.tensor(_x(), requires_grad=True)
    ty = tx * 1.0
    ty **= 3.0
    ty *= tx
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    (th,) = torch.autograd.grad(tg.sum(), tx)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-12)


def test_self_operand(torch):
    # y *= y: PyTorch refuses (mul_ saved y, then changed it); here the op keeps a copy of
    # the old value, so the gradient is right: d(x²)/dx = 2x.
    x = ag.tensor(_x(), requires_grad=True)
    y = x * 1.0
    y *= y
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * _x(), rtol=1e-12)
    tx = torch.tensor(_x(), requires_grad=True)
    ty = tx * 1.0
    ty *= ty
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ty.sum().backward()


def test_consumers_before_the_change_keep_the_old_value(torch):
    x = ag.tensor(_x(), requires_grad=True)
    y = x * 2.0
    z = y + 3.0  # Add saves nothing: it must still route through y's old node
    y *= 5.0
    (z.sum() + y.sum()).backward()
    tx = torch.tensor(_x(), requires_grad=True)
    ty = tx * 2.0
    tz = ty + 3.0
    ty *= 5.0
    (tz.sum() + ty.sum()).backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


# -- views -------------------------------------------------------------------------------------
def _view_scenarios(lib, tensor):
    """The same code for both libraries: in-place changes through basic-indexing views."""
    x = tensor(_x(), requires_grad=True)
    w = tensor(_x(3)[0], requires_grad=True)
    y = x * 2.0
    y[0] += w  # getitem, iadd on the view, setitem
    v = y[1:, ::2]
    v *= 3.0  # the change must reach y's graph
    b = lib.zeros((3, 4), dtype=x.dtype)
    b[2] += w  # a constant base gets a graph
    return x, w, (y * tensor(_x(4))).sum() + (b * b).sum()


def test_views_match_torch(torch):
    x, w, loss = _view_scenarios(ag, lambda a, **k: ag.tensor(a, **k))
    loss.backward()
    tx, tw, tloss = _view_scenarios(torch, lambda a, **k: torch.tensor(a, **k))
    tloss.backward()
    np.testing.assert_allclose(loss.data, tloss.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)


def test_view_of_leaf_is_refused():
    p = ag.tensor(_x(), requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf tensor that requires grad"):
        p[0] += 1.0
    with ag.no_grad():
        p[0] += 1.0
    np.testing.assert_allclose(p.data[0], _x()[0] + 1.0)


def test_view_op_output_is_refused():
    x = ag.tensor(_x(), requires_grad=True)
    y = (x * 1.0).T
    with pytest.raises(RuntimeError, match="Transpose, a view of its input"):
        y += 1.0


def test_broadcast_view_is_read_only():
    t = ag.Tensor(np.broadcast_to(np.ones(3), (2, 3)))
    with pytest.raises(ValueError, match="read-only"):
        t += 1.0


def test_shape_and_dtype_rules(torch):
    t = ag.tensor(np.ones((2, 3), np.float32))
    t += np.ones(3)  # broadcasting the right side; float32 stays float32
    assert t.dtype == np.float32
    with pytest.raises(ValueError, match="add_"):
        t += np.ones((4, 2, 3))
    i = ag.tensor(np.arange(3))
    with pytest.raises(TypeError, match="add_"):
        i += 0.5
    with pytest.raises(RuntimeError):
        torch.arange(3).add_(0.5)


def test_numpy_out_argument():
    t = ag.tensor(np.ones(3))
    v = t._version
    r = np.multiply(t, 2.0, out=t)
    assert r is t and t._version == v + 1
    np.testing.assert_array_equal(t.data, 2.0)
    p = ag.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TypeError, match="np.add"):
        np.add(p, 1.0, out=p)


# -- the update loop PyTorch's tutorial writes -----------------------------------------------
def test_manual_update_loop_trains_like_torch(torch):
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((32, 4)), rng.standard_normal((32, 1))
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(),
                                 torch.nn.Linear(8, 1)).double()
    with torch.no_grad():
        for tp, p in zip(tmodel.parameters(), model.parameters()):
            same = p.data.shape == tuple(tp.shape)  # (in, out) or (out, in) weights alike
            tp.copy_(torch.tensor(p.data if same else p.data.T))
    losses, tlosses = [], []
    for _ in range(30):
        loss = ((model(ag.tensor(xs)) - ag.tensor(ys)) ** 2).mean()
        model.zero_grad()
        loss.backward()
        with ag.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
        tloss = ((tmodel(torch.tensor(xs)) - torch.tensor(ys)) ** 2).mean()
        tmodel.zero_grad()
        tloss.backward()
        with torch.no_grad():
            for p in tmodel.parameters():
                p -= 0.1 * p.grad
        losses.append(loss.item())
        tlosses.append(tloss.item())
    np.testing.assert_allclose(losses, tlosses, rtol=1e-10)
    assert losses[-1] < 0.8 * losses[0]


def test_view_taken_before_its_base_changed_raises():
    # PyTorch replays the view; here backward through it names the indexing op instead of
    # using the value the view had before.
    x = ag.tensor(_x(), requires_grad=True)
    y = x * 2.0
    v = y[0:2]
    y *= 3.0
    with pytest.raises(RuntimeError, match="GetItem.*modified by an inplace operation"):
        v.sum().backward()
