#!/usr/bin/python3
"""Write a Keras 2 `save_weights` HDF5 file holding one large float32 tensor, for benchmarks.

Usage: /usr/bin/python3 make_single_tensor_h5.py OUT [ELEMENTS]
Default 100,000,000 elements in layer "dense", key "dense/dense/kernel:0", shape (ELEMENTS/1000, 1000).
Values: standard normal * 0.05, with every 97th element exactly 0 (pruned weights), so zero
counts are non-trivial. Written in slabs so memory stays bounded; contiguous, like Keras.
Same attribute layout as make_keras2_h5.py; needs h5py, hence Debian's /usr/bin/python3.
"""
import os
import sys

import h5py
import numpy as np

SLAB_ROWS = 4096  # 4096 x 1000 float32 = 16 MB in memory at a time


def main():
    out = sys.argv[1]
    elements = int(float(sys.argv[2])) if len(sys.argv) > 2 else 100_000_000
    cols = 1000
    rows = elements // cols
    if rows * cols != elements:
        sys.exit("ELEMENTS must be a multiple of 1000")
    rng = np.random.default_rng(0)
    tmp = out + ".partial"  # never leave a truncated file under the final name
    with h5py.File(tmp, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"dense/kernel:0"])
        ds = g.create_dataset("dense/kernel:0", (rows, cols), dtype=np.float32)
        for a in range(0, rows, SLAB_ROWS):
            n = min(SLAB_ROWS, rows - a)
            slab = rng.standard_normal((n, cols), dtype=np.float32) * np.float32(0.05)
            slab.reshape(-1)[(-a * cols) % 97::97] = 0  # every element whose global index is a multiple of 97
            ds[a:a + n] = slab
    os.replace(tmp, out)
    print(f"{out}: 1 tensor dense/dense/kernel:0 ({rows}, {cols}) float32, {os.path.getsize(out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
