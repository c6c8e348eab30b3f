#!/usr/bin/python3
"""bench/compare_builds.py: a short real comparison of one binary with itself, and its
refusals of bad input (exit 2, what to change).

    /usr/bin/python3 tests/bench/test_compare_builds.py PATH/TO/engram
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "compare_builds.py")
ENGRAM = None


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=300)


class CompareBuilds(unittest.TestCase):
    def test_a_binary_against_itself(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "runs.json")
            p = run(ENGRAM, ENGRAM, "--rounds", "2", "--threads", "1,2", "--model",
                    os.path.join(ROOT, "examples", "coba.toml"), "--duration", "20 ms",
                    "--json", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("efficiency 1 -> 2 threads per round", p.stdout)
            self.assertIn("B / A on 2 thread(s): median", p.stdout)
            with open(out) as f:
                runs = json.load(f)
            for key in ("A-t1", "A-t2", "B-t1", "B-t2"):
                self.assertEqual(len(runs[key]), 2, key)
                self.assertEqual(len(runs[key][0]["thread_update_s"]), int(key[-1]))

    def test_missing_binary(self):
        p = run("/nonexistent/engram", ENGRAM)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("a: no engram binary at /nonexistent/engram", p.stderr)

    def test_missing_model(self):
        p = run(ENGRAM, ENGRAM, "--model", "/nonexistent/model.toml")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--model: no model file at /nonexistent/model.toml", p.stderr)

    def test_bad_thread_list(self):
        p = run(ENGRAM, ENGRAM, "--threads", "1,two")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("expected a comma list of integers", p.stderr)
        p = run(ENGRAM, ENGRAM, "--threads", "0")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("must be >= 1", p.stderr)

    def test_failing_run_exits_1(self):
        p = run(ENGRAM, ENGRAM, "--rounds", "1", "--threads", "1", "--model",
                os.path.join(ROOT, "examples", "coba.toml"), "--set", "population.exc.size=-3")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("engram failed", p.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_compare_builds.py PATH/TO/engram")
    ENGRAM = os.path.abspath(sys.argv.pop(1))
    unittest.main()
