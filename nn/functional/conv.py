"""2-D convolution (cross-correlation, as PyTorch's) on NCHW inputs, as one fused op.

With the windows of x laid out as cols (N, G, Kg, L) (Kg = C/G·kh·kw rows per group, L = OH·OW
output positions) and the weight as Wg (G, O/G, Kg), the forward pass is one batched product
y = Wg @ cols + b, and the backward pass is two more: dW = Σₙ g @ colsᵀ, dcols = Wgᵀ @ g,
with dx = col2im(dcols) and db = Σ g over N, H, W.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.extend import Op, scatter_add

from ._windows import Geometry, col2im, geometry, pair, spatial_input, windows

__all__ = ["conv2d"]


def _cols(x: Any, geo: Geometry, groups: int) -> Any:
    """x's windows as (N, G, C/G·kh·kw, OH·OW): a contiguous copy for ndarrays."""
    kg = geo.c // groups * geo.kh * geo.kw
    return windows(x, geo).reshape((geo.n, groups, kg, geo.oh * geo.ow))


class Conv2dOp(Op):
    """y = Wg @ im2col(x) + b; dW = Σₙ g @ im2col(x)ᵀ, dx = col2im(Wgᵀ @ g), db = Σ g"""

    def forward(ctx: Any, x: Any, w: Any, b: Any, geo: Geometry, groups: int) -> Any:
        cols = _cols(x, geo, groups)
        out_c = w.shape[0]
        y = np.matmul(w.reshape((groups, out_c // groups, -1)), cols)
        y = y.reshape((geo.n, out_c, geo.oh, geo.ow))
        if b is not None:
            if np.result_type(y, b) == y.dtype:
                y += b.reshape((-1, 1, 1))  # y is fresh: in place saves a pass
            else:
                y = y + b.reshape((-1, 1, 1))
        # The windows are kept for dW only (parents are known before forward runs).
        ctx.saved = (x, w, cols if ctx.parents[1] is not None else None, geo, groups)
        return y

    def backward(ctx: Any, g: Any) -> tuple:
        x, w, cols, geo, groups = ctx.saved
        px, pw, pb = ctx.parents[:3]
        out_c = w.shape[0]
        gr = g.reshape((geo.n, groups, out_c // groups, geo.oh * geo.ow))
        gb = g.sum(axis=(0, 2, 3)) if pb is not None else None
        gw = gx = None
        if pw is not None:
            if isinstance(x, Tensor):  # create_graph: the windows as a function of x
                cols = _cols(x, geo, groups)
            gw = (gr @ cols.swapaxes(-1, -2)).sum(axis=0).reshape(w.shape)
        if px is not None:
            wg = w.reshape((groups, out_c // groups, -1))
            gcols = wg.swapaxes(-1, -2) @ gr
            gx = col2im(gcols.reshape((geo.n, geo.c, geo.kh, geo.kw, geo.oh, geo.ow)), geo)
        return gx, gw, gb, None, None


def _same_padding(x: Tensor, kernel: tuple, dilation: tuple) -> tuple[Tensor, tuple]:
    """PyTorch's padding="same" for stride 1: total padding d·(k - 1) per axis, the odd one
    out on the bottom/right. Returns x (padded there when needed) and the symmetric part."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    extra = [t % 2 for t in totals]
    if any(extra):
        n, c, h, w = x.shape
        index = (slice(None), slice(None), slice(0, h), slice(0, w))
        x = scatter_add(x, index, (n, c, h + extra[0], w + extra[1]))
    return x, (totals[0] // 2, totals[1] // 2)


def _check_conv(x: Any, w: np.ndarray, b: Any, groups: int) -> None:
    if w.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (out_channels, in_channels/groups, kh, "
                         f"kw), got shape {w.shape}")
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    if w.shape[0] % groups:
        raise ValueError(f"conv2d: weight of shape {w.shape} has {w.shape[0]} output channels, "
                         f"not divisible by groups={groups}")
    if x.shape[1] != w.shape[1] * groups:
        raise ValueError(
            f"conv2d: input of shape {x.shape} has {x.shape[1]} channels, but weight of shape "
            f"{w.shape} with groups={groups} expects {w.shape[1] * groups}")
    if b is not None and np.shape(b.data if isinstance(b, Tensor) else b) != (w.shape[0],):
        raise ValueError(f"conv2d: bias of shape {np.shape(b)} does not match weight of shape "
                         f"{w.shape}; it needs shape ({w.shape[0]},)")


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation as PyTorch's `F.conv2d`:
    y[n, o] = b[o] + Σ_{c in o's group, i, j} W[o, c, i, j] · x_pad[n, c, r·s + i·d, q·s + j·d].

    input (N, C, H, W) or (C, H, W); weight (O, C/groups, kh, kw); padding an int, a pair,
    "valid" or "same" (stride 1 only).
    """
    x, unbatched = spatial_input(input, "conv2d")
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    _check_conv(x, w, bias, groups)
    stride = pair(stride, "stride", "conv2d", 1)
    dilation = pair(dilation, "dilation", "conv2d", 1)
    kernel = w.shape[2:]
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"conv2d: padding='same' needs stride 1, got stride={stride}")
        x, padding = _same_padding(x, kernel, dilation)
    elif padding == "valid":
        padding = (0, 0)
    elif isinstance(padding, str):
        raise ValueError(f"conv2d: padding must be an int, a pair, 'valid' or 'same', got "
                         f"{padding!r}")
    else:
        padding = pair(padding, "padding", "conv2d", 0)
    geo = geometry(x.shape, kernel, stride, padding, dilation, "conv2d")
    if bias is not None and not isinstance(bias, (Tensor, np.ndarray)):
        bias = np.asarray(bias, dtype=w.dtype)
    y = Conv2dOp.apply(x, weight, bias, geo, int(groups))
    return y.reshape(y.shape[1:]) if unbatched else y
