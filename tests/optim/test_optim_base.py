"""The Optimizer base: groups, zero_grad, closures, state_dict layout and error messages."""
from __future__ import annotations

import numpy as np
import pytest

import optim
from autograd import Tensor
from optim.optimizer import Optimizer, required


def param(*values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_groups_take_defaults_and_their_own_options():
    a, b = param(1.0), param(2.0)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    g0, g1 = opt.param_groups
    assert g0["params"] == [a] and g0["lr"] == 0.1 and g0["momentum"] == 0.0
    assert g1["params"] == [b] and g1["lr"] == 0.5 and g1["momentum"] == 0.9
    c = param(3.0)
    opt.add_param_group({"params": [c], "lr": 0.2})
    assert opt.param_groups[2]["lr"] == 0.2 and opt.param_groups[2]["nesterov"] is False


def test_generators_of_parameters_are_accepted():
    ps = [param(1.0), param(2.0)]
    opt = optim.Adam(p for p in ps)
    assert opt.param_groups[0]["params"] == ps


def test_state_is_keyed_by_the_parameter_itself():
    a = param(1.0, 2.0)
    opt = optim.Adam([a])
    a.grad = Tensor(np.ones(2))
    opt.step()
    assert list(opt.state) == [a]
    assert set(opt.state[a]) == {"step", "exp_avg", "exp_avg_sq"} and opt.state[a]["step"] == 1


def test_zero_grad_drops_or_replaces_without_writing_the_old_array():
    a, b = param(1.0, 2.0), param(3.0)
    opt = optim.SGD([a, b], lr=0.1)
    shared = np.array([0.5, 0.25])
    a.grad = Tensor(shared)
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and a.grad.data.tolist() == [0.0, 0.0] and b.grad is None
    assert shared.tolist() == [0.5, 0.25] and a.grad.dtype == a.dtype
    opt.zero_grad()
    assert a.grad is None


def test_step_returns_the_closure_loss_evaluated_with_grad_enabled():
    import autograd
    a = param(1.0, 2.0)
    opt = optim.SGD([a], lr=0.1)

    def closure():
        assert autograd.is_grad_enabled()
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with autograd.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 5.0
    np.testing.assert_allclose(a.data, [0.8, 1.6])
    assert opt.step() is None


def test_state_dict_layout_is_index_based_like_pytorch():
    a, b, c = param(1.0), param(2.0, 3.0), param(4.0)
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.1}])
    for p in (a, c):
        p.grad = Tensor(np.ones_like(p.data))
    opt.step()
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2]]
    assert saved["param_groups"][1]["lr"] == 0.1 and saved["param_groups"][0]["lr"] == 1e-3
    assert set(saved["param_groups"][0]) == {"params", "lr", "betas", "eps", "weight_decay",
                                             "amsgrad", "maximize", "decoupled_weight_decay"}
    assert sorted(saved["state"]) == [0, 2]  # b had no gradient, so no state
    assert saved["state"][0]["step"] == 1
    # a snapshot: later steps don't change it
    before = saved["state"][0]["exp_avg"].copy()
    opt.step()
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"], before)


def test_state_dict_matches_pytorch_layout():
    torch = pytest.importorskip("torch", reason="PyTorch cross-checks need torch installed")
    ours = optim.RMSprop([param(1.0), param(2.0)], momentum=0.5, centered=True)
    theirs = torch.optim.RMSprop([torch.zeros(1, requires_grad=True) for _ in range(2)],
                                 momentum=0.5, centered=True)
    for opt, ps in ((ours, ours.param_groups[0]["params"]),
                    (theirs, theirs.param_groups[0]["params"])):
        for p in ps:
            p.grad = (Tensor(np.ones(1)) if opt is ours else torch.ones(1))
        opt.step()
    s_ours, s_theirs = ours.state_dict(), theirs.state_dict()
    assert set(s_ours["state"]) == set(s_theirs["state"]) == {0, 1}
    assert set(s_ours["state"][0]) == set(s_theirs["state"][0])
    assert set(s_ours["param_groups"][0]) <= set(s_theirs["param_groups"][0])


def test_load_state_dict_casts_to_the_parameter_dtype_and_copies():
    a = param(1.0, 2.0)
    opt = optim.Adam([a])
    a.grad = Tensor(np.ones(2))
    opt.step()
    saved = opt.state_dict()
    b = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    other = optim.Adam([b])
    other.load_state_dict(saved)
    assert other.state[b]["exp_avg"].dtype == np.float32
    saved["state"][0]["exp_avg"][:] = 99.0
    assert np.all(other.state[b]["exp_avg"] < 1.0)


def test_load_state_dict_accepts_text_keys_from_checkpoint_files():
    a = param(1.0)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = Tensor(np.ones(1))
    opt.step()
    saved = opt.state_dict()
    saved["state"] = {str(k): v for k, v in saved["state"].items()}
    other = optim.SGD([a], lr=0.1, momentum=0.9)
    other.load_state_dict(saved)
    assert other.state[a]["momentum_buffer"].tolist() == [1.0]


def test_required_options_must_be_given():
    class Plain(Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, {"lr": lr})

    with pytest.raises(ValueError, match="didn't specify a value of required option 'lr'"):
        Plain([param(1.0)])
    assert Plain([param(1.0)], lr=0.1).param_groups[0]["lr"] == 0.1
    with pytest.raises(NotImplementedError, match="Plain does not implement step"):
        Plain([param(1.0)], lr=0.1).step()


ERRORS = [
    (lambda: optim.SGD(param(1.0)), TypeError, "single Tensor; wrap it in a list"),
    (lambda: optim.SGD({param(1.0)}), TypeError, "ordered collection"),
    (lambda: optim.SGD([]), ValueError, "empty parameter list"),
    (lambda: optim.SGD({"params": [param(1.0)]}), TypeError, "single dict; wrap"),
    (lambda: optim.SGD([param(1.0), {"params": [param(2.0)]}]), TypeError, "mixes dicts"),
    (lambda: optim.SGD([np.zeros(2)]), TypeError, "parameter 0 is a ndarray"),
    (lambda: optim.SGD([param(1.0) * 2]), ValueError, "non-leaf Tensor"),
    (lambda: optim.SGD([{"params": {param(1.0)}}]), TypeError, "ordered collection"),
    (lambda: optim.SGD([{"lr": 0.1}]), ValueError, "needs a 'params' entry"),
    (lambda: optim.SGD([{"params": [param(1.0)], "betas": (0.9, 0.9)}]), ValueError,
     "SGD has no option 'betas'; known options: dampening, lr"),
    (lambda: optim.SGD([param(1.0)], lr=-0.1), ValueError, r"invalid lr=-0.1 \(must be >= 0"),
    (lambda: optim.SGD([param(1.0)], nesterov=True), ValueError, "needs momentum > 0"),
    (lambda: optim.Adam([param(1.0)], betas=(0.9, 1.0)), ValueError, "invalid betas"),
    (lambda: optim.RMSprop([param(1.0)], alpha=1.5), ValueError, "invalid alpha"),
    (lambda: optim.Adadelta([param(1.0)], rho=-0.5), ValueError, "invalid rho"),
    (lambda: optim.Adagrad([param(1.0)], lr_decay=-1), ValueError, "invalid lr_decay"),
    (lambda: optim.NAdam([param(1.0)], momentum_decay=-1), ValueError, "momentum_decay"),
    (lambda: optim.Adam([param(1.0)], weight_decay=-1e-4), ValueError, "invalid weight_decay"),
    (lambda: optim.LBFGS([param(1.0)], line_search_fn="armijo"), ValueError,
     "only None or 'strong_wolfe'"),
    (lambda: optim.LBFGS([{"params": [param(1.0)]}, {"params": [param(2.0)]}]), ValueError,
     "doesn't support per-parameter options"),
    (lambda: optim.LBFGS([param(1.0)]).step(), TypeError, "needs a closure"),
]


@pytest.mark.parametrize("make, error, message", ERRORS)
def test_errors_are_clear(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_duplicate_parameters_are_rejected():
    a, b = param(1.0), param(2.0)
    with pytest.raises(ValueError, match="same Tensor twice.*positions 0 and 2"):
        optim.SGD([a, b, a])
    opt = optim.SGD([a])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [b, a]})
    assert len(opt.param_groups) == 1  # the failed group left nothing behind


def test_load_state_dict_rejects_a_mismatched_optimizer():
    a, b = param(1.0), param(2.0)
    saved = optim.SGD([a, b]).state_dict()
    with pytest.raises(ValueError, match="saved group 0 has 2 parameters.*has 1"):
        optim.SGD([a]).load_state_dict(saved)
    with pytest.raises(ValueError, match="2 parameter group.*has 1|1 parameter group.*has 2"):
        optim.SGD([{"params": [a]}, {"params": [b]}]).load_state_dict(saved)
    with pytest.raises(ValueError, match="with 'state' and 'param_groups'"):
        optim.SGD([a]).load_state_dict({"state": {}})


def test_repr_lists_the_groups():
    text = repr(optim.SGD([param(1.0)], lr=0.5))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.5" in text


@pytest.mark.parametrize("lr", [0.0, 1e-35])
def test_adam_zero_and_tiny_rates_leave_float32_parameters_finite(lr):
    # the step size is folded into the denominator only when 1/step_size can't overflow
    p = Tensor(np.array([1.0, -2.0, 0.0], dtype=np.float32), requires_grad=True)
    opt = optim.Adam([p], lr=lr)
    for _ in range(3):
        p.grad = Tensor(np.array([0.5, 0.0, -1.0], dtype=np.float32))
        opt.step()
    np.testing.assert_allclose(p.data, [1.0, -2.0, 0.0], rtol=0, atol=1e-30)
    assert np.all(np.isfinite(p.data)) and np.all(np.isfinite(opt.state[p]["exp_avg"]))
    assert opt.state[p]["exp_avg"][0] > 0
