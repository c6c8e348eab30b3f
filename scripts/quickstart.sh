#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what engram needs, build it, run the
# default network (Brunel 2000 model A, asynchronous irregular state) and show where its
# summary and raster plot are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build --target engram_cli
./build/engram run --out runs/brunel_ai "$@"
echo "summary: runs/brunel_ai/summary.json"
