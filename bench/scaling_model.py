#!/usr/bin/python3
"""The scaling model of docs/scaling.md: time per data-parallel step and efficiency for N
hosts, from a host's measured compute rate and the all-reduce's latency and bandwidth.

  t_step(N)  = t_compute(B/N) + t_allreduce(N)              (no overlap assumed: the wide first
                                                              layer's bucket is the last ready)
  t_compute(b) = b · s                                        s: seconds per sample on one host
  t_allreduce(N) = 2·log2(N)·α + 2·(N−1)/N · 4P / BW         all-reduce of P floats by reduce-scatter
                                                              and all-gather (Rabenseifner 2004; what
                                                              MPI libraries run for large messages)
  E(N) = t_compute(B) / (N · t_step(N))                       scaling efficiency at global batch B
  E ≥ 0.8  ⇔  B ≥ 4 · N · t_allreduce(N) / s                  the smallest global batch for 80 %

Usage: scaling_model.py NAME PARAMETERS SECONDS_PER_SAMPLE BATCH ALPHA_SECONDS
prints Markdown tables for N = 2..256 hosts at 10, 25 and 100 Gbit/s."""
import math
import sys

name, params, s, batch, alpha = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
links = [10, 25, 100]
hosts = [2, 4, 8, 16, 32, 64, 128, 256]


def allreduce(n, gbit):
    bandwidth = gbit * 1e9 / 8
    return 2 * math.log2(n) * alpha + 2 * (n - 1) / n * 4 * params / bandwidth


print(f"### {name}: {params:,} parameters, global batch {batch}, {s * 1e6:.2f} µs per sample on one host, α = {alpha * 1e6:.0f} µs\n")
print("| hosts | " + " | ".join(f"{g} Gbit/s: ms/step, efficiency, batch for 80 %" for g in links) + " |")
print("|---|" + "---|" * len(links))
for n in hosts:
    cells = []
    for g in links:
        t_ar = allreduce(n, g)
        step = batch / n * s + t_ar
        efficiency = batch * s / (n * step)
        need = 4 * n * t_ar / s
        cells.append(f"{step * 1e3:.2f} ms, {100 * efficiency:.0f} %, {need:,.0f}")
    print(f"| {n} | " + " | ".join(cells) + " |")
print()
