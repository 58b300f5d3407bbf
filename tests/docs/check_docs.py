#!/usr/bin/python3
"""The documentation holds together:

- every relative link and anchor in README.md and docs/ resolves (anchors as GitHub
  derives them from headings);
- every docs/ page that a source file, script, config or test cites
  (`docs/physics/statistics.md#the-upper-limit`) exists, and so does its anchor;
- nothing points outside the repository: no file names the folder of specification
  documents beside it, and no file cites the documents the docs replaced.

  check_docs.py SOURCE_DIR            the checks; exit 1 with one line per broken reference
  check_docs.py --self-test SOURCE_DIR   the checks must catch planted breaks
Debian's python3, standard library only.
"""
import os
import re
import subprocess
import sys
import tempfile

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CITATION = re.compile(r"\bdocs/[\w./-]+\.md(?:#[\w-]+)?")
# Names of the documents that the docs/ tree replaced; a file citing one points at nothing in the repository.
# (The folder's name is spelt in two pieces so that this file does not match itself.)
OUTSIDE_FOLDER = "sha" + "red/"
OUTSIDE = re.compile(r"\b" + OUTSIDE_FOLDER + r"|\b(?:ANALYSIS|DATA|THEORY|DESIGN|STYLE)\.md\b")
SOURCE_SUFFIXES = (".hpp", ".cpp", ".cu", ".cuh", ".h", ".py", ".sh", ".toml", ".txt", ".cmake", ".json", ".md",
                   ".in", ".yml", ".yaml")


def slug(heading):
    """GitHub's anchor for a heading: its text without markup, lower case, every character
    that is not a letter, digit, space, hyphen or underscore dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def strip_code(lines):
    """The lines outside fenced code blocks, inline code removed (links in code are examples)."""
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield number, re.sub(r"`[^`]*`", "", line)


def anchors(path, cache={}):
    if path not in cache:
        seen = {}
        found = set()
        with open(path, encoding="utf-8") as f:
            for _, line in strip_code(f.read().splitlines()):
                m = HEADING.match(line)
                if not m:
                    continue
                base = slug(m.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        cache[path] = found
    return cache[path]


def tracked_files(root):
    r = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard"],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return sorted(set(r.stdout.split()))
    out = []  # not a git checkout: every file outside build folders
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", "build", ".venv", "__pycache__")]
        out += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    return sorted(out)


def check_target(root, origin, target, problems, where):
    """`target` (path[#anchor], relative to `origin`'s folder; '#anchor' alone: origin itself)."""
    path, _, anchor = target.partition("#")
    resolved = os.path.normpath(os.path.join(os.path.dirname(os.path.join(root, origin)), path)) if path else \
        os.path.join(root, origin)
    if not resolved.startswith(os.path.abspath(root) + os.sep) and resolved != os.path.abspath(root):
        problems.append(f"{where}: {target} leaves the repository")
        return
    if not os.path.exists(resolved):
        problems.append(f"{where}: {target}: no such file")
        return
    if anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
        problems.append(f"{where}: {target}: no heading with the anchor #{anchor} in {os.path.relpath(resolved, root)}")


def check(root):
    root = os.path.abspath(root)
    problems = []
    files = tracked_files(root)
    for rel in files:
        full = os.path.join(root, rel)
        if not os.path.isfile(full):
            continue
        is_doc = rel.endswith(".md") and (rel == "README.md" or rel.startswith("docs/"))
        if not (is_doc or rel.endswith(SOURCE_SUFFIXES) or os.path.basename(rel) in ("CMakeLists.txt", "run")):
            continue
        try:
            lines = open(full, encoding="utf-8").read().splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, 1):
            if OUTSIDE.search(line) and rel != "tests/docs/check_docs.py":
                problems.append(f"{rel}:{number}: cites a document outside the repository: "
                                f"{OUTSIDE.search(line).group(0)}")
        if is_doc:
            for number, line in strip_code(lines):
                for m in LINK.finditer(line):
                    target = m.group(1)
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                        continue
                    check_target(root, rel, target, problems, f"{rel}:{number}")
        elif rel != "tests/docs/check_docs.py":
            for number, line in enumerate(lines, 1):
                for m in CITATION.finditer(line):
                    cited = m.group(0).rstrip(".")
                    check_target(root, "CITED_FROM_ROOT", cited, problems, f"{rel}:{number}")
    return problems


def self_test(root):
    """Planted breaks in a copy of the docs: each must be caught, and the copy unbroken must pass."""
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "docs", "physics"))
        os.makedirs(os.path.join(tmp, "host"))
        page = os.path.join(tmp, "docs", "physics", "stats.md")
        with open(page, "w") as f:
            f.write("# Statistics\n\n## The upper limit (95 % CL)\n\n## Flags\n\n## Flags\n\n"
                    "See [flags](#flags-1), [limit](#the-upper-limit-95--cl) and [home](../../README.md).\n"
                    "```\n[not a link](nowhere.md)\n```\n")
        with open(os.path.join(tmp, "README.md"), "w") as f:
            f.write("# darkscan\n\n[statistics](docs/physics/stats.md#flags) ![plot](docs/physics/stats.md)\n"
                    "[web](https://example.org/x.md)\n")
        code = os.path.join(tmp, "host", "limit.cpp")
        with open(code, "w") as f:
            f.write("// The limit of docs/physics/stats.md#the-upper-limit-95--cl.\n")
        clean = check(tmp)
        if clean:
            failures.append(f"a sound tree is flagged: {clean}")
        plants = [
            (page, "[home](../../README.md)", "[home](../../MISSING.md)", "no such file"),
            (page, "[flags](#flags-1)", "[flags](#flags-2)", "no heading with the anchor #flags-2"),
            (code, "#the-upper-limit-95--cl", "#the-upper-limit", "no heading with the anchor #the-upper-limit"),
            (code, "docs/physics/stats.md", "docs/physics/statistic.md", "no such file"),
            (code, "// The limit", "// ANALYSIS.md section 5: the limit", "outside the repository"),
            (page, "# Statistics", "# Statistics (see ../" + OUTSIDE_FOLDER + "x)", "outside the repository"),
            (page, "[home](../../README.md)", "[home](../../../etc/passwd)", "leaves the repository"),
        ]
        for path, old, new, expected in plants:
            original = open(path).read()
            with open(path, "w") as f:
                f.write(original.replace(old, new, 1))
            anchors.__defaults__[0].clear()
            found = check(tmp)
            if not any(expected in p for p in found):
                failures.append(f"planted '{new}' not caught (got {found})")
            with open(path, "w") as f:
                f.write(original)
            anchors.__defaults__[0].clear()
    for f in failures:
        print("FAIL  " + f)
    print("self-test: " + ("ok" if not failures else f"{len(failures)} failure(s)"))
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        sys.exit(__doc__)
    problems = check(argv[1])
    for p in problems:
        print(p)
    print(f"{len(problems)} broken reference(s)" if problems else "every link, anchor and citation resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
