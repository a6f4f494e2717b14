"""2-D max and average pooling on NCHW inputs, each one fused op.

Both read the input through the kernel taps of `_windows`: kh·kw vectorised passes over
(N, C, OH, OW) arrays, never a loop over pixels. Max pooling routes each output's gradient to
one input, the first maximum of its window in row-major order (a NaN counts as the maximum and
the last NaN wins), as PyTorch's CPU kernel does.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op

from ._windows import Geometry, col2im, geometry, pad, pair, spatial_input

__all__ = ["max_pool2d", "avg_pool2d"]


def _taps(xp: np.ndarray, geo: Geometry) -> list:
    return [xp[geo.offset(i, j)] for i in range(geo.kh) for j in range(geo.kw)]


def _spread(g: Any, geo: Geometry) -> Any:
    """g (N, C, OH, OW) viewed as (N, C, 1, 1, OH, OW), to broadcast against the taps."""
    return g.reshape((geo.n, geo.c, 1, 1, geo.oh, geo.ow))


def _first_max(x: np.ndarray, y: np.ndarray, geo: Geometry) -> list:
    """Per kernel tap, an (N, C, OH, OW) mask of the outputs whose gradient goes to it: the
    first tap equal to the maximum, or in a window whose maximum is NaN the last NaN tap."""
    taps = _taps(pad(x, geo, -np.inf), geo)
    masks, taken = [], None
    for t in taps:
        hit = t == y
        if taken is None:
            taken = hit.copy()
        else:
            hit &= ~taken
            taken |= hit
        masks.append(hit)
    nan_out = np.isnan(y)
    if nan_out.any():
        for k in reversed(range(len(taps))):
            hit = np.isnan(taps[k]) & nan_out
            masks[k] |= hit
            nan_out &= ~hit
    return masks


def _disjoint(geo: Geometry) -> bool:
    """True when no input position lies in two windows (stride >= the dilated kernel)."""
    return geo.sh >= geo.dh * (geo.kh - 1) + 1 and geo.sw >= geo.dw * (geo.kw - 1) + 1


def _route_disjoint(g: np.ndarray, masks: list, geo: Geometry) -> np.ndarray:
    """dx for disjoint windows: each tap's view of dx is written once, as g ⊙ mask (g is
    finite here, so 0 · g is 0). When the windows tile the input exactly, nothing is left
    to zero first."""
    tiles = (geo.kh == geo.sh and geo.kw == geo.sw and geo.dh == geo.dw == 1
             and not (geo.ph or geo.pw) and geo.oh * geo.kh == geo.h
             and geo.ow * geo.kw == geo.w)
    out = (np.empty if tiles else np.zeros)(geo.padded_shape, np.result_type(g.dtype))
    for k, mask in enumerate(masks):
        np.multiply(g, mask, out=out[geo.offset(*divmod(k, geo.kw))])
    return out[geo.interior] if geo.ph or geo.pw else out


class MaxPool2dOp(Op):
    """y = max over each window; dx = col2im(g at the window's first maximum, 0 elsewhere)"""

    def forward(ctx: Any, x: Any, geo: Geometry) -> Any:
        taps = _taps(pad(x, geo, -np.inf), geo)
        y = taps[0].copy() if len(taps) == 1 else np.maximum(taps[0], taps[1])
        for t in taps[2:]:
            np.maximum(y, t, out=y)  # NaN propagates: a NaN in a window is its maximum
        ctx.saved = (x, y, geo)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, y, geo = ctx.saved
        # The routing is a constant of the forward pass (also under create_graph).
        if isinstance(x, Tensor):
            x, y = x.data, y.data
        masks = _first_max(x, y, geo)
        if not isinstance(g, Tensor) and _disjoint(geo) and np.isfinite(g).all():
            return _route_disjoint(g, masks, geo), None
        onehot = np.stack(masks, axis=2).reshape((geo.n, geo.c, geo.kh, geo.kw, geo.oh,
                                                  geo.ow))
        return col2im(np.where(onehot, _spread(g, geo), 0), geo), None


class AvgPool2dOp(Op):
    """y = Σ over each window / divisor; dx = col2im(g / divisor spread over each window)"""

    def forward(ctx: Any, x: Any, geo: Geometry, divisor: Any) -> Any:
        taps = _taps(pad(x, geo, 0.0), geo)
        total = taps[0].copy()
        for t in taps[1:]:
            total += t
        ctx.saved = (geo, divisor)
        total /= divisor
        return total

    def backward(ctx: Any, g: Any) -> tuple:
        geo, divisor = ctx.saved
        if isinstance(divisor, Tensor):
            divisor = divisor.data
        share = _spread(g / divisor, geo)
        cols = np.broadcast_to(share, (geo.n, geo.c, geo.kh, geo.kw, geo.oh, geo.ow))
        return col2im(cols, geo), None, None


def _pool_geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   op: str) -> Geometry:
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None or stride == () else pair(stride, "stride", op, 1)
    padding = pair(padding, "padding", op, 0)
    dilation = pair(dilation, "dilation", op, 1)
    check_pool_padding(kernel, padding, op)
    return geometry(x.shape, kernel, stride, padding, dilation, op)


def check_pool_padding(kernel: tuple, padding: tuple, op: str) -> None:
    """PyTorch's rule: padding at most half the kernel size (p <= k // 2)."""
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise ValueError(f"{op}: padding {padding} must be at most half of the kernel "
                             f"size {kernel}")


def unsupported(op: str, **flags: Any) -> None:
    """Refuse PyTorch options not implemented here unless they hold their default."""
    for name, (value, default) in flags.items():
        if value != default:
            raise ValueError(f"{op}: {name}={value!r} is not supported (only {default!r})")


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Tensor:
    """y[n, c, r, q] = max over the (dilated) window at (r·s - p, q·s - p) of x, padding
    counting as -inf; stride defaults to kernel_size. Input (N, C, H, W) or (C, H, W)."""
    unsupported("max_pool2d", ceil_mode=(ceil_mode, False),
                return_indices=(return_indices, False))
    x, unbatched = spatial_input(input, "max_pool2d")
    geo = _pool_geometry(x, kernel_size, stride, padding, dilation, "max_pool2d")
    y = MaxPool2dOp.apply(x, geo)
    return y.reshape(y.shape[1:]) if unbatched else y


def _divisor(geo: Geometry, count_include_pad: bool, dtype: Any) -> Any:
    if count_include_pad or (geo.ph == 0 and geo.pw == 0):
        return float(geo.kh * geo.kw)
    ones = np.ones((1, 1, geo.h, geo.w), dtype)
    counts = sum(_taps(pad(ones, geo._replace(n=1, c=1), 0.0), geo._replace(n=1, c=1)))
    return counts


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Any = None) -> Tensor:
    """y[n, c, r, q] = Σ over the window at (r·s - p, q·s - p) of x / kh·kw (zero padding
    counted), or / the number of unpadded inputs in the window when count_include_pad=False.
    stride defaults to kernel_size. Input (N, C, H, W) or (C, H, W)."""
    unsupported("avg_pool2d", ceil_mode=(ceil_mode, False),
                divisor_override=(divisor_override, None))
    x, unbatched = spatial_input(input, "avg_pool2d")
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(f"avg_pool2d: count_include_pad must be a bool, got "
                        f"{count_include_pad!r}")
    geo = _pool_geometry(x, kernel_size, stride, padding, 1, "avg_pool2d")
    y = AvgPool2dOp.apply(x, geo, _divisor(geo, bool(count_include_pad), x.dtype))
    return y.reshape(y.shape[1:]) if unbatched else y
