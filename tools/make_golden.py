#!/usr/bin/python3
"""Writes tests/fixtures/golden_v1.json: an independent PyTorch (float64) computation of a
two-hidden-layer network's loss, every gradient, and the losses of 10 momentum-SGD steps,
for the C++ golden test (tests/unit/golden_test.cpp) to match.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_golden.py
Layout matches mlp: W_l has shape (D_in, D_out), y = x @ W + b.
Momentum is mlp's heavy-ball form: v <- mu*v + lr*g ; w <- w - v.
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


def main():
    data = {"format": "mlp-golden-1", "generator": "tools/make_golden.py (PyTorch %s, float64)" % torch.__version__,
            "cases": [fixture(a) for a in ("sigmoid", "tanh", "relu", "improved_sigmoid")]}
    path = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "golden_v1.json"
    path.write_text(json.dumps(data, indent=1) + "\n")
    print("wrote tests/fixtures/" + path.name)


if __name__ == "__main__":
    main()
