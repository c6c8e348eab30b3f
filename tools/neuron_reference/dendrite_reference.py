#!/usr/bin/python3
"""Reference data for engram's cable solver (src/engram/dendrites/) from NEURON.

1. d_lambda rule. For a set of test sections (uniform cylinders given by L and diam, and
   tapered sections given by 3-D points) NEURON's lambda_f(100) (stdlib.hoc) and the nseg of
   its two d_lambda recipes:
     CellBuilder (celbild/celgeom.hoc, shipped with NEURON):
         nseg = int((L/(d_lambda*lambda_f(100)) + 0.999)/2)*2 + 1
     fixnseg.hoc (the NEURON book, chapter 5):
         nseg = int((L/(d_lambda*lambda_f(100)) + 0.9)/2)*2 + 1
   for d_lambda 0.1 (and 0.3 for a second check).

2. Three small cells driven by current clamps, simulated for 100 ms at dt 0.025 ms with
   NEURON's two fixed-step methods (secondorder 0: backward Euler; secondorder 2:
   Crank-Nicolson), and at dt 0.025/64 ms with Crank-Nicolson as the converged solution.
   Every section has Ra and cm as given, nseg from the CellBuilder d_lambda rule (0.1 at
   100 Hz), hh at celsius 6.3 with its rate tables off (usetable_hh = 0: engram evaluates the
   rates exactly), v_init -65 mV:

   bs_pas  ball and stick (the geometry of Arbor's ball_and_stick.swc): soma L = diam =
           12.6157 um, hh; dend L 200 um, diam 1 um, pas (g 0.001 S/cm2, e -65 mV), dend(0)
           on soma(1); Ra 100 ohm cm, cm 1 uF/cm2. IClamp soma(0.5): delay 5 ms, dur 90 ms,
           amp 0.2 nA (eight spikes).
   bs_hh   active dendrite with a density gradient: soma L = diam = 20 um, hh; dend L 500 um,
           diam 2 um, hh with gnabar = 0.12 exp(-d/300 um) S/cm2, d the path distance of the
           segment centre from soma(0.5); dend(0) on soma(0.5); Ra 100, cm 1. Six IClamps at
           dend(0.8): amp 1 nA, dur 1 ms, delays 10, 25, 40, 55, 70, 85 ms (a dendritic
           spike each, propagating to the soma).
   y       Y-shaped: soma L = diam = 18 um, hh; trunk L 100 um, diam 2 um, hh; b1 L 150 um,
           diam 1 um, hh; b2 L 200 um, diam 0.6 um, pas (g 2e-4 S/cm2, e -65 mV); trunk(0) on
           soma(1), b1(0) and b2(0) on trunk(1); Ra 150, cm 1. IClamp at b1(1), the branch
           tip (a zero-area node): delay 5 ms, dur 90 ms, amp 0.1 nA (seven spikes).

   Spike times: upward crossings of 0 mV, linearly interpolated between the two samples
   that bracket the crossing (engram's tests do the same).

Usage: /usr/bin/python3 tools/neuron_reference/dendrite_reference.py [--out tests/data/neuron]
Writes:
  dendrite_d_lambda.csv  name,ra,cm,length_um,diam_um,points,d_lambda,lambda_f_um,nseg_cellbuilder,nseg_fixnseg
                         (points: "arc:diam;arc:diam..." for the 3-D sections, else empty)
  dendrite_segments.csv  model,section,nseg,index,x,area_um2,ri_mohm,distance_um,gnabar
                         every segment of the three cells (ri: NEURON's seg.ri(), the
                         resistance to the parent node; gnabar of hh or 0)
  dendrite_spikes.csv    model,method,location,index,t_ms   (methods be, cn, fine)
  dendrite_traces.csv    bs_pas: t_ms and v (mV) at soma(0.5), dend(0.5), dend(1) every 0.5 ms
                         for 0-20 ms, by be and cn
Runs in about a minute.
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
T_END = 100.0
V_INIT = -65.0

# d_lambda test sections: (name, Ra, cm, L, diam) or (name, Ra, cm, [(arc, diam), ...])
D_LAMBDA_SECTIONS = [
    ("thin_long", 100.0, 1.0, 1000.0, 0.5),
    ("thick_short", 100.0, 1.0, 50.0, 10.0),
    ("ball_and_stick_dend", 100.0, 1.0, 200.0, 1.0),
    ("squid_like", 35.4, 1.0, 5000.0, 20.0),
    ("high_ra_cm", 250.0, 2.0, 300.0, 0.8),
    ("soma_like", 100.0, 1.0, 20.0, 20.0),
    ("exact_edge", 150.0, 1.0, 1.0e3, 3.0),
    ("taper", 100.0, 1.0, [(0.0, 4.0), (50.0, 3.0), (120.0, 1.5), (300.0, 0.6)]),
    ("taper_steps", 200.0, 1.5, [(0.0, 2.0), (10.0, 2.0), (10.5, 0.5), (400.0, 0.5), (600.0, 0.3)]),
    ("flare", 80.0, 0.8, [(0.0, 0.5), (100.0, 1.0), (250.0, 5.0)]),
]
D_LAMBDAS = [0.1, 0.3]


def nseg_rule(sec, d_lambda, offset):
    return int((sec.L / (d_lambda * h.lambda_f(100, sec=sec)) + offset) / 2) * 2 + 1


def d_lambda_table():
    rows = []
    for entry in D_LAMBDA_SECTIONS:
        name, ra, cm = entry[:3]
        sec = h.Section(name=name)
        sec.Ra = ra
        sec.cm = cm
        if len(entry) == 5:
            sec.L = entry[3]
            sec.diam = entry[4]
            points = ""
        else:
            for arc, d in entry[3]:
                h.pt3dadd(arc, 0.0, 0.0, d, sec=sec)
            points = ";".join(f"{arc:g}:{d:g}" for arc, d in entry[3])
        for dl in D_LAMBDAS:
            lam = h.lambda_f(100, sec=sec)
            rows.append(
                f"{name},{ra:g},{cm:g},{sec.L:.10g},{sec.diam if not points else 0:.10g},"
                f"{points},{dl:g},{lam:.10g},{nseg_rule(sec, dl, 0.999)},{nseg_rule(sec, dl, 0.9)}"
            )
        del sec
    return rows


class Cell:
    """One of the three test cells: sections, stimuli and the recorded locations."""

    def __init__(self, name):
        self.name = name
        self.stims = []
        if name == "bs_pas":
            soma = self.section("soma", 12.6157, 12.6157, "hh")
            dend = self.section("dend", 200.0, 1.0, "pas", g_pas=0.001, e_pas=-65.0)
            dend.connect(soma(1))
            self.sections = [soma, dend]
            self.finish(ra=100.0, cm=1.0)
            self.iclamp(soma(0.5), 5.0, 90.0, 0.2)
            self.record = {"soma(0.5)": soma(0.5), "dend(0.5)": dend(0.5), "dend(1)": dend(1)}
            self.spikes_at = ["soma(0.5)"]
        elif name == "bs_hh":
            soma = self.section("soma", 20.0, 20.0, "hh")
            dend = self.section("dend", 500.0, 2.0, "hh")
            dend.connect(soma(0.5))
            self.sections = [soma, dend]
            self.finish(ra=100.0, cm=1.0)
            h.distance(0, soma(0.5))
            for seg in dend:
                seg.hh.gnabar = 0.12 * math.exp(-h.distance(seg) / 300.0)
            for k in range(6):
                self.iclamp(dend(0.8), 10.0 + 15.0 * k, 1.0, 1.0)
            self.record = {"soma(0.5)": soma(0.5), "dend(0.8)": dend(0.8)}
            self.spikes_at = ["soma(0.5)", "dend(0.8)"]
        elif name == "y":
            soma = self.section("soma", 18.0, 18.0, "hh")
            trunk = self.section("trunk", 100.0, 2.0, "hh")
            b1 = self.section("b1", 150.0, 1.0, "hh")
            b2 = self.section("b2", 200.0, 0.6, "pas", g_pas=2e-4, e_pas=-65.0)
            trunk.connect(soma(1))
            b1.connect(trunk(1))
            b2.connect(trunk(1))
            self.sections = [soma, trunk, b1, b2]
            self.finish(ra=150.0, cm=1.0)
            self.iclamp(b1(1), 5.0, 90.0, 0.1)
            self.record = {"soma(0.5)": soma(0.5), "b1(0.5)": b1(0.5)}
            self.spikes_at = ["soma(0.5)", "b1(0.5)"]
        else:
            raise ValueError(name)
        h.distance(0, self.sections[0](0.5))

    def section(self, name, length, diam, mech, **params):
        sec = h.Section(name=f"{self.name}_{name}")
        sec.L = length
        sec.diam = diam
        sec.insert(mech)
        for k, v in params.items():
            setattr(sec, k, v)
        return sec

    def finish(self, ra, cm):
        for sec in self.sections:
            sec.Ra = ra
            sec.cm = cm
        for sec in self.sections:  # after Ra and cm: lambda_f depends on them
            sec.nseg = nseg_rule(sec, 0.1, 0.999)

    def iclamp(self, seg, delay, dur, amp):
        c = h.IClamp(seg)
        c.delay = delay
        c.dur = dur
        c.amp = amp
        self.stims.append(c)

    def short(self, sec):
        return sec.name()[len(self.name) + 1 :]

    def segments(self):
        rows = []
        for sec in self.sections:
            for k, seg in enumerate(sec):
                g = seg.hh.gnabar if hasattr(seg, "hh") else 0.0
                rows.append(
                    f"{self.name},{self.short(sec)},{sec.nseg},{k},{seg.x:.10g},{seg.area():.10g},"
                    f"{seg.ri():.10g},{h.distance(seg):.10g},{g:.10g}"
                )
        return rows

    def run(self, dt, secondorder, tstop=T_END):
        h.dt = dt
        h.steps_per_ms = 1.0 / dt
        h.secondorder = secondorder
        vecs = {k: h.Vector().record(seg._ref_v) for k, seg in self.record.items()}
        h.finitialize(V_INIT)
        h.continuerun(tstop)
        n = int(round(tstop / dt))
        out = {k: np.array(v)[: n + 1] for k, v in vecs.items()}
        h.frecord_init()
        return np.arange(n + 1) * dt, out


def crossings(t, v, thresh=0.0):
    k = np.nonzero((v[:-1] < thresh) & (v[1:] >= thresh))[0]
    return t[k] + (thresh - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../tests/data/neuron"))
    args = ap.parse_args()
    version = h.nrnversion().strip()
    head = f"# NEURON {version}; made by tools/neuron_reference/dendrite_reference.py"

    with open(os.path.join(args.out, "dendrite_d_lambda.csv"), "w") as f:
        f.write(head + "; lambda_f(100) of stdlib.hoc; nseg rules of celgeom.hoc (+0.999) and fixnseg.hoc (+0.9)\n")
        f.write("name,ra,cm,length_um,diam_um,points,d_lambda,lambda_f_um,nseg_cellbuilder,nseg_fixnseg\n")
        f.write("\n".join(d_lambda_table()) + "\n")

    seg_rows, spike_rows, traces = [], [], {}
    methods = {"be": (DT, 0), "cn": (DT, 2), "fine": (DT / FINE, 2)}
    for name in ["bs_pas", "bs_hh", "y"]:
        cell = Cell(name)
        seg_rows += cell.segments()
        for method, (dt, so) in methods.items():
            t, v = cell.run(dt, so)
            for loc in cell.spikes_at:
                ts = crossings(t, v[loc])
                print(f"{name:7s} {method:5s} {loc:10s} {len(ts)} spikes: {np.round(ts, 4)}")
                spike_rows += [f"{name},{method},{loc},{k},{x:.6f}" for k, x in enumerate(ts)]
            if name == "bs_pas" and method != "fine":
                every = int(round(0.5 / dt))
                stop = int(round(20.0 / dt))
                traces[method] = (t[: stop + 1 : every], {k: x[: stop + 1 : every] for k, x in v.items()})
        del cell

    with open(os.path.join(args.out, "dendrite_segments.csv"), "w") as f:
        f.write(head + "; the cells of dendrite_spikes.csv (see the script's docstring)\n")
        f.write("model,section,nseg,index,x,area_um2,ri_mohm,distance_um,gnabar\n")
        f.write("\n".join(seg_rows) + "\n")
    with open(os.path.join(args.out, "dendrite_spikes.csv"), "w") as f:
        f.write(
            head + f"; hh celsius 6.3 usetable_hh 0, v_init -65 mV, {T_END:g} ms; be = dt {DT} ms secondorder 0, "
            f"cn = dt {DT} ms secondorder 2, fine = dt {DT}/{FINE} ms secondorder 2; upward crossings of 0 mV\n"
        )
        f.write("model,method,location,index,t_ms\n")
        f.write("\n".join(spike_rows) + "\n")
    with open(os.path.join(args.out, "dendrite_traces.csv"), "w") as f:
        f.write(head + f"; bs_pas, dt {DT} ms; be = secondorder 0, cn = secondorder 2\n")
        locs = ["soma(0.5)", "dend(0.5)", "dend(1)"]
        f.write("t_ms," + ",".join(f"{m}_{l}" for m in ["be", "cn"] for l in locs) + "\n")
        t = traces["be"][0]
        for i in range(len(t)):
            vals = [traces[m][1][l][i] for m in ["be", "cn"] for l in locs]
            f.write(f"{t[i]:.3f}," + ",".join(f"{x:.9f}" for x in vals) + "\n")


if __name__ == "__main__":
    main()
