#!/usr/bin/python3
"""Writes the spatial balanced network of Rosenbaum, Smith, Kohn, Rubin & Doiron (2017, Nat
Neurosci 20:107) as an engram model file.

Parameters from shared/VALIDATION.md section 13 (the authors' NetworkSimForFigure4.m,
NetworkSimForFigure3.m and EIF2DSpatialNetworkNoJitter.c): excitatory (200 x 200) and
inhibitory (100 x 100) EIF neurons and a feedforward layer of 75 x 75 Poisson neurons at
5 Hz on the unit square with periodic boundaries; every presynaptic neuron draws a fixed
number of targets K_ab = p_ab N_a with replacement from a 2-D Gaussian around its own
position (width sigma_rec for recurrent, sigma_ffwd for feedforward projections).

Usage: /usr/bin/python3 tools/make_rosenbaum.py [--figure 4|3] [--scale 1.0]
           [--model adex_psc_exp|lif_psc_exp] [--duration "22 s"] [--out FILE]
--figure 4 (default): sigma_rec = 0.25, sigma_ffwd = 0.1 (spatially balanced; correlations
  positive at short, negative at intermediate, ~0 at long distances).
--figure 3: sigma_rec = 0.05, sigma_ffwd = 0.1 (recurrent narrower than feedforward);
  tau_F = 7 ms in the paper, see the note on receptors in the generated header. Weakly
  correlated, as the paper finds ("spatially localized lateral projections promote weakly
  correlated spiking", its abstract; VALIDATION.md's unchecked note expected large ones):
  at full scale (22 s, seed 1, 2 threads) +0.004 below 25 um and |c| < 0.0003 beyond 300 um,
  against +0.064 and -0.015 for --figure 4; at --scale 0.1 (12 s) +0.023 below 50 um and
  |c| < 0.001 beyond 250 um (tests/validation/test_rosenbaum_small.py checks the contrast).
--scale s multiplies the number of neurons of every layer (grid sides by sqrt(s)); the
  connection probabilities stay, so the out-degrees scale with the target layers, and the
  weights are j / sqrt(N) with the scaled N, as in the paper's construction (the balanced
  rates do not change to leading order).
"""
import argparse
import math

# from the authors' scripts (VALIDATION.md section 13)
NE1, NI1, NF1 = 200, 100, 75           # grid sides
P = {"ee": 0.05, "ei": 0.05, "ie": 0.05, "ii": 0.05, "eF": 0.25, "iF": 0.08}  # p_ab: b -> a
J = {"ee": 40.0, "ei": -400.0, "ie": 120.0, "ii": -400.0, "eF": 120.0, "iF": 120.0}
R_F = 5.0                              # Hz
TAU_M = {"e": 15.0, "i": 10.0}         # ms (C_m / g_L with C_m = 1, g_L = 1/15, 1/10)
DELTA_T = {"e": 2.0, "i": 0.5}         # mV
T_REF = {"e": 1.5, "i": 0.5}           # ms
E_L, V_T, V_TH, V_RE, V_LB = -60.0, -50.0, -10.0, -65.0, -100.0  # mV
TAU_SYN = {"e": 6.0, "i": 5.0}         # ms; tau_F = 6 (Fig. 4) or 7 (Fig. 3)
C_M = 100.0                            # pF, our choice: only I / C_m enters (see header)
SIDE_UM = 1000.0                       # the unit square is 1 mm x 1 mm
NEURON_NOTE = {
    "adex_psc_exp": " with a = b = 0 (EIF), forward Euler at dt = 0.1 ms as the authors' C code,"
                    "\n# spike at V_th = -10 mV, reset -65 mV, V bounded below by V_lb = -100 mV",
    "lif_psc_exp": " (leaky integrate-and-fire with threshold V_T = -50 mV: a stand-in for the"
                   "\n# EIF)",
}


def balanced_rates():
    """The balanced-network limit of the mean rates (NetworkSimForFigure4.m), in Hz."""
    ne, ni, nf = NE1 ** 2, NI1 ** 2, NF1 ** 2
    n = ne + ni
    q = ne / n
    w = {k: abs(J[k]) * P[k] * (q if k[1] == "e" else 1 - q) for k in ("ee", "ei", "ie", "ii")}
    w["eF"] = J["eF"] * P["eF"] * nf / n
    w["iF"] = J["iF"] * P["iF"] * nf / n
    det = w["ei"] * w["ie"] - w["ee"] * w["ii"]
    re = R_F * (w["eF"] * w["ii"] - w["iF"] * w["ei"]) / det
    ri = R_F * (w["eF"] * w["ie"] - w["iF"] * w["ee"]) / det
    return re, ri


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--figure", type=int, choices=(3, 4), default=4)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--model", choices=("adex_psc_exp", "lif_psc_exp"), default="adex_psc_exp")
    ap.add_argument("--duration", default="22 s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    sigma_rec = 0.25 if a.figure == 4 else 0.05
    sigma_ffwd = 0.1
    tau_f = 6.0 if a.figure == 4 else 7.0
    side = {k: max(1, round(n1 * math.sqrt(a.scale))) for k, n1 in
            (("e", NE1), ("i", NI1), ("f", NF1))}
    size = {k: s * s for k, s in side.items()}
    n = size["e"] + size["i"]
    out = a.out or ("examples/rosenbaum_2017" + ("_fig3" if a.figure == 3 else "")
                    + ("" if a.scale == 1 else f"_scale{a.scale:g}".replace(".", "p")) + ".toml")
    re, ri = balanced_rates()

    def weight(ab):
        """pA: C_m J / tau_syn with J = j / sqrt(N) (mV) and the receptor's decay time."""
        tau = TAU_SYN["i"] if J[ab] < 0 else TAU_SYN["e"]
        return C_M * (J[ab] / math.sqrt(n)) / tau

    args = f"--figure {a.figure}" + (f" --scale {a.scale:g}" if a.scale != 1 else "") + \
        (f" --model {a.model}" if a.model != "adex_psc_exp" else "")
    hdr = f"""\
# Rosenbaum, Smith, Kohn, Rubin & Doiron (2017) Nat Neurosci 20:107, Fig. {a.figure}: a balanced
# network of EIF neurons on a periodic sheet driven by a feedforward Poisson layer.
# Generated by tools/make_rosenbaum.py {args}
# (parameters: shared/VALIDATION.md section 13, the authors' NetworkSimForFigure{a.figure}.m).
#
# Layers on the unit square = 1 mm x 1 mm, periodic: E {side['e']}x{side['e']} = {size['e']}, I \
{side['i']}x{side['i']} = {size['i']},
# F {side['f']}x{side['f']} = {size['f']} Poisson neurons at {R_F:g} Hz. Each presynaptic neuron of
# layer b draws K_ab = p_ab N_a targets in layer a with replacement (multapses, autapses), with
# probability proportional to a Gaussian of the periodic distance: sigma_rec = {sigma_rec:g}
# ({sigma_rec * SIDE_UM:g} um) for E and I sources, sigma_ffwd = {sigma_ffwd:g} ({sigma_ffwd * SIDE_UM:g} um) for F.
# The paper wraps the Gaussian (sums its periodic images) per axis; engram's profile is the
# Gaussian of the shortest periodic distance: identical for sigma = 0.1 and 0.05 (the images
# weigh < 1e-6), and for sigma = 0.25 it puts the ~9 % of connections that the wrapped
# Gaussian folds back across the far edge (|dx| or |dy| > 0.5) onto the rest of the square.
#
# Units. The paper writes C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) + I
# with C = 1, so I is in mV/ms, and a spike of weight J = j / sqrt(N) mV (N = N_e + N_i =
# {n}) makes the synaptic current jump by J / tau_syn (the kernel (1/tau) exp(-t/tau) carries
# a total charge of J: a J mV jump of a perfect integrator). Only I / C enters, so any C_m
# will do: with C_m = {C_M:g} pF, g_L = C_m / tau_m (tau_m = 15 ms E, 10 ms I) and a weight
# (jump of the current) w = C_m J / tau_syn in pA (pA / pF = mV / ms):
#   j_ee = 40, j_ei = -400, j_ie = 120, j_ii = -400, j_eF = j_iF = 120;
#   tau_syn = 6 ms (E and F sources, receptor exc), 5 ms (I sources, receptor inh).
# Receptors: engram's current-based models have two ports (exc, inh); the F inputs use the
# exc port, whose decay is tau_e = 6 ms. In Fig. 4 tau_F = tau_e = 6 ms, exact. In Fig. 3
# tau_F = 7 ms: here the F current decays with 6 ms and keeps its charge (w = C_m J / 6 ms).
#
# Neurons: {a.model}{NEURON_NOTE[a.model]}.
# Delays: one step (0.1 ms), as the authors' code delivers a spike in the next step.
# Initial V uniform in [V_re, V_T] = [-65, -50] mV. The paper runs 22 s and discards the first 2 s.
# Balanced-network limit of the rates: r_e = {re:.2f} Hz, r_i = {ri:.2f} Hz.
# Analysis: /usr/bin/python3 tools/spatial_correlations.py RUN_DIR (spike-count correlations
# in 250 ms windows against distance, as the paper's Fig. {a.figure}).
"""
    lines = [hdr]
    lines += ["[model]", f'name = "{out.rsplit("/", 1)[-1].removesuffix(".toml")}"', "",
              "[protocol]", 'dt = "0.1 ms"', f'duration = "{a.duration}"', f"seed = {a.seed}", ""]

    def population(name, kind, cell):
        s = side[name]
        lines.append("[[population]]")
        lines.append(f'name = "{name}"')
        lines.append(f"size = {size[name]}")
        if cell is None:
            lines.append('model = "poisson_source"')
            lines.append("kind = \"excitatory\"")
            lines.append(f'params = {{ rate = "{R_F:g} Hz" }}')
        else:
            lines.append(f'model = "{a.model}"')
            lines.append(f'kind = "{kind}"')
            g_l = C_M / TAU_M[cell]
            if a.model == "adex_psc_exp":
                lines.append(
                    f'params = {{ c_m = "{C_M:g} pF", g_l = "{g_l:.10g} nS", e_l = "{E_L:g} mV", '
                    f'v_t = "{V_T:g} mV", delta_t = "{DELTA_T[cell]:g} mV", '
                    f'v_peak = "{V_TH:g} mV", v_reset = "{V_RE:g} mV", t_ref = "{T_REF[cell]:g} ms", '
                    f'a = "0 nS", b = "0 pA", v_lb = "{V_LB:g} mV", '
                    f'tau_syn_ex = "{TAU_SYN["e"]:g} ms", tau_syn_in = "{TAU_SYN["i"]:g} ms" }}')
                lines.append('integrator = "euler"')
            else:
                lines.append(
                    f'params = {{ c_m = "{C_M:g} pF", tau_m = "{TAU_M[cell]:g} ms", e_l = "{E_L:g} mV", '
                    f'v_thresh = "{V_T:g} mV", v_reset = "{V_RE:g} mV", t_ref = "{T_REF[cell]:g} ms", '
                    f'tau_syn_ex = "{TAU_SYN["e"]:g} ms", tau_syn_in = "{TAU_SYN["i"]:g} ms" }}')
            lines.append(f'init = {{ v = {{ uniform = ["{V_RE:g} mV", "{V_T:g} mV"] }} }}')
        lines.append(f'space = {{ layout = "grid", shape = [{s}, {s}], extent = ["1 mm", "1 mm"], '
                     "periodic = true }")
        lines.append("")

    population("e", "excitatory", "e")
    population("i", "inhibitory", "i")
    population("f", "excitatory", None)

    def projection(src, dst, ab, sigma):
        k = round(P[ab] * size[dst])
        lines.append("[[projection]]")
        lines.append(f'name = "{src}->{dst}"')
        lines.append(f'from = "{src}"')
        lines.append(f'to = "{dst}"')
        lines.append(f'connect = {{ rule = "fixed_outdegree", k = {k}, '
                     f'profile = {{ gaussian = {{ sigma = "{sigma * SIDE_UM:g} um" }} }} }}')
        rec = "inh" if J[ab] < 0 else "exc"
        lines.append(f'synapse = {{ receptor = "{rec}", weight = "{weight(ab):.8g} pA", '
                     'delay = "0.1 ms" }')
        lines.append("")

    # key ab: target a, source b (the paper's convention)
    projection("e", "e", "ee", sigma_rec)
    projection("e", "i", "ie", sigma_rec)
    projection("i", "e", "ei", sigma_rec)
    projection("i", "i", "ii", sigma_rec)
    projection("f", "e", "eF", sigma_ffwd)
    projection("f", "i", "iF", sigma_ffwd)
    lines += ["[[record]]", 'what = "spikes"', 'of = "e"', "",
              "[[record]]", 'what = "spikes"', 'of = "i"', ""]
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {out}: {n + size['f']} neurons, "
          f"{sum(round(P[ab] * size[d]) * size[s] for s, d, ab in [('e','e','ee'),('e','i','ie'),('i','e','ei'),('i','i','ii'),('f','e','eF'),('f','i','iF')]):,} synapses; "
          f"balanced limit r_e = {re:.2f} Hz, r_i = {ri:.2f} Hz (tau_F = {tau_f:g} ms)")


if __name__ == "__main__":
    main()
