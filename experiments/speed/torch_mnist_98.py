#!/usr/bin/python3
"""The speed run's PyTorch side: experiments/speed/mnist_98.toml's recipe in PyTorch, from
the IDX files on disk to the trained weights written back, in one process.

784-1024-10 ReLU (He-normal weights, zero biases), all 60,000 training images normalised by
their global mean and standard deviation, minibatches of 64 reshuffled each epoch, SGD with
Nesterov momentum 0.9 and a cosine learning rate from 0.05 to 0 over the steps, softmax
cross-entropy; then the 10,000 test images are classified and the state_dict is saved.
The data are converted to one float32 tensor up front and batches are sliced from it (no
DataLoader, whose worker processes only cost time at this size).

Usage: torch_mnist_98.py [--data data/mnist] [--seed 1] [--threads 2] [--out FILE]
                        [--train-size N] (the first N training images: a smoke test)
Prints one line: test accuracy, training seconds and seconds since the interpreter started.
"""
import argparse
import math
import os
import sys
import time

START = time.perf_counter()

import numpy as np  # noqa: E402  (imported after the clock starts: part of the whole process)
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "peers"))
from peer_bench import read_idx  # noqa: E402  (the IDX reader of the benchmarks' peers)


def load(directory, train_size):
    x = read_idx(os.path.join(directory, "train-images-idx3-ubyte")).reshape(-1, 784)[:train_size]
    y = read_idx(os.path.join(directory, "train-labels-idx1-ubyte")).astype(np.int64)[:train_size]
    xt = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte")).reshape(-1, 784)
    yt = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte")).astype(np.int64)
    mean, std = x.mean(dtype=np.float64), x.std(dtype=np.float64)
    norm = lambda a: torch.from_numpy(((a.astype(np.float32) - np.float32(mean)) / np.float32(std)))
    return norm(x), torch.from_numpy(y), norm(xt), torch.from_numpy(yt)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--train-size", type=int, default=60000)
    parser.add_argument("--out", default="runs/speed-torch.pt")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y, xt, yt = load(args.data, args.train_size)

    net = torch.nn.Sequential(torch.nn.Linear(784, args.hidden), torch.nn.ReLU(), torch.nn.Linear(args.hidden, 10))
    for layer in (net[0], net[2]):
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, nesterov=True)
    steps_per_epoch = math.ceil(len(x) / args.batch)
    total = args.epochs * steps_per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: (1 + math.cos(math.pi * t / total)) / 2)

    t0 = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(len(x))
        for at in range(steps_per_epoch):
            idx = order[at * args.batch:(at + 1) * args.batch]
            loss = torch.nn.functional.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            schedule.step()
    train_s = time.perf_counter() - t0
    with torch.no_grad():
        accuracy = (net(xt).argmax(1) == yt).float().mean().item()
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    torch.save(net.state_dict(), args.out + ".tmp")
    os.replace(args.out + ".tmp", args.out)
    print(f"test_accuracy {accuracy:.4f} train_seconds {train_s:.2f} process_seconds {time.perf_counter() - START:.2f}")


if __name__ == "__main__":
    main()
