#!/usr/bin/python3
"""bench/run_scaling.py refuses bad input before it runs anything: exit 2 and a message that
says what to change. (The benchmark itself is not run here: it takes minutes.)

    /usr/bin/python3 tests/bench/test_run_scaling.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "bench", "run_scaling.py")


def run(*args, peer_py=None):
    if peer_py is None:
        cmd = [sys.executable, SCRIPT, *args]
    else:
        # the script with another interpreter for the peer (one without Brian2)
        code = ("import importlib.util, sys\n"
                f"sys.argv = {[SCRIPT, *args]!r}\n"
                f"spec = importlib.util.spec_from_file_location('run_scaling', {SCRIPT!r})\n"
                "m = importlib.util.module_from_spec(spec)\n"
                "spec.loader.exec_module(m)\n"
                f"m.PEER_PY = {peer_py!r}\n"
                "m.main()\n")
        cmd = [sys.executable, "-c", code]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


class RunScalingErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        # any executable passes the binary check; none of these cases gets to run it
        self.fake_engram = "/bin/true"

    def tearDown(self):
        self.tmp.cleanup()

    def test_unknown_case(self):
        p = run("--cases", "scaling,nonsense", "--engram", self.fake_engram)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("unknown case 'nonsense'", p.stderr)

    def test_missing_binary(self):
        missing = os.path.join(self.tmp.name, "engram")
        p = run("--cases", "scaling", "--engram", missing)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"no engram binary at {missing}", p.stderr)
        self.assertIn("cmake --build build", p.stderr)

    def test_missing_peer_script(self):
        p = run("--cases", "brunel50k", "--engram", self.fake_engram, "--peers", self.tmp.name)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("no peer script at", p.stderr)
        self.assertIn("--no-peer", p.stderr)

    def test_peer_without_brian2(self):
        peers = os.path.join(self.tmp.name, "peers")
        os.makedirs(peers)
        open(os.path.join(peers, "brian2_nets.py"), "w").close()
        p = run("--cases", "brunel50k", "--engram", self.fake_engram, "--peers", peers,
                peer_py="/bin/false")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("Brian2 is not importable by /bin/false", p.stderr)
        self.assertIn("python3-brian", p.stderr)
        # nothing was run: no work folder left behind with a half-done case
        self.assertNotIn("case brunel50k", p.stderr)


if __name__ == "__main__":
    unittest.main()
