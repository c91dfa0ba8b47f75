# A small pure-Python safetensors reader and writer (the `safetensors` package is not installed here):
# 8-byte little-endian header length, a JSON header of {name: {dtype, shape, data_offsets}} plus
# "__metadata__", padded with spaces to a multiple of 8, then the raw little-endian tensor bytes in
# the order safetensors' own writer uses (dtype descending, then name). Also writes sharded folders
# with model.safetensors.index.json. Used by make_parity_fixtures.py only; not a test dependency.
import json
import os
import struct

import torch

# safetensors' Dtype enum order (the Rust writer sorts by it, descending, then by name).
_DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
_TORCH_DTYPE = {
    "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
_NAME_OF = {v: k for k, v in _TORCH_DTYPE.items()}


def _raw_bytes(tensor):
    """Little-endian bytes of a contiguous tensor (bfloat16 via its int16 bit pattern, numpy has no bf16)."""
    t = tensor.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()


def serialize(tensors, metadata=None):
    """The bytes of a safetensors file holding `tensors` (name -> torch tensor, dtype kept)."""
    order = sorted(tensors, key=lambda n: (-_DTYPE_ORDER.index(_NAME_OF[tensors[n].dtype]), n))
    header = {"__metadata__": metadata or {"format": "pt"}}
    chunks, offset = [], 0
    for name in order:
        data = _raw_bytes(tensors[name])
        header[name] = {"dtype": _NAME_OF[tensors[name].dtype], "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def write(path, tensors, metadata=None):
    """Writes one safetensors file atomically."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(serialize(tensors, metadata))
    os.replace(tmp, path)


def write_sharded(folder, tensors, shards):
    """Splits `tensors` (sorted by name) into `shards` files model-0000i-of-0000n.safetensors plus the index."""
    names = sorted(tensors)
    per = -(-len(names) // shards)
    weight_map, total = {}, 0
    for i in range(shards):
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: tensors[n] for n in names[i * per:(i + 1) * per]}
        write(os.path.join(folder, file), part)
        for n, t in part.items():
            weight_map[n] = file
            total += t.numel() * t.element_size()
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
        f.write("\n")


def read(path):
    """name -> tensor of a safetensors file (dtype kept), checking offsets are in range and contiguous."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    out, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = info["data_offsets"]
        assert begin == end and stop <= len(data), f"{path}: {name}: offsets {begin}..{stop} out of order or range"
        end = stop
        dtype = _TORCH_DTYPE[info["dtype"]]
        raw = bytearray(data[begin:stop])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    assert end == len(data), f"{path}: {len(data) - end} trailing bytes"
    return out


def read_folder(folder):
    """All tensors of a model folder: model.safetensors, or the shards its index names."""
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        weight_map = json.load(f)["weight_map"]
    out = {}
    for file in sorted(set(weight_map.values())):
        out.update(read(os.path.join(folder, file)))
    return out
