#!/usr/bin/env bash
# Unpacks a device bundle (scripts/device_bundle.sh: Debian -dev packages and the shared
# libraries they bring) into a private PREFIX, never into /, and writes what a build needs
# to use it. scripts/device_check.sh runs it on a GPU node where the bundle was carried in
# as .device; by hand:
#
#   usage: scripts/device_deps.sh BUNDLE PREFIX
#          cmake --preset cuda -C PREFIX/deps.cmake ...; source PREFIX/deps.env (before running)
#
# Steps: every .deb of BUNDLE/manifest.tsv is checked against its sha256, then unpacked
# with `dpkg-deb -x`, or with `ar` and `tar` where dpkg is absent (DEVICE_DEPS_UNPACK=ar
# forces that path; =dpkg forbids the fallback). Absolute symbolic links into /usr are
# pointed into PREFIX and the pkg-config files' /usr paths rewritten to PREFIX/usr. No
# program or wrapper of the packages is used (Debian's h5cc has /usr paths written into it).
# A PREFIX that holds this bundle already is kept as it is; one that holds another bundle
# (PREFIX/.manifest.tsv) is emptied first; any other non-empty PREFIX is refused.
#
# PREFIX receives:
#   deps.cmake   an initial cache for `cmake -C`: CMAKE_PREFIX_PATH (find_package's config
#                files: fmt, CLI11, tomlplusplus, Eigen3, Boost, NLopt, GTest, benchmark;
#                find_path: Random123), HDF5_ROOT at Debian's serial HDF5 (FindHDF5 then
#                searches there alone, so no h5cc wrapper of the system is taken), OpenSSL's
#                include folder and libraries, -isystem PREFIX/usr/include/x86_64-linux-gnu
#                in the C, C++ and CUDA flags (Debian's multiarch headers: OpenSSL's
#                opensslconf.h) and -rpath-link to the bundle's libraries
#   deps.env     for bash: PKG_CONFIG_PATH (the rewritten .pc files), LD_LIBRARY_PATH
#                (PREFIX/runtime-lib) and DARKSCAN_DEPS_PREFIX
#   runtime-lib/ links to the bundle's shared libraries whose soname this system's loader
#                does not know (ldconfig -p): a program built against the bundle finds them
#                there, and no program of the system is handed a library in place of its own
#   unpacked.tsv key and value a line: bundle, packages, mib, method, seconds, runtime_libs
# The build needs no CPATH or LIBRARY_PATH: the configured targets and the cache carry the
# bundle's include folders and libraries by full path, so the build folder builds again in
# any shell.
# Exit status: 0 done; 1 the bundle is incomplete or damaged, or PREFIX is not ours; 2 usage.
#
# tests/device_check/deps_unpack_test.py runs it on small packages made with dpkg-deb
# --build, by both paths. A new bundle is checked by hand on a Debian machine without a
# GPU, as root, in a mount namespace (unshare -m --propagation private) where the system's
# copies are hidden: an empty tmpfs mounted over the folders of the bundle's -dev packages
# (/usr/include/{fmt,boost,hdf5,...}, /usr/lib/x86_64-linux-gnu/cmake/{fmt,GTest,...}) and
# an empty file over their other files (dpkg -L) and over the libraries darkscan links
# (libhdf5_serial, libfmt, libtomlplusplus, libnlopt, libbenchmark), and the loader given a
# cache rebuilt without them (ldconfig -X -C FILE, bind-mounted over /etc/ld.so.cache).
# There scripts/device_check.sh, with DEVICE_CHECK_NVIDIA_SMI naming a stand-in that answers
# --query-gpu as an H200 would, must pass its parts deps, configure and build; SUMMARY.md
# must say all eleven dependencies came from the bundle, and the ldd in device_check.log
# must resolve libhdf5_serial, libfmt, libbenchmark, ... into PREFIX.
set -euo pipefail

usage() { echo "usage: scripts/device_deps.sh BUNDLE PREFIX  (unpacks scripts/device_bundle.sh's packages into PREFIX)"; }
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
esac
if (($# != 2)); then usage >&2; exit 2; fi
bundle=$(realpath -m -- "$1")
prefix=$(realpath -m -- "$2")
method=${DEVICE_DEPS_UNPACK:-auto}
say() { echo "device_deps: $*"; }
die() { echo "device_deps: $*" >&2; exit 1; }
t0=$SECONDS

manifest="$bundle/manifest.tsv"
[[ -f "$manifest" ]] || die "no $manifest (make the bundle with scripts/device_bundle.sh)"
[[ "$prefix" != / ]] || die "will not unpack into /"
case "$method" in
  auto) if command -v dpkg-deb >/dev/null; then method="dpkg"; else method="ar"; fi ;;
  dpkg) command -v dpkg-deb >/dev/null || die "DEVICE_DEPS_UNPACK=dpkg but dpkg-deb is not installed" ;;
  ar) ;;
  *) die "DEVICE_DEPS_UNPACK must be auto, dpkg or ar, not '$method'" ;;
esac
if [[ "$method" == ar ]]; then
  for tool in ar tar; do command -v "$tool" >/dev/null || die "neither dpkg-deb nor $tool is installed"; done
fi

# The manifest's files, each checked against its size and sha256.
debs=()
bytes=0
bad=()
while IFS=$'\t' read -r pkg _version _role size sum file; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  path="$bundle/$file"
  if [[ ! -f "$path" ]]; then
    bad+=("$file missing")
  elif [[ "$(stat -c %s "$path")" != "$size" ]] || [[ "$(sha256sum "$path" | cut -d ' ' -f 1)" != "$sum" ]]; then
    bad+=("$file damaged (size or sha256 differs from the manifest)")
  fi
  debs+=("$path")
  bytes=$((bytes + size))
done <"$manifest"
((${#bad[@]} == 0)) || die "bundle $bundle: ${bad[*]}"
((${#debs[@]} > 0)) || die "bundle $bundle: the manifest lists no package"
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

# glibc: the bundle's libraries were built for the glibc of the machine that made it.
made_on=$(sed -n 's/^# glibc \([0-9.]*\).*/\1/p' "$manifest" | head -n 1)
here=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{ print $2 }')
if [[ -n "$made_on" && -n "$here" ]] && [[ "$(printf '%s\n' "$made_on" "$here" | sort -V | head -n 1)" != "$made_on" ]]; then
  say "warning: glibc $here here, older than the $made_on the bundle was made with: its libraries may not load"
fi

unpack_ar() {  # ar + tar, for a machine without dpkg
  local deb=$1 member flag
  member=$(ar t "$deb" | grep -m 1 '^data\.tar') || die "${deb##*/}: no data.tar member"
  case "$member" in
    *.xz) flag=-J ;;
    *.gz) flag=-z ;;
    *.bz2) flag=-j ;;
    *.zst) flag=--zstd ;;
    data.tar) flag="" ;;
    *) die "${deb##*/}: unknown member $member" ;;
  esac
  ar p "$deb" "$member" | tar -x ${flag:+"$flag"} --no-same-owner -f - -C "$prefix" || die "${deb##*/}: ar | tar failed"
}

if [[ -f "$prefix/.manifest.tsv" && -f "$prefix/deps.cmake" ]] && cmp -s "$manifest" "$prefix/.manifest.tsv"; then
  say "$prefix holds this bundle already: kept"
  exit 0
fi
if [[ -e "$prefix" ]]; then
  if [[ -f "$prefix/.manifest.tsv" ]]; then
    rm -rf -- "$prefix"
  elif [[ -d "$prefix" && -z "$(ls -A -- "$prefix")" ]]; then
    rmdir -- "$prefix"
  else
    die "$prefix exists and holds no bundle of ours: give an empty or new folder"
  fi
fi
mkdir -p "$prefix"
for deb in "${debs[@]}"; do
  if [[ "$method" == dpkg ]]; then
    dpkg-deb -x "$deb" "$prefix" || die "${deb##*/}: dpkg-deb -x failed"
  else
    unpack_ar "$deb"
  fi
done

# Absolute links into /usr (or /lib) point into the prefix instead, where their target is there.
while IFS= read -r -d '' link; do
  target=$(readlink -- "$link")
  if [[ -e "$prefix$target" || -L "$prefix$target" ]]; then ln -sfn -- "$prefix$target" "$link"; fi
done < <(find "$prefix" -type l -lname '/*' -print0)
# pkg-config files: their /usr paths (prefix=, libdir=, -I, -L) into the prefix.
while IFS= read -r -d '' pc; do
  sed -E -i "s#(^[A-Za-z_]+=|-I|-L)/usr(/|\$| )#\1$prefix/usr\2#g" "$pc"
done < <(find "$prefix/usr/lib" "$prefix/usr/share" -name '*.pc' -path '*/pkgconfig/*' -print0 2>/dev/null)

# The bundle's shared libraries that this system's loader lacks, by soname.
ldconfig_bin=$(command -v ldconfig || true)
for candidate in /sbin/ldconfig /usr/sbin/ldconfig; do
  if [[ -z "$ldconfig_bin" && -x "$candidate" ]]; then ldconfig_bin=$candidate; fi
done
known=""
if [[ -n "$ldconfig_bin" ]]; then known=$("$ldconfig_bin" -p 2>/dev/null | grep 'x86-64' || true); fi
system_has() {
  if [[ -n "$known" ]]; then
    awk -v name="$1" '$1 == name { found = 1 } END { exit !found }' <<<"$known"
  else
    local d
    for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64; do
      if [[ -e "$d/$1" ]]; then return 0; fi
    done
    return 1
  fi
}
mkdir -p "$prefix/runtime-lib"
runtime=()
has_readelf=0
if command -v readelf >/dev/null; then has_readelf=1; fi
for libdir in "$prefix/lib/x86_64-linux-gnu" "$prefix/usr/lib/x86_64-linux-gnu"; do
  [[ -d "$libdir" ]] || continue
  while IFS= read -r -d '' lib; do
    [[ -e "$lib" ]] || continue  # a link to a package the bundle leaves out (HDF5's C++ library)
    if ((has_readelf)); then  # a library file: its soname
      soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' || true)
    else  # without binutils: the names of the form libNAME.so.N are the sonames
      soname=${lib##*/}
      [[ "$soname" =~ ^lib.*\.so\.[0-9]+$ ]] || soname=""
    fi
    [[ -n "$soname" && ! -e "$prefix/runtime-lib/$soname" && ! -L "$prefix/runtime-lib/$soname" ]] || continue
    if system_has "$soname"; then continue; fi
    target="$libdir/$soname"
    [[ -e "$target" ]] || target=$lib
    ln -s -- "$target" "$prefix/runtime-lib/$soname"
    runtime+=("$soname")
  done < <(find "$libdir" -maxdepth 1 \( -type f -o -type l \) -name 'lib*.so*' -print0 | sort -z)
done

arch_lib="$prefix/usr/lib/x86_64-linux-gnu"
cat >"$prefix/deps.cmake" <<EOF
# Written by scripts/device_deps.sh from $bundle: its packages unpacked under $prefix.
#   cmake --preset cuda -C $prefix/deps.cmake ...
set(CMAKE_PREFIX_PATH "$prefix/usr" CACHE STRING "The device bundle's packages (scripts/device_deps.sh)" FORCE)
set(HDF5_ROOT "$arch_lib/hdf5/serial" CACHE PATH "Debian's serial HDF5 from the device bundle" FORCE)
set(HDF5_NO_FIND_PACKAGE_CONFIG_FILE ON CACHE BOOL "FindHDF5 searches HDF5_ROOT alone" FORCE)
set(OPENSSL_ROOT_DIR "$prefix/usr" CACHE PATH "OpenSSL from the device bundle" FORCE)
set(OPENSSL_INCLUDE_DIR "$prefix/usr/include" CACHE PATH "OpenSSL from the device bundle" FORCE)
set(OPENSSL_CRYPTO_LIBRARY "$arch_lib/libcrypto.so" CACHE FILEPATH "OpenSSL from the device bundle" FORCE)
set(OPENSSL_SSL_LIBRARY "$arch_lib/libssl.so" CACHE FILEPATH "OpenSSL from the device bundle" FORCE)
# The bundle's libraries need others of the bundle (HDF5: libsz, libcurl, ...): the linker finds them here.
set(CMAKE_EXE_LINKER_FLAGS "-Wl,-rpath-link,$arch_lib:$prefix/lib/x86_64-linux-gnu" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS "-Wl,-rpath-link,$arch_lib:$prefix/lib/x86_64-linux-gnu" CACHE STRING "" FORCE)
EOF
if [[ -d "$prefix/usr/include/x86_64-linux-gnu" ]]; then
  # Debian's multiarch headers (OpenSSL's opensslconf.h and configuration.h): the compiler
  # searches /usr/include/x86_64-linux-gnu by itself, the prefix's copy it must be told of.
  multiarch="-isystem $prefix/usr/include/x86_64-linux-gnu"
  for lang in C CXX CUDA; do
    echo "set(CMAKE_${lang}_FLAGS \"$multiarch\" CACHE STRING \"\" FORCE)"
  done >>"$prefix/deps.cmake"
fi
cat >"$prefix/deps.env" <<EOF
# Written by scripts/device_deps.sh: source it (bash) to build and run against the bundle in $prefix.
export DARKSCAN_DEPS_PREFIX="$prefix"
export PKG_CONFIG_PATH="$arch_lib/pkgconfig:$prefix/usr/share/pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$prefix/runtime-lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
EOF
seconds=$((SECONDS - t0))
printf 'bundle\t%s\npackages\t%s\nmib\t%s\nmethod\t%s\nseconds\t%s\nruntime_libs\t%s\n' "$bundle" "${#debs[@]}" \
  "$mib" "$([[ $method == dpkg ]] && echo dpkg-deb || echo 'ar and tar')" "$seconds" "${runtime[*]}" >"$prefix/unpacked.tsv"
cp -- "$manifest" "$prefix/.manifest.tsv"
say "${#debs[@]} packages ($mib MiB, checksums ok) unpacked with $([[ $method == dpkg ]] && echo dpkg-deb || echo 'ar and tar') into $prefix in $seconds s"
say "${#runtime[@]} of the bundle's shared libraries are missing on this system and load from $prefix/runtime-lib${runtime[*]:+: ${runtime[*]}}"
say "configure with -C $prefix/deps.cmake; source $prefix/deps.env to run what was built"
