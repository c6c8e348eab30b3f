#!/usr/bin/python3
"""Rosenbaum et al. (2017) Fig. 4 at a tenth of the size (examples/rosenbaum_2017_scale0p1.toml,
5569 neurons): the spatial balanced state's signature in the spike-count correlations.

    /usr/bin/python3 tests/validation/test_rosenbaum_small.py ENGRAM_BINARY

Runs 12 s (2 s burn-in, then 40 windows of 250 ms) and checks, with tools/spatial_correlations.py,
that correlations are positive between nearby neurons, negative at intermediate distances
and that the rates stay near the balanced limit (r_e = 3.59 Hz, r_i = 5.65 Hz: within 50 %,
since at this size the balanced limit is approached only to O(1/sqrt(N))). Measured with
seed 1 (engram, 1 thread): r_e = 4.82 Hz, r_i = 7.08 Hz; mean correlation +0.105 at
0-50 um, +0.025 at 150-200 um, -0.013 at 300-350 um, ~0 at 500-600 um. Label `validation`:
12 s on an idle 2-core machine (10 s of CPU), about a minute on a loaded one.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "examples", "rosenbaum_2017_scale0p1.toml")
TOOL = os.path.join(ROOT, "tools", "spatial_correlations.py")


def main():
    engram = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        subprocess.run([engram, "run", MODEL, "--duration", "12 s", "--out", run, "--quiet",
                        "--no-plots"], check=True, timeout=800)
        out = subprocess.run([sys.executable, TOOL, run, "--sample", "4000", "--bin", "50",
                              "--max-distance", "600"], check=True, capture_output=True,
                             text=True, timeout=300).stdout
        print(out)
        rows = np.genfromtxt(run + "/spatial_correlations.csv", delimiter=",", names=True)
        corr = {int(lo): m for lo, m in zip(rows["distance_lo_um"], rows["mean_corr"])}
        rates = {}
        for line in out.splitlines():
            if line.startswith("  e: ") or line.startswith("  i: "):
                rates[line[2]] = float(line[5:].split(" Hz")[0])
    failures = []
    for pop, expect in (("e", 3.59), ("i", 5.65)):
        if not abs(rates[pop] / expect - 1) < 0.5:
            failures.append(f"rate of {pop} {rates[pop]:.2f} Hz, balanced limit {expect} Hz")
    near = np.mean([corr[0], corr[50]])
    middle = min(corr[d] for d in (250, 300, 350, 400))
    if not near > 0.03:
        failures.append(f"nearby pairs (< 100 um): mean correlation {near:.4f}, expected > 0.03")
    if not middle < -0.003:
        failures.append(f"intermediate distances (250-450 um): lowest bin {middle:.4f}, "
                        "expected < -0.003")
    if not corr[0] > corr[150] > corr[300]:
        failures.append("correlations do not fall with distance up to 350 um")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
