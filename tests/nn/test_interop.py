"""nn.utils.torch_state_dict / load_torch_state_dict: PyTorch's names and layouts, both ways.

The PyTorch tests build the same architecture in PyTorch, move the weights across in each
direction and compare outputs (and one training step); the others check names, layouts,
copies, round trips and the errors without torch.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from nn.interop import weight_is_transposed

TORCH_REASON = "PyTorch interop tests need torch installed"


def mlp(n_in: int = 5, hidden: int = 7, n_out: int = 3, dtype=np.float32) -> nn.Sequential:
    return nn.Sequential(nn.Dense(n_in, hidden, dtype=dtype), nn.BatchNorm1d(hidden, dtype=dtype),
                         nn.ReLU(), nn.Dropout(0.5), nn.Dense(hidden, n_out, dtype=dtype))


def torch_mlp(torch, n_in: int = 5, hidden: int = 7, n_out: int = 3):
    t = torch.nn
    return t.Sequential(t.Linear(n_in, hidden), t.BatchNorm1d(hidden), t.ReLU(), t.Dropout(0.5),
                        t.Linear(hidden, n_out))


def warm_up(model: nn.Module, n_in: int = 5, steps: int = 2, seed: int = 0) -> None:
    """A few training-mode forwards so the running statistics are not (0, 1)."""
    rng = np.random.default_rng(seed)
    with ag.no_grad():
        for _ in range(steps):
            model(ag.Tensor(rng.standard_normal((8, n_in)).astype(np.float32) * 2 + 1))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Dense(4, 6)
        self.norm = nn.BatchNorm1d(6)
        self.out = nn.Dense(6, 2, weight_init="xavier")

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return self.out(nn.functional.tanh(self.norm(self.hidden(x))))


# -- without torch ---------------------------------------------------------------------------
def test_names_and_layouts_are_pytorchs():
    model = mlp()
    warm_up(model)
    sd = nn.utils.torch_state_dict(model)
    assert list(sd) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                        "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"]
    assert sd["0.weight"].shape == (7, 5) and sd["4.weight"].shape == (3, 7)
    np.testing.assert_array_equal(sd["0.weight"], model[0].weight.data.T)
    np.testing.assert_array_equal(sd["1.running_var"], model[1].running_var.data)
    assert sd["1.num_batches_tracked"].dtype == np.int64 and int(sd["1.num_batches_tracked"]) == 2
    for arr in sd.values():
        assert isinstance(arr, np.ndarray) and arr.flags.c_contiguous
    sd["0.weight"][...] = 0  # copies: the model is untouched
    assert np.any(model[0].weight.data != 0)


def test_nested_modules_keep_their_attribute_names():
    sd = nn.utils.torch_state_dict(Net())
    assert list(sd)[:2] == ["hidden.weight", "hidden.bias"]
    assert sd["hidden.weight"].shape == (6, 4) and sd["out.weight"].shape == (2, 6)
    wrapped = nn.Sequential(nn.DropConnect(nn.Dense(3, 2)), nn.Maxout(2, 4, pieces=3))
    sd = nn.utils.torch_state_dict(wrapped)
    assert sd["0.dense.weight"].shape == (2, 3) and sd["1.linear.weight"].shape == (12, 2)


def test_a_class_that_declares_pytorch_layout_is_not_transposed():
    class OutIn(nn.Dense):
        torch_layout = True

    assert weight_is_transposed(nn.Dense(2, 3)) and not weight_is_transposed(OutIn(2, 3))
    assert not weight_is_transposed(nn.BatchNorm1d(3))
    model = nn.Sequential(OutIn(2, 3))
    sd = nn.utils.torch_state_dict(model)
    np.testing.assert_array_equal(sd["0.weight"], model[0].weight.data)
    assert not weight_is_transposed(nn.Linear(2, 3))  # PyTorch's own layer: already (out, in)


@given(n_in=st.integers(1, 6), hidden=st.integers(1, 6), n_out=st.integers(1, 4),
       dtype=st.sampled_from([np.float16, np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_round_trip_restores_the_state_and_the_outputs(n_in, hidden, n_out, dtype, seed):
    ag.manual_seed(seed)
    src, dst = mlp(n_in, hidden, n_out, dtype), mlp(n_in, hidden, n_out, dtype)
    warm_up(src, n_in, seed=seed)
    result = nn.utils.load_torch_state_dict(dst, nn.utils.torch_state_dict(src))
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (k, a), (_, b) in zip(src.state_dict().items(), dst.state_dict().items()):
        assert a.dtype == b.dtype, k
        np.testing.assert_array_equal(a, b, err_msg=k)
    x = ag.Tensor(np.random.default_rng(seed).standard_normal((3, n_in)).astype(dtype))
    src.eval()
    dst.eval()
    np.testing.assert_array_equal(src(x).data, dst(x).data)


def test_any_memory_layout_and_our_tensors_load():
    model = mlp(3, 4, 2)
    state = nn.utils.torch_state_dict(model)
    odd = OrderedDict()
    for k, v in state.items():
        if v.ndim == 2:
            odd[k] = np.asfortranarray(v)
        elif v.ndim == 1:
            odd[k] = ag.Tensor(v[::-1].copy()[::-1])  # a negatively strided view, wrapped
        else:
            odd[k] = v
    fresh = mlp(3, 4, 2)
    nn.utils.load_torch_state_dict(fresh, odd)
    for k, v in nn.utils.torch_state_dict(fresh).items():
        np.testing.assert_array_equal(v, state[k], err_msg=k)


def test_a_state_saved_with_numpy_savez_loads(tmp_path):
    """The README's route for a PyTorch model: arrays saved with np.savez, loaded here."""
    src = mlp(3, 4, 2)
    warm_up(src, 3)
    np.savez(tmp_path / "weights.npz", **nn.utils.torch_state_dict(src))
    dst = mlp(3, 4, 2)
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as arrays:
        nn.utils.load_torch_state_dict(dst, arrays)
    for k, v in src.state_dict().items():
        np.testing.assert_array_equal(dst.state_dict()[k], v, err_msg=k)


def test_names_and_shapes_are_checked_and_nothing_changes_on_error():
    model = mlp(3, 4, 2)
    before = model.state_dict()
    state = nn.utils.torch_state_dict(mlp(3, 4, 2))
    ours_layout = dict(state, **{"0.weight": state["0.weight"].T})
    with pytest.raises(RuntimeError, match=r"'0\.weight'.*\(3, 4\).*\(4, 3\).*our own"):
        nn.utils.load_torch_state_dict(model, ours_layout)
    missing = {k: v for k, v in state.items() if k != "1.running_var"}
    with pytest.raises(RuntimeError, match=r"missing keys: '1\.running_var'"):
        nn.utils.load_torch_state_dict(model, missing)
    with pytest.raises(RuntimeError, match=r"unexpected keys: '5\.weight'"):
        nn.utils.load_torch_state_dict(model, dict(state, **{"5.weight": np.zeros(2)}))
    with pytest.raises(RuntimeError, match="num_batches_tracked.*whole numbers"):
        nn.utils.load_torch_state_dict(model, dict(state, **{"1.num_batches_tracked":
                                                            np.array(1.5)}))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)
    result = nn.utils.load_torch_state_dict(model, dict(missing, extra=np.ones(1)), strict=False)
    assert result.missing_keys == ["1.running_var"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model[0].weight.data, state["0.weight"].T)


def test_hostile_values_are_refused_naming_the_entry():
    model = mlp(3, 4, 2)
    state = nn.utils.torch_state_dict(model)
    with pytest.raises(TypeError, match="mapping"):
        nn.utils.load_torch_state_dict(model, list(state.items()))
    with pytest.raises(TypeError, match=r"'0\.bias'.*dtype"):
        nn.utils.load_torch_state_dict(model, dict(state, **{"0.bias": np.array(["a"] * 4)}))
    with pytest.raises(TypeError, match=r"'0\.bias'.*complex"):
        nn.utils.load_torch_state_dict(model, dict(state, **{"0.bias": np.zeros(4, complex)}))
    with pytest.raises(TypeError, match="Module"):
        nn.utils.torch_state_dict(state)


# -- against PyTorch -------------------------------------------------------------------------
def test_weights_move_to_pytorch_with_equal_outputs():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    ag.manual_seed(1)
    model = mlp()
    warm_up(model)
    ref = torch_mlp(torch)
    sd = nn.utils.torch_state_dict(model)
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()}, strict=True)
    assert int(ref[1].num_batches_tracked) == 2
    x = np.random.default_rng(2).standard_normal((6, 5)).astype(np.float32)
    model.eval()
    ref.eval()
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)


def test_weights_move_from_pytorch_with_equal_outputs_and_training_steps():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    torch.manual_seed(0)
    ref = torch_mlp(torch)
    with torch.no_grad():  # non-trivial running statistics and affine parameters
        for _ in range(3):
            ref(torch.randn(8, 5) * 2 + 1)
        ref[1].weight.uniform_(0.5, 1.5)
        ref[1].bias.uniform_(-0.5, 0.5)
    model = mlp()
    nn.utils.load_torch_state_dict(model, ref.state_dict())
    x = np.random.default_rng(3).standard_normal((6, 5)).astype(np.float32)
    model.eval()
    ref.eval()
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    # One SGD step in training mode (dropout off): the gradients land in the same layout.
    model[3].p = ref[3].p = 0.0
    model.train()
    ref.train()
    import optim

    labels = np.array([0, 1, 2, 0, 1, 2])
    opt, ref_opt = optim.SGD(model.parameters(), lr=0.1), torch.optim.SGD(ref.parameters(), lr=0.1)
    nn.CrossEntropyLoss()(model(ag.Tensor(x)), ag.Tensor(labels)).backward()
    opt.step()
    torch.nn.CrossEntropyLoss()(ref(torch.from_numpy(x)), torch.from_numpy(labels)).backward()
    ref_opt.step()
    after = nn.utils.torch_state_dict(model)
    for k, v in ref.state_dict().items():
        np.testing.assert_allclose(after[k], v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_parameters_requiring_grad_and_float64_models_load_from_pytorch():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    ref = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(),
                              torch.nn.Linear(6, 2)).double()
    state = dict(ref.named_parameters())  # tensors that require grad
    model = nn.Sequential(nn.Dense(4, 6, dtype=np.float64), nn.Tanh(),
                          nn.Dense(6, 2, dtype=np.float64))
    nn.utils.load_torch_state_dict(model, state)
    x = np.random.default_rng(4).standard_normal((5, 4))
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.Tensor(x)).data, expected, rtol=1e-12)
    assert model[0].weight.dtype == np.float64
    # bfloat16 (no NumPy dtype) and float16 states load, cast to the model's dtype.
    low = {k: v.to(torch.bfloat16 if i % 2 else torch.float16)
           for i, (k, v) in enumerate(ref.state_dict().items())}
    nn.utils.load_torch_state_dict(model, low)
    for k, v in nn.utils.torch_state_dict(model).items():
        np.testing.assert_array_equal(v, low[k].double().numpy(), err_msg=k)


def test_nested_module_and_nn_linear_round_trip_through_pytorch():
    torch = pytest.importorskip("torch", reason=TORCH_REASON)

    class TorchNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = torch.nn.Linear(4, 6)
            self.norm = torch.nn.BatchNorm1d(6)
            self.out = torch.nn.Linear(6, 2)

        def forward(self, x):
            return self.out(torch.tanh(self.norm(self.hidden(x))))

    ref = TorchNet().eval()
    model = Net().eval()
    nn.utils.load_torch_state_dict(model, ref.state_dict())
    x = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    # nn.Linear, whatever its own layout, takes a PyTorch Linear's state as it is.
    linear, ref_linear = nn.Linear(4, 3), torch.nn.Linear(4, 3)
    nn.utils.load_torch_state_dict(linear, ref_linear.state_dict())
    with torch.no_grad():
        expected = ref_linear(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(linear(ag.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    back = nn.utils.torch_state_dict(linear)
    np.testing.assert_array_equal(back["weight"], ref_linear.weight.detach().numpy())
