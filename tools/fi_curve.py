#!/usr/bin/python3
"""f-I curve of a run of examples/lif_fi_curve.toml (or any run with one DC amplitude per
neuron): measured rate per neuron against its current, with the LIF analytic curve when the
population is an integrate-and-fire model. Writes fi_curve.csv and fi_curve.png in the run
directory.

Usage: /usr/bin/python3 tools/fi_curve.py RUN_DIR [--population NAME]
"""
import argparse
import json
import math
import os
import sys
import tomllib

import numpy as np


def fail(msg):
    print(f"fi_curve: error: {msg}", file=sys.stderr)
    sys.exit(2)


def quantity(text):
    units = {"pA": 1.0, "nA": 1e3, "uA": 1e6, "ms": 1.0, "s": 1e3, "mV": 1.0, "pF": 1.0, "nF": 1e3}
    if isinstance(text, (int, float)):
        return float(text)
    value, unit = text.split()
    return float(value) * units[unit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--population", default=None)
    a = ap.parse_args()
    try:
        summary = json.load(open(os.path.join(a.run_dir, "summary.json")))
        model = tomllib.load(open(os.path.join(a.run_dir, "model.toml"), "rb"))
    except (OSError, ValueError) as e:
        fail(f"{a.run_dir}: expected an engram run directory with summary.json and model.toml ({e})")
    pops = {p["name"]: p for p in model.get("population", [])}
    name = a.population or next(iter(pops))
    if name not in pops:
        fail(f"no population '{name}' in {a.run_dir}/model.toml")
    stim = [s for s in model.get("stimulus", []) if s.get("to") == name and s.get("kind") == "dc"
            and isinstance(s.get("amplitude"), list)]
    if not stim:
        fail(f"population '{name}' has no dc stimulus with one amplitude per neuron")
    targets = stim[0].get("neurons", list(range(pops[name]["size"])))
    amps = [quantity(x) for x in stim[0]["amplitude"]]
    spikes = np.load(os.path.join(a.run_dir, "spikes", f"{name}.npy"))
    rates = []
    for n in targets:
        t = np.sort(spikes["t_ms"][spikes["neuron"] == n])
        # steady-state rate from the inter-spike intervals (the first ISI starts from rest)
        rates.append(1000.0 * (len(t) - 2) / (t[-1] - t[1]) if len(t) >= 3 else 0.0)
    p = {k: quantity(v) for k, v in pops[name].get("params", {}).items()}
    c_m, tau_m = p.get("c_m", 250.0), p.get("tau_m", 10.0)
    theta = p.get("v_thresh", -55.0) - p.get("e_l", -70.0)
    t_ref = p.get("t_ref", 2.0)
    R = tau_m / c_m

    def analytic(i):
        return 1000.0 / (t_ref + tau_m * math.log(R * i / (R * i - theta))) if R * i > theta else 0.0

    csv = os.path.join(a.run_dir, "fi_curve.csv")
    with open(csv + ".tmp", "w") as f:
        f.write("current_pA,rate_hz,analytic_hz\n")
        for i, r in zip(amps, rates):
            f.write(f"{i:g},{r:.6g},{analytic(i):.6g}\n")
    os.replace(csv + ".tmp", csv)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    grid = np.linspace(min(amps), max(amps), 400)
    ax.plot(grid, [analytic(i) for i in grid], "-", color="0.6", label="analytic LIF")
    ax.plot(amps, rates, "o", color="C0", label="engram")
    ax.axvline(theta / R, ls=":", color="0.4", label=f"rheobase {theta / R:.0f} pA")
    ax.set_xlabel("injected current (pA)")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_title(f"f-I curve: {summary['model']['name']} / {name}")
    ax.legend()
    fig.tight_layout()
    png = os.path.join(a.run_dir, "fi_curve.png")
    fig.savefig(png + ".tmp.png", dpi=120)
    os.replace(png + ".tmp.png", png)
    print(csv)
    print(png)


if __name__ == "__main__":
    main()
