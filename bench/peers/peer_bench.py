#!/usr/bin/python3
"""The peers of mlp_bench: the same MNIST training steps in PyTorch (nn.Linear, autograd,
torch.optim.SGD) and in NumPy from scratch (float32), timed the same way, one thread
setting per process (bench/run.sh runs 1 and 2). Writes JSON lines for bench/compare.py.

Usage: peer_bench.py {torch|numpy} --threads T [--quick] [--json FILE] [--target-seconds S]
Set OMP_NUM_THREADS and OPENBLAS_NUM_THREADS to T before starting Python (run.sh does).
"""
import argparse
import json
import os
import platform
import struct
import sys
import time

import numpy as np

# name, hidden widths, activation, batch, headline: the configs of bench/mlp_bench.cpp.
CONFIGS = [
    ("784-64-10 b32", [64], "sigmoid", 32, True),
    ("784-128-10 b32", [128], "sigmoid", 32, True),
    ("784-[64]x10-10 b32", [64] * 10, "improved_sigmoid", 32, True),
    ("784-512-10 b512", [512], "sigmoid", 512, True),
    ("784-128-10 b1", [128], "sigmoid", 1, False),
    ("784-128-10 b128", [128], "sigmoid", 128, False),
    ("784-128-10 b512", [128], "sigmoid", 512, False),
    ("784-1024-10 b512", [1024], "sigmoid", 512, False),
    ("784-2048-10 b512", [2048], "sigmoid", 512, False),
    ("784-[128]x3-10 b128", [128] * 3, "sigmoid", 128, False),
    ("784-[128]x5-10 b128", [128] * 5, "sigmoid", 128, False),
]


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(directory):
    """Float32 features normalised by the training set's global mean and std (mlp's
    default), converted once up front: the usual way for these peers."""
    x = read_idx(os.path.join(directory, "train-images-idx3-ubyte")).reshape(60000, 784)
    y = read_idx(os.path.join(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    xt = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte")).reshape(10000, 784)
    mean, std = x.mean(dtype=np.float64), x.std(dtype=np.float64)
    norm = lambda a: ((a.astype(np.float32) - np.float32(mean)) / np.float32(std)).astype(np.float32)
    return norm(x), y, norm(xt)


def median_per_step(run_steps, steps_per_epoch, batch, target_s):
    """Seconds per epoch exactly as mlp_bench: 20 warm-up steps, a probe, then 3 runs of
    as many steps as fill target_s (at most an epoch); median per step × steps per epoch."""
    run_steps(min(steps_per_epoch, 20))
    probe = 1
    while True:  # 1, 2, 4, ... steps until one probe run takes 50 ms or an epoch
        n = min(probe, steps_per_epoch)
        t0 = time.perf_counter()
        run_steps(n)
        elapsed = time.perf_counter() - t0
        per_step = elapsed / n
        if elapsed >= 0.05 or n >= steps_per_epoch:
            break
        probe *= 2
    n = int(min(max(target_s / per_step, 1), steps_per_epoch))
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run_steps(n)
        times.append((time.perf_counter() - t0) / n)
    return sorted(times)[1] * steps_per_epoch


def median_call(fn, runs=5, run_seconds=0.05):
    fn()
    t0 = time.perf_counter()
    fn()
    reps = max(1, int(run_seconds / max(time.perf_counter() - t0, 1e-8)))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return sorted(times)[len(times) // 2]


class TorchPeer:
    name = "torch"

    def __init__(self, threads):
        import torch
        self.torch = torch
        torch.set_num_threads(threads)
        self.version = "PyTorch %s (nn.Linear through the system libblas)" % torch.__version__

    def model(self, hidden, activation):
        torch, nn = self.torch, self.torch.nn

        class ImprovedSigmoid(nn.Module):  # LeCun: 1.7159·tanh(2x/3)
            def forward(self, x):
                return 1.7159 * torch.tanh(x * (2.0 / 3.0))

        layers, width = [], 784
        for h in hidden:
            layers += [nn.Linear(width, h), nn.Sigmoid() if activation == "sigmoid" else ImprovedSigmoid()]
            width = h
        layers.append(nn.Linear(width, 10))
        return nn.Sequential(*layers)

    def trainer(self, hidden, activation, batch, x, y):
        torch = self.torch
        torch.manual_seed(1)
        net = self.model(hidden, activation)
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        X, Y = torch.from_numpy(x), torch.from_numpy(y)
        N = X.shape[0]
        S = (N + batch - 1) // batch
        state = {"cursor": 0, "order": torch.randperm(N)}

        def run_steps(n):
            state["order"] = torch.randperm(N)
            for _ in range(n):
                at = state["cursor"] % S
                idx = state["order"][at * batch:(at + 1) * batch]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(net(X[idx]), Y[idx])
                loss.backward()
                opt.step()
                state["cursor"] += 1
        return run_steps, S

    def inference(self, batch, xt):
        torch = self.torch
        torch.manual_seed(1)
        net = self.model([512], "sigmoid").eval()
        X = torch.from_numpy(xt)
        state = {"at": 0}

        def call():
            with torch.inference_mode():
                state["at"] = (state["at"] + batch) % (X.shape[0] - batch)
                net(X[state["at"]:state["at"] + batch]).argmax(1)
        return call


class NumpyPeer:
    """Float32 MLP from scratch: X·W + b, sigmoid, fused softmax cross-entropy, SGD."""
    name = "numpy"

    def __init__(self, threads):
        self.version = "NumPy %s (matmul through the system libblas)" % np.__version__

    def trainer(self, hidden, activation, batch, x, y):
        rng = np.random.default_rng(1)
        sizes = [784] + hidden + [10]
        W = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
        b = [np.zeros(s, np.float32) for s in sizes[1:]]
        improved = activation == "improved_sigmoid"
        lr = np.float32(0.01)
        N = x.shape[0]
        S = (N + batch - 1) // batch
        state = {"cursor": 0, "order": rng.permutation(N)}

        def run_steps(n):
            state["order"] = rng.permutation(N)
            for _ in range(n):
                at = state["cursor"] % S
                idx = state["order"][at * batch:(at + 1) * batch]
                xb, yb = x[idx], y[idx]
                B = xb.shape[0]
                acts = [xb]
                for l in range(len(W) - 1):
                    z = acts[-1] @ W[l] + b[l]
                    acts.append(np.float32(1.7159) * np.tanh(np.float32(2 / 3) * z) if improved
                                else 1.0 / (1.0 + np.exp(-z)))
                z = acts[-1] @ W[-1] + b[-1]
                z -= z.max(axis=1, keepdims=True)
                p = np.exp(z)
                p /= p.sum(axis=1, keepdims=True)
                p[np.arange(B), yb] -= 1.0
                d = p / np.float32(B)
                for l in range(len(W) - 1, -1, -1):
                    gW = acts[l].T @ d
                    gb = d.sum(axis=0)
                    if l > 0:
                        a = acts[l]
                        da = d @ W[l].T
                        d = da * (np.float32(2 / 3 / 1.7159) * (np.float32(1.7159 ** 2) - a * a) if improved
                                  else a * (1.0 - a))
                    W[l] -= lr * gW
                    b[l] -= lr * gb
                state["cursor"] += 1
        return run_steps, S


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("impl", choices=["torch", "numpy"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--target-seconds", type=float, default=0.25)
    ap.add_argument("--data", default="data/mnist")
    args = ap.parse_args()
    peer = TorchPeer(args.threads) if args.impl == "torch" else NumpyPeer(args.threads)
    out = open(args.json, "w") if args.json else None

    def emit(record):
        if out:
            out.write(json.dumps(record) + "\n")
            out.flush()

    x, y, xt = load_mnist(args.data)
    print("%s, %d thread%s, Python %s" % (peer.version, args.threads, "s" if args.threads > 1 else "",
                                          platform.python_version()))
    emit({"kind": "version", "impl": peer.name, "version": peer.version})
    for name, hidden, activation, batch, headline in CONFIGS:
        if args.quick and not headline:
            continue
        run_steps, S = peer.trainer(hidden, activation, batch, x, y)
        s = median_per_step(run_steps, S, batch, args.target_seconds)
        print("  %-22s %9.4f s/epoch %11.0f samples/s" % (name, s, 60000 / s))
        emit({"kind": "train", "impl": peer.name, "config": name, "threads": args.threads, "s_per_epoch": s})
    if hasattr(peer, "inference"):
        b1 = median_call(peer.inference(1, xt))
        b256 = median_call(peer.inference(256, xt))
        print("  inference 784-512-10: batch 1 %.2f µs, batch 256 %.0f samples/s" % (b1 * 1e6, 256 / b256))
        emit({"kind": "infer", "impl": peer.name, "threads": args.threads, "b1_us": b1 * 1e6,
              "b256_samples_s": 256 / b256})
    return 0


if __name__ == "__main__":
    sys.exit(main())
