#!/usr/bin/python3
"""Brian2's adaptation of Song, Miller & Abbott 2000 (its examples/synapses/STDP.py), run with
cpp_standalone, for comparison with engram's examples/song_2000_stdp.toml.

Prints one JSON line: the output rate per 10 s, the weight histogram (10 bins of g_max) and
mean weight every 10 s. Usage: /usr/bin/python3 tools/brian2_reference/song_2000.py [--seed N]
"""
import argparse
import json
import tempfile

import numpy as np
from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, set_device,
                    device, prefs, seed, ms, mV, Hz, second, defaultclock)

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--T", type=float, default=100.0)
args = ap.parse_args()

outdir = tempfile.mkdtemp(prefix="song2000_")
set_device("cpp_standalone", directory=outdir)
prefs.devices.cpp_standalone.openmp_threads = 1
seed(args.seed)
defaultclock.dt = 0.1 * ms

N = 1000
taum, taupre, taupost, taue = 10 * ms, 20 * ms, 20 * ms, 5 * ms
Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
F = 15 * Hz
gmax = .01
dApre = .01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax

eqs = """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
dge/dt = -ge / taue : 1"""
inp = PoissonGroup(N, rates=F)
out = NeuronGroup(1, eqs, threshold="v>vt", reset="v = vr", method="euler")
out.v = El
S = Synapses(inp, out, """w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)""",
             on_pre="""ge += w
Apre += dApre
w = clip(w + Apost, 0, gmax)""",
             on_post="""Apost += dApost
w = clip(w + Apre, 0, gmax)""")
S.connect()
S.w = "rand() * gmax"
mon = SpikeMonitor(out)
from brian2 import StateMonitor
wmon = StateMonitor(S, "w", record=np.arange(N), dt=10 * second)
net = Network(inp, out, S, mon, wmon)
net.run(args.T * second)

t = np.asarray(mon.t / ms)
w = np.asarray(wmon.w) / gmax  # synapses x samples
res = {"seed": args.seed, "rate_per_10s": [float(((t >= a * 1e4) & (t < (a + 1) * 1e4)).sum() / 10)
                                           for a in range(int(args.T // 10))],
       "mean_w": [float(x) for x in w.mean(axis=0)],
       "hist_end": np.histogram(S.w[:] / gmax, bins=10, range=(0, 1))[0].tolist(),
       "mean_w_end": float(np.mean(S.w[:]) / gmax)}
print("RESULT " + json.dumps(res))
