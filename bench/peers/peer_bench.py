#!/usr/bin/python3
"""The peers of mlp_bench: the same MNIST training steps in PyTorch (nn.Linear, autograd,
torch.optim.SGD), in NumPy from scratch (float32) and in scikit-learn's MLPClassifier
(solvers 'sgd' and 'adam'), timed the same way, one thread arrangement per process. Also
inference of 784-512-10 at batch 1 and 256. Writes JSON lines for bench/compare.py.

Usage: peer_bench.py {torch|numpy|sklearn} [--torch-threads T] [--blas-threads B] [--passive]
                     [--quick] [--json FILE] [--target-seconds S]
       peer_bench.py {torch|numpy|sklearn} --list   (the arrangements bench/run.sh tries, one a line)

An arrangement is the intra-op thread count of PyTorch (torch.set_num_threads), the BLAS's
thread count (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS) and OMP_WAIT_POLICY=PASSIVE or not.
The BLAS reads its variables when it is loaded, so a process whose environment does not
match the arrangement asked for restarts itself with the matching one.
"""
import argparse
import datetime
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


def blas_info():
    """The BLAS NumPy loaded, as threadpoolctl sees it (None without python3-threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return next((p for p in threadpool_info() if p["user_api"] == "blas"), None)


def blas_description(info):
    if info is None:
        return "system libblas (python3-threadpoolctl missing: not identified)"
    return "%s %s (%s kernels, %s threading)" % (info["internal_api"], info["version"],
                                                  info.get("architecture", "?"), info.get("threading_layer", "?"))


def arrangements(impl):
    """The thread arrangements worth a process each on a 2-core machine, as (torch threads,
    BLAS threads, passive). Pruned where they cannot differ: NumPy and scikit-learn have no
    torch threads (None), and OMP_WAIT_POLICY only acts on an OpenMP pool of 2 threads:
    PyTorch's at 2 intra-op threads, the BLAS's at 2 threads only when the BLAS is threaded
    with OpenMP (Debian's OpenBLAS runs its own pthreads; unknown counts as OpenMP)."""
    info = blas_info()
    blas_openmp = info is None or info.get("threading_layer") == "openmp"
    result = []
    for torch_threads in ((1, 2) if impl == "torch" else (None,)):
        for blas_threads in (1, 2):
            for passive in (False, True):
                if passive and not (torch_threads == 2 or (blas_threads == 2 and blas_openmp)):
                    continue
                result.append((torch_threads, blas_threads, passive))
    return result


def label(torch_threads, blas_threads, passive):
    """"torch 1 / BLAS 2, passive": the arrangement as the ratio table prints it."""
    text = ("torch %d / " % torch_threads if torch_threads else "") + "BLAS %d" % blas_threads
    return text + (", passive" if passive else "")


def options(torch_threads, blas_threads, passive):
    """A file-name tag and the command-line options of one arrangement (bench/run.sh)."""
    tag = ("t%d" % torch_threads if torch_threads else "") + "b%d" % blas_threads + ("p" if passive else "")
    return "%s %s--blas-threads %d%s" % (tag, "--torch-threads %d " % torch_threads if torch_threads else "",
                                         blas_threads, " --passive" if passive else "")


def restart_with(torch_threads, blas_threads, passive):
    """Re-executes this script unless the environment already holds the arrangement: the BLAS
    (and OpenMP) read their thread variables once, when loaded."""
    want = {"OPENBLAS_NUM_THREADS": str(blas_threads), "OMP_NUM_THREADS": str(torch_threads or blas_threads),
            "OMP_WAIT_POLICY": "PASSIVE" if passive else None}
    if all(os.environ.get(k) == v for k, v in want.items()):
        return
    env = {k: v for k, v in os.environ.items() if k not in want}
    env.update({k: v for k, v in want.items() if v is not None})
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)


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

    def __init__(self):
        self.version = "NumPy %s (matmul through the system libblas)" % np.__version__

    @staticmethod
    def weights(sizes, rng):
        """W[l]: (sizes[l], sizes[l+1]) scaled by 1/sqrt(fan-in); b[l]: (sizes[l+1],) zeros."""
        W = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
        return W, [np.zeros(s, np.float32) for s in sizes[1:]]

    def trainer(self, hidden, activation, batch, x, y):
        rng = np.random.default_rng(1)
        W, b = self.weights([784] + hidden + [10], rng)
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

    def inference(self, batch, xt):
        W, b = self.weights([784, 512, 10], np.random.default_rng(1))
        state = {"at": 0}

        def call():
            state["at"] = (state["at"] + batch) % (xt.shape[0] - batch)
            h = xt[state["at"]:state["at"] + batch] @ W[0] + b[0]
            h = 1.0 / (1.0 + np.exp(-h))
            (h @ W[1] + b[1]).argmax(1)
        return call


class SklearnPeer:
    """scikit-learn's MLPClassifier, the estimator a student would otherwise reach for, in
    float32 (it keeps the input's dtype), L2 off (alpha 0). 'sgd' is plain SGD at lr 0.01
    like the others (momentum 0, no Nesterov pass); 'adam' keeps its defaults (lr 0.001).
    There is no scaled tanh: the improved sigmoid runs as 'tanh' (the same work).

    A timed run of n steps is one partial_fit over the next n·batch training rows: what a
    user pays per epoch of fit() except that fit() validates its input once per call, not
    once per epoch (a finiteness sum over the rows: 33 ms for all 60,000 on the 2-core
    development machine, a few per cent of an epoch). Included: that validation, the one-hot labels, the shuffle, the loss of every
    batch and the per-epoch bookkeeping (loss_curve_, the no-improvement count)."""

    def __init__(self, solver):
        import sklearn
        self.solver = solver
        self.name = "sklearn-" + solver
        self.version = "scikit-learn %s MLPClassifier (NumPy %s through the system libblas)" % (
            sklearn.__version__, np.__version__)

    @staticmethod
    def note(activation):
        return "tanh for the improved sigmoid" if activation == "improved_sigmoid" else None

    def model(self, hidden, activation, batch):
        from sklearn.neural_network import MLPClassifier
        return MLPClassifier(hidden_layer_sizes=tuple(hidden), activation="logistic" if activation == "sigmoid"
                             else "tanh", solver=self.solver, alpha=0.0, batch_size=batch,
                             learning_rate_init=0.01 if self.solver == "sgd" else 0.001, momentum=0.0,
                             nesterovs_momentum=False, random_state=1)

    def trainer(self, hidden, activation, batch, x, y):
        net = self.model(hidden, activation, batch)
        net.partial_fit(x[:batch], y[:batch], classes=np.arange(10))  # creates the weights, untimed
        N = x.shape[0]
        S = (N + batch - 1) // batch
        state = {"cursor": 0}

        def run_steps(n):
            rows = min(n * batch, N)
            if state["cursor"] + rows > N:
                state["cursor"] = 0
            at = state["cursor"]
            net.partial_fit(x[at:at + rows], y[at:at + rows])
            state["cursor"] = at + rows
        return run_steps, S

    def inference(self, batch, xt):
        net = self.model([512], "sigmoid", 10)
        net.partial_fit(xt[:10], np.arange(10), classes=np.arange(10))  # any weights will do
        state = {"at": 0}

        def call():  # predict: input validation, forward, arg-max, class labels
            state["at"] = (state["at"] + batch) % (xt.shape[0] - batch)
            net.predict(xt[state["at"]:state["at"] + batch])
        return call


def peers_of(impl, torch_threads):
    if impl == "torch":
        return [TorchPeer(torch_threads)]
    if impl == "numpy":
        return [NumpyPeer()]
    return [SklearnPeer("sgd"), SklearnPeer("adam")]


def main():
    ap = argparse.ArgumentParser(description="The peers of mlp_bench, one thread arrangement per process.")
    ap.add_argument("impl", choices=["torch", "numpy", "sklearn"])
    ap.add_argument("--list", action="store_true", help="print the arrangements bench/run.sh tries, one a line")
    ap.add_argument("--torch-threads", type=int, default=1, help="torch.set_num_threads (torch only)")
    ap.add_argument("--blas-threads", type=int, default=1, help="OPENBLAS_NUM_THREADS")
    ap.add_argument("--passive", action="store_true", help="OMP_WAIT_POLICY=PASSIVE")
    ap.add_argument("--threads", type=int, help="torch and BLAS threads both")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--target-seconds", type=float, default=0.25)
    ap.add_argument("--data", default="data/mnist")
    args = ap.parse_args()
    if args.list:
        for arrangement in arrangements(args.impl):
            print(options(*arrangement))
        return 0
    if args.threads is not None:
        args.torch_threads = args.blas_threads = args.threads
    if args.torch_threads < 1 or args.blas_threads < 1:
        ap.error("thread counts must be at least 1")
    torch_threads = args.torch_threads if args.impl == "torch" else None
    restart_with(torch_threads, args.blas_threads, args.passive)
    arrangement = {"arrangement": label(torch_threads, args.blas_threads, args.passive),
                   "torch_threads": torch_threads, "blas_threads": args.blas_threads, "passive": args.passive}
    peers = peers_of(args.impl, torch_threads)
    out = open(args.json, "w") if args.json else None

    def emit(record):
        if out:
            out.write(json.dumps(dict(record, **arrangement)) + "\n")
            out.flush()

    x, y, xt = load_mnist(args.data)
    info = blas_info()  # after torch.set_num_threads, which may change an OpenMP BLAS's count
    blas_threads_seen = info["num_threads"] if info else None
    print("%s; %s; BLAS: %s, %s thread(s) seen; Python %s" % (
        peers[0].version, arrangement["arrangement"], blas_description(info), blas_threads_seen or "?",
        platform.python_version()))
    emit({"kind": "version", "impl": args.impl, "version": peers[0].version, "blas": blas_description(info),
          "blas_threads_seen": blas_threads_seen,
          "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")})
    for name, hidden, activation, batch, headline in CONFIGS:
        if args.quick and not headline:
            continue
        for peer in peers:
            run_steps, S = peer.trainer(hidden, activation, batch, x, y)
            s = median_per_step(run_steps, S, batch, args.target_seconds)
            print("  %-12s %-22s %9.4f s/epoch %11.0f samples/s" % (peer.name, name, s, 60000 / s))
            note = peer.note(activation) if hasattr(peer, "note") else None
            emit(dict({"kind": "train", "impl": peer.name, "config": name, "s_per_epoch": s},
                      **({"note": note} if note else {})))
    b1 = median_call(peers[0].inference(1, xt))
    b256 = median_call(peers[0].inference(256, xt))
    print("  inference 784-512-10: batch 1 %.2f µs, batch 256 %.0f samples/s" % (b1 * 1e6, 256 / b256))
    emit({"kind": "infer", "impl": args.impl, "b1_us": b1 * 1e6, "b256_samples_s": 256 / b256})
    return 0


if __name__ == "__main__":
    sys.exit(main())
