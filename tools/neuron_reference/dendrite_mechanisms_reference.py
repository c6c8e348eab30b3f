#!/usr/bin/python3
"""Reference data from NEURON for engram's dendritic Ca and h channels, its voltage clamp on
cable cells, and a reconstructed morphology (src/engram/dendrites/, tests/dendrites/).

Debian's NEURON cannot compile NMODL here (no nrnivmodl), so the two channels are built with
NEURON's KSChan (the Channel Builder's engine, compiled into NEURON), whose HH-style gates
take rate functions of fixed forms. The forms fit the mod files exactly:
  ih      (Hay et al. 2011 Ih.mod, Kole et al. 2006):  i = gbar m (v - eh), eh = -45 mV
          a_m = 0.00643 (v+154.9)/(exp((v+154.9)/11.9) - 1)   linoid A k (v-d)/(1 - exp(-k (v-d)))
                                                              A = 0.00643 x 11.9, k = -1/11.9, d = -154.9
          b_m = 0.193 exp(v/33.1)                              exp A exp(k (v-d)), A = 0.193, k = 1/33.1, d = 0
  ca_hva  (Hay et al. 2011 Ca_HVA.mod, Reuveni et al. 1993): i = gbar m^2 h (v - eca), eca fixed
          a_m = 0.055 (-27-v)/(exp((-27-v)/3.8) - 1)          linoid A = 0.055 x 3.8, k = 1/3.8, d = -27
          b_m = 0.94 exp((-75-v)/17)                          exp A = 0.94, k = -1/17, d = -75
          a_h = 0.000457 exp((-13-v)/50)                      exp A = 0.000457, k = -1/50, d = -13
          b_h = 0.0065/(exp((-v-15)/28) + 1)                  sigmoid A/(1 + exp(k (v-d))), A = 0.0065, k = -1/28, d = -15
The script checks each KSChan rate against the formula at several voltages before use.
Non-specific currents with a fixed reversal potential (eca = 132.458 mV, NEURON's default
Nernst value at 6.3 degC; engram has no ion concentrations yet).

Cases (hh at celsius 6.3, usetable_hh 0; Ra, cm as given; nseg by the CellBuilder d_lambda
rule (0.1 at 100 Hz); v_init -65 mV). Methods: be = dt 0.025 ms secondorder 0, cn = dt 0.025
ms secondorder 2, fine = dt 0.025/16 ms secondorder 2 (sampled at the 0.025 ms grid).
 channels (dendrite_channels.csv: v every 0.5 ms; spike times in dendrite_channel_spikes.csv)
  ih_single   one compartment, area 10000 um2 (L = diam = 56.419 um), cm 1: pas g 5e-5 S/cm2
              e -65 mV + ih gbar 2e-4 S/cm2; IClamp -0.2 nA 20-220 ms, +0.1 nA 250-350 ms;
              400 ms (the sag and rebound).
  ca_single   the same compartment with hh + ca_hva gbar 2e-3 S/cm2; IClamp 0.8 nA 10-190 ms;
              200 ms.
  dend        soma L = diam = 20 um, hh; dend L 800 um, diam 2 um, on soma(0.5), pas (g 3e-5,
              e -65) + hh with gnabar 0.02, gkbar 0.006, gl 0 + ih with gbar = 1e-4 (-0.8696 +
              2.087 exp(0.0031 d)) S/cm2 (the Kole/Hay gradient, d the path distance of the
              segment centre from soma(0.5), um) + ca_hva gbar 1e-3 S/cm2 where 400 <= d <= 700 um;
              Ra 100, cm 1. IClamp soma(0.5) 0.4 nA 20-70 ms; IClamp dend(0.9) -0.3 nA
              100-200 ms; 250 ms. v at soma(0.5) and dend(0.9).
 voltage clamp (dendrite_seclamp.csv: every 0.025 ms, SEClamp.i in nA (positive into the cell)
                and v at a distant location)
  sec_pas     ball and stick of dendrite_reference.py (soma 12.6157 um, dend 200 x 1 um at
              soma(1)), pas everywhere (g 0.001, e -65), Ra 100, cm 1. SEClamp soma(0.5), rs 1
              MOhm: -65 mV 5 ms, -20 mV 20 ms, -80 mV 10 ms; then off to 40 ms. v at dend(1).
  sec_pas_tip the same, SEClamp at dend(1) (a zero-area node), rs 0.1 MOhm; v at soma(0.5).
  sec_hh      soma L = diam = 20 um, hh; dend L 500 um, diam 2 um, on soma(0.5), hh with gnabar
              0.12 exp(-d/300 um); Ra 100, cm 1. SEClamp soma(0.5), rs 0.5 MOhm: -65 mV 5 ms,
              -10 mV 10 ms, -65 mV 15 ms; 35 ms. v at dend(0.8).
 reconstructed cell (dendrite_swc.csv: segments count; dendrite_swc_spikes.csv)
  swc         tests/data/swc/pyramidal.swc (NeuroMorpho NMO_49821, three-point soma), converted
              to sections by engram's rules (src/engram/dendrites/swc.hpp), written out here
              independently: soma a cylinder L = diam = 2 r at the root; the soma's non-soma
              children start their sections at their own first sample and attach at soma(0.5);
              a section runs through single same-type children and ends at a fork, a tip or a
              type change; a child section starts at its parent sample (the parent's diameter
              when the types agree, else its own) and attaches at the parent's x = 1.
              Ra 100, cm 1, hh everywhere; in the dendrites (not the soma) gnabar 0.06, gkbar
              0.018, gl 1e-4, el -65. IClamp soma(0.5) 0.8 nA 5-95 ms; 100 ms.
              Spikes (0 mV crossings) at soma(0.5) and at x = 0.5 of the apical section whose
              end is farthest from the soma (named by the SWC line of its first sample).

Usage: /usr/bin/python3 tools/neuron_reference/dendrite_mechanisms_reference.py [--out tests/data/neuron]
Runs in about ten seconds.
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
V_INIT = -65.0
ECA = 132.458
HERE = os.path.dirname(os.path.abspath(__file__))


# --- KSChan channels ---------------------------------------------------------------------------
def hh_gate(ks, name, power, alpha, beta):
    g = ks.add_hhstate(name)
    ks.gate(ks.ngate() - 1).power(power)
    tr = ks.trans(g, g)
    tr.type(0)  # alpha / beta
    tr.set_f(0, alpha[0], h.Vector(alpha[1:]))
    tr.set_f(1, beta[0], h.Vector(beta[1:]))
    return tr


EXP, LINOID, SIGMOID = 2, 3, 4
ks_ih = h.KSChan(0)
ks_ih.name("ih")
ks_ih.ion("NonSpecific")
ks_ih.iv_type(0)
ks_ih.erev(-45.0)
ih_m = hh_gate(ks_ih, "m", 1, (LINOID, 0.00643 * 11.9, -1 / 11.9, -154.9), (EXP, 0.193, 1 / 33.1, 0.0))
ks_ca = h.KSChan(0)
ks_ca.name("ca_hva")
ks_ca.ion("NonSpecific")
ks_ca.iv_type(0)
ks_ca.erev(ECA)
ca_m = hh_gate(ks_ca, "m", 2, (LINOID, 0.055 * 3.8, 1 / 3.8, -27.0), (EXP, 0.94, -1 / 17, -75.0))
ca_h = hh_gate(ks_ca, "h", 1, (EXP, 0.000457, -1 / 50, -13.0), (SIGMOID, 0.0065, -1 / 28, -15.0))
for ks in (ks_ih, ks_ca):
    ks.usetable(0)


def check_rates():
    formulas = [
        (ih_m, lambda v: 0.00643 * (v + 154.9) / (math.exp((v + 154.9) / 11.9) - 1), lambda v: 0.193 * math.exp(v / 33.1)),
        (ca_m, lambda v: 0.055 * (-27 - v) / (math.exp((-27 - v) / 3.8) - 1), lambda v: 0.94 * math.exp((-75 - v) / 17)),
        (ca_h, lambda v: 0.000457 * math.exp((-13 - v) / 50), lambda v: 0.0065 / (math.exp((-v - 15) / 28) + 1)),
    ]
    for tr, a, b in formulas:
        for v in (-100.3, -70.1, -40.2, -10.7, 20.3):
            for k, f in ((0, a), (1, b)):
                got, want = tr.f(k, v), f(v)
                assert abs(got - want) <= 1e-12 * abs(want), (v, k, got, want)


# --- helpers ---------------------------------------------------------------------------------------
def nseg_rule(sec):
    return int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.999) / 2) * 2 + 1


def finish(sections, ra, cm):
    for sec in sections:
        sec.Ra = ra
        sec.cm = cm
    for sec in sections:
        sec.nseg = nseg_rule(sec)


def iclamp(seg, delay, dur, amp, keep):
    c = h.IClamp(seg)
    c.delay, c.dur, c.amp = delay, dur, amp
    keep.append(c)


def run(refs, tstop, dt, secondorder, every):
    """Records the refs (name -> pointer) every `every` ms (a multiple of dt) over tstop."""
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


def single(mechs, **params):
    s = h.Section(name="single")
    s.L = s.diam = math.sqrt(10000.0 / math.pi)
    s.cm = 1.0
    s.nseg = 1
    for m in mechs:
        s.insert(m)
    for k, v in params.items():
        setattr(s, k, v)
    return s


def channel_cases():
    rows, spikes = [], []
    keep = []
    # ih_single
    s = single(["pas", "ih"], g_pas=5e-5, e_pas=-65.0, gmax_ih=2e-4)
    iclamp(s(0.5), 20.0, 200.0, -0.2, keep)
    iclamp(s(0.5), 250.0, 100.0, 0.1, keep)
    cases = [("ih_single", {"v": s(0.5)._ref_v}, 400.0)]
    yield_rows(cases, rows, spikes)
    del keep[:]
    del s
    # ca_single
    s = single(["hh", "ca_hva"], gmax_ca_hva=2e-3)
    iclamp(s(0.5), 10.0, 180.0, 0.8, keep)
    yield_rows([("ca_single", {"v": s(0.5)._ref_v}, 200.0)], rows, spikes)
    del keep[:]
    del s
    # dend
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20.0
    soma.insert("hh")
    dend = h.Section(name="dend")
    dend.L, dend.diam = 800.0, 2.0
    dend.connect(soma(0.5))
    for m in ("pas", "hh", "ih", "ca_hva"):
        dend.insert(m)
    dend.g_pas, dend.e_pas = 3e-5, -65.0
    dend.gnabar_hh, dend.gkbar_hh, dend.gl_hh = 0.02, 0.006, 0.0
    finish([soma, dend], 100.0, 1.0)
    h.distance(0, soma(0.5))
    for seg in dend:
        d = h.distance(seg)
        seg.gmax_ih = 1e-4 * (-0.8696 + 2.087 * math.exp(0.0031 * d))
        seg.gmax_ca_hva = 1e-3 if 400.0 <= d <= 700.0 else 0.0
    iclamp(soma(0.5), 20.0, 50.0, 0.4, keep)
    iclamp(dend(0.9), 100.0, 100.0, -0.3, keep)
    print("dend nseg", dend.nseg)
    yield_rows([("dend", {"soma(0.5)": soma(0.5)._ref_v, "dend(0.9)": dend(0.9)._ref_v}, 250.0)], rows, spikes)
    return rows, spikes


def yield_rows(cases, rows, spikes):
    for name, refs, tstop in cases:
        for method, (dt, so) in METHODS.items():
            t, v = run(refs, tstop, dt, so, DT)
            for loc, x in v.items():
                ts = crossings(t, x)
                print(f"{name:10s} {method:5s} {loc:10s} {len(ts)} spikes: {np.round(ts, 3)}")
                spikes += [f"{name},{method},{loc},{k},{y:.6f}" for k, y in enumerate(ts)]
                rows += [f"{name},{method},{loc},{t[i]:.3f},{x[i]:.9f}" for i in range(0, len(t), 20)]


# --- voltage clamp ---------------------------------------------------------------------------------
def seclamp_cases():
    rows = []
    for name in ("sec_pas", "sec_pas_tip", "sec_hh"):
        if name.startswith("sec_pas"):
            soma = h.Section(name="soma")
            soma.L = soma.diam = 12.6157
            dend = h.Section(name="dend")
            dend.L, dend.diam = 200.0, 1.0
            dend.connect(soma(1))
            for sec in (soma, dend):
                sec.insert("pas")
                sec.g_pas, sec.e_pas = 0.001, -65.0
            finish([soma, dend], 100.0, 1.0)
            if name == "sec_pas":
                c, far, rs = h.SEClamp(soma(0.5)), dend(1), 1.0
            else:
                c, far, rs = h.SEClamp(dend(1)), soma(0.5), 0.1
            levels, tstop = [(5.0, -65.0), (20.0, -20.0), (10.0, -80.0)], 40.0
        else:
            soma = h.Section(name="soma")
            soma.L = soma.diam = 20.0
            soma.insert("hh")
            dend = h.Section(name="dend")
            dend.L, dend.diam = 500.0, 2.0
            dend.connect(soma(0.5))
            dend.insert("hh")
            finish([soma, dend], 100.0, 1.0)
            h.distance(0, soma(0.5))
            for seg in dend:
                seg.hh.gnabar = 0.12 * math.exp(-h.distance(seg) / 300.0)
            c, far, rs = h.SEClamp(soma(0.5)), dend(0.8), 0.5
            levels, tstop = [(5.0, -65.0), (10.0, -10.0), (15.0, -65.0)], 35.0
        c.rs = rs
        (c.dur1, c.amp1), (c.dur2, c.amp2), (c.dur3, c.amp3) = levels
        for method, (dt, so) in METHODS.items():
            t, v = run({"i": c._ref_i, "v": far._ref_v}, tstop, dt, so, DT)
            rows += [f"{name},{method},{t[k]:.3f},{v['i'][k]:.9f},{v['v'][k]:.9f}" for k in range(len(t))]
            print(f"{name:12s} {method:5s} i(10 ms) {v['i'][400]:.6f} nA, v_far(10 ms) {v['v'][400]:.6f} mV")
        del c, soma, dend
    return rows


# --- reconstructed cell ------------------------------------------------------------------------------
def read_swc(path):
    samples = {}
    order = []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            line = line.split("#")[0].strip()
            if not line:
                continue
            i, t, x, y, z, r, p = line.split()
            samples[int(i)] = dict(type=int(t), p=(float(x), float(y), float(z)), d=2 * float(r), parent=int(p), line=line_no)
            order.append(int(i))
    children = {i: [] for i in order}
    for i in order:
        if samples[i]["parent"] >= 0:
            children[samples[i]["parent"]].append(i)
    return samples, order, children


def swc_cell(path):
    smp, order, children = read_swc(path)
    root = order[0]
    soma_ids = [root] + [c for c in children[root] if smp[c]["type"] == 1]
    assert len(soma_ids) == 3, "the script handles the three-point soma only"
    soma = h.Section(name="soma")
    r = smp[root]["d"] / 2
    soma.L = soma.diam = 2 * r
    sections = [soma]
    by_line = {}
    tips = {}
    # (first sample, parent section, parent x, start point or None)
    stack = [(c, soma, 0.5, None) for s in reversed(soma_ids) for c in reversed(children[s]) if smp[c]["type"] != 1]
    while stack:
        first, parent, px, start = stack.pop()
        sec = h.Section(name=f"s{smp[first]['line']}")
        pts = [] if start is None else [start]
        cur = first
        pts.append((smp[cur]["p"], smp[cur]["d"]))
        while len(children[cur]) == 1 and smp[children[cur][0]]["type"] == smp[cur]["type"]:
            cur = children[cur][0]
            pts.append((smp[cur]["p"], smp[cur]["d"]))
        for (x, y, z), d in pts:
            h.pt3dadd(x, y, z, d, sec=sec)
        sec.connect(parent(px))
        sections.append(sec)
        by_line[smp[first]["line"]] = sec
        tips[smp[first]["line"]] = smp[first]["type"]
        for c in reversed(children[cur]):
            d = smp[cur]["d"] if smp[c]["type"] == smp[cur]["type"] else smp[c]["d"]
            stack.append((c, sec, 1.0, (smp[cur]["p"], d)))
    return soma, sections, by_line, tips


def swc_case(out, head):
    soma, sections, by_line, types = swc_cell(os.path.join(HERE, "..", "..", "tests", "data", "swc", "pyramidal.swc"))
    finish(sections, 100.0, 1.0)
    for sec in sections:
        sec.insert("hh")
        if sec is not soma:
            sec.gnabar_hh, sec.gkbar_hh, sec.gl_hh, sec.el_hh = 0.06, 0.018, 1e-4, -65.0
    h.distance(0, soma(0.5))
    apical = [(h.distance(sec(1)), line) for line, sec in by_line.items() if types[line] == 4]
    far_d, far_line = max(apical)
    keep = []
    iclamp(soma(0.5), 5.0, 90.0, 0.8, keep)
    nodes = sum(sec.nseg for sec in sections)
    area = sum(seg.area() for sec in sections for seg in sec)
    print(f"swc: {len(sections)} sections, {nodes} segments, area {area:.3f} um2; far apical line {far_line} at {far_d:.1f} um")
    rows = []
    for method, (dt, so) in METHODS.items():
        t, v = run({"soma(0.5)": soma(0.5)._ref_v, f"line{far_line}(0.5)": by_line[far_line](0.5)._ref_v}, 100.0, dt, so, dt)
        for loc, x in v.items():
            ts = crossings(t, x)
            print(f"swc {method:5s} {loc:14s} {len(ts)} spikes: {np.round(ts, 4)}")
            rows += [f"swc,{method},{loc},{k},{y:.6f}" for k, y in enumerate(ts)]
    with open(os.path.join(out, "dendrite_swc_spikes.csv"), "w") as f:
        f.write(head + f"; pyramidal.swc: {len(sections)} sections, {nodes} segments, total area {area:.6f} um2, "
                f"far apical section: first sample on line {far_line}, end {far_d:.3f} um from soma(0.5)\n")
        f.write("model,method,location,index,t_ms\n")
        f.write("\n".join(rows) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "..", "tests", "data", "neuron"))
    ap.add_argument("--only", default="", help="channels, seclamp or swc (default all)")
    args = ap.parse_args()
    check_rates()
    head = f"# NEURON {h.nrnversion().strip()}; made by tools/neuron_reference/dendrite_mechanisms_reference.py"
    if args.only in ("", "channels"):
        rows, spikes = channel_cases()
        with open(os.path.join(args.out, "dendrite_channels.csv"), "w") as f:
            f.write(head + "; ih and ca_hva as KSChan; be/cn dt 0.025 ms, fine dt 0.025/16; v every 0.5 ms\n")
            f.write("model,method,location,t_ms,v_mV\n" + "\n".join(rows) + "\n")
        with open(os.path.join(args.out, "dendrite_channel_spikes.csv"), "w") as f:
            f.write(head + "; upward crossings of 0 mV on the 0.025 ms grid\n")
            f.write("model,method,location,index,t_ms\n" + "\n".join(spikes) + "\n")
    if args.only in ("", "seclamp"):
        rows = seclamp_cases()
        with open(os.path.join(args.out, "dendrite_seclamp.csv"), "w") as f:
            f.write(head + "; SEClamp.i (nA, into the cell) and v far from the clamp, every 0.025 ms\n")
            f.write("model,method,t_ms,i_nA,v_mV\n" + "\n".join(rows) + "\n")
    if args.only in ("", "swc"):
        swc_case(args.out, head)


if __name__ == "__main__":
    main()
