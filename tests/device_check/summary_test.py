#!/usr/bin/python3
"""scripts/device_check_summary.py on a fixture: Google Benchmark JSON shaped like the four
programs' output with 3 repetitions (aggregates only), a ctest JUnit file, the ceilings
program's JSON and the parts, meta and dependency files device_check.sh writes (fixture/,
synthetic H200 figures) and a pytest JUnit file of the Python tests of device arrays. Every row of SUMMARY.md's benchmark table is checked against time, rate,
floor, gap and speed-up computed here from the fixture's raw fields and RESULTS.md's
floors, and the dependencies row (the bundle, where each dependency was found, what loads
from the bundle) against deps.tsv; then a run without measured ceilings (the datasheet's)
nor dependency file, and a failing run (configure and build failing, a skipped CUDA test, a
skipped Python test, a CUDA benchmark that errs, a program without JSON).

  summary_test.py SCRIPT WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture")
SECONDS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}
TOLERANCE = 6e-3  # the table shows three significant digits


def run(script, outdir, ceilings=True, log=None):
    args = [sys.executable, script, outdir, "--parts", os.path.join(outdir, "parts.tsv"),
            "--meta", os.path.join(outdir, "meta.tsv")]
    if ceilings:
        args += ["--ceilings", os.path.join(outdir, "ceilings.json")]
    if os.path.exists(os.path.join(outdir, "deps.tsv")):
        args += ["--deps", os.path.join(outdir, "deps.tsv")]
    if log:
        args += ["--log", log]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    summary = os.path.join(outdir, "SUMMARY.md")
    text = open(summary, encoding="utf-8").read() if os.path.exists(summary) else ""
    return r, text


def table(text, header):
    """The rows of the markdown table whose header row starts with `header`, as cell lists."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def seconds(cell):
    m = re.match(r"([0-9.]+) (s|ms|µs|ns)\b", cell)
    return float(m.group(1)) * SECONDS[m.group(2)] if m else None


def number(cell):
    m = re.match(r"([0-9.]+(?:e[0-9]+)?)x?$", cell)
    return float(m.group(1)) if m else None


def close(shown, expected):
    return shown is not None and expected is not None and abs(shown - expected) <= TOLERANCE * abs(expected)


def medians(path):
    """run name -> (median seconds, the median entry) from a Google Benchmark JSON file."""
    unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            out[b["run_name"].replace("/real_time", "")] = (b["real_time"] * unit[b["time_unit"]], b)
    return out


def cpu_then_cuda(runs, section, size_of, cpu_floor, cuda_floor):
    """Rows of a program whose CPU runs are <family>/<n>/<threads> and CUDA runs <family>/<n>:
    size_of(n, entry) -> (items, size cell), cpu_floor(n, items, threads) -> seconds or None,
    cuda_floor(n, items) -> (seconds, bound)."""
    rows, cpu_rate = {}, {}
    for name, (t, entry) in sorted(runs.items(), key=lambda run: "Cuda" in run[0]):
        family, n, *threads = name.split("/")
        n = int(n)
        items, size = size_of(n, entry)
        if threads:
            threads = int(threads[0])
            floor = cpu_floor(n, items, threads)
            cpu_rate[n] = max(cpu_rate.get(n, 0), items / t)
            label = f"CPU, {threads} thread" + ("s" if threads > 1 else "")
            rows[(section, label, size)] = (t, items / t, floor, "CPU cores" if floor else None,
                                            t / floor if floor else None, None)
        else:
            floor, bound = cuda_floor(n, items)
            speedup = (items / t) / cpu_rate[n] if n in cpu_rate else None
            rows[(section, "CUDA", size)] = (t, items / t, floor, bound, t / floor, speedup)
    return rows


def expected_rows(fixture, hbm, fp64, h2d, d2h):
    """The table's rows, worked out from the fixture: key (section, backend, size cell) ->
    (time s, rate /s, floor s, bound, gap, speed-up)."""
    rows = {}
    sel = medians(os.path.join(fixture, "bench_selection.json"))
    memcpy_s, memcpy = sel["BM_MemcpyFloor"]
    per_candidate = memcpy["bytes_per_second"] / memcpy["candidates_per_s"]  # 184 B
    n = int(memcpy["rows"])
    size = f"{n:,} candidates"
    cpu_best = 0
    rows[("selection", "memcpy (CPU floor)", size)] = (memcpy_s, n / memcpy_s, memcpy_s, "itself", 1.0, None)
    for threads in (1, 2):
        t, _ = sel[f"BM_SelectCpu/{threads}"]
        cpu_best = max(cpu_best, n / t)
        label = f"CPU, {threads} thread" + ("s" if threads > 1 else "")
        rows[("selection", label, size)] = (t, n / t, memcpy_s, "memcpy", t / memcpy_s, None)
    t, _ = sel["BM_SelectCuda"]
    hbm_s, link_s = n * per_candidate / hbm, n * 40 / d2h
    floor, bound = (hbm_s, "device memory") if hbm_s > link_s else (link_s, "host link")
    rows[("selection", "CUDA", size)] = (t, n / t, floor, bound, t / floor, (n / t) / cpu_best)

    # The other programs: CPU runs <family>/<n>/<threads>, CUDA runs <family>/<n>.
    per_window = {20: 50e-9, 10000: 0.4e-6}
    rows.update(cpu_then_cuda(
        medians(os.path.join(fixture, "bench_statistics.json")), "statistics", lambda n, e: (n, f"{n:,} limits"),
        lambda n, items, threads: n / 6.5e5 / threads,
        lambda n, items: max((n * 1e4 / fp64, "FP64"), (n * 40 / h2d + n * 32 / d2h, "host link"))))
    rows.update(cpu_then_cuda(
        medians(os.path.join(fixture, "bench_scan.json")), "scan counting",
        lambda n, e: (int(e["windows"]), f"{n:,} events, {int(e['windows']):,} windows"),
        lambda n, windows, threads: windows * per_window[n] / threads if n in per_window else None,
        lambda n, windows: (n * 8 / h2d + windows * 32 / d2h, "host link")))
    rows.update(cpu_then_cuda(
        medians(os.path.join(fixture, "bench_lee.json")), "toys", lambda n, e: (n, f"{n:,} toys"),
        lambda n, items, threads: n * 0.24e-3 / threads, lambda n, items: (n * 6.7e4 / fp64, "FP64")))
    return rows


def check_table(check, text, expected, what):
    shown = {(r[0], r[1], r[2]): r for r in table(text, "| benchmark | backend |")}
    check(set(shown) == set(expected), f"{what}: the table has exactly the fixture's {len(expected)} rows "
          f"(missing {sorted(set(expected) - set(shown))}, extra {sorted(set(shown) - set(expected))})")
    for key, (t, rate, floor, bound, gap, speedup) in sorted(expected.items()):
        if key not in shown:
            continue
        cells = shown[key]
        name = " / ".join(key)
        check(close(seconds(cells[3]), t), f"{what}: {name}: median time {cells[3]} = {t:.4g} s")
        check(close(number(cells[4]), rate), f"{what}: {name}: rate {cells[4]} = {rate:.4g}/s")
        if floor is None:
            check(cells[5].startswith("n/a") and cells[6] == "n/a",
                  f"{what}: {name}: no floor ({cells[5]}, {cells[6]})")
        else:
            check(close(seconds(cells[5]), floor) and cells[5].endswith(f"({bound})"),
                  f"{what}: {name}: floor {cells[5]} = {floor:.4g} s ({bound})")
            check(close(number(cells[6]), gap), f"{what}: {name}: time / floor {cells[6]} = {gap:.4g}")
        if key[1] == "CUDA":
            check(close(number(cells[7]), speedup) if speedup else cells[7] == "n/a",
                  f"{what}: {name}: CUDA vs CPU {cells[7]} = {speedup if speedup is None else f'{speedup:.4g}'}")


def main():
    script, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    check = Checklist()
    ceilings = json.load(open(os.path.join(FIXTURE, "ceilings.json")))
    parts = [line.split("\t") for line in open(os.path.join(FIXTURE, "parts.tsv")).read().splitlines()]

    # A run where everything passed, with the ceilings measured.
    good = os.path.join(work, "pass")
    shutil.copytree(FIXTURE, good)
    r, text = run(script, good)
    check(r.returncode == 0, f"every part passed: exit status 0 (got {r.returncode}; {r.stderr.strip()})")
    check("**Result: PASS**" in text, "the summary says PASS")
    info = {row[0]: row[1] for row in table(text, "| | |")}
    check(info.get("device", "").startswith("NVIDIA H200, compute capability 9.0, "
                                            f"{ceilings['multiprocessors']} SMs"), f"device: {info.get('device')}")
    check(info.get("driver", "").startswith("580.159.04"), f"driver: {info.get('driver')}")
    check(info.get("commit") == "0123456789ab", f"commit: {info.get('commit')}")
    build_s = sum(int(p[2]) for p in parts if p[0] in ("configure", "build"))
    check(f"{build_s} s" in info.get("build", ""), f"build time {build_s} s: {info.get('build')}")
    part_rows = {row[0]: row for row in table(text, "| part |")}
    check(set(part_rows) == {p[0] for p in parts}, f"a row for each part ({sorted(part_rows)})")
    check(all(row[1] == "ok" for row in part_rows.values()), "every part ok")
    check(part_rows.get("ctest", [""] * 4)[3].startswith("9 passed, 0 failed, 0 skipped"),
          f"ctest: {part_rows.get('ctest')}")
    check(part_rows.get("python", [""] * 4)[3].startswith("6 passed, 0 failed, 0 skipped"),
          f"python: {part_rows.get('python')}")
    expected = expected_rows(FIXTURE, ceilings["d2d_bytes_per_s"], ceilings["fp64_flops_per_s"],
                             ceilings["h2d_pageable_bytes_per_s"], ceilings["d2h_pageable_bytes_per_s"])
    check_table(check, text, expected, "measured ceilings")
    record = json.load(open(os.path.join(good, "device_check.json")))
    check(record["result"] == "pass" and len(record["benchmarks"]) == len(expected),
          "device_check.json: pass, one entry a benchmark row")
    check(not [f for f in os.listdir(good) if f.endswith(".tmp")], "no temporary file left")

    # The dependencies: the bundle named, the eleven found in it, three libraries loaded from it.
    deps = [line.split("\t") for line in open(os.path.join(FIXTURE, "deps.tsv")).read().splitlines()]
    found = [d[1] for d in deps if d[0] == "find"]
    loaded = [d[1] for d in deps if d[0] == "runtime" and d[2] == "bundle"]
    runtime = [d for d in deps if d[0] == "runtime"]
    row = info.get("dependencies", "")
    check(row.startswith(".device: 48 Debian packages, 25.7 MiB, unpacked with dpkg-deb into /tmp/darkscan-deps; "),
          f"dependencies: the bundle first ({row})")
    check(f"; from the bundle: {', '.join(found)};" in row and "from the system" not in row and "not found" not in row,
          f"dependencies: all {len(found)} found in the bundle, none elsewhere")
    check(row.endswith(f"; bench_selection loads {len(loaded)} of its {len(runtime)} libraries from the bundle "
                       f"({', '.join(loaded)})"), "dependencies: the libraries bench_selection loads from the bundle")
    dependencies = record.get("dependencies", {})
    check(dependencies.get("bundle", "").startswith(".device: 48 Debian packages")
          and [d["name"] for d in dependencies.get("found", []) if d["source"] == "bundle"] == found
          and [d["soname"] for d in dependencies.get("runtime", []) if d["source"] == "bundle"] == loaded
          and dependencies["found"][0]["path"].endswith("/hdf5/serial/lib/libhdf5.so"),
          "device_check.json: the bundle, each dependency's source and path, the libraries loaded")

    # No measured ceilings: the H200 datasheet's (4.8 TB/s, 34 TFLOP/s FP64, PCIe 5 at 50 GB/s).
    # Nor a dependency file (as before the bundle): the meta's line alone.
    sheet = os.path.join(work, "datasheet")
    shutil.copytree(FIXTURE, sheet)
    os.remove(os.path.join(sheet, "deps.tsv"))
    r, text = run(script, sheet, ceilings=False)
    check(r.returncode == 0, f"datasheet ceilings: exit status 0 (got {r.returncode})")
    check("| device memory | 4.8 TB/s (datasheet) |" in text, "datasheet ceilings: 4.8 TB/s named as the datasheet's")
    check_table(check, text, expected_rows(FIXTURE, 4.8e12, 34e12, 50e9, 50e9), "datasheet ceilings")
    info = {row[0]: row[1] for row in table(text, "| | |")}
    check(info.get("dependencies") == ".device: 48 Debian packages, 25.7 MiB, unpacked with dpkg-deb into "
          "/tmp/darkscan-deps", f"no dependency file: the bundle line alone ({info.get('dependencies')})")

    # A failing run: configure and build failed (the log says why), one CUDA test skipped, the
    # 65,536-toy CUDA benchmark in error, no bench_scan JSON.
    bad = os.path.join(work, "fail")
    shutil.copytree(FIXTURE, bad)
    with open(os.path.join(bad, "parts.tsv"), "w") as f:
        f.write("".join("\t".join([p[0], "1" if p[0] in ("configure", "build") else p[1]] + p[2:]) + "\n"
                        for p in parts))
    log = os.path.join(bad, "device_check.log")
    with open(log, "w") as f:
        f.write("==== nvidia-smi -q\nNo error here\n"
                "==== configure (12:00:00, limit 120 s): cmake --preset cuda\n-- The CXX compiler identification\n"
                "CMake Error at CMakeLists.txt:25 (find_package):\n"
                "  Could NOT find HDF5 (missing: HDF5_LIBRARIES HDF5_INCLUDE_DIRS C)\n"
                "==== build (12:00:09, limit 330 s): cmake --build build/device-check\n[1/76] Building CUDA object\n"
                "FAILED: kernels/CMakeFiles/darkscan_kernels.dir/toy_scan.cu.o\n"
                "toy_scan.cu(12): error: identifier \"x\" is undefined\n")
    xml = os.path.join(bad, "ctest.xml")
    junit = open(xml).read()
    junit = re.sub(r'(<testcase name="CudaAgreement.WindowCountsAreIdentical"[^>]*) status="run">\s*<system-out>[^<]*',
                   r'\1 status="notrun">\n\t\t<skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>\n\t\t<system-out>'
                   r'[  SKIPPED ] CUDA test skipped: no usable CUDA device (cudaErrorNoDevice)\n', junit)
    open(xml, "w").write(junit)
    xml = os.path.join(bad, "pytest.xml")
    junit = open(xml).read()
    junit = re.sub(r'(<testcase [^>]*name="test_cupy_and_torch_take_the_results"[^>]*) />',
                   r'\1><skipped type="pytest.skip" message="neither CuPy nor PyTorch is installed">'
                   r'python/tests/test_device_arrays.py:140: neither CuPy nor PyTorch is installed</skipped></testcase>',
                   junit)
    open(xml, "w").write(junit)
    lee_path = os.path.join(bad, "bench_lee.json")
    lee = json.load(open(lee_path))
    kept = [b for b in lee["benchmarks"] if not b["run_name"].startswith("BM_ToysCuda/65536")]
    message = "no CUDA: no usable CUDA device (cudaErrorNoDevice: no CUDA-capable device is detected)"
    lee["benchmarks"] = kept + [
        {"name": "BM_ToysCuda/65536/real_time", "family_index": 1, "per_family_instance_index": 1,
         "run_name": "BM_ToysCuda/65536/real_time", "run_type": "iteration", "repetitions": 3, "repetition_index": i,
         "threads": 1, "error_occurred": True, "error_message": message, "iterations": 1, "real_time": 0.0,
         "cpu_time": 0.0, "time_unit": "ms"} for i in range(3)]
    json.dump(lee, open(lee_path, "w"))
    os.remove(os.path.join(bad, "bench_scan.json"))
    r, text = run(script, bad, log=log)
    check(r.returncode == 1, f"failing run: exit status 1 (got {r.returncode})")
    check(re.search(r"\*\*Result: FAIL\*\* \(failed: configure, build, ctest, python, bench_scan, bench_lee\)",
                    text) is not None, "failing run: FAIL, naming configure, build, ctest, python, bench_scan and bench_lee")
    part_rows = {row[0]: row for row in table(text, "| part |")}
    check(part_rows["configure"][3] == "exit 1: Could NOT find HDF5 (missing: HDF5_LIBRARIES HDF5_INCLUDE_DIRS C)",
          f"failing run: configure quotes the missing dependency ({part_rows['configure'][3]})")
    check(part_rows["build"][3] == "exit 1: FAILED: kernels/CMakeFiles/darkscan_kernels.dir/toy_scan.cu.o",
          f"failing run: build quotes its first error ({part_rows['build'][3]})")
    check(part_rows["ctest"][1] == "FAILED" and "8 passed, 0 failed, 1 skipped" in part_rows["ctest"][3]
          and "cudaErrorNoDevice" in part_rows["ctest"][3], f"failing run: ctest {part_rows['ctest']}")
    check(part_rows["python"][1] == "FAILED" and "5 passed, 0 failed, 1 skipped" in part_rows["python"][3]
          and "(neither CuPy nor PyTorch is installed)" in part_rows["python"][3], f"failing run: python {part_rows['python']}")
    check(part_rows["bench_scan"][1] == "FAILED" and "no JSON" in part_rows["bench_scan"][3],
          f"failing run: bench_scan {part_rows['bench_scan']}")
    check(part_rows["bench_lee"][1] == "FAILED" and message in part_rows["bench_lee"][3],
          f"failing run: bench_lee {part_rows['bench_lee']}")
    check(all(part_rows[p][1] == "ok" for p in ("ceilings", "bench_selection", "bench_statistics")),
          "failing run: the other parts ok")
    rows = table(text, "| benchmark | backend |")
    check(any(row[0] == "toys" and row[1] == "CUDA" and row[3] == "error: " + message for row in rows),
          "failing run: the erring benchmark's row shows its error")
    expected = expected_rows(FIXTURE, ceilings["d2d_bytes_per_s"], ceilings["fp64_flops_per_s"],
                             ceilings["h2d_pageable_bytes_per_s"], ceilings["d2h_pageable_bytes_per_s"])
    expected = {k: v for k, v in expected.items() if k[0] != "scan counting" and k != ("toys", "CUDA", "65,536 toys")}
    check_table(check, "\n".join(line for line in text.splitlines() if "| error: " not in line), expected,
                "failing run, the other rows")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
