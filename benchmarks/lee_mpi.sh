#!/bin/bash
# Look-elsewhere toys per second on 1 and 2 MPI ranks against 1 and 2 threads of one
# process, in the same run (docs/cluster.md#mpi), and the bytes each rank sends rank 0.
#
#   benchmarks/lee_mpi.sh DARKSCAN DEMO_DIR [MPIEXEC]
#
# DEMO_DIR holds the demo's selected.h5, signal_model.h5 and scan.h5 (scan_configs/demo.toml).
# Each setup runs `darkscan lee` with N1 and N2 toys; the rate is (N2 - N1) / (t2 - t1) of
# the commands' wall times, so that the expected limits, coverage, start-up and writing,
# the same in both, cancel. Ranks run one thread each, unbound (--bind-to none).
set -euo pipefail
exe=$1; demo=$2; mpiexec=${3:-mpirun}
here=$(cd "$(dirname "$0")/.." && pwd)
N1=${N1:-4000}; N2=${N2:-20000}; batch=${BATCH:-4096}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$demo"/selected.h5 "$demo"/signal_model.h5 "$demo"/scan.h5 "$work"/
args=(lee --config "$here/scan_configs/demo.toml" --data "$work/selected.h5" --model "$work/signal_model.h5"
      --scan "$work/scan.h5" --batch "$batch" --coverage-toys 200)

wall() {  # wall seconds of a command, its stdout kept in $work/last.out
  local t0 t1; t0=$(date +%s.%N); "$@" > "$work/last.out" 2> "$work/last.err"; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
mpi() { "$mpiexec" --allow-run-as-root --oversubscribe --bind-to none -n "$1" "$exe" "${@:2}"; }

printf '%-22s %10s %10s %14s\n' setup "t(N1) s" "t(N2) s" "toys/s"
for setup in "1 thread" "2 threads" "1 rank" "2 ranks"; do
  case $setup in
    "1 thread") run=("$exe" "${args[@]}" --threads 1) ;;
    "2 threads") run=("$exe" "${args[@]}" --threads 2) ;;
    "1 rank") run=(mpi 1 "${args[@]}" --threads 1) ;;
    "2 ranks") run=(mpi 2 "${args[@]}" --threads 1) ;;
  esac
  t1=$(wall "${run[@]}" --toys "$N1" --output "$work/a.h5")
  t2=$(wall "${run[@]}" --toys "$N2" --output "$work/b.h5")
  printf '%-22s %10.2f %10.2f %14.0f\n' "$setup" "$t1" "$t2" "$(echo "($N2 - $N1) / ($t2 - $t1)" | bc -l)"
  if [ "$setup" = "2 ranks" ]; then
    grep -o "parts sent to rank 0: .*from one rank" "$work/last.out" | sed "s/^/  N2 = $N2: /"
  fi
done
echo "a toy record: 64 bytes; a batch of $batch toys: $((batch * 64)) bytes of toy records"
