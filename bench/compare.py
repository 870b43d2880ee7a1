#!/usr/bin/python3
"""The ratio table of bench/run.sh: mlp_bench's JSON against the peers' (PyTorch, NumPy and
scikit-learn, each in every thread arrangement bench/run.sh tried), with every target of the
performance issue marked met or MISSED. Reads JSON lines files; prints Markdown.
Usage: compare.py MLP.json PEER.json...

Each peer's figure is its best over arrangements and rounds, and the table names the
arrangement that won ("0.398 (torch 1 / BLAS 2, passive)"). mlp's figures are the best of
their rounds at each thread count. Files from several rounds (run.sh runs every program once
per round) may be given together, so a slow spell of the machine during one program's turn
does not decide a ratio.
"""
import datetime
import json
import os
import sys

# The peers of the ratio columns: impl in the JSON, column name. scikit-learn's ratio is
# against its 'sgd' solver, like for like (mlp_bench trains with SGD); 'adam' has a table
# of its own.
PEERS = [("torch", "PyTorch"), ("numpy", "NumPy"), ("sklearn-sgd", "sklearn SGD")]
WIDE = ["784-512-10 b512", "784-1024-10 b512", "784-2048-10 b512"]


def load(paths):
    records = []
    for path in paths:
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def arrangement(r):
    """The thread arrangement of a record: a peer's label, or mlp's thread count."""
    return r.get("arrangement") or "%d thr" % r["threads"]


def training(records):
    """{config: {impl: {arrangement: best s/epoch}}} over rounds, configs in first-seen
    order (mlp_bench's, when its files come first); mlp's arrangements are its thread counts."""
    train = {}
    for r in records:
        if r["kind"] == "train":
            slot = train.setdefault(r["config"], {}).setdefault(r["impl"], {})
            key = r["threads"] if r["impl"] == "mlp" else arrangement(r)
            slot[key] = min(slot.get(key, float("inf")), r["s_per_epoch"])
    return train


def inference(records):
    """{impl: {arrangement: (best batch-1 µs, best batch-256 samples/s)}} over rounds."""
    infer = {}
    for r in records:
        if r["kind"] == "infer":
            slot = infer.setdefault(r["impl"], {})
            b1, b256 = slot.get(arrangement(r), (float("inf"), 0.0))
            slot[arrangement(r)] = (min(b1, r["b1_us"]), max(b256, r["b256_samples_s"]))
    return infer


def best(by_arrangement, pick=min):
    """(figure, arrangement) of the winning arrangement, or None."""
    if not by_arrangement:
        return None
    key = pick(by_arrangement, key=by_arrangement.get)
    return by_arrangement[key], key


def run_date(records, paths):
    dates = sorted(r["date"] for r in records if r.get("date"))
    if dates:
        return dates[0]
    newest = max(os.path.getmtime(p) for p in paths)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC (files)")


def header(records, paths, peak):
    machine = next((r for r in records if r["kind"] == "machine"), {})
    versions = {}
    for r in records:
        if r["kind"] == "version":
            versions.setdefault(r["version"].split(" (")[0], r.get("blas"))
    rounds = max(1, sum(1 for r in records if r["kind"] == "machine"))
    print("date: %s" % run_date(records, paths))
    print("CPU: %s; instruction set of mlp's kernels: %s" % (machine.get("cpu", "?"), machine.get("isa", "?")))
    if versions:
        blas = sorted({b for b in versions.values() if b})
        print("peers: %s; BLAS: %s" % (", ".join(sorted(versions)), "; ".join(blas) or "?"))
    print("GEMM peak measured in this run: %.1f GFLOP/s (1 thread), %.1f GFLOP/s (2 threads)" %
          (peak.get(1, float("nan")), peak.get(2, float("nan"))))
    print("rounds: %d (every figure, mlp's and the peers', the best of its rounds; each peer's also the best "
          "of its thread arrangements, named beside it)\n" % rounds)


def figure(b, digits=3):
    return "%.*f (%s)" % (digits, b[0], b[1]) if b else "–"


def ratio_table(train, peak, flops):
    """Prints the main table; returns {config: figures} for the targets. flops: {config:
    FLOP per epoch} from mlp_bench."""
    print("| net, batch | mlp 1 thr (s/epoch) | mlp 2 thr | " + " | ".join("%s best" % n for _, n in PEERS) + " | " +
          " | ".join("× %s" % n.split()[0] for _, n in PEERS) + " | floor 1/2 thr | mlp ÷ 2-thr floor | % of 2-thr peak |")
    print("|---" * (6 + 2 * len(PEERS)) + "|")
    rows = {}
    for config, impls in train.items():
        m = impls.get("mlp", {})
        m1, m2 = m.get(1), m.get(2)
        peers = {impl: best(impls.get(impl, {})) for impl, _ in PEERS}
        rows[config] = dict(m1=m1, m2=m2, peers=peers)
        ratios = ["%.1f×" % (peers[impl][0] / m2) if peers[impl] and m2 else "–" for impl, _ in PEERS]
        cells = [config, "%.4f" % m1 if m1 else "–", "%.4f" % m2 if m2 else "–"]
        cells += [figure(peers[impl]) for impl, _ in PEERS] + ratios
        flop = flops.get(config)
        if flop and 1 in peak and 2 in peak:
            f1, f2 = flop / (peak[1] * 1e9), flop / (peak[2] * 1e9)
            rows[config].update(f2=f2, pct2=100 * flop / m2 / (peak[2] * 1e9) if m2 else None)
            cells += ["%.3f / %.3f" % (f1, f2), "%.2f" % (m2 / f2) if m2 else "–",
                      "%.0f %%" % rows[config]["pct2"] if m2 else "–"]
        else:
            cells += ["–", "–", "–"]
        print("| " + " | ".join(cells) + " |")
    return rows


def solver_table(train):
    configs = [c for c, impls in train.items() if "sklearn-sgd" in impls or "sklearn-adam" in impls]
    if not configs:
        return
    print("\n| scikit-learn MLPClassifier, net, batch | SGD (s/epoch) | Adam (s/epoch) | Adam ÷ SGD |")
    print("|---|---|---|---|")
    for c in configs:
        sgd, adam = best(train[c].get("sklearn-sgd", {})), best(train[c].get("sklearn-adam", {}))
        print("| %s | %s | %s | %s |" % (c, figure(sgd), figure(adam), "%.2f" % (adam[0] / sgd[0]) if sgd and adam
                                                                        else "–"))


def arrangement_tables(train, infer):
    """One table per peer: every arrangement's best figure, the winner in bold."""
    families = {}
    for config, impls in train.items():
        for impl, by in impls.items():
            if impl != "mlp":
                families.setdefault(impl.split("-")[0], {})[(config, impl)] = by
    for family, rows in families.items():
        columns = sorted({a for by in rows.values() for a in by} | set(infer.get(family, {})))
        print("\n| %s arrangements (s/epoch) | %s |" % (family, " | ".join(columns)))
        print("|---" * (1 + len(columns)) + "|")
        for (config, impl), by in rows.items():
            name = config + (" " + impl.split("-", 1)[1] if "-" in impl else "")
            win = best(by)
            print("| %s | %s |" % (name, " | ".join(("**%.3f**" if a == win[1] else "%.3f") % by[a] if a in by
                                                     else "–" for a in columns)))
        inf = infer.get(family, {})
        if inf:
            b1 = {a: v[0] for a, v in inf.items()}
            b256 = {a: v[1] for a, v in inf.items()}
            for what, by, pick, fmt in (("inference batch 1 (µs)", b1, min, "%.1f"),
                                        ("inference batch 256 (samples/s)", b256, max, "%.0f")):
                win = best(by, pick)
                print("| %s | %s |" % (what, " | ".join(("**" + fmt + "**" if a == win[1] else fmt) % by[a]
                                                         if a in by else "–" for a in columns)))


def inference_table(infer):
    """Prints the inference table; returns mlp's and PyTorch's best figures (or None)."""
    impls = [("mlp", "mlp")] + [(i, n) for i, n in [("torch", "PyTorch"), ("numpy", "NumPy"), ("sklearn", "sklearn")]]
    have = [(i, n) for i, n in impls if i in infer]
    if "mlp" not in infer:
        return None
    figures = {i: (best({a: v[0] for a, v in infer[i].items()}, min),
                   best({a: v[1] for a, v in infer[i].items()}, max)) for i, _ in have}
    peers = [(i, n) for i, n in have if i != "mlp"]
    print("\n| inference 784-512-10 | mlp | %s |" % " | ".join(["%s best" % n for _, n in peers] +
                                                             ["× %s" % n for _, n in peers]))
    print("|---" * (2 + 2 * len(peers)) + "|")
    m1, m256 = figures["mlp"]
    print("| batch 1 latency (µs) | %s | %s |" % (figure(m1, 1), " | ".join(
        [figure(figures[i][0], 1) for i, _ in peers] + ["%.1f×" % (figures[i][0][0] / m1[0]) for i, _ in peers])))
    print("| batch 256 (samples/s) | %s | %s |" % (figure(m256, 0), " | ".join(
        [figure(figures[i][1], 0) for i, _ in peers] + ["%.1f×" % (m256[0] / figures[i][1][0]) for i, _ in peers])))
    return figures


def check(what, value, ok):
    print("- [%s] %s: %s" % ("met" if ok else "MISSED", what, value))


def not_run(what):
    print("- [not run] %s: no figure in these files (--quick runs the four headline configs)" % what)


def targets(rows, infer_figures, memory):
    print("\nTargets (mlp at threads = 2, which picks the threading per shape; peers at their best arrangement):")

    def versus(config, impl, name, times):
        r = rows.get(config)
        p = r and r["peers"].get(impl)
        what = "%s ≥ %g× %s" % (config, times, name)
        if not (p and r["m2"]):
            return not_run(what)
        value = "%.1f× against %.3f s/epoch (%s); mlp at 1 thread: %s" % (
            p[0] / r["m2"], p[0], p[1], "%.1f×" % (p[0] / r["m1"]) if r["m1"] else "–")
        check(what, value, p[0] / r["m2"] >= times)

    versus("784-64-10 b32", "torch", "PyTorch", 8)
    versus("784-64-10 b32", "numpy", "NumPy", 4)
    r = rows.get("784-64-10 b32")
    if r and r.get("f2") and r["m2"]:
        check("784-64-10 b32 within 2× of the 2-thread FLOP floor", "%.2f× the floor" % (r["m2"] / r["f2"]),
              r["m2"] / r["f2"] <= 2)
    else:
        not_run("784-64-10 b32 within 2× of the 2-thread FLOP floor")
    versus("784-128-10 b32", "torch", "PyTorch", 6)
    versus("784-[64]x10-10 b32", "torch", "PyTorch", 8)
    for c in WIDE:
        what = "%s ≥ 85 %% of the 2-thread GEMM peak" % c
        if rows.get(c, {}).get("pct2") is None:
            not_run(what)
        else:
            check(what, "%.0f %%" % rows[c]["pct2"], rows[c]["pct2"] >= 85)
    for c in WIDE:
        r = rows.get(c)
        if r and r["m1"] and r["m2"]:
            check("%s: second core ≥ 1.6×" % c, "%.2f×" % (r["m1"] / r["m2"]), r["m1"] / r["m2"] >= 1.6)
        else:
            not_run("%s: second core ≥ 1.6×" % c)
    for c, r in rows.items():
        what = "%s: the second core never slows it (2 thr ≤ 1.05× 1 thr)" % c
        if r["m1"] and r["m2"]:
            check(what, "2 thr ÷ 1 thr = %.2f" % (r["m2"] / r["m1"]), r["m2"] / r["m1"] <= 1.05)
        else:
            not_run(what)
    if infer_figures and "torch" in infer_figures:
        (m1, m256), (t1, t256) = infer_figures["mlp"], infer_figures["torch"]
        check("inference batch 1 ≥ 5× PyTorch", "%.1f× (%.1f µs against %.1f µs, %s)" % (t1[0] / m1[0], m1[0], t1[0],
                                                                                      t1[1]), t1[0] / m1[0] >= 5)
        check("inference batch 256 ≥ 2× PyTorch", "%.1f× (%.0f against %.0f samples/s, %s)" % (
            m256[0] / t256[0], m256[0], t256[0], t256[1]), m256[0] / t256[0] >= 2)
    else:
        not_run("inference batch 1 ≥ 5× and batch 256 ≥ 2× PyTorch")
    if memory:
        growth = memory["rss_last"] - memory["rss_first"]
        check("nothing grows per step (RSS after the first and the last epoch)",
              "%.1f → %.1f MiB; peak %.1f MiB with %.1f MiB of uint8 MNIST" %
              (memory["rss_first"], memory["rss_last"], memory["peak"], memory["dataset"]), abs(growth) < 1.0)



def main():
    paths = sys.argv[1:]
    if not paths:
        print("usage: compare.py MLP.json PEER.json...", file=sys.stderr)
        return 2
    records = load(paths)
    peak, flops = {}, {}
    for r in records:
        if r["kind"] == "peak":
            peak[r["threads"]] = max(peak.get(r["threads"], 0.0), r["gflops"])
        if r["kind"] == "train" and "flop_per_epoch" in r:
            flops[r["config"]] = r["flop_per_epoch"]
    # Memory: the round that grew most.
    memories = [r for r in records if r["kind"] == "memory"]
    memory = max(memories, key=lambda r: abs(r["rss_last"] - r["rss_first"])) if memories else None
    train, infer = training(records), inference(records)

    header(records, paths, peak)
    rows = ratio_table(train, peak, flops)
    infer_figures = inference_table(infer)
    solver_table(train)
    notes = sorted({"%s runs %s with %s" % (r["impl"].split("-")[0], r["config"], r["note"])
                    for r in records if r.get("note")})
    if notes:
        print("\n" + "; ".join(notes) + ".")
    targets(rows, infer_figures, memory)
    print("\nEvery arrangement each peer ran (best of rounds; bold: the one the tables use):")
    arrangement_tables(train, infer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
