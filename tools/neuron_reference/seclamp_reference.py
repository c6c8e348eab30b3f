#!/usr/bin/python3
"""Reference data for engram's voltage clamp from NEURON's SEClamp on the `hh` membrane.

The cell of hh_reference.py (one compartment, area 10000 um2, cm 1 uF/cm2, hh defaults,
celsius 6.3, usetable_hh 0) under an SEClamp: -65 mV for 5 ms, 0 mV for 20 ms, -65 mV for
5 ms, series resistance rs = 0.01 and 1 MOhm. NEURON runs at dt 0.025/64 ms with
Crank-Nicolson (secondorder 2), its converged solution; the clamp current is averaged over
each 0.025 ms step, the quantity engram records (`i_stim`, the mean current of a step).

Usage: /usr/bin/python3 tools/neuron_reference/seclamp_reference.py [--out tests/data/neuron]
Writes seclamp_hh.csv: t_ms (start of the 0.025 ms step), i_nA_rs0.01, i_nA_rs1 (SEClamp.i,
positive into the cell). Runs in a few seconds.
"""
import argparse
import math
import os

import numpy as np
from neuron import h

AREA_UM2 = 10000.0
DT = 0.025
FINE = 64
LEVELS = [(5.0, -65.0), (20.0, 0.0), (5.0, -65.0)]  # (duration ms, level mV)
RS = [0.01, 1.0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                   "tests", "data", "neuron"))
    args = ap.parse_args()
    h.load_file("stdrun.hoc")
    h.celsius = 6.3
    h.usetable_hh = 0
    soma = h.Section(name="soma")
    soma.nseg = 1
    soma.L = soma.diam = math.sqrt(AREA_UM2 / math.pi)
    soma.cm = 1.0
    soma.insert("hh")
    clamp = h.SEClamp(soma(0.5))
    (clamp.dur1, clamp.amp1), (clamp.dur2, clamp.amp2), (clamp.dur3, clamp.amp3) = LEVELS
    h.cvode_active(0)
    t_end = sum(d for d, _ in LEVELS)
    steps = int(round(t_end / DT))
    columns = []
    for rs in RS:
        clamp.rs = rs
        h.dt = DT / FINE
        h.steps_per_ms = FINE / DT
        h.secondorder = 2
        i = h.Vector()
        i.record(clamp._ref_i)
        h.finitialize(-65.0)
        h.continuerun(t_end)
        # sample k is the current of the fine step ending at k dt_fine
        fine = np.array(i)[1:1 + steps * FINE]
        columns.append(fine.reshape(steps, FINE).mean(axis=1))
    path = os.path.join(args.out, "seclamp_hh.csv")
    with open(path, "w") as f:
        f.write(f"# NEURON {h.nrnversion()} SEClamp on hh, area {AREA_UM2} um2, cm 1 uF/cm2, "
                f"celsius 6.3, usetable_hh 0; dt {DT}/{FINE} ms secondorder 2; current averaged "
                f"over {DT} ms steps; made by tools/neuron_reference/seclamp_reference.py\n")
        f.write("t_ms," + ",".join(f"i_nA_rs{rs:g}" for rs in RS) + "\n")
        for k in range(steps):
            f.write(f"{k * DT:.3f}," + ",".join(f"{c[k]:.6f}" for c in columns) + "\n")
    print(path)


if __name__ == "__main__":
    main()
