#!/usr/bin/env python3
"""Sanity check of the face descriptors: reads the NPY files with numpy, checks shapes, dtypes
and finiteness, and scores a nearest-centroid classifier (train class means, Euclidean).
Needs python3-numpy.  Usage: nearest_centroid.py [FEATURES_DIR]  (default data/faces_features)"""
import json
import os
import sys

import numpy as np


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "data/faces_features"
    classes = open(os.path.join(root, "classes.txt")).read().split()
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    data = {}
    for split in ("train", "val", "test"):
        x = np.load(os.path.join(root, f"{split}_x.npy"))
        y = np.load(os.path.join(root, f"{split}_y.npy"))
        rows = manifest["splits"][split]["rows"]
        assert x.dtype == np.float32 and x.shape == (rows, 128), (split, x.dtype, x.shape)
        assert y.dtype == np.int64 and y.shape == (rows,), (split, y.dtype, y.shape)
        assert np.isfinite(x).all(), f"{split}: non-finite descriptors"
        assert y.min() >= 0 and y.max() < len(classes), f"{split}: label out of range"
        data[split] = (x, y)
        print(f"{split}: x {x.shape} {x.dtype}, y {y.shape} {y.dtype}, "
              f"per class {np.bincount(y, minlength=len(classes)).tolist()}, "
              f"mean norm {np.linalg.norm(x, axis=1).mean():.3f}")
    x, y = data["train"]
    centroids = np.stack([x[y == c].mean(axis=0) for c in range(len(classes))])
    chance = 1.0 / len(classes)
    for split in ("train", "val", "test"):
        xs, ys = data[split]
        d = ((xs[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        acc = (d.argmin(axis=1) == ys).mean()
        print(f"nearest centroid (train means) on {split}: {100 * acc:.1f} % "
              f"({int(round(acc * len(ys)))}/{len(ys)}; chance {100 * chance:.1f} %)")


if __name__ == "__main__":
    main()
