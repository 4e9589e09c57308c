#!/usr/bin/python3
"""What a researcher runs instead of Graft, one subcommand each (the suite times them).

  h5-copy IN OUT             h5py: Group.copy of every top-level object and the root's attributes
  h5-merge SRC DST OUT       h5py: copy DST, overwrite every dataset SRC has with the same path,
                             shape and dtype (the hand-written transplant script)
  h5-stats FILE BINS [KEY]   h5py + numpy: summary and numpy.histogram of every dataset (or KEY)
  safetensors-header FILE    struct + json: the header
  safetensors-copy IN OUT    struct + json: rewrite the header, copy the data in 64 MB blocks
  safetensors-stats FILE BINS  numpy.memmap + numpy: every tensor (float32/float16; others skipped)
  torch-load FILE            torch.load(map_location="cpu")
  torch-resave IN OUT        torch.load + torch.save
  torch-stats FILE BINS      torch.load + numpy: every floating-point tensor
Each prints one line: how many tensors it handled. Debian's /usr/bin/python3 has h5py, numpy
and torch; a pyenv python3 may not.
"""
import json
import shutil
import struct
import sys

BLOCK = 64 << 20


def summarize(a, bins):
    """The statistics `graft-cli stats --bins` reports, as a researcher computes them."""
    import numpy as np  # imported where used: a header read should not pay for numpy
    a = a.ravel()
    finite = a[np.isfinite(a)]
    if finite.size:
        np.histogram(finite, bins=bins)
        return (finite.min(), finite.max(), finite.mean(dtype=np.float64), finite.std(dtype=np.float64),
                int((a == 0).sum()))
    return None


def h5_datasets(f):
    import h5py
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def h5_copy(src, out):
    import h5py
    with h5py.File(src, "r") as i, h5py.File(out, "w") as o:
        for k, v in i.attrs.items():
            o.attrs[k] = v
        for name in i:
            i.copy(i[name], o, name=name)
        return len(h5_datasets(i))


def h5_merge(src_path, dst_path, out_path):
    import h5py
    taken = 0
    with h5py.File(src_path, "r") as src, h5py.File(dst_path, "r") as dst, h5py.File(out_path, "w") as out:
        for k, v in dst.attrs.items():
            out.attrs[k] = v
        for name in dst:
            dst.copy(dst[name], out, name=name)
        for name in h5_datasets(dst):
            s = src.get(name)
            if isinstance(s, h5py.Dataset) and s.shape == dst[name].shape and s.dtype == dst[name].dtype:
                out[name][...] = s[...]
                taken += 1
    return taken


def h5_stats(path, bins, key=None):
    import h5py
    with h5py.File(path, "r") as f:
        names = [key] if key else h5_datasets(f)
        for name in names:
            d = f["model_weights"][name] if key and "model_weights" in f else f[name]
            if d.dtype.kind == "f":
                summarize(d[()], bins)
        return len(names)


def safetensors_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))


def safetensors_copy(src, out):
    header = safetensors_header(src)
    with open(src, "rb") as i, open(out, "wb") as o:
        n = struct.unpack("<Q", i.read(8))[0]
        i.seek(8 + n)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        o.write(struct.pack("<Q", len(text)) + text)
        shutil.copyfileobj(i, o, BLOCK)
    return len(header) - ("__metadata__" in header)


def safetensors_stats(path, bins):
    import numpy as np
    header = safetensors_header(path)
    with open(path, "rb") as f:
        start = 8 + struct.unpack("<Q", f.read(8))[0]
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=start)
    dtypes = {"F32": np.float32, "F16": np.float16, "F64": np.float64}
    done = 0
    for name, t in header.items():
        if name == "__metadata__" or t["dtype"] not in dtypes:
            continue
        a, b = t["data_offsets"]
        summarize(data[a:b].view(dtypes[t["dtype"]]), bins)
        done += 1
    return done


def torch_load(path):
    import torch
    return torch.load(path, map_location="cpu")


def torch_resave(src, out):
    import torch
    sd = torch_load(src)
    torch.save(sd, out)
    return len(sd)


def torch_stats(path, bins):
    sd = torch_load(path)
    done = 0
    for t in sd.values():
        if hasattr(t, "is_floating_point") and t.is_floating_point():
            summarize(t.float().numpy(), bins)
            done += 1
    return done


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    result = {
        "h5-copy": lambda: h5_copy(*args),
        "h5-merge": lambda: h5_merge(*args),
        "h5-stats": lambda: h5_stats(args[0], int(args[1]), *args[2:]),
        "safetensors-header": lambda: len(safetensors_header(*args)),
        "safetensors-copy": lambda: safetensors_copy(*args),
        "safetensors-stats": lambda: safetensors_stats(args[0], int(args[1])),
        "torch-load": lambda: len(torch_load(*args)),
        "torch-resave": lambda: torch_resave(*args),
        "torch-stats": lambda: torch_stats(args[0], int(args[1])),
    }[cmd]()
    print(result)


if __name__ == "__main__":
    main()
