#!/usr/bin/python3
"""The layering of darkscan's source folders (docs/development.md#layers-and-folders).

Every #include in include/, kernels/, host/ and python/src/ is resolved to the file the compiler
would take, and so to a layer; a file may include its own layer and the layers its row
of LAYERS names, never one above it. The table of docs/development.md must say what
LAYERS says. Standard library only (Debian's /usr/bin/python3).

  check_layering.py SOURCE_DIR               the tree and the docs table
  check_layering.py --self-test SOURCE_DIR   the checker itself, on small synthetic trees
"""
import os
import re
import sys
import tempfile

DOC = "docs/development.md"
ANCHOR = "docs/development.md#layers-and-folders"
SCRIPT = "tests/layering/check_layering.py"

# The map, lowest layer first: name, folder, layers it may include besides its own.
# Each names only layers listed before it, so there is no cycle. docs/development.md
# holds the same table in prose.
LAYERS = [
    ("core", "include/darkscan/", []),
    ("kernels", "kernels/", ["core"]),
    ("base", "host/", ["core"]),
    ("io", "host/io/", ["core", "base"]),
    ("config", "host/config/", ["core", "base", "io"]),
    ("backend", "host/backend/", ["core", "kernels", "base", "io"]),
    ("physics", "host/physics/", ["core", "base", "io", "config", "backend"]),
    ("stats", "host/stats/", ["core", "base", "io", "config", "backend"]),
    ("events", "host/events/", ["core", "base", "io", "config", "backend"]),
    ("generator", "host/generator/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events"]),
    ("selection", "host/selection/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator"]),
    ("signal_model", "host/signal_model/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection"]),
    ("scan", "host/scan/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model"]),
    ("lee", "host/lee/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan"]),
    ("interpret", "host/interpret/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan", "lee"]),
    ("mpi", "host/mpi/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan", "lee", "interpret"]),
    ("pipeline", "host/pipeline/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan", "lee", "interpret", "mpi"]),
    ("cli", "host/cli/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan", "lee", "interpret", "mpi", "pipeline"]),
    ("python", "python/src/",
     ["core", "base", "io", "config", "backend", "physics", "stats", "events", "generator", "selection",
      "signal_model", "scan", "lee", "interpret", "mpi", "pipeline"]),
]

# Known violations, each (including file, include as written), allowed until fixed. A
# fixed one must leave this list: the check fails on an allowance nothing needs.
KNOWN_VIOLATIONS = []

CHECKED = ("include", "kernels", "host", "python/src")  # the folders whose includes are checked
SEARCH_PATH = ("host", "include", "kernels", "python/src")  # the include path, after the including file's folder
SUFFIXES = (".h", ".hpp", ".cpp", ".cuh", ".cu")
INCLUDE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<([^>]+)>)')


def layer_of(path, folders):
    """Layer of a file (a path relative to the source tree): a name of LAYERS, "tests" or
    "benchmarks", or None for a folder the map does not know."""
    parts = path.split("/")
    if parts[0] == "include":
        return "core"
    if parts[0] in ("kernels", "tests", "benchmarks"):
        return parts[0]
    if parts[0] == "host":
        return "base" if len(parts) == 2 else folders.get(f"host/{parts[1]}/")
    if parts[0] == "python" and len(parts) > 2:
        return folders.get(f"python/{parts[1]}/")
    return None


def folder_text(layer, layers):
    return layers[layer][0] if layer in layers else f"{layer}/"


def resolve(root, includer, name, quoted):
    """The file an include names, as the compiler finds it: the including file's folder
    first (quoted includes), then the include path. (path, problem), one of them None;
    (None, None) for a header from outside the tree (<vector>, <fmt/format.h>)."""
    if quoted and ".." in name.split("/"):
        return None, f'"{name}" climbs out of its folder: write it from host/, include/ or kernels/'
    here = os.path.normpath(os.path.join(os.path.dirname(includer), name))
    if quoted and os.path.isfile(os.path.join(root, here)):
        if os.path.dirname(includer) not in SEARCH_PATH:
            return None, (f'"{name}" is taken from the including file\'s own folder: write it from '
                          f'{includer.split("/")[0]}/ (host files as "io/h5.hpp", core ones as "darkscan/...")')
        return here, None
    hits = [os.path.normpath(os.path.join(d, name)) for d in SEARCH_PATH if os.path.isfile(os.path.join(root, d, name))]
    if len(hits) > 1:
        return None, f'"{name}" is ambiguous: {" and ".join(hits)}'
    if hits:
        return hits[0], None
    if name.split("/")[0] in ("tests", "benchmarks"):
        return name, None
    return None, (f'"{name}" is not found in host/, include/ or kernels/' if quoted else None)


def sources(root):
    for top in CHECKED:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(SUFFIXES):
                    yield os.path.relpath(os.path.join(folder, f), root).replace(os.sep, "/")


def check_includes(root, layers_table=LAYERS, known=KNOWN_VIOLATIONS):
    """Problems of the tree at `root`, one line each."""
    layers = {name: (folder, set(allowed)) for name, folder, allowed in layers_table}
    folders = {folder: name for name, folder, _ in layers_table}
    problems, unknown, used = [], set(), set()
    for path in sources(root):
        own = layer_of(path, folders)
        if own is None:
            folder = "/".join(path.split("/")[:2]) + "/"
            if folder not in unknown:
                unknown.add(folder)
                problems.append(f"{path}: folder {folder} is not in the layer map: add it to the map in "
                                f"{ANCHOR} and {SCRIPT}")
            continue
        with open(os.path.join(root, path), encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                name = m.group(1) or m.group(2)
                target, problem = resolve(root, path, name, m.group(1) is not None)
                if problem:
                    problems.append(f"{path}:{number}: {problem} ({ANCHOR})")
                if target is None:
                    continue
                other = layer_of(target, folders)
                if other is None:
                    folder = "/".join(target.split("/")[:2]) + "/"
                    problems.append(f"{path}:{number}: folder {folder} is not in the layer map: add it to the map "
                                    f"in {ANCHOR} and {SCRIPT}")
                elif other != own and other not in layers[own][1]:
                    if (path, name) in known:
                        used.add((path, name))
                        continue
                    problems.append(f"{path}:{number}: folder {folder_text(own, layers)} may not include folder "
                                    f"{folder_text(other, layers)} ({ANCHOR})")
    for path, name in known:
        if (path, name) not in used:
            problems.append(f'{SCRIPT}: the known violation {path} -> "{name}" is gone: remove it from '
                            f"KNOWN_VIOLATIONS")
    return problems


def check_map(layers_table=LAYERS):
    """The map itself: every layer includes only layers listed before it."""
    problems, seen = [], set()
    for name, _, allowed in layers_table:
        for other in allowed:
            if other not in seen:
                problems.append(f"{SCRIPT}: layer {name} may include {other}, which is not below it")
        seen.add(name)
    return problems


def docs_table(text):
    """{layer: (folder, allowed)} from the table of the section "Layers and folders"; rows
    | `name` | `folder` (a remark) | what it holds | `a`, `b` |, "—" for no other layer."""
    section = re.search(r"^## Layers and folders$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not section:
        return None
    table = {}
    for line in section.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        folder = re.match(r"`([^`]+)`", cells[1])
        table[cells[0].strip("`")] = (folder.group(1) if folder else cells[1], re.findall(r"`([^`]+)`", cells[3]))
    return table


def check_docs(text, layers_table=LAYERS):
    """Where the docs table and LAYERS disagree."""
    table = docs_table(text)
    if table is None:
        return [f'{DOC}: no section "## Layers and folders"']
    problems = []
    ours = {name: (folder, allowed) for name, folder, allowed in layers_table}
    if list(table) != [name for name, _, _ in layers_table]:
        problems.append(f"{DOC}: the table lists the layers {', '.join(table)}; {SCRIPT} lists "
                        f"{', '.join(ours)}, in that order")
    for name in (name for name in ours if name in table):
        if table[name][0] != ours[name][0]:
            problems.append(f"{DOC}: layer {name} is the folder {table[name][0]}; {SCRIPT} says {ours[name][0]}")
        if set(table[name][1]) != set(ours[name][1]):
            problems.append(f"{DOC}: layer {name} may include {', '.join(table[name][1]) or 'no other layer'}; "
                            f"{SCRIPT} says {', '.join(ours[name][1]) or 'no other layer'}")
    return problems


def check_tree(root):
    with open(os.path.join(root, DOC), encoding="utf-8") as doc:
        return check_map() + check_docs(doc.read()) + check_includes(root)


def self_test(root):
    """The checker flags what it must on synthetic trees; returns the failures."""
    failures = []

    def expect(what, problems, wanted):
        missing = [w for w in wanted if not any(w in p for p in problems)]
        if missing or len(problems) != len(wanted):
            failures.append(f"{what}: wanted {wanted}, got {problems}")

    files = {
        "include/darkscan/core/a.hpp": "#include <vector>\n",
        "include/darkscan/stats/b.hpp": '#include "darkscan/core/a.hpp"\n',
        "kernels/k.hpp": '#include "darkscan/stats/b.hpp"\n',
        "host/errors.hpp": "#include <fmt/format.h>\n",
        "host/io/h5.hpp": '#include "errors.hpp"\n#include "darkscan/core/a.hpp"\n',
        "host/backend/backend.hpp": '#include "k.hpp"\n#include "io/h5.hpp"\n',
        "host/stats/plan.hpp": '#include "backend/backend.hpp"\n',
        "host/config/config.cpp": '#include "io/h5.hpp"\n',
        "host/cli/main.cpp": '#include "stats/plan.hpp"\n',
        "python/src/module.cpp": '#include "stats/plan.hpp"\n#include "bindings.hpp"\n',
        "python/src/bindings.hpp": "#include <nanobind/nanobind.h>\n",
    }
    bad = {
        "python/src/stats.cpp": '#include "cli/main.cpp"\n',
        "host/io/csv.cpp": '#include "io/h5.hpp"\n#include "h5.hpp"\n#include "stats/plan.hpp"\n',
        "include/darkscan/core/c.hpp": '#include "io/h5.hpp"\n',
        "host/provenance/p.hpp": '#include "io/h5.hpp"\n',
        "host/stats/q.cpp": '#include "missing.hpp"\n#include "../../kernels/k.hpp"\n',
        "host/config/config.cpp": '#include "io/h5.hpp"\n#include "stats/plan.hpp"\n',
    }
    allowance = [("host/config/config.cpp", "stats/plan.hpp")]
    with tempfile.TemporaryDirectory() as clean, tempfile.TemporaryDirectory() as broken:
        for tree, content in ((clean, files), (broken, {**files, **bad})):
            for path, text in content.items():
                os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
                with open(os.path.join(tree, path), "w", encoding="utf-8") as f:
                    f.write(text)
        expect("a clean tree", check_includes(clean, known=[]), [])
        expect("an allowance nothing needs", check_includes(clean, known=allowance), ["KNOWN_VIOLATIONS"])
        expect("a tree with violations", check_includes(broken, known=allowance), [
            f"host/io/csv.cpp:3: folder host/io/ may not include folder host/stats/ ({ANCHOR})",
            'host/io/csv.cpp:2: "h5.hpp" is taken from the including file\'s own folder',
            "include/darkscan/core/c.hpp:1: folder include/darkscan/ may not include folder host/io/",
            "host/provenance/p.hpp: folder host/provenance/ is not in the layer map: add it",
            'host/stats/q.cpp:1: "missing.hpp" is not found',
            'host/stats/q.cpp:2: "../../kernels/k.hpp" climbs out of its folder',
            f"python/src/stats.cpp:1: folder python/src/ may not include folder host/cli/ ({ANCHOR})",
        ])
        expect("the same tree without the allowance", check_includes(broken, known=[]),
               ["host/io/csv.cpp:2:", "host/io/csv.cpp:3:", "core/c.hpp:1:", "host/provenance/", "q.cpp:1:", "q.cpp:2:",
                "python/src/stats.cpp:1:",
                "host/config/config.cpp:2: folder host/config/ may not include folder host/stats/"])
    upward = [(n, f, a + ["cli"]) if n == "stats" else (n, f, a) for n, f, a in LAYERS]
    expect("a map with a cycle", check_map(upward), ["layer stats may include cli, which is not below it"])
    with open(os.path.join(root, DOC), encoding="utf-8") as doc:
        text = doc.read()
    expect("the docs table", check_docs(text), [])
    drifted = re.sub(r"^(\| `io` \|.*)`base`", r"\1`config`", text, count=1, flags=re.M)
    expect("a docs table that drifted", check_docs(drifted), ["layer io may include core, config"])
    return failures


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        failures = self_test(argv[2])
        print("\n".join(failures) or "the checker flags every synthetic violation")
        return 1 if failures else 0
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = check_tree(argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s); the map is in {ANCHOR}")
        return 1
    print(f"every include of include/, kernels/, host/ and python/src/ follows the layer map ({ANCHOR})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
