#!/usr/bin/python3
"""Write a synthetic Keras 2 `model.save_weights()` HDF5 file for benchmarks.

Usage: /usr/bin/python3 make_keras2_h5.py OUT [TARGET_BYTES] [TENSORS] [resnet|transformer]
Defaults: 500 MB of float32 tensors, ~500 tensors, resnet.

The layout follows keras/saving/legacy/hdf5_format.py (save_weights_to_hdf5_group):
 * resnet: a ResNet-like stack of Conv2D(3x3, bias) + BatchNormalization pairs, weightless
   Activation/Add/pooling layers, and a final Dense; channel widths are scaled;
 * transformer: a GPT-like decoder: token and position Embeddings, then blocks of
   LayerNormalization, MultiHeadAttention (query/key/value/attention_output, Keras' 3-D
   kernels), LayerNormalization and a Dense 4x MLP, a final LayerNormalization and an output
   Dense over a 32,000-token vocabulary; the model width is scaled, the block count follows
   TENSORS (16 tensors a block).
The tensor bytes hit TARGET_BYTES; the tensor count stays (about) TENSORS.
Values are N(0, 0.05) slices of one random pool (1 and 0 for normalization scales and
offsets), so writing 10 GB takes seconds rather than minutes of random number generation.
Needs h5py, hence Debian's /usr/bin/python3 rather than a pyenv python3.
"""
import os
import sys

import h5py
import numpy as np

OBJECT_HEADER_LIMIT = 64512  # Keras splits longer attributes into name0, name1, ...
SLAB_BYTES = 16 << 20        # largest array held in memory while writing


def layer_list():
    """An empty layer list and add(kind, weights): appends a layer named as Keras names them
    (dense, dense_1, ...) with weights [(weight_name, shape), ...]."""
    counters, layers = {}, []

    def add(kind, weights=()):
        n = counters.get(kind, 0)
        counters[kind] = n + 1
        name = kind if n == 0 else f"{kind}_{n}"
        layers.append((name, [(f"{name}/{w}:0", s) for w, s in weights]))

    return layers, add


def transformer_layers(blocks, width):
    """A GPT-like decoder of `blocks` blocks and model width `width` (a multiple of 64)."""
    d, heads, vocab, context = width, max(1, width // 64), 32000, 2048
    layers, add = layer_list()
    layers.append(("input_1", []))
    add("embedding", [("embeddings", (vocab, d))])
    add("position_embedding", [("embeddings", (context, d))])
    for _ in range(blocks):
        add("layer_normalization", [("gamma", (d,)), ("beta", (d,))])
        add("multi_head_attention", [(f"{p}/{w}", s) for p in ("query", "key", "value")
                                     for w, s in (("kernel", (d, heads, d // heads)), ("bias", (heads, d // heads)))]
            + [("attention_output/kernel", (heads, d // heads, d)), ("attention_output/bias", (d,))])
        add("add")
        add("layer_normalization", [("gamma", (d,)), ("beta", (d,))])
        add("dense", [("kernel", (d, 4 * d)), ("bias", (4 * d,))])
        add("dense", [("kernel", (4 * d, d)), ("bias", (d,))])
        add("add")
    add("layer_normalization", [("gamma", (d,)), ("beta", (d,))])
    add("dense", [("kernel", (d, vocab)), ("bias", (vocab,))])
    return layers


def model_layers(blocks, width):
    """(layer_name, [(weight_name, shape), ...]) in model.layers order."""
    layers, add = layer_list()

    def conv_bn(k, cin, cout, relu=True):
        add("conv2d", [("kernel", (k, k, cin, cout)), ("bias", (cout,))])
        add("batch_normalization", [(w, (cout,)) for w in
                                    ("gamma", "beta", "moving_mean", "moving_variance")])
        if relu:
            add("activation")

    widths = [max(8, 8 * round(c * width / 8)) for c in (64, 128, 256, 512)]
    layers.append(("input_1", []))
    conv_bn(3, 3, widths[0])
    add("max_pooling2d")
    cin = widths[0]
    for stage, (n, cout) in enumerate(zip(blocks, widths)):
        for b in range(n):
            conv_bn(3, cin, cout)
            conv_bn(3, cout, cout, relu=False)
            if b == 0 and stage > 0:  # projection shortcut when the width changes
                conv_bn(1, cin, cout, relu=False)
            add("add")
            add("activation")
            cin = cout
    add("global_average_pooling2d")
    add("dense", [("kernel", (cin, 1000)), ("bias", (1000,))])
    return layers


def tensor_bytes(layers):
    return sum(4 * int(np.prod(s)) for _, ws in layers for _, s in ws)


def plan_transformer(target_bytes, tensors):
    blocks = max(1, round((tensors - 7) / 16))
    widths = [64 * k for k in range(1, 512)]
    fits = [w for w in widths if tensor_bytes(transformer_layers(blocks, w)) <= target_bytes]
    return transformer_layers(blocks, fits[-1] if fits else 64)


def plan(target_bytes, tensors):
    # ResNet-34 stage proportions; each block adds 2 conv+BN pairs = 12 tensors.
    blocks_total = max(4, round((tensors - 2 - 6 - 18) / 12))
    blocks = [max(1, round(blocks_total * p / 16)) for p in (3, 4, 6)]
    blocks.append(max(1, blocks_total - sum(blocks)))
    lo, hi = 0.01, 64.0  # bisect the width multiplier; bytes grow ~quadratically
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if tensor_bytes(model_layers(blocks, mid)) < target_bytes else (lo, mid)
    return model_layers(blocks, lo)


def save_attr(obj, name, values):
    """Keras' save_attributes_to_hdf5_group, including its chunking."""
    data = np.asarray(values)  # [] becomes an empty float64 array, as in Keras
    chunks = 1
    while data.nbytes // chunks > OBJECT_HEADER_LIMIT:
        chunks += 1
    if chunks == 1:
        obj.attrs[name] = data
    else:
        for i, part in enumerate(np.array_split(data, chunks)):
            obj.attrs[f"{name}{i}"] = part


class Pool:
    """Slices of one block of N(0, 0.05) values, each taken at a new random offset."""

    def __init__(self, rng):
        self.rng = rng
        self.values = rng.standard_normal(2 * SLAB_BYTES // 4, dtype=np.float32) * np.float32(0.05)

    def take(self, count):
        start = int(self.rng.integers(0, self.values.size - count + 1))
        return self.values[start:start + count]


def fill(ds, pool, value, prefix=()):
    """Write ds in slabs of at most SLAB_BYTES so memory stays bounded."""
    rest = ds.shape[len(prefix):]
    row = 4 * int(np.prod(rest[1:]))
    if row > SLAB_BYTES and len(rest) > 1:
        for i in range(rest[0]):
            fill(ds, pool, value, prefix + (i,))
        return
    step = max(1, SLAB_BYTES // row)
    for a in range(0, rest[0], step):
        part = (min(step, rest[0] - a),) + rest[1:]
        data = (np.full(part, value, np.float32) if value is not None
                else pool.take(int(np.prod(part))).reshape(part))
        ds[prefix + (slice(a, a + part[0]),)] = data


def main():
    out = sys.argv[1]
    target = int(float(sys.argv[2])) if len(sys.argv) > 2 else 500 * 10**6
    tensors = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    arch = sys.argv[4] if len(sys.argv) > 4 else "resnet"
    layers = {"resnet": plan, "transformer": plan_transformer}[arch](target, tensors)
    pool = Pool(np.random.default_rng(0))
    # Keras' initial values for BN; random for kernels and biases.
    init = {"gamma:0": 1.0, "moving_variance:0": 1.0, "beta:0": 0.0, "moving_mean:0": 0.0, "bias:0": 0.0}

    tmp = out + ".partial"  # never leave a truncated file under the final name
    with h5py.File(tmp, "w") as f:
        save_attr(f, "layer_names", [n.encode() for n, _ in layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for name, weights in sorted(layers):  # Keras creates groups sorted by name
            g = f.create_group(name)
            save_attr(g, "weight_names", [w.encode() for w, _ in weights])
            for wname, shape in weights:
                ds = g.create_dataset(wname, shape, dtype=np.float32)  # contiguous
                fill(ds, pool, init.get(wname.split("/")[-1]))
    os.replace(tmp, out)
    n = sum(len(ws) for _, ws in layers)
    print(f"{out}: {arch}, {len(layers)} layers, {n} tensors, "
          f"{tensor_bytes(layers) / 1e6:.1f} MB tensors, {os.path.getsize(out) / 1e6:.1f} MB file")


if __name__ == "__main__":
    main()
