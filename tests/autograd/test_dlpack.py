"""DLPack: Tensor.__dlpack__ / __dlpack_device__ and autograd.from_dlpack share memory."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
from autograd import Tensor

torch = pytest.importorskip("torch", reason="DLPack interop is checked against PyTorch")

DTYPES = [np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_]


def layouts(a):
    """The same values as C order, Fortran order, a strided view and a transposed view."""
    big = np.repeat(a, 2, axis=-1) if a.ndim else a
    return {
        "c": np.ascontiguousarray(a),
        "fortran": np.asfortranarray(a),
        "strided": big[..., ::2] if a.ndim else a,
        "transposed": np.ascontiguousarray(a.T).T,
    }


def test_torch_sees_writes_to_a_tensor_and_back():
    t = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    pt = torch.from_dlpack(t)
    assert np.shares_memory(pt.numpy(), t.data)
    pt[0, 1] = 42.0
    assert t.data[0, 1] == 42.0
    t.data[1, 2] = -7.0
    assert pt[1, 2].item() == -7.0
    assert t.__dlpack_device__() == (1, 0)  # kDLCPU


def test_from_dlpack_shares_a_torch_tensor():
    pt = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    t = autograd.from_dlpack(pt)
    assert isinstance(t, Tensor) and t.dtype == np.float64 and t.shape == (3, 4)
    assert not t.requires_grad and t.grad_fn is None
    pt[2, 3] = 100.0
    assert t.data[2, 3] == 100.0
    t.data[0, 0] = -1.0
    assert pt[0, 0].item() == -1.0
    assert np.shares_memory(t.data, pt.numpy())


def test_from_dlpack_keeps_torch_strides():
    pt = torch.arange(12.0).reshape(3, 4)
    view = pt.t()[1:, ::2]
    t = autograd.from_dlpack(view)
    np.testing.assert_array_equal(t.data, view.numpy())
    assert np.shares_memory(t.data, pt.numpy())
    pt.zero_()
    assert not t.data.any()


def test_from_dlpack_requires_grad_is_refused_with_detach_hint():
    pt = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"torch\.Tensor requires grad.*detach"):
        autograd.from_dlpack(pt)
    t = autograd.from_dlpack(pt.detach())
    assert np.shares_memory(t.data, pt.detach().numpy())


def test_from_dlpack_can_start_a_graph():
    pt = torch.tensor([1.0, 2.0, 3.0])
    t = autograd.from_dlpack(pt, requires_grad=True)
    (t * t).sum().backward()
    np.testing.assert_array_equal(t.grad, 2 * pt.numpy())


def test_from_dlpack_of_an_unsupported_dtype_names_it():
    with pytest.raises(Exception, match=r"from_dlpack.*bfloat16"):
        autograd.from_dlpack(torch.ones(2, dtype=torch.bfloat16))


def test_from_dlpack_of_ndarray_and_tensor():
    a = np.arange(4.0)
    assert np.shares_memory(autograd.from_dlpack(a).data, a)
    t = Tensor(a, requires_grad=True)
    u = autograd.from_dlpack(t)
    assert np.shares_memory(u.data, t.data) and not u.requires_grad


def test_negative_strides_are_refused_unless_copied():
    t = Tensor(np.arange(6, dtype=np.float32)[::-1])
    with pytest.raises(BufferError, match="negative strides.*copy=True"):
        torch.from_dlpack(t)
    capsule_owner = t.__dlpack__(copy=True)  # an explicit copy is allowed
    assert capsule_owner is not None


def test_read_only_arrays_are_refused_unless_copied():
    a = np.arange(3, dtype=np.float32)
    a.flags.writeable = False
    t = Tensor.__new__(Tensor)
    t.data, t.grad, t.grad_fn, t.requires_grad = a, None, None, False
    with pytest.raises(BufferError, match="read-only"):
        torch.from_dlpack(t)
    assert t.__dlpack__(copy=True) is not None


def test_broadcast_view_shares_memory():
    base = np.arange(3, dtype=np.float32)
    t = Tensor(np.broadcast_to(base, (2, 3)).copy())
    t.data = np.lib.stride_tricks.as_strided(base, (2, 3), (0, 4))
    pt = torch.from_dlpack(t)
    assert pt.stride() == (0, 1)
    base[1] = 9.0
    assert pt[1, 1].item() == 9.0


@given(arr=hnp.arrays(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=0, max_dims=3,
                                                                   max_side=4)),
       layout=st.sampled_from(["c", "fortran", "strided", "transposed"]))
def test_roundtrip_every_layout_and_dtype(arr, layout):
    a = layouts(arr)[layout]
    t = Tensor.__new__(Tensor)
    t.data, t.grad, t.grad_fn, t.requires_grad = a, None, None, False
    pt = torch.from_dlpack(t)
    assert tuple(pt.shape) == a.shape
    np.testing.assert_array_equal(pt.numpy(), a)
    back = autograd.from_dlpack(pt)
    assert back.dtype == a.dtype
    np.testing.assert_array_equal(back.data, a)
    if a.size:
        assert np.shares_memory(back.data, a)
