"""nn.data given careless input, and PyTorch's dataset protocol: Dataset, TensorDataset and
DataLoader over any object with __len__ and __getitem__."""
from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor
from nn.data import DataLoader, Dataset, TensorDataset, kfold, train_val_split

X = np.arange(20.0).reshape(10, 2)
Y = np.arange(10)

CASES = [
    (lambda: DataLoader(X, shuffle="no"), TypeError, "DataLoader: shuffle must be a bool"),
    (lambda: DataLoader(X, drop_last=1), TypeError, "DataLoader: drop_last must be a bool"),
    (lambda: DataLoader(X, seed=-1), ValueError, "DataLoader: seed must be an int >= 0"),
    (lambda: DataLoader(X, seed="abc"), TypeError, "DataLoader: seed must be None or an int"),
    (lambda: DataLoader(X, seed=1.5), TypeError, "DataLoader: seed"),
    (lambda: DataLoader(X, batch_size="4"), TypeError, "DataLoader: batch_size must be a posi"),
    (lambda: DataLoader(X, batch_size=2.0), TypeError, "DataLoader: batch_size"),
    (lambda: DataLoader([[1.0, 2.0], [3.0]]), ValueError, "DataLoader: argument 0 is a ragged"),
    (lambda: DataLoader(X, [[1], [2, 3]] * 5), ValueError, "DataLoader: argument 1 is a ragged"),
    (lambda: DataLoader({"x": X, "y": Y}), TypeError, r"DataLoader: argument 0 .*dict.*values"),
    (lambda: DataLoader(X, None), TypeError, "DataLoader: argument 1 .*NoneType"),
    (lambda: DataLoader(np.array([{}, {}], dtype=object)), TypeError, "DataLoader:.*objects"),
    (lambda: kfold(10.5, 2), TypeError, "kfold: n must be an int, got float"),
    (lambda: kfold("10", 2), TypeError, "kfold: n must be an int, got str"),
    (lambda: kfold(X, 2), TypeError, r"kfold: n must be an int, got ndarray of shape \(10, 2\)"),
    (lambda: kfold(10, 2.0), TypeError, "kfold: k must be an int"),
    (lambda: kfold(10, 3, seed=-1), ValueError, "kfold: seed"),
    (lambda: train_val_split(X, val_fraction="0.2"), TypeError,
     "train_val_split: val_fraction must be a number"),
    (lambda: train_val_split(X, seed="abc"), TypeError, "train_val_split: seed"),
    (lambda: train_val_split({"x": X}), TypeError, "train_val_split: argument 0"),
    (lambda: TensorDataset(X, Y[:3]), ValueError, "TensorDataset: the arrays must have the same"),
    (lambda: TensorDataset(), ValueError, "TensorDataset: give at least one array"),
    (lambda: list(DataLoader(_Ragged(), batch_size=2)), ValueError,
     r"DataLoader: the batch's samples have shapes \[\(2,\), \(3,\)\]"),
    (lambda: list(DataLoader(_Texts(), batch_size=2)), TypeError, "DataLoader: a sample holds"),
    (lambda: len(Dataset()), NotImplementedError, r"Dataset must define __len__"),
]


class _Ragged(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return np.zeros(2 + i)


class _Texts(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return "sample"


@pytest.mark.parametrize("call, error, pattern", CASES)
def test_data_errors_name_the_function_and_argument(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_shuffle_false_keeps_the_order():
    batches = [y.data.tolist() for _, y in DataLoader(X, Y, batch_size=4, shuffle=False)]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


class Squares(Dataset):
    """A dataset computed on access: sample i is ((i, i²), {"label": i % 2}, i / 2)."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        if not 0 <= i < 7:
            raise IndexError(i)
        return np.array([i, i * i], dtype=np.float32), {"label": i % 2}, i / 2


def test_a_dataset_is_batched_as_pytorch_collates():
    loader = DataLoader(Squares(), batch_size=3)
    assert isinstance(loader.dataset, Squares) and len(loader) == 3
    batches = list(loader)
    x, meta, half = batches[0]
    assert x.shape == (3, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(x.data, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(meta["label"].data, [0, 1, 0])
    np.testing.assert_array_equal(half.data, [0.0, 0.5, 1.0])
    assert batches[-1][0].shape == (1, 2)
    assert len(list(DataLoader(Squares(), batch_size=3, drop_last=True))) == 2


def test_shuffled_dataset_covers_every_sample_once_and_is_seeded():
    def labels(seed):
        return [int(v) for (x, _, _) in DataLoader(Squares(), batch_size=2, shuffle=True,
                                                   seed=seed) for v in x.data[:, 0]]
    assert sorted(labels(3)) == list(range(7))
    assert labels(3) == labels(3)
    autograd.manual_seed(5)
    a = [x.data.tolist() for x, _, _ in DataLoader(Squares(), batch_size=7, shuffle=True)]
    autograd.manual_seed(5)
    b = [x.data.tolist() for x, _, _ in DataLoader(Squares(), batch_size=7, shuffle=True)]
    assert a == b


def test_tensor_dataset_and_array_loader_share_dataset_semantics():
    ds = TensorDataset(X, Tensor(Y))
    assert len(ds) == 10
    x3, y3 = ds[3]
    np.testing.assert_array_equal(x3.data, X[3])
    assert int(y3.data) == 3
    from_ds = [tuple(t.data.tolist() for t in b) for b in DataLoader(ds, batch_size=4)]
    from_arrays = [tuple(t.data.tolist() for t in b) for b in DataLoader(X, Y, batch_size=4)]
    assert from_ds == from_arrays
    loader = DataLoader(X, Y, batch_size=4)
    assert isinstance(loader.dataset, TensorDataset) and len(loader.dataset) == 10


def test_dataloader_matches_pytorch_on_the_same_dataset():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for this check")
    tds = torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y))
    theirs = [[t.numpy() for t in b] for b in torch.utils.data.DataLoader(tds, batch_size=3)]
    ours = [[t.data for t in b] for b in DataLoader(TensorDataset(X, Y), batch_size=3)]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    # PyTorch's own dataset object works as is (the protocol is all it needs).
    again = [[t.data for t in b] for b in DataLoader(tds, batch_size=3)]
    for a, b in zip(again, theirs):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
