"""The IDX loader of examples/mnist_idx.py on small files written here: plain and gzipped
files load exactly, and broken ones fail with an error naming the file and the problem."""
from __future__ import annotations

import gzip
import importlib.util
import io
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def loader() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mnist_idx", EXAMPLES / "mnist_idx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_split(folder: Path, idx: SimpleNamespace, split: str, n: int,
                compress: bool) -> tuple[np.ndarray, np.ndarray]:
    images, labels = idx.synthetic_mnist(n, seed=n)
    suffix = ".gz" if compress else ""
    idx.write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", images, compress)
    idx.write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", labels, compress)
    return images, labels


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gz"])
def test_loads_what_was_written(loader, idx, tmp_path, compress):
    train = write_split(tmp_path, idx, "train", 30, compress)
    test = write_split(tmp_path, idx, "t10k", 7, not compress)
    (xa, ya), (xb, yb) = loader.load(tmp_path)
    assert xa.shape == (30, 28, 28) and xa.dtype == np.uint8 and ya.shape == (30,)
    np.testing.assert_array_equal(xa, train[0])
    np.testing.assert_array_equal(ya, train[1])
    np.testing.assert_array_equal(xb, test[0])
    np.testing.assert_array_equal(yb, test[1])


def test_reads_wider_types_in_native_order(loader, idx, tmp_path):
    values = np.arange(-6, 6, dtype=">i4").reshape(3, 4)
    path = tmp_path / "ints"
    path.write_bytes(idx.idx_bytes(values, type_code=0x0C))
    out = loader.read_idx(path)
    assert out.dtype == np.dtype("int32") and out.dtype.isnative
    np.testing.assert_array_equal(out, values)


def test_wrong_magic_number(loader, idx, tmp_path):
    write_split(tmp_path, idx, "train", 5, False)
    labels = tmp_path / "train-labels-idx1-ubyte"
    images = tmp_path / "train-images-idx3-ubyte"
    labels.write_bytes(images.read_bytes())  # images where the labels should be
    with pytest.raises(loader.IdxError, match=r"train-labels.*magic number 0x00000803, "
                                              r"expected 0x00000801"):
        loader.load_split(tmp_path, "train")


def test_not_an_idx_file(loader, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is text")
    with pytest.raises(loader.IdxError, match="not an IDX header"):
        loader.read_idx(path)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gz"])
def test_truncated_data(loader, idx, tmp_path, compress):
    images, _ = idx.synthetic_mnist(4, seed=0)
    data = idx.idx_bytes(images)[:-10]
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(loader.IdxError, match=r"shape \(4, 28, 28\).*3126 data bytes"):
        loader.read_idx(path)


def test_corrupt_gzip(loader, idx, tmp_path):
    packed = gzip.compress(idx.idx_bytes(idx.synthetic_mnist(4, seed=0)[0]))
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(loader.IdxError, match="corrupt or truncated gzip"):
        loader.read_idx(path)


def test_counts_must_match(loader, idx, tmp_path):
    write_split(tmp_path, idx, "train", 6, True)
    idx.write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(5, np.uint8), True)
    with pytest.raises(loader.IdxError, match=r"6 images but .* 5 labels"):
        loader.load_split(tmp_path, "train")


def test_image_shape_is_checked(loader, idx, tmp_path):
    idx.write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 8, 8), np.uint8))
    idx.write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(loader.IdxError, match=r"shape \(8, 8\), expected \(28, 28\)"):
        loader.load_split(tmp_path, "t10k")


def test_labels_beyond_nine(loader, idx, tmp_path):
    idx.write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 28, 28), np.uint8))
    idx.write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([3, 12], np.uint8))
    with pytest.raises(loader.IdxError, match=r"label 12 outside 0\.\.9"):
        loader.load_split(tmp_path, "t10k")


def test_missing_files_and_folder(loader, tmp_path):
    with pytest.raises(loader.IdxError, match="no file train-images-idx3-ubyte"):
        loader.load_split(tmp_path, "train")
    with pytest.raises(loader.IdxError, match="not a folder"):
        loader.load_split(tmp_path / "nowhere", "train")


def test_download_keeps_verified_files_offline(loader, tmp_path, monkeypatch):
    """Files already in the cache with the right SHA-256 are not fetched again."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    sums = {}
    for name in loader.SOURCES["mnist"][1]:
        (folder / name).write_bytes(name.encode())
        sums[name] = loader.sha256(folder / name)
    monkeypatch.setitem(loader.SOURCES, "mnist", ("https://invalid.example/", sums))

    def no_network(*args, **kwargs):
        raise AssertionError("download() went to the network for a verified file")

    monkeypatch.setattr(loader.urllib.request, "urlopen", no_network)
    assert loader.download(tmp_path, "mnist") == folder


def test_download_rejects_a_wrong_checksum(loader, tmp_path, monkeypatch):
    """A fetched file whose SHA-256 differs is deleted and reported (no network: urlopen is
    replaced by a stand-in returning the wrong bytes)."""
    monkeypatch.setattr(loader.urllib.request, "urlopen",
                        lambda url, timeout=None: io.BytesIO(b"not the real file"))
    with pytest.raises(loader.IdxError, match=r"SHA-256 .* expected 440fcabf"):
        loader.download(tmp_path, "mnist")
    assert list((tmp_path / "mnist").iterdir()) == []


def test_download_offline_says_what_to_do(loader, tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise loader.urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(loader.urllib.request, "urlopen", offline)
    with pytest.raises(loader.IdxError, match=r"could not download .*--data-dir"):
        loader.download(tmp_path, "fashion-mnist")
    assert list((tmp_path / "fashion-mnist").iterdir()) == []


def test_the_command_line_checks_a_folder(mnist_dir, tmp_path):
    """`python examples/mnist_idx.py --help` explains itself; given a folder it loads both
    splits and prints what it found; a wrong folder is a one-line error."""
    import subprocess
    import sys
    script = str(EXAMPLES / "mnist_idx.py")
    proc = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "--download" in proc.stdout and "folder" in proc.stdout
    proc = subprocess.run([sys.executable, script, str(mnist_dir)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "train: images (400, 28, 28) uint8" in proc.stdout
    assert "t10k : images (100, 28, 28) uint8" in proc.stdout
    proc = subprocess.run([sys.executable, script, str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "error:" in proc.stderr and "Traceback" not in proc.stderr
