"""Checkpoint containers: safetensors written and read by hand, LiT's .npz through NumPy.

Written by hand because the safetensors package is not in Debian 12; the format is small (LAYOUTS.md §0): an
8-byte little-endian header length, a JSON header, then raw little-endian tensor data.
"""

import json
import re
import struct

import numpy as np

# safetensors dtype name -> (NumPy storage dtype, bytes). BF16 has no NumPy dtype: it is kept as its uint16 bits.
_DTYPES = {
    "F32": (np.dtype("<f4"), 4),
    "F16": (np.dtype("<f2"), 2),
    "BF16": (np.dtype("<u2"), 2),
    "I64": (np.dtype("<i8"), 8),
    "I32": (np.dtype("<i4"), 4),
}


def bf16_bits(values):
    """float32 -> bfloat16 bit patterns, rounded to nearest even (as torch's .to(torch.bfloat16))."""
    bits = np.ascontiguousarray(values, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def bf16_to_f32(bits):
    return (np.asarray(bits, dtype="<u2").astype("<u4") << 16).view("<f4")


class BfloatArray:
    """A bfloat16 tensor held as its bits, so the writer knows its safetensors dtype."""

    def __init__(self, float32_values):
        self.bits = bf16_bits(float32_values)
        self.shape = self.bits.shape


def _stored(value):
    """(safetensors dtype, bytes) of one tensor to write."""
    if isinstance(value, BfloatArray):
        return "BF16", value.bits.tobytes()
    array = np.asarray(value)
    names = {np.float32: "F32", np.float16: "F16", np.int64: "I64", np.int32: "I32"}
    name = names.get(array.dtype.type)
    if name is None:
        raise ValueError(f"no safetensors dtype for {array.dtype}")
    return name, np.ascontiguousarray(array, dtype=_DTYPES[name][0]).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: ndarray | BfloatArray} like the safetensors library: tensors laid out by descending dtype
    size then name, header padded with spaces to a multiple of 8 bytes."""
    stored = {name: _stored(value) for name, value in tensors.items()}
    order = sorted(stored, key=lambda n: (-_DTYPES[stored[n][0]][1], n))
    header, offset = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in order:
        dtype, data = stored[name]
        shape = list(tensors[name].shape)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for name in order:
            out.write(stored[name][1])


def read_safetensors_header(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) < 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        (length,) = struct.unpack("<Q", raw)
        text = f.read(length) if length < 100_000_000 else b""
        if len(text) != length:
            raise ValueError(f"{path}: not a safetensors file (header length {length} exceeds the file)")
    try:
        return json.loads(text.decode("utf-8")), 8 + length
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a safetensors file (header is not JSON: {e})") from None


def read_safetensors(path):
    """Returns ({name: float32 or int64 ndarray}, metadata). Float tensors of any stored precision come back as
    float32 (exact widening)."""
    header, start = read_safetensors_header(path)
    metadata = header.pop("__metadata__", None)
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        dtype, size = _DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if end > len(data) or end - begin != count * size:
            raise ValueError(f"{path}: tensor {name} is truncated or mis-sized "
                             f"(offsets {begin}..{end}, data {len(data)} bytes)")
        array = np.frombuffer(data, dtype=dtype, count=count, offset=begin).reshape(entry["shape"])
        if entry["dtype"] == "BF16":
            array = bf16_to_f32(array)
        elif entry["dtype"] == "F16":
            array = array.astype(np.float32)
        tensors[name] = array
    return tensors, metadata


def _natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def renumber_like_linen(flat):
    """flax's checkpoints.convert_pre_linen on a flat {'a/b_1/c': v} dict: at every level, names ending in _<n>
    are renumbered per prefix in natural-sort order (vit_jax checkpoint.load applies it to every .npz)."""
    tree = {}
    for key, value in flat.items():
        node = tree
        parts = key.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def convert(node):
        if not isinstance(node, dict):
            return node
        renamed, counts = {}, {}
        for name in sorted(node, key=_natural_key):
            match = re.match(r"(.*)_\d+$", name)
            new = name
            if match:
                prefix = match.group(1)
                new = f"{prefix}_{counts.get(prefix, 0)}"
                counts[prefix] = counts.get(prefix, 0) + 1
            renamed[new] = convert(node[name])
        return renamed

    out = {}

    def flatten(node, prefix):
        for name, value in node.items():
            path = f"{prefix}/{name}" if prefix else name
            if isinstance(value, dict):
                flatten(value, path)
            else:
                out[path] = value

    flatten(convert(tree), "")
    return out


def read_npz(path):
    """A LiT .npz as {Linen name: float32 ndarray}."""
    with np.load(path, allow_pickle=False) as archive:
        flat = {name: np.asarray(archive[name], dtype=np.float32) for name in archive.files}
    return renumber_like_linen(flat)
