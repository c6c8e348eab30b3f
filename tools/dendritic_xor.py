#!/usr/bin/python3
"""Truth tables of a run of examples/dendritic_xor.toml: the spikes of each cell of the
populations `cell` (the dendritic cell) and `point` (the point-neuron controls) in the four
trials (no input, A, B, A and B), each cell classified as silent, XOR, OR, AND or other.

    /usr/bin/python3 tools/dendritic_xor.py RUN_DIR [--trials none=100,A=600,B=1100,AB=1600]
                                            [--window 500] [--no-plot]

Writes RUN_DIR/xor.json (the spike counts and classes) and RUN_DIR/xor.png (the dendritic
cell's soma and dendrite traces through the trials; the classes of the point neurons over
their weight grid, read from RUN_DIR/model.toml's comment-free data: the grid's shape is
taken from tools/make_dendritic_xor.py's scales). Exit code 2 on a run of another shape.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_run import (InputError, load_spike_sets, load_summary, load_traces,  # noqa: E402
                      save_atomic)

TRIAL_NAMES = ("none", "A", "B", "AB")


def classify(counts):
    """The Boolean function a cell computes: counts of spikes in (none, A, B, AB)."""
    fired = tuple(int(c > 0) for c in counts)
    return {(0, 0, 0, 0): "silent", (0, 1, 1, 0): "XOR", (0, 1, 1, 1): "OR",
            (0, 0, 0, 1): "AND"}.get(fired, "other")


def parse_trials(text):
    trials = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name.strip() not in TRIAL_NAMES or not value:
            raise InputError(f"--trials: expected none=T,A=T,B=T,AB=T (ms), got {text!r}")
        trials[name.strip()] = float(value)
    if set(trials) != set(TRIAL_NAMES):
        raise InputError(f"--trials: expected all of {', '.join(TRIAL_NAMES)}, got {text!r}")
    return trials


def truth_tables(run_dir, trials, window):
    summary = load_summary(run_dir)
    duration = float(summary.get("duration_ms", 0))
    if max(trials.values()) + window > duration + 1e-9:
        raise InputError(f"{run_dir}: the run lasts {duration:g} ms, the last trial ends at "
                         f"{max(trials.values()) + window:g} ms")
    sets = {pop["name"]: (spikes["t_ms"], spikes["neuron"], int(pop["size"]))
            for pop, spikes in load_spike_sets(run_dir, summary)}
    out = {}
    for pop in ("cell", "point"):
        if pop not in sets:
            raise InputError(f"{run_dir}: expected recorded spikes of population '{pop}'")
        times, ids, size = sets[pop]
        table = []
        for n in range(size):
            t = times[ids == n]
            counts = [int(((t >= trials[k]) & (t < trials[k] + window)).sum()) for k in TRIAL_NAMES]
            table.append({"counts": counts, "class": classify(counts)})
        out[pop] = table
    return summary, out


def plot(summary, run_dir, tables, trials, window, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_dendritic_xor as gen

    traces = {r["variable"]: (r, d) for r, d in load_traces(run_dir, summary)
              if r.get("population") == "cell"}
    fig, ax = plt.subplots(1, 2, figsize=(14, 4.5), gridspec_kw={"width_ratios": [2.2, 1]})
    for var, colour in (("v", "k"), ("v_d1", "C3"), ("v_d2", "C0")):
        if var in traces:
            rec, d = traces[var]
            t = rec.get("t0_ms", 0.0) + np.arange(d.shape[0]) * rec["interval_ms"]
            ax[0].plot(t, d[:, 0], color=colour, lw=1,
                       label={"v": "soma", "v_d1": "d1 tip", "v_d2": "d2 tip"}[var])
    for name in TRIAL_NAMES:
        fired = tables["cell"][0]["counts"][TRIAL_NAMES.index(name)]
        ax[0].axvline(trials[name], color="0.6", ls=":", lw=1, zorder=0)
        ax[0].text(trials[name] + 10, 45, f"{name}: {fired} spike{'s' * (fired != 1)}", fontsize=9)
    ax[0].set(xlabel="time (ms)", ylabel="v (mV)", ylim=(-80, 55),
              title=f"dendritic cell: {tables['cell'][0]['class']}")
    ax[0].legend(frameon=False, loc="lower right", fontsize=8)
    classes = ["silent", "AND", "OR", "XOR", "other"]
    colours = ["0.85", "C0", "C2", "C3", "C7"]
    ne, ni = len(gen.EXC_SCALES), len(gen.INH_SCALES)
    point = tables["point"]
    if len(point) == ne * ni:
        grid = np.array([classes.index(c["class"]) for c in point]).reshape(ne, ni)
        from matplotlib.colors import ListedColormap
        ax[1].imshow(grid.T, origin="lower", cmap=ListedColormap(colours), vmin=-0.5,
                     vmax=len(classes) - 0.5, aspect="auto")
        for e in range(ne):
            for i in range(ni):
                ax[1].text(e, i, classes[grid[e, i]], ha="center", va="center", fontsize=6)
        ax[1].set_xticks(range(ne), [f"{s:g}" for s in gen.EXC_SCALES])
        ax[1].set_yticks(range(ni), [f"{s:g}" for s in gen.INH_SCALES])
        ax[1].set(xlabel="excitatory weights (x the dendritic cell's)",
                  ylabel="inhibitory weights (x)", title="point neurons, same synapses")
    fig.tight_layout()
    save_atomic(fig, path)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--trials", default="none=100,A=600,B=1100,AB=1600",
                    help="trial start times in ms")
    ap.add_argument("--window", type=float, default=500.0, help="ms counted after each start")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args(argv)
    try:
        trials = parse_trials(args.trials)
        summary, tables = truth_tables(args.run_dir, trials, args.window)
    except InputError as e:
        print(f"dendritic_xor: error: {e}", file=sys.stderr)
        return 2
    print("cell    " + " ".join(f"{k:>4}" for k in TRIAL_NAMES) + "  computes")
    for pop, table in tables.items():
        for n, row in enumerate(table):
            print(f"{pop[:5]}{n:<3d}" + " ".join(f"{c:4d}" for c in row["counts"])
                  + f"  {row['class']}")
    point_classes = [row["class"] for row in tables["point"]]
    summary_line = {c: point_classes.count(c) for c in sorted(set(point_classes))}
    print(f"dendritic cell: {tables['cell'][0]['class']}; point neurons: {summary_line}")
    with open(os.path.join(args.run_dir, "xor.json"), "w") as f:
        json.dump({"trials_ms": trials, "window_ms": args.window, **tables,
                   "point_classes": summary_line}, f, indent=1)
    if not args.no_plot:
        path = os.path.join(args.run_dir, "xor.png")
        plot(summary, args.run_dir, tables, trials, args.window, path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
