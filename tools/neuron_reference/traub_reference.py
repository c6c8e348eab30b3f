#!/usr/bin/python3
"""Reference data from NEURON for engram's `traub` density mechanism (Traub & Miles 1991 Na
and K channels as Destexhe & Pare 1999, the channels of hh_cond_exp_traub;
src/engram/dendrites/mechanisms/traub.cpp), checked by tests/dendrites/traub_test.cpp.

Debian's NEURON cannot compile NMODL here (no nrnivmodl), so the two channels are built with
KSChan, whose HH-style gates take rate functions of fixed forms (see
dendrite_mechanisms_reference.py). With u = v - vt:
  a_m = 0.32 (13 - u)/(exp((13 - u)/4) - 1)   linoid A k (v-d)/(1 - exp(-k (v-d))): A = 1.28, k = 1/4, d = vt + 13
  b_m = 0.28 (u - 40)/(exp((u - 40)/5) - 1)   linoid A = 1.4, k = -1/5, d = vt + 40
  a_h = 0.128 exp((17 - u)/18)                exp A exp(k (v-d)): A = 0.128, k = -1/18, d = vt + 17
  b_h = 4/(1 + exp((40 - u)/5))               sigmoid A/(1 + exp(k (v-d))): A = 4, k = -1/5, d = vt + 40
  a_n = 0.032 (15 - u)/(exp((15 - u)/5) - 1)  linoid A = 0.16, k = 1/5, d = vt + 15
  b_n = 0.5 exp((10 - u)/40)                  exp A = 0.5, k = -1/40, d = vt + 10
The script checks each KSChan rate against the formula at several voltages before use. The
Na and K channels are NonSpecific with fixed reversal potentials (ena 50, ek -90 mV).

Cases (v_init -65 mV; nseg by the d_lambda rule 0.1 at 100 Hz). Methods: be = dt 0.025 ms
secondorder 0, cn = dt 0.025 ms secondorder 2, fine = dt 0.025/16 ms secondorder 2.
  traub_single  one compartment, area 10000 um2 (L = diam = 56.419 um), cm 1: pas g 2.5e-4
                S/cm2, e -65 mV + traub (gnabar 0.1, gkbar 0.03, vt -63); IClamp 0.15 nA
                10-110 ms then 0.4 nA 110-190 ms; 200 ms (a slow, then a fast spike train).
  traub_dend    soma L = diam = 20 um with pas (g 1e-3, e -70) + traub; dend L 400 um, diam
                1.5 um, on soma(1), pas (g 5e-5, e -70) + traub (gnabar 0.01, gkbar 0.003,
                vt -55); Ra 150, cm 1. IClamp soma(0.5) 0.3 nA 20-120 ms; 150 ms. v at
                soma(0.5) and dend(0.9).
Writes tests/data/neuron/dendrite_traub.csv (v every 0.5 ms) and dendrite_traub_spikes.csv
(upward crossings of 0 mV).

Usage: /usr/bin/python3 tools/neuron_reference/traub_reference.py [--out tests/data/neuron]
"""
import argparse
import math
import os

import numpy as np
from neuron import h

h.load_file("stdrun.hoc")
h.cvode_active(0)

DT = 0.025
V_INIT = -65.0
HERE = os.path.dirname(os.path.abspath(__file__))
EXP, LINOID, SIGMOID = 2, 3, 4


def hh_gate(ks, name, power, alpha, beta):
    g = ks.add_hhstate(name)
    ks.gate(ks.ngate() - 1).power(power)
    tr = ks.trans(g, g)
    tr.type(0)  # alpha / beta
    tr.set_f(0, alpha[0], h.Vector(alpha[1:]))
    tr.set_f(1, beta[0], h.Vector(beta[1:]))
    return tr


def traub_channels(suffix, vt):
    """KSChans traub_na<suffix> and traub_k<suffix> with the rates shifted by vt."""
    na = h.KSChan(0)
    na.name("traub_na" + suffix)
    na.ion("NonSpecific")
    na.iv_type(0)
    na.erev(50.0)
    m = hh_gate(na, "m", 3, (LINOID, 1.28, 1 / 4, vt + 13), (LINOID, 1.4, -1 / 5, vt + 40))
    hg = hh_gate(na, "h", 1, (EXP, 0.128, -1 / 18, vt + 17), (SIGMOID, 4.0, -1 / 5, vt + 40))
    k = h.KSChan(0)
    k.name("traub_k" + suffix)
    k.ion("NonSpecific")
    k.iv_type(0)
    k.erev(-90.0)
    n = hh_gate(k, "n", 4, (LINOID, 0.16, 1 / 5, vt + 15), (EXP, 0.5, -1 / 40, vt + 10))
    for ks in (na, k):
        ks.usetable(0)
    formulas = [
        (m, lambda u: 0.32 * (13 - u) / (math.exp((13 - u) / 4) - 1),
         lambda u: 0.28 * (u - 40) / (math.exp((u - 40) / 5) - 1)),
        (hg, lambda u: 0.128 * math.exp((17 - u) / 18), lambda u: 4 / (1 + math.exp((40 - u) / 5))),
        (n, lambda u: 0.032 * (15 - u) / (math.exp((15 - u) / 5) - 1),
         lambda u: 0.5 * math.exp((10 - u) / 40)),
    ]
    for tr, a, b in formulas:
        for v in (-100.3, -70.1, -40.2, -10.7, 20.3):
            for idx, f in ((0, a), (1, b)):
                got, want = tr.f(idx, v), f(v - vt)
                assert abs(got - want) <= 1e-12 * abs(want), (suffix, v, idx, got, want)
    return na, k


def nseg_rule(sec):
    return int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.999) / 2) * 2 + 1


def run(refs, tstop, dt, secondorder, every):
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = secondorder
    vecs = {k: h.Vector().record(r) for k, r in refs.items()}
    h.finitialize(V_INIT)
    h.continuerun(tstop)
    n = int(round(tstop / dt))
    stride = int(round(every / dt))
    out = {k: np.array(v)[: n + 1 : stride] for k, v in vecs.items()}
    h.frecord_init()
    return np.arange(0, n + 1, stride) * dt, out


def crossings(t, v, thresh=0.0):
    k = np.nonzero((v[:-1] < thresh) & (v[1:] >= thresh))[0]
    return t[k] + (thresh - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])


METHODS = {"be": (DT, 0), "cn": (DT, 2), "fine": (DT / 16, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "tests", "data", "neuron"))
    args = ap.parse_args()
    keep = [traub_channels("", -63.0), traub_channels("_d", -55.0)]

    def iclamp(seg, delay, dur, amp):
        c = h.IClamp(seg)
        c.delay, c.dur, c.amp = delay, dur, amp
        keep.append(c)

    cases = []
    s = h.Section(name="single")
    s.L = s.diam = math.sqrt(10000.0 / math.pi)
    s.cm, s.nseg = 1.0, 1
    for mech in ("pas", "traub_na", "traub_k"):
        s.insert(mech)
    s.g_pas, s.e_pas = 2.5e-4, -65.0
    s.gmax_traub_na, s.gmax_traub_k = 0.1, 0.03
    iclamp(s(0.5), 10.0, 100.0, 0.15)
    iclamp(s(0.5), 110.0, 80.0, 0.4)
    cases.append(("traub_single", {"v": s(0.5)._ref_v}, 200.0))

    soma = h.Section(name="soma")
    soma.L = soma.diam = 20.0
    dend = h.Section(name="dend")
    dend.L, dend.diam = 400.0, 1.5
    dend.connect(soma(1))
    for sec in (soma, dend):
        sec.Ra, sec.cm = 150.0, 1.0
        sec.insert("pas")
        sec.e_pas = -70.0
    for sec in (soma, dend):
        sec.nseg = nseg_rule(sec)
    soma.g_pas, dend.g_pas = 1e-3, 5e-5
    soma.insert("traub_na")
    soma.insert("traub_k")
    soma.gmax_traub_na, soma.gmax_traub_k = 0.1, 0.03
    dend.insert("traub_na_d")
    dend.insert("traub_k_d")
    dend.gmax_traub_na_d, dend.gmax_traub_k_d = 0.01, 0.003
    iclamp(soma(0.5), 20.0, 100.0, 0.3)
    print("dend nseg", dend.nseg)
    cases.append(("traub_dend", {"soma(0.5)": soma(0.5)._ref_v, "dend(0.9)": dend(0.9)._ref_v}, 150.0))

    rows, spikes = [], []
    for name, refs, tstop in cases:
        for method, (dt, so) in METHODS.items():
            t, v = run(refs, tstop, dt, so, DT)
            for loc, x in v.items():
                ts = crossings(t, x)
                print(f"{name:12s} {method:5s} {loc:10s} {len(ts)} spikes: {np.round(ts, 3)}")
                spikes += [f"{name},{method},{loc},{k},{y:.6f}" for k, y in enumerate(ts)]
                rows += [f"{name},{method},{loc},{t[i]:.3f},{x[i]:.9f}" for i in range(0, len(t), 20)]
    head = f"# NEURON {h.nrnversion().strip()}; made by tools/neuron_reference/traub_reference.py"
    with open(os.path.join(args.out, "dendrite_traub.csv"), "w") as f:
        f.write(head + "; traub Na and K as KSChan; be/cn dt 0.025 ms, fine dt 0.025/16; v every 0.5 ms\n")
        f.write("model,method,location,t_ms,v_mV\n" + "\n".join(rows) + "\n")
    with open(os.path.join(args.out, "dendrite_traub_spikes.csv"), "w") as f:
        f.write(head + "; upward crossings of 0 mV on the 0.025 ms grid\n")
        f.write("model,method,location,index,t_ms\n" + "\n".join(spikes) + "\n")


if __name__ == "__main__":
    main()
