#!/usr/bin/python3
"""Two engram builds on one network, run alternately in rounds: which is faster, and where
(per thread: neuron updates, spike delivery, waiting for the other threads).

On a shared VM whose speed drifts by tens of percent for minutes at a time, a time measured
in one minute and a time measured in another compare two machines; runs interleaved like
this see the same drift. Use it before and after a change meant to make engram faster, and
quote the medians it prints (bench/README.md, "Strong scaling").

  /usr/bin/python3 bench/compare_builds.py OLD/build/engram build/engram --rounds 10
  /usr/bin/python3 bench/compare_builds.py A B --threads 2 --model examples/brunel_ai.toml

Default network: COBA scaled x10 (32,000 E + 8,000 I, p = 0.002), 2 s, as run_scaling.py's
scaling case. Each round runs A then B at every thread count of --threads. Printed per build
and thread count: median and minimum simulation time, the median over runs of the busiest
thread's update time, of the mean delivery and of the mean wait; with 1 and N threads, each
round's strong-scaling efficiency and their median; and per thread count the median over
rounds of B's time over A's (below 1: B faster).
Exit status: 0 on success, 2 for a missing binary or model, 1 when a run fails.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from run_scaling import COBA_X10_SETS  # bench/ is on sys.path: the script's own folder

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def die(msg, code=2):
    print(f"compare_builds: error: {msg}", file=sys.stderr)
    sys.exit(code)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="the first engram binary (the baseline)")
    ap.add_argument("b", help="the second engram binary")
    ap.add_argument("--rounds", type=int, default=8, help="runs of each configuration")
    ap.add_argument("--threads", default="1,2", help="comma list of thread counts")
    ap.add_argument("--model", default=None, help="model file (default: COBA x10)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to every run (with --model; COBA x10 sets its own)")
    ap.add_argument("--duration", default="2 s")
    ap.add_argument("--json", default=None, metavar="PATH", help="also write every run here")
    args = ap.parse_args()
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t.strip()]
    except ValueError:
        ap.error(f"--threads: expected a comma list of integers, got '{args.threads}'")
    if not args.threads or min(args.threads) < 1:
        ap.error("--threads: thread counts must be >= 1")
    if args.rounds < 1:
        ap.error("--rounds must be >= 1")
    for name, path in (("a", args.a), ("b", args.b)):
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            die(f"{name}: no engram binary at {path}: build it first (cmake --build DIR)")
    if args.model is None:
        args.model = os.path.join(ROOT, "examples", "coba.toml")
        args.set = COBA_X10_SETS + args.set
    elif not os.path.isfile(args.model):
        die(f"--model: no model file at {args.model}")
    return args


def run(binary, args, threads, out):
    cmd = [binary, "run", args.model, "--threads", str(threads), "--duration", args.duration,
           "--out", out, "--no-plots", "-q"]
    for s in args.set:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"engram failed ({' '.join(cmd)}):\n{p.stderr}", 1)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["timing"]


def main():
    args = parse_args()
    builds = {"A": args.a, "B": args.b}
    runs = {(k, t): [] for k in builds for t in args.threads}
    with tempfile.TemporaryDirectory(prefix="engram-compare-") as work:
        for r in range(args.rounds):
            for t in args.threads:
                for k, binary in builds.items():
                    runs[(k, t)].append(run(binary, args, t, os.path.join(work, f"{k}{t}-{r}")))
            print(f"compare_builds: round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    med = statistics.median
    for k, binary in builds.items():
        print(f"{k} = {binary}")
        for t in args.threads:
            rs = runs[(k, t)]
            sim = [x["sim_s"] for x in rs]
            print(f"  {t} thread(s): sim median {med(sim):.3f} s, min {min(sim):.3f} s; update "
                  f"{med(max(x['thread_update_s']) for x in rs):.3f} s (busiest thread), "
                  f"delivery {med(statistics.mean(x['thread_deliver_s']) for x in rs):.3f} s, "
                  f"wait {med(statistics.mean(x['thread_wait_s']) for x in rs):.3f} s")
        n = max(args.threads)
        if 1 in args.threads and n > 1:
            eff = [one["sim_s"] / (n * many["sim_s"])
                   for one, many in zip(runs[(k, 1)], runs[(k, n)])]
            print(f"  efficiency 1 -> {n} threads per round: "
                  f"{' '.join(f'{100 * e:.1f}' for e in eff)} %; median {100 * med(eff):.1f} %")
    for t in args.threads:
        ratio = [b["sim_s"] / a["sim_s"] for a, b in zip(runs[("A", t)], runs[("B", t)])]
        print(f"B / A on {t} thread(s): median {med(ratio):.3f} over {len(ratio)} rounds "
              f"(range {min(ratio):.3f}-{max(ratio):.3f})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{k}-t{t}": v for (k, t), v in runs.items()} | {"A": args.a, "B": args.b},
                      f, indent=1)


if __name__ == "__main__":
    main()
