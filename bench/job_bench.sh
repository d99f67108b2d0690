#!/bin/sh
# The whole Dudley job, end to end: `sendcast run` on the baseline with place matching and on the
# same scenario without it (its register emptied), alternated PAIRS times so that a shared
# machine's load falls on both alike. Prints every run's wall time and peak memory, each
# side's median, and the ratio of the medians: the figure of "matching on stays within 1.5x
# the time of the demand engine alone". Nothing fails on timing.
#
#   bench/job_bench.sh [SENDCAST] [RUNS] [PAIRS] [THREADS]
#   (defaults: build/sendcast, 10000, 5, 2)
#
# Needs /usr/bin/time (Debian package `time`) for the peak memory.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
sendcast=${1:-$root/build/sendcast}
runs=${2:-10000}
pairs=${3:-5}
threads=${4:-2}

if [ ! -x /usr/bin/time ]; then
  echo "job_bench.sh: /usr/bin/time not found (apt-get install time)" >&2
  exit 2
fi
if [ ! -x "$sendcast" ]; then
  echo "job_bench.sh: $sendcast is not an executable (build it first: make build)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# The baseline's paths are relative to its own folder: make them absolute, so that the copy
# without matching can live elsewhere. Both sides run from the rewritten files, alike.
baseline=$root/scenarios/dudley/baseline.toml
sed "s#\"\.\./\.\./#\"$root/#g" "$baseline" > "$work/matching.toml"
sed 's/^register = .*/register = ""/' "$work/matching.toml" > "$work/demand_only.toml"
if ! grep -q '^register = ""' "$work/demand_only.toml"; then
  echo "job_bench.sh: no 'register = ...' line in $baseline to empty" >&2
  exit 2
fi

# One run of scenario $1: appends "SECONDS KIB" (wall time, peak resident set) to $work/$1.
one() {
  /usr/bin/time -f "%e %M" -o "$work/time" \
    "$sendcast" run --scenario "$work/$1.toml" --runs "$runs" --threads "$threads" --quiet \
    --out "$work/out_$1" > /dev/null 2> "$work/stderr" || {
    echo "job_bench.sh: sendcast failed on $1:" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  cat "$work/time" >> "$work/$1"
}

# "S s, M MiB" from the last line of $work/$1.
last() {
  tail -n 1 "$work/$1" | awk '{printf "%s s, %d MiB", $1, $2 / 1024}'
}

median() {
  sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "sendcast run, Dudley baseline, $runs runs, $threads threads, $pairs alternated pairs"
echo "pair  demand alone (s, MiB)  matching on (s, MiB)"
: > "$work/demand_only"
: > "$work/matching"
i=1
while [ "$i" -le "$pairs" ]; do
  one demand_only
  one matching
  printf '%4d  %-21s  %s\n' "$i" "$(last demand_only)" "$(last matching)"
  i=$((i + 1))
done
demand=$(cut -d' ' -f1 "$work/demand_only" | median)
matching=$(cut -d' ' -f1 "$work/matching" | median)
echo "median wall: demand alone $demand s, matching on $matching s"
awk -v m="$matching" -v d="$demand" 'BEGIN {printf "matching on / demand alone: %.2fx (target 1.5x)\n", m / d}'
