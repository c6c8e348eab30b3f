#!/usr/bin/python3
"""Turn an engram run directory into PNG plots.

    /usr/bin/python3 tools/plot_run.py RUN_DIR [--max-neurons 200]

Writes RUN_DIR/raster.png (spike raster + population rates) and
RUN_DIR/traces.png (recorded state variables), printing each path written.
Bad input exits with status 2 and a one-line message on stderr.
"""
import argparse
import json
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")  # headless: must be chosen before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402

MAX_TRACES_PER_PANEL = 8   # more lines than this make a panel unreadable
RATE_BINS = 200            # rate resolution: enough detail, still smooth


class InputError(Exception):
    """Problem with the run directory; reported as one line, exit code 2."""


def field(obj, key, where):
    # summary.json is machine-written, so a missing key means an engine bug or
    # a truncated file; name it rather than dying with a KeyError traceback.
    if not isinstance(obj, dict) or key not in obj:
        raise InputError(f"{where}: expected field '{key}'")
    return obj[key]


def load_summary(run_dir):
    if not os.path.isdir(run_dir):
        raise InputError(f"{run_dir}: expected an engram run directory")
    path = os.path.join(run_dir, "summary.json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: expected summary.json in the run directory") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: expected valid JSON ({e})") from None


def load_npy(run_dir, rel, what):
    path = os.path.join(run_dir, rel)
    if not os.path.isfile(path):
        raise InputError(f"{path}: expected {what} (listed in summary.json) but the file is missing")
    try:
        return np.load(path, allow_pickle=False), path
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: expected a readable .npy file ({e})") from None


def load_spike_sets(run_dir, summary):
    """[(population dict, spike array)] for every population with a spike file."""
    sets = []
    where = os.path.join(run_dir, "summary.json")
    for i, pop in enumerate(field(summary, "populations", where)):
        where = os.path.join(run_dir, f"summary.json populations[{i}]")
        name = field(pop, "name", where)
        rel = pop.get("spikes_file")
        if not rel:
            continue  # spikes not recorded for this population: nothing to draw
        spikes, path = load_npy(run_dir, rel, f"spikes of population '{name}'")
        if spikes.dtype.names is None or not {"t_ms", "neuron"} <= set(spikes.dtype.names):
            raise InputError(f"{path}: expected a structured array with fields t_ms, neuron")
        sets.append((pop, spikes))
    return sets


def load_traces(run_dir, summary):
    """[(recording dict, 2-D samples x neurons array)] for every recording."""
    traces = []
    for i, rec in enumerate(summary.get("recordings") or []):
        if "projection" in rec:
            continue  # weights: load_weights
        where = os.path.join(run_dir, f"summary.json recordings[{i}]")
        data, path = load_npy(run_dir, field(rec, "file", where), "a trace array")
        if data.ndim == 1:
            data = data[:, None]  # a single recorded neuron may come out flat
        neurons = rec.get("neurons")
        if data.ndim != 2 or (neurons is not None and len(neurons) != data.shape[1]):
            raise InputError(f"{path}: expected shape (samples, {len(neurons or [])}), got {data.shape}")
        traces.append((rec, data))
    return traces


def load_weights(run_dir, summary):
    """[(recording dict, 2-D samples x synapses array)] for every weight recording."""
    out = []
    for i, rec in enumerate(summary.get("recordings") or []):
        if "projection" not in rec:
            continue
        where = os.path.join(run_dir, f"summary.json recordings[{i}]")
        data, path = load_npy(run_dir, field(rec, "file", where), "a weight array")
        if data.ndim != 2:
            raise InputError(f"{path}: expected shape (samples, synapses), got {data.shape}")
        out.append((rec, data))
    return out


def plot_weights(summary, weights, out_path):
    """Per weight recording: the histogram at the first and last sample, and the mean
    (with its standard deviation and a few single synapses) over time."""
    fig, axes = plt.subplots(len(weights), 2, figsize=(11, 2.8 * len(weights) + 0.8),
                             squeeze=False)
    for (ax_h, ax_t), (rec, data) in zip(axes, weights):
        unit = rec.get("unit") or ""
        name = rec.get("projection", "?")
        if data.shape[0] == 0 or data.shape[1] == 0:
            ax_h.set_title(f"{name}: no samples", fontsize="medium", loc="left")
            continue
        lo, hi = float(np.min(data)), float(np.max(data))
        if hi <= lo:
            hi = lo + 1.0
        bins = np.linspace(lo, hi, 41)
        t0 = float(rec.get("t0_ms") or 0.0)
        interval = float(rec.get("interval_ms") or 1.0)
        t = t0 + interval * np.arange(data.shape[0])
        ax_h.hist(data[0], bins=bins, alpha=0.5, label=f"t = {t[0]:g} ms")
        ax_h.hist(data[-1], bins=bins, alpha=0.6, label=f"t = {t[-1]:g} ms")
        ax_h.set_xlabel(f"weight ({unit})" if unit else "weight")
        ax_h.set_ylabel("synapses")
        ax_h.set_title(f"{name}: {data.shape[1]} synapses", fontsize="medium", loc="left")
        ax_h.legend(fontsize="x-small", frameon=False)
        mean, sd = data.mean(axis=1), data.std(axis=1)
        # recordings over hours (consolidation) read better in hours; shorter ones keep ms
        hours = t[-1] > 2 * 3.6e6
        tt = t / 3.6e6 if hours else t
        for j in range(min(data.shape[1], 5)):
            ax_t.plot(tt, data[:, j], lw=0.6, alpha=0.6)
        ax_t.plot(tt, mean, color="k", lw=1.6, label="mean")
        ax_t.fill_between(tt, mean - sd, mean + sd, color="k", alpha=0.15, label="± sd")
        ax_t.set_xlabel("time (h)" if hours else "time (ms)")
        ax_t.set_ylabel(f"weight ({unit})" if unit else "weight")
        ax_t.legend(fontsize="x-small", frameon=False)
        for ax in (ax_h, ax_t):
            ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title(summary))
    fig.tight_layout()
    return save_atomic(fig, out_path)


def save_atomic(fig, path):
    # Render to a sibling temp file and rename: a viewer or a crash never sees
    # a half-written PNG, and rename within one directory is atomic.
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fig.savefig(tmp, format="png", dpi=120)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def plot_raster(summary, spike_sets, max_neurons, out_path):
    duration = float(summary.get("duration_ms") or 0.0)
    dt = float(summary.get("dt_ms") or 0.1)
    if duration <= 0:  # no duration given: fall back to the last spike seen
        duration = max((s["t_ms"].max() for _, s in spike_sets if len(s)), default=1.0)
    bin_ms = max(dt, duration / RATE_BINS)
    edges = np.arange(0.0, duration + bin_ms, bin_ms)

    fig, (ax_r, ax_f) = plt.subplots(2, 1, figsize=(11, 7), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 1]})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    offset, ticks, labels = 0, [], []
    for k, (pop, spikes) in enumerate(spike_sets):
        colour = colours[k % len(colours)]
        n_rec = int(pop.get("recorded_neurons") or pop.get("size") or 0)
        if n_rec <= 0:  # unknown coverage: infer it from the indices present
            n_rec = int(spikes["neuron"].max()) + 1 if len(spikes) else 1
        shown = min(n_rec, max_neurons)
        keep = spikes["neuron"] < shown
        ax_r.scatter(spikes["t_ms"][keep], spikes["neuron"][keep] + offset,
                     s=3, marker=".", linewidths=0, color=colour, rasterized=True)
        ticks.append(offset + shown / 2)
        labels.append(pop["name"])
        offset += shown
        if k < len(spike_sets) - 1:
            ax_r.axhline(offset - 0.5, color="0.8", lw=0.8)

        # Rate uses every recorded neuron, not just the ones drawn above.
        counts, _ = np.histogram(spikes["t_ms"], bins=edges)
        rate = counts / (n_rec * bin_ms * 1e-3)
        ax_f.plot(edges[:-1] + bin_ms / 2, rate, color=colour, lw=1.2, label=pop["name"])

    ax_r.set_ylim(offset - 0.5, -0.5)  # first population at the top
    ax_r.set_yticks(ticks, labels)
    ax_r.set_ylabel("neuron")
    ax_f.set_xlim(0, duration)
    ax_f.set_xlabel("time (ms)")
    ax_f.set_ylabel("rate (Hz)")
    ax_f.legend(loc="upper right", fontsize="small", frameon=False)
    for ax in (ax_r, ax_f):
        ax.spines[["top", "right"]].set_visible(False)
    ax_r.set_title(title(summary))
    fig.tight_layout()
    return save_atomic(fig, out_path)


def plot_traces(summary, traces, out_path):
    fig, axes = plt.subplots(len(traces), 1, figsize=(11, 2.4 * len(traces) + 0.8),
                             squeeze=False)
    for ax, (rec, data) in zip(axes[:, 0], traces):
        t0 = float(rec.get("t0_ms") or 0.0)
        interval = float(rec.get("interval_ms") or summary.get("dt_ms") or 1.0)
        t = t0 + interval * np.arange(data.shape[0])
        neurons = rec.get("neurons") or list(range(data.shape[1]))
        for j in range(min(data.shape[1], MAX_TRACES_PER_PANEL)):
            ax.plot(t, data[:, j], lw=0.9, label=str(neurons[j]))
        unit = rec.get("unit") or ""
        var = rec.get("variable", "value")
        ax.set_ylabel(f"{var} ({unit})" if unit else var)
        ax.set_title(f"{rec.get('population', '?')}.{var}", fontsize="medium", loc="left")
        ax.margins(x=0)
        # Legend outside the axes so it never hides the traces themselves.
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="x-small",
                  frameon=False, title="neuron", title_fontsize="x-small")
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xlabel("time (ms)")
    fig.suptitle(title(summary))
    fig.tight_layout()
    return save_atomic(fig, out_path)


def duration_text(ms):
    """A run's length in the unit a reader expects: 500 ms, 2.5 s, 30 min, 8 h."""
    if not isinstance(ms, (int, float)):
        return "?"
    for unit, size in (("h", 3.6e6), ("min", 6e4), ("s", 1e3)):
        if ms >= size:
            return f"{ms / size:g} {unit}"
    return f"{ms:g} ms"


def title(summary):
    model = summary.get("model")
    name = model.get("name", "?") if isinstance(model, dict) else "?"
    return f"{name}: {duration_text(summary.get('duration_ms'))}, seed {summary.get('seed', '?')}"


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plot an engram run directory to PNG files.")
    ap.add_argument("run_dir", help="directory holding summary.json, spikes/, traces/")
    ap.add_argument("--max-neurons", type=positive_int, default=200,
                    help="neurons per population shown in the raster (default 200)")
    args = ap.parse_args(argv)

    try:
        summary = load_summary(args.run_dir)
        if not isinstance(summary, dict):
            raise InputError(f"{os.path.join(args.run_dir, 'summary.json')}: expected a JSON object")
        # Load and check everything before drawing, so bad input writes nothing.
        spike_sets = load_spike_sets(args.run_dir, summary)
        traces = load_traces(args.run_dir, summary)
        weights = load_weights(args.run_dir, summary)
    except InputError as e:
        print(f"plot_run: error: {e}", file=sys.stderr)
        return 2

    # Notes go to stderr so stdout stays a clean list of written files.
    if spike_sets:
        print(plot_raster(summary, spike_sets, args.max_neurons,
                          os.path.join(args.run_dir, "raster.png")))
    else:
        print("plot_run: no population has recorded spikes; raster.png not written",
              file=sys.stderr)
    if traces:
        print(plot_traces(summary, traces, os.path.join(args.run_dir, "traces.png")))
    else:
        print("plot_run: no recordings; traces.png not written", file=sys.stderr)
    if weights:
        print(plot_weights(summary, weights, os.path.join(args.run_dir, "weights.png")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
