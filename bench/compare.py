#!/usr/bin/python3
"""The ratio table of bench/run.sh: mlp_bench's JSON against the peers' (PyTorch and NumPy
at each thread setting, best taken), with every target of the performance issue checked.
Reads JSON lines files; prints Markdown. Usage: compare.py MLP.json PEER.json...

Files from several rounds (run.sh runs every program once per round) may be given
together: each figure is then the best of its rounds, for mlp and the peers alike, so a
slow spell of the machine during one program's turn does not decide a ratio.
"""
import json
import sys


def load(paths):
    records = []
    for path in paths:
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def main():
    records = load(sys.argv[1:])
    peak = {}
    for r in records:
        if r["kind"] == "peak":
            peak[r["threads"]] = max(peak.get(r["threads"], 0.0), r["gflops"])
    machine = next((r for r in records if r["kind"] == "machine"), {})
    train = {}
    for r in records:
        if r["kind"] == "train":
            slot = train.setdefault(r["config"], {}).setdefault(r["impl"], {})
            if r["threads"] not in slot or r["s_per_epoch"] < slot[r["threads"]]["s_per_epoch"]:
                slot[r["threads"]] = r
    infer = {}
    for r in records:
        if r["kind"] == "infer":
            slot = infer.setdefault(r["impl"], {}).setdefault(r["threads"], dict(r))
            slot["b1_us"] = min(slot["b1_us"], r["b1_us"])
            slot["b256_samples_s"] = max(slot["b256_samples_s"], r["b256_samples_s"])
    # Memory: the round that grew most.
    memories = [r for r in records if r["kind"] == "memory"]
    memory = max(memories, key=lambda r: abs(r["rss_last"] - r["rss_first"])) if memories else None
    rounds = max(1, sum(1 for r in records if r["kind"] == "machine"))

    print("machine: %s; kernels: %s" % (machine.get("cpu", "?"), machine.get("isa", "?")))
    print("GEMM peak measured in this run: %.1f GFLOP/s (1 thread), %.1f GFLOP/s (2 threads)" %
          (peak.get(1, float("nan")), peak.get(2, float("nan"))))
    print("rounds: %d (every figure, mlp's and the peers', the best of its rounds)\n" % rounds)
    print("| net, batch | mlp 1 thr (s/epoch) | mlp 2 thr | PyTorch best | NumPy best | × PyTorch | × NumPy "
          "| floor 1/2 thr | mlp ÷ 2-thr floor | % of 2-thr peak |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    best = lambda d: min(d.values(), key=lambda r: r["s_per_epoch"]) if d else None
    rows = {}
    for config, impls in train.items():
        m = impls.get("mlp", {})
        if 1 not in m or 2 not in m:
            continue
        m1, m2 = m[1]["s_per_epoch"], m[2]["s_per_epoch"]
        flop = m[1]["flop_per_epoch"]
        t, n = best(impls.get("torch", {})), best(impls.get("numpy", {}))
        f1, f2 = flop / (peak[1] * 1e9), flop / (peak[2] * 1e9)
        rows[config] = dict(m1=m1, m2=m2, torch=t and t["s_per_epoch"], numpy=n and n["s_per_epoch"],
                            f2=f2, pct2=100 * flop / m2 / (peak[2] * 1e9))
        fmt = lambda r: "%.3f (%d thr)" % (r["s_per_epoch"], r["threads"]) if r else "–"
        ratio = lambda r: "%.1f×" % (r["s_per_epoch"] / m2) if r else "–"
        print("| %s | %.4f | %.4f | %s | %s | %s | %s | %.3f / %.3f | %.2f | %.0f %% |" %
              (config, m1, m2, fmt(t), fmt(n), ratio(t), ratio(n), f1, f2, m2 / f2, rows[config]["pct2"]))

    if "mlp" in infer and "torch" in infer:
        mi, ti = infer["mlp"], infer["torch"]
        b1 = min(r["b1_us"] for r in mi.values())
        b256 = max(r["b256_samples_s"] for r in mi.values())
        tb1 = min(r["b1_us"] for r in ti.values())
        tb256 = max(r["b256_samples_s"] for r in ti.values())
        print("\n| inference 784-512-10 | mlp | PyTorch best | ratio |")
        print("|---|---|---|---|")
        print("| batch 1 latency (µs) | %.1f | %.1f | %.1f× |" % (b1, tb1, tb1 / b1))
        print("| batch 256 (samples/s) | %.0f | %.0f | %.1f× |" % (b256, tb256, b256 / tb256))
    else:
        b1 = tb1 = b256 = tb256 = None

    print("\nTargets (mlp at threads = 2, which picks the threading per shape; peers at their best setting):")

    def check(what, value, ok):
        print("- [%s] %s: %s" % ("met" if ok else "MISSED", what, value))

    def vs_peer(r, peer):  # threads = 2, then the 1-thread setting for reference
        return "%.1f× (mlp at 1 thread: %.1f×)" % (r[peer] / r["m2"], r[peer] / r["m1"])

    r = rows.get("784-64-10 b32")
    if r and r["torch"]:
        check("784-64-10 b32 ≥ 8× PyTorch", vs_peer(r, "torch"), r["torch"] / r["m2"] >= 8)
    if r and r["numpy"]:
        check("784-64-10 b32 ≥ 4× NumPy", vs_peer(r, "numpy"), r["numpy"] / r["m2"] >= 4)
    if r:
        check("784-64-10 b32 within 2× of the 2-thread FLOP floor", "%.2f× the floor" % (r["m2"] / r["f2"]),
              r["m2"] / r["f2"] <= 2)
    r = rows.get("784-[64]x10-10 b32")
    if r and r["torch"]:
        check("784-[64]x10-10 b32 ≥ 8× PyTorch", vs_peer(r, "torch"), r["torch"] / r["m2"] >= 8)
    wide = [c for c in rows if c.endswith("b512") and int(c.split("-")[1]) >= 512]
    for c in wide:
        check("%s ≥ 75 %% of the 2-thread GEMM peak" % c, "%.0f %%" % rows[c]["pct2"], rows[c]["pct2"] >= 75)
    for c in wide:
        sp = rows[c]["m1"] / rows[c]["m2"]
        check("%s: second core ≥ 1.6×" % c, "%.2f×" % sp, sp >= 1.6)
    for c in [c for c in rows if c.endswith("b32")]:
        sl = rows[c]["m2"] / rows[c]["m1"]
        check("%s: second core never slows it (within 5 %% timing noise)" % c, "2 thr ÷ 1 thr = %.2f" % sl,
              sl <= 1.05)
    if b1 is not None:
        check("inference batch 1 ≥ 5× PyTorch", "%.1f×" % (tb1 / b1), tb1 / b1 >= 5)
        check("inference batch 256 ≥ 2× PyTorch", "%.1f×" % (b256 / tb256), b256 / tb256 >= 2)
    if memory:
        growth = memory["rss_last"] - memory["rss_first"]
        check("nothing grows per step (RSS after the first and the last epoch)",
              "%.1f → %.1f MiB; peak %.1f MiB with %.1f MiB of uint8 MNIST" %
              (memory["rss_first"], memory["rss_last"], memory["peak"], memory["dataset"]), abs(growth) < 1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
