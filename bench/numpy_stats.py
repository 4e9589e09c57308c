#!/usr/bin/python3
"""What researchers run instead of `graft-cli stats FILE KEY --bins N --json`: h5py + numpy.

Usage: /usr/bin/python3 numpy_stats.py FILE KEY BINS
Loads the dataset model_weights/KEY (or KEY) of a Keras HDF5 file, prints count, min, max,
mean, std (float64 accumulation), zero / NaN / inf counts and np.histogram counts as JSON.
"""
import json
import sys

import h5py
import numpy as np


def main():
    path, key, bins = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with h5py.File(path, "r") as f:
        a = (f["model_weights"][key] if "model_weights" in f else f[key])[()].ravel()
    nan, inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
    finite = a[np.isfinite(a)] if nan or inf else a
    counts, _ = np.histogram(finite, bins=bins)
    print(json.dumps({
        "key": key, "count": int(a.size),
        "min": float(finite.min()), "max": float(finite.max()),
        "mean": float(finite.mean(dtype=np.float64)), "std": float(finite.std(dtype=np.float64)),
        "zeros": int((a == 0).sum()), "nan": nan, "inf": inf,
        "histogram": {"counts": counts.tolist()},
    }))


if __name__ == "__main__":
    main()
