#!/usr/bin/python3
"""Two Keras 2 model.save-style HDF5 files of the same ResNet-like architecture for the merge
benchmark: a "source" and a "target" with a different head. Writes in bounded memory."""
import sys

import h5py
import numpy as np


def layers(total_bytes):
    # (name, [(weight, shape)]) with widths scaled to reach total_bytes
    width, spec = 64, []
    while True:
        spec.clear()
        c_in = 3
        for i in range(24):
            c_out = width * (1 + i // 6)
            spec.append((f"conv2d_{i}", [("kernel:0", (3, 3, c_in, c_out)), ("bias:0", (c_out,))]))
            spec.append((f"batch_normalization_{i}", [(w, (c_out,)) for w in ("gamma:0", "beta:0", "moving_mean:0", "moving_variance:0")]))
            c_in = c_out
        spec.append(("dense", [("kernel:0", (c_in, 1000)), ("bias:0", (1000,))]))
        size = sum(4 * int(np.prod(s)) for _, ws in spec for _, s in ws)
        if size >= total_bytes:
            return spec
        width = int(width * 1.15) + 1


def write(path, spec, seed, head_classes):
    rng = np.random.default_rng(seed)
    with h5py.File(path + ".partial", "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [n.encode() for n, _ in spec]
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.15.0"
        for name, weights in spec:
            lg = g.create_group(name)
            lg.attrs["weight_names"] = [f"{name}/{w}".encode() for w, _ in weights]
            for w, shape in weights:
                if name == "dense":
                    shape = shape[:-1] + (head_classes,)
                ds = lg.create_dataset(f"{name}/{w}", shape=shape, dtype="f4")
                rows = max(1, (16 << 20) // max(1, 4 * int(np.prod(shape[1:]))))
                for start in range(0, shape[0], rows):
                    block = (shape[0] if len(shape) == 1 else min(rows, shape[0] - start),) + shape[1:]
                    stop = start + block[0]
                    ds[start:stop] = rng.standard_normal(block, dtype=np.float32)
    import os
    os.replace(path + ".partial", path)


if __name__ == "__main__":
    out_dir, total = sys.argv[1], float(sys.argv[2])
    spec = layers(int(total))
    write(f"{out_dir}/source.h5", spec, 1, 1000)
    write(f"{out_dir}/target.h5", spec, 2, 10)
