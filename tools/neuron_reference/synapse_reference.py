#!/usr/bin/python3
"""Reference data for engram's cable synapses (src/engram/dendrites/mechanisms/synapse.hpp)
from NEURON.

The cell is bs_pas of dendrite_reference.py: a ball and stick, soma L = diam = 12.6157 um
with hh (celsius 6.3, usetable_hh 0), dend L 200 um, diam 1 um, pas (g 0.001 S/cm2, e -65 mV),
dend(0) on soma(1), Ra 100 ohm cm, cm 1 uF/cm2, nseg by the CellBuilder d_lambda rule (0.1 at
100 Hz), v_init -65 mV, no current clamp. Synapses (NEURON's Exp2Syn: tau1, tau2 ms, e mV)
receive events of fixed weight (uS) at fixed times (multiples of dt, so that NEURON's fixed
step delivers each at the step starting at that time):

  0 ampa    dend(0.8)  0.2 / 2 ms,  0 mV     w 0.006 uS at 5, 15, 15.5, 16, 35 ms
  1 gaba_a  dend(0.3)  0.5 / 5 ms, -70 mV    w 0.004 uS at 14, 40 ms
  2 exp2    dend(1)    0.1 / 10 ms, 0 mV     w 0.002 uS at 25 ms (a section end: a zero-area node)
  3 nmda    dend(0.8)  2 / 100 ms, 0 mV, [Mg2+] 1 mM, w 0.003 uS at 10, 35, 36 ms
                       (the "nmda" runs only)

Runs (60 ms):
  exp2_be, exp2_cn   synapses 0-2, dt 0.025 ms, secondorder 0 / 2 (NEURON's own Exp2Syn)
  nmda_fine          synapses 0-3, dt 0.025/64 ms, secondorder 2. NEURON 8.2 from Debian
                     cannot compile NMODL here (no nrnivmodl), so the NMDA synapse is built
                     from parts: an Exp2Syn on a separate dummy section gives g(t), and an
                     IClamp at dend(0.8) injects -g B(v) (v - e) with v, g read before each
                     fadvance (explicit in v: first-order in dt, hence the fine step),
                     B(v) = 1 / (1 + mg/3.57 exp(-0.062 v)) (Jahr & Stevens 1990).

Usage: /usr/bin/python3 tools/neuron_reference/synapse_reference.py [--out tests/data/neuron]
Writes synapse_traces.csv: run,t_ms,v_soma,v_dend08 (mV, every 0.25 ms). Runs in ~10 s.
"""
import argparse
import math
import os

import numpy as np
from neuron import h

h.load_file("stdrun.hoc")
h.celsius = 6.3
h.usetable_hh = 0
h.cvode_active(0)

DT = 0.025
FINE = 64
T_END = 60.0
V_INIT = -65.0
EVERY = 0.25

SYNAPSES = [  # kind, section, x, tau1, tau2, e, weight, times
    ("ampa", "dend", 0.8, 0.2, 2.0, 0.0, 0.006, [5.0, 15.0, 15.5, 16.0, 35.0]),
    ("gaba_a", "dend", 0.3, 0.5, 5.0, -70.0, 0.004, [14.0, 40.0]),
    ("exp2", "dend", 1.0, 0.1, 10.0, 0.0, 0.002, [25.0]),
    ("nmda", "dend", 0.8, 2.0, 100.0, 0.0, 0.003, [10.0, 35.0, 36.0]),
]
MG = 1.0


def nseg_rule(sec):
    return int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.999) / 2) * 2 + 1


def run(dt, secondorder, with_nmda):
    soma = h.Section(name="soma")
    soma.L = soma.diam = 12.6157
    soma.insert("hh")
    dend = h.Section(name="dend")
    dend.L, dend.diam = 200.0, 1.0
    dend.insert("pas")
    dend.g_pas, dend.e_pas = 0.001, -65.0
    dend.connect(soma(1))
    for sec in (soma, dend):
        sec.Ra, sec.cm = 100.0, 1.0
    for sec in (soma, dend):
        sec.nseg = nseg_rule(sec)
    secs = {"soma": soma, "dend": dend}
    dummy = h.Section(name="dummy")
    keep, nmda = [], None
    for kind, sname, x, tau1, tau2, e, w, times in SYNAPSES:
        if kind == "nmda" and not with_nmda:
            continue
        host = dummy(0.5) if kind == "nmda" else secs[sname](x)
        syn = h.Exp2Syn(host)
        syn.tau1, syn.tau2, syn.e = tau1, tau2, e
        nc = h.NetCon(None, syn)
        nc.weight[0] = w
        keep += [syn, nc]
        if kind == "nmda":
            clamp = h.IClamp(secs[sname](x))
            clamp.delay, clamp.dur, clamp.amp = 0.0, 1e9, 0.0
            nmda = (syn, clamp, secs[sname](x), e)
            keep.append(clamp)
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = secondorder
    h.finitialize(V_INIT)
    ncs = [o for o in keep if o.hname().startswith("NetCon")]
    used = [s for s in SYNAPSES if with_nmda or s[0] != "nmda"]
    for nc, s in zip(ncs, used):
        for t in s[7]:
            nc.event(t)
    n = int(round(T_END / dt))
    every = int(round(EVERY / dt))
    rows = []
    for k in range(n + 1):
        if k % every == 0:
            rows.append((k * dt, soma(0.5).v, dend(0.8).v))
        if k == n:
            break
        if nmda is not None:
            syn, clamp, seg, e = nmda
            v = seg.v
            block = 1.0 / (1.0 + MG / 3.57 * math.exp(-0.062 * v))
            clamp.amp = -syn.g * block * (v - e)
        h.fadvance()
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../tests/data/neuron"))
    args = ap.parse_args()
    head = f"# NEURON {h.nrnversion().strip()}; made by tools/neuron_reference/synapse_reference.py (see its docstring)"
    out = []
    for name, dt, so, nm in [("exp2_be", DT, 0, False), ("exp2_cn", DT, 2, False), ("nmda_fine", DT / FINE, 2, True)]:
        rows = run(dt, so, nm)
        vs = np.array([r[1] for r in rows])
        print(f"{name}: soma v max {vs.max():.2f} mV, {np.sum((vs[:-1] < 0) & (vs[1:] >= 0))} spikes")
        out += [f"{name},{t:.4f},{a:.9f},{b:.9f}" for t, a, b in rows]
    with open(os.path.join(args.out, "synapse_traces.csv"), "w") as f:
        f.write(head + "\n")
        f.write("run,t_ms,v_soma,v_dend08\n")
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
