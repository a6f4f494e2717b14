"""Read MNIST and Fashion-MNIST from their standard IDX files, plain or gzipped.

An IDX file is a big-endian header — two zero bytes, a type code (0x08 for unsigned bytes),
the number of dimensions — then one 4-byte size per dimension, then the data. MNIST's images
are `<split>-images-idx3-ubyte` (magic 0x00000803: N × 28 × 28 bytes) and its labels
`<split>-labels-idx1-ubyte` (magic 0x00000801: N bytes), with split `train` or `t10k`.
Every check failing raises `IdxError` saying which file and what was expected.
`download()` fetches the four files into a cache folder and verifies their SHA-256 sums.
"""
from __future__ import annotations

import gzip
import hashlib
import shutil
import urllib.request
import zlib
from pathlib import Path

import numpy as np

# type code → big-endian NumPy dtype, as the IDX format defines them
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801
IMAGE_SHAPE = (28, 28)
SPLITS = ("train", "t10k")

# Published SHA-256 sums of the gzipped files (the same for every mirror).
SOURCES = {
    "mnist": ("https://storage.googleapis.com/cvdf-datasets/mnist/", {
        "train-images-idx3-ubyte.gz":
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz":
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz":
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz":
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    }),
    "fashion-mnist": (
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/", {
            "train-images-idx3-ubyte.gz":
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "train-labels-idx1-ubyte.gz":
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "t10k-images-idx3-ubyte.gz":
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "t10k-labels-idx1-ubyte.gz":
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        }),
}


class IdxError(ValueError):
    """A missing, truncated or inconsistent IDX file."""


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip signature (whatever its name)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise IdxError(f"{path}: a corrupt or truncated gzip file ({exc})") from None
    return raw


def read_idx(path: str | Path, expected_magic: int | None = None) -> np.ndarray:
    """The array stored in one IDX file (plain or gzipped), in native byte order."""
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise IdxError(f"{path}: {len(data)} bytes, too short for an IDX header (4 bytes)")
    magic = int.from_bytes(data[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise IdxError(f"{path}: magic number 0x{magic:08x}, expected 0x{expected_magic:08x} "
                       "(is it the right file, images vs labels?)")
    zeros, type_code, ndim = data[:2], data[2], data[3]
    if zeros != b"\x00\x00" or type_code not in IDX_TYPES or ndim == 0:
        raise IdxError(f"{path}: magic number 0x{magic:08x} is not an IDX header "
                       "(00 00 <type> <ndim>)")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(f"{path}: truncated header, {ndim} dimensions need {header} bytes")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(IDX_TYPES[type_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise IdxError(f"{path}: header says shape {shape} ({expected} data bytes) but the "
                       f"file holds {len(data) - header} data bytes (truncated or corrupt?)")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def find_file(directory: Path, stem: str) -> Path:
    """`stem` or `stem.gz` in `directory` (also the `stem.idx3-ubyte` style some mirrors use)."""
    candidates = [stem, stem + ".gz", stem.replace("-idx", ".idx"),
                  stem.replace("-idx", ".idx") + ".gz"]
    for name in candidates:
        if (directory / name).is_file():
            return directory / name
    raise IdxError(f"{directory}: no file {stem} or {stem}.gz (expected the standard MNIST or "
                   "Fashion-MNIST file names, e.g. train-images-idx3-ubyte.gz)")


def load_split(directory: str | Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) uint8 of split 'train' or 't10k', verified."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    directory = Path(directory)
    if not directory.is_dir():
        raise IdxError(f"{directory}: not a folder (pass the folder holding the IDX files)")
    images_path = find_file(directory, f"{split}-images-idx3-ubyte")
    labels_path = find_file(directory, f"{split}-labels-idx1-ubyte")
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if images.shape[1:] != IMAGE_SHAPE:
        raise IdxError(f"{images_path}: images of shape {images.shape[1:]}, expected "
                       f"{IMAGE_SHAPE}")
    if len(images) != len(labels):
        raise IdxError(f"{images_path} holds {len(images)} images but {labels_path} holds "
                       f"{len(labels)} labels; the counts must match")
    if labels.size and labels.max() > 9:
        raise IdxError(f"{labels_path}: label {int(labels.max())} outside 0..9")
    return images, labels


def load(directory: str | Path) -> tuple[tuple[np.ndarray, np.ndarray],
                                          tuple[np.ndarray, np.ndarray]]:
    """((train images, train labels), (test images, test labels)) from one folder."""
    return load_split(directory, "train"), load_split(directory, "t10k")


def sha256(path: Path) -> str:
    """The file's SHA-256 hex digest, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(cache_dir: str | Path, dataset: str = "mnist") -> Path:
    """Fetch the four gzipped files of `dataset` into cache_dir/dataset unless already there,
    verify each SHA-256 sum (a mismatching file is deleted) and return that folder."""
    if dataset not in SOURCES:
        raise ValueError(f"dataset must be one of {sorted(SOURCES)}, got {dataset!r}")
    base_url, sums = SOURCES[dataset]
    folder = Path(cache_dir) / dataset
    folder.mkdir(parents=True, exist_ok=True)
    for name, expected in sums.items():
        target = folder / name
        if target.is_file() and sha256(target) == expected:
            continue
        print(f"downloading {base_url}{name}")
        partial = target.with_suffix(".part")
        try:
            with urllib.request.urlopen(base_url + name, timeout=60) as response, \
                    open(partial, "wb") as f:
                shutil.copyfileobj(response, f)
        except OSError as exc:  # URLError, timeouts and refused connections are OSErrors
            partial.unlink(missing_ok=True)
            raise IdxError(f"could not download {base_url}{name} ({exc}); without the "
                           "network, copy the four files into a folder and pass it as "
                           "--data-dir") from None
        actual = sha256(partial)
        if actual != expected:
            partial.unlink()
            raise IdxError(f"{base_url}{name}: SHA-256 {actual}, expected {expected}; the "
                           "download is corrupt or the mirror changed, so it was deleted")
        partial.replace(target)
    return folder


def main() -> None:
    """Command line: check (and with --download fetch) a folder of IDX files."""
    import argparse

    parser = argparse.ArgumentParser(
        description="Check a folder of MNIST or Fashion-MNIST IDX files (plain or .gz): "
                    "load both splits and print their shapes and label counts. With "
                    "--download, fetch the four files first and verify their SHA-256 sums.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?",
                        default=Path.home() / ".cache" / "scratchgrad",
                        help="the folder holding the IDX files (the cache folder with "
                             "--download)")
    parser.add_argument("--download", action="store_true",
                        help="download the files into FOLDER/<dataset> first (network)")
    parser.add_argument("--dataset", choices=sorted(SOURCES), default="mnist",
                        help="which data set --download fetches")
    args = parser.parse_args()
    try:
        folder = download(args.folder, args.dataset) if args.download else args.folder
        splits = load(folder)
    except IdxError as exc:
        raise SystemExit(f"error: {exc}") from None
    print(f"IDX files in {folder}:")
    for split, (images, labels) in zip(SPLITS, splits):
        counts = np.bincount(labels, minlength=10)
        print(f"  {split:5s}: images {images.shape} {images.dtype}, labels {labels.shape}; "
              f"per class {counts.tolist()}")


if __name__ == "__main__":
    main()
