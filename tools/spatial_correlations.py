#!/usr/bin/python3
"""Spike-count correlations against distance, as Rosenbaum et al. (2017) Fig. 3 and 4.

    /usr/bin/python3 tools/spatial_correlations.py RUN_DIR [--population e] [--window 250]
        [--burn-in 2000] [--sample 5000] [--min-rate 1] [--bin 25] [--max-distance 600]
        [--expect e=3.59,i=5.65] [--seed 1] [--out PREFIX]

Reads RUN_DIR/spikes/<population>.npy, RUN_DIR/positions/<population>.npy and the
population's `space` (extent, periodic) from RUN_DIR/model.toml. As the authors'
MakeFigure4.m: spikes after the burn-in are counted in consecutive windows (250 ms), neurons
with a rate of at least --min-rate (1 Hz) are kept, --sample of them (5000) are drawn at
random, the Pearson correlation of the counts of every pair is binned by the pair's
distance (periodic when the layer is; bins of 25 um = 0.025 of the 1 mm square) and each
bin's mean and standard error are written to PREFIX.csv and plotted to PREFIX.png
(default PREFIX: RUN_DIR/spatial_correlations). Prints the mean rates after the burn-in
of every recorded population (against --expect, by default the balanced-limit rates of
the Fig. 4 network, r_e = 3.59 Hz and r_i = 5.65 Hz, when the model is a rosenbaum_2017
one) and the mean correlation at short, intermediate and long distances.
Bad input exits with status 2 and a one-line message on stderr.
"""
import argparse
import json
import os
import sys
import tomllib

import numpy as np
import matplotlib

matplotlib.use("Agg")  # headless: must be chosen before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402

LENGTH_UNITS = {"nm": 1e-3, "um": 1.0, "µm": 1.0, "mm": 1e3, "cm": 1e4, "m": 1e6}
ROSENBAUM_RATES = {"e": 3.59, "i": 5.65}  # Hz, VALIDATION.md section 13 (Fig. 4 parameters)


class InputError(Exception):
    """Problem with the run directory or the options; one line, exit code 2."""


def length_um(value, where):
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        parts = value.split()
        if len(parts) == 2 and parts[1] in LENGTH_UNITS:
            try:
                return float(parts[0]) * LENGTH_UNITS[parts[1]]
            except ValueError:
                pass
    raise InputError(f"{where}: expected a length such as \"1 mm\", got {value!r}")


def load_space(run_dir, population):
    """(extent per axis in um, periodic) of a population from the model as run."""
    path = os.path.join(run_dir, "model.toml")
    try:
        with open(path, "rb") as f:
            model = tomllib.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: expected the model as run in the run directory") from None
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: expected valid TOML ({e})") from None
    for pop in model.get("population", []):
        if pop.get("name") == population:
            space = pop.get("space")
            if not isinstance(space, dict) or "extent" not in space:
                raise InputError(f"{path}: population '{population}' is not placed in space")
            extent = [length_um(v, f"{path}: population.{population}.space.extent")
                      for v in space["extent"]]
            return np.array(extent), bool(space.get("periodic", False)), model
    raise InputError(f"{path}: no population named '{population}'")


def load_run(run_dir):
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


def load_npy(path, what):
    if not os.path.isfile(path):
        raise InputError(f"{path}: expected {what}")
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: expected a readable .npy file ({e})") from None


def duration_ms(summary, model):
    for key in ("duration_ms", "simulated_ms"):
        if isinstance(summary.get(key), (int, float)):
            return float(summary[key])
    value = model.get("protocol", {}).get("duration")
    if isinstance(value, str) and len(value.split()) == 2:
        number, unit = value.split()
        scale = {"ms": 1.0, "s": 1e3, "min": 6e4}.get(unit)
        if scale:
            return float(number) * scale
    if isinstance(value, (int, float)):
        return float(value)
    raise InputError("model.toml: cannot tell the duration of the run (protocol.duration)")


def periodic_distances(xa, xb, extent, periodic):
    """Distances (um) between every row of xa and every row of xb."""
    d2 = np.zeros((len(xa), len(xb)))
    for k in range(xa.shape[1]):
        d = np.abs(xa[:, None, k] - xb[None, :, k])
        if periodic and k < len(extent) and extent[k] > 0:
            d = np.minimum(d, extent[k] - d)
        d2 += d * d
    return np.sqrt(d2)


def count_matrix(spikes, n, t0, window, n_windows):
    """Spike counts, windows x neurons, of the windows [t0 + k window, t0 + (k+1) window)."""
    t = spikes["t_ms"]
    keep = (t >= t0) & (t < t0 + n_windows * window)
    w = ((t[keep] - t0) // window).astype(np.int64)
    counts = np.zeros((n_windows, n))
    np.add.at(counts, (w, spikes["neuron"][keep].astype(np.int64)), 1)
    return counts


def binned_correlations(counts, pos, extent, periodic, edges, block=500):
    """Per distance bin: number of pairs, sum and sum of squares of the pairs' correlations.

    Counts are z-scored per neuron, so a block of rows of the correlation matrix is one
    matrix product; only pairs i < j are taken (each once), as the authors' lower triangle.
    """
    t, n = counts.shape
    z = counts - counts.mean(axis=0)
    sd = np.sqrt((z * z).sum(axis=0))
    z = z / sd
    nb = len(edges) - 1
    pairs, s1, s2 = np.zeros(nb), np.zeros(nb), np.zeros(nb)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        c = z[:, lo:hi].T @ z  # (hi - lo) x n correlations
        d = periodic_distances(pos[lo:hi], pos, extent, periodic)
        upper = np.arange(n)[None, :] > np.arange(lo, hi)[:, None]
        b = np.searchsorted(edges, d[upper], side="right") - 1
        cv = c[upper]
        ok = (b >= 0) & (b < nb) & np.isfinite(cv)
        pairs += np.bincount(b[ok], minlength=nb)
        s1 += np.bincount(b[ok], weights=cv[ok], minlength=nb)
        s2 += np.bincount(b[ok], weights=cv[ok] ** 2, minlength=nb)
    return pairs, s1, s2


def parse_expect(text):
    out = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, _, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--expect: expected NAME=RATE_HZ pairs, got {item!r}") from None
    return out


def analyse(a):
    summary = load_run(a.run_dir)
    extent, periodic, model = load_space(a.run_dir, a.population)
    total = duration_ms(summary, model)
    if a.window <= 0:
        raise InputError(f"--window: must be > 0 ms, got {a.window:g}")
    n_windows = int((total - a.burn_in) // a.window)
    if n_windows < 3:
        raise InputError(f"{a.run_dir}: {total:g} ms leaves {max(n_windows, 0)} windows of "
                         f"{a.window:g} ms after the {a.burn_in:g} ms burn-in; need at least 3")
    span_s = n_windows * a.window / 1000.0

    # rates of every recorded population after the burn-in
    name = model.get("model", {}).get("name", "")
    expect = parse_expect(a.expect) if a.expect is not None else (
        ROSENBAUM_RATES if str(name).startswith("rosenbaum_2017") else {})
    rates = {}
    for pop in summary.get("populations", []):
        rel = pop.get("spikes_file")
        if not rel:
            continue
        s = load_npy(os.path.join(a.run_dir, rel), "a spike file")
        n = pop.get("recorded_neurons") or pop.get("size")
        t = s["t_ms"]
        rates[pop["name"]] = np.count_nonzero((t >= a.burn_in) & (t < a.burn_in + span_s * 1e3)) \
            / (n * span_s)
    print(f"mean rates after the {a.burn_in:g} ms burn-in ({span_s:g} s):")
    for pop, r in rates.items():
        line = f"  {pop}: {r:.3f} Hz"
        if pop in expect:
            line += f" (balanced limit {expect[pop]:.2f} Hz, {100 * (r / expect[pop] - 1):+.0f} %)"
        print(line)

    spikes = load_npy(os.path.join(a.run_dir, "spikes", f"{a.population}.npy"),
                      f"the spikes of population '{a.population}' (record them)")
    pos = load_npy(os.path.join(a.run_dir, "positions", f"{a.population}.npy"),
                   f"the positions of population '{a.population}'")
    n = len(pos)
    counts = count_matrix(spikes, n, a.burn_in, a.window, n_windows)
    good = np.flatnonzero(counts.mean(axis=0) / (a.window / 1000.0) >= a.min_rate)
    good = good[counts[:, good].std(axis=0) > 0]
    if len(good) < 2:
        raise InputError(f"population '{a.population}': fewer than 2 neurons fire at "
                         f">= {a.min_rate:g} Hz after the burn-in")
    rng = np.random.default_rng(a.seed)
    chosen = np.sort(rng.choice(good, size=min(a.sample, len(good)), replace=False))
    edges = np.arange(0.0, a.max_distance + 0.5 * a.bin, a.bin)
    pairs, s1, s2 = binned_correlations(counts[:, chosen], pos[chosen], extent, periodic, edges)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / pairs
        sem = np.sqrt(np.maximum(s2 / pairs - mean ** 2, 0) / np.maximum(pairs - 1, 1))
    overall = s1.sum() / pairs.sum()

    prefix = a.out or os.path.join(a.run_dir, "spatial_correlations")
    with open(prefix + ".csv", "w", encoding="utf-8") as f:
        f.write("distance_lo_um,distance_hi_um,distance_mid_um,pairs,mean_corr,sem\n")
        for k in range(len(pairs)):
            f.write(f"{edges[k]:g},{edges[k + 1]:g},{0.5 * (edges[k] + edges[k + 1]):g},"
                    f"{int(pairs[k])},{mean[k]:.6g},{sem[k]:.3g}\n")
    print(f"spike-count correlations of {len(chosen)} '{a.population}' neurons "
          f"({len(good)} fire at >= {a.min_rate:g} Hz), {n_windows} windows of {a.window:g} ms; "
          f"mean over all pairs {overall:.5f}")
    print("  distance (um)   pairs      mean corr    s.e.")
    for k in range(len(pairs)):
        if pairs[k] > 0:
            print(f"  {edges[k]:5.0f}-{edges[k + 1]:<5.0f}  {int(pairs[k]):9d}  {mean[k]:+.5f}  "
                  f"{sem[k]:.5f}")

    mid = 0.5 * (edges[:-1] + edges[1:])
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ok = pairs > 1
    ax.axhline(0, color="0.8", lw=1)
    ax.axhline(overall, color="0.5", ls="--", lw=1.2, label=f"all pairs {overall:.4f}")
    ax.errorbar(mid[ok], mean[ok], yerr=sem[ok], color="k", lw=1.5, capsize=2, label="mean ± s.e.")
    ax.set_xlabel("distance (µm)" + (" (periodic)" if periodic else ""))
    ax.set_ylabel("spike-count correlation")
    ax.set_title(f"{name or os.path.basename(os.path.normpath(a.run_dir))}: "
                 f"'{a.population}', {a.window:g} ms windows", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=120)
    plt.close(fig)
    print(f"wrote {prefix}.csv and {prefix}.png")
    return rates, edges, pairs, mean, sem


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--population", default="e")
    ap.add_argument("--window", type=float, default=250.0, help="counting window, ms")
    ap.add_argument("--burn-in", type=float, default=2000.0, help="ms left out at the start")
    ap.add_argument("--sample", type=int, default=5000, help="neurons drawn at random")
    ap.add_argument("--min-rate", type=float, default=1.0, help="Hz; slower neurons are left out")
    ap.add_argument("--bin", type=float, default=25.0, help="distance bin, um")
    ap.add_argument("--max-distance", type=float, default=600.0, help="um")
    ap.add_argument("--expect", default=None, help="rates to compare with, e.g. e=3.59,i=5.65")
    ap.add_argument("--seed", type=int, default=1, help="for the sample of neurons")
    ap.add_argument("--out", default=None, help="output prefix (PREFIX.csv, PREFIX.png)")
    a = ap.parse_args(argv)
    try:
        analyse(a)
    except InputError as e:
        print(f"spatial_correlations.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
