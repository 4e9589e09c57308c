#!/usr/bin/python3
"""What a researcher writes instead of Graft: copy every dataset of the source whose path and
shape match into a copy of the target. Mode 'copy' uses h5py Group.copy of the target then
overwrites matching datasets; mode 'naive' reads each tensor whole into numpy."""
import sys

import h5py


def merge(src_path, dst_path, out_path, mode):
    with h5py.File(src_path, "r") as src, h5py.File(dst_path, "r") as dst, h5py.File(out_path, "w") as out:
        for k, v in dst.attrs.items():
            out.attrs[k] = v
        if mode == "copy":
            for name in dst:
                dst.copy(dst[name], out, name=name)

        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            s = src.get(name)
            take = s is not None and isinstance(s, h5py.Dataset) and s.shape == obj.shape and s.dtype == obj.dtype
            if mode == "copy":
                if take:
                    out[name][...] = s[...]
            else:
                data = s[...] if take else obj[...]
                out.create_dataset(name, data=data)

        dst.visititems(visit)
        if mode == "naive":
            def attrs(name, obj):
                if name in out:
                    for k, v in obj.attrs.items():
                        out[name].attrs[k] = v
            dst.visititems(attrs)


if __name__ == "__main__":
    merge(*sys.argv[1:5])
