#!/usr/bin/env bash
# The device check, for a node with an NVIDIA GPU: configures the `cuda` preset for this
# GPU's architecture only (CMAKE_CUDA_ARCHITECTURES from nvidia-smi's compute capability)
# into its own build folder, builds the CUDA agreement tests and the four GPU benchmark
# programs with every core, measures the device's ceilings (scripts/device_ceilings.cu),
# runs `ctest -L cuda` (CUDA against CPU, byte for byte), the Python tests of device arrays
# (the module built with CUDA, where the node's python3 can) and the selection, statistics,
# scan and toy benchmarks (their CPU and CUDA figures in the same run, modest sizes, 3
# repetitions), then writes OUTDIR/SUMMARY.md (scripts/device_check_summary.py): device,
# driver, commit, build time, the tests' result, each figure against its floor. Sized for
# about 5 minutes on a 16-core H200 node, the build included (not yet timed on one); a time
# budget stops each part in time for the summary to be written before 8 minutes.
#
#   usage: scripts/device_check.sh OUTDIR
#
# OUTDIR receives nine files (what a device machine hands back): SUMMARY.md,
# device_check.json (every figure and part), device_check.log (nvidia-smi -q, configure
# and build, ctest, pytest, benchmarks), ctest.xml and pytest.xml (JUnit) and
# bench_{selection,statistics,scan,lee}.json (Google Benchmark). A failing part does not
# stop the rest.
#
# A GPU node's image may lack the project's Debian -dev packages, and nothing can be
# installed there: where the tree carries a bundle (.device/, made here beforehand by
# scripts/device_bundle.sh, and named in the device call's `carry` list), the part `deps`
# first unpacks it into a private prefix (scripts/device_deps.sh; /tmp/darkscan-deps, never
# /) and the configure takes that prefix's initial cache (cmake -C PREFIX/deps.cmake) and
# its environment (PREFIX/deps.env: the bundle's libraries that the node lacks go on
# LD_LIBRARY_PATH). After the configure, device_check.json and SUMMARY.md say where each
# dependency was found (the bundle, the system or nowhere), and after the build which
# libraries bench_selection loads from the bundle (ldd). Without a bundle the system's
# packages are used, as before.
# Exit status: 0 every part passed; 1 a part failed (SUMMARY.md says which); 2 usage;
# 3 no CUDA device: one line on stderr, before anything is built or written.
#
# Environment: DEVICE_CHECK_NVIDIA_SMI the nvidia-smi to ask (tests point it at a stand-in);
# DEVICE_CHECK_BUILD_DIR (build/device-check); DEVICE_CHECK_BUDGET_S, seconds for the
# whole check (450); DEVICE_CHECK_COMMIT, the commit to report where the tree has no .git;
# DEVICE_CHECK_BUNDLE, the bundle folder (.device); DEVICE_CHECK_DEPS_PREFIX, where it is
# unpacked (/tmp/darkscan-deps).
set -uo pipefail

usage() { echo "usage: scripts/device_check.sh OUTDIR  (build, CUDA tests and GPU benchmarks; writes OUTDIR/SUMMARY.md)"; }
case "${1:-}" in
  -h | --help) usage; exit 2 ;;
  "") usage >&2; exit 2 ;;
esac
if (($# != 1)); then usage >&2; exit 2; fi
out=$(realpath -m -- "$1")
cd "$(dirname "$0")/.." || exit 2

# Is there a GPU? Ask before building or writing anything.
smi=${DEVICE_CHECK_NVIDIA_SMI:-nvidia-smi}
why=""
if ! command -v "$smi" >/dev/null 2>&1; then
  why="not found"
else
  query=("--query-gpu=name,compute_cap,driver_version,memory.total" "--format=csv,noheader")
  listed=$("$smi" "${query[@]}" 2>/dev/null)
  rc=$?
  first=${listed%%$'\n'*}
  if ((rc != 0)); then
    said=$("$smi" "${query[@]}" 2>&1 | head -n 1 | tr -s '\t ' ' ' | sed 's/^ //; s/ $//')
    why="exit $rc${said:+: $said}"
  elif [[ -z "${first//[[:space:]]/}" ]]; then
    why="no GPU listed"
  fi
fi
if [[ -n "$why" ]]; then
  echo "device_check: no CUDA device (${smi##*/}: $why): nothing to check" >&2
  exit 3
fi
trim() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$1"; }
IFS=, read -r gpu cc driver memory <<<"$first"
gpu=$(trim "$gpu"); cc=$(trim "$cc"); driver=$(trim "$driver"); memory=$(trim "$memory")
if [[ "$cc" =~ ^([0-9]+)\.([0-9]+)$ ]]; then arch="${BASH_REMATCH[1]}${BASH_REMATCH[2]}"; else arch=native; fi

if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then export PATH="/usr/local/cuda/bin:$PATH"; fi
build=${DEVICE_CHECK_BUILD_DIR:-build/device-check}
budget=${DEVICE_CHECK_BUDGET_S:-450}
work="$build/device_check"
mkdir -p "$out" "$work" || exit 2
log="$out/device_check.log"
parts="$work/parts.tsv"
rm -f "$out"/{SUMMARY.md,device_check.json,device_check.log,ctest.xml,pytest.xml} "$out"/bench_{selection,statistics,scan,lee}.json \
  "$parts" "$work/ceilings.json" "$work/deps.tsv"
start=$SECONDS
failed=0

commit=${DEVICE_CHECK_COMMIT:-}
if [[ -z "$commit" ]]; then
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
  if [[ "$commit" != unknown && -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    commit="${commit}-dirty"
  fi
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
host=$(hostname -s 2>/dev/null || echo unknown)
{
  printf 'stamp\t%s\ncommit\t%s\nhost\t%s\ncpus\t%s\n' "$stamp" "$commit" "$host" "$(nproc)"
  printf 'device\t%s\ncompute_capability\t%s\ndriver\t%s\nmemory\t%s\narch\t%s\n' "$gpu" "$cc" "$driver" "$memory" "$arch"
  printf 'nvcc\t%s\n' "$(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' | sed 's/^/CUDA /' || echo 'nvcc not found')"
  printf 'cmake\t%s\n' "$(cmake --version 2>/dev/null | head -n 1 | awk '{print $3}')"
} >"$work/meta.tsv"

# run_part NAME MAX_SECONDS COMMAND...: runs it into the log, under the smaller of its own
# limit and what is left of the budget (20 s kept for the summary), and records the result
# (also in last_rc).
last_rc=0
run_part() {
  local name=$1 max=$2 rc t0=$SECONDS
  shift 2
  local left=$((budget - (SECONDS - start) - 20))
  local limit=$((max < left ? max : left))
  echo "==== $name ($(date -u +%H:%M:%S), limit ${limit} s): $*" >>"$log"
  if ((limit < 5)); then
    echo "time budget spent: not run" >>"$log"
    rc=124 limit=0
  else
    timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
    rc=$?
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - t0))" "$limit" >>"$parts"
  echo "device_check: $name $( ((rc == 0)) && echo ok || echo "FAILED (exit $rc)") in $((SECONDS - t0)) s"
  ((rc == 0)) || failed=1
  last_rc=$rc
  return 0
}

echo "device_check: $gpu (compute capability $cc, driver $driver), commit $commit -> $out"
{ echo "==== nvidia-smi -q"; "$smi" -q 2>&1; } >>"$log"

# The bundle of Debian packages, where one was carried in: unpacked, then configured with.
bundle=${DEVICE_CHECK_BUNDLE:-.device}
deps_prefix=$(realpath -m -- "${DEVICE_CHECK_DEPS_PREFIX:-/tmp/darkscan-deps}")
deps_args=()
deps_used=0
if [[ -f "$bundle/manifest.tsv" ]]; then
  run_part deps 120 scripts/device_deps.sh "$bundle" "$deps_prefix"
  if ((last_rc == 0)); then
    # shellcheck disable=SC1091  # written by scripts/device_deps.sh
    source "$deps_prefix/deps.env"
    deps_args=(-C "$deps_prefix/deps.cmake")
    deps_used=1
    unpacked() { awk -F '\t' -v k="$1" '$1 == k { print $2 }' "$deps_prefix/unpacked.tsv"; }
    printf 'bundle\t%s: %s Debian packages, %s MiB, unpacked with %s into %s\n' "$bundle" "$(unpacked packages)" \
      "$(unpacked mib)" "$(unpacked method)" "$deps_prefix" >>"$work/meta.tsv"
  else
    printf 'bundle\t%s: not used, scripts/device_deps.sh failed (see the part deps)\n' "$bundle" >>"$work/meta.tsv"
  fi
elif [[ -d "$bundle" ]]; then
  printf 'bundle\tnone: %s holds no manifest.tsv; the system'"'"'s packages\n' "$bundle" >>"$work/meta.tsv"
else
  printf 'bundle\tnone: the system'"'"'s packages\n' >>"$work/meta.tsv"
fi

# where_from PATH: bundle, system or missing (empty or NOTFOUND).
where_from() {
  if [[ -z "$1" || "$1" == *NOTFOUND ]]; then echo missing
  elif ((deps_used)) && [[ "$1" == "$deps_prefix"/* ]]; then echo bundle
  else echo system; fi
}
# After the configure: where CMake found each dependency (its cache's first set variable).
record_found() {
  local cache="$build/CMakeCache.txt" entry name keys key value
  for entry in "HDF5 HDF5_hdf5_LIBRARY_RELEASE HDF5_C_LIBRARY_hdf5" "fmt fmt_DIR" "CLI11 CLI11_DIR" \
    "tomlplusplus tomlplusplus_DIR" "Eigen3 Eigen3_DIR" "Random123 RANDOM123_INCLUDE_DIR" "Boost Boost_DIR Boost_INCLUDE_DIR" \
    "NLopt NLopt_DIR" "OpenSSL OPENSSL_CRYPTO_LIBRARY" "GTest GTest_DIR" "benchmark benchmark_DIR"; do
    read -r name keys <<<"$entry"
    value=""
    for key in $keys; do
      value=$(sed -n "s/^$key:[A-Z]*=//p" "$cache" 2>/dev/null | head -n 1)
      if [[ -n "$value" && "$value" != *NOTFOUND ]]; then break; fi
    done
    printf 'find\t%s\t%s\t%s\n' "$name" "$(where_from "$value")" "$value"
  done >>"$work/deps.tsv"
}
# After the build: the libraries a built program loads, and from where (ldd, into the log too).
record_loaded() {
  local program=$1 soname path
  [[ -x "$program" ]] && command -v ldd >/dev/null || return 0
  { echo "==== ldd $program"; ldd "$program" 2>&1; } >>"$log"
  while read -r soname path; do
    printf 'runtime\t%s\t%s\t%s\n' "$soname" "$(where_from "$path")" "$path"
  done < <(ldd "$program" 2>/dev/null | awk '$2 == "=>" { print $1, ($3 ~ /^\// ? $3 : "") }') >>"$work/deps.tsv"
}

# The Python module with the CUDA backend (docs/python.md#device-arrays), built in the same
# folder where the node's python3 can build and test it: nanobind, numpy and pytest
# importable and Python's headers present (the CUDA image has them, with CuPy and PyTorch).
# DARKSCAN_PYTHON compiles every target position-independent (CMakeLists.txt), the
# benchmarks too. Otherwise the part `python` fails saying what its python3 lacks.
python_lacks=$(python3 - 2>/dev/null <<'PY' || echo "python3 did not run"
import importlib.util, os, sysconfig
missing = [m for m in ("nanobind", "numpy", "pytest") if importlib.util.find_spec(m) is None]
if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
    missing.append("Python.h")
print(", ".join(missing))
PY
)
python_args=()
if [[ -z "$python_lacks" ]]; then
  python_args=(-DDARKSCAN_PYTHON=ON -DPython_EXECUTABLE="$(command -v python3)"
    -Dnanobind_DIR="$(python3 -m nanobind --cmake_dir)")
fi
run_part configure 120 cmake --preset cuda -B "$build" "${deps_args[@]}" -DCMAKE_CUDA_ARCHITECTURES="$arch" \
  -DDARKSCAN_BUILD_TESTS=ON -DDARKSCAN_BUILD_BENCHMARKS=ON "${python_args[@]}"
record_found
programs=(bench_selection bench_statistics bench_scan bench_lee)
python_target=()
if ((${#python_args[@]})); then python_target=(_core); fi
# Only what the check runs (the CPU suite is CI's); -k 0 builds every target it can.
run_part build 330 cmake --build "$build" -j "$(nproc)" --target darkscan_cuda_tests "${programs[@]}" \
  "${python_target[@]}" -- -k 0
record_loaded "$build/benchmarks/bench_selection"
# shellcheck disable=SC2016  # the inner script expands its own arguments
run_part ceilings 60 bash -c 'nvcc -O3 -arch="$1" -o "$2" scripts/device_ceilings.cu && "$2" >"$3" && cat "$3"' \
  _ "$([[ $arch == native ]] && echo native || echo "sm_$arch")" "$work/device_ceilings" "$work/ceilings.json"
run_part ctest 180 ctest --test-dir "$build" -L cuda --no-tests=error --output-on-failure --timeout 150 \
  --output-junit "$out/ctest.xml"
# The Python tests of device arrays (python/tests/test_device_arrays.py: bits against numpy
# arrays, the refusals, CuPy and PyTorch taking the results), against the package's sources
# with the module just built beside them.
if ((${#python_args[@]})); then
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  run_part python 90 bash -c 'rm -rf "$1" && mkdir -p "$1" && cp -r python/darkscan "$1/" &&
    cp "$2"/python/_core*.so "$1/darkscan/" && PYTHONPATH="$1" python3 -m pytest -q -rs -p no:cacheprovider \
      python/tests/test_device_arrays.py --junitxml="$3"' _ "$work/python" "$build" "$out/pytest.xml"
else
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  run_part python 10 bash -c 'echo "python3 cannot build the module: it lacks $1" >&2; exit 1' _ "$python_lacks"
fi

# The benchmarks: CPU and CUDA families of each program, 3 repetitions of >= 0.2 s.
# (A bare number for --benchmark_min_time: Google Benchmark 1.7 takes no unit suffix.)
declare -A filter=(
  [bench_selection]='^BM_(SelectCpu|SelectCuda|MemcpyFloor)'
  [bench_statistics]='^BM_Limits(Cpu|Cuda)/'
  [bench_scan]='^BM_CountWindows(Cpu|Cuda)/'
  [bench_lee]='^BM_Toys(Cpu|Cuda)/'
)
for program in "${programs[@]}"; do
  run_part "$program" 120 "$build/benchmarks/$program" --benchmark_filter="${filter[$program]}" \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
    --benchmark_out="$out/$program.json" --benchmark_out_format=json \
    --benchmark_context=commit="$commit" --benchmark_context=device="${gpu// /_}" \
    --benchmark_context=host="$host"
done
{
  echo "==== nvidia-smi -q -d PERFORMANCE,CLOCK,TEMPERATURE,POWER after the benchmarks"
  "$smi" -q -d PERFORMANCE,CLOCK,TEMPERATURE,POWER 2>&1
} >>"$log"

printf 'budget_s\t%s\nelapsed_s\t%s\n' "$budget" "$((SECONDS - start))" >>"$work/meta.tsv"
python3 scripts/device_check_summary.py "$out" --parts "$parts" --meta "$work/meta.tsv" \
  --ceilings "$work/ceilings.json" --deps "$work/deps.tsv" --log "$log" >"$work/summary.out" 2>&1
summary_rc=$?
{ echo "==== summary (exit $summary_rc)"; cat "$work/summary.out"; } >>"$log"
if [[ ! -f "$out/SUMMARY.md" ]]; then
  # The summary script itself failed: say so, with the parts' exit statuses.
  {
    echo "# Device check: $gpu, commit $commit"
    echo
    echo "**Result: FAIL** (scripts/device_check_summary.py exited $summary_rc; see device_check.log)"
    echo
    echo "| part | exit status | seconds |"
    echo "|---|---|---|"
    awk -F '\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$parts"
  } >"$out/.SUMMARY.md.tmp" && mv "$out/.SUMMARY.md.tmp" "$out/SUMMARY.md"
fi
cat "$out/SUMMARY.md"
echo "device_check: $( ((failed == 0 && summary_rc == 0)) && echo PASS || echo FAIL) in $((SECONDS - start)) s; see $out/SUMMARY.md"
((failed == 0 && summary_rc == 0))
