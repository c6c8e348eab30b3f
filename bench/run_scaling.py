#!/usr/bin/python3
"""engram at scale: strong scaling, a 50,000-neuron Brunel network against Brian2 with
OpenMP, and the full-scale cortical microcircuit, each case in one invocation.

Cases (--cases, comma list):
  scaling       COBA scaled x10 (32,000 E + 8,000 I, in-degrees kept: p = 0.002), engram on 1
                and --threads threads (and, when mpirun is there, --threads ranks of 1 thread);
                strong-scaling efficiency = T(1) / (n * T(n)). The configurations run in
                --reps rounds, one of each per round, so that a drift of the machine's speed
                hits them alike; the efficiency is the median of the rounds' own. Two limits
                of the machine are measured beside it: n independent one-thread copies at
                once (throughput), and perfectly balanced arithmetic with a barrier per step
                of the same length (bench/barrier/barrier_bench.cpp: scheduling jitter and
                the barrier itself).
  brunel50k     Brunel (2000) model A with N = 50,000 (examples/brunel_ai.toml resized),
                engram on --threads threads against Brian2 cpp_standalone with OpenMP on the
                same number of threads (shared/peers/brian2_nets.py --model brunel, run with
                its openmp_threads preference set to --threads); rates compared.
  microcircuit  examples/potjans_diesmann_2014.toml (77,169 neurons, ~3e8 synapses): build time,
                simulation time, real-time factor and bytes per synapse on 1 and --threads
                threads.

Medians over --reps runs. Run with Debian's Python, which sees python3-brian:
  /usr/bin/python3 bench/run_scaling.py --cases scaling,brunel50k --reps 3
  /usr/bin/python3 bench/run_scaling.py --cases microcircuit --T 1 --reps 1
Exit status: 0 on success, 2 when the engram binary or an input is missing, 1 when a run fails.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEER_PY = "/usr/bin/python3"
CASES = ("scaling", "brunel50k", "microcircuit")
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
# COBA scaled x10 (examples/coba.toml with its in-degrees kept): the strong-scaling network,
# also compare_builds.py's default
COBA_X10_SETS = ["population.exc.size=32000", "population.inh.size=8000"] + [
    f"projection.{j}.connect.p=0.002" for j in range(4)]


def die(msg, code=2):
    print(f"run_scaling: error: {msg}", file=sys.stderr)
    sys.exit(code)


def note(msg):
    print(f"run_scaling: {msg}", file=sys.stderr, flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="scaling,brunel50k", help="comma list from: " +
                    ", ".join(CASES))
    ap.add_argument("--T", type=float, default=None,
                    help="biological time in s (default: scaling 2, brunel50k 1, microcircuit 1)")
    ap.add_argument("--reps", type=int, default=3, help="runs per configuration (median)")
    ap.add_argument("--threads", type=int, default=2, help="the parallel configuration")
    ap.add_argument("--no-peer", action="store_true", help="skip Brian2")
    ap.add_argument("--no-mpi", action="store_true", help="skip the MPI configuration")
    ap.add_argument("--engram", default=os.path.join(ROOT, "build", "engram"))
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "peers"))
    ap.add_argument("--json", default=None, metavar="PATH", help="also write the results here")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    for c in args.cases:
        if c not in CASES:
            ap.error(f"unknown case '{c}' (choose from {', '.join(CASES)})")
    if args.reps < 1 or args.threads < 2:
        ap.error("--reps >= 1 and --threads >= 2")
    if not os.access(args.engram, os.X_OK):
        die(f"no engram binary at {args.engram}: build first (cmake --build build)")
    return args


def engram_run(args, work, tag, model, T, threads=1, ranks=1, sets=()):
    out = os.path.join(work, tag)
    cmd = [args.engram, "run", model, "--threads", str(threads), "--duration", f"{T} s",
           "--out", out, "--no-plots", "-q"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ)
    if ranks > 1:
        cmd = ["mpirun", "-np", str(ranks), "--oversubscribe", "--bind-to", "none"] + cmd
        env.update(MPI_ENV)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        die(f"engram failed ({' '.join(cmd)}):\n{p.stderr}", 1)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    shutil.rmtree(out, ignore_errors=True)
    return s


def engram_median(args, work, tag, model, T, threads=1, ranks=1, sets=()):
    runs = [engram_run(args, work, f"{tag}-{k}", model, T, threads, ranks, sets)
            for k in range(args.reps)]
    runs.sort(key=lambda s: s["timing"]["sim_s"])
    s = runs[len(runs) // 2]
    note(f"{tag}: sim {[round(r['timing']['sim_s'], 2) for r in runs]} s")
    return s


def engram_concurrent(args, work, tag, model, T, copies, sets=()):
    """`copies` independent one-thread runs started together: the slowest one's sim time.
    What the machine itself allows: if its cores share a physical core or memory bandwidth,
    independent jobs slow each other down and no parallel code can beat that."""
    procs, outs = [], []
    for c in range(copies):
        out = os.path.join(work, f"{tag}-{c}")
        cmd = [args.engram, "run", model, "--threads", "1", "--duration", f"{T} s",
               "--out", out, "--no-plots", "-q"]
        for s in sets:
            cmd += ["--set", s]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True))
        outs.append(out)
    times = []
    for p, out in zip(procs, outs):
        _, err = p.communicate()
        if p.returncode != 0:
            die(f"engram failed:\n{err}", 1)
        with open(os.path.join(out, "summary.json")) as f:
            times.append(json.load(f)["timing"]["sim_s"])
        shutil.rmtree(out, ignore_errors=True)
    return max(times)


def rate(summary):
    n = sum(p["size"] for p in summary["populations"])
    return sum(p["rate_hz"] * p["size"] for p in summary["populations"]) / n


def brian2_brunel(args, work, N, T, threads):
    """The peer script, unchanged but for its thread count (it pins cpp_standalone to one)."""
    script = os.path.join(args.peers, "brian2_nets.py")
    if not os.path.exists(script):
        die(f"no peer script at {script}")
    with open(script) as f:
        src = f.read()
    pinned = "prefs.devices.cpp_standalone.openmp_threads = 0"
    if pinned not in src:
        die(f"{script} no longer pins openmp_threads as expected; update run_scaling.py", 1)
    patched = os.path.join(work, "brian2_nets_threads.py")
    with open(patched, "w") as f:
        f.write(src.replace(pinned, f"prefs.devices.cpp_standalone.openmp_threads = {threads}"))
    shutil.copy(os.path.join(args.peers, "common.py"), work)
    outdir = os.path.join(work, "b2_brunel")
    cmd = [PEER_PY, patched, "--model", "brunel", "--N", str(N), "--T", str(T),
           "--target", "standalone", "--reps", str(args.reps), "--outdir", outdir]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"Brian2 failed:\n{p.stderr[-3000:]}", 1)
    results = []
    for line in p.stdout.splitlines():
        if line.startswith("RESULT"):
            results.append(json.loads(line.split(" ", 1)[1]))
    if not results:
        die(f"Brian2 printed no RESULT line:\n{p.stdout[-2000:]}", 1)
    results.sort(key=lambda r: r["sim_s"])
    note(f"brian2 brunel N={N} {threads} threads: run {[round(r['sim_s'], 2) for r in results]} s")
    return results[len(results) // 2]


def case_scaling(args, work):
    """One-thread, n-thread, n-rank and n-copies runs in rounds, each round all four in a row:
    on a shared machine whose speed drifts over minutes, a one-thread time measured in one
    minute and an n-thread time in another compare two machines. Each round gives its own
    efficiency (`efficiency_rounds`); the headline figures are medians over rounds."""
    T = args.T or 2.0
    model = os.path.join(ROOT, "examples", "coba.toml")
    sets = COBA_X10_SETS
    n = args.threads
    mpi = not args.no_mpi and shutil.which("mpirun")
    ones, manys, ranks, copies = [], [], [], []
    for k in range(args.reps):
        ones.append(engram_run(args, work, f"coba10-t1-{k}", model, T, 1, 1, sets))
        manys.append(engram_run(args, work, f"coba10-t{n}-{k}", model, T, n, 1, sets))
        if mpi:
            ranks.append(engram_run(args, work, f"coba10-r{n}-{k}", model, T, 1, n, sets))
        # the machine's own ceiling: the same work as `n` independent one-thread jobs
        copies.append(engram_concurrent(args, work, f"coba10-x{k}", model, T, n, sets))
    sim = lambda s: s["timing"]["sim_s"]
    med = statistics.median
    one = sorted(ones, key=sim)[args.reps // 2]
    many = sorted(manys, key=sim)[args.reps // 2]
    note(f"coba10: 1 thread {[round(sim(r), 2) for r in ones]} s, {n} threads "
         f"{[round(sim(r), 2) for r in manys]} s, {n} copies {[round(c, 2) for c in copies]} s")
    per_round = [sim(a) / (n * sim(b)) for a, b in zip(ones, manys)]
    res = {"T_s": T, "neurons": one["network"]["neurons"], "synapses": one["network"]["synapses"],
           "rounds": args.reps, "sim_s_1": sim(one), "sim_s_n": sim(many), "threads": n,
           "rate_1_hz": rate(one), "rate_n_hz": rate(many),
           "same_spikes": all(r["spike_count"] == one["spike_count"] for r in ones + manys),
           "efficiency_rounds": per_round, "efficiency_round_median": med(per_round)}
    res["speedup"] = res["sim_s_1"] / res["sim_s_n"]
    res["efficiency"] = res["speedup"] / n
    # where an n-thread run's time goes, per thread (medians over rounds)
    for key in ("thread_update_s", "thread_deliver_s", "thread_wait_s"):
        res[f"n_{key}"] = [med(r["timing"][key][t] for r in manys) for t in range(n)]
    res["sim_s_concurrent_copies"] = med(copies)
    res["machine_ceiling_efficiency"] = med(sim(a) / c for a, c in zip(ones, copies))
    res["efficiency_vs_ceiling"] = res["efficiency_round_median"] / res["machine_ceiling_efficiency"]
    note(f"coba10: efficiency per round {[round(100 * e, 1) for e in per_round]} %; {n} independent "
         f"one-thread copies at once: machine ceiling "
         f"{100 * res['machine_ceiling_efficiency']:.0f} %")
    # the floor of a barrier per step: balanced arithmetic of the n-thread run's step length
    # on 1 and on `threads` threads (each thread its own copy), engram_barrier_bench
    barrier = os.path.join(os.path.dirname(args.engram), "bench", "engram_barrier_bench")
    if os.access(barrier, os.X_OK):
        steps = int(round(T * 1e4))  # dt 0.1 ms, one interval per step (delays of one step)
        work_us = res["sim_s_n"] / steps * 1e6
        walls = {}
        for m in (1, n):
            runs = []
            for _ in range(args.reps):
                p = subprocess.run([barrier, str(m), str(steps), f"{work_us:.3f}"],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    die(f"engram_barrier_bench failed:\n{p.stderr}", 1)
                runs.append(json.loads(p.stdout)["wall_s"])
            walls[m] = sorted(runs)[args.reps // 2]
        res["step_us"] = work_us
        res["barrier_floor_efficiency"] = walls[1] / walls[n]
        note(f"coba10: balanced {work_us:.0f} us steps with a barrier each: {n} threads "
             f"at {100 * res['barrier_floor_efficiency']:.0f} % of one")
    if ranks:
        mid = sorted(ranks, key=sim)[args.reps // 2]
        res["sim_s_mpi"] = sim(mid)
        res["efficiency_mpi"] = res["sim_s_1"] / (n * res["sim_s_mpi"])
        res["efficiency_mpi_round_median"] = med(sim(a) / (n * sim(b)) for a, b in zip(ones, ranks))
        res["same_spikes_mpi"] = all(r["spike_count"] == one["spike_count"] for r in ranks)
    return res


def case_brunel50k(args, work):
    T = args.T or 1.0
    N = 50000
    model = os.path.join(ROOT, "examples", "brunel_ai.toml")
    sets = [f"population.exc.size={N * 4 // 5}", f"population.inh.size={N // 5}"]
    e = engram_median(args, work, f"brunel50k-t{args.threads}", model, T, args.threads, 1, sets)
    res = {"T_s": T, "N": N, "threads": args.threads, "synapses": e["network"]["synapses"],
           "engram_sim_s": e["timing"]["sim_s"], "engram_build_s": e["timing"]["build_s"],
           "engram_rate_hz": rate(e),
           "engram_bytes_per_synapse": e["memory"]["bytes_per_synapse"],
           "engram_peak_rss_mib": e["memory"]["peak_rss_mib"]}
    if not args.no_peer:
        b = brian2_brunel(args, work, N, T, args.threads)
        res.update({"brian2_sim_s": b["sim_s"], "brian2_rate_hz": b.get("rate_hz"),
                    "brian2_peak_rss_mib": b.get("rss_mib")})
        res["speedup_vs_brian2"] = b["sim_s"] / res["engram_sim_s"]
        if res["brian2_rate_hz"]:
            res["rate_ratio"] = res["engram_rate_hz"] / res["brian2_rate_hz"]
    return res


def case_microcircuit(args, work):
    T = args.T or 1.0
    model = os.path.join(ROOT, "examples", "potjans_diesmann_2014.toml")
    res = {"T_s": T}
    for threads in (1, args.threads):
        s = engram_run(args, work, f"pd14-t{threads}", model, T, threads)
        res[f"t{threads}"] = {"build_s": s["timing"]["build_s"], "sim_s": s["timing"]["sim_s"],
                              "real_time_factor": s["timing"]["real_time_factor"],
                              "synapses": s["network"]["synapses"],
                              "bytes_per_synapse": s["memory"]["bytes_per_synapse"],
                              "peak_rss_mib": s["memory"]["peak_rss_mib"]}
        note(f"microcircuit {threads} thread(s): {res[f't{threads}']}")
    return res


def check_peer(args):
    """Before any run: the Brian2 comparison needs python3-brian for PEER_PY."""
    if "brunel50k" not in args.cases or args.no_peer:
        return
    script = os.path.join(args.peers, "brian2_nets.py")
    if not os.path.exists(script):
        die(f"no peer script at {script} (--peers DIR), or pass --no-peer")
    p = subprocess.run([PEER_PY, "-c", "import brian2"], capture_output=True, text=True)
    if p.returncode != 0:
        die(f"Brian2 is not importable by {PEER_PY} (brunel50k compares against it): install "
            "Debian's python3-brian (ENGRAM_WITH_PEERS=1 bash scripts/setup.sh does), or pass "
            "--no-peer to time engram alone")


def main():
    args = parse_args()
    check_peer(args)
    work = args.workdir or tempfile.mkdtemp(prefix="engram-scaling-")
    os.makedirs(work, exist_ok=True)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
               "machine": platform.node(), "cpus": os.cpu_count(), "reps": args.reps}
    for c in args.cases:
        note(f"case {c}")
        results[c] = globals()[f"case_{c}"](args, work)
        print(json.dumps({c: results[c]}, indent=1))
    if "scaling" in results:
        r = results["scaling"]
        print(f"COBA x10 ({r['neurons']} neurons, {r['synapses']} synapses, {r['T_s']} s, "
              f"{r['rounds']} rounds): 1 thread {r['sim_s_1']:.2f} s, {r['threads']} threads "
              f"{r['sim_s_n']:.2f} s, efficiency {100 * r['efficiency_round_median']:.1f} % "
              f"(median of the rounds; {100 * r['efficiency']:.1f} % from the median times)" +
              (f"; {r['threads']} ranks {r['sim_s_mpi']:.2f} s, efficiency "
               f"{100 * r['efficiency_mpi_round_median']:.1f} %" if "sim_s_mpi" in r else "") +
              f"; {r['threads']} independent one-thread copies at once: this machine allows at "
              f"most {100 * r['machine_ceiling_efficiency']:.0f} % (threads reach "
              f"{100 * r['efficiency_vs_ceiling']:.0f} % of that)" +
              (f"; perfectly balanced {r['step_us']:.0f} us steps with a barrier each reach "
               f"{100 * r['barrier_floor_efficiency']:.0f} %" if "step_us" in r else ""))
    if "brunel50k" in results and "brian2_sim_s" in results["brunel50k"]:
        r = results["brunel50k"]
        print(f"Brunel 50k ({r['T_s']} s, {r['threads']} threads): engram {r['engram_sim_s']:.2f} s,"
              f" Brian2 {r['brian2_sim_s']:.2f} s, engram {r['speedup_vs_brian2']:.2f}x faster; "
              f"rates {r['engram_rate_hz']:.2f} vs {r['brian2_rate_hz']:.2f} Hz")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
