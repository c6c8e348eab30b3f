#!/usr/bin/env python3
"""Spike files of examples/tagging_and_capture.toml (Frey & Morris 1997 protocols as in
VALIDATION.md section 10): every neuron of a pathway fires each pulse of the tetanus.

  STET (strong tetanus): 3 trains of 100 pulses at 100 Hz, 10 min apart
  WTET (weak tetanus): 21 pulses at 100 Hz

Writes examples/data/tagging_{s1,s2,s3}.csv, lines "neuron,time_ms".
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = 20  # neurons per pathway
MIN = 60e3  # ms


def train(start_ms, pulses):
    return [start_ms + 10.0 * k for k in range(pulses)]


def stet(start_ms):
    return [t for j in range(3) for t in train(start_ms + 10 * MIN * j, 100)]


PATHWAYS = {
    "s1": stet(10 * MIN),          # strong tetanus at 10, 20 and 30 min
    "s2": train(60 * MIN, 21),     # weak tetanus 30 min after the last STET train
    "s3": train(10 * MIN, 21),     # weak tetanus alone (control cells)
}

for name, times in PATHWAYS.items():
    path = os.path.join(ROOT, "examples", "data", f"tagging_{name}.csv")
    with open(path, "w") as f:
        for t in times:
            for n in range(N):
                f.write(f"{n},{t:g}\n")
