#!/usr/bin/python3
"""engram vs NEURON on a 1000-segment active cell (the issue's cable benchmark).

The cell (bench/cell/cell_bench.cpp builds the same one in engram): soma L = diam = 20 um
with hh; one dendrite L 1000 um, diam 2 um, nseg 1000, attached at soma(1), hh at a tenth of
the soma's Na and K densities (gnabar 0.012, gkbar 0.0036 S/cm2; gl 0.0003, el -54.3 mV);
Ra 100 ohm cm, cm 1 uF/cm2; IClamp soma(0.5) 0.5 nA throughout; v_init -65 mV, celsius
6.3. Both simulate T (default 1 s) at dt 0.025 ms with the same scheme: Crank-Nicolson
(NEURON secondorder 2; --method be: backward Euler, secondorder 0), one thread, recording
v at the soma. Equal accuracy: NEURON runs with usetable_hh = 0 (rates evaluated exactly,
as engram does) and the soma spike times of the two are compared; NEURON's default rate
tables (usetable_hh = 1, approximate rates) are timed too, for information. Wall times
are the best of --reps runs of the simulation alone (cell construction excluded).

Run with Debian's Python (it sees python3-neuron), after building engram_cell_bench:
  cmake --build build --target engram_cell_bench
  /usr/bin/python3 bench/run_cell_bench.py [--T 1] [--reps 3] [--json out.json]
(also reached as bench/run_bench.py --nets cell1000). Exit status 2 when the engram binary
is missing, 1 when a run fails.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def neuron_run(T_ms, dt, secondorder, usetable, reps):
    from neuron import h
    h.load_file("stdrun.hoc")
    h.celsius = 6.3
    h.usetable_hh = usetable
    h.cvode_active(0)
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20.0
    dend = h.Section(name="dend")
    dend.L, dend.diam, dend.nseg = 1000.0, 2.0, 1000
    dend.connect(soma(1))
    for sec in (soma, dend):
        sec.Ra, sec.cm = 100.0, 1.0
        sec.insert("hh")
    dend.gnabar_hh, dend.gkbar_hh = 0.012, 0.0036
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 0.0, 1e9, 0.5
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = secondorder
    v = h.Vector()
    v.record(soma(0.5)._ref_v)
    best, spikes = float("inf"), []
    for _ in range(reps):
        h.finitialize(-65.0)
        start = time.perf_counter()
        h.continuerun(T_ms)
        wall = time.perf_counter() - start
        if wall < best:
            x = list(v)
            spikes = [dt * (k + (0.0 - x[k]) / (x[k + 1] - x[k]))
                      for k in range(len(x) - 1) if x[k] < 0.0 <= x[k + 1]]
            best = wall
    return dict(wall_s=best, version=h.nrnversion().strip(), spikes=spikes,
                nodes=int(sum(s.nseg for s in (soma, dend))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--T", type=float, default=1.0, help="biological time, s")
    ap.add_argument("--dt", type=float, default=0.025, help="ms")
    ap.add_argument("--method", choices=["cn", "be"], default="cn")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--engram", default=os.path.join(ROOT, "build", "bench", "engram_cell_bench"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if not os.access(args.engram, os.X_OK):
        print(f"run_cell_bench: error: {args.engram} not found; build it: cmake --build build "
              "--target engram_cell_bench", file=sys.stderr)
        return 2
    T_ms = args.T * 1000.0
    so = 2 if args.method == "cn" else 0
    cmd = [args.engram, "--T", f"{T_ms:g}", "--dt", f"{args.dt:g}", "--method", args.method,
           "--reps", str(args.reps)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"run_cell_bench: engram failed: {out.stderr}", file=sys.stderr)
        return 1
    eg = json.loads(out.stdout)
    # NEURON in a child process per variant, so that each starts from a fresh interpreter
    nrn = {}
    for usetable in (0, 1):
        code = (f"import json, sys; sys.path.insert(0, {HERE!r}); import run_cell_bench as r; "
                f"print(json.dumps(r.neuron_run({T_ms}, {args.dt}, {so}, {usetable}, {args.reps})))")
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if res.returncode != 0:
            print(f"run_cell_bench: NEURON failed: {res.stderr}", file=sys.stderr)
            return 1
        nrn[usetable] = json.loads(res.stdout.strip().splitlines()[-1])
    ref = nrn[0]["spikes"]
    same = len(ref) == len(eg["spikes"])
    dmax = max((abs(a - b) for a, b in zip(eg["spikes"], ref)), default=0.0) if same else None
    dtab = (max((abs(a - b) for a, b in zip(nrn[1]["spikes"], ref)), default=0.0)
            if len(nrn[1]["spikes"]) == len(ref) else None)
    row = dict(T_s=args.T, dt_ms=args.dt, method=args.method, nodes_engram=eg["nodes"],
               nodes_neuron=nrn[0]["nodes"], engram_s=eg["wall_s"], neuron_s=nrn[0]["wall_s"],
               neuron_tables_s=nrn[1]["wall_s"], ratio=nrn[0]["wall_s"] / eg["wall_s"],
               ratio_tables=nrn[1]["wall_s"] / eg["wall_s"], spikes_engram=len(eg["spikes"]),
               spikes_neuron=len(ref), max_spike_diff_ms=dmax,
               tables_max_spike_diff_ms=dtab, neuron=nrn[0]["version"], reps=args.reps,
               cpus=os.cpu_count(), loadavg_1min=os.getloadavg()[0])
    print(f"# 1000-segment active cell, {args.T:g} s at dt {args.dt:g} ms, {args.method}, "
          f"best of {args.reps}, 1 thread; load average {row['loadavg_1min']:.2f} on {row['cpus']} CPUs")
    print(f"engram            {row['engram_s']:.3f} s  ({eg['nodes']} nodes, {len(eg['spikes'])} soma spikes)")
    print(f"NEURON exact      {row['neuron_s']:.3f} s  (usetable_hh 0; NEURON / engram = {row['ratio']:.2f})")
    print(f"NEURON tables     {row['neuron_tables_s']:.3f} s  (usetable_hh 1; NEURON / engram = "
          f"{row['ratio_tables']:.2f}; its spikes differ from exact by up to "
          f"{dtab if dtab is None else f'{dtab:.2e}'} ms)")
    print(f"spike times       engram vs NEURON exact: {len(eg['spikes'])} vs {len(ref)} spikes, max "
          f"|diff| {dmax if dmax is None else f'{dmax:.2e}'} ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(row, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
