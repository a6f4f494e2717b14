"""Module, Parameter and the containers: registries, modes, state_dict, repr, summary."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor


class Affine(nn.Module):
    """A minimal layer with a parameter, an optional bias and a buffer."""

    def __init__(self, n_in: int, n_out: int, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w = nn.Parameter(rng.standard_normal((n_in, n_out)).astype(np.float32))
        self.b = nn.Parameter(np.zeros(n_out, np.float32))
        self.register_buffer("calls", np.zeros((), np.int64))

    def forward(self, x):
        return x @ self.w + self.b


class Net(nn.Module):
    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self.first = Affine(3, 4, seed)
        self.body = nn.Sequential(Affine(4, 4, seed + 1), Affine(4, 2, seed + 2))
        self.scale = nn.Parameter(np.ones(1, np.float32))

    def forward(self, x):
        return self.body(self.first(x)) * self.scale


# -- Parameter ---------------------------------------------------------------------------------
def test_parameter_dtypes_and_flags():
    assert nn.Parameter([1.0, 2.0]).dtype == np.float32
    p = nn.Parameter(np.zeros(3, np.float64))
    assert p.dtype == np.float64 and p.requires_grad and p.is_leaf
    assert isinstance(p, Tensor)
    assert not nn.Parameter(np.zeros(2, np.float32), requires_grad=False).requires_grad
    with pytest.raises(TypeError, match="floating-point"):
        nn.Parameter(np.zeros(3, np.int64))


# -- registries --------------------------------------------------------------------------------
def test_registration_order_and_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "first.w", "first.b", "body.0.w", "body.0.b", "body.1.w",
                     "body.1.b"]
    assert [n for n, _ in net.named_buffers()] == ["first.calls", "body.0.calls",
                                                    "body.1.calls"]
    assert [n for n, _ in net.named_children()] == ["first", "body"]
    assert len(list(net.modules())) == 5
    assert all(not isinstance(b, nn.Parameter) for b in net.buffers())


def test_shared_parameter_listed_once_and_reassignment():
    a = Affine(2, 2)
    seq = nn.Sequential(a, a)
    assert len(list(seq.parameters())) == 2
    a.b = None
    assert [n for n, _ in a.named_parameters()] == ["w"]
    a.b = nn.Parameter(np.ones(2, np.float32))
    assert [n for n, _ in a.named_parameters()] == ["w", "b"]  # re-registered at the end
    with pytest.raises(TypeError, match="nn.Parameter"):
        a.w = np.zeros((2, 2))
    del a.w
    assert [n for n, _ in a.named_parameters()] == ["b"]


def test_shared_submodule_is_saved_and_loaded_under_each_name_like_torch():
    # state_dict() listed a shared submodule's entries only under its first name, so a state
    # saved by PyTorch (or by an untied copy of the model) was refused as "unexpected keys".
    torch = pytest.importorskip("torch", reason="compares state_dict keys with PyTorch")
    dense = nn.Dense(2, 3)
    net = nn.Sequential(dense, nn.ReLU(), dense, nn.BatchNorm1d(3))
    linear = torch.nn.Linear(2, 3)
    ref = torch.nn.Sequential(linear, torch.nn.ReLU(), linear, torch.nn.BatchNorm1d(3))
    assert list(net.state_dict()) == list(ref.state_dict())
    assert len(list(net.parameters())) == 4  # parameters are still listed once
    untied = nn.Sequential(nn.Dense(2, 3), nn.ReLU(), nn.Dense(2, 3), nn.BatchNorm1d(3))
    net.load_state_dict(untied.state_dict())
    np.testing.assert_array_equal(dense.weight.data, untied[2].weight.data)  # the later name


def test_plain_attributes_and_buffers():
    a = Affine(2, 2)
    a.note = "plain"
    assert "note" not in dict(a.named_parameters()) and a.note == "plain"
    a.calls = np.ones((), np.int64)
    assert isinstance(a.calls, Tensor) and a.calls.item() == 1
    with pytest.raises(TypeError, match="buffer 'calls'"):
        a.calls = "text"
    with pytest.raises(KeyError, match="invalid buffer name"):
        a.register_buffer("a.b", np.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        a.register_buffer("note", np.zeros(1))
    a.register_buffer("scratch", np.zeros(2), persistent=False)
    assert "scratch" in dict(a.named_buffers()) and "scratch" not in a.state_dict()


def test_assigning_before_super_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_forward_missing_is_explained():
    with pytest.raises(TypeError, match="no forward"):
        nn.Module()(Tensor([1.0]))


# -- modes and grads ---------------------------------------------------------------------------
def test_train_eval_propagate_to_every_descendant():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.body.train()
    assert net.body[1].training and not net.training and not net.first.training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(TypeError, match="bool"):
        net.train("no")


def test_zero_grad():
    net = Net()
    net(Tensor(np.ones((2, 3), np.float32))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


# -- state_dict ----------------------------------------------------------------------------------
def test_state_dict_keys_and_copies():
    net = Net()
    state = net.state_dict()
    assert list(state) == list(Net(seed=5).state_dict())
    assert list(state) == ["scale", "first.w", "first.b", "first.calls", "body.0.w", "body.0.b",
                           "body.0.calls", "body.1.w", "body.1.b", "body.1.calls"]
    state["first.w"][...] = 7.0
    assert not np.any(net.first.w.data == 7.0)
    before = state["body.0.w"].copy()
    net.body[0].w.data[...] = -1.0
    np.testing.assert_array_equal(state["body.0.w"], before)


def test_load_state_dict_round_trip_reproduces_outputs():
    a, b = Net(seed=0), Net(seed=10)
    x = Tensor(np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32))
    assert not np.allclose(a(x).data, b(x).data)
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(a(x).data, b(x).data)
    assert all(p.dtype == np.float32 for p in b.parameters())


def test_load_state_dict_casts_and_accepts_tensors():
    a = Affine(2, 3)
    state = {k: np.asarray(v, np.float64) for k, v in a.state_dict().items()}
    state["w"] = Tensor(state["w"] + 1)
    a2 = Affine(2, 3, seed=9)
    a2.load_state_dict(state)
    assert a2.w.dtype == np.float32
    np.testing.assert_allclose(a2.w.data, a.w.data + 1, rtol=1e-6)


def test_strict_errors_list_keys_and_change_nothing():
    net = Net()
    state = net.state_dict()
    del state["first.b"]
    state["extra.w"] = np.zeros(1)
    other = Net(seed=3)
    before = other.state_dict()
    with pytest.raises(RuntimeError) as info:
        other.load_state_dict(state)
    msg = str(info.value)
    assert "missing keys: 'first.b'" in msg and "unexpected keys: 'extra.w'" in msg
    assert "strict=False" in msg
    for k, v in other.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    result = other.load_state_dict(state, strict=False)
    assert result.missing_keys == ["first.b"] and result.unexpected_keys == ["extra.w"]
    np.testing.assert_array_equal(other.first.w.data, net.first.w.data)


def test_shape_mismatch_named_even_when_not_strict():
    net = Net()
    state = net.state_dict()
    state["body.1.w"] = np.zeros((4, 5), np.float32)
    with pytest.raises(RuntimeError, match=r"body\.1\.w.*\(4, 5\).*\(4, 2\)"):
        net.load_state_dict(state, strict=False)


@st.composite
def module_trees(draw, depth=0):
    """Random nests of Affine layers, Sequentials and ModuleLists."""
    if depth >= 2 or draw(st.booleans()):
        return Affine(draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(0, 99)))
    kids = draw(st.lists(module_trees(depth=depth + 1), min_size=1, max_size=3))
    return nn.Sequential(*kids) if draw(st.booleans()) else nn.ModuleList(kids)


@given(module_trees(), st.integers(0, 2 ** 31))
def test_state_dict_property(tree, seed):
    """Keys are parameters then buffers per module, in traversal order; loading a perturbed
    state and reading it back gives exactly that state."""
    state = tree.state_dict()
    expected = []
    for prefix, m in tree.named_modules():
        pre = prefix + "." if prefix else ""
        expected += [pre + n for n in m._parameters] + [pre + n for n in m._buffers]
    assert list(state) == expected
    rng = np.random.default_rng(seed)
    new = {k: (v + rng.standard_normal(v.shape)).astype(v.dtype) for k, v in state.items()}
    tree.load_state_dict(new)
    for k, v in tree.state_dict().items():
        np.testing.assert_array_equal(v, new[k])


# -- repr and summary --------------------------------------------------------------------------
def test_repr_prints_the_tree():
    model = nn.Sequential(nn.Dense(4, 3), nn.Sequential(nn.Dropout(0.25)), nn.Dense(3, 2, False))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Dense(in_features=4, out_features=3, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): Dropout(p=0.25)\n"
        "  )\n"
        "  (2): Dense(in_features=3, out_features=2, bias=False)\n"
        ")"
    )
    assert repr(nn.Module()) == "Module()"


def test_summary_rows_shapes_counts_and_totals(capsys):
    model = nn.Sequential(nn.Dense(4, 3), nn.BatchNorm1d(3), nn.Dropout(0.5),
                          nn.Sequential(nn.Dense(3, 5), nn.Dense(5, 2)), nn.Maxout(2, 6, 3))
    model[0].bias.requires_grad_(False)
    text = model.summary((4,))
    assert capsys.readouterr().out.strip() == text.strip()
    rows = {line.split()[0]: line.split() for line in text.splitlines()
            if line[:1].isdigit()}
    assert list(rows) == ["0", "1", "2", "3", "4"]
    assert rows["0"][1:] == ["(Dense)", "(None,", "3)", "15"]
    assert rows["1"][1:] == ["(BatchNorm1d)", "(None,", "3)", "6"]
    assert rows["2"][1:] == ["(Dropout)", "(None,", "3)", "0"]
    assert rows["3"][1:] == ["(Sequential)", "(None,", "2)", "32"]  # 3·5 + 5 + 5·2 + 2
    assert rows["4"][1:] == ["(Maxout)", "(None,", "6)", "54"]  # 2·18 + 18
    assert "Total params: 107" in text
    assert "Trainable params: 104" in text and "Non-trainable params: 3" in text


def test_summary_leaves_modes_and_state_alone():
    model = nn.Sequential(nn.Dense(3, 4), nn.BatchNorm1d(4))
    model[1].eval()
    before = model.state_dict()
    model.summary((3,), print_fn=None)
    assert model.training and not model[1].training and model[0].training
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    assert not model[0]._forward_hooks  # the probe hooks are removed


def test_summary_of_a_single_layer_and_large_counts():
    text = nn.Dense(1000, 1000).summary(1000, print_fn=None)
    row = [line for line in text.splitlines() if line.startswith("Dense")]
    assert len(row) == 1 and row[0].split() == ["Dense", "(None,", "1000)", "1,001,000"]
    assert "Total params: 1,001,000" in text


# -- hooks and containers ------------------------------------------------------------------------
def test_forward_hook_sees_and_may_replace_output():
    layer = Affine(2, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append((m, args, out)))
    x = Tensor(np.ones((1, 2), np.float32))
    out = layer(x)
    assert seen[0][0] is layer and seen[0][1][0] is x and seen[0][2] is out
    handle.remove()
    layer(x)
    assert len(seen) == 1
    layer.register_forward_hook(lambda m, args, out: out * 0)
    assert np.all(layer(x).data == 0)


def test_sequential_list_behaviour():
    layers = [Affine(3, 3, s) for s in range(3)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    assert list(seq) == layers
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == layers[1:]
    x = Tensor(np.ones((2, 3), np.float32))
    np.testing.assert_allclose(seq(x).data, layers[2](layers[1](layers[0](x))).data)
    seq.append(Affine(3, 1))
    assert len(seq) == 4 and [n for n, _ in seq.named_children()] == ["0", "1", "2", "3"]
    with pytest.raises(IndexError, match="out of range"):
        seq[4]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(Affine(1, 1), "relu")
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"] and seq[0] is layers[1]


def test_module_list_registers_and_renumbers():
    ml = nn.ModuleList([Affine(2, 2, 0), Affine(2, 2, 1)])
    ml.insert(0, Affine(2, 2, 2))
    assert [n for n, _ in ml.named_parameters()] == ["0.w", "0.b", "1.w", "1.b", "2.w", "2.b"]
    ml[1] = Affine(2, 2, 3)
    ml.extend([Affine(2, 2, 4)])
    assert len(ml) == 4 and isinstance(ml[1:], nn.ModuleList)
    with pytest.raises(TypeError, match="no forward"):
        ml(Tensor([1.0]))


def test_requires_grad_toggle_and_gradients_flow():
    net = Net()
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_(True)
    with autograd.no_grad():
        assert not net(Tensor(np.ones((1, 3), np.float32))).requires_grad
