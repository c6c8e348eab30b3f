#!/usr/bin/python3
"""engram vs NEURON on a network of 100 ball-and-stick cells, in one invocation.

The network (the same in both, written out by this script):
  cells  100 ball-and-stick cells: soma L = diam = 12.6157 um with hh (celsius 6.3, NEURON's
         rate tables off: usetable_hh = 0, as engram evaluates the rates exactly), dendrite
         200 um x 1 um with pas (g 0.001 S/cm2, e -65 mV), dend(0) on soma(1), Ra 100 ohm cm,
         cm 1 uF/cm2, nseg by the d_lambda rule (1 and 9), v_init -65 mV.
         Synapses (Exp2Syn): dist_ampa at dend(0.8) (0.2 / 2 ms, 0 mV), prox_ampa at dend(0.2)
         (0.2 / 2 ms, 0 mV), soma_gaba at soma(0.5) (0.5 / 5 ms, -70 mV).
  input  200 sources with fixed Poisson spike times (seed 1, 10 Hz, on a 0.1 ms grid); each
         cell gets 20 of them on dist_ampa (1.5 nS, delay 1 ms) and 5 on soma_gaba (1 nS,
         delay 1 ms); the first 20 ms carry a synchronous volley that every cell answers.
  recurrent: each cell excites 5 others on prox_ampa (1 nS, delay 2 ms); a spike is an upward
         crossing of -20 mV at soma(0.5) (NEURON: NetCon threshold -20 mV on soma(0.5)._ref_v).
Both use dt 0.025 ms and Crank-Nicolson (NEURON secondorder = 2, engram crank_nicolson), so
the discretisation and scheme are the same: equal accuracy. Spike times agree to the
grid where the two runs agree.

Timings: engram's `sim_s` from summary.json (simulation only, one thread) and NEURON's wall
time of h.continuerun (after h.finitialize; one thread). Reported: medians over --reps.
Accuracy: total spikes, per-cell spike count differences, and |dt| of matched spikes.

Usage: /usr/bin/python3 bench/ballstick_bench.py [--T 1000] [--reps 3] [--engram build/engram]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

N_CELLS, N_INPUT, RATE = 100, 200, 10.0
K_AMPA, K_GABA, K_REC = 20, 5, 5
W_AMPA, W_GABA, W_REC = 1.5, 1.0, 1.0  # nS
D_IN, D_REC = 1.0, 2.0
DT = 0.025
THRESH = -20.0


def network(T, seed=1):
    rng = np.random.default_rng(seed)
    inputs = []
    for i in range(N_INPUT):
        n = rng.poisson(RATE * T / 1000.0)
        t = np.unique(np.round(np.sort(rng.uniform(0.1, T, n)), 1))
        if i < 40:  # a volley at 10 ms
            t = np.unique(np.concatenate([[10.0], t]))
        inputs.append(t)
    conns = []  # (kind, pre, post, port, weight nS, delay ms)
    for c in range(N_CELLS):
        for p in rng.choice(N_INPUT, K_AMPA, replace=False):
            conns.append(("in", int(p), c, "dist_ampa", W_AMPA, D_IN))
        for p in rng.choice(np.arange(40, N_INPUT), K_GABA, replace=False):
            conns.append(("in", int(p), c, "soma_gaba", W_GABA, D_IN))
    for c in range(N_CELLS):
        others = [x for x in range(N_CELLS) if x != c]
        for q in rng.choice(others, K_REC, replace=False):
            conns.append(("rec", c, int(q), "prox_ampa", W_REC, D_REC))
    return inputs, conns


TOML = """[protocol]
dt = "0.025 ms"
duration = "{T} ms"
seed = 1

[[population]]
name = "input"
size = {n_input}
model = "spike_source"
spike_file = "input_spikes.csv"

[[population]]
name = "cells"
size = {n_cells}
model = "cable"
integrator = "crank_nicolson"
params = {{ threshold = "{thresh} mV", v_init = "-65 mV" }}
cm = 1.0
Ra = 100.0
d_lambda = 0.1
morphology = [
  {{ name = "soma", type = "soma", L = 12.6157, diam = 12.6157 }},
  {{ name = "dend", type = "dend", parent = "soma", parent_x = 1.0, L = 200, diam = 1 }},
]
spike_site = {{ section = "soma", x = 0.5 }}
[[population.mechanism]]
name = "hh"
types = ["soma"]
[[population.mechanism]]
name = "pas"
sections = ["dend"]
params = {{ g = 0.001, e = -65.0 }}
[[population.synapse]]
name = "dist_ampa"
kind = "ampa"
section = "dend"
x = 0.8
[[population.synapse]]
name = "prox_ampa"
kind = "ampa"
section = "dend"
x = 0.2
[[population.synapse]]
name = "soma_gaba"
kind = "gaba_a"
section = "soma"
x = 0.5

[[projection]]
from = "input"
to = "cells"
connect = {{ rule = "from_file", file = "in_ampa.csv" }}
synapse = {{ receptor = "dist_ampa" }}
[[projection]]
from = "input"
to = "cells"
connect = {{ rule = "from_file", file = "in_gaba.csv" }}
synapse = {{ receptor = "soma_gaba" }}
dale = false
[[projection]]
from = "cells"
to = "cells"
connect = {{ rule = "from_file", file = "rec.csv" }}
synapse = {{ receptor = "prox_ampa" }}

[[record]]
what = "spikes"
of = "cells"
"""


def write_engram(work, T, inputs, conns):
    with open(os.path.join(work, "net.toml"), "w") as f:
        f.write(TOML.format(T=T, n_input=N_INPUT, n_cells=N_CELLS, thresh=THRESH))
    with open(os.path.join(work, "input_spikes.csv"), "w") as f:
        f.write("neuron,time_ms\n")
        for i, ts in enumerate(inputs):
            for t in ts:
                f.write(f"{i},{t:.1f}\n")
    files = {"dist_ampa": "in_ampa.csv", "soma_gaba": "in_gaba.csv", "prox_ampa": "rec.csv"}
    rows = {v: [] for v in files.values()}
    for kind, pre, post, port, w, d in conns:
        rows[files[port]].append(f"{pre},{post},{w},{d}")
    for name, r in rows.items():
        with open(os.path.join(work, name), "w") as f:
            f.write("pre,post,weight,delay\n" + "\n".join(r) + "\n")


def run_engram(engram, work, reps):
    times, trains = [], None
    for r in range(reps):
        out = os.path.join(work, f"run{r}")
        subprocess.run([engram, "run", os.path.join(work, "net.toml"), "--out", out, "-q"],
                       check=True, stdout=subprocess.DEVNULL)
        s = json.load(open(os.path.join(out, "summary.json")))
        times.append(s["timing"]["sim_s"])
        if trains is None:
            sp = np.load(os.path.join(out, "spikes", "cells.npy"))
            trains = [[] for _ in range(N_CELLS)]
            for row in sp:
                trains[int(row["neuron"])].append(float(row["t_ms"]))
    return float(np.median(times)), trains


def run_neuron(T, inputs, conns, reps):
    from neuron import h
    h.load_file("stdrun.hoc")
    h.celsius = 6.3
    h.usetable_hh = 0
    h.cvode_active(0)
    cells, syns = [], []
    for c in range(N_CELLS):
        soma = h.Section(name=f"soma{c}")
        soma.L = soma.diam = 12.6157
        soma.insert("hh")
        dend = h.Section(name=f"dend{c}")
        dend.L, dend.diam = 200.0, 1.0
        dend.insert("pas")
        dend.g_pas, dend.e_pas = 0.001, -65.0
        dend.connect(soma(1))
        for s in (soma, dend):
            s.Ra, s.cm = 100.0, 1.0
            s.nseg = int((s.L / (0.1 * h.lambda_f(100, sec=s)) + 0.999) / 2) * 2 + 1
        ports = {}
        for name, seg, tau1, tau2, e in [("dist_ampa", dend(0.8), 0.2, 2.0, 0.0),
                                         ("prox_ampa", dend(0.2), 0.2, 2.0, 0.0),
                                         ("soma_gaba", soma(0.5), 0.5, 5.0, -70.0)]:
            sy = h.Exp2Syn(seg)
            sy.tau1, sy.tau2, sy.e = tau1, tau2, e
            ports[name] = sy
        cells.append((soma, dend))
        syns.append(ports)
    ncs, in_ncs = [], [[] for _ in range(N_INPUT)]
    for kind, pre, post, port, w, d in conns:
        if kind == "in":
            nc = h.NetCon(None, syns[post][port])
            nc.weight[0] = w * 1e-3
            in_ncs[pre].append((nc, d))
        else:
            soma = cells[pre][0]
            nc = h.NetCon(soma(0.5)._ref_v, syns[post][port], sec=soma)
            nc.threshold, nc.delay, nc.weight[0] = THRESH, d, w * 1e-3
        ncs.append(nc)
    rec_t, rec_id = h.Vector(), h.Vector()
    dets = []
    for c in range(N_CELLS):
        soma = cells[c][0]
        nc = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
        nc.threshold = THRESH
        nc.record(rec_t, rec_id, c)
        dets.append(nc)
    h.dt = DT
    h.steps_per_ms = 1.0 / DT
    h.secondorder = 2
    times = []
    for r in range(reps):
        h.finitialize(-65.0)
        for i, ts in enumerate(inputs):
            for nc, d in in_ncs[i]:
                for t in ts:
                    nc.event(float(t) + d)
        t0 = time.perf_counter()
        h.continuerun(T)
        times.append(time.perf_counter() - t0)
    trains = [[] for _ in range(N_CELLS)]
    for t, i in zip(rec_t, rec_id):
        trains[int(i)].append(t)
    return float(np.median(times)), trains


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--T", type=float, default=1000.0, help="ms")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--engram", default=os.path.join(os.path.dirname(__file__), "../build/engram"))
    ap.add_argument("--json")
    args = ap.parse_args()
    inputs, conns = network(args.T)
    with tempfile.TemporaryDirectory(prefix="engram_ballstick_") as work:
        write_engram(work, args.T, inputs, conns)
        eg_s, eg_trains = run_engram(args.engram, work, args.reps)
    nrn_s, nrn_trains = run_neuron(args.T, inputs, conns, args.reps)
    n_eg = sum(len(t) for t in eg_trains)
    n_nrn = sum(len(t) for t in nrn_trains)
    count_diff = [abs(len(a) - len(b)) for a, b in zip(eg_trains, nrn_trains)]
    dts = []
    for a, b in zip(eg_trains, nrn_trains):
        # engram stamps the interpolated crossing; NEURON's NetCon the end of the step
        for x, y in zip(a, b):
            dts.append(abs(x - y))
    same = sum(1 for a, b in zip(eg_trains, nrn_trains) if len(a) == len(b))
    res = {
        "T_ms": args.T, "dt_ms": DT, "cells": N_CELLS, "synapses": len(conns),
        "engram_sim_s": eg_s, "neuron_sim_s": nrn_s, "neuron_over_engram": nrn_s / eg_s,
        "spikes_engram": n_eg, "spikes_neuron": n_nrn,
        "cells_with_equal_counts": same, "max_count_diff": max(count_diff),
        "median_abs_dt_ms": float(np.median(dts)) if dts else None,
        "p90_abs_dt_ms": float(np.percentile(dts, 90)) if dts else None,
        "first_spike_max_abs_dt_ms": max(abs(a[0] - b[0]) for a, b in zip(eg_trains, nrn_trains) if a and b),
    }
    print(f"ballstick: {N_CELLS} cells, {len(conns)} synapses, {args.T:g} ms at dt {DT} ms (Crank-Nicolson), one thread")
    print(f"  engram sim {eg_s:.3f} s   NEURON sim {nrn_s:.3f} s   NEURON/engram {nrn_s / eg_s:.2f}x")
    print(f"  spikes engram {n_eg}  NEURON {n_nrn}; cells with equal counts {same}/{N_CELLS} "
          f"(max diff {max(count_diff)}); first spikes max |dt| {res['first_spike_max_abs_dt_ms']:.4f} ms; "
          f"matched spikes median |dt| {res['median_abs_dt_ms']:.4f} ms, p90 {res['p90_abs_dt_ms']:.4f} ms")
    if args.json:
        json.dump(res, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
