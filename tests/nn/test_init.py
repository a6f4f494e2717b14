"""nn.init: gains and fans as PyTorch (2-D read as (fan_in, fan_out)), draws checked
statistically against the formulas, repeatability through autograd.manual_seed."""
from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Tensor
from nn import init

SHAPE = (300, 200)  # (fan_in, fan_out) = (300, 200): 60,000 draws
FAN_IN, FAN_OUT = SHAPE

# (initialiser, kwargs, distribution, expected std or bound) with the formulas written out.
TABLE = [
    (init.xavier_normal_, {}, "normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal_, {"gain": 2.0}, "normal", 2 * math.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.xavier_uniform_, {}, "uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.kaiming_normal_, {}, "normal", math.sqrt(2) / math.sqrt(FAN_IN)),
    (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}, "normal",
     math.sqrt(2 / FAN_OUT)),
    (init.kaiming_normal_, {"a": 0.2}, "normal", math.sqrt(2 / (1 + 0.04)) / math.sqrt(FAN_IN)),
    (init.kaiming_normal_, {"nonlinearity": "tanh"}, "normal", (5 / 3) / math.sqrt(FAN_IN)),
    (init.kaiming_uniform_, {}, "uniform", math.sqrt(2) * math.sqrt(3 / FAN_IN)),
    (init.kaiming_uniform_, {"mode": "fan_out"}, "uniform", math.sqrt(6 / FAN_OUT)),
    (init.he_normal_, {}, "normal", math.sqrt(2 / FAN_IN)),
    (init.he_uniform_, {}, "uniform", math.sqrt(6 / FAN_IN)),
    (init.lecun_normal_, {}, "normal", math.sqrt(1 / FAN_IN)),
    (init.normal_, {"std": 0.05}, "normal", 0.05),
    (init.uniform_, {"a": -0.3, "b": 0.3}, "uniform", 0.3),
]


@pytest.mark.parametrize("fn, kwargs, dist, scale", TABLE,
                         ids=[f"{t[0].__name__}-{t[1]}" for t in TABLE])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_draws_follow_the_formula(fn, kwargs, dist, scale, dtype):
    autograd.manual_seed(0)
    w = Tensor(np.zeros(SHAPE, dtype), requires_grad=True)
    assert fn(w, **kwargs) is w
    a = w.data.astype(np.float64)
    assert w.dtype == dtype
    n = a.size
    # Sample mean within 5 standard errors of 0; sample std within 5 of its own error.
    std = scale if dist == "normal" else scale / math.sqrt(3)
    assert abs(a.mean()) < 5 * std / math.sqrt(n)
    rel_se = math.sqrt(1 / (2 * n)) if dist == "normal" else math.sqrt(0.2 / n)
    assert abs(a.std() / std - 1) < 5 * rel_se
    if dist == "uniform":
        assert a.min() >= -scale and a.max() <= scale
        assert a.max() > scale * (1 - 1e-3) and a.min() < -scale * (1 - 1e-3)
    else:
        frac_within_1sd = np.mean(np.abs(a) < std)  # 0.6827 for a normal
        assert abs(frac_within_1sd - 0.6827) < 5 * math.sqrt(0.6827 * 0.3173 / n)


def test_normal_mean_and_constants():
    autograd.manual_seed(1)
    a = init.normal_(np.zeros(40_000), mean=3.0, std=2.0)
    assert abs(a.mean() - 3.0) < 5 * 2 / 200 and abs(a.std() - 2) < 5 * 2 / math.sqrt(80_000)
    assert np.all(init.constant_(np.empty((2, 2)), 0.7) == 0.7)
    assert np.all(init.ones_(Tensor(np.zeros(3, np.float32))).data == 1)
    assert np.all(init.zeros_(Tensor(np.ones(3, np.float32))).data == 0)


def test_fills_in_place_and_repeatable_by_seed():
    t = Tensor(np.zeros((20, 30), np.float32))
    buffer = t.data
    autograd.manual_seed(42)
    init.xavier_uniform_(t)
    assert t.data is buffer
    first = buffer.copy()
    autograd.manual_seed(42)
    init.xavier_uniform_(t)
    np.testing.assert_array_equal(t.data, first)
    init.xavier_uniform_(t)  # the generator moved on
    assert not np.array_equal(t.data, first)


@pytest.mark.parametrize("shape", [(7, 5), (4, 3, 2), (6, 2, 3, 5)])
def test_fans_match_pytorch_with_2d_transposed(shape):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for fan computation")
    # PyTorch reads a 2-D weight as (out, in); ours is (in, out). Larger shapes agree.
    torch_shape = shape[::-1] if len(shape) == 2 else shape
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(torch_shape))
    autograd.manual_seed(0)
    big = init.kaiming_uniform_(np.zeros(shape), nonlinearity="linear")
    assert big.max() <= math.sqrt(3 / fan_in)
    assert init._fans(np.zeros(shape), "test") == (fan_in, fan_out)


@pytest.mark.parametrize("args", [("linear",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 0),
                                  ("selu",), ("conv2d",)])
def test_calculate_gain_matches_pytorch(args):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for calculate_gain")
    assert init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


def test_calculate_gain_values_without_torch():
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 0.5) == pytest.approx(math.sqrt(2 / 1.25))


def test_errors_name_the_function_and_remedy():
    with pytest.raises(ValueError, match="xavier_normal_.*at least 2 dimensions.*\\(5,\\)"):
        init.xavier_normal_(np.zeros(5))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(np.zeros((2, 2)), mode="fan")
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(TypeError, match="Tensor or ndarray"):
        init.normal_([1.0, 2.0])
