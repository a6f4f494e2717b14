"""Hand-written NumPy MLP training step: the baseline of benchmarks/bench_nn.py.

The code one writes by hand after the course notes: Affine, ReLU, BatchNorm and Dropout
layers with explicit backward passes, softmax cross-entropy with gradient (p - t) / N, and SGD
or Adam updates in place. float32 throughout.
"""
from __future__ import annotations

import math

import numpy as np

BN_EPS, BN_MOMENTUM, DROP_P = 1e-5, 0.1, 0.5
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


def init_weights(sizes: tuple, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """He-normal weights (in, out) and zero biases, float32."""
    rng = np.random.default_rng(seed)
    return [((rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_in)).astype(np.float32),
             np.zeros(n_out, np.float32)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


class NumpyMLP:
    """Dense layers with ReLU (and BatchNorm + Dropout) between them; `step` trains once."""

    def __init__(self, sizes: tuple, batchnorm: bool, seed: int = 1) -> None:
        self.batchnorm = batchnorm
        self.rng = np.random.default_rng(seed)
        self.params: list[np.ndarray] = []
        for w, b in init_weights(sizes):
            self.params += [w, b]
        self.n_dense = len(sizes) - 1
        self.bn_stats = []
        if batchnorm:
            for n in sizes[1:-1]:
                self.params += [np.ones(n, np.float32), np.zeros(n, np.float32)]
                self.bn_stats.append([np.zeros(n, np.float32), np.ones(n, np.float32)])
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def _bn_forward(self, h: np.ndarray, i: int) -> tuple:
        gamma, beta = self.params[2 * self.n_dense + 2 * i: 2 * self.n_dense + 2 * i + 2]
        mu = h.mean(axis=0)
        xc = h - mu
        var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(var + BN_EPS)
        xn = xc / std
        n = h.shape[0]
        stats = self.bn_stats[i]
        stats[0] = (1 - BN_MOMENTUM) * stats[0] + BN_MOMENTUM * mu
        stats[1] = (1 - BN_MOMENTUM) * stats[1] + BN_MOMENTUM * var * (n / (n - 1))
        return gamma * xn + beta, (xc, std, xn, gamma)

    @staticmethod
    def _bn_backward(dout: np.ndarray, cache: tuple) -> tuple:
        # The compact form: dx = γ / (N σ) · (N dout - Σ dout - x̂ Σ (dout x̂)).
        xc, std, xn, gamma = cache
        n = dout.shape[0]
        dbeta = dout.sum(axis=0)
        dgamma = np.sum(xn * dout, axis=0)
        dx = (gamma / (n * std)) * (n * dout - dbeta - xn * dgamma)
        return dx, dgamma, dbeta

    def step(self, x: np.ndarray, labels: np.ndarray) -> float:
        """Forward, backward and one optimizer step; returns the loss."""
        caches = []
        h = x
        for i in range(self.n_dense):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            a_in = h
            h = a_in @ w + b
            cache = {"x": a_in}
            if i < self.n_dense - 1:
                if self.batchnorm:
                    h, cache["bn"] = self._bn_forward(h, i)
                cache["relu"] = h > 0
                h = h * cache["relu"]
                if self.batchnorm:
                    mask = self.rng.random(h.shape, dtype=np.float32) >= DROP_P
                    cache["drop"] = mask
                    h = h * mask / (1 - DROP_P)
            caches.append(cache)
        n = x.shape[0]
        shifted = h - h.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[np.arange(n), labels] + 1e-30))
        dh = p
        dh[np.arange(n), labels] -= 1
        dh /= n
        grads: list = [None] * len(self.params)
        for i in reversed(range(self.n_dense)):
            cache = caches[i]
            if i < self.n_dense - 1:
                if self.batchnorm:
                    dh = dh * cache["drop"] / (1 - DROP_P)
                dh = dh * cache["relu"]
                if self.batchnorm:
                    dh, dg, db = self._bn_backward(dh, cache["bn"])
                    grads[2 * self.n_dense + 2 * i] = dg
                    grads[2 * self.n_dense + 2 * i + 1] = db
            grads[2 * i] = cache["x"].T @ dh
            grads[2 * i + 1] = dh.sum(axis=0)
            if i > 0:
                dh = dh @ self.params[2 * i].T
        if self.batchnorm:
            self._adam(grads)
        else:
            for p, g in zip(self.params, grads):
                p -= 0.01 * g
        return float(loss)

    def _adam(self, grads: list) -> None:
        self.t += 1
        b1, b2 = ADAM_BETAS
        step_size = 1e-3 / (1 - b1 ** self.t)
        bias2 = math.sqrt(1 - b2 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= step_size * m / (np.sqrt(v) / bias2 + ADAM_EPS)
