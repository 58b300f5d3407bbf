#!/usr/bin/env bash
# Builds the fuzz preset (clang 14, libFuzzer, AddressSanitizer, UBSan) and runs each
# fuzz target of tests/fuzz for a bounded time, from the committed seed corpus and the
# crash regressions. New inputs go to a scratch corpus, never into the repository.
# A crash, a sanitizer report, a leak or a timeout fails with the reproducer's path: copy
# it into tests/fuzz/regressions/<target>/, where the default test suite replays it.
#   usage: scripts/fuzz.sh [seconds per target (default 60)] [target...]
# Prints, per target: executions, executions per second, corpus size (docs/development.md#fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=($(sed -n 's/^set(DARKSCAN_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt))
fi

./scripts/setup.sh fuzz >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/darkscan-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  exe="build/fuzz/tests/fuzz/fuzz_$t"
  [[ -x "$exe" ]] || { echo "fuzz: no target '$t' ($exe)" >&2; exit 2; }
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  log="$work/$t/log"
  # The first corpus folder takes the new inputs; the committed ones are only read.
  if ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0" "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" \
      >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    size=$(ls "$work/$t/corpus" | wc -l)
    echo "fuzz: $t: ${runs:-?} executions in ${seconds} s (${rate:-?}/s), no crash; corpus $size new inputs" \
         "+ $(ls "tests/fuzz/corpus/$t" | wc -l) committed"
  else
    status=1
    kept="${TMPDIR:-/tmp}/darkscan-fuzz-$t-findings"
    rm -rf "$kept" && cp -r "$work/$t/artifacts" "$kept"
    grep -m1 -E "ERROR|SUMMARY|panic|deadly|timeout" "$log" >&2 || tail -5 "$log" >&2
    echo "fuzz: $t: FAILED; reproducers in $kept (add them to tests/fuzz/regressions/$t/)" >&2
  fi
done
exit $status
