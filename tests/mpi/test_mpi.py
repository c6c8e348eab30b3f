#!/usr/bin/env python3
"""engram under MPI, as a user runs it: `mpirun -np K engram run FILE --threads N`.

Checks, for networks that exercise every part of the engine (recurrent spikes with one
and several delays, distance-dependent delays, every stimulus kind, state recordings):
  * the spikes, traces and the generated connectivity are bitwise identical for
    1 and 2 threads × 1 and 2 ranks (the run directory of 2 ranks is one directory, as if
    from one process);
  * the summary agrees (spike counts, synapse counts per projection);
  * bad input under mpirun is reported once, with exit code 2 and nothing written;
  * a numerical blow-up on one rank stops every rank: exit code 1, one message.
Usage: test_mpi.py ENGRAM_BINARY
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ENGRAM = Path(sys.argv[1]).resolve()
ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
MPIRUN = shutil.which("mpirun")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args, ranks, out=None, expect=0):
    cmd = ([MPIRUN, "-np", str(ranks), "--oversubscribe"] if ranks > 1 else []) + [str(ENGRAM), "run"]
    cmd += args + ["--no-plots", "-q"]
    if out:
        cmd += ["--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=300)
    if p.returncode != expect:
        print(" ".join(cmd), "->", p.returncode, p.stdout, p.stderr, sep="\n")
    return p


CASES = [
    # (name, model file, extra args)
    ("brunel_ai", "examples/brunel_ai.toml", ["--duration", "300 ms"]),
    ("coba", "examples/coba.toml", ["--duration", "200 ms"]),
    # plastic synapses: the weights (recorded and final, in the connectivity) too
    ("coba_stdp", "examples/coba_stdp.toml",
     ["--duration", "300 ms", "--set", "record.3.interval=100 ms"]),
    ("spatial_sheet", "examples/spatial_sheet.toml", ["--duration", "100 ms"]),
    ("stimulation_protocols", "examples/stimulation_protocols.toml", []),
    # gap junctions: potentials exchanged every step
    ("gap_junctions", "examples/gap_junctions.toml", ["--duration", "100 ms"]),
    # the clopath rule: its targets' voltages per partition
    ("clopath_2010_pairing", "examples/clopath_2010_pairing.toml", []),
    # cable cells (multi-compartment) beside point neurons
    ("ball_and_stick_network", "examples/ball_and_stick_network.toml", ["--duration", "50 ms"]),
]

tmp = Path(tempfile.mkdtemp(prefix="engram-mpi-"))
try:
    check(MPIRUN is not None, "mpirun is installed (Debian: openmpi-bin)")
    for name, model, extra in CASES:
        dirs = {}
        for ranks in (1, 2):
            for threads in (1, 2):
                d = tmp / f"{name}-r{ranks}-t{threads}"
                p = run([str(ROOT / model), "--threads", str(threads), "--connectivity"] + extra,
                        ranks, d)
                check(p.returncode == 0, f"{name}: {ranks} rank(s) × {threads} thread(s) runs")
                dirs[(ranks, threads)] = d
        ref = dirs[(1, 1)]
        files = sorted(str(f.relative_to(ref)) for f in ref.rglob("*.npy"))
        check(any(f.startswith("connectivity/") for f in files), f"{name}: connectivity written")
        ref_summary = json.loads((ref / "summary.json").read_text())
        for key, d in dirs.items():
            if key == (1, 1):
                continue
            got = sorted(str(f.relative_to(d)) for f in d.rglob("*.npy"))
            check(got == files, f"{name} {key}: the same files as one process")
            same = [f for f in files if filecmp.cmp(ref / f, d / f, shallow=False)]
            check(len(same) == len(files),
                  f"{name} {key}: bitwise equal to 1 rank × 1 thread "
                  f"({len(same)}/{len(files)}: {sorted(set(files) - set(same))})")
            s = json.loads((d / "summary.json").read_text())
            check(s["ranks"] == key[0] and s["threads"] == key[1], f"{name} {key}: summary says so")
            check([p["spike_count"] for p in s["populations"]] ==
                  [p["spike_count"] for p in ref_summary["populations"]],
                  f"{name} {key}: spike counts in the summary")
            check([p["synapses"] for p in s["projections"]] ==
                  [p["synapses"] for p in ref_summary["projections"]],
                  f"{name} {key}: synapses per projection in the summary")
            check(s["network"]["synapses"] == ref_summary["network"]["synapses"],
                  f"{name} {key}: synapse count")

    # bad input: every rank finds it; one message, exit 2, nothing written
    out = tmp / "bad"
    p = run([str(ROOT / "examples/brunel_ai.toml"), "--set", "population.exc.size=-3"], 2, out,
            expect=2)
    check(p.returncode == 2, "bad input under mpirun: exit code 2")
    check(p.stderr.count("engram: error:") == 1, "bad input under mpirun: reported once")
    check(not out.exists(), "bad input under mpirun: nothing written")

    # an output directory that is not a run directory: refused by the root, all ranks stop
    out = tmp / "not-a-run"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    p = run([str(ROOT / "examples/brunel_ai.toml"), "--duration", "10 ms"], 2, out, expect=2)
    check(p.returncode == 2 and (out / "precious.txt").read_text() == "keep me",
          "a foreign --out is refused under mpirun and left alone")

    # a blow-up: a huge negative current drives neuron 9 (on rank 1) to diverge
    model = tmp / "blowup.toml"
    model.write_text("""
[protocol]
dt = "0.1 ms"
duration = "50 ms"
[[population]]
name = "cells"
size = 10
model = "lif_psc_delta"
params = { t_ref = "0 ms" }
[[stimulus]]
kind = "dc"
to = "cells"
neurons = [9]
amplitude = "-1e12 pA"
start = "10 ms"
[[record]]
what = "spikes"
of = "cells"
""")
    out = tmp / "blowup"
    p = run([str(model)], 2, out, expect=1)
    check(p.returncode == 1, "blow-up on one rank: exit code 1 on all")
    check(p.stderr.count("run failed: numerical blow-up") == 1 and "neuron 9" in p.stderr,
          "blow-up on one rank: one message naming the neuron")
    check(not out.exists(), "blow-up: no run directory")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
