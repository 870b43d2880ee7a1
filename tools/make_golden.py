#!/usr/bin/python3
"""Writes three fixtures for the C++ golden tests, each an independent PyTorch (float64)
computation that the float engine must match to 1e-5 relative:

tests/fixtures/golden_v1.json (tests/unit/golden_test.cpp): a two-hidden-layer network's
loss, every gradient, and the losses of 10 momentum-SGD steps. Momentum is mlp's
heavy-ball form: v <- mu*v + lr*g ; w <- w - v.

tests/fixtures/golden_label_smoothing_v1.json: the softmax cross-entropy loss with label
smoothing (CrossEntropyLoss's label_smoothing) and its gradient, for three values of eps.

tests/fixtures/golden_steps_v1.json: several full training steps with Adam, L2, inverted
dropout (on the input and after every hidden layer) and max-norm, together with the
dropout masks of every step, made by a Python re-implementation of mlp's mask generator
(MASK_SPEC below). Per case: the inputs and initial parameters (all rounded to float32, so
the float engine starts from the same numbers), the masks, the loss of every step (cross
entropy only, without the L2 term, before that step's update) and the final parameters.
  Masks: "masks" is a list over steps of {"step": t, "layers": [hex, ...]}, one hex string
  per mask layer 0..H (0 = the input, l + 1 = the output of hidden layer l). A layer's
  B x width mask is packed row-major: element (row i, column j) is bit k = i*width + j,
  stored in byte k // 8 at bit position k % 8 (least significant bit first); 1 = kept.
  The hex string lists the bytes in order, two digits each; unused high bits of the last
  byte are 0.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_golden.py
Layout matches mlp: W_l has shape (D_in, D_out), y = x @ W + b.
"""
import json
import pathlib

import torch

torch.manual_seed(20261123)
torch.set_default_dtype(torch.float64)

B, D, H1, H2, K = 8, 12, 10, 7, 5
LR, MU, STEPS = 0.1, 0.9, 10


def fixture(activation):
    x = torch.randn(B, D)
    y = torch.randint(0, K, (B,))
    shapes = [(D, H1), (H1, H2), (H2, K)]
    params = {}
    for i, (fan_in, fan_out) in enumerate(shapes, start=1):
        params[f"W{i}"] = (torch.randn(fan_in, fan_out) / fan_in ** 0.5).requires_grad_()
        params[f"b{i}"] = (0.1 * torch.randn(fan_out)).requires_grad_()
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
           "improved_sigmoid": lambda z: 1.7159 * torch.tanh(2.0 * z / 3.0)}[activation]

    def loss_of(p):
        h = act(x @ p["W1"] + p["b1"])
        h = act(h @ p["W2"] + p["b2"])
        return torch.nn.functional.cross_entropy(h @ p["W3"] + p["b3"], y)

    def as_list(t):
        return t.detach().reshape(-1).tolist()

    out = {
        "activation": activation,
        "sizes": [D, H1, H2, K],
        "batch": B,
        "x": as_list(x),
        "labels": y.tolist(),
        "params": {k: {"shape": list(v.shape), "values": as_list(v)} for k, v in params.items()},
    }
    loss = loss_of(params)
    loss.backward()
    out["loss"] = loss.item()
    out["grads"] = {k: as_list(v.grad) for k, v in params.items()}

    # 10 momentum-SGD steps on the same batch, recording the loss before each step.
    with torch.no_grad():
        w = {k: v.detach().clone() for k, v in params.items()}
        v = {k: torch.zeros_like(t) for k, t in w.items()}
    losses = []
    for _ in range(STEPS):
        p = {k: t.clone().requires_grad_() for k, t in w.items()}
        step_loss = loss_of(p)
        step_loss.backward()
        losses.append(step_loss.item())
        with torch.no_grad():
            for k in w:
                v[k] = MU * v[k] + LR * p[k].grad
                w[k] = w[k] - v[k]
    out["momentum"] = {"lr": LR, "mu": MU, "losses": losses,
                       "final_params": {k: as_list(t) for k, t in w.items()}}
    return out


# ---------------------------------------------------------------------------------------
# golden_steps_v1.json: Adam + L2 + inverted dropout + max-norm, with the dropout masks.
# ---------------------------------------------------------------------------------------

U64 = (1 << 64) - 1
U32 = (1 << 32) - 1

MASK_SPEC = (
    "Rng(seed) is xoshiro256** whose 4 state words come from 4 calls of splitmix64 on x = seed "
    "(splitmix64: x += 0x9e3779b97f4a7c15; z = x; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9; "
    "z = (z ^ (z >> 27)) * 0x94d049bb133111eb; return z ^ (z >> 31); all mod 2^64). "
    "Rng::for_purpose(seed, purpose) = Rng(seed ^ h), h the 64-bit FNV-1a of the purpose bytes "
    "(h = 1469598103934665603; h = (h ^ c) * 1099511628211). key = Rng::for_purpose(seed, \"dropout\").next(), "
    "the first output. mix64(z) is the splitmix64 finaliser without the add. For mask layer `layer` "
    "(0 = the input, l + 1 = the output of hidden layer l, counting from 0), step t (1-based) and batch row i "
    "(0-based): row = mix64(mix64(key ^ t) ^ ((layer << 32) | i)), r = row >> 32. For column j (0-based): "
    "x = (r + j * 0x9E3779B9) mod 2^32; x ^= x >> 16; x = (x * 0x7feb352d) mod 2^32; x ^= x >> 15; "
    "x = (x * 0x846ca68b) mod 2^32; x ^= x >> 16; the element is kept iff (x >> 8) < round(keep * 2^24) "
    "(= int(keep * 16777216 + 0.5)), keep = 1 - rate, and its factor is 1/keep (float64) when kept, 0 otherwise.")


def mix64(z):
    """The splitmix64 finaliser (Steele, Lea & Flood 2014), on a plain int mod 2^64."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64
    return z ^ (z >> 31)


class Xoshiro256:
    """mlp::Rng (src/core/rng.cpp): xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64."""

    def __init__(self, seed):
        self.s = []
        x = seed & U64
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & U64  # splitmix64 advances its state, then finalises it
            self.s.append(mix64(x))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & U64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & U64, 7) * 9) & U64
        t = (s[1] << 17) & U64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    @classmethod
    def for_purpose(cls, seed, purpose):
        h = 1469598103934665603  # 64-bit FNV-1a of the purpose name
        for c in purpose.encode():
            h = ((h ^ c) * 1099511628211) & U64
        return cls(seed ^ h)


def dropout_key(seed):
    return Xoshiro256.for_purpose(seed, "dropout").next()


def dropout_row_hash(key, step, layer, row):
    """The 32-bit r of one batch row of one mask layer at one step."""
    return mix64(mix64(key ^ step) ^ ((layer << 32) | row)) >> 32


def dropout_keep_bit(r, column, threshold):
    """1 when unit `column` of the row with hash r is kept: a 32-bit integer hash of
    r + column * golden ratio, whose top 24 bits are compared with the threshold."""
    x = (r + column * 0x9E3779B9) & U32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & U32
    x ^= x >> 15
    x = (x * 0x846CA68B) & U32
    x ^= x >> 16
    return 1 if (x >> 8) < threshold else 0


def keep_threshold(keep):
    return int(keep * 16777216 + 0.5)  # round(keep * 2^24), written out


def dropout_bits(key, step, layer, B, width, keep):
    """The (B, width) kept bits of one mask layer at one step, as a list of rows."""
    threshold = keep_threshold(keep)
    rows = []
    for i in range(B):
        r = dropout_row_hash(key, step, layer, i)
        rows.append([dropout_keep_bit(r, j, threshold) for j in range(width)])
    return rows


def pack_bits(rows):
    """Row-major bits, bit k in byte k // 8 at position k % 8 (LSB first), as hex."""
    flat = [bit for row in rows for bit in row]
    packed = bytearray((len(flat) + 7) // 8)
    for k, bit in enumerate(flat):
        packed[k // 8] |= bit << (k % 8)
    return packed.hex()


def check_generator():
    """Self-checks of the generator's integer arithmetic: a numpy uint64/uint32 version
    (wrapping multiplication) must agree with the plain-int one."""
    import numpy as np
    with np.errstate(over="ignore"):
        z = np.array([0, 1, 7, 0x9E3779B97F4A7C15, U64, 123456789123456789], dtype=np.uint64)
        m = z.copy()
        m = (m ^ (m >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        m = (m ^ (m >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        m = m ^ (m >> np.uint64(31))
        assert [int(v) for v in m] == [mix64(int(v)) for v in z], "mix64: numpy and plain ints disagree"
        r, threshold = dropout_row_hash(dropout_key(7), 1, 1, 0), keep_threshold(0.5)
        x = (np.uint32(r) + np.arange(64, dtype=np.uint32) * np.uint32(0x9E3779B9)).astype(np.uint32)
        x ^= x >> np.uint32(16)
        x = (x * np.uint32(0x7FEB352D)).astype(np.uint32)
        x ^= x >> np.uint32(15)
        x = (x * np.uint32(0x846CA68B)).astype(np.uint32)
        x ^= x >> np.uint32(16)
        bits = ((x >> np.uint32(8)) < threshold).astype(int).tolist()
        assert bits == [dropout_keep_bit(r, j, threshold) for j in range(64)], "column hash: numpy and plain ints disagree"
    # The packing order: bit k of the flat mask sits in byte k // 8 at position k % 8.
    assert pack_bits([[1, 0, 0, 0, 0, 0, 0, 0, 0, 1]]) == "0102"


STEPS_CASES = [
    # max_norm is set so that columns of both hidden layers are clipped at every step
    # (asserted below). Initial column norms are about 1 (W ~ N(0, 1/fan_in)), the widest
    # 1.41 in "wide"'s W1 and 1.17 in its W2, so 1.5 would clip nothing there.
    dict(name="wide", seed=7, batch=96, sizes=[32, 128, 64, 10], activation="relu", input_dropout=0.2,
         dropout=0.5, max_norm=1.15, steps=4),
    dict(name="small", seed=3, batch=2, sizes=[12, 10, 7, 5], activation="tanh", input_dropout=0.2,
         dropout=0.3, max_norm=0.9, steps=5),
]
ADAM = {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
L2 = 1e-3
ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}


def train_steps(x, y, params, masks, case, dtype):
    """Runs the case's training steps from `params` in `dtype`; returns (losses, final
    params, columns clipped per step and hidden layer, smallest |column norm - c| / c seen).

    One step, t = 1, 2, ...:  x~ = x * M_0 ; d_l = f(d_{l-1} W_l + b_l) * M_l (hidden layers) ;
    logits = d_H W_out + b_out ; objective = CE_mean(logits, y) + L2 * sum_l ||W_l||^2, so
    weights get + 2 L2 W and biases nothing. Adam (Kingma & Ba 2015), written out:
    m <- b1 m + (1-b1) g ; s <- b2 s + (1-b2) g^2 ; w <- w - lr (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps).
    Then max-norm (Srivastava et al. 2014) on hidden weights only: every column W_l[:, j]
    (unit j's incoming weights, length D_in) longer than c is scaled back to length c."""
    act = ACTIVATIONS[case["activation"]]
    layers = len(case["sizes"]) - 1
    lr, b1, b2, eps = ADAM["lr"], ADAM["beta1"], ADAM["beta2"], ADAM["epsilon"]
    c = case["max_norm"]
    x = x.to(dtype)
    w = {k: v.to(dtype) for k, v in params.items()}
    m = {k: torch.zeros_like(v) for k, v in w.items()}
    s = {k: torch.zeros_like(v) for k, v in w.items()}
    losses, clipped, margin = [], [], float("inf")
    for t in range(1, case["steps"] + 1):
        step_masks = [mask.to(dtype) for mask in masks[t - 1]]  # factors: 0 or 1/keep, (B, width)
        p = {k: v.clone().requires_grad_() for k, v in w.items()}
        h = x * step_masks[0]
        for l in range(1, layers):
            h = act(h @ p[f"W{l}"] + p[f"b{l}"]) * step_masks[l]
        loss = torch.nn.functional.cross_entropy(h @ p[f"W{layers}"] + p[f"b{layers}"], y)
        objective = loss + L2 * sum((p[f"W{l}"] ** 2).sum() for l in range(1, layers + 1))
        objective.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for k in w:
                g = p[k].grad
                m[k] = b1 * m[k] + (1 - b1) * g
                s[k] = b2 * s[k] + (1 - b2) * g * g
                w[k] = w[k] - lr * (m[k] / (1 - b1 ** t)) / (torch.sqrt(s[k] / (1 - b2 ** t)) + eps)
            counts = []
            for l in range(1, layers):  # hidden layers only; the output layer and biases are never clipped
                norms = w[f"W{l}"].norm(dim=0)  # (D_out,): one per hidden unit
                margin = min(margin, ((norms - c).abs() / c).min().item())
                over = norms > c
                counts.append(int(over.sum()))
                w[f"W{l}"] = w[f"W{l}"] * torch.where(over, c / norms, torch.ones_like(norms))
            clipped.append(counts)
    return losses, w, clipped, margin


def steps_fixture(case):
    # Own seed, so this fixture does not depend on what golden_v1.json drew before it.
    torch.manual_seed(20261202)
    B, sizes, steps = case["batch"], case["sizes"], case["steps"]
    layers = len(sizes) - 1
    K = sizes[-1]

    def f32(t):  # round to float32 so the float engine starts from exactly these numbers
        return t.float().double()

    x = f32(torch.randn(B, sizes[0]))  # (B, D)
    y = torch.randint(0, K, (B,))
    params = {}
    for l in range(1, layers + 1):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        params[f"W{l}"] = f32(torch.randn(fan_in, fan_out) / fan_in ** 0.5)  # (D_in, D_out)
        params[f"b{l}"] = f32(0.1 * torch.randn(fan_out))

    # Masks: step t, mask layer 0 (the input, keep 1 - input_dropout) and 1..H (after each
    # hidden layer, keep 1 - dropout); bits (B, width), factors bit / keep.
    key = dropout_key(case["seed"])
    keeps = [1.0 - case["input_dropout"]] + [1.0 - case["dropout"]] * (layers - 1)
    bits = [[dropout_bits(key, t, layer, B, sizes[layer], keeps[layer]) for layer in range(layers)]
            for t in range(1, steps + 1)]
    masks = [[torch.tensor(step_bits[layer], dtype=torch.float64) / keeps[layer] for layer in range(layers)]
             for step_bits in bits]
    for step_bits in bits:  # every row hash must give a different pattern; a constant mask means a bug
        for layer_bits in step_bits:
            assert 0 < sum(map(sum, layer_bits)) < B * len(layer_bits[0])

    losses, final, clipped, margin = train_steps(x, y, params, masks, case, torch.float64)
    for l in range(1, layers):
        assert any(counts[l - 1] for counts in clipped), \
            "%s: max_norm %g clips nothing in W%d; lower it" % (case["name"], case["max_norm"], l)
    # A column within float32 noise of c could be clipped by one engine and not the other.
    assert margin > 1e-4, "%s: a column norm is within %g of max_norm; move it" % (case["name"], margin)

    # Rehearsal of the C++ float engine: the same steps in float32 must land within the
    # test's 1e-5 (max-abs error / max-abs value, per tensor) with room to spare; if not,
    # some step sits on a knife edge (a ReLU kink, a near-zero Adam gradient, a clip).
    losses32, final32, clipped32, _ = train_steps(x, y, params, masks, case, torch.float32)
    assert clipped32 == clipped
    worst = max(abs(a - b) / abs(b) for a, b in zip(losses32, losses))
    for k in final:
        worst = max(worst, ((final32[k].double() - final[k]).abs().max() / final[k].abs().max()).item())
    assert worst < 2e-6, "%s: float32 rerun is %g away from float64" % (case["name"], worst)
    print("  %s: losses %s, columns clipped per step [W1, W2] %s, closest norm to c %.3g, float32 rerun off by %.2g"
          % (case["name"], " ".join("%.6f" % v for v in losses), clipped, margin, worst))

    def as_list(t):
        return t.reshape(-1).tolist()

    out = {
        "name": case["name"], "seed": case["seed"], "activation": case["activation"], "sizes": sizes, "batch": B,
        "input_dropout": case["input_dropout"], "dropout": case["dropout"], "max_norm": case["max_norm"], "l2": L2,
        "adam": dict(ADAM),
        "x": as_list(x),
        "labels": y.tolist(),
        "params": {k: {"shape": list(v.shape), "values": as_list(v)} for k, v in params.items()},
        "masks": [{"step": t, "layers": [pack_bits(layer_bits) for layer_bits in step_bits]}
                  for t, step_bits in enumerate(bits, start=1)],
        "losses": losses,
        "final_params": {k: as_list(v) for k, v in final.items()},
    }
    return out, bits, key


def write_steps_fixture(directory):
    check_generator()
    cases = []
    for case in STEPS_CASES:
        out, bits, key = steps_fixture(case)
        cases.append(out)
        if case["name"] == "wide":
            # The kept fraction of every mask layer at every step is near keep.
            for step_bits in bits:
                for layer, layer_bits in enumerate(step_bits):
                    keep = 1.0 - (case["input_dropout"] if layer == 0 else case["dropout"])
                    kept = sum(map(sum, layer_bits)) / (len(layer_bits) * len(layer_bits[0]))
                    assert abs(kept - keep) < 0.03, "wide: kept %.3f of layer %d, want %.2f" % (kept, layer, keep)
            # Numbers to cross-check the C++ generator by hand.
            r = dropout_row_hash(key, 1, 1, 0)
            print("  wide: key %d; step 1 layer 0 row 0 bits %s; step 1 layer 1 row 0: r %d, bits %s"
                  % (key, "".join(map(str, bits[0][0][0][:8])), r, "".join(map(str, bits[0][1][0][:8]))))
    data = {"format": "mlp-golden-steps-1",
            "generator": "tools/make_golden.py (PyTorch %s, float64)" % torch.__version__,
            "mask_spec": MASK_SPEC,
            "cases": cases}
    path = directory / "golden_steps_v1.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print("wrote tests/fixtures/" + path.name)


def write_label_smoothing_fixture(directory):
    """tests/fixtures/golden_label_smoothing_v1.json: PyTorch's cross_entropy with
    label_smoothing = eps (target (1 - eps) onehot(y) + eps/K) on float32-rounded logits,
    its mean loss and its gradient with respect to the logits."""
    generator = torch.Generator().manual_seed(20261202)  # its own stream: the fixtures above stay as they were
    B, K = 9, 10
    z = (4.0 * torch.randn(B, K, generator=generator)).float().double()
    y = torch.randint(0, K, (B,), generator=generator)
    cases = []
    for eps in (0.0, 0.1, 0.25):
        logits = z.clone().requires_grad_()
        loss = torch.nn.functional.cross_entropy(logits, y, label_smoothing=eps)
        loss.backward()
        cases.append({"label_smoothing": eps, "B": B, "K": K, "logits": logits.detach().flatten().tolist(),
                      "labels": y.tolist(), "loss": loss.item(), "dlogits": logits.grad.flatten().tolist()})
    data = {"format": "mlp-golden-label-smoothing-1",
            "generator": "tools/make_golden.py (PyTorch %s, float64)" % torch.__version__, "cases": cases}
    path = directory / "golden_label_smoothing_v1.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print("wrote tests/fixtures/" + path.name)


def main():
    directory = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures"
    # golden_v1.json first: its cases draw from the global seed set at the top.
    data = {"format": "mlp-golden-1", "generator": "tools/make_golden.py (PyTorch %s, float64)" % torch.__version__,
            "cases": [fixture(a) for a in ("sigmoid", "tanh", "relu", "improved_sigmoid")]}
    path = directory / "golden_v1.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print("wrote tests/fixtures/" + path.name)
    write_steps_fixture(directory)
    write_label_smoothing_fixture(directory)


if __name__ == "__main__":
    main()
