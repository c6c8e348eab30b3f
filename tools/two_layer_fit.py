#!/usr/bin/env python3
"""Fits the two-layer model of Poirazi, Brannon & Mel (2003, Neuron 37:989) to a run of
examples/two_layer_neuron.toml and predicts the firing rates of held-out patterns.

  /usr/bin/python3 tools/two_layer_fit.py RUN_DIR [--patterns FILE] [--transient T_MS]

Each cell of population `cells` saw one input pattern: n_j active synapses on terminal branch
j (FILE, written by tools/make_two_layer_example.py; default
examples/data/two_layer_patterns.csv). Its rate (spikes after the transient) is predicted by

  two-layer:  rate = g(sum_j s(n_j)),  s(n) = sigma((n - theta)/beta) - sigma(-theta/beta)
  one-layer:  rate = g(sum_j n_j)

with sigma the logistic function and the same output non-linearity for both,
g(x) = r0 + r_max sigma((x - x0)/w). Both are fitted by least squares to the even-numbered
cells and tested on the odd-numbered ones (the generator writes the patterns of one total and
spread next to each other, so both halves hold every kind). Prints the held-out correlation r
and R^2 = 1 - SS_res/SS_tot of both models and the mean rates of clustered and dispersed
patterns of each total; writes RUN_DIR/two_layer_fit.json and RUN_DIR/two_layer_fit.png.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
from scipy.optimize import least_squares

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLOURS = {"clustered": "tab:red", "intermediate": "tab:grey", "dispersed": "tab:blue",
           "single": "tab:green"}
LABELS = {"clustered": "clustered (1-2 branches)", "intermediate": "in between",
          "dispersed": "dispersed (every branch)", "single": "one branch"}


def sigma(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function, without overflow


def branch_s(n, theta, beta):
    """The branch sigmoid, shifted so that a silent branch gives 0."""
    return sigma((n - theta) / beta) - sigma(-theta / beta)


def output_g(x, r0, r_max, x0, w):
    return r0 + r_max * sigma((x - x0) / w)


def two_layer(p, n):
    theta, beta, r0, r_max, x0, w = p
    return output_g(branch_s(n, theta, beta).sum(axis=1), r0, r_max, x0, w)


def one_layer(p, n):
    return output_g(n.sum(axis=1), *p)


def fit(model, starts, lower, upper, n, rate):
    """Least squares from several starts; the best fit."""
    best = None
    for p0 in starts:
        res = least_squares(lambda p: model(p, n) - rate, p0, bounds=(lower, upper))
        if best is None or res.cost < best.cost:
            best = res
    return best.x


def scores(pred, rate):
    r = float(np.corrcoef(pred, rate)[0, 1])
    r2 = float(1.0 - np.sum((rate - pred) ** 2) / np.sum((rate - rate.mean()) ** 2))
    return r, r2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--patterns", default=os.path.join(ROOT, "examples", "data",
                                                       "two_layer_patterns.csv"))
    ap.add_argument("--transient", type=float, default=100.0,
                    help="ms at the start left out of the rates")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    with open(args.patterns) as f:
        rows = list(csv.reader(f))[1:]
    groups = np.array([row[1] for row in rows])
    n = np.array([[int(x) for x in row[2:]] for row in rows], dtype=float)
    with open(os.path.join(args.run_dir, "summary.json")) as f:
        summary = json.load(f)
    pop = next(p for p in summary["populations"] if p["name"] == "cells")
    if pop["size"] != len(rows):
        sys.exit(f"two_layer_fit: {args.patterns} has {len(rows)} patterns but population "
                 f"'cells' has {pop['size']} neurons: pass the patterns file of this run")
    spikes = np.load(os.path.join(args.run_dir, "spikes", "cells.npy"))
    late = spikes["neuron"][spikes["t_ms"] > args.transient]
    seconds = (summary["duration_ms"] - args.transient) / 1e3
    rate = np.bincount(late, minlength=len(rows)) / seconds

    nb = n.shape[1]
    top = float(rate.max()) + 1.0
    total = n.sum(axis=1)
    train = np.arange(len(rows)) % 2 == 0
    test = ~train

    # Two-layer: theta (synapses), beta (synapses), r0, r_max (Hz), x0, w (branch units).
    two = fit(two_layer,
              [[th, be, 0.0, top, x0, 1.0] for th in (4.0, 8.0, 12.0) for be in (1.0, 3.0)
               for x0 in (1.0, 3.0)],
              [0.0, 0.2, -top, 0.0, -nb, 0.05], [60.0, 30.0, top, 4 * top, 2 * nb, 4 * nb],
              n[train], rate[train])
    # One-layer: the same g on the total number of active synapses.
    tmax = float(total.max())
    one = fit(one_layer,
              [[0.0, top, x0, w] for x0 in (0.3 * tmax, 0.6 * tmax) for w in (2.0, 0.2 * tmax)],
              [-top, 0.0, -tmax, 0.2], [top, 4 * top, 3 * tmax, 3 * tmax],
              n[train], rate[train])

    pred2, pred1 = two_layer(two, n), one_layer(one, n)
    r2l, R2l = scores(pred2[test], rate[test])
    r1l, R1l = scores(pred1[test], rate[test])
    r2tr, R2tr = scores(pred2[train], rate[train])
    r1tr, R1tr = scores(pred1[train], rate[train])
    print(f"{len(rows)} patterns on {nb} branches ({int(train.sum())} to fit, "
          f"{int(test.sum())} to test); rates {rate.min():.1f} to {rate.max():.1f} Hz")
    print(f"two-layer  g(sum_j s(n_j)): held-out r = {r2l:.3f}, R^2 = {R2l:.3f} "
          f"(fit r = {r2tr:.3f}, R^2 = {R2tr:.3f})")
    print(f"one-layer  g(sum_j n_j):    held-out r = {r1l:.3f}, R^2 = {R1l:.3f} "
          f"(fit r = {r1tr:.3f}, R^2 = {R1tr:.3f})")
    print(f"s(n): threshold {two[0]:.2f} synapses, width {two[1]:.2f}; "
          f"g(x) = {two[2]:.1f} + {two[3]:.1f} sigma((x - {two[4]:.2f})/{two[5]:.2f}) Hz")

    # Clustered against dispersed patterns of the same total.
    by_total = {}
    for t in sorted(set(total.astype(int))):
        c = rate[(total == t) & (groups == "clustered")]
        d = rate[(total == t) & (groups == "dispersed")]
        if len(c) and len(d):
            by_total[str(t)] = {"clustered_hz": float(c.mean()), "dispersed_hz": float(d.mean())}
    if by_total:
        print("total  clustered  dispersed (mean rate, Hz)")
        for t, v in by_total.items():
            print(f"{t:>5}  {v['clustered_hz']:9.1f}  {v['dispersed_hz']:9.1f}")

    result = {
        "patterns": len(rows), "branches": nb, "train": int(train.sum()), "test": int(test.sum()),
        "transient_ms": args.transient,
        "two_layer": {"theta": two[0], "beta": two[1], "r0_hz": two[2], "r_max_hz": two[3],
                      "x0": two[4], "w": two[5], "r": r2l, "r2": R2l, "fit_r": r2tr,
                      "fit_r2": R2tr},
        "one_layer": {"r0_hz": one[0], "r_max_hz": one[1], "x0": one[2], "w": one[3],
                      "r": r1l, "r2": R1l, "fit_r": r1tr, "fit_r2": R1tr},
        "by_total": by_total,
        "rates_hz": rate.tolist(),
    }
    with open(os.path.join(args.run_dir, "two_layer_fit.json"), "w") as f:
        json.dump(result, f, indent=1)
    if not args.no_plot:
        plot(args.run_dir, n, rate, groups, train, pred1, pred2, two, one,
             ((r1l, R1l), (r2l, R2l)))


def plot(run_dir, n, rate, groups, train, pred1, pred2, two, one, held_out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(13, 4.2))
    hi = max(rate.max(), pred1.max(), pred2.max()) * 1.05 + 1
    titles = ("one-layer: g(Σ n_j)", "two-layer: g(Σ s(n_j))")
    for a, pred, title, (r, r2) in zip(ax[:2], (pred1, pred2), titles, held_out):
        for g in ("dispersed", "intermediate", "clustered", "single"):
            m = groups == g
            if not m.any():
                continue
            a.scatter(rate[m & train], pred[m & train], s=10, c=COLOURS[g], alpha=0.25)
            a.scatter(rate[m & ~train], pred[m & ~train], s=14, c=COLOURS[g], label=LABELS[g])
        a.plot([0, hi], [0, hi], "k:", lw=1)
        a.set(xlim=(0, hi), ylim=(0, hi), xlabel="measured rate (Hz)",
              ylabel="predicted rate (Hz)", title=f"{title}\nheld out: r = {r:.2f}, R² = {r2:.2f}")
        a.legend(frameon=False, fontsize=8, loc="upper left")
    k = np.arange(0, n.max() + 1)
    ax[2].plot(k, branch_s(k, two[0], two[1]), "k-")
    ax[2].set(xlabel="active synapses on a branch n", ylabel="s(n)",
              title=f"branch sigmoid: threshold {two[0]:.1f}, width {two[1]:.1f}")
    fig.suptitle("two-layer model (Poirazi, Brannon & Mel 2003): faint = fitted, solid = held out")
    fig.tight_layout()
    fig.savefig(os.path.join(run_dir, "two_layer_fit.png"), dpi=110)


if __name__ == "__main__":
    main()
