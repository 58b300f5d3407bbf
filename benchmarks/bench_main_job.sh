#!/usr/bin/env bash
# The main job from scratch, stage by stage: `darkscan run` on the demo config in a fresh
# folder, with the given darkscan binary (and the Python drawing the plots, DARKSCAN_PYTHON),
# `reps` times; prints each
# run's stage line ("stages: generate 15.6 s, select 4.3 s, ...") and its wall time.
# Two binaries measured alternately in one session give the ratios in RESULTS.md.
#   usage: benchmarks/bench_main_job.sh <darkscan> [reps] [python] [config]
set -euo pipefail
bin="$(realpath "$1")"
reps="${2:-1}"
plot="${3:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
config="${4:-$root/scan_configs/demo.toml}"
for ((r = 1; r <= reps; ++r)); do
  work="$(mktemp -d /tmp/darkscan-bench-XXXXXX)"
  mkdir -p "$work/scan_configs"
  cp "$config" "$work/scan_configs/"
  start=$(date +%s.%N)
  (cd "$work" && env ${plot:+DARKSCAN_PYTHON="$plot"} "$bin" run --config "scan_configs/$(basename "$config")" \
     > run.log 2>&1)
  end=$(date +%s.%N)
  echo "run $r: $(grep -o 'stages: .*' "$work/run.log"); wall $(echo "$end - $start" | bc) s"
  rm -rf "$work"
done
