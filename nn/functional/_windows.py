"""Sliding windows over the two spatial axes of NCHW arrays: im2col and its adjoint col2im.

A `Geometry` fixes the input shape, kernel, stride, padding and dilation. `windows` gives, for
an ndarray, a read-only strided view of shape (N, C, kh, kw, OH, OW) whose [n, c, i, j, r, s]
entry is the padded input at row r·sh + i·dh and column s·sw + j·dw. For a Tensor it builds the
same values from kh·kw strided slices, so the result stays differentiable (the create_graph
path). `col2im` is the adjoint: it adds each kernel offset's (N, C, OH, OW) block back onto the
input positions it came from, one vectorised slice-add per offset (never a loop over pixels).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from autograd import Tensor, stack
from autograd.extend import scatter_add


class Geometry(NamedTuple):
    """Shapes of one sliding-window op over an (N, C, H, W) input."""

    n: int
    c: int
    h: int
    w: int
    kh: int
    kw: int
    sh: int
    sw: int
    ph: int
    pw: int
    dh: int
    dw: int
    oh: int
    ow: int

    @property
    def padded_shape(self) -> tuple[int, int, int, int]:
        return (self.n, self.c, self.h + 2 * self.ph, self.w + 2 * self.pw)

    @property
    def interior(self) -> tuple:
        """The index of the unpadded input inside the padded one."""
        return (slice(None), slice(None), slice(self.ph, self.ph + self.h),
                slice(self.pw, self.pw + self.w))

    def offset(self, i: int, j: int) -> tuple:
        """The index, into the padded input, of the (OH, OW) positions kernel tap (i, j)
        reads."""
        r0, c0 = i * self.dh, j * self.dw
        return (slice(None), slice(None),
                slice(r0, r0 + self.sh * (self.oh - 1) + 1, self.sh),
                slice(c0, c0 + self.sw * (self.ow - 1) + 1, self.sw))


def geometry(shape: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
             op: str) -> Geometry:
    """The Geometry of `op` on an input of `shape` (N, C, H, W); a ValueError naming the op
    and the shapes when the padded input is smaller than the dilated kernel."""
    n, c, h, w = shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if h + 2 * ph < ekh or w + 2 * pw < ekw:
        raise ValueError(
            f"{op}: input of shape {tuple(shape)} with padding ({ph}, {pw}) is "
            f"{h + 2 * ph}x{w + 2 * pw}, smaller than the kernel {kh}x{kw} (dilated to "
            f"{ekh}x{ekw})"
        )
    oh = (h + 2 * ph - ekh) // sh + 1
    ow = (w + 2 * pw - ekw) // sw + 1
    return Geometry(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)


def pad(x: Any, geo: Geometry, value: float = 0.0) -> Any:
    """x surrounded by `value` (zeros only for Tensors); x itself when there is no padding."""
    if geo.ph == 0 and geo.pw == 0:
        return x
    if isinstance(x, Tensor):
        if value != 0.0:
            raise ValueError("pad: only zero padding is differentiable here")
        return scatter_add(x, geo.interior, geo.padded_shape)
    out = np.full(geo.padded_shape, value, dtype=x.dtype)
    out[geo.interior] = x
    return out


def windows(x: Any, geo: Geometry, value: float = 0.0) -> Any:
    """(N, C, kh, kw, OH, OW) windows of x padded with `value`: a strided view for ndarrays,
    a stack of slices for Tensors."""
    xp = pad(x, geo, value)
    if isinstance(xp, Tensor):
        taps = [xp[geo.offset(i, j)] for i in range(geo.kh) for j in range(geo.kw)]
        return stack(taps, axis=2).reshape(
            (geo.n, geo.c, geo.kh, geo.kw, geo.oh, geo.ow))
    s = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, shape=(geo.n, geo.c, geo.kh, geo.kw, geo.oh, geo.ow),
        strides=(s[0], s[1], s[2] * geo.dh, s[3] * geo.dw, s[2] * geo.sh, s[3] * geo.sw),
        writeable=False)


def col2im(cols: Any, geo: Geometry) -> Any:
    """The adjoint of `windows` (zero padding): Σ over kernel taps of each (N, C, OH, OW)
    block added at the positions it was read from; padding positions are dropped."""
    if isinstance(cols, Tensor):
        out = None
        for i in range(geo.kh):
            for j in range(geo.kw):
                part = scatter_add(cols[:, :, i, j], geo.offset(i, j), geo.padded_shape)
                out = part if out is None else out + part
        return out[geo.interior] if geo.ph or geo.pw else out
    out = np.zeros(geo.padded_shape, dtype=cols.dtype)
    for i in range(geo.kh):
        for j in range(geo.kw):
            out[geo.offset(i, j)] += cols[:, :, i, j]
    return out[geo.interior] if geo.ph or geo.pw else out


def pair(value: Any, name: str, op: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, each >= minimum, as a pair: TypeError naming `op` and
    `name` for another type, ValueError for a value out of range."""
    items = value if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
            for v in items):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def spatial_input(x: Any, op: str) -> tuple[Any, bool]:
    """(x as 4-D NCHW, whether a batch axis was added): a 3-D (C, H, W) input is one unbatched
    sample, as in PyTorch; other ranks and non-float dtypes are refused naming the op."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    if data.ndim not in (3, 4):
        raise ValueError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                         f"shape {data.shape}")
    if data.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {data.dtype}")
    if not isinstance(x, Tensor):
        x = Tensor(data)
    if data.ndim == 3:
        return x.reshape((1,) + data.shape), True
    return x, False
