#!/usr/bin/env bash
# Installs the Debian packages engram needs; does nothing when they are all present.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config clang-format
  libtomlplusplus-dev libcli11-dev libfmt-dev librandom123-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  libopenmpi-dev openmpi-bin
  python3-numpy python3-matplotlib
)
if [[ "${ENGRAM_WITH_PEERS:-0}" == 1 ]]; then packages+=(python3-brian); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
echo "engram setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) != 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
