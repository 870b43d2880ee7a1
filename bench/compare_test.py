#!/usr/bin/python3
"""compare.py on synthetic JSON (no timings): each peer's figure is its best over rounds and
arrangements and names the winning arrangement, every config is listed, the targets print
[met] / [MISSED] with their figures; and peer_bench.py --list prunes the arrangements that
cannot differ. Run by ctest (bench_compare); exits non-zero on the first failure."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def write(folder, name, records):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    return path


def mlp_round(seconds_2thr):
    """One mlp_bench round: 784-64-10 b32 at 0.05 s (2 threads), 784-512-10 b512 given."""
    records = [{"kind": "machine", "cpu": "Test CPU, 2 logical CPUs, AVX2", "isa": "avx2"},
               {"kind": "memory", "rss_first": 90.0, "rss_last": 90.0, "peak": 99.0, "dataset": 52.3},
               {"kind": "peak", "threads": 1, "gflops": 100.0}, {"kind": "peak", "threads": 2, "gflops": 200.0},
               {"kind": "infer", "impl": "mlp", "threads": 2, "b1_us": 5.0, "b256_samples_s": 300000.0}]
    for config, s1, s2, flop in [("784-64-10 b32", 0.08, seconds_2thr, 1.2e10),
                                 ("784-512-10 b512", 0.60, 0.40, 1.0e11)]:
        records += [{"kind": "train", "impl": "mlp", "config": config, "threads": t, "s_per_epoch": s,
                     "flop_per_epoch": flop} for t, s in ((1, s1), (2, s2))]
    return records


def peer(impl, arrangement, figures, infer=None):
    base = {"arrangement": arrangement, "blas_threads": 2, "passive": arrangement.endswith("passive")}
    records = [dict(base, kind="version", impl=impl.split("-")[0], version=impl + " 1.0 (test)",
                    blas="openblas 0 (test kernels, pthreads threading)", date="2026-01-02 03:04 UTC")]
    records += [dict(base, kind="train", impl=impl, config=c, s_per_epoch=s) for c, s in figures.items()]
    if infer:
        records.append(dict(base, kind="infer", impl=impl, b1_us=infer[0], b256_samples_s=infer[1]))
    return records


class CompareTest(unittest.TestCase):
    def table(self):
        with tempfile.TemporaryDirectory() as folder:
            paths = [write(folder, "mlp_r1.json", mlp_round(0.05)), write(folder, "mlp_r2.json", mlp_round(0.06))]
            # PyTorch: torch 1 / BLAS 2, passive wins 784-64-10 b32 (0.40, in round 2); torch 1 / BLAS 1
            # wins 784-512-10 b512; only a peer ran 784-128-10 b32 (mlp has no figure for it).
            paths.append(write(folder, "torch_t1b1_r1.json", peer("torch", "torch 1 / BLAS 1", {
                "784-64-10 b32": 0.45, "784-512-10 b512": 0.90, "784-128-10 b32": 0.70}, (60.0, 100000.0))))
            paths.append(write(folder, "torch_t1b2p_r1.json", peer("torch", "torch 1 / BLAS 2, passive", {
                "784-64-10 b32": 0.42, "784-512-10 b512": 1.00}, (40.0, 200000.0))))
            paths.append(write(folder, "torch_t1b2p_r2.json", peer("torch", "torch 1 / BLAS 2, passive", {
                "784-64-10 b32": 0.40, "784-512-10 b512": 1.10})))
            paths.append(write(folder, "numpy_b1_r1.json", peer("numpy", "BLAS 1", {"784-64-10 b32": 0.15})))
            paths.append(write(folder, "sklearn_b2_r1.json", peer("sklearn-sgd", "BLAS 2", {"784-64-10 b32": 1.0})
                               + peer("sklearn-adam", "BLAS 2", {"784-64-10 b32": 1.5})))
            result = subprocess.run([sys.executable, os.path.join(HERE, "compare.py")] + paths,
                                    capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def row(self, text, start):
        lines = [line for line in text.splitlines() if line.startswith(start)]
        self.assertEqual(len(lines), 1, "%r in\n%s" % (start, text))
        return lines[0]

    def test_best_arrangement_and_round(self):
        text = self.table()
        row = self.row(text, "| 784-64-10 b32 | 0.0800 | 0.0500 |")  # mlp: best of its two rounds
        self.assertIn("0.400 (torch 1 / BLAS 2, passive)", row)
        self.assertIn("0.150 (BLAS 1)", row)
        self.assertIn("1.000 (BLAS 2)", row)
        self.assertIn("| 8.0× | 3.0× | 20.0× |", row)
        self.assertIn("0.900 (torch 1 / BLAS 1)", self.row(text, "| 784-512-10 b512 | 0.6000 |"))
        self.row(text, "| 784-128-10 b32 | – | – | 0.700 (torch 1 / BLAS 1) |")  # listed without mlp's figures
        self.assertIn("40.0 (torch 1 / BLAS 2, passive)", self.row(text, "| batch 1 latency (µs) |"))
        self.assertIn("1.5", self.row(text, "| 784-64-10 b32 | 1.000 (BLAS 2) | 1.500 (BLAS 2) |"))

    def test_header_and_targets(self):
        text = self.table()
        self.assertIn("date: 2026-01-02 03:04 UTC", text)
        self.assertIn("CPU: Test CPU, 2 logical CPUs, AVX2; instruction set of mlp's kernels: avx2", text)
        self.assertIn("- [met] 784-64-10 b32 ≥ 8× PyTorch: 8.0× against 0.400 s/epoch "
                      "(torch 1 / BLAS 2, passive); mlp at 1 thread: 5.0×", text)
        self.assertIn("- [MISSED] 784-64-10 b32 ≥ 4× NumPy: 3.0×", text)
        # 1e11 FLOP in 0.40 s at a 200 GFLOP/s peak: 125 %; the second core: 0.60 / 0.40 = 1.5×.
        self.assertIn("- [met] 784-512-10 b512 ≥ 85 % of the 2-thread GEMM peak: 125 %", text)
        self.assertIn("- [MISSED] 784-512-10 b512: second core ≥ 1.6×: 1.50×", text)
        self.assertIn("- [not run] 784-1024-10 b512 ≥ 85 % of the 2-thread GEMM peak", text)
        self.assertIn("- [met] 784-64-10 b32: the second core never slows it (2 thr ≤ 1.05× 1 thr): "
                      "2 thr ÷ 1 thr = 0.62", text)
        self.assertIn("- [not run] 784-128-10 b32: the second core never slows it", text)
        self.assertIn("- [met] inference batch 1 ≥ 5× PyTorch: 8.0× (5.0 µs against 40.0 µs, "
                      "torch 1 / BLAS 2, passive)", text)
        self.assertIn("- [MISSED] inference batch 256 ≥ 2× PyTorch: 1.5×", text)


class ArrangementsTest(unittest.TestCase):
    def listed(self, impl):
        result = subprocess.run([sys.executable, os.path.join(HERE, "peers", "peer_bench.py"), impl, "--list"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.splitlines()

    def test_torch_tries_one_torch_thread_over_two_blas_threads(self):
        lines = self.listed("torch")
        self.assertIn("t1b2 --torch-threads 1 --blas-threads 2", lines)
        self.assertIn("t2b2p --torch-threads 2 --blas-threads 2 --passive", lines)
        self.assertNotIn("t1b1p --torch-threads 1 --blas-threads 1 --passive", lines)  # no 2-thread pool

    def test_numpy_has_no_torch_threads(self):
        lines = self.listed("numpy")
        self.assertIn("b1 --blas-threads 1", lines)
        self.assertTrue(all("--torch-threads" not in line for line in lines), lines)


if __name__ == "__main__":
    unittest.main()
