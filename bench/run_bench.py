#!/usr/bin/python3
"""engram vs Brian2 on the Brette et al. (2007) benchmarks COBA, CUBA and COBAHH.

For each network (examples/coba.toml, examples/cuba.toml, examples/cobahh.toml) and each
biological time T, this runs engram --reps times (single thread) and, in the same invocation,
the Brian2 peer script shared/peers/brian2_nets.py with its cpp_standalone target (compiled
once, binary executed --reps times, single thread). It reports median simulation times, the
speed ratio, memory per synapse, peak RSS and the firing rates / spike counts of both
simulators, as a table on stdout and (with --json) as JSON.

Run with Debian's Python, which sees python3-brian:
  /usr/bin/python3 bench/run_bench.py --reps 3 --json /tmp/bench.json
  /usr/bin/python3 bench/run_bench.py --nets coba --T 1 --no-peer
  /usr/bin/python3 bench/run_bench.py --nets cell1000   # the 1000-segment cable cell vs NEURON
                                                        # (bench/run_cell_bench.py)

Exit status: 0 on success, 2 when the engram binary (or an example file) is missing, 1 when a
run fails.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEER_PY = "/usr/bin/python3"  # Debian's interpreter: the one that sees python3-brian
NETS = ("coba", "cuba", "cobahh", "stdp")
# the engram model file of each network (the Brian2 peer takes the network's name)
EXAMPLE = {"coba": "coba", "cuba": "cuba", "cobahh": "cobahh", "stdp": "coba_stdp"}


def die(msg, code=2):
    print(f"run_bench: error: {msg}", file=sys.stderr)
    sys.exit(code)


def note(msg):
    print(f"run_bench: {msg}", file=sys.stderr, flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nets", default="coba,cuba,cobahh",
                    help="comma list from: coba, cuba, cobahh, stdp (COBA with pair STDP on E->E), "
                         "ballstick (100 ball-and-stick cable cells against NEURON: "
                         "bench/ballstick_bench.py); or cell1000 alone: the 1000-segment active "
                         "cable cell against NEURON (bench/run_cell_bench.py)")
    ap.add_argument("--T", default="1,10", help="comma list of biological times in s")
    ap.add_argument("--reps", type=int, default=3, help="runs per case; medians are reported")
    ap.add_argument("--no-peer", action="store_true", help="engram only, skip Brian2")
    ap.add_argument("--rate-seeds", type=int, default=5,
                    help="extra engram runs with seeds 1..N for the mean rate: these networks are "
                         "chaotic, so one seed's rate scatters by several percent (0: off)")
    ap.add_argument("--peer-rate-seeds", type=int, default=0,
                    help="the same for Brian2, seeds 1..N (each one a code generation and "
                         "compilation, ~10 s); the seed-mean rates of both are then compared")
    ap.add_argument("--engram", default=os.path.join(ROOT, "build", "engram"),
                    help="engram binary (default: <repo>/build/engram)")
    ap.add_argument("--peers", default=None,
                    help="folder with brian2_nets.py (default: <repo>/../shared/peers)")
    ap.add_argument("--engram-set", action="append", default=[], metavar="KEY=VALUE",
                    help="extra `--set KEY=VALUE` for every engram run (repeatable)")
    ap.add_argument("--json", default=None, metavar="PATH", help="also write the results here")
    ap.add_argument("--workdir", default=None,
                    help="scratch folder for run directories and Brian2 builds "
                         "(default: a fresh folder in /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    args.nets = [n.strip() for n in args.nets.split(",") if n.strip()]
    for n in args.nets:
        if n not in NETS and n != "ballstick":
            ap.error(f"unknown network '{n}' (choose from {', '.join(NETS)})")
    try:
        args.T = [float(t) for t in args.T.split(",") if t.strip()]
    except ValueError:
        ap.error(f"--T expects a comma list of numbers (seconds), got '{args.T}'")
    if not args.T or any(t <= 0 for t in args.T):
        ap.error("--T needs positive times")
    if args.reps < 1:
        ap.error("--reps must be >= 1")
    return args


def find_peers(arg):
    cands = [arg] if arg else [os.path.join(ROOT, "..", "shared", "peers"),
                               os.path.join(ROOT, "shared", "peers")]
    for c in cands:
        for d in (c, os.path.join(c, "peers")):  # accept shared/ as well as shared/peers/
            if os.path.isfile(os.path.join(d, "brian2_nets.py")):
                return os.path.abspath(d), None
    return None, "brian2_nets.py not found in " + " or ".join(os.path.abspath(c) for c in cands)


def brian2_available():
    if not os.path.exists(PEER_PY):
        return None, f"{PEER_PY} not found"
    try:
        p = subprocess.run([PEER_PY, "-c", "import brian2; print(brian2.__version__)"],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return None, f"`{PEER_PY} -c 'import brian2'` failed: {last}"
    return p.stdout.strip(), None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def run_engram(args, net, T, work):
    model = os.path.join(ROOT, "examples", f"{EXAMPLE[net]}.toml")
    runs = []
    for r in range(args.reps):
        out = os.path.join(work, f"engram_{net}_{T:g}s_{r}")
        cmd = [args.engram, "run", model, "--out", out, "-q", "--no-plots",
               "--duration", f"{T:g} s"]
        for kv in args.engram_set:
            cmd += ["--set", kv]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            die(f"engram failed (exit {p.returncode}): {' '.join(cmd)}\n{p.stderr.strip()}", 1)
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        runs.append(s)
        shutil.rmtree(out, ignore_errors=True)  # spike files can be large at 10 s
        note(f"engram {net} T={T:g}s rep {r}: sim {s['timing']['sim_s']:.3f} s")
    s0 = runs[0]
    n = s0["network"]["neurons"]
    counts = [r["spike_count"] for r in runs]
    res = dict(
        build_s=median(r["timing"]["build_s"] for r in runs),
        sim_s=median(r["timing"]["sim_s"] for r in runs),
        sim_s_all=[r["timing"]["sim_s"] for r in runs],
        real_time_factor=median(r["timing"]["real_time_factor"] for r in runs),
        bytes_per_synapse=s0["memory"]["bytes_per_synapse"],
        bytes_per_synapse_with_index=s0["memory"]["bytes_per_synapse_with_index"],
        peak_rss_mib=median(r["memory"]["peak_rss_mib"] for r in runs),
        synapses=s0["network"]["synapses"],
        neurons=n,
        spikes=counts[0],
        rate_hz=counts[0] / (n * T),
        rate_hz_by_population={p["name"]: p["rate_hz"] for p in s0["populations"]},
        deterministic=len(set(counts)) == 1,
        version=s0.get("engram_version"),
        command=" ".join(cmd),
    )
    plastic = [p for p in s0["projections"] if p.get("plasticity")]
    if plastic:
        # the mean weight of the (first) plastic projection at the end, in nS
        res["mean_w_plastic"] = plastic[0]["weights_at_end"]["mean"]
        res["bytes_per_plastic_synapse"] = s0["memory"].get("bytes_per_plastic_synapse")
    if not res["deterministic"]:
        note(f"WARNING: engram {net} T={T:g}s spike counts differ between reps: {counts}")
    seed_rates = []
    for seed in range(1, args.rate_seeds + 1):
        out = os.path.join(work, f"engram_{net}_{T:g}s_seed{seed}")
        cmd = [args.engram, "run", model, "--out", out, "-q", "--no-plots", "--duration",
               f"{T:g} s", "--seed", str(seed)] + [x for kv in args.engram_set for x in ("--set", kv)]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            die(f"engram failed (exit {p.returncode}): {' '.join(cmd)}\n{p.stderr.strip()}", 1)
        with open(os.path.join(out, "summary.json")) as f:
            ss = json.load(f)
        seed_rates.append(ss["spike_count"] / (n * T))
        if plastic:
            res.setdefault("mean_w_plastic_seeds", []).append(
                [p for p in ss["projections"] if p.get("plasticity")][0]["weights_at_end"]["mean"])
        shutil.rmtree(out, ignore_errors=True)
    if seed_rates:
        res["rate_hz_seeds"] = seed_rates
        res["rate_hz_seed_mean"] = statistics.mean(seed_rates)
        res["rate_hz_seed_sd"] = statistics.stdev(seed_rates) if len(seed_rates) > 1 else 0.0
    return res


def run_brian2(args, peers, net, T, work):
    outdir = os.path.join(work, f"brian2_{net}_{T:g}s")
    cmd = [PEER_PY, os.path.join(peers, "brian2_nets.py"), "--model", net, "--T", f"{T:g}",
           "--target", "standalone", "--reps", str(args.reps), "--outdir", outdir]
    note(f"brian2 {net} T={T:g}s: generating, compiling and running {args.reps}x ...")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)
    recs = []
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            recs.append(json.loads(line[len("RESULT "):]))
    if p.returncode != 0 or not recs:
        tail = "\n".join((p.stderr.strip().splitlines())[-15:])
        note(f"WARNING: Brian2 {net} T={T:g}s failed (exit {p.returncode}); no peer numbers.\n"
             f"  command: {' '.join(cmd)}\n{tail}")
        return dict(error=f"exit {p.returncode}", command=" ".join(cmd))
    for r in recs:
        note(f"brian2 {net} T={T:g}s rep {r.get('rep')}: sim {r['sim_s']:.3f} s")
    counts = [r["spikes"] for r in recs]
    return dict(
        sim_s=median(r["sim_s"] for r in recs),
        sim_s_all=[r["sim_s"] for r in recs],
        codegen_compile_s=recs[0].get("codegen_compile_s"),
        build_s=recs[0].get("build_s"),
        peak_rss_mib=median(r.get("rss_mib") for r in recs),
        synapses=recs[0].get("nsyn"),
        spikes=counts[0],
        rate_hz=recs[0]["rate_hz"],
        deterministic=len(set(counts)) == 1,
        version=recs[0].get("version"),
        mean_w_plastic=recs[0].get("mean_w_ee_nS"),
        command=" ".join(cmd),
    )


def brian2_seed_rates(args, peers, net, T, work):
    rates = []
    for seed in range(1, args.peer_rate_seeds + 1):
        outdir = os.path.join(work, f"brian2_{net}_{T:g}s_seed{seed}")
        cmd = [PEER_PY, os.path.join(peers, "brian2_nets.py"), "--model", net, "--T", f"{T:g}",
               "--target", "standalone", "--reps", "1", "--seed", str(seed), "--outdir", outdir]
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=work,
                           env=dict(os.environ, OMP_NUM_THREADS="1"))
        recs = [json.loads(l[len("RESULT "):]) for l in p.stdout.splitlines() if l.startswith("RESULT ")]
        if p.returncode != 0 or not recs:
            note(f"WARNING: Brian2 {net} T={T:g}s seed {seed} failed (exit {p.returncode})")
            continue
        rates.append(recs[0]["rate_hz"])
        note(f"brian2 {net} T={T:g}s seed {seed}: {rates[-1]:.3f} Hz")
        shutil.rmtree(outdir, ignore_errors=True)
    return rates


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def table(rows):
    head = ["network", "T s", "eg build s", "eg sim s", "RTF", "B/syn", "B/syn+idx",
            "eg RSS MiB", "b2 sim s", "b2/eg", "eg Hz", "b2 Hz", "rate diff", "eg Hz seeds",
            "b2 Hz seeds", "seed-mean diff", "eg spikes", "b2 spikes", "eg w nS", "b2 w nS",
            "w diff"]
    lines = []
    for r in rows:
        e, b = r["engram"], r.get("brian2") or {}
        lines.append([
            r["network"], f"{r['T_s']:g}", fmt(e["build_s"], ".3f"), fmt(e["sim_s"], ".3f"),
            fmt(e["real_time_factor"], ".3f"), fmt(e["bytes_per_synapse"], ".2f"),
            fmt(e["bytes_per_synapse_with_index"], ".2f"), fmt(e["peak_rss_mib"], ".1f"),
            fmt(b.get("sim_s"), ".3f"), fmt(r.get("speed_ratio"), ".2f"),
            fmt(e["rate_hz"], ".2f"), fmt(b.get("rate_hz"), ".2f"),
            "n/a" if r.get("rate_rel_diff") is None else f"{100 * r['rate_rel_diff']:+.1f}%",
            "n/a" if e.get("rate_hz_seed_mean") is None
            else f"{e['rate_hz_seed_mean']:.2f}±{e['rate_hz_seed_sd']:.2f}",
            "n/a" if b.get("rate_hz_seed_mean") is None
            else f"{b['rate_hz_seed_mean']:.2f}±{b['rate_hz_seed_sd']:.2f}",
            "n/a" if r.get("seed_mean_rel_diff") is None else f"{100 * r['seed_mean_rel_diff']:+.1f}%",
            str(e["spikes"]), "n/a" if b.get("spikes") is None else str(b["spikes"]),
            fmt(e.get("mean_w_plastic"), ".4f"), fmt(b.get("mean_w_plastic"), ".4f"),
            "n/a" if not (e.get("mean_w_plastic") and b.get("mean_w_plastic"))
            else f"{100 * (e['mean_w_plastic'] / b['mean_w_plastic'] - 1):+.2f}%",
        ])
    w = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(head)]
    out = ["| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(head)) + " |",
           "|" + "|".join("-" * (x + 2) for x in w) + "|"]
    for l in lines:
        out.append("| " + " | ".join(c.rjust(w[i]) if i > 0 else c.ljust(w[i])
                                     for i, c in enumerate(l)) + " |")
    return "\n".join(out)


def run_ballstick(args):
    """The cable-cell network against NEURON (its own script: NEURON, not Brian2, is the peer)."""
    cmd = [sys.executable, os.path.join(ROOT, "bench", "ballstick_bench.py"), "--engram", args.engram,
           "--reps", str(args.reps), "--T", f"{1000.0 * args.T[0]:g}"]
    if args.json:
        cmd += ["--json", os.path.splitext(args.json)[0] + "_ballstick.json"]
    subprocess.run(cmd, check=True)


def main():
    if "--nets" in sys.argv[1:-1] and sys.argv[sys.argv.index("--nets") + 1] == "cell1000":
        # the cable-cell benchmark against NEURON has its own driver; pass --T/--reps/--json on
        rest = sys.argv[1:]
        i = rest.index("--nets")
        del rest[i:i + 2]
        return subprocess.call([PEER_PY, os.path.join(HERE, "run_cell_bench.py")] + rest)
    args = parse_args()
    if "ballstick" in args.nets:
        run_ballstick(args)
        args.nets = [n for n in args.nets if n != "ballstick"]
        if not args.nets:
            return
    if not (os.path.isfile(args.engram) and os.access(args.engram, os.X_OK)):
        die(f"engram binary not found or not executable: {args.engram}\n"
            f"  build it first: cmake -S {ROOT} -B {ROOT}/build -G Ninja && "
            f"ninja -C {ROOT}/build engram_cli   (or pass --engram PATH)")
    for n in args.nets:
        f = os.path.join(ROOT, "examples", f"{EXAMPLE[n]}.toml")
        if not os.path.isfile(f):
            die(f"model file missing: {f}")

    peers = None
    b2_version = None
    peer_status = "skipped (--no-peer)"
    if not args.no_peer:
        peers, why = find_peers(args.peers)
        if peers:
            b2_version, why = brian2_available()
        if peers is None or b2_version is None:
            peer_status = f"Brian2 UNAVAILABLE: {why}"
            note(f"{peer_status} -- running engram only (use --no-peer to silence this)")
            peers = None
        else:
            peer_status = f"Brian2 {b2_version} cpp_standalone, 1 thread ({peers})"

    load_start = os.getloadavg()[0]
    work = args.workdir or tempfile.mkdtemp(prefix="engram_bench_", dir="/tmp")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for net in args.nets:
            for T in args.T:
                row = dict(network=net, T_s=T, engram=run_engram(args, net, T, work))
                if peers:
                    b = run_brian2(args, peers, net, T, work)
                    seed_rates = brian2_seed_rates(args, peers, net, T, work)
                    if seed_rates:
                        b["rate_hz_seeds"] = seed_rates
                        b["rate_hz_seed_mean"] = statistics.mean(seed_rates)
                        b["rate_hz_seed_sd"] = statistics.stdev(seed_rates) if len(seed_rates) > 1 else 0.0
                    row["brian2"] = b
                    e = row["engram"]
                    if b.get("sim_s") and e["sim_s"]:
                        row["speed_ratio"] = b["sim_s"] / e["sim_s"]
                    if b.get("rate_hz"):
                        row["rate_rel_diff"] = (e["rate_hz"] - b["rate_hz"]) / b["rate_hz"]
                        if e.get("rate_hz_seed_mean"):
                            ref = b.get("rate_hz_seed_mean", b["rate_hz"])
                            row["seed_mean_rel_diff"] = (e["rate_hz_seed_mean"] - ref) / ref
                rows.append(row)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    now = datetime.datetime.now().astimezone()
    meta = dict(date=now.isoformat(timespec="seconds"), host=platform.node(),
                machine=platform.machine(), cpus=os.cpu_count(), reps=args.reps,
                engram=args.engram, peer=peer_status, command=" ".join([sys.executable] + sys.argv),
                loadavg_1min_start=load_start, loadavg_1min_end=os.getloadavg()[0])
    print(f"# engram vs Brian2 -- {meta['date']}, {meta['cpus']} CPUs, median of {args.reps}, "
          f"1 thread; peer: {peer_status}")
    busy = meta["loadavg_1min_start"] > 0.5 * (os.cpu_count() or 1)
    print(f"# load average (1 min) at start {meta['loadavg_1min_start']:.2f}, at end "
          f"{meta['loadavg_1min_end']:.2f} (the end value includes Brian2's own parallel compile)"
          + ("  -- WARNING: the machine was busy at the start, times are noisy" if busy else ""))
    print("# eg = engram, b2 = Brian2; RTF = engram wall s per simulated s; b2/eg = Brian2 sim s / "
          "engram sim s (> 1: engram faster); rate diff = (eg - b2) / b2 for the timed seed; "
          "eg/b2 Hz seeds = mean ± sd over seeds 1..N; seed-mean diff = (eg seed mean - b2 seed "
          "mean, or the timed b2 rate without --peer-rate-seeds) / that b2 rate")
    print(table(rows))
    for r in rows:
        rd = r.get("rate_rel_diff")
        if rd is not None and abs(rd) > 0.10:
            print(f"# NOTE {r['network']} T={r['T_s']:g}s: rates of the timed seed differ by "
                  f"{100 * rd:+.1f}% (> 10%)")
        sd = r.get("seed_mean_rel_diff")
        if sd is not None and abs(sd) > 0.10:
            print(f"# NOTE {r['network']} T={r['T_s']:g}s: engram's seed-mean rate differs from "
                  f"Brian2's by {100 * sd:+.1f}% (> 10%)")
        sr = r.get("speed_ratio")
        if sr is not None and sr < 0.5:
            print(f"# NOTE {r['network']} T={r['T_s']:g}s: engram is {1 / sr:.2f}x slower than Brian2")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(meta=meta, results=rows), f, indent=2)
        print(f"# JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
