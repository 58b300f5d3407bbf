#!/usr/bin/env bash
# Downloads, with `apt-get download`, the Debian packages a GPU node's build of the `cuda`
# preset needs and a CUDA image may lack (HDF5, fmt, CLI11, toml++, Random123, Eigen, Boost's
# headers, NLopt, OpenSSL, GoogleTest and Google Benchmark: their -dev packages and the
# shared libraries they bring), into DIR with a manifest. Run it here, once, on a Debian 12
# amd64 machine that reaches Debian's mirror; then a device machine, where nothing can be
# installed or downloaded, is handed DIR with the working tree (the `carry` list names
# `.device`) and scripts/device_check.sh unpacks it into a private prefix
# (scripts/device_deps.sh), never into /, and builds against it.
#
#   usage: scripts/device_bundle.sh [DIR]     (DIR: .device, which .gitignore leaves out)
#
# What it takes:
#   - the -dev packages: the lib*-dev lines of scripts/apt-packages.txt, except that Boost
#     comes as its headers package alone (the project uses Boost.Math's header-only
#     quadratures, not the compiled libboost_math), plus libnlopt-dev (nlopt.hpp includes
#     nlopt.h). Their own Depends are not followed: they name the compiler, pkg-config,
#     GoogleTest's sources and what static linking or the h5cc wrapper would need.
#   - the shared libraries those -dev packages link to (their Depends that are not -dev
#     packages, without HDF5's Fortran, C++ and high-level libraries and the h5cc helpers,
#     which a C-only find_package(HDF5) does not use), with their whole dependency closure
#     (apt-cache depends --recurse), less the base system that any image with a C++
#     compiler has: libc6, libstdc++6, libgcc-s1 and gcc-*-base.
# Then it checks the closure: every shared library in the bundle is unpacked into a scratch
# folder and each library it needs (ELF NEEDED) must be in the bundle or in that base
# system; a miss fails the script.
#
# DIR receives the .deb files (old ones removed) and manifest.tsv: one line a package
# (package, version, role: dev or runtime, bytes, sha256, file), after '#' lines saying how
# it was made. It prints the bundle's size and fails when it is over DEVICE_BUNDLE_MAX_MIB
# (50: a device call carries at most 64 MiB, the working tree included).
# Exit status: 0 done; 1 a step failed (apt, the closure check, the size); 2 usage.
set -euo pipefail

usage() { echo "usage: scripts/device_bundle.sh [DIR]  (Debian packages for the device build; default DIR .device)"; }
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
esac
if (($# > 1)); then usage >&2; exit 2; fi
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m -- "${1:-$root/.device}")
max_mib=${DEVICE_BUNDLE_MAX_MIB:-50}
say() { echo "device_bundle: $*"; }
die() { echo "device_bundle: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg dpkg-deb readelf sha256sum; do
  command -v "$tool" >/dev/null || die "$tool not found (this script runs on Debian, with binutils)"
done
arch=$(dpkg --print-architecture)
[[ "$arch" == amd64 ]] || die "this machine's packages are $arch; the device machine is x86-64 (amd64)"
# shellcheck disable=SC1091
release=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")

depends_opts=(--no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances)
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
if [[ -z "$(candidate libfmt-dev)" || "$(candidate libfmt-dev)" == "(none)" ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    say "apt has no package lists yet: apt-get update"
    apt-get update -qq
  else
    die "apt knows no libfmt-dev: run 'apt-get update' (as root) first"
  fi
fi
direct_depends() {  # the packages PKG names in Depends and Pre-Depends (virtual ones <...> too)
  apt-cache depends "${depends_opts[@]}" "$1" | awk '/^ *\|?(Pre)?Depends:/ { print $2 }'
}

# The -dev packages.
dev=()
while read -r pkg; do
  [[ "$pkg" =~ ^lib[^[:space:]]*-dev$ ]] || continue
  if [[ "$pkg" == libboost-*-dev ]]; then
    # Boost: the versioned headers package that e.g. libboost-math-dev leads to.
    headers=$(apt-cache depends --recurse "${depends_opts[@]}" "$pkg" | grep -E '^libboost[0-9.]+-dev$' | head -n 1)
    [[ -n "$headers" ]] || die "no Boost headers package found below $pkg"
    pkg=$headers
  fi
  dev+=("$pkg")
done <"$root/scripts/apt-packages.txt"
dev+=(libnlopt-dev)
mapfile -t dev < <(printf '%s\n' "${dev[@]}" | sort -u)

# The shared libraries they link to, and those libraries' closure less the base system.
skip='(^<)|(-dev$)|fortran|(^libhdf5-hl-)|(^libhdf5-cpp-)|(^hdf5-helpers$)|(^googletest$)|(^pkg-?conf)'
base='^(libc6|libstdc\+\+6|libgcc-s1|gcc-[0-9]+-base)$'
mapfile -t roots < <(for pkg in "${dev[@]}"; do direct_depends "$pkg"; done | grep -Ev "$skip" | sort -u)
mapfile -t runtime < <(apt-cache depends --recurse "${depends_opts[@]}" "${roots[@]}" |
  grep -Ev '^[[:space:]<]' | grep -Ev "$base" | sort -u)
for pkg in "${dev[@]}" "${runtime[@]}"; do
  c=$(candidate "$pkg")
  [[ -n "$c" && "$c" != "(none)" ]] || die "apt has no candidate for $pkg"
done
say "${#dev[@]} -dev packages: ${dev[*]}"
say "${#runtime[@]} runtime packages: ${runtime[*]}"

# Download into a scratch folder beside DIR, then replace DIR's .deb files and manifest.
mkdir -p "$dir"
partial=$(mktemp -d "$dir/.partial.XXXXXX")
scratch=""
cleanup() { rm -rf "$partial" ${scratch:+"$scratch"}; }
trap cleanup EXIT
(cd "$partial" && apt-get download -q -o APT::Sandbox::User=root "${dev[@]}" "${runtime[@]}" >/dev/null) ||
  die "apt-get download failed"

# The closure check: each NEEDED of each shared library is in the bundle or the base system.
scratch=$(mktemp -d)
for deb in "$partial"/*.deb; do dpkg-deb -x "$deb" "$scratch"; done
declare -A have=()
while read -r name; do have[$name]=1; done < <(find "$scratch" -name '*.so*' \( -type f -o -type l \) -printf '%f\n')
while read -r pkg; do
  while read -r path; do have[${path##*/}]=1; done < <(dpkg -L "$pkg" 2>/dev/null | grep -E '/[^/]+\.so(\.[0-9]+)*$')
done < <(dpkg-query -W -f='${Package}\n' | grep -E "$base")
missing=()
while read -r lib; do
  while read -r needed; do
    [[ -n "${have[$needed]:-}" ]] || missing+=("${lib##*/} needs $needed")
  done < <(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done < <(find "$scratch" -type f -name '*.so*' -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print)
((${#missing[@]} == 0)) || die "the bundle is not closed: ${missing[*]}"

# The manifest, then the files in place.
manifest="$partial/manifest.tsv"
{
  echo "# darkscan device bundle: Debian packages for building the cuda preset on a GPU node (scripts/device_deps.sh unpacks them)"
  echo "# made by scripts/device_bundle.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ) from $release, $arch"
  echo "# left out, the base system of any image with a C++ compiler: libc6 libstdc++6 libgcc-s1 gcc-*-base"
  echo "# glibc $(getconf GNU_LIBC_VERSION | awk '{ print $2 }') (the oldest the libraries are sure to load with)"
  printf '# package\tversion\trole\tbytes\tsha256\tfile\n'
  for deb in "$partial"/*.deb; do
    pkg=$(dpkg-deb -f "$deb" Package)
    role=runtime
    printf '%s\n' "${dev[@]}" | grep -qxF "$pkg" && role=dev
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" "$role" "$(stat -c %s "$deb")" \
      "$(sha256sum "$deb" | cut -d ' ' -f 1)" "${deb##*/}"
  done
} >"$manifest"
rm -f "$dir"/*.deb "$dir/manifest.tsv"
mv "$partial"/*.deb "$manifest" "$dir"/

count=$(grep -vc '^#' "$dir/manifest.tsv")
bytes=$(awk -F '\t' '!/^#/ { s += $4 } END { print s + 0 }' "$dir/manifest.tsv")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
say "$count packages, $mib MiB in $dir (manifest.tsv lists them)"
if awk -v b="$bytes" -v m="$max_mib" 'BEGIN { exit !(b > m * 1048576) }'; then
  die "the bundle is $mib MiB, over the $max_mib MiB it may take (DEVICE_BUNDLE_MAX_MIB)"
fi
