#!/usr/bin/python3
"""Writes examples/nmda_spike_clustering.toml and its connection lists (examples/data/
nmda_clustering/*.csv): NMDA spikes from clustered input against the summation of the same
input dispersed over the dendritic tree (Schiller et al. 2000, Nature 404:285; Polsky,
Mel & Schiller 2004, Nat Neurosci 7:621; VALIDATION.md section 12).

The cell: a passive pyramidal-like cell (no sodium channels, as under TTX in Schiller et al.
2000, so that what rises is the dendrite's own response): a 20 um soma, an apical trunk
(400 um x 3 um) that loads it, and 8 thin basal branches (250 um x 0.6 um). Every branch
carries a glutamatergic synapse site near its tip (x = 0.9): AMPA (0.1 nS per synapse) and
NMDA with the Mg2+ block (0.4 nS per synapse). Synapses that share a site sum their
conductances, as synapses within one compartment do.

The protocol: K = 20 afferents; volley j (j = 1..K, every 500 ms) activates afferents
0..j-1 at once, so the volleys step the number of co-active synapses from 1 to K. Three
copies of the cell receive them differently:
  cell 0, clustered: all K afferents on branch 0;
  cell 1, dispersed: afferent i on branch i mod 8 (1-3 synapses per branch);
  cell 2, clustered with NMDA receptors blocked (APV): cell 0's input, AMPA only.
The analysis (tools/dendritic_integration.py) compares each volley's peak somatic EPSP with
the linear prediction j x (the EPSP of one synapse).

Usage: /usr/bin/python3 tools/make_nmda_clustering.py  (rewrites the files in examples/)
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K = 20            # afferents, and volleys
BRANCHES = 8
FIRST_MS, EVERY_MS = 50.0, 500.0
G_AMPA_NS, G_NMDA_NS = 0.1, 0.4
SITE_X = 0.9
CELLS = ("clustered", "dispersed", "clustered_apv")

HEADER = f'''# NMDA spikes: clustered input on one thin branch against the same input dispersed over
# the tree (Schiller et al. 2000; Polsky, Mel & Schiller 2004). Written by
# tools/make_nmda_clustering.py, which explains the cell and the protocol; edit that instead.
#
# Volley j (every {EVERY_MS:g} ms from {FIRST_MS:g} ms) activates j of the {K} afferents
# together. Cell 0 gets them all on branch b0 (clustered), cell 1 spread over the
# {BRANCHES} branches (dispersed), cell 2 clustered with the NMDA receptors blocked (APV).
# Run and analyse:
#   build/engram run examples/nmda_spike_clustering.toml
#   /usr/bin/python3 tools/dendritic_integration.py runs/nmda_spike_clustering
# The clustered response jumps above the linear sum between 5 and 9 synapses (an NMDA spike:
# a local plateau of about 45-60 mV at the branch), the dispersed one stays near linear, and
# without NMDA receptors the clustered one is sublinear.
[model]
name = "nmda_spike_clustering"
description = "NMDA spikes: clustered vs dispersed synaptic input on a passive pyramidal-like cell"

[protocol]
dt = "0.025 ms"
duration = "{FIRST_MS + EVERY_MS * K:g} ms"
seed = 1
'''


def main():
    data_dir = os.path.join(ROOT, "examples", "data", "nmda_clustering")
    os.makedirs(data_dir, exist_ok=True)
    out = [HEADER]
    times = [[f"{FIRST_MS + EVERY_MS * j:g} ms" for j in range(i, K)] for i in range(K)]
    out.append("# afferent i fires in volleys i + 1 .. K")
    out.append('[[population]]\nname = "afferents"\nsize = %d\nmodel = "spike_source"\n'
               'kind = "excitatory"\nspike_times = [' % K)
    for t in times:
        out.append("  [" + ", ".join(f'"{x}"' for x in t) + "],")
    out.append("]\n")
    out.append(f'''[[population]]
name = "cells"          # 0 clustered, 1 dispersed, 2 clustered with APV
size = {len(CELLS)}
model = "cable"
kind = "excitatory"
params = {{ threshold = "0 mV", v_init = "-70 mV" }}
cm = 1.0        # uF/cm2
Ra = 150.0      # ohm cm
d_lambda = 0.1
morphology = [
  {{ name = "soma", type = "soma", L = "20 um", diam = "20 um" }},
  {{ name = "apic", type = "apic", parent = "soma", parent_x = 1.0, L = "400 um", diam = "3 um" }},''')
    for b in range(BRANCHES):
        out.append(f'  {{ name = "b{b}", type = "dend", parent = "soma", parent_x = 0.5, '
                   f'L = "250 um", diam = "0.6 um" }},')
    out.append(''']

[[population.mechanism]]
name = "pas"
params = { g = 5e-5, e = -70.0 }  # S/cm2 (R_m 20 kohm cm2), mV

[[population.probe]]
name = "v_b0"      # the clustered site
section = "b0"
x = %g
''' % SITE_X)
    for b in range(BRANCHES):
        for kind in ("ampa", "nmda"):
            out.append(f'[[population.synapse]]\nname = "b{b}_{kind}"\nkind = "{kind}"\n'
                       f'section = "b{b}"\nx = {SITE_X:g}\n')

    def write(name, pairs):
        with open(os.path.join(data_dir, name), "w") as f:
            f.write("# pre,post (afferent, cell); written by tools/make_nmda_clustering.py\n")
            for p, q in sorted(pairs):
                f.write(f"{p},{q}\n")

    for b in range(BRANCHES):
        pairs = [(i, 1) for i in range(K) if i % BRANCHES == b]
        if b == 0:
            pairs += [(i, 0) for i in range(K)]
        write(f"b{b}.csv", pairs)
        ampa_file = f"b{b}.csv"
        if b == 0:  # the APV cell: AMPA only
            write("b0_ampa.csv", pairs + [(i, 2) for i in range(K)])
            ampa_file = "b0_ampa.csv"
        for kind, file, g in (("ampa", ampa_file, G_AMPA_NS), ("nmda", f"b{b}.csv", G_NMDA_NS)):
            out.append(f'[[projection]]\nfrom = "afferents"\nto = "cells"\n'
                       f'connect = {{ rule = "from_file", file = "data/nmda_clustering/{file}" }}\n'
                       f'synapse = {{ receptor = "b{b}_{kind}", weight = "{g:g} nS", '
                       f'delay = "1 ms" }}\n')
    out.append('''[[record]]
what = "v"
of = "cells"
interval = "0.1 ms"

[[record]]
what = "v_b0"
of = "cells"
interval = "0.1 ms"''')
    with open(os.path.join(ROOT, "examples", "nmda_spike_clustering.toml"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
