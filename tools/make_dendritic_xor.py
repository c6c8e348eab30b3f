#!/usr/bin/python3
"""Writes examples/dendritic_xor.toml and its connection lists (examples/data/dendritic_xor/):
a neuron whose dendrites compute the exclusive OR of two inputs, which no point neuron with
the same synapses can.

Input A is 12 glutamatergic afferents (AMPA 0.2 nS + NMDA 0.8 nS each, the NMDA/AMPA ratio
of examples/nmda_spike_clustering.toml) clustered near the tip of dendrite d1, plus 15
feedforward interneurons (GABA_A 1 nS each, decay 15 ms) that A drives onto the middle of
the other dendrite, d2. Input B mirrors it (excitation on d2, inhibition on d1). Each input
fires one synchronous volley per trial; the inhibitory volley is the same, as through
feedforward interneurons with a matched delay.

  A alone: an NMDA spike in d1 carries the soma over its threshold (one spike); A's
           inhibition sits on the quiet dendrite d2 and barely reaches the soma.
  B alone: the mirror image.
  A and B: each input's inhibition sits on the path between the other's excitation and the
           soma (Koch, Poggio & Torre 1983's on-path shunting: an AND-NOT per branch), both
           NMDA spikes fail and the soma stays silent.

So the cell fires for A XOR B. A point neuron sums its inputs: with conductances g_e, g_i
per input its steady depolarisation is a weighted mean that moves monotonically as both are
scaled together, so if A alone reaches the threshold, A and B together do too. The control
population `point` puts the same synapses on the soma alone (no dendrites), at 8 x 7
combinations of the excitatory and inhibitory weights (0.05 to 2 and 0 to 8 times the
dendritic cell's), none of which gives XOR.

Trials: nothing at 100 ms, A at 600 ms, B at 1100 ms, A and B at 1600 ms; the analysis
(tools/dendritic_xor.py) counts each cell's spikes in the 500 ms after each trial starts.

Usage: /usr/bin/python3 tools/make_dendritic_xor.py  (rewrites the files in examples/)
       [--exc-scale S] [--inh-scale S] [--root DIR]
--exc-scale and --inh-scale multiply the dendritic cell's weights (the test checks that the
XOR survives such changes); --root writes DIR/examples/... instead of into the repository.
"""
import argparse
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_EXC, N_INH = 12, 15
G_AMPA, G_NMDA, G_GABA = 0.2, 0.8, 1.0  # nS per synapse
TRIALS = {"none": 100.0, "A": 600.0, "B": 1100.0, "AB": 1600.0}
EXC_SCALES = [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0]
INH_SCALES = [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]

HEADER = '''# A dendritic XOR: a cell with two dendrites fires for input A or input B alone but not for
# both, while a point neuron with the same synapses cannot. Written by
# tools/make_dendritic_xor.py, which explains the circuit; edit that instead.
#
# Trials: nothing at 100 ms, A at 600 ms, B at 1100 ms, A and B at 1600 ms.
#   build/engram run examples/dendritic_xor.toml
#   /usr/bin/python3 tools/dendritic_xor.py runs/dendritic_xor
# prints the truth table of the dendritic cell (0 1 1 0) and of the 56 point neurons (the
# same synapses on a soma alone, at 8 x 7 weight scalings: silent, OR or AND, never XOR),
# and plots both (xor.png).
[model]
name = "dendritic_xor"
description = "XOR of two inputs computed by on-path inhibition and NMDA spikes in two dendrites"

[protocol]
dt = "0.025 ms"
duration = "2100 ms"
seed = 1
'''

SOMA = ('{ name = "soma", type = "soma", L = "20 um", diam = "20 um" }')
CELL_COMMON = '''model = "cable"
kind = "excitatory"
params = { threshold = "-20 mV", v_init = "-65 mV" }
cm = 1.0        # uF/cm2
Ra = 150.0      # ohm cm
d_lambda = 0.1
'''
MECHANISMS = '''[[population.mechanism]]
name = "pas"
params = { g = 5e-5, e = -70.0 }  # S/cm2, mV

[[population.mechanism]]
name = "hh"
types = ["soma"]
'''


def source(name, kind, size, times):
    t = "[" + ", ".join(f'"{x:g} ms"' for x in times) + "]"
    return (f'[[population]]\nname = "{name}"\nsize = {size}\nmodel = "spike_source"\n'
            f'kind = "{kind}"\nspike_times = [' + ", ".join([t] * size) + "]\n")


def synapse(name, kind, section, x, extra=""):
    return (f'[[population.synapse]]\nname = "{name}"\nkind = "{kind}"\nsection = "{section}"\n'
            f'x = {x:g}\n{extra}')


def projection(pre, post, receptor, weight=None, file=None):
    connect = ('{ rule = "all_to_all" }' if file is None else
               f'{{ rule = "from_file", file = "data/dendritic_xor/{file}" }}')
    w = f'weight = "{weight:g} nS", ' if weight is not None else ""
    return (f'[[projection]]\nfrom = "{pre}"\nto = "{post}"\nconnect = {connect}\n'
            f'synapse = {{ receptor = "{receptor}", {w}delay = "1 ms" }}\n')


def main():
    ap = argparse.ArgumentParser(description="Writes examples/dendritic_xor.toml.")
    ap.add_argument("--exc-scale", type=float, default=1.0)
    ap.add_argument("--inh-scale", type=float, default=1.0)
    ap.add_argument("--root", default=ROOT)
    args = ap.parse_args()
    g_ampa, g_nmda = G_AMPA * args.exc_scale, G_NMDA * args.exc_scale
    g_gaba = G_GABA * args.inh_scale
    data_dir = os.path.join(args.root, "examples", "data", "dendritic_xor")
    os.makedirs(data_dir, exist_ok=True)
    out = [HEADER]
    t_a = [TRIALS["A"], TRIALS["AB"]]
    t_b = [TRIALS["B"], TRIALS["AB"]]
    out.append("# input A: 12 afferents onto d1 and 15 feedforward interneurons onto d2; B mirrors")
    out.append(source("a_exc", "excitatory", N_EXC, t_a))
    out.append(source("a_inh", "inhibitory", N_INH, t_a))
    out.append(source("b_exc", "excitatory", N_EXC, t_b))
    out.append(source("b_inh", "inhibitory", N_INH, t_b))

    out.append(f'''# the dendritic cell: soma (HH) and two thin dendrites
[[population]]
name = "cell"
size = 1
{CELL_COMMON}morphology = [
  {SOMA},
  {{ name = "d1", type = "dend", parent = "soma", parent_x = 0.5, L = "250 um", diam = "0.8 um" }},
  {{ name = "d2", type = "dend", parent = "soma", parent_x = 0.5, L = "250 um", diam = "0.8 um" }},
]
''')
    out.append(MECHANISMS)
    for d in ("d1", "d2"):
        out.append(f'[[population.probe]]\nname = "v_{d}"\nsection = "{d}"\nx = 0.9\n')
    for d in ("d1", "d2"):
        out.append(synapse(f"{d}_ampa", "ampa", d, 0.9))
        out.append(synapse(f"{d}_nmda", "nmda", d, 0.9))
        out.append(synapse(f"{d}_gaba", "gaba_a", d, 0.5, 'tau2 = "15 ms"\n'))
    for src, d, other in (("a", "d1", "d2"), ("b", "d2", "d1")):
        out.append(projection(f"{src}_exc", "cell", f"{d}_ampa", g_ampa))
        out.append(projection(f"{src}_exc", "cell", f"{d}_nmda", g_nmda))
        out.append(projection(f"{src}_inh", "cell", f"{other}_gaba", g_gaba))

    n_point = len(EXC_SCALES) * len(INH_SCALES)
    out.append(f'''# the control: the same synapses on a soma alone, cell e * {len(INH_SCALES)} + i with the
# excitatory weights times {EXC_SCALES} [e] and the inhibitory ones times
# {INH_SCALES} [i] (the lists in data/dendritic_xor/)
[[population]]
name = "point"
size = {n_point}
{CELL_COMMON}morphology = [
  {SOMA},
]
''')
    out.append(MECHANISMS)
    out.append(synapse("ampa", "ampa", "soma", 0.5))
    out.append(synapse("nmda", "nmda", "soma", 0.5))
    out.append(synapse("gaba", "gaba_a", "soma", 0.5, 'tau2 = "15 ms"\n'))

    def write(name, size, g, scales_of):
        with open(os.path.join(data_dir, name), "w") as f:
            f.write("# pre,post,weight_nS; written by tools/make_dendritic_xor.py\n")
            for pre in range(size):
                for post in range(n_point):
                    f.write(f"{pre},{post},{g * scales_of(post):.6g}\n")

    exc = lambda post: EXC_SCALES[post // len(INH_SCALES)]  # noqa: E731
    inh = lambda post: INH_SCALES[post % len(INH_SCALES)]  # noqa: E731
    write("point_ampa.csv", N_EXC, g_ampa, exc)
    write("point_nmda.csv", N_EXC, g_nmda, exc)
    write("point_gaba.csv", N_INH, g_gaba, inh)
    for src in ("a", "b"):
        out.append(projection(f"{src}_exc", "point", "ampa", file="point_ampa.csv"))
        out.append(projection(f"{src}_exc", "point", "nmda", file="point_nmda.csv"))
        out.append(projection(f"{src}_inh", "point", "gaba", file="point_gaba.csv"))

    for pop in ("cell", "point"):
        out.append(f'[[record]]\nwhat = "spikes"\nof = "{pop}"\n')
    for what in ("v", "v_d1", "v_d2"):
        out.append(f'[[record]]\nwhat = "{what}"\nof = "cell"\ninterval = "0.1 ms"\n')
    with open(os.path.join(args.root, "examples", "dendritic_xor.toml"), "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main()
