#!/usr/bin/env bash
# Installs darkscan's dependencies (the Debian packages in scripts/apt-packages.txt,
# only those missing) and configures and builds it with a CMake preset (default:
# "default", which also builds the CUDA backend when nvcc is installed). Then installs
# the Python package (docs/python.md) into the virtual environment .venv.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   usage: scripts/setup.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"

missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/apt-packages.txt

if ((${#missing[@]} > 0)); then
  sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A CUDA toolkit in its usual place is used even when it is not on PATH.
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
echo "setup: built preset '$preset' in build/$preset"

# The Python package: a virtual environment of Debian's python3 with the build tools, the
# plots' packages (darkscan run draws with .venv's darkscan.plot) and the tests' packages
# from PyPI (fetched once), and `pip install .`, which builds the
# module in build/python/ (kept, so a rerun rebuilds only what changed; ccache through
# CMAKE_CXX_COMPILER_LAUNCHER when that is set).
[[ -x .venv/bin/python ]] || /usr/bin/python3 -m venv .venv
# (matplotlib and h5py are the extra darkscan[plot], which darkscan run draws with; uproot,
# pandas and tqdm the extras darkscan[root], darkscan[pandas] and darkscan[progress]; pytest,
# mpmath and mypy are the tests'.)
python_packages=(scikit-build-core nanobind numpy matplotlib h5py pytest mpmath mypy uproot pandas tqdm)
if ! .venv/bin/python -c "import scikit_build_core, nanobind, numpy, matplotlib, h5py, pytest, mpmath, mypy, uproot, pandas, tqdm" 2>/dev/null; then
  echo "setup: installing ${python_packages[*]} into .venv"
  .venv/bin/python -m pip install -q "${python_packages[@]}"
fi
CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
  .venv/bin/python -m pip install -q --no-build-isolation .
echo "setup: installed the Python package darkscan $(.venv/bin/python -c 'import darkscan; print(darkscan.__version__)') in .venv"
