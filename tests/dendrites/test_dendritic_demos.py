#!/usr/bin/python3
"""The dendritic computation demos, run as a user would (engram run, then the analysis tool):

  examples/nmda_spike_clustering.toml + tools/dendritic_integration.py
  examples/dendritic_xor.toml         + tools/dendritic_xor.py (and variants written by
                                        tools/make_dendritic_xor.py)

    /usr/bin/python3 tests/dendrites/test_dendritic_demos.py path/to/engram

Why the checks can fail: a clustered response that summed linearly (no NMDA regeneration,
a wrong Mg2+ block, synapses not delivered to the tree) has its largest volley-to-volley rise
near 1 x the linear one, not >= 3 x; if the NMDA current did not depend on clustering, the
dispersed input would rise like the clustered one; a blocked-NMDA cell that still jumped
would mean the jump is not the NMDA receptors'. For XOR, the cell must fire for A and for B
and stay silent for both; the same circuit without inhibition must compute OR (so the
silence comes from the on-path inhibition, not from a dead cell), and none of the point
neurons may compute XOR while some of them fire (so the control spans the threshold).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENGRAM = None


def engram_run(model, out):
    subprocess.run([ENGRAM, "run", model, "-o", out, "-q", "--no-plots"], check=True)


def tool(name, *args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools", name), *args],
                          capture_output=True, text=True)


class NmdaClustering(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.run_dir = os.path.join(cls.tmp.name, "run")
        engram_run(os.path.join(ROOT, "examples", "nmda_spike_clustering.toml"), cls.run_dir)
        r = tool("dendritic_integration.py", cls.run_dir)
        assert r.returncode == 0, r.stderr
        cls.printed = r.stdout
        with open(os.path.join(cls.run_dir, "dendritic_integration.json")) as f:
            cls.result = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_volleys_step_from_1_to_20_synapses(self):
        self.assertEqual(self.result["counts"], list(range(1, 21)))
        self.assertTrue(os.path.getsize(os.path.join(self.run_dir, "dendritic_integration.png")))

    def test_clustered_input_fires_an_nmda_spike(self):
        c = self.result["cells"]["clustered"]
        # a jump: the largest rise is several times the linear one, at 5-10 synapses
        self.assertGreaterEqual(c["largest_step"], 3.0, self.printed)
        self.assertGreaterEqual(c["largest_step_between"][0], 4)
        self.assertLessEqual(c["largest_step_between"][1], 11)
        self.assertGreater(c["ratio"][9], 2.0, self.printed)     # 10 synapses
        self.assertGreater(c["site_mV"][-1], 40.0, self.printed)  # the local plateau

    def test_dispersed_input_sums_nearly_linearly(self):
        c = self.result["cells"]["dispersed"]
        for n in range(10):  # 1..10 synapses: at most two on any branch
            self.assertGreater(c["ratio"][n], 0.95, self.printed)
            self.assertLess(c["ratio"][n], 1.15, self.printed)
        self.assertLess(c["ratio"][-1], 1.4, self.printed)
        self.assertLess(c["site_mV"][-1], 20.0, self.printed)  # no branch reaches a plateau

    def test_without_nmda_receptors_clustered_input_is_sublinear(self):
        c = self.result["cells"]["clustered_apv"]
        self.assertLess(c["largest_step"], 1.01, self.printed)
        self.assertLess(c["ratio"][-1], 0.75, self.printed)

    def test_a_run_of_another_shape_is_refused(self):
        r = tool("dendritic_integration.py", os.path.join(self.tmp.name, "missing"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("error", r.stderr)


class DendriticXor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def tables(self, model, name, plot=False):
        run_dir = os.path.join(self.tmp.name, name)
        engram_run(model, run_dir)
        r = tool("dendritic_xor.py", run_dir, *([] if plot else ["--no-plot"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(run_dir, "xor.json")) as f:
            return json.load(f), r.stdout

    def variant(self, name, exc, inh):
        root = os.path.join(self.tmp.name, name + "_model")
        os.makedirs(os.path.join(root, "examples"))
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "make_dendritic_xor.py"),
                        "--root", root, "--exc-scale", str(exc), "--inh-scale", str(inh)],
                       check=True)
        return self.tables(os.path.join(root, "examples", "dendritic_xor.toml"), name)

    def test_the_dendritic_cell_computes_xor(self):
        t, printed = self.tables(os.path.join(ROOT, "examples", "dendritic_xor.toml"), "xor",
                                 plot=True)
        self.assertEqual(t["cell"][0]["counts"], [0, 1, 1, 0], printed)
        self.assertTrue(os.path.getsize(os.path.join(self.tmp.name, "xor", "xor.png")))
        classes = [row["class"] for row in t["point"]]
        self.assertNotIn("XOR", classes, printed)
        self.assertIn("OR", classes, printed)
        self.assertIn("silent", classes, printed)

    def test_xor_survives_other_weights(self):
        for exc, inh in ((0.85, 1.0), (1.0, 0.5), (1.0, 2.0), (2.0, 1.5)):
            t, printed = self.variant(f"e{exc}_i{inh}", exc, inh)
            self.assertEqual(t["cell"][0]["class"], "XOR", f"exc x{exc}, inh x{inh}\n{printed}")

    def test_without_inhibition_the_cell_computes_or(self):
        t, printed = self.variant("no_inhibition", 1.0, 0.0)
        self.assertEqual(t["cell"][0]["class"], "OR", printed)

    def test_bad_trials_are_refused(self):
        r = tool("dendritic_xor.py", self.tmp.name, "--trials", "A=1,B=2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--trials", r.stderr)


if __name__ == "__main__":
    ENGRAM = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else os.path.join(
        ROOT, "build", "engram")
    unittest.main()
