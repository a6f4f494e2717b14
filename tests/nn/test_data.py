"""nn.data: DataLoader batches, train_val_split and kfold."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Tensor
from nn.data import DataLoader, TensorDataset, kfold, train_val_split


def _xy(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n) * 10
    return x, y


def test_batches_in_order_without_shuffle():
    x, y = _xy(10)
    loader = DataLoader(x, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    assert all(isinstance(b, tuple) and all(isinstance(t, Tensor) for t in b) for b in batches)
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    np.testing.assert_array_equal(np.concatenate([b[1].data for b in batches]), y)
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == y.dtype
    dropped = DataLoader(x, y, batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[0].shape[0] for b in dropped] == [4, 4]
    single = list(DataLoader(x, batch_size=10))
    assert len(single) == 1 and len(single[0]) == 1


def test_shuffle_keeps_pairs_and_covers_each_epoch():
    x, y = _xy(23)
    loader = DataLoader(x, y, batch_size=5, shuffle=True, seed=0)
    epochs = []
    for _ in range(2):
        xs, ys = zip(*[(bx.data, by.data) for bx, by in loader])
        xs, ys = np.concatenate(xs), np.concatenate(ys)
        np.testing.assert_array_equal(xs[:, 0] / 2 * 10, ys)  # rows stay with their labels
        assert sorted(ys.tolist()) == sorted(y.tolist())
        epochs.append(ys)
    assert not np.array_equal(epochs[0], epochs[1])  # a new order each epoch
    assert not np.array_equal(epochs[0], y)


def test_shuffle_repeatable_by_seed_and_by_manual_seed():
    x, y = _xy(30)
    first = [b[1].data for b in DataLoader(x, y, batch_size=7, shuffle=True, seed=3)]
    again = [b[1].data for b in DataLoader(x, y, batch_size=7, shuffle=True, seed=3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    autograd.manual_seed(5)
    one = np.concatenate([b[0].data for b in DataLoader(y, batch_size=7, shuffle=True)])
    autograd.manual_seed(5)
    two = np.concatenate([b[0].data for b in DataLoader(y, batch_size=7, shuffle=True)])
    np.testing.assert_array_equal(one, two)


@given(st.integers(1, 40), st.integers(1, 12), st.booleans(), st.booleans())
def test_loader_property(n, batch_size, shuffle, drop_last):
    """len() is the number of batches; batches are full except maybe the last; with drop_last
    every batch is full; together they hold each sample at most once (exactly once without
    drop_last)."""
    idx = np.arange(n)
    batches = [b[0].data for b in DataLoader(idx, batch_size=batch_size, shuffle=shuffle,
                                             drop_last=drop_last, seed=1)]
    loader = DataLoader(idx, batch_size=batch_size, drop_last=drop_last)
    assert len(batches) == len(loader)
    sizes = [len(b) for b in batches]
    assert all(s == batch_size for s in sizes[:-1])
    seen = np.concatenate(batches) if batches else np.array([], int)
    assert len(set(seen.tolist())) == len(seen)
    if drop_last:
        assert all(s == batch_size for s in sizes) and len(seen) == n - n % batch_size
    else:
        assert sorted(seen.tolist()) == idx.tolist()


def test_loader_errors():
    with pytest.raises(ValueError, match=r"same number of samples.*\[3, 4\]"):
        DataLoader(np.zeros(3), np.zeros(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        DataLoader(np.zeros(3), batch_size=0)
    with pytest.raises(ValueError, match="at least one array"):
        DataLoader(batch_size=2)


def test_train_val_split():
    x, y = _xy(50)
    (xt, yt), (xv, yv) = train_val_split(x, y, val_fraction=0.2, seed=0)
    assert len(xv) == len(yv) == 10 and len(xt) == len(yt) == 40
    assert set(yt.tolist()).isdisjoint(yv.tolist())
    assert sorted(yt.tolist() + yv.tolist()) == y.tolist()
    np.testing.assert_array_equal(xt[:, 0] / 2 * 10, yt)
    (_, yt2), _ = train_val_split(x, y, val_fraction=0.2, seed=0)
    np.testing.assert_array_equal(yt, yt2)
    (_, yt3), _ = train_val_split(x, y, val_fraction=0.2, seed=1)
    assert not np.array_equal(yt, yt3)
    (only,), (val,) = train_val_split(Tensor(y), val_fraction=0.5, seed=2)
    assert len(only) == len(val) == 25
    with pytest.raises(ValueError, match=r"val_fraction must be in \(0, 1\)"):
        train_val_split(x, val_fraction=1.0)
    with pytest.raises(ValueError, match="both must be non-empty"):
        train_val_split(np.zeros(3), val_fraction=0.1)


@given(st.integers(2, 40), st.data())
def test_kfold_property(n, data):
    """k folds; validation folds are disjoint, cover range(n) and differ in size by at most
    one; each training set is the complement of its validation fold."""
    k = data.draw(st.integers(2, n))
    folds = list(kfold(n, k, seed=data.draw(st.integers(0, 100))))
    assert len(folds) == k
    vals = [set(v.tolist()) for _, v in folds]
    assert sorted(i for v in vals for i in v) == list(range(n))
    assert max(map(len, vals)) - min(map(len, vals)) <= 1
    for (train, val), v in zip(folds, vals):
        assert sorted(train.tolist() + val.tolist()) == list(range(n))
        assert v.isdisjoint(train.tolist())


def test_kfold_seeded_and_errors_at_call():
    a = [v.tolist() for _, v in kfold(10, 3, seed=4)]
    b = [v.tolist() for _, v in kfold(10, 3, seed=4)]
    assert a == b and a != [v.tolist() for _, v in kfold(10, 3, seed=5)]
    with pytest.raises(ValueError, match=r"need 2 <= k <= n, got k=11, n=10"):
        kfold(10, 11)


def test_python_lists_follow_the_tensor_dtype_policy() -> None:
    # Lists of floats become float32 as Tensor() makes them; arrays keep their dtype.
    loader = DataLoader([[0.5, 1.5], [2.5, 3.5]], np.array([1.0, 2.0]), batch_size=2)
    (x, y), = list(loader)
    assert x.dtype == np.float32
    assert y.dtype == np.float64
    train, val = train_val_split([0.0, 1.0, 2.0, 3.0, 4.0], val_fraction=0.4, seed=0)
    assert train[0].dtype == np.float32 and val[0].dtype == np.float32


class _EpochPermutations:
    """A PyTorch-style sampler: a fresh seeded permutation on every pass."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.rng = n, np.random.default_rng(seed)

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())

    def __len__(self) -> int:
        return self.n


@pytest.mark.parametrize("drop_last", [False, True])
def test_sampler_gives_pytorchs_batches_in_its_order(drop_last):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for DataLoader(sampler=)")
    x = np.arange(22.0).reshape(11, 2)
    y = np.arange(11)
    ours = DataLoader(TensorDataset(x, y), batch_size=4, sampler=_EpochPermutations(11, 5),
                      drop_last=drop_last)
    ref = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=4, sampler=_EpochPermutations(11, 5), drop_last=drop_last)
    assert len(ours) == len(ref)
    for _ in range(2):  # a new order each epoch, the same in both
        got = [(a.data, b.data) for a, b in ours]
        want = [(a.numpy(), b.numpy()) for a, b in ref]
        assert len(got) == len(want)
        for (a, b), (c, d) in zip(got, want):
            np.testing.assert_array_equal(a, c)
            np.testing.assert_array_equal(b, d)
    fixed = [b.data.tolist() for (b,) in DataLoader(y, batch_size=5, sampler=[3, 1, 4, 1, 5])]
    assert fixed == [[3, 1, 4, 1, 5]]


def test_sampler_is_checked():
    y = np.arange(5)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(y, sampler=[0, 1], shuffle=True)
    with pytest.raises(TypeError, match="sampler must be an iterable"):
        DataLoader(y, sampler=3)
    with pytest.raises(IndexError, match="sampler index out of range"):
        list(DataLoader(y, sampler=[0, 5]))
    with pytest.raises(TypeError, match="int indices"):
        list(DataLoader(y, sampler=[0.5]))
