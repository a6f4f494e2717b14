"""Hand-written NumPy ConvNet training step: the baseline of benchmarks/bench_cnn.py.

The course notes' SimpleConvNet as one writes it by hand: Convolution through im2col (a loop
over the kernel taps filling the column matrix) and col2im, ReLU, 2x2 max pooling through
im2col and argmax, two Affine layers, softmax cross-entropy with gradient (p - t) / N, and an
in-place Adam update. float32 throughout.
"""
from __future__ import annotations

import math

import numpy as np

ADAM_LR, ADAM_BETAS, ADAM_EPS = 1e-3, (0.9, 0.999), 1e-8


def init_convnet(channels: int, size: int, filters: int, k: int, hidden: int, classes: int,
                 seed: int = 0) -> list[np.ndarray]:
    """[W1 (F, C, k, k), b1, W2 (F·P·P, hidden), b2, W3 (hidden, classes), b3], He-normal
    weights and zero biases (P = the pooled size)."""
    rng = np.random.default_rng(seed)
    pooled = (size - k + 1) // 2
    shapes = [(filters, channels, k, k), (filters * pooled * pooled, hidden), (hidden, classes)]
    params = []
    for shape in shapes:
        fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
        params.append((rng.standard_normal(shape) * math.sqrt(2.0 / fan_in)).astype(np.float32))
        params.append(np.zeros(shape[0] if len(shape) == 4 else shape[1], np.float32))
    return params


def im2col(x: np.ndarray, fh: int, fw: int, stride: int = 1) -> np.ndarray:
    """(N, C, H, W) → (N·OH·OW, C·fh·fw), one strided copy per kernel tap."""
    n, c, h, w = x.shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    col = np.empty((n, c, fh, fw, oh, ow), x.dtype)
    for i in range(fh):
        for j in range(fw):
            col[:, :, i, j] = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col: np.ndarray, shape: tuple, fh: int, fw: int, stride: int = 1) -> np.ndarray:
    """The adjoint of im2col: add each tap's block back where it was read."""
    n, c, h, w = shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros(shape, col.dtype)
    for i in range(fh):
        for j in range(fw):
            img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += col[:, :, i, j]
    return img


class NumpyConvNet:
    """conv → ReLU → max pool 2x2 → Affine → ReLU → Affine, softmax cross-entropy, Adam."""

    def __init__(self, params: list[np.ndarray]) -> None:
        self.params = [p.copy() for p in params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, x: np.ndarray, labels: np.ndarray) -> float:
        """Forward, backward and one Adam step; returns the loss."""
        w1, b1, w2, b2, w3, b3 = self.params
        n = x.shape[0]
        f, _, k, _ = w1.shape
        oh = x.shape[2] - k + 1
        col = im2col(x, k, k)
        conv = (col @ w1.reshape(f, -1).T + b1).reshape(n, oh, oh, f).transpose(0, 3, 1, 2)
        relu = conv > 0
        a1 = conv * relu
        ph = oh // 2
        pcol = im2col(a1, 2, 2, 2).reshape(-1, 4)
        arg = pcol.argmax(axis=1)
        pooled = pcol.max(axis=1).reshape(n, ph, ph, f).transpose(0, 3, 1, 2)
        flat = pooled.reshape(n, -1)
        h = flat @ w2 + b2
        relu2 = h > 0
        a2 = h * relu2
        logits = a2 @ w3 + b3
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[np.arange(n), labels] + 1e-30))
        d = p
        d[np.arange(n), labels] -= 1
        d /= n
        g3, gb3 = a2.T @ d, d.sum(axis=0)
        d = (d @ w3.T) * relu2
        g2, gb2 = flat.T @ d, d.sum(axis=0)
        d = (d @ w2.T).reshape(pooled.shape).transpose(0, 2, 3, 1)
        dmax = np.zeros((d.size, 4), d.dtype)
        dmax[np.arange(arg.size), arg] = d.reshape(-1)
        da1 = col2im(dmax.reshape(n * ph * ph, -1), a1.shape, 2, 2, 2) * relu
        dconv = da1.transpose(0, 2, 3, 1).reshape(-1, f)
        g1 = (col.T @ dconv).T.reshape(w1.shape)
        gb1 = dconv.sum(axis=0)
        self._adam([g1, gb1, g2, gb2, g3, gb3])
        return float(loss)

    def _adam(self, grads: list) -> None:
        self.t += 1
        b1, b2 = ADAM_BETAS
        step_size = ADAM_LR / (1 - b1 ** self.t)
        bias2 = math.sqrt(1 - b2 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= step_size * m / (np.sqrt(v) / bias2 + ADAM_EPS)
