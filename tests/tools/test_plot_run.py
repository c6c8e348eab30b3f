#!/usr/bin/python3
"""Tests for tools/plot_run.py against synthetic run directories.

    /usr/bin/python3 tests/tools/test_plot_run.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "tools", "plot_run.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SPIKE_DTYPE = np.dtype([("t_ms", "<f8"), ("neuron", "<u4")])


def run_plot(*args):
    return subprocess.run([sys.executable, SCRIPT, *args],
                          capture_output=True, text=True, timeout=120)


def poisson_spikes(rng, n, rate_hz, duration_ms):
    count = rng.poisson(n * rate_hz * duration_ms * 1e-3)
    spikes = np.empty(count, dtype=SPIKE_DTYPE)
    spikes["t_ms"] = np.sort(rng.uniform(0, duration_ms, count))
    spikes["neuron"] = rng.integers(0, n, count)
    return spikes


def make_run(root, spikes=True, recordings=True):
    """Write a run directory shaped like the engine's output; return its path."""
    run = os.path.join(root, "run")
    os.makedirs(os.path.join(run, "spikes"))
    os.makedirs(os.path.join(run, "traces"))
    rng = np.random.default_rng(1)
    dt, duration = 0.1, 500.0
    pops = []
    for name, model, size, rate in [("exc", "lif_psc_delta", 400, 12.0),
                                    ("inh", "lif_psc_delta", 100, 30.0),
                                    ("ext", "poisson_source", 50, 5.0)]:
        rel = None
        if spikes and name != "ext":  # a population without spikes must be skipped
            rel = f"spikes/{name}.npy"
            np.save(os.path.join(run, rel), poisson_spikes(rng, size, rate, duration))
        pops.append({"name": name, "model": model, "size": size, "spike_count": 0,
                     "rate_hz": rate, "cv_isi": 1.0, "spikes_file": rel,
                     "recorded_neurons": size if rel else 0})
    recs = []
    if recordings:
        samples = int(duration / dt) + 1
        t = np.arange(samples) * dt
        v = -65 + 10 * np.sin(t[:, None] / 20.0 + np.arange(3)[None, :])
        np.save(os.path.join(run, "traces/exc.v.npy"), v.astype("<f8"))
        recs.append({"population": "exc", "variable": "v", "unit": "mV",
                     "neurons": [0, 5, 9], "t0_ms": 0.0, "interval_ms": dt,
                     "samples": samples, "file": "traces/exc.v.npy"})
        # More neurons than one panel draws (8), sampled more coarsely.
        current = rng.normal(0, 50, (samples // 10 + 1, 12))
        np.save(os.path.join(run, "traces/inh.I_syn.npy"), current)
        recs.append({"population": "inh", "variable": "I_syn", "unit": "pA",
                     "neurons": list(range(12)), "t0_ms": 0.0, "interval_ms": 10 * dt,
                     "samples": current.shape[0], "file": "traces/inh.I_syn.npy"})
    summary = {"engram_version": "0.1.0",
               "model": {"name": "synthetic", "file": "x.toml", "hash": "0"},
               "seed": 42, "dt_ms": dt, "duration_ms": duration,
               "timing": {"build_s": 0.0, "sim_s": 0.0, "real_time_factor": 0.0},
               "populations": pops, "recordings": recs}
    with open(os.path.join(run, "summary.json"), "w") as f:
        json.dump(summary, f)
    return run


class PlotRunTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def assert_png(self, path):
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), PNG_MAGIC, path)
        self.assertGreater(os.path.getsize(path), 10_000, path)

    def assert_no_temp_files(self, run):
        leftovers = [n for n in os.listdir(run) if n.endswith(".tmp")]
        self.assertEqual(leftovers, [])

    def assert_input_error(self, result, path):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(path, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_full_run_writes_both_plots(self):
        run = make_run(self.tmp)
        result = run_plot(run, "--max-neurons", "150")
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = [os.path.join(run, "raster.png"), os.path.join(run, "traces.png")]
        self.assertEqual(result.stdout.split(), expected)
        for path in expected:
            self.assert_png(path)
        self.assert_no_temp_files(run)
        if os.environ.get("KEEP_PLOTS"):  # for eyeballing the output
            for path in expected:
                os.replace(path, os.path.join(os.environ["KEEP_PLOTS"], os.path.basename(path)))

    def add_weights(self, run, shape=(6, 300)):
        os.makedirs(os.path.join(run, "weights"), exist_ok=True)
        w = np.random.default_rng(2).uniform(0, 12, shape).astype("<f4")
        np.save(os.path.join(run, "weights/exc-to-exc.npy"), w)
        with open(os.path.join(run, "summary.json")) as f:
            summary = json.load(f)
        summary["recordings"].append({"projection": "exc->exc", "variable": "weight", "unit": "nS",
                                      "synapses": shape[1], "t0_ms": 0.0, "interval_ms": 100.0,
                                      "samples": shape[0], "file": "weights/exc-to-exc.npy"})
        with open(os.path.join(run, "summary.json"), "w") as f:
            json.dump(summary, f)

    def test_weight_recordings_get_their_own_plot(self):
        run = make_run(self.tmp)
        self.add_weights(run)
        result = run_plot(run)
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = [os.path.join(run, n) for n in ("raster.png", "traces.png", "weights.png")]
        self.assertEqual(result.stdout.split(), expected)
        for path in expected:
            self.assert_png(path)
        self.assert_no_temp_files(run)

    def test_bad_weight_array(self):
        run = make_run(self.tmp)
        self.add_weights(run)
        np.save(os.path.join(run, "weights/exc-to-exc.npy"), np.zeros(5))
        result = run_plot(run)
        self.assert_input_error(result, "exc-to-exc.npy")
        self.assertFalse(os.path.exists(os.path.join(run, "raster.png")))

    def test_nothing_recorded_writes_nothing(self):
        run = make_run(self.tmp, spikes=False, recordings=False)
        result = run_plot(run)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "")
        self.assertIn("raster.png not written", result.stderr)
        self.assertEqual([n for n in os.listdir(run) if n.endswith(".png")], [])
        self.assert_no_temp_files(run)

    def test_titles_give_the_duration_in_a_readable_unit(self):
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        import plot_run
        for ms, text in ((500.0, "500 ms"), (2500.0, "2.5 s"), (1.8e6, "30 min"),
                         (2.88e7, "8 h"), (None, "?")):
            self.assertEqual(plot_run.duration_text(ms), text)
        self.assertEqual(plot_run.title({"model": {"name": "x"}, "duration_ms": 2.88e7,
                                         "seed": 3}), "x: 8 h, seed 3")

    def test_missing_directory(self):
        missing = os.path.join(self.tmp, "no_such_run")
        self.assert_input_error(run_plot(missing), missing)

    def test_missing_summary(self):
        run = os.path.join(self.tmp, "empty")
        os.makedirs(run)
        self.assert_input_error(run_plot(run), os.path.join(run, "summary.json"))

    def test_malformed_summary(self):
        run = make_run(self.tmp)
        path = os.path.join(run, "summary.json")
        with open(path, "w") as f:
            f.write('{"populations": [')
        self.assert_input_error(run_plot(run), path)

    def test_missing_spike_file(self):
        run = make_run(self.tmp)
        path = os.path.join(run, "spikes", "inh.npy")
        os.remove(path)
        self.assert_input_error(run_plot(run), path)
        # Input is checked before drawing, so no partial set of plots appears.
        self.assertEqual([n for n in os.listdir(run) if n.endswith(".png")], [])

    def test_missing_trace_file(self):
        run = make_run(self.tmp)
        path = os.path.join(run, "traces", "exc.v.npy")
        os.remove(path)
        self.assert_input_error(run_plot(run), path)


if __name__ == "__main__":
    unittest.main()
