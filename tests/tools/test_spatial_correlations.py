#!/usr/bin/python3
"""Tests for tools/spatial_correlations.py on synthetic run directories with a known answer.

    /usr/bin/python3 tests/tools/test_spatial_correlations.py

Three clusters of neurons on a line: A (x = 100 um) and B (x = 600 um) share a window-by-
window signal z = +-1 with opposite signs, C (x = 1500 um) has its own. A neuron's count in
a window is Poisson(lam + a s z) with s = +1 (A, C) or -1 (B), so the count correlation is
+a^2 / (lam + a^2) inside a cluster (distances < 60 um), -a^2 / (lam + a^2) between A and B
(~500 um) and 0 between C and the others (>= 900 um).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tools", "spatial_correlations.py")
SPIKE_DTYPE = np.dtype([("t_ms", "<f8"), ("neuron", "<u4")])
LAM, A = 5.0, 2.0
RHO = A * A / (LAM + A * A)  # 4/9


def make_run(root, periodic=False, windows=400, window=250.0, burn=500.0, per_cluster=60):
    run = os.path.join(root, "run")
    os.makedirs(os.path.join(run, "spikes"))
    os.makedirs(os.path.join(run, "positions"))
    rng = np.random.default_rng(7)
    centres = [100.0, 600.0, 1500.0]
    pos = []
    for c in centres:
        x = c + rng.uniform(-25, 25, per_cluster)
        y = 100 + rng.uniform(-25, 25, per_cluster)
        pos.append(np.stack([x, y, np.zeros(per_cluster)], axis=1))
    pos = np.concatenate(pos)
    n = len(pos)
    cluster = np.repeat([0, 1, 2], per_cluster)
    sign = np.where(cluster == 1, -1.0, 1.0)
    duration = burn + windows * window
    times, ids = [], []
    # the burn-in holds a burst that must be left out
    times.append(rng.uniform(0, burn, 20 * n))
    ids.append(np.tile(np.arange(n), 20))
    # the four sign combinations of (z_ab, z_c) in every block of 4 windows, so that the two
    # signals are exactly uncorrelated over the run (independent draws would leave a sample
    # correlation of order 1 / sqrt(windows) that every A-C pair shares)
    combos = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    signals = np.concatenate([rng.permutation(combos) for _ in range(windows // 4)])
    for w in range(windows):
        z_ab, z_c = signals[w]
        z = np.where(cluster == 2, z_c, z_ab)
        k = rng.poisson(LAM + A * sign * z)
        t0 = burn + w * window
        times.append(t0 + rng.uniform(0, window, k.sum()))
        ids.append(np.repeat(np.arange(n), k))
    t = np.concatenate(times)
    order = np.argsort(t, kind="stable")
    spikes = np.empty(len(t), dtype=SPIKE_DTYPE)
    spikes["t_ms"] = t[order]
    spikes["neuron"] = np.concatenate(ids)[order]
    np.save(os.path.join(run, "spikes", "e.npy"), spikes)
    np.save(os.path.join(run, "positions", "e.npy"), pos)
    with open(os.path.join(run, "model.toml"), "w") as f:
        f.write(f"""[model]
name = "synthetic"
[protocol]
duration = "{duration / 1000:g} s"
[[population]]
name = "e"
size = {n}
model = "lif_psc_exp"
space = {{ layout = "random", extent = ["2 mm", "200 um"], periodic = {str(periodic).lower()} }}
""")
    summary = {"populations": [{"name": "e", "size": n, "spikes_file": "spikes/e.npy",
                                "recorded_neurons": n}]}
    with open(os.path.join(run, "summary.json"), "w") as f:
        json.dump(summary, f)
    return run, burn


def run_tool(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=120)


def read_csv(path):
    rows = np.genfromtxt(path, delimiter=",", names=True)
    return rows


class SpatialCorrelations(unittest.TestCase):
    def test_known_correlations_by_distance(self):
        with tempfile.TemporaryDirectory() as tmp:
            run, burn = make_run(tmp)
            r = run_tool(run, "--burn-in", str(burn), "--bin", "100", "--max-distance", "2000",
                         "--min-rate", "0", "--expect", "e=20")
            self.assertEqual(r.returncode, 0, r.stderr)
            # rate after the burn-in: lam spikes per 250 ms window = 20 Hz
            rate = float(r.stdout.split("e: ")[1].split(" Hz")[0])
            self.assertAlmostEqual(rate, 20.0, delta=0.2)
            self.assertIn("balanced limit 20.00 Hz", r.stdout)
            rows = read_csv(os.path.join(run, "spatial_correlations.csv"))
            self.assertTrue(os.path.getsize(os.path.join(run, "spatial_correlations.png")) > 0)
            mean = {int(lo): (m, p) for lo, m, p in
                    zip(rows["distance_lo_um"], rows["mean_corr"], rows["pairs"])}
            # the finite-sample estimate of a correlation is biased by O(1/windows); 400
            # windows: tolerance 0.04 around the exact values
            self.assertAlmostEqual(mean[0][0], RHO, delta=0.04)          # inside clusters
            self.assertAlmostEqual(mean[500][0], -RHO, delta=0.04)       # A-B, ~500 um
            self.assertAlmostEqual(mean[900][0], 0.0, delta=0.02)        # B-C, ~900 um
            self.assertAlmostEqual(mean[1400][0], 0.0, delta=0.02)       # A-C, ~1400 um
            # each pair once: 3 clusters of 60 -> 3 * 60 * 59 / 2 pairs inside clusters
            self.assertEqual(int(mean[0][1]), 3 * 60 * 59 // 2)
            self.assertEqual(int(mean[200][1]), 0)

    def test_periodic_distances_wrap(self):
        # on a periodic 2 mm axis, A (100 um) and C (1500 um) are 600 um apart, not 1400
        with tempfile.TemporaryDirectory() as tmp:
            run, burn = make_run(tmp, periodic=True, windows=100)
            r = run_tool(run, "--burn-in", str(burn), "--bin", "100", "--max-distance", "2000",
                         "--min-rate", "0", "--out", os.path.join(tmp, "wrapped"))
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = read_csv(os.path.join(tmp, "wrapped.csv"))
            pairs = {int(lo): int(p) for lo, p in zip(rows["distance_lo_um"], rows["pairs"])}
            self.assertEqual(pairs.get(1300, 0) + pairs.get(1400, 0), 0)
            # A-B (~500 um) and A-C (now ~600 um): 2 x 60 x 60 pairs between 400 and 700 um
            self.assertEqual(pairs[400] + pairs[500] + pairs[600], 2 * 60 * 60)

    def test_bad_input_exits_2_with_a_message(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run_tool(os.path.join(tmp, "nothing"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("expected an engram run directory", r.stderr)
            run, burn = make_run(tmp, windows=12)
            r = run_tool(run, "--population", "i")
            self.assertEqual(r.returncode, 2)
            self.assertIn("no population named 'i'", r.stderr)
            r = run_tool(run, "--burn-in", "10000")
            self.assertEqual(r.returncode, 2)
            self.assertIn("need at least 3", r.stderr)


if __name__ == "__main__":
    unittest.main()
