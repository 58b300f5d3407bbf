#!/usr/bin/env python3
"""Turns the raw outputs of scripts/device_check.sh into OUTDIR/SUMMARY.md (one page) and
OUTDIR/device_check.json (the same figures, machine-readable). Standard library only.

usage: device_check_summary.py OUTDIR --parts PARTS.tsv --meta META.tsv [--ceilings CEILINGS.json]
                               [--deps DEPS.tsv] [--log device_check.log]

  OUTDIR      holds bench_{selection,statistics,scan,lee}.json (Google Benchmark JSON),
              ctest.xml (ctest's JUnit) and pytest.xml (pytest's); any may be missing where
              its part failed
  PARTS.tsv   one line a part: name, exit status, seconds, time limit (tab-separated; a
              limit of 0: not run, the time budget was spent)
  META.tsv    key and value a line: stamp, commit, host, cpus, device, compute_capability,
              driver, memory, arch, nvcc, cmake, bundle (the Debian packages' bundle used, or none)
  CEILINGS    scripts/device_ceilings.cu's JSON: the ceilings measured on the device
  DEPS.tsv    where each dependency came from: "find", name, bundle|system|missing, the path
              CMake found; "runtime", soname, bundle|system|missing, the path ldd resolved

Each benchmark figure is set against its floor as benchmarks/RESULTS.md defines it: bytes
over bandwidth or operations over peak (for the GPU the larger of the device term and the
host-link term where the timed region copies to or from the host), using the ceilings
measured in the same run where there are some, else the datasheet's.

Exit status: 0 when every part passed (configure, build, ceilings, the CUDA tests and the
Python tests of device arrays with none skipped, every benchmark with its CUDA figures), 1
otherwise; the summary is written either way.
"""
import argparse
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

# Datasheet leads (SXM parts unless the name says PCIe); host link: PCIe 5 x16 as
# RESULTS.md takes it (~50 GB/s a direction). fp64 is the vector rate: darkscan's kernels
# do scalar FP64, not the tensor cores' FP64 (fp64_tensor, shown for reference).
DATASHEETS = [
    ("H200", {"hbm": 4.8e12, "fp64": 34e12, "fp64_tensor": 67e12, "sms": 132, "link": 50e9}),
    ("H100 PCIe", {"hbm": 2.0e12, "fp64": 26e12, "fp64_tensor": 51e12, "sms": 114, "link": 50e9}),
    ("H100", {"hbm": 3.35e12, "fp64": 34e12, "fp64_tensor": 67e12, "sms": 132, "link": 50e9}),
]

# The floors of benchmarks/RESULTS.md, per item.
SELECTION_BYTES = 184            # 42 columns read (144 B) + one verdict written (40 B) a candidate
VERDICT_BYTES = 40               # the verdicts copied to the host inside the timed region
CPU_LIMITS_PER_S_CORE = 6.5e5    # ~300 exps + 3e3 flops a limit: ~1.5 us a limit a core
GPU_FLOPS_PER_LIMIT = 1e4        # an FP64 exp ~25 flops: ~1e4 flops a limit
EXPERIMENT_BYTES, RESULT_BYTES = 40, 32  # CountingExperiment to the device, StatsResult back
CPU_S_PER_WINDOW = {20: 50e-9, 10000: 0.4e-6}  # ~20 log2(N) dependent loads, one core
MASS_BYTES, COUNTS_BYTES = 8, 32           # masses to the device, WindowCounts back
CPU_S_PER_TOY = 0.24e-3          # ~160 windows a toy, their counts and p0, one core
GPU_FLOPS_PER_TOY = 6.7e4        # bench_lee.cpp: ~1e9 toys/s of arithmetic at 67 TFLOP/s

# Benchmark family -> (section, backend, the names of its arguments, the item counted).
FAMILIES = {
    "BM_SelectCpu": ("selection", "cpu", ["threads"], "candidates"),
    "BM_SelectCuda": ("selection", "cuda", [], "candidates"),
    "BM_MemcpyFloor": ("selection", "memcpy", [], "candidates"),
    "BM_LimitsCpu": ("statistics", "cpu", ["size", "threads"], "limits"),
    "BM_LimitsCuda": ("statistics", "cuda", ["size"], "limits"),
    "BM_CountWindowsCpu": ("scan counting", "cpu", ["events", "threads"], "windows"),
    "BM_CountWindowsCuda": ("scan counting", "cuda", ["events"], "windows"),
    "BM_ToysCpu": ("toys", "cpu", ["size", "threads"], "toys"),
    "BM_ToysCuda": ("toys", "cuda", ["size"], "toys"),
}
PROGRAMS = ["bench_selection", "bench_statistics", "bench_scan", "bench_lee"]
UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_number(x):
    """Three significant digits: 0.945, 13, 716, then 4.53e3, 1.05e7."""
    if x is None:
        return "n/a"
    if abs(x) < 999.5:
        return f"{x:.3g}"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exponent
    if round(mantissa, 2) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.2f}e{exponent}"


def fmt_ratio(x):
    return "n/a" if x is None else fmt_number(x) + "x"


def read_tsv(path):
    rows = []
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return rows


def ceilings(device_name, measured):
    """The ceilings the floors use: measured where the ceilings part ran, else the datasheet's."""
    sheet = next((s for key, s in DATASHEETS if key.lower() in device_name.lower()), None)
    keys = {"hbm": "d2d_bytes_per_s", "fp64": "fp64_flops_per_s",
            "h2d": "h2d_pageable_bytes_per_s", "d2h": "d2h_pageable_bytes_per_s"}
    used = {}
    for key, field in keys.items():
        value = (measured or {}).get(field)
        if isinstance(value, (int, float)) and value > 0:
            used[key] = (float(value), "measured")
        elif sheet:
            used[key] = (sheet["link" if key in ("h2d", "d2h") else key], "datasheet")
        else:
            used[key] = (None, "unknown")
    return sheet, used


def ceiling_rows(ceil, sheet):
    """The ceilings table: what each floor used, beside the datasheet."""
    how = {"hbm": "device-to-device copy, read + write", "fp64": "FMA chains", "h2d": "pageable", "d2h": "pageable"}
    lines = []
    for label, key, unit, scale, sheet_key in (("device memory", "hbm", "TB/s", 1e12, "hbm"),
                                               ("FP64", "fp64", "TFLOP/s", 1e12, "fp64"),
                                               ("host to device", "h2d", "GB/s", 1e9, "link"),
                                               ("device to host", "d2h", "GB/s", 1e9, "link")):
        value, source = ceil[key]
        used = "n/a" if value is None else f"{value / scale:.3g} {unit} ({source}"
        if value is not None:
            used += (f", {how[key]})" if source == "measured" else ")")
        datasheet = "n/a" if not sheet else f"{sheet[sheet_key] / scale:.3g} {unit}"
        if key == "fp64" and sheet:
            datasheet += f" ({sheet['fp64_tensor'] / scale:.3g} with tensor cores)"
        lines.append(f"| {label} | {used} | {datasheet} |")
    return lines


def load_benchmarks(path):
    """Runs of one program: run name -> {entry, time_s, cv, error}; the median aggregate
    where repetitions were asked for, else the iteration itself."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    for b in data.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        run = runs.setdefault(name, {"entry": None, "times": [], "cv": None, "error": None})
        if b.get("error_occurred"):
            run["error"] = b.get("error_message", "error")
            continue
        time_s = b["real_time"] * UNITS[b.get("time_unit", "ns")]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                run["entry"], run["times"] = b, [time_s]
            elif b.get("aggregate_name") == "cv":
                run["cv"] = b["real_time"]
        elif not run["entry"] or run["entry"].get("run_type") != "aggregate":
            run["entry"] = b
            run["times"].append(time_s)
    for run in runs.values():
        t = sorted(run["times"])
        run["time_s"] = t[len(t) // 2] if t else None
    return runs


def parse_run(name, run):
    """A benchmark row from a run's name ("BM_LimitsCuda/100000/real_time") and its entry."""
    parts = [p for p in name.split("/") if p and not p.startswith(("real_time", "min_time", "iterations"))]
    family = FAMILIES.get(parts[0])
    if not family:
        return None
    section, backend, arg_names, item = family
    args = dict(zip(arg_names, (int(p) for p in parts[1:])))
    entry = run["entry"] or {}
    if "rows" in entry:
        args["size"] = int(entry["rows"])
    if section == "scan counting":
        args["size"] = int(entry["windows"]) if "windows" in entry else None
    return {"name": name, "section": section, "backend": backend, "item": item, "args": args,
            "size": args.get("size"), "threads": args.get("threads"), "time_s": run["time_s"],
            "cv": run["cv"], "error": run["error"], "entry": entry}


def floor_of(row, rows, ceil):
    """(floor seconds, what bounds it) for one row, or (None, why not)."""
    hbm, fp64, h2d, d2h = (ceil[k][0] for k in ("hbm", "fp64", "h2d", "d2h"))
    n, threads, section, backend = row["size"], row["threads"] or 1, row["section"], row["backend"]
    if n is None:
        return None, "size unknown"

    def larger(*terms):
        terms = [(t, what) for t, what in terms if t is not None]
        return max(terms) if terms else (None, "ceilings unknown")

    def over(numerator, rate):
        return numerator / rate if rate else None

    if section == "selection":
        memcpy = next((r for r in rows if r["section"] == "selection" and r["backend"] == "memcpy"), None)
        if backend == "memcpy":
            return row["time_s"], "itself"
        if backend == "cpu":
            return (memcpy["time_s"], "memcpy") if memcpy and memcpy["time_s"] else (None, "no memcpy")
        per = SELECTION_BYTES
        if memcpy and memcpy["entry"].get("bytes_per_second") and memcpy["entry"].get("candidates_per_s"):
            per = memcpy["entry"]["bytes_per_second"] / memcpy["entry"]["candidates_per_s"]
        return larger((over(n * per, hbm), "device memory"), (over(n * VERDICT_BYTES, d2h), "host link"))
    if section == "statistics":
        if backend == "cpu":
            return n / (CPU_LIMITS_PER_S_CORE * threads), "CPU cores"
        link = None if not (h2d and d2h) else n * EXPERIMENT_BYTES / h2d + n * RESULT_BYTES / d2h
        return larger((over(n * GPU_FLOPS_PER_LIMIT, fp64), "FP64"), (link, "host link"))
    if section == "scan counting":
        if backend == "cpu":
            per = CPU_S_PER_WINDOW.get(row["args"].get("events"))
            return (n * per / threads, "CPU cores") if per else (None, "none in RESULTS.md")
        events = row["args"].get("events", 0)
        link = None if not (h2d and d2h) else events * MASS_BYTES / h2d + n * COUNTS_BYTES / d2h
        return larger((link, "host link"))
    if section == "toys":
        if backend == "cpu":
            return n * CPU_S_PER_TOY / threads, "CPU cores"
        return larger((over(n * GPU_FLOPS_PER_TOY, fp64), "FP64"))
    return None, "no floor"


def describe(row):
    """The backend cell and the size cell of a row."""
    backend = {"cuda": "CUDA", "memcpy": "memcpy (CPU floor)"}.get(row["backend"])
    if row["backend"] == "cpu":
        t = row["threads"] or 1
        backend = f"CPU, {t} thread{'s' if t != 1 else ''}"
    n = row["size"]
    size = "" if n is None else f"{n:,} {row['item']}"
    if row["section"] == "scan counting":
        size = f"{row['args'].get('events', 0):,} events" + (f", {size}" if size else "")
    return backend, size


def junit_result(path):
    """Counts from a JUnit file (ctest's or pytest's): tests, failed and skipped names, and the
    first skip's reason (ctest: the test's own "CUDA test skipped" line; pytest: the message)."""
    if not os.path.exists(path):
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    cases = root.iter("testcase")
    result = {"tests": 0, "passed": 0, "failed": [], "skipped": [], "skip_reason": None}
    for case in cases:
        result["tests"] += 1
        status = case.get("status", "run")
        name = case.get("name", "?")
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            result["failed"].append(name)
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            result["skipped"].append(name)
            said = re.search(r"CUDA test skipped: (.*)", case.findtext("system-out") or "")
            skipped = case.find("skipped")
            message = (skipped.get("message") if skipped is not None else None) or ""
            reason = said.group(1).strip() if said else message.split("Skipped: ", 1)[-1].strip() or None
            result["skip_reason"] = result["skip_reason"] or (None if reason == "SKIP_REGULAR_EXPRESSION_MATCHED"
                                                              else reason)
        else:
            result["passed"] += 1
    return result


def first_errors(log_path):
    """Part name -> the line of its section of device_check.log that best says what went
    wrong: the first missing dependency or file, else the first error."""
    found, part = {}, None
    if not log_path or not os.path.exists(log_path):
        return {}
    missing = re.compile(r"(?i)could not find|not found|no such file")
    error = re.compile(r"(?i)\berror\b|\bfailed\b")
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("==== "):
                m = re.match(r"==== (\S+) \(", line)
                part = m.group(1) if m else None
            elif part:
                seen = found.setdefault(part, [None, None])
                for i, pattern in enumerate((missing, error)):
                    if seen[i] is None and pattern.search(line):
                        seen[i] = line.strip()[:160].replace("|", "/")
    return {part: lines[0] or lines[1] for part, lines in found.items() if lines[0] or lines[1]}


def read_parts(path, log_path):
    """The parts device_check.sh ran, in order, each failed one with a note of why."""
    said = first_errors(log_path)
    parts = {}
    for r in read_tsv(path):
        ok = r[1] == "0"
        note = "" if ok else ("timed out" if r[1] in ("124", "137") else f"exit {r[1]}")
        if not ok and len(r) > 3 and r[3] == "0":
            note = "not run: the time budget was spent"
        if not ok and r[0] in said and r[0] != "ctest":
            note += f": {said[r[0]]}"
        parts[r[0]] = {"name": r[0], "exit": int(r[1]), "seconds": int(r[2]),
                       "limit_s": int(r[3]) if len(r) > 3 else None, "ok": ok, "note": note}
    return parts


def fail(part, why):
    part["ok"] = False
    part["note"] = "; ".join(filter(None, [part["note"], why]))


def judge_tests(part, result, skip_means="the CUDA backend could not use the device"):
    """A tests' part (ctest's CUDA tests, the Python tests of device arrays) from its JUnit
    result: on a GPU node every test must run."""
    if result is None:
        fail(part, "no JUnit output")
        return
    counts = f"{result['passed']} passed, {len(result['failed'])} failed, {len(result['skipped'])} skipped"
    part["note"] = "; ".join(filter(None, [counts, part["note"]]))
    if result["tests"] == 0:
        fail(part, "no tests ran")
    if result["skipped"]:
        fail(part, f"a skip means {skip_means}"
             + (f" ({result['skip_reason']})" if result["skip_reason"] else ""))
    if result["failed"]:
        fail(part, "failed: " + ", ".join(result["failed"][:5]))


def benchmark_rows(outdir, parts, ceil):
    """Every benchmark row of the four programs, with its floor; a program's part fails
    without its JSON, with a benchmark in error or without a CUDA figure."""
    rows = []
    for program in PROGRAMS:
        path = os.path.join(outdir, program + ".json")
        part = parts.setdefault(program, {"name": program, "exit": None, "seconds": None, "limit_s": None,
                                          "ok": False, "note": "not run"})
        if not os.path.exists(path):
            fail(part, "no JSON")
            continue
        try:
            runs = load_benchmarks(path)
        except (OSError, ValueError, KeyError) as e:
            fail(part, f"unreadable JSON ({e})")
            continue
        mine = [r for r in (parse_run(name, run) for name, run in runs.items()) if r]
        errors = [f"{r['name']}: {r['error']}" for r in mine if r["error"]]
        if errors:
            fail(part, errors[0])
        if not any(r["backend"] == "cuda" and not r["error"] for r in mine):
            fail(part, "no CUDA figure")
        rows.extend(mine)

    for row in rows:
        row["floor_s"], row["bound"] = floor_of(row, rows, ceil) if not row["error"] else (None, "")
        ok = row["time_s"] and row["floor_s"]
        row["vs_floor"] = row["time_s"] / row["floor_s"] if ok else None
        row["rate"] = row["size"] / row["time_s"] if row["time_s"] and row["size"] else None
        row["speedup"] = None
        if row["backend"] == "cuda" and row["rate"]:
            cpu = [r["rate"] for r in rows if r["section"] == row["section"] and r["backend"] == "cpu" and r["rate"]
                   and r["args"].get("events") == row["args"].get("events") and r["size"] == row["size"]]
            row["speedup"] = row["rate"] / max(cpu) if cpu else None
    order = {"selection": 0, "statistics": 1, "scan counting": 2, "toys": 3}
    backend_order = {"memcpy": 0, "cpu": 1, "cuda": 2}
    rows.sort(key=lambda r: (order[r["section"]], backend_order[r["backend"]], r["args"].get("events", 0),
                             r["size"] or 0, r["threads"] or 0))
    return rows


FLOORS_NOTE = (
    "Floors (benchmarks/RESULTS.md): selection, 184 B a candidate over the memcpy of the same run (CPU) or over "
    "device memory, and its 40 B verdicts over the device-to-host link (CUDA, the larger); statistics, 1.5 µs a "
    "limit a core (CPU) or 1e4 FP64 flops a limit and the experiments' 40 B in and 32 B out over the link (CUDA); "
    "scan counting, 50 ns (20 events) or 0.4 µs (10^4) a window a core (CPU) or 8 B a mass in and 32 B a window "
    "out over the link (CUDA); toys, 0.24 ms a toy a core (CPU) or 6.7e4 FP64 flops a toy (CUDA). time / floor is "
    "the gap (1 = at the floor); CUDA vs CPU is the rate over the fastest CPU row of the same size.")


def read_deps(path):
    """DEPS.tsv as {"found": [...], "runtime": [...]}; None without the file."""
    if not path or not os.path.exists(path):
        return None
    deps = {"found": [], "runtime": []}
    for r in read_tsv(path):
        if len(r) >= 3 and r[0] in ("find", "runtime"):
            key = "name" if r[0] == "find" else "soname"
            deps["found" if r[0] == "find" else "runtime"].append(
                {key: r[1], "source": r[2], "path": r[3] if len(r) > 3 else ""})
    return deps


def describe_deps(meta, deps):
    """The dependencies row of SUMMARY.md: the bundle, where each was found, what loads from the bundle."""
    text = meta.get("bundle", "not recorded")
    if deps is None:
        return text
    for source, label in (("bundle", "from the bundle"), ("system", "from the system"), ("missing", "not found")):
        names = [d["name"] for d in deps["found"] if d["source"] == source]
        if names:
            text += f"; {label}: {', '.join(names)}"
    loaded = [d["soname"] for d in deps["runtime"] if d["source"] == "bundle"]
    missing = [d["soname"] for d in deps["runtime"] if d["source"] == "missing"]
    if deps["runtime"]:
        text += (f"; bench_selection loads {len(loaded)} of its {len(deps['runtime'])} libraries from the bundle"
                 + (f" ({', '.join(loaded)})" if loaded else ""))
    if missing:
        text += f", and finds no {', '.join(missing)}"
    return text.replace("|", "/")


def render(meta, parts, measured, sheet, ceil, rows, passed, folder, deps=None):
    """SUMMARY.md's lines."""
    device, commit = meta.get("device", "unknown device"), meta.get("commit", "unknown")
    build_s = sum(parts[k]["seconds"] or 0 for k in ("configure", "build") if k in parts)
    failed = ", ".join(p["name"] for p in parts.values() if not p["ok"])
    md = [f"# Device check: {device}, commit {commit}", "",
          f"**Result: {'PASS' if passed else 'FAIL'}**" + ("" if passed else f" (failed: {failed})"), "",
          "| | |", "|---|---|",
          f"| device | {device}, compute capability {meta.get('compute_capability', '?')}, "
          f"{(measured or {}).get('multiprocessors', (sheet or {}).get('sms', '?'))} SMs, {meta.get('memory', '?')} |",
          f"| driver | {meta.get('driver', '?')}; nvcc: {meta.get('nvcc', '?')}; cmake {meta.get('cmake', '?')} |",
          f"| host | {meta.get('host', '?')}, {meta.get('cpus', '?')} CPUs |",
          f"| commit | {commit} |",
          f"| date | {meta.get('stamp', '?')} |",
          f"| build | `cuda` preset, CMAKE_CUDA_ARCHITECTURES={meta.get('arch', '?')}, "
          f"{build_s} s (configure and build) |",
          f"| dependencies | {describe_deps(meta, deps)} |",
          f"| check | {meta.get('elapsed_s', '?')} s in all (budget {meta.get('budget_s', '?')} s) |",
          f"| raw files | SUMMARY.md, device_check.json, device_check.log (nvidia-smi -q, build, ctest, benchmarks), "
          f"ctest.xml, {', '.join(p + '.json' for p in PROGRAMS)} |",
          f"| to commit under | `{folder}` |", "",
          "## Parts", "", "| part | result | seconds | note |", "|---|---|---|---|"]
    for p in parts.values():
        seconds = "" if p["seconds"] is None else p["seconds"]
        md.append(f"| {p['name']} | {'ok' if p['ok'] else 'FAILED'} | {seconds} | {p['note']} |")

    md += ["", "## Ceilings the floors use", "", "| | used | datasheet |", "|---|---|---|"] + ceiling_rows(ceil, sheet)
    if measured and measured.get("h2d_pinned_bytes_per_s"):
        md.append(f"\nPinned host memory: {measured['h2d_pinned_bytes_per_s'] / 1e9:.3g} GB/s to the device, "
                  f"{measured['d2h_pinned_bytes_per_s'] / 1e9:.3g} GB/s back.")

    md += ["", "## Benchmarks (median of the repetitions; CPU and CUDA in the same run)", "",
           "| benchmark | backend | size | time | rate /s | floor | time / floor | CUDA vs CPU |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        backend, size = describe(r)
        if r["error"]:
            md.append(f"| {r['section']} | {backend} | {size} | error: {r['error']} | | | | |")
            continue
        time = fmt_time(r["time_s"]) + (f" ±{r['cv'] * 100:.0f}%" if r["cv"] is not None else "")
        if r["floor_s"] is not None:
            floor = f"{fmt_time(r['floor_s'])} ({r['bound']})"
        else:
            floor = f"n/a ({r['bound']})" if r["bound"] else "n/a"
        speedup = fmt_ratio(r["speedup"]) if r["backend"] == "cuda" else ""
        md.append(f"| {r['section']} | {backend} | {size} | {time} | {fmt_number(r['rate'])} | {floor} "
                  f"| {fmt_ratio(r['vs_floor'])} | {speedup} |")
    return md + ["", FLOORS_NOTE]


def write_whole(path, text):
    """Written whole or not at all: a reader never finds half a file."""
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--parts", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--ceilings")
    ap.add_argument("--deps", help="DEPS.tsv: where the configure found each dependency, where the libraries load from")
    ap.add_argument("--log", help="device_check.log: failed parts quote their first error line from it")
    a = ap.parse_args()

    meta = {row[0]: row[1] if len(row) > 1 else "" for row in read_tsv(a.meta)}
    parts = read_parts(a.parts, a.log)
    measured = None
    if a.ceilings and os.path.exists(a.ceilings):
        try:
            with open(a.ceilings, encoding="utf-8") as f:
                measured = json.load(f)
        except (OSError, ValueError):
            measured = None
    sheet, ceil = ceilings(meta.get("device", ""), measured)
    deps = read_deps(a.deps)
    ctest = junit_result(os.path.join(a.outdir, "ctest.xml"))
    pytest = junit_result(os.path.join(a.outdir, "pytest.xml"))
    if "ctest" in parts:
        judge_tests(parts["ctest"], ctest)
    if "python" in parts and parts["python"]["exit"] in (0, 1):  # 1: pytest ran and a test failed
        judge_tests(parts["python"], pytest, "a test of device arrays did not run")
    rows = benchmark_rows(a.outdir, parts, ceil)
    passed = all(p["ok"] for p in parts.values())
    tag = meta.get("device", "unknown").replace(" ", "_")
    folder = f"benchmarks/results/{meta.get('stamp', 'STAMP')}_device_check_{tag}_{meta.get('commit', 'unknown')}/"

    record = {"result": "pass" if passed else "fail", "meta": meta, "parts": list(parts.values()), "ctest": ctest, "pytest": pytest,
              "ceilings": {"measured": measured, "datasheet": sheet,
                           "used": {k: {"value": v, "source": s} for k, (v, s) in ceil.items()}},
              "benchmarks": [{k: r[k] for k in ("name", "section", "backend", "size", "threads", "time_s", "cv",
                                                "rate", "floor_s", "bound", "vs_floor", "speedup", "error")}
                             for r in rows],
              "dependencies": {"bundle": meta.get("bundle"), **(deps or {"found": [], "runtime": []})},
              "results_folder": folder}
    write_whole(os.path.join(a.outdir, "device_check.json"), json.dumps(record, indent=1) + "\n")
    write_whole(os.path.join(a.outdir, "SUMMARY.md"),
                "\n".join(render(meta, parts, measured, sheet, ceil, rows, passed, folder, deps)) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
