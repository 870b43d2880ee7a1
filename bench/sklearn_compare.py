#!/usr/bin/python3
"""mlp.MLPClassifier against scikit-learn's MLPClassifier on MNIST: the same split (the 60,000
training images, the 10,000 test images, pixels / 255 as float32), the same parameters
(784-H-10 ReLU, Adam, lr 0.001, batch B, alpha 1e-4, a fixed number of epochs, early stopping
off on both) and the same number of threads (numpy's BLAS limited with threadpoolctl, mlp's
team of that size), for each --threads (default 1 and 2). For each --net H:B (default
256:200, large products, and 64:32, the course's small batches) prints the accuracies side
by side (a speed only counts at equal accuracy), then the median fit and predict times over
--repeats runs and their ratios, with the load average before each run (the machine may be
shared).

The two sides run alternately, one fit each in turn, so a change in the machine's load
falls on both. scikit-learn runs in a child process per fit: as Debian ships it, and, where
OpenBLAS 0.3.21 does not recognise the CPU and falls back to old SSE3 kernels, once more with
OPENBLAS_CORETYPE naming the CPU's best kernels, so the ratio is given against its best.

Usage: PYTHONPATH=build/python bench/sklearn_compare.py [--net H:B ...] [--epochs 3] [--threads 1,2]
       [--repeats 3] [--rows N] (the first N training rows only: a quick check of the script)
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np


def read_idx(path):
    raw = open(path, "rb").read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(folder, rows):
    x_train = read_idx(f"{folder}/train-images-idx3-ubyte").reshape(-1, 784)[:rows].astype(np.float32) / 255
    x_test = read_idx(f"{folder}/t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    y_train = read_idx(f"{folder}/train-labels-idx1-ubyte")[:rows]
    return x_train, y_train, x_test, read_idx(f"{folder}/t10k-labels-idx1-ubyte")


def cpu():
    with open("/proc/cpuinfo") as f:
        text = f.read()
    name = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")),
                platform.processor())
    flags = set(next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []))
    return name, flags


def parameters(args):
    hidden, batch = (int(v) for v in args.net.split(":"))
    return dict(hidden_layer_sizes=(hidden,), activation="relu", solver="adam", alpha=1e-4, batch_size=batch,
                learning_rate_init=0.001, max_iter=args.epochs, random_state=0)


def load():
    """The 1-minute load average (/proc/loadavg)."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def timed_run(make, data):
    """One fit and prediction: seconds, test accuracy and the load average before it."""
    x_train, y_train, x_test, y_test = data
    before = load()
    clf = make()
    start = time.perf_counter()
    clf.fit(x_train, y_train)
    fit = time.perf_counter() - start
    start = time.perf_counter()
    predicted = clf.predict(x_test)
    predict = time.perf_counter() - start
    return {"fit": fit, "predict": predict, "accuracy": float(np.mean(predicted == y_test)), "load": before}


def sklearn_run(args, data):
    """scikit-learn's MLPClassifier, timed in this process (the child's part)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_info, threadpool_limits
    # scikit-learn stops once the training loss stalls (tol); n_iter_no_change beyond
    # max_iter makes it train exactly max_iter epochs, as mlp does. early_stopping is off
    # (its default), as in mlp.MLPClassifier.
    make = lambda: MLPClassifier(**parameters(args), n_iter_no_change=args.epochs + 1, tol=0,  # noqa: E731
                                 early_stopping=False)
    with threadpool_limits(int(args.threads)), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = timed_run(make, data)
        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        result["blas"] = ", ".join(sorted({f"{p['internal_api']} {p['version']} ({p.get('architecture')} kernels)"
                                           for p in blas}))
        result["architecture"] = ",".join(sorted({str(p.get("architecture")) for p in blas}))
    return result


def sklearn_child(args, coretype):
    env = dict(os.environ)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    command = [sys.executable, __file__, "--sklearn-only", "--net", args.net, "--epochs", str(args.epochs), "--threads",
               str(args.threads), "--data", args.data]
    if args.rows:
        command += ["--rows", str(args.rows)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--net", action="append", help="H:B, hidden units and batch size (repeatable)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts, each a table")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--sklearn-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = mnist(args.data, args.rows or None)
    nets = args.net or ["256:200", "64:32"]
    if args.sklearn_only:
        args.net = nets[0]
        print(json.dumps(sklearn_run(args, data)))
        return

    import sklearn
    import mlp
    name, flags = cpu()
    coretype = "SkylakeX" if "avx512f" in flags else "Haswell" if "avx2" in flags else ""
    print(f"CPU: {name}, {os.cpu_count()} logical CPUs ({'AVX-512' if 'avx512f' in flags else 'no AVX-512'}); "
          f"Python {platform.python_version()}, NumPy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"mlp {mlp.__version__}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"MNIST: {len(data[0])} training rows, {len(data[2])} test rows; Adam, lr 0.001, alpha 1e-4, "
          f"{args.epochs} epochs, early stopping off; median of {args.repeats} runs, the sides alternating")
    for threads in args.threads.split(","):
        for net in nets:
            args.net, args.threads = net, threads
            compare(args, data, coretype)


def summary(runs):
    """Medians of a side's runs, the last run's accuracy and the range of load averages."""
    return {"fit": statistics.median(r["fit"] for r in runs), "predict": statistics.median(r["predict"] for r in runs),
            "accuracy": runs[-1]["accuracy"], "fits": [r["fit"] for r in runs],
            "load": f"{min(r['load'] for r in runs):.1f}-{max(r['load'] for r in runs):.1f}",
            "blas": runs[-1].get("blas", "")}


def compare(args, data, coretype):
    """One network, batch size and thread count: mlp and scikit-learn in turn, and the table."""
    import mlp
    hidden, batch = args.net.split(":")
    threads = int(args.threads)
    make = lambda: mlp.MLPClassifier(**parameters(args), early_stopping=False, threads=threads)  # noqa: E731
    settings = {"as Debian ships it": ""}
    runs = {"mlp": []}
    for repeat in range(args.repeats):
        runs["mlp"].append(timed_run(make, data))
        for setting, kind in list(settings.items()):
            runs.setdefault(setting, []).append(sklearn_child(args, kind))
        # OpenBLAS's best kernels tried only where it did not pick them itself.
        if repeat == 0 and coretype and runs["as Debian ships it"][0]["architecture"].lower() != coretype.lower():
            setting = f"OPENBLAS_CORETYPE={coretype}"
            settings[setting] = coretype
            runs[setting] = [sklearn_child(args, coretype)]
    ours = summary(runs.pop("mlp"))
    peers = [(setting, summary(r)) for setting, r in runs.items()]

    print()
    print(f"784-{hidden}-10 ReLU, batch {batch}, {threads} thread(s):")
    print()
    print("| | BLAS | test accuracy | fit (s) | predict 10,000 rows (s) | fit × mlp | predict × mlp | load average |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| mlp.MLPClassifier | (own kernels, oneDNN) | {100 * ours['accuracy']:.2f} % | {ours['fit']:.2f} | "
          f"{ours['predict']:.4f} | 1 | 1 | {ours['load']} |")
    for setting, r in peers:
        print(f"| scikit-learn, {setting} | {r['blas']} | {100 * r['accuracy']:.2f} % | {r['fit']:.2f} | "
              f"{r['predict']:.4f} | {r['fit'] / ours['fit']:.1f}× | {r['predict'] / ours['predict']:.1f}× | "
              f"{r['load']} |")
    print()
    for setting, r in peers:
        equal = abs(ours["accuracy"] - r["accuracy"]) <= 0.005
        ratio = r["fit"] / ours["fit"]
        print(f"against scikit-learn {setting}: accuracy {100 * (ours['accuracy'] - r['accuracy']):+.2f} points "
              f"({'equal within 0.5' if equal else 'NOT equal within 0.5'}), fit {ratio:.1f}× faster; "
              f"target >= 10× at equal accuracy {'met' if equal and ratio >= 10 else 'not met'}")
    print(f"fit seconds of each run: mlp {[round(t, 2) for t in ours['fits']]}; " +
          "; ".join(f"scikit-learn {s} {[round(t, 2) for t in r['fits']]}" for s, r in peers), flush=True)


if __name__ == "__main__":
    main()
