#!/usr/bin/env bash
# Builds the bench preset and runs every benchmark program, writing the raw Google
# Benchmark JSON (with machine, commit and input size) under benchmarks/results/.
#   usage: benchmarks/run_benchmarks.sh [extra Google Benchmark flags]
#   DARKSCAN_BENCH_ROWS sets the event-store input size (default 1,000,000 rows).
#   DARKSCAN_BENCH_ONLY=generator runs only the programs whose name contains it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh bench >/dev/null

commit=$(git rev-parse --short=12 HEAD)
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then commit="${commit}-dirty"; fi
host=$(hostname -s)
device="cpu"
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  device=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | tr ' ' '_')
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p benchmarks/results

# Peers, timed on this machine beside darkscan: pyhf's asymptotic CLs limit, installed
# from PyPI into a virtual environment under build/ (not a dependency of darkscan).
if [[ "${DARKSCAN_BENCH_PEERS:-1}" == "1" ]]; then
  venv=build/peers-venv
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q pyhf
  fi
  out="benchmarks/results/${stamp}_peer_pyhf_${device}_${commit}.json"
  "$venv/bin/python" benchmarks/peers/pyhf_limits.py "${DARKSCAN_PYHF_LIMITS:-20}" 1 2>/dev/null > "$out"
  echo "wrote $out: $(cat "$out")"
fi

# End to end: `darkscan generate` on the demo config (signal grid, cocktail, 365 fb^-1
# data), wall time and events per second from its own summary line. The file it writes
# is the input of the selection benchmarks below (bench_selection and its numpy peer).
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
file="$workdir/events.h5"
if [[ "${DARKSCAN_BENCH_GENERATE:-1}" == "1" ]]; then
  out="benchmarks/results/${stamp}_generate_demo_${device}_${commit}.json"
  start=$(date +%s.%N)
  summary=$(build/bench/darkscan generate --config scan_configs/demo.toml --output "$file" 2>/dev/null | tail -1)
  end=$(date +%s.%N)
  size=$(stat -c %s "$file")
  events=$(awk '{print $1}' <<<"$summary")
  candidates=$(awk '{print $3}' <<<"$summary")
  printf '{"program": "darkscan generate --config scan_configs/demo.toml", "commit": "%s", "device": "%s", "host": "%s", "threads": %s, "events": %s, "candidates": %s, "file_bytes": %s, "wall_s": %.3f}\n' \
    "$commit" "$device" "$host" "$(nproc)" "$events" "$candidates" "$size" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" > "$out"
  echo "wrote $out: $(cat "$out")"
fi

# The selection's peer: the same selection vectorised in numpy, on the same candidates.
if [[ -f "$file" && "bench_selection" == *"${DARKSCAN_BENCH_ONLY:-}"* ]]; then
  out="benchmarks/results/${stamp}_peer_numpy_selection_${device}_${commit}.json"
  /usr/bin/python3 benchmarks/peers/numpy_selection.py "$file" > "$out"
  echo "wrote $out: $(cat "$out")"
  export DARKSCAN_BENCH_EVENTS="$file"
fi

# End to end: the paper-scale scan (every final state, the 51 lifetimes of the demo's
# grid, all windows: about 2x10^5 rows) of the generated demo sample, from HDF5 to HDF5,
# with darkscan's own breakdown into load, count, statistics and write.
if [[ -f "$file" && ( "bench_scan" == *"${DARKSCAN_BENCH_ONLY:-}"* || "bench_lee" == *"${DARKSCAN_BENCH_ONLY:-}"* ) ]]; then
  build/bench/darkscan select --config scan_configs/demo.toml --input "$file" --output "$workdir/selected.h5" >/dev/null 2>&1
  build/bench/darkscan efficiency --config scan_configs/demo.toml --input "$file" --output "$workdir/model.h5" >/dev/null 2>&1
  for backend in cpu cuda; do
    [[ "$backend" == cpu || "$device" != cpu ]] || continue
    out="benchmarks/results/${stamp}_scan_demo_${backend}_${device}_${commit}.json"
    start=$(date +%s.%N)
    summary=$(build/bench/darkscan scan --config scan_configs/demo.toml --data "$workdir/selected.h5" \
      --model "$workdir/model.h5" --output "$workdir/scan.h5" --backend "$backend" 2>/dev/null | tail -1)
    end=$(date +%s.%N)
    # "time: load A s, count B s, statistics C s (R experiments, D distinct), write E s; total F s on ..."
    read -r load count stats rows distinct write total < <(sed -E 's/time: load ([0-9.]+) s, count ([0-9.]+) s, statistics ([0-9.]+) s \(([0-9]+) experiments, ([0-9]+) distinct\), write ([0-9.]+) s; total ([0-9.]+) s.*/\1 \2 \3 \4 \5 \6 \7/' <<<"$summary")
    printf '{"program": "darkscan scan --config scan_configs/demo.toml", "backend": "%s", "commit": "%s", "device": "%s", "host": "%s", "threads": %s, "rows": %s, "distinct_experiments": %s, "load_s": %s, "count_s": %s, "statistics_s": %s, "write_s": %s, "total_s": %s, "wall_s": %.3f}\n' \
      "$backend" "$commit" "$device" "$host" "$(nproc)" "$rows" "$distinct" "$load" "$count" "$stats" "$write" "$total" \
      "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" > "$out"
    echo "wrote $out: $(cat "$out")"
    # The look-elsewhere toys of that scan: 10^4 toys of the whole grid, expected limits
    # of every row and the coverage points.
    out="benchmarks/results/${stamp}_lee_demo_${backend}_${device}_${commit}.json"
    start=$(date +%s.%N)
    summary=$(build/bench/darkscan lee --config scan_configs/demo.toml --data "$workdir/selected.h5" \
      --model "$workdir/model.h5" --scan "$workdir/scan.h5" --output "$workdir/lee.h5" --toys 10000 \
      --backend "$backend" 2>/dev/null)
    end=$(date +%s.%N)
    toys_s=$(sed -nE 's/^10000 toys in ([0-9.]+) s.*/\1/p' <<<"$summary")
    expected_s=$(sed -nE 's/.*expected limits of [0-9]+ rows in ([0-9.]+) s.*/\1/p' <<<"$summary")
    printf '{"program": "darkscan lee --toys 10000 (demo scan)", "backend": "%s", "commit": "%s", "device": "%s", "host": "%s", "threads": %s, "toys": 10000, "toys_s": %s, "expected_limits_s": %s, "wall_s": %.3f}\n' \
      "$backend" "$commit" "$device" "$host" "$(nproc)" "${toys_s:-null}" "${expected_s:-null}" \
      "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" > "$out"
    echo "wrote $out: $(cat "$out")"
  done
fi

# The main job per stage: `darkscan run --force` on the demo config (paper luminosity,
# 51 lifetimes, 10^4 toys), its summary's stage times as JSON.
if [[ "run" == *"${DARKSCAN_BENCH_ONLY:-}"* ]]; then
  out="benchmarks/results/${stamp}_run_demo_${device}_${commit}.json"
  start=$(date +%s.%N)
  stages=$(build/bench/darkscan run --config scan_configs/demo.toml --output-dir "$workdir/run" --force 2>/dev/null |
    sed -nE 's/^  stages: (.*); total.*/\1/p')
  end=$(date +%s.%N)
  json=$(sed -E 's/([a-z]+) ([0-9.]+) s/"\1_s": \2/g; s/([a-z]+) up to date/"\1_s": null/g' <<<"$stages")
  printf '{"program": "darkscan run --config scan_configs/demo.toml --force", "commit": "%s", "device": "%s", "host": "%s", "threads": %s, %s, "wall_s": %.3f}\n' \
    "$commit" "$device" "$host" "$(nproc)" "$json" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" > "$out"
  echo "wrote $out: $(cat "$out")"
fi

# The paper's benchmark set of model points in one command: `darkscan interpret
# --benchmark-points` on the demo's results (made first when absent), 13 model points
# (the config's and twelve), each its sinθ exclusion and y limit.
if [[ "interpret" == *"${DARKSCAN_BENCH_ONLY:-}"* ]]; then
  out="benchmarks/results/${stamp}_interpret_benchmark_points_${device}_${commit}.json"
  if [[ ! -f "$workdir/run/results.h5" ]]; then
    build/bench/darkscan run --config scan_configs/demo.toml --output-dir "$workdir/run" >/dev/null 2>&1
  fi
  start=$(date +%s.%N)
  log=$(build/bench/darkscan interpret --config scan_configs/demo.toml --scan "$workdir/run/results.h5" \
    --model "$workdir/run/signal_model.h5" --output "$workdir/run/benchmark_points.h5" --benchmark-points 2>/dev/null)
  end=$(date +%s.%N)
  combined=$(sed -nE 's/^combined limits: ([0-9]+) .*/\1/p' <<<"$log")
  y_masses=$(grep -c "y (m(h')" <<<"$log" || true)
  printf '{"program": "darkscan interpret --benchmark-points (demo results)", "commit": "%s", "device": "%s", "host": "%s", "threads": %s, "model_points": 13, "combined_limits_per_point": %s, "points_with_y_limit": %s, "wall_s": %.3f}\n' \
    "$commit" "$device" "$host" "$(nproc)" "${combined:-null}" "$y_masses" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" > "$out"
  echo "wrote $out: $(cat "$out")"
fi

for program in build/bench/benchmarks/bench_*; do
  name=$(basename "$program")
  [[ "$name" == *"${DARKSCAN_BENCH_ONLY:-}"* ]] || continue
  out="benchmarks/results/${stamp}_${name}_${device}_${commit}.json"
  "$program" --benchmark_context=commit="$commit" --benchmark_context=device="$device" \
    --benchmark_context=host="$host" --benchmark_context=rows="${DARKSCAN_BENCH_ROWS:-1000000}" \
    --benchmark_out="$out" --benchmark_out_format=json "$@"
  echo "wrote $out"
done
