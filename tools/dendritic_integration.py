#!/usr/bin/python3
"""Input-output curves of dendritic integration from a run of
examples/nmda_spike_clustering.toml (or any run of the same shape): for each volley of
synchronous synapses, the peak EPSP at the soma and at the recorded branch site, against the
linear prediction (the number of synapses times the EPSP of one), as in Polsky, Mel &
Schiller (2004) Fig. 2 and Schiller et al. (2000) Fig. 1.

    /usr/bin/python3 tools/dendritic_integration.py RUN_DIR [--labels a,b,c] [--no-plot]

Reads RUN_DIR/model.toml (the volleys: the spike times of the `afferents` population; the
number of afferents firing at a time is that volley's synapse count) and the traces `v`
(soma) and the first other voltage recording (the branch site) of population `cells`.
Writes RUN_DIR/dendritic_integration.json and RUN_DIR/dendritic_integration.png and prints
a table. Exit code 2 on a run directory of another shape.
"""
import argparse
import json
import os
import sys
import tomllib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_run import InputError, load_summary, load_traces, save_atomic  # noqa: E402

DEFAULT_LABELS = ["clustered", "dispersed", "clustered_apv"]


def parse_ms(text, where):
    value, _, unit = str(text).strip().partition(" ")
    scale = {"ms": 1.0, "s": 1000.0}.get(unit.strip() or "ms")
    if scale is None:
        raise InputError(f"{where}: expected a time such as \"50 ms\", got {text!r}")
    return float(value) * scale


def volleys(run_dir):
    """[(time_ms, synapse count)] from the afferents' spike times."""
    path = os.path.join(run_dir, "model.toml")
    try:
        with open(path, "rb") as f:
            model = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: {e}")
    pops = [p for p in model.get("population", []) if p.get("name") == "afferents"]
    if not pops or "spike_times" not in pops[0]:
        raise InputError(f"{path}: expected a population 'afferents' with spike_times")
    counts = {}
    for i, times in enumerate(pops[0]["spike_times"]):
        for t in times:
            ms = parse_ms(t, f"{path}: afferents spike_times[{i}]")
            counts[ms] = counts.get(ms, 0) + 1
    return sorted(counts.items())


def peak_amplitudes(trace, interval, t0, events, window_ms):
    """Peak depolarisation after each event, from the value at the event's time."""
    out = []
    for t, _ in events:
        a = int(round((t - t0) / interval))
        b = min(len(trace), a + int(round(window_ms / interval)))
        if a < 0 or b <= a + 1:
            raise InputError(f"the traces do not cover the volley at {t:g} ms")
        out.append(float(trace[a:b].max() - trace[a]))
    return np.array(out)


def analyse(run_dir, labels):
    summary = load_summary(run_dir)
    events = volleys(run_dir)
    if len(events) < 2:
        raise InputError(f"{run_dir}: expected at least two volleys, got {len(events)}")
    gap = min(b[0] - a[0] for a, b in zip(events, events[1:]))
    traces = [(r, d) for r, d in load_traces(run_dir, summary) if r.get("population") == "cells"]
    soma = [(r, d) for r, d in traces if r.get("variable") == "v"]
    site = [(r, d) for r, d in traces if r.get("variable") != "v" and r.get("unit") == "mV"]
    if not soma or not site:
        raise InputError(f"{run_dir}: expected recordings of v and of a branch site of 'cells'")
    (rec_s, vs), (rec_d, vd) = soma[0], site[0]
    n_cells = vs.shape[1]
    labels = (labels or DEFAULT_LABELS)[:n_cells]
    labels += [f"cell {i}" for i in range(len(labels), n_cells)]
    counts = np.array([c for _, c in events])
    result = {"counts": counts.tolist(), "site": rec_d["variable"], "cells": {}}
    for c, label in enumerate(labels):
        soma_amp = peak_amplitudes(vs[:, c], rec_s["interval_ms"], rec_s.get("t0_ms", 0.0),
                                   events, gap)
        site_amp = peak_amplitudes(vd[:, c], rec_d["interval_ms"], rec_d.get("t0_ms", 0.0),
                                   events, gap)
        unitary = soma_amp[0] / counts[0]
        linear = unitary * counts
        steps = np.diff(soma_amp) / (unitary * np.diff(counts))
        k = int(np.argmax(steps))
        result["cells"][label] = {
            "soma_mV": soma_amp.round(4).tolist(),
            "site_mV": site_amp.round(4).tolist(),
            "linear_mV": linear.round(4).tolist(),
            "ratio": (soma_amp / linear).round(4).tolist(),
            # the largest rise from one volley to the next, in units of the linear rise
            "largest_step": round(float(steps[k]), 3),
            "largest_step_between": [int(counts[k]), int(counts[k + 1])],
        }
    return result, (rec_s, vs), (rec_d, vd), events, gap


def plot(result, site, events, gap, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = np.array(result["counts"])
    fig, ax = plt.subplots(1, 3, figsize=(14, 4.2))
    colours = {"clustered": "C3", "dispersed": "C0", "clustered_apv": "0.5"}
    top = 0
    for label, r in result["cells"].items():
        ax[0].plot(r["linear_mV"], r["soma_mV"], "o-", ms=4, color=colours.get(label),
                   label=label.replace("_apv", " + APV"))
        ax[2].plot(counts, r["site_mV"], "o-", ms=4, color=colours.get(label))
        top = max(top, max(r["linear_mV"]), max(r["soma_mV"]))
    ax[0].plot([0, top], [0, top], "k:", lw=1, label="linear sum")
    ax[0].set(xlabel="expected EPSP: n x unitary (mV)", ylabel="measured somatic EPSP (mV)",
              title="somatic input-output")
    ax[0].legend(frameon=False, fontsize=8)
    rec, v = site
    cmap = plt.get_cmap("viridis")
    for i, (t, n) in enumerate(events):
        a = int(round((t - rec.get("t0_ms", 0.0)) / rec["interval_ms"]))
        b = min(len(v), a + int(round(min(gap, 300.0) / rec["interval_ms"])))
        tt = np.arange(b - a) * rec["interval_ms"]
        ax[1].plot(tt, v[a:b, 0], color=cmap(i / max(1, len(events) - 1)), lw=1)
    ax[1].set(xlabel="time after the volley (ms)", ylabel=f"{result['site']} of the clustered "
              "cell (mV)", title=f"branch site: n = {counts[0]}..{counts[-1]} synapses")
    ax[2].set(xlabel="co-active synapses", ylabel="peak depolarisation at the site (mV)",
              title="local response at the clustered site")
    fig.tight_layout()
    save_atomic(fig, path)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--labels", help="comma-separated cell labels (default: "
                    + ",".join(DEFAULT_LABELS) + ")")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args(argv)
    try:
        labels = args.labels.split(",") if args.labels else None
        result, _, site, events, gap = analyse(args.run_dir, labels)
    except InputError as e:
        print(f"dendritic_integration: error: {e}", file=sys.stderr)
        return 2
    cells = result["cells"]
    print("synapses  " + "  ".join(f"{k:>22}" for k in cells))
    print("          " + "  ".join(f"{'soma mV (x linear)':>22}" for _ in cells))
    for i, n in enumerate(result["counts"]):
        row = [f"{c['soma_mV'][i]:7.2f} ({c['ratio'][i]:4.2f}x)" for c in cells.values()]
        print(f"{n:8d}  " + "  ".join(f"{r:>22}" for r in row))
    for label, c in cells.items():
        a, b = c["largest_step_between"]
        print(f"{label}: largest step {c['largest_step']:.2f} x the linear step ({a} -> {b} "
              f"synapses); site peak {c['site_mV'][-1]:.1f} mV at {result['counts'][-1]}")
    with open(os.path.join(args.run_dir, "dendritic_integration.json"), "w") as f:
        json.dump(result, f, indent=1)
    if not args.no_plot:
        path = os.path.join(args.run_dir, "dendritic_integration.png")
        plot(result, site, events, gap, path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
