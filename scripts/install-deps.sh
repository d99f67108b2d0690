#!/usr/bin/env bash
# Installs the Debian packages sendcast needs to build, test and run, and only the missing ones.
# Non-interactive and idempotent: a second run installs nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git time  # time: bench/job_bench.sh's peak memory
  libeigen3-dev libboost-program-options-dev libhdf5-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  librandom123-dev libtomlplusplus-dev liblemon-dev libxlsxwriter-dev
  libopenmpi-dev openmpi-bin
  chromium unzip
  clang libclang-rt-14-dev libomp-dev  # make fuzz: libFuzzer's runtime, OpenMP for clang
)
# Extra packages a caller asks for (e.g. the report test's chromium): SENDCAST_EXTRA_PACKAGES="a b".
read -r -a extra <<< "${SENDCAST_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "install-deps: missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: not running as root, so cannot install them." >&2
  echo "install-deps: run as root, or first: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
apt-get update -qq
echo "install-deps: apt-get install ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
