#!/usr/bin/env python3
"""Writes examples/two_layer_neuron.toml and its connection files: the two-layer neuron of
Poirazi, Brannon & Mel (2003, Neuron 37:989) on engram's cable cells.

One population of identical cells, one cell per input pattern. Each cell has a soma that
fires at a rate growing continuously from zero (traub Na/K channels and a leak), a passive
apical trunk and NB passive thin terminal branches on the soma, each with one AMPA and one NMDA
site near its tip. A pattern activates n_j independent Poisson afferents on branch j (each
drives that branch's AMPA and NMDA site); every cell gets the same background drive on its
soma. The patterns run from clustered (all active synapses on one or two branches) to
dispersed (spread evenly over every branch) at several totals, so the total number of active
synapses alone does not say how fast a cell fires: on a clustered branch the synapses cross
the NMDA-spike threshold, spread out they stay below it. The defaults were chosen (by trying,
with --scan and tools/two_layer_fit.py) so that a branch's threshold lies near 11 synapses
and the rates stay between 0 and about 120 Hz.

  /usr/bin/python3 tools/make_two_layer_example.py            # the example
  /usr/bin/python3 tools/make_two_layer_example.py --out-dir DIR --reps 1 --duration "1 s"
  /usr/bin/python3 tools/make_two_layer_example.py --out-dir DIR --scan  # one branch, n = 0..24

Writes DIR/NAME.toml, DIR/data/two_layer_b<j>.csv (lines "afferent,cell": that afferent drives
branch j of that cell) and DIR/data/two_layer_patterns.csv (lines "cell,group,n_0,...,n_{NB-1}",
group clustered / intermediate / dispersed, or single with --scan), which
tools/two_layer_fit.py reads (--patterns).
"""
import argparse
import os
import random
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--out-dir", default=os.path.join(ROOT, "examples"),
               help="directory of the model file (its connection files go to DIR/data)")
p.add_argument("--name", default="two_layer_neuron", help="model file name (without .toml)")
p.add_argument("--branches", type=int, default=16, help="terminal branches per cell")
p.add_argument("--totals", default="16,24,32,40,48",
               help="total numbers of active synapses, comma-separated")
p.add_argument("--spreads", default="1,2,3,4,6,8,12,16",
               help="numbers of branches a total is spread over, comma-separated")
p.add_argument("--reps", type=int, default=3,
               help="patterns per (total, spread), each on a different random set of branches")
p.add_argument("--random", type=int, default=40,
               help="extra patterns with a random total and a random (Dirichlet) split")
p.add_argument("--max-per-branch", type=int, default=24, help="at most this many per branch")
p.add_argument("--branch-length", type=float, default=200.0, help="um")
p.add_argument("--branch-diam", type=float, default=1.0, help="um")
p.add_argument("--soma-diam", type=float, default=30.0, help="um (and its length)")
p.add_argument("--trunk-length", type=float, default=300.0, help="um")
p.add_argument("--trunk-diam", type=float, default=2.0, help="um")
p.add_argument("--syn-x", type=float, default=0.9, help="position of a branch's synapses")
p.add_argument("--gnabar", type=float, default=0.1, help="somatic Na (traub), S/cm2")
p.add_argument("--gkbar", type=float, default=0.03, help="somatic K (traub), S/cm2")
p.add_argument("--g-pas", type=float, default=5e-5, help="dendritic leak, S/cm2")
p.add_argument("--soma-g-pas", type=float, default=1e-3, help="somatic leak, S/cm2")
p.add_argument("--rate", default="30 Hz", help="rate of each active afferent")
p.add_argument("--w-ampa", default="0.1 nS", help="AMPA peak conductance per afferent")
p.add_argument("--w-nmda", default="0.35 nS", help="NMDA peak conductance per afferent (unblocked)")
p.add_argument("--mg", type=float, default=2.0, help="Mg2+ of the NMDA sites, mM")
p.add_argument("--bg-inputs", type=int, default=100, help="background Poisson trains per cell")
p.add_argument("--bg-rate", default="10 Hz", help="rate of each background train")
p.add_argument("--bg-weight", default="1.5 nS", help="AMPA peak conductance of a background spike")
p.add_argument("--scan", action="store_true",
               help="instead of the patterns: n = 0..max-per-branch synapses on branch 0 alone "
               "(the branch's input-output curve; group single)")
p.add_argument("--duration", default="3 s")
p.add_argument("--dt", default="0.05 ms")
p.add_argument("--seed", type=int, default=2003)
args = p.parse_args()

NB = args.branches
rng = random.Random(args.seed)


def split_evenly(total, branches):
    """total synapses over the given branches, as evenly as whole numbers allow."""
    n = [0] * NB
    for i in range(total):
        n[branches[i % len(branches)]] += 1
    return n


patterns = []  # n_j of each pattern
totals = [int(t) for t in args.totals.split(",")]
spreads = [int(k) for k in args.spreads.split(",")]
for total in [] if args.scan else totals:
    for k in spreads:
        if k > NB or -(-total // k) > args.max_per_branch:
            continue
        for _ in range(args.reps):
            chosen = rng.sample(range(NB), k)
            patterns.append(split_evenly(total, chosen))
for n0 in range(args.max_per_branch + 1) if args.scan else []:
    patterns.append([n0] + [0] * (NB - 1))
for _ in range(0 if args.scan else args.random):
    total = rng.randint(min(totals), max(totals))
    while True:
        share = [rng.gammavariate(0.3, 1.0) for _ in range(NB)]
        n = [0] * NB
        for _ in range(total):  # multinomial draw with the Dirichlet shares
            n[rng.choices(range(NB), weights=share)[0]] += 1
        if max(n) <= args.max_per_branch:
            break
    patterns.append(n)


def group(n):
    """clustered: on one or two branches; dispersed: on every branch."""
    if args.scan:
        return "single"
    k = sum(1 for x in n if x)
    return "clustered" if k <= 2 else ("dispersed" if k == NB else "intermediate")


# Afferents: one independent Poisson train per active synapse, numbered cell by cell.
links = [[] for _ in range(NB)]  # per branch: (afferent, cell)
afferent = 0
for cell, n in enumerate(patterns):
    for j in range(NB):
        for _ in range(n[j]):
            links[j].append((afferent, cell))
            afferent += 1

data_dir = os.path.join(args.out_dir, "data")
os.makedirs(data_dir, exist_ok=True)
for j in range(NB):
    with open(os.path.join(data_dir, f"two_layer_b{j}.csv"), "w") as f:
        f.write("afferent,cell\n")
        for a, c in links[j]:
            f.write(f"{a},{c}\n")
with open(os.path.join(data_dir, "two_layer_patterns.csv"), "w") as f:
    f.write("cell,group," + ",".join(f"n_{j}" for j in range(NB)) + "\n")
    for cell, n in enumerate(patterns):
        f.write(f"{cell},{group(n)}," + ",".join(str(x) for x in n) + "\n")

morph = [
    f'  {{ name = "soma", type = "soma", L = "{args.soma_diam:g} um", '
    f'diam = "{args.soma_diam:g} um" }},',
    f'  {{ name = "trunk", type = "apic", parent = "soma", parent_x = 1.0, '
    f'L = "{args.trunk_length:g} um", diam = "{args.trunk_diam:g} um" }},',
]
for j in range(NB):
    morph.append(f'  {{ name = "b{j}", type = "dend", parent = "soma", parent_x = 0.0, '
                 f'L = "{args.branch_length:g} um", diam = "{args.branch_diam:g} um" }},')

out = []
w = out.append
HEADER = f"""The two-layer neuron (Poirazi, Brannon & Mel 2003, Neuron 37:989): the firing rate of a
cell with {NB} thin terminal branches is predicted far better by a sum of per-branch sigmoids,
passed through an output non-linearity, than by its total number of active synapses
(tools/two_layer_fit.py fits both).

Generated by tools/make_two_layer_example.py (do not edit; change the script). One cell per
input pattern ({len(patterns)} patterns, data/two_layer_patterns.csv: n_j active synapses on
branch j). Each active synapse is an independent Poisson afferent at {args.rate} driving its
branch's AMPA ({args.w_ampa}) and NMDA ({args.w_nmda}, Mg2+ {args.mg:g} mM) site at x =
{args.syn_x:g}. Patterns: totals {args.totals.replace(",", ", ")} spread evenly over
{args.spreads.replace(",", ", ")} branches ({args.reps} random choices of branches each), and
{args.random} random splits. With the default parameters a branch with 11 active synapses
spends half of its time in an NMDA plateau (above -40 mV at the synapses), one with 13 or more
nearly all of it (--scan); spread out, the same synapses stay below that threshold. Every cell
gets the same background: {args.bg_inputs} Poisson trains at {args.bg_rate}, {args.bg_weight}
AMPA on the soma.

Cell: soma {args.soma_diam:g} x {args.soma_diam:g} um with traub (gnabar {args.gnabar:g}, gkbar
{args.gkbar:g} S/cm2) and pas (g {args.soma_g_pas:g} S/cm2); an apical trunk
{args.trunk_length:g} x {args.trunk_diam:g} um and {NB} branches {args.branch_length:g} x
{args.branch_diam:g} um on the soma, passive (g_pas {args.g_pas:g} S/cm2); e_pas -70 mV, Ra 150
ohm cm, cm 1 uF/cm2.

  build/engram run examples/{args.name}.toml -o runs/{args.name}
  /usr/bin/python3 tools/two_layer_fit.py runs/{args.name}"""
for para in HEADER.split("\n\n"):
    if para.startswith("  "):
        lines = para.split("\n")
    else:
        lines = textwrap.wrap(" ".join(para.split()), 93)
    w("\n".join("# " + x for x in lines))
    w("#")
out.pop()
w(f"""[model]
name = "{args.name}"
description = "Poirazi et al. (2003) two-layer neuron: clustered vs dispersed synaptic input"

[protocol]
dt = "{args.dt}"
duration = "{args.duration}"
seed = {args.seed}

[[population]]
name = "afferents"
size = {afferent}
model = "poisson_source"
kind = "excitatory"
params = {{ rate = "{args.rate}" }}

[[population]]
name = "cells"
size = {len(patterns)}
model = "cable"
kind = "excitatory"
params = {{ threshold = "-20 mV", v_init = "-65 mV" }}
cm = 1.0        # uF/cm2
Ra = 150.0      # ohm cm
d_lambda = 0.1  # nseg by NEURON's d_lambda rule at 100 Hz
morphology = [""")
out.extend(morph)
w(f"""]
spike_site = {{ section = "soma", x = 0.5 }}

[[population.mechanism]]
name = "traub"
types = ["soma"]
params = {{ gnabar = {args.gnabar:g}, gkbar = {args.gkbar:g} }}

[[population.mechanism]]
name = "pas"
types = ["soma"]
params = {{ g = {args.soma_g_pas:g}, e = -70.0 }}

[[population.mechanism]]
name = "pas"
types = ["dend", "apic"]
params = {{ g = {args.g_pas:g}, e = -70.0 }}

[[population.synapse]]
name = "soma_ampa"
kind = "ampa"
section = "soma"
x = 0.5
""")
for j in range(NB):
    for kind in ("ampa", "nmda"):
        w(f"""[[population.synapse]]
name = "b{j}_{kind}"
kind = "{kind}"
section = "b{j}"
x = {args.syn_x:g}
""" + (f"mg = {args.mg:g}\n" if kind == "nmda" and args.mg != 1.0 else ""))
if args.scan:  # the branch's own potential at its synapses
    w(f"""[[population.probe]]
name = "v_b0"
section = "b0"
x = {args.syn_x:g}
""")
for j in range(NB):
    for kind, weight in (("ampa", args.w_ampa), ("nmda", args.w_nmda)):
        w(f"""[[projection]]
from = "afferents"
to = "cells"
connect = {{ rule = "from_file", file = "data/two_layer_b{j}.csv" }}
synapse = {{ receptor = "b{j}_{kind}", weight = "{weight}", delay = "1 ms" }}
""")
w(f"""[[stimulus]]
kind = "poisson"
to = "cells"
rate = "{args.bg_rate}"
inputs = {args.bg_inputs}
weight = "{args.bg_weight}"
receptor = "soma_ampa"

[[record]]
what = "spikes"
of = "cells"
""")
# The soma of a clustered and of a dispersed cell with the same total, for traces.png.
shown = []
for want in ("clustered", "dispersed"):
    shown += [c for c, n in enumerate(patterns) if group(n) == want and sum(n) == 32][:1]
if args.scan:
    w("""[[record]]
what = "v"
of = "cells"
interval = "0.5 ms"

[[record]]
what = "v_b0"
of = "cells"
interval = "0.5 ms"
""")
elif shown:
    w(f"""[[record]]
what = "v"
of = "cells"
neurons = {shown}
interval = "0.25 ms"
""")
path = os.path.join(args.out_dir, f"{args.name}.toml")
with open(path, "w") as f:
    f.write("\n".join(out))
print(f"wrote {path}: {len(patterns)} patterns, {afferent} afferents")
