#!/usr/bin/python3
"""scripts/device_deps.sh on a bundle of two small packages made here with dpkg-deb --build,
in the form scripts/device_bundle.sh writes (the .deb files and manifest.tsv): a -dev package
(a header, a multiarch header, a relative .so link, an absolute link, a pkg-config file with
/usr paths, a CMake config) and a runtime package with two shared libraries, one whose soname no system has
(libdarkscanfake.so.7) and one whose soname every system has (libc.so.6). Unpacked by
dpkg-deb and by ar and tar (DEVICE_DEPS_UNPACK=ar), each time: everything lands under the
prefix and nothing beside it, the absolute link and the pkg-config paths point into the
prefix, deps.cmake and deps.env name it, runtime-lib links the missing library alone, and a
program compiled against the prefix runs with deps.env's LD_LIBRARY_PATH. Then a second run
keeps the prefix; a damaged or missing .deb and a foreign prefix are refused (exit status 1,
nothing written); no arguments: the usage, exit status 2. Exit status 77 (skipped) where
dpkg-deb, ar or the C compiler is missing.

  deps_unpack_test.py SCRIPT C_COMPILER WORK_DIR
"""
import filecmp
import hashlib
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from checklist import Checklist  # noqa: E402

LIB = "usr/lib/x86_64-linux-gnu"


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def control(root, package, description):
    write(os.path.join(root, "DEBIAN", "control"),
          f"Package: {package}\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: darkscan tests <tests@invalid>\n"
          f"Description: {description}\n")


def build_packages(cc, work):
    """The two .deb files in work/bundle, and the manifest."""
    dev = os.path.join(work, "tree-dev")
    control(dev, "libdarkscanfake-dev", "darkscan test package: headers and links")
    write(os.path.join(dev, "usr/include/darkscanfake/fake.h"), "#include <darkscanfake/fakeconf.h>\n"
          "int darkscan_fake_answer(void);\n")
    write(os.path.join(dev, "usr/include/x86_64-linux-gnu/darkscanfake/fakeconf.h"), "#define DARKSCAN_FAKE 1\n")
    os.symlink("/usr/include/darkscanfake/fake.h", os.path.join(dev, "usr/include/darkscanfake/absolute.h"))
    os.makedirs(os.path.join(dev, LIB))
    os.symlink("libdarkscanfake.so.7", os.path.join(dev, LIB, "libdarkscanfake.so"))
    write(os.path.join(dev, LIB, "pkgconfig/darkscanfake.pc"),
          "prefix=/usr\nlibdir=/usr/lib/x86_64-linux-gnu\nName: darkscanfake\nDescription: test\nVersion: 1.0\n"
          "Cflags: -I/usr/include/darkscanfake\nLibs: -L/usr/lib/x86_64-linux-gnu -ldarkscanfake\n")
    write(os.path.join(dev, LIB, "cmake/darkscanfake/darkscanfake-config.cmake"), "set(darkscanfake_FOUND TRUE)\n")

    runtime = os.path.join(work, "tree-runtime")
    control(runtime, "libdarkscanfake7", "darkscan test package: shared libraries")
    os.makedirs(os.path.join(runtime, LIB))
    source = os.path.join(work, "fake.c")
    write(source, "int darkscan_fake_answer(void) { return 42; }\n")
    for soname, name in (("libdarkscanfake.so.7", "libdarkscanfake.so.7.0.0"), ("libc.so.6", "libc-fake-2.0.so")):
        subprocess.run([cc, "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", os.path.join(runtime, LIB, name),
                        source], check=True)
        os.symlink(name, os.path.join(runtime, LIB, soname))

    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle)
    rows = []
    for tree, role in ((dev, "dev"), (runtime, "runtime")):
        package = open(os.path.join(tree, "DEBIAN", "control")).readline().split()[1]
        deb = os.path.join(bundle, f"{package}_1.0-1_amd64.deb")
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", tree, deb], check=True,
                       stdout=subprocess.DEVNULL)
        data = open(deb, "rb").read()
        rows.append(f"{package}\t1.0-1\t{role}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}\t{os.path.basename(deb)}\n")
    write(os.path.join(bundle, "manifest.tsv"),
          "# darkscan device bundle: test packages\n# glibc 2.0 (the oldest the libraries are sure to load with)\n"
          "# package\tversion\trole\tbytes\tsha256\tfile\n" + "".join(rows))
    return bundle


def run(script, args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([script] + args, env=env, capture_output=True, text=True, timeout=120)


def tree(root):
    """Every path under root, relative, with a link's target."""
    out = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(base, name)
            out[os.path.relpath(path, root)] = os.readlink(path) if os.path.islink(path) else None
    return out


def check_prefix(check, what, prefix, cc, work):
    inc = os.path.join(prefix, "usr/include/darkscanfake")
    check(os.path.isfile(os.path.join(inc, "fake.h")), f"{what}: the header is under the prefix")
    link = os.readlink(os.path.join(inc, "absolute.h"))
    check(link == os.path.join(inc, "fake.h"), f"{what}: the absolute link points into the prefix ({link})")
    rel = os.readlink(os.path.join(prefix, LIB, "libdarkscanfake.so"))
    check(rel == "libdarkscanfake.so.7", f"{what}: the relative .so link is kept ({rel})")
    pc = open(os.path.join(prefix, LIB, "pkgconfig/darkscanfake.pc")).read()
    check(f"prefix={prefix}/usr\n" in pc and f"libdir={prefix}/{LIB}\n" in pc and f"-I{prefix}/usr/include/darkscanfake" in pc
          and f"-L{prefix}/{LIB} " in pc and "=/usr" not in pc and " -I/usr" not in pc,
          f"{what}: the pkg-config file's paths are the prefix's ({pc!r})")
    cache = open(os.path.join(prefix, "deps.cmake")).read()
    check(f'set(CMAKE_PREFIX_PATH "{prefix}/usr" CACHE' in cache and f'HDF5_ROOT "{prefix}/{LIB}/hdf5/serial"' in cache
          and f"-Wl,-rpath-link,{prefix}/{LIB}:{prefix}/lib/x86_64-linux-gnu" in cache
          and f'set(CMAKE_CXX_FLAGS "-isystem {prefix}/usr/include/x86_64-linux-gnu" CACHE' in cache,
          f"{what}: deps.cmake points CMake at the prefix")
    env = open(os.path.join(prefix, "deps.env")).read()
    check(f'export LD_LIBRARY_PATH="{prefix}/runtime-lib' in env and f'export PKG_CONFIG_PATH="{prefix}/{LIB}/pkgconfig:' in env,
          f"{what}: deps.env sets LD_LIBRARY_PATH and PKG_CONFIG_PATH")
    runtime = sorted(os.listdir(os.path.join(prefix, "runtime-lib")))
    check(runtime == ["libdarkscanfake.so.7"], f"{what}: runtime-lib links the library the system lacks, not libc.so.6 "
          f"({runtime})")
    unpacked = dict(line.rstrip("\n").split("\t", 1) for line in open(os.path.join(prefix, "unpacked.tsv")))
    check(unpacked.get("packages") == "2" and unpacked.get("runtime_libs") == "libdarkscanfake.so.7",
          f"{what}: unpacked.tsv ({unpacked})")

    # A program built against the prefix runs with deps.env's library path, not without.
    program = os.path.join(work, f"program-{os.path.basename(prefix)}")
    write(program + ".c", '#include <fake.h>\n#include <stdio.h>\nint main(void) { printf("%d\\n", '
          "darkscan_fake_answer()); return 0; }\n")
    subprocess.run([cc, f"-I{inc}", "-isystem", f"{prefix}/usr/include/x86_64-linux-gnu", program + ".c", f"-L{prefix}/{LIB}", "-ldarkscanfake", "-o", program], check=True)
    ran = subprocess.run(["bash", "-c", f'source "{prefix}/deps.env" && "{program}"'], capture_output=True, text=True)
    check(ran.returncode == 0 and ran.stdout == "42\n", f"{what}: a program built against it runs with deps.env "
          f"({ran.returncode}, {ran.stdout!r}, {ran.stderr.strip()!r})")
    bare = subprocess.run([program], capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    check(bare.returncode != 0, f"{what}: and cannot find its library without it (exit {bare.returncode})")


def main():
    script, cc, work = os.path.abspath(sys.argv[1]), sys.argv[2], os.path.abspath(sys.argv[3])
    for tool in ("dpkg-deb", "ar", "tar", "sha256sum", cc):
        if shutil.which(tool) is None:
            print(f"skipped: {tool} is not installed")
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    check = Checklist()
    bundle = build_packages(cc, work)

    prefixes = {}
    for method in ("dpkg", "ar"):
        prefix = os.path.join(work, f"prefix-{method}")
        before = set(os.listdir(work))
        r = run(script, [bundle, prefix], {"DEVICE_DEPS_UNPACK": method})
        method_name = "dpkg-deb" if method == "dpkg" else "ar and tar"
        check(r.returncode == 0, f"{method}: exit status 0 ({r.returncode}; {r.stderr.strip()})")
        check(f"2 packages (0.0 MiB, checksums ok) unpacked with {method_name} into {prefix}" in r.stdout,
              f"{method}: says what it unpacked, and how ({r.stdout.splitlines()[:1]})")
        check("libdarkscanfake.so.7" in r.stdout, f"{method}: names the library the system lacks")
        check(set(os.listdir(work)) - before == {os.path.basename(prefix)}, f"{method}: nothing written beside the prefix")
        check_prefix(check, method, prefix, cc, work)
        prefixes[method] = prefix
    # The same tree both ways: the same paths, the package files byte for byte (the .pc files
    # and links once their prefix is taken out).
    one, other = tree(prefixes["dpkg"]), tree(prefixes["ar"])
    differ = sorted(set(one) ^ set(other))
    for path, target in one.items():
        a, b = os.path.join(prefixes["dpkg"], path), os.path.join(prefixes["ar"], path)
        if path not in other:
            continue
        if target is not None:
            if target.replace(prefixes["dpkg"], "") != (other[path] or "").replace(prefixes["ar"], ""):
                differ.append(path)
        elif path.startswith("usr/") and os.path.isfile(a):
            if path.endswith(".pc"):
                if open(a).read().replace(prefixes["dpkg"], "") != open(b).read().replace(prefixes["ar"], ""):
                    differ.append(path)
            elif not filecmp.cmp(a, b, shallow=False):
                differ.append(path)
    check(not differ and len(one) > 20, f"dpkg-deb and ar + tar unpack the same {len(one)} paths (differ: {differ})")
    check(not os.path.exists("/usr/include/darkscanfake"), "nothing was unpacked into /")

    r = run(script, [bundle, prefixes["dpkg"]])
    check(r.returncode == 0 and "holds this bundle already: kept" in r.stdout, f"a second run keeps the prefix ({r.stdout!r})")

    # Refusals: nothing unpacked, one line on stderr.
    damaged = os.path.join(work, "damaged")
    shutil.copytree(bundle, damaged)
    deb = os.path.join(damaged, "libdarkscanfake7_1.0-1_amd64.deb")
    data = bytearray(open(deb, "rb").read())
    data[-10] ^= 0xFF
    open(deb, "wb").write(bytes(data))
    r = run(script, [damaged, os.path.join(work, "prefix-damaged")])
    check(r.returncode == 1 and "libdarkscanfake7_1.0-1_amd64.deb damaged" in r.stderr
          and not os.path.exists(os.path.join(work, "prefix-damaged")), f"a damaged .deb is refused ({r.stderr.strip()})")
    os.remove(deb)
    r = run(script, [damaged, os.path.join(work, "prefix-damaged")])
    check(r.returncode == 1 and "libdarkscanfake7_1.0-1_amd64.deb missing" in r.stderr,
          f"a missing .deb is refused ({r.stderr.strip()})")
    foreign = os.path.join(work, "foreign")
    write(os.path.join(foreign, "keep.txt"), "not a bundle\n")
    r = run(script, [bundle, foreign])
    check(r.returncode == 1 and "holds no bundle of ours" in r.stderr and os.listdir(foreign) == ["keep.txt"],
          f"a foreign non-empty prefix is refused and left alone ({r.stderr.strip()})")
    r = run(script, [])
    check(r.returncode == 2 and r.stderr.startswith("usage: scripts/device_deps.sh BUNDLE PREFIX"),
          f"no arguments: the usage, exit status 2 ({r.returncode})")
    return check.exit_status()


if __name__ == "__main__":
    sys.exit(main())
