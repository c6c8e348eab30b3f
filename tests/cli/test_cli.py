#!/usr/bin/python3
"""The `engram` command line as a user meets it: exit codes, error lines, run directories.

    /usr/bin/python3 tests/cli/test_cli.py path/to/engram [unittest options]

Exit codes (DESIGN.md): 0 success, 1 runtime failure, 2 bad input or usage. Bad input is
reported as one stderr line "engram: error: FILE:LINE[:COL]: key.path: message".
The bad model files in tests/data/errors/ announce their error in a comment header
(# expect-line / expect-key / expect-message / expect-file).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ERRORS_DIR = os.path.join(ROOT, "tests", "data", "errors")
BRUNEL = os.path.join(ROOT, "examples", "brunel_ai.toml")
ENGRAM = os.path.join(ROOT, "build", "engram")  # replaced by argv[1]

# brunel_ai scaled down to run in a fraction of a second: 500 neurons, in-degrees / 10.
SMALL_NET = ["--set", "population.exc.size=400", "--set", "population.inh.size=100",
             "--set", "projection.0.connect.k=100", "--set", "projection.1.connect.k=100",
             "--set", "projection.2.connect.k=25", "--set", "projection.3.connect.k=25"]


def small(duration="100 ms"):
    return [*SMALL_NET, "--duration", duration]

ERROR_LINE = re.compile(r"^engram: error: (?P<file>[^:]+):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<rest>.*)$")
SPIKE_FIELDS = {"t_ms", "neuron"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def engram(*args, cwd=None, timeout=60):
    return subprocess.run([ENGRAM, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def load_json(path):
    with open(path) as f:
        return json.load(f)


def has_matplotlib():
    r = subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"], capture_output=True)
    return r.returncode == 0


def expectation(path):
    """The expect-* header of a bad model file."""
    out = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = re.match(r"^# expect-(\w+):\s?(.*)$", line.rstrip("\n"))
            if m:
                out[m.group(1)] = m.group(2)
    return out


def error_files():
    return sorted(glob.glob(os.path.join(ERRORS_DIR, "*.toml")))


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="engram_cli_")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def assertOneErrorLine(self, r, code=2):
        self.assertEqual(r.returncode, code, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one stderr line, got:\n{r.stderr}")
        self.assertTrue(lines[0].startswith("engram: error: "), lines[0])
        return lines[0]

    def assertNoLeftovers(self, parent, allowed=()):
        left = sorted(set(os.listdir(parent)) - set(allowed))
        self.assertEqual(left, [], f"unexpected entries in {parent}")


class Usage(unittest.TestCase):
    def test_help_exits_zero(self):
        r = engram("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for sub in ("run", "check", "models"):
            self.assertIn(sub, r.stdout)
        r = engram("run", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for flag in ("--out", "--seed", "--duration", "--set", "--quiet", "--no-plots"):
            self.assertIn(flag, r.stdout)
        for sub in ("check", "models"):
            self.assertEqual(engram(sub, "--help").returncode, 0, sub)

    def test_version(self):
        r = engram("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"engram \d+\.\d+")

    def test_usage_errors_exit_two(self):
        for args in (["frobnicate"], [], ["run", "--bogus"], ["check", "--bogus"],
                     ["run", "--seed", "notanumber", BRUNEL], ["models", "a", "b"]):
            with self.subTest(args=args):
                r = engram(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.strip(), "a usage error must say something")


class Check(TempDirTest):
    def test_examples_are_valid(self):
        r = engram("check", BRUNEL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok", r.stdout)
        self.assertIn("5000 neurons", r.stdout)
        self.assertEqual(r.stderr, "")
        # every example must run as it is
        for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.toml"))):
            with self.subTest(example=os.path.basename(path)):
                r = engram("check", path)
                self.assertEqual(r.returncode, 0, r.stderr)

    def test_default_model_is_valid(self):
        r = engram("check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok", r.stdout)

    def test_set_changes_the_checked_model(self):
        r = engram("check", BRUNEL, "--set", "population.exc.size=10")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1010 neurons", r.stdout)

    def test_each_bad_file_exits_two_with_one_error_line(self):
        files = error_files()
        self.assertGreaterEqual(len(files), 16)
        for path in files:
            name = os.path.basename(path)
            with self.subTest(file=name):
                x = expectation(path)
                self.assertIn("line", x, f"{name}: no expect-line header")
                self.assertIn("message", x, f"{name}: no expect-message header")
                # run from the repository root with a relative path, as a user would
                rel = os.path.relpath(path, ROOT)
                r = engram("check", rel, cwd=ROOT)
                line = self.assertOneErrorLine(r)
                self.assertEqual(r.stdout, "")
                m = ERROR_LINE.match(line)
                self.assertIsNotNone(m, f"not FILE:LINE[:COL]: ...: {line}")
                if "file" in x:  # the fault is in a data file: the error names it
                    self.assertEqual(m.group("file"), os.path.join(os.path.dirname(rel), x["file"]))
                else:
                    self.assertEqual(m.group("file"), rel)
                    if int(x["line"]) > 1:  # a key in the model file: its column too
                        self.assertIsNotNone(m.group("col"), line)
                self.assertEqual(m.group("line"), x["line"], line)
                key = x.get("key", "")
                if key:
                    self.assertTrue(m.group("rest").startswith(key + ": "), line)
                    message = m.group("rest")[len(key) + 2:]
                else:
                    message = m.group("rest")
                self.assertIn(x["message"], message, line)

    def test_missing_model_file(self):
        r = engram("check", os.path.join(self.tmp, "nosuch.toml"))
        line = self.assertOneErrorLine(r)
        self.assertIn("nosuch.toml", line)
        self.assertIn("cannot open model file", line)

    def test_bad_set_override(self):
        r = engram("check", BRUNEL, "--set", "population.exd.size=3")
        line = self.assertOneErrorLine(r)
        self.assertEqual(line, "engram: error: --set: population.exd.size: "
                               "no population named or numbered 'exd'")
        r = engram("check", BRUNEL, "--set", "nonsense")
        line = self.assertOneErrorLine(r)
        self.assertIn("expected KEY=VALUE", line)
        r = engram("check", BRUNEL, "--set", "population.exc.sise=3")
        line = self.assertOneErrorLine(r)
        self.assertIn("population 'exc'.sise: unknown key; did you mean 'size'?", line)

    def test_bad_set_value_names_the_override(self):
        # the value came from --set, so the error names the override, not the model file
        r = engram("check", BRUNEL, "--set", "population.exc.params.tau_m=5 mV")
        line = self.assertOneErrorLine(r)
        self.assertTrue(line.startswith("engram: error: --set: "), line)


class Run(TempDirTest):
    """One small run shared by the tests that only read its outputs."""

    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="engram_cli_run_")
        cls.run_dir = os.path.join(cls.shared, "run")
        cls.result = engram("run", BRUNEL, "--out", cls.run_dir, "-q", "--no-plots", *small())
        summary = os.path.join(cls.run_dir, "summary.json")
        cls.summary = load_json(summary) if os.path.exists(summary) else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def test_run_succeeds_quietly(self):
        r = self.result
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "", "-q prints nothing")
        self.assertNoLeftovers(self.shared, allowed={"run"})
        entries = set(os.listdir(self.run_dir))
        self.assertTrue({"spikes", "summary.json", "traces"} <= entries, entries)
        self.assertFalse(any(".tmp-" in e or ".old-" in e for e in entries), entries)
        self.assertFalse({"raster.png", "traces.png"} & entries, "--no-plots writes no plots")

    def test_summary_fields(self):
        s = self.summary
        self.assertIsNotNone(s, self.result.stderr)
        self.assertEqual(s["seed"], 12345)
        self.assertAlmostEqual(s["duration_ms"], 100.0)
        self.assertAlmostEqual(s["dt_ms"], 0.1)
        self.assertRegex(s["engram_version"], r"^\d+\.\d+")
        self.assertRegex(s["model"]["hash"], r"^[0-9a-f]{16}$")
        self.assertEqual(s["model"]["name"], "brunel_ai")
        for key in ("build_s", "sim_s", "real_time_factor"):
            self.assertIsInstance(s["timing"][key], float, key)
            self.assertGreaterEqual(s["timing"][key], 0.0, key)
        self.assertAlmostEqual(s["timing"]["real_time_factor"],
                               s["timing"]["sim_s"] / (s["duration_ms"] * 1e-3), places=6)
        # per thread: update, delivery and waiting, which add up to (nearly) the run's time
        t = s["timing"]
        for key in ("thread_update_s", "thread_deliver_s", "thread_wait_s"):
            self.assertEqual(len(t[key]), s["threads"], key)
        parts = t["thread_update_s"][0] + t["thread_deliver_s"][0] + t["thread_wait_s"][0]
        self.assertGreater(t["thread_update_s"][0], 0)
        self.assertLessEqual(parts, t["sim_s"] + 1e-3)
        self.assertGreater(parts, 0.5 * t["sim_s"])
        bps = s["memory"]["bytes_per_synapse"]
        self.assertGreater(bps, 0)
        self.assertLessEqual(bps, 8.0, "static synapses must cost <= 8 bytes (DESIGN.md)")
        self.assertEqual(s["network"]["neurons"], 500)
        self.assertEqual(s["network"]["synapses"], 400 * 100 + 100 * 100 + 400 * 25 + 100 * 25)
        pops = {p["name"]: p for p in s["populations"]}
        self.assertEqual(sorted(pops), ["exc", "inh"])
        total = 0
        for name, size in (("exc", 400), ("inh", 100)):
            p = pops[name]
            self.assertEqual(p["size"], size)
            self.assertGreater(p["spike_count"], 0)
            self.assertAlmostEqual(p["rate_hz"], p["spike_count"] / (size * 0.1), places=6)
            self.assertIsNotNone(p["cv_isi"])
            self.assertGreaterEqual(p["cv_isi"], 0.0)
            total += p["spike_count"]
        self.assertEqual(s["spike_count"], total)

    def test_spike_files_load_with_numpy(self):
        s = self.summary
        self.assertIsNotNone(s, self.result.stderr)
        for p in s["populations"]:
            with self.subTest(population=p["name"]):
                self.assertEqual(p["spikes_file"], f"spikes/{p['name']}.npy")
                spikes = np.load(os.path.join(self.run_dir, p["spikes_file"]))
                self.assertEqual(set(spikes.dtype.names), SPIKE_FIELDS)
                self.assertEqual(spikes.ndim, 1)
                self.assertEqual(p["recorded_neurons"], p["size"])
                self.assertEqual(len(spikes), p["spike_count"])
                self.assertTrue(np.all(np.diff(spikes["t_ms"]) >= 0), "spikes in time order")
                self.assertGreater(spikes["t_ms"].min(), 0.0)
                self.assertLessEqual(spikes["t_ms"].max(), 100.0 + 1e-9)
                self.assertLess(int(spikes["neuron"].max()), p["size"])
                # times are multiples of dt
                steps = spikes["t_ms"] / 0.1
                self.assertTrue(np.allclose(steps, np.round(steps), atol=1e-6))

    def test_traces_have_shape_samples_by_neurons(self):
        s = self.summary
        self.assertIsNotNone(s, self.result.stderr)
        self.assertEqual(len(s["recordings"]), 1)
        rec = s["recordings"][0]
        self.assertEqual((rec["population"], rec["variable"], rec["unit"]), ("exc", "v", "mV"))
        trace = np.load(os.path.join(self.run_dir, rec["file"]))
        self.assertEqual(trace.dtype, np.float64)
        self.assertEqual(trace.shape, (rec["samples"], len(rec["neurons"])))
        self.assertEqual(trace.shape, (1001, 3))  # t = 0, 0.1, ..., 100 ms; neurons 0, 1, 2
        self.assertTrue(np.all(np.isfinite(trace)))
        self.assertTrue(np.all(trace <= 20.0 + 1e-9), "v never above threshold after update")

    def test_seed_duration_and_set(self):
        out = os.path.join(self.tmp, "changed")
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", *SMALL_NET,
                   "--seed", "7", "--duration", "50 ms", "--set", "population.exc.size=300")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(s["seed"], 7)
        self.assertAlmostEqual(s["duration_ms"], 50.0)
        self.assertEqual(s["populations"][0]["size"], 300)
        self.assertNotEqual(s["model"]["hash"], self.summary["model"]["hash"])
        spikes = np.load(os.path.join(out, "spikes", "exc.npy"))
        self.assertLessEqual(spikes["t_ms"].max(), 50.0 + 1e-9)
        self.assertLess(int(spikes["neuron"].max()), 300)

    def test_same_seed_same_spikes(self):
        out = os.path.join(self.tmp, "again")
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", *small())
        self.assertEqual(r.returncode, 0, r.stderr)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(s["model"]["hash"], self.summary["model"]["hash"])
        for name in ("exc", "inh"):
            a = np.load(os.path.join(self.run_dir, "spikes", f"{name}.npy"))
            b = np.load(os.path.join(out, "spikes", f"{name}.npy"))
            self.assertTrue(np.array_equal(a, b), name)

    def test_threads_change_nothing_but_the_speed(self):
        out = os.path.join(self.tmp, "threads")
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", "--threads", "2", *small())
        self.assertEqual(r.returncode, 0, r.stderr)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(s["threads"], 2)
        self.assertEqual(s["model"]["hash"], self.summary["model"]["hash"])
        for name in ("exc", "inh"):
            a = np.load(os.path.join(self.run_dir, "spikes", f"{name}.npy"))
            b = np.load(os.path.join(out, "spikes", f"{name}.npy"))
            self.assertTrue(np.array_equal(a, b), name)
        r = engram("run", BRUNEL, "--out", os.path.join(self.tmp, "t0"), "-q", "--threads", "0")
        line = self.assertOneErrorLine(r)
        self.assertIn("protocol.threads: must be in [1, 1024], got 0", line)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "t0")))

    def test_a_model_too_large_for_memory_is_refused_before_building(self):
        out = os.path.join(self.tmp, "huge")
        r = engram("run", os.path.join(ROOT, "examples", "coba.toml"), "--out", out, "-q",
                   "--set", "population.exc.size=2000000", "--set", "population.inh.size=500000")
        line = self.assertOneErrorLine(r)
        self.assertIn("the model needs about", line)
        self.assertIn("are available", line)
        self.assertIn("Reduce population sizes", line)
        self.assertFalse(os.path.exists(out))
        r = engram("check", os.path.join(ROOT, "examples", "coba.toml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("memory estimate:", r.stdout)

    def test_default_out_is_runs_slash_model_name(self):
        r = engram("run", BRUNEL, "-q", "--no-plots", *small("10 ms"), cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.tmp, "runs", "brunel_ai", "summary.json")))
        self.assertNoLeftovers(os.path.join(self.tmp, "runs"), allowed={"brunel_ai"})

    def test_summary_printed_without_quiet(self):
        out = os.path.join(self.tmp, "loud")
        r = engram("run", BRUNEL, "--out", out, "--no-plots", *small("10 ms"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run directory:", r.stdout)
        self.assertIn("real-time factor", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^exc\s+400\s+\d+")

    def test_failing_run_leaves_nothing(self):
        parent = os.path.join(self.tmp, "parent")
        os.makedirs(parent)
        out = os.path.join(parent, "run")
        bad = os.path.join(ERRORS_DIR, "negative_time_constant.toml")
        r = engram("run", bad, "--out", out, "-q", "--no-plots")
        self.assertOneErrorLine(r, code=2)
        self.assertFalse(os.path.exists(out))
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", *small(),
                   "--set", "population.nosuch.size=3")
        self.assertOneErrorLine(r, code=2)
        self.assertFalse(os.path.exists(out))
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", "--duration", "-5 ms")
        self.assertOneErrorLine(r, code=2)
        self.assertNoLeftovers(parent)

    def test_runtime_failure_exits_one_and_leaves_nothing(self):
        model = os.path.join(self.tmp, "blowup.toml")
        with open(model, "w") as f:
            f.write('[protocol]\nduration = "20 ms"\n\n'
                    '[[population]]\nname = "exc"\nsize = 5\nmodel = "lif_psc_delta"\n'
                    'params = { v_thresh = "1e12 mV" }\n\n'
                    '[[stimulus]]\nkind = "poisson"\nto = "exc"\nrate = "10 kHz"\n'
                    'weight = "1e6 mV"\n\n'
                    '[[record]]\nwhat = "spikes"\nof = "exc"\n')
        parent = os.path.join(self.tmp, "parent")
        os.makedirs(parent)
        r = engram("run", model, "--out", os.path.join(parent, "run"), "-q", "--no-plots")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("numerical blow-up", r.stderr)
        self.assertIn("neuron", r.stderr)
        self.assertIn("dt", r.stderr)
        self.assertNoLeftovers(parent)

    def test_interrupted_run_leaves_nothing(self):
        import signal
        import time
        parent = os.path.join(self.tmp, "parent")
        os.makedirs(parent)
        p = subprocess.Popen([ENGRAM, "run", BRUNEL, "--out", os.path.join(parent, "run"), "-q",
                              "--no-plots", "--duration", "100 s"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertNoLeftovers(parent)

    def test_rerun_replaces_an_existing_directory(self):
        parent = os.path.join(self.tmp, "parent")
        out = os.path.join(parent, "run")
        os.makedirs(os.path.join(out, "spikes"))
        with open(os.path.join(out, "summary.json"), "w") as f:  # an earlier run directory
            f.write("{}\n")
        with open(os.path.join(out, "stale.txt"), "w") as f:
            f.write("from an older run\n")
        with open(os.path.join(out, "spikes", "gone.npy"), "w") as f:
            f.write("stale\n")
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", *small("20 ms"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "stale.txt")))
        self.assertFalse(os.path.exists(os.path.join(out, "spikes", "gone.npy")))
        s = load_json(os.path.join(out, "summary.json"))
        self.assertAlmostEqual(s["duration_ms"], 20.0)
        self.assertNoLeftovers(parent, allowed={"run"})
        # and a failed re-run leaves the good directory as it was
        r = engram("run", BRUNEL, "--out", out, "-q", "--no-plots", "--set", "protocol.dt=0")
        self.assertOneErrorLine(r, code=2)
        self.assertEqual(load_json(os.path.join(out, "summary.json")), s)
        self.assertNoLeftovers(parent, allowed={"run"})

    def test_out_refuses_to_replace_what_is_not_a_run_directory(self):
        # --out replaces only an empty directory or an earlier run (holding summary.json);
        # anything else stops the run with exit 2 before simulating, and nothing is lost
        precious = os.path.join(self.tmp, "model.toml")
        shutil.copy(BRUNEL, precious)
        folder = os.path.join(self.tmp, "notes")
        os.makedirs(folder)
        with open(os.path.join(folder, "thesis.txt"), "w") as f:
            f.write("years of work\n")
        for target in (precious, folder):
            with self.subTest(target=os.path.basename(target)):
                r = engram("run", BRUNEL, "--out", target, "-q", "--no-plots", *small("10 ms"))
                self.assertEqual(r.returncode, 2, r.stderr)
        self.assertTrue(os.path.isfile(precious))
        self.assertTrue(os.path.isfile(os.path.join(folder, "thesis.txt")))

    def test_names_cannot_write_outside_the_run_directory(self):
        # population and model names become paths (spikes/<pop>.npy, runs/<model name>), so
        # names that would leave the run directory are refused
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        model = os.path.join(self.tmp, "escape.toml")
        with open(model, "w") as f:
            f.write('[model]\nname = "../outside"\n[protocol]\nduration = "5 ms"\n'
                    '[[population]]\nname = "../../escaped"\nsize = 2\nmodel = "poisson_source"\n'
                    '[[record]]\nwhat = "spikes"\nof = "../../escaped"\n')
        r = engram("run", model, "-q", "--no-plots", cwd=work)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertNoLeftovers(self.tmp, allowed={"work", "escape.toml"})
        self.assertNoLeftovers(work)

    def test_plots(self):
        if not has_matplotlib():
            self.skipTest("python3-matplotlib is not installed")
        out = os.path.join(self.tmp, "plotted")
        r = engram("run", BRUNEL, "--out", out, "-q", *small("50 ms"), timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("plotting failed", r.stderr)
        raster = os.path.join(out, "raster.png")
        self.assertTrue(os.path.isfile(raster), os.listdir(out))
        with open(raster, "rb") as f:
            self.assertEqual(f.read(8), PNG_MAGIC)
        self.assertNoLeftovers(self.tmp, allowed={"plotted"})


class Models(unittest.TestCase):
    HEADER = re.compile(r"^(?P<name>\w+) \((?P<kind>neuron|source|cable mechanism)\): ")
    PARAM = re.compile(r"^  (?P<name>\w+)\s+(?P<unit>\S*)\s+(?P<default>\S+)\s{2}")

    def parse_listing(self, text):
        """{model: {param: unit}} from the text listing."""
        models, current, in_params = {}, None, False
        for line in text.splitlines():
            m = self.HEADER.match(line)
            if m:
                current = m.group("name")
                models[current] = {}
                in_params = False
                continue
            if current is None:
                continue
            if line.startswith("  parameter"):
                in_params = True
                continue
            if in_params and line.startswith("  ") and not line.startswith("  recordable") \
                    and not line.startswith("  receptors") and not line.startswith("  integrators") \
                    and not line.startswith("  gates"):
                p = line.split()
                models[current][p[0]] = p[1] if len(p) > 1 else ""
            else:
                in_params = False
        return models

    def test_lists_every_model_with_parameters_and_units(self):
        r = engram("models")
        self.assertEqual(r.returncode, 0, r.stderr)
        models = self.parse_listing(r.stdout)
        for name in ("lif_psc_delta", "lif_psc_exp", "lif_psc_alpha", "lif_cond_exp",
                     "mcculloch_pitts", "poisson_source", "spike_source"):
            self.assertIn(name, models)
        lif = models["lif_psc_exp"]
        for param, unit in (("c_m", "pF"), ("tau_m", "ms"), ("e_l", "mV"), ("v_thresh", "mV"),
                            ("v_reset", "mV"), ("t_ref", "ms"), ("tau_syn_ex", "ms"),
                            ("i_e", "pA")):
            self.assertEqual(lif.get(param), unit, param)
        self.assertEqual(models["lif_cond_exp"].get("g_l"), "nS")
        self.assertEqual(models["poisson_source"].get("rate"), "Hz")
        # the cable cells' density mechanisms follow, with their units
        mechanisms = {n for n in models if f"{n} (cable mechanism)" in r.stdout}
        self.assertEqual(mechanisms, {"pas", "hh", "traub", "ca_hva", "ih"})
        self.assertEqual(models["ca_hva"], {"gbar": "S/cm2", "eca": "mV"})
        self.assertEqual(models["pas"], {"g": "S/cm2", "e": "mV"})
        self.assertEqual(r.stdout.count("integrators:"), len(models) - len(mechanisms))
        # every listed model can be shown on its own, with the same parameters
        for name, params in models.items():
            with self.subTest(model=name):
                one = engram("models", name)
                self.assertEqual(one.returncode, 0, one.stderr)
                self.assertTrue(one.stdout.startswith(name + " ("), one.stdout[:80])
                self.assertEqual(self.parse_listing(one.stdout), {name: params})

    def test_markdown(self):
        r = engram("models", "--markdown")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("### `lif_psc_exp`", r.stdout)
        self.assertIn("| `tau_m` | ms |", r.stdout)

    def test_one_model(self):
        r = engram("models", "lif_psc_exp")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("tau_syn_ex", r.stdout)
        self.assertNotIn("lif_psc_delta (", r.stdout)

    def test_unknown_model(self):
        r = engram("models", "lif_psc_exc")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         "engram: error: unknown model 'lif_psc_exc'; did you mean 'lif_psc_exp'?")
        self.assertEqual(r.stdout, "")
        r = engram("models", "nosuch")
        self.assertEqual(r.returncode, 2)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("engram: error: unknown model 'nosuch'"), lines[0])

    def test_unknown_model_without_close_match_lists_the_models(self):
        # with no close match the user is shown the models
        r = engram("models", "nosuch")
        self.assertEqual(r.returncode, 2)
        self.assertTrue("lif_psc_exp" in r.stderr or "did you mean" in r.stderr
                        or "engram models" in r.stderr, r.stderr)


class SingleNeuron(TempDirTest):
    """engram fi and engram trace: one neuron of a registered model or a model file."""

    def test_fi_writes_curve_summary_and_plot(self):
        out = os.path.join(self.tmp, "fi")
        r = engram("fi", "lif_psc_exp", "--from", "0", "--to", "1000 pA", "--steps", "11",
                   "--duration", "500 ms", "--transient", "100 ms", "--precision", "0.5 pA",
                   "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("rheobase: 375", r.stdout)
        self.assertIn("type: I ", r.stdout)
        with open(os.path.join(out, "fi.csv")) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "current_pA,rate_hz,first_isi_rate_hz")
        self.assertEqual(len(lines), 12)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertAlmostEqual(s["rheobase_pA"], 375.0, delta=0.5)
        self.assertEqual(s["type"], "I")
        self.assertGreater(s["gain_hz_per_pA"], 0)
        if has_matplotlib():
            with open(os.path.join(out, "fi.png"), "rb") as f:
                self.assertEqual(f.read(8), PNG_MAGIC)

    def test_fi_of_a_model_file_population(self):
        out = os.path.join(self.tmp, "fi")
        r = engram("fi", os.path.join(ROOT, "examples", "lif_fi_curve.toml"), "--population",
                   "lif", "--currents", "300,400,600", "--duration", "300 ms", "--transient",
                   "50 ms", "--no-plots", "--quiet", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(s["population"], "lif")
        self.assertAlmostEqual(s["rheobase_pA"], 375.0, delta=0.05)

    def test_trace_prints_spikes_and_writes_arrays(self):
        out = os.path.join(self.tmp, "tr")
        r = engram("trace", "izhikevich", "--preset", "regular_spiking", "--duration", "100 ms",
                   "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("14 pA step from 15 ms", r.stdout)
        self.assertIn("first spike latency", r.stdout)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertGreater(s["spike_count"], 1)
        a = np.load(os.path.join(out, "trace.npy"))
        self.assertEqual(a.shape, (1001, len(s["columns"])))
        self.assertEqual(s["columns"][:2], ["t_ms", "v_mV"])
        self.assertEqual(a[200, -1], 14.0)  # t = 20 ms: the step is on

    def test_trace_step_options(self):
        out = os.path.join(self.tmp, "tr")
        r = engram("trace", "hh_squid", "--step", "1 nA", "--start", "10 ms", "--stop", "60 ms",
                   "--duration", "80 ms", "--no-plots", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = load_json(os.path.join(out, "summary.json"))
        self.assertGreater(s["spike_count"], 2)
        self.assertTrue(all(10 < t < 65 for t in s["spike_times_ms"]), s["spike_times_ms"])

    def test_bad_input_exits_two_with_the_option_or_a_suggestion(self):
        cases = [
            (["fi", "izhikevic"], "did you mean 'izhikevich'"),
            (["fi", "izhikevich", "--preset", "clas_1"], "did you mean 'class_1'"),
            (["fi", "lif_psc_exp", "--from", "500", "--to", "100"], "--to"),
            (["fi", "lif_psc_exp", "--steps", "1", "--to", "100"], "--steps"),
            (["fi", "lif_psc_exp", "--currents", "300,200"], "--currents"),
            (["fi", "lif_psc_exp", "--duration", "100 ms", "--to", "9", "--transient", "200 ms"],
             "--transient"),
            (["fi", "poisson_source"], "not a neuron"),
            (["trace", "lif_psc_exp", "--step", "1 nA", "--start", "50 ms", "--stop", "20 ms"],
             "--stop"),
            (["trace", "lif_psc_exp"], "--step"),
            (["trace", "izhikevich", "--preset", "class_1"], "--step"),
            (["trace", "lif_psc_exp", "--step", "3 mV"], "--step"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                r = engram(*args, "--out", os.path.join(self.tmp, "x"))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(needle, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.tmp, "x")))

    def test_unstable_explicit_step_is_refused_when_loaded(self):
        path = os.path.join(self.tmp, "euler.toml")
        with open(path, "w") as f:
            f.write('[protocol]\ndt = "5 ms"\nduration = "1 s"\n'
                    '[[population]]\nname = "izh"\nsize = 1\nmodel = "izhikevich"\n'
                    'integrator = "euler"\n')
        r = engram("check", path)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("population 'izh': integrator euler is unstable at dt = 5 ms", r.stderr)
        self.assertIn("dt <= 3.3 ms", r.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        ENGRAM = os.path.abspath(sys.argv.pop(1))
    if not os.access(ENGRAM, os.X_OK):
        sys.exit(f"engram binary not found: {ENGRAM} (pass it as the first argument)")
    unittest.main(verbosity=2)
