#!/usr/bin/python3
"""Reference data for engram's hh_squid model from NEURON's built-in `hh` mechanism.

A single-compartment cell (nseg = 1, L = diam chosen so that the membrane area is AREA_UM2,
cm = 1 uF/cm2, hh with its defaults at celsius = 6.3 degC) is driven by current clamps and its
voltage recorded at every time step. Each protocol runs twice:

  dt 0.025 ms, secondorder 0   NEURON's default fixed-step method (backward Euler for V,
                               exponential for the gates, staggered by half a step)
  dt 0.025/64 ms, secondorder 2   Crank-Nicolson for V at a 64x finer step: the converged
                               solution (its spike times move by < 1e-4 ms when dt is halved
                               again, printed by this script) against which engram's accuracy
                               is judged; the dt 0.025 run shows NEURON's own error.

hh's rate tables are switched off (usetable_hh = 0): with the default usetable_hh = 1 NEURON
interpolates minf/mtau... linearly in a 1 mV table, an error of its own (printed below) that
engram, which evaluates the rate functions exactly, does not share.

Spike times are upward crossings of 0 mV, linearly interpolated between the two samples that
bracket the crossing (engram's tests do the same on engram's trace).

Usage: /usr/bin/python3 tools/neuron_reference/hh_reference.py [--out tests/data/neuron]
Writes:
  hh_spikes.csv   protocol,method,index,t_ms        spike times of the protocols
  hh_traces.csv   t_ms,<protocol>...                 converged V (mV) every 0.1 ms
  hh_fi.csv       amplitude_nA,rate_hz_dt0025,rate_hz_fine   f-I curve (1 s steps)
  hh_summary.csv  quantity,method,value,unit         rest, rheobase, spike shape, onset
Runs in about a minute.
"""
import argparse
import math
import os
import sys
import time

import numpy as np

AREA_UM2 = 10000.0  # engram hh_squid default area: C_m = 100 pF, 1 nA = 10 uA/cm2
DT = 0.025
FINE = 64
T_END = 200.0

# Current-clamp protocols: piecewise constant (times ms, amplitudes nA), or a linear ramp.
PROTOCOLS = {
    # a long step well above the onset of repetitive firing (10 uA/cm2)
    "step": dict(times=[0.0, 10.0], amps=[0.0, 1.0]),
    # hyperpolarising step (anode-break spike at its end), a subthreshold-for-repetitive step
    # (one onset spike, then damped oscillations), a strong step (fast train)
    "steps": dict(times=[0.0, 20.0, 50.0, 80.0, 130.0], amps=[0.0, -0.5, 0.0, 0.4, 1.5]),
    # ramp 0 -> 3 nA over 200 ms: the first spike comes at ~1.7 nA, far above the step
    # rheobase (accommodation), then a train of rising rate
    "ramp": dict(ramp=(0.0, 3.0)),
}
RHEOBASE_STEP = (10.0, 200.0)  # step from 10 ms to the end (200 ms): >= 1 spike?
FI_AMPS = [round(0.05 * k, 2) for k in range(0, 41)]  # 0 .. 2 nA
FI_T = 1000.0  # ms; rate = 1/mean ISI of the spikes after FI_SKIP
FI_SKIP = 200.0

from neuron import h  # noqa: E402

h.load_file("stdrun.hoc")
h.celsius = 6.3
h.usetable_hh = 0
soma = h.Section(name="soma")
soma.nseg = 1
soma.L = soma.diam = math.sqrt(AREA_UM2 / math.pi)
soma.cm = 1.0
soma.Ra = 100.0
soma.insert("hh")
AREA_CHECK = soma(0.5).area()
assert abs(AREA_CHECK - AREA_UM2) < 1e-6 * AREA_UM2, AREA_CHECK
stim = h.IClamp(soma(0.5))
stim.delay = 0.0
stim.dur = 1e9
h.cvode_active(0)


def simulate(protocol, tstop, dt, secondorder):
    """Runs a protocol; returns (t, v) sampled at every step."""
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = secondorder
    n = int(round(tstop / dt))
    tt = h.Vector(np.arange(n + 2) * dt)
    if "ramp" in protocol:
        a0, a1 = protocol["ramp"]
        amps = h.Vector(a0 + (a1 - a0) * np.arange(n + 2) * dt / tstop)
        amps.play(stim._ref_amp, tt, 1)  # continuous: linear interpolation in time
    else:
        times, values = protocol["times"], protocol["amps"]
        # the value of the step that holds t (IClamp currents are evaluated at t + dt/2)
        idx = np.searchsorted(times, np.arange(n + 2) * dt + 1e-9, side="right") - 1
        amps = h.Vector(np.asarray(values)[idx])
        amps.play(stim._ref_amp, tt, 0)
    v = h.Vector().record(soma(0.5)._ref_v)
    h.finitialize(-65.0)
    h.continuerun(tstop)
    out = np.array(v)[: n + 1]
    h.frecord_init()
    amps.play_remove()
    return np.arange(n + 1) * dt, out


def crossings(t, v, thresh=0.0):
    k = np.nonzero((v[:-1] < thresh) & (v[1:] >= thresh))[0]
    return t[k] + (thresh - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])


def down_crossings(t, v, thresh=0.0):
    k = np.nonzero((v[:-1] >= thresh) & (v[1:] < thresh))[0]
    return t[k] + (thresh - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])


def peak(t, v, k):
    """Parabolic interpolation of a sampled maximum at index k: (time, value)."""
    a, b, c = v[k - 1], v[k], v[k + 1]
    d = a - 2 * b + c
    x = 0.5 * (a - c) / d if d != 0 else 0.0
    return t[k] + x * (t[1] - t[0]), b - 0.25 * (a - c) * x


def hh_rest():
    """Resting potential of the hh membrane: root of the total ionic current with the gates
    at steady state (NEURON hh.mod rate functions), by bisection. Independent of NEURON."""
    def vtrap(x, y):
        return y * (1 - x / y / 2) if abs(x / y) < 1e-6 else x / (math.exp(x / y) - 1)

    def current(v):
        am, bm = 0.1 * vtrap(-(v + 40), 10), 4 * math.exp(-(v + 65) / 18)
        ah, bh = 0.07 * math.exp(-(v + 65) / 20), 1 / (math.exp(-(v + 35) / 10) + 1)
        an, bn = 0.01 * vtrap(-(v + 55), 10), 0.125 * math.exp(-(v + 65) / 80)
        m, hh_, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return 0.12 * m**3 * hh_ * (v - 50) + 0.036 * n**4 * (v + 77) + 0.0003 * (v + 54.3)

    lo, hi = -70.0, -60.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if current(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def rheobase(dt, secondorder, lo=0.0, hi=1.0, tol=1e-5):
    t0, t1 = RHEOBASE_STEP
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        t, v = simulate(dict(times=[0.0, t0], amps=[0.0, mid]), t1, dt, secondorder)
        if len(crossings(t, v)):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def fi_rate(amp, dt, secondorder):
    t, v = simulate(dict(times=[0.0], amps=[amp]), FI_T, dt, secondorder)
    s = crossings(t, v)
    s = s[s >= FI_SKIP]
    return 0.0 if len(s) < 2 else 1000.0 / np.mean(np.diff(s))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                  "tests", "data", "neuron"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()
    methods = {"dt0.025": (DT, 0), "fine": (DT / FINE, 2)}
    header = (f"# NEURON {h.nrnversion(1)} hh, celsius {h.celsius}, usetable_hh 0, area "
              f"{AREA_UM2:g} um2 (L = diam = {soma.L:.6f} um), cm 1 uF/cm2, v_init -65 mV; "
              f"made by tools/neuron_reference/hh_reference.py; 'dt0.025' = dt 0.025 ms "
              f"secondorder 0, 'fine' = dt {DT / FINE:g} ms secondorder 2\n")
    spikes, traces, summary = [], {}, []

    for name, proto in PROTOCOLS.items():
        for m, (dt, so) in methods.items():
            t, v = simulate(proto, T_END, dt, so)
            s = crossings(t, v)
            spikes += [(name, m, i, x) for i, x in enumerate(s)]
            if m == "fine":
                stride = int(round(0.1 / dt))
                traces[name] = v[::stride]
                # convergence of the reference: halve dt once more
                t2, v2 = simulate(proto, T_END, dt / 2, so)
                s2 = crossings(t2, v2)
                n = min(len(s), len(s2))
                conv = np.max(np.abs(s[:n] - s2[:n])) if n else 0.0
                print(f"{name}: {len(s)} spikes; fine vs fine/2: {len(s2)} spikes, max |dt| "
                      f"{conv:.2e} ms", file=sys.stderr)
                summary.append((f"{name}_reference_convergence", m, conv, "ms"))
                if name == "step":
                    # first spike: peak (parabolic interpolation) and width at 0 mV
                    k0 = np.searchsorted(t, s[0])
                    k = k0 + np.argmax(v[k0:k0 + int(round(3.0 / dt))])
                    tp, vp = peak(t, v, k)
                    down = down_crossings(t, v)
                    width = down[down > s[0]][0] - s[0]
                    summary += [("first_spike_peak_v", m, vp, "mV"),
                                ("first_spike_peak_t", m, tp, "ms"),
                                ("first_spike_width_at_0mV", m, width, "ms")]
            else:
                sf = crossings(*simulate(proto, T_END, *methods["fine"]))
                n = min(len(s), len(sf))
                err = np.max(np.abs(s[:n] - sf[:n])) if n else 0.0
                print(f"{name}: NEURON dt 0.025 vs fine: {len(s)} vs {len(sf)} spikes, max "
                      f"|dt| {err:.4f} ms", file=sys.stderr)
                summary.append((f"{name}_neuron_dt0.025_error", m, err, "ms"))
        # the error of hh's default rate tables, for the record
        h.usetable_hh = 1
        tt, vt = simulate(proto, T_END, DT, 0)
        h.usetable_hh = 0
        st = crossings(tt, vt)
        s0 = [x for (p, mm, i, x) in spikes if p == name and mm == "dt0.025"]
        n = min(len(st), len(s0))
        summary.append((f"{name}_usetable_effect", "dt0.025", float(np.max(np.abs(
            np.asarray(st[:n]) - np.asarray(s0[:n])))) if n else 0.0, "ms"))

    # resting potential: 1 s without input from -65 mV, and the root of the I-V curve
    for m, (dt, so) in methods.items():
        t, v = simulate(dict(times=[0.0], amps=[0.0]), 1000.0 if m == "dt0.025" else 200.0,
                        dt, so)
        summary.append(("rest_v", m, v[-1], "mV"))
    summary.append(("rest_v", "iv_root", hh_rest(), "mV"))

    for m, (dt, so) in methods.items():
        r = rheobase(dt, so)
        print(f"rheobase {m}: {r:.5f} nA", file=sys.stderr)
        summary.append(("rheobase_step_10_200ms", m, r, "nA"))

    fi = []
    for a in FI_AMPS:
        fi.append((a, fi_rate(a, *methods["dt0.025"]), fi_rate(a, DT / 16, 2)))
        print(f"f-I {a:.2f} nA: {fi[-1][1]:.3f} {fi[-1][2]:.3f} Hz", file=sys.stderr)
    # onset of repetitive firing (1 s step): bisection on the fine method, 1e-4 nA
    lo = max(a for a, r0, r1 in fi if r1 == 0.0)
    hi = min(a for a, r0, r1 in fi if r1 > 0.0 and a > lo)
    while hi - lo > 1e-4:
        mid = 0.5 * (lo + hi)
        if fi_rate(mid, DT / 16, 2) > 0.0:
            hi = mid
        else:
            lo = mid
    summary.append(("repetitive_onset_current", "fine16", hi, "nA"))
    summary.append(("repetitive_onset_rate", "fine16", fi_rate(hi, DT / 16, 2), "Hz"))

    with open(os.path.join(args.out, "hh_spikes.csv"), "w") as f:
        f.write(header + "protocol,method,index,t_ms\n")
        for p, m, i, x in spikes:
            f.write(f"{p},{m},{i},{x:.6f}\n")
    with open(os.path.join(args.out, "hh_traces.csv"), "w") as f:
        names = list(traces)
        f.write(header + "t_ms," + ",".join(names) + "\n")
        for k in range(len(traces[names[0]])):
            f.write(f"{0.1 * k:.1f}," + ",".join(f"{traces[n][k]:.5f}" for n in names) + "\n")
    with open(os.path.join(args.out, "hh_fi.csv"), "w") as f:
        f.write(header.replace("'fine' = dt", "'fine' = dt 0.025/16 ms secondorder 2 here; "
                               "elsewhere dt") +
                f"# rate = 1000 / mean ISI of the spikes after {FI_SKIP:g} ms of a {FI_T:g} ms "
                f"step (0 if fewer than 2)\namplitude_nA,rate_hz_dt0025,rate_hz_fine\n")
        for a, r0, r1 in fi:
            f.write(f"{a:.2f},{r0:.6f},{r1:.6f}\n")
    with open(os.path.join(args.out, "hh_summary.csv"), "w") as f:
        f.write(header + "quantity,method,value,unit\n")
        for q, m, val, u in summary:
            f.write(f"{q},{m},{val:.8g},{u}\n")
    print(f"wrote {args.out} in {time.time() - t_start:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
