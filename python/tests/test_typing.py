"""The package's types (docs/python.md#type-stubs): py.typed and the stubs of the compiled
module are installed beside it, the stubs name everything the module defines, and mypy
checks code that uses the package with them: a correct use passes, wrong types are
reported (which it can only do from the stubs and annotations)."""
import ast
import pathlib
import subprocess
import sys

import pytest

import darkscan
from darkscan import _core

PACKAGE = pathlib.Path(darkscan.__file__).parent

GOOD = """
import numpy as np
import darkscan
from matplotlib.figure import Figure

r = darkscan.stats.evaluate(np.array([0, 3]), 40, 10.0, 0.0, 0.05, 0.0047, prior="jeffreys")
z: np.ndarray = r.z
fig: Figure = darkscan.plot.limits("results.h5", "pipi", lifetimes=[1.0, 10.0])
version: str = darkscan._core.version()
made: int = len(darkscan.plot.report("out", jobs=2).figures)
"""

BAD = """
import darkscan
a: int = darkscan._core.version()
darkscan.plot.limits("results.h5", ax=3.5)
b: str = darkscan.stats.evaluate(1, 2, 3.0, 0.0, 0.0, 0.0)
"""


def test_stubs_and_marker_are_installed_beside_the_module():
    assert (PACKAGE / "py.typed").is_file()
    stub = PACKAGE / "_core.pyi"
    assert stub.is_file() and pathlib.Path(_core.__file__).parent == PACKAGE
    tree = ast.parse(stub.read_text())
    named = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    public = {name for name in dir(_core) if not name.startswith("_")}
    assert named == public, f"in the module, not the stub: {public - named}; in the stub only: {named - public}"


@pytest.fixture(scope="module")
def mypy(tmp_path_factory):
    """Runs mypy on a file of the given text; one cache for both runs (the second reuses
    what the first learnt of numpy and matplotlib: seconds instead of tens)."""
    pytest.importorskip("mypy")
    folder = tmp_path_factory.mktemp("mypy")

    def check(name, text):
        source = folder / f"{name}.py"
        source.write_text(text)
        # Run in a folder without the source tree's python/: the installed package is checked.
        return subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--cache-dir",
                               str(folder / "cache"), str(source)], capture_output=True, text=True, cwd=folder)

    return check


def test_mypy_passes_a_correct_use(mypy):
    r = mypy("good", GOOD)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_reports_wrong_types(mypy):
    r = mypy("bad", BAD)
    lines = r.stdout.splitlines()
    assert r.returncode == 1
    assert any("bad.py:3: error" in line and '"str"' in line and '"int"' in line for line in lines), lines
    assert any("bad.py:4: error" in line and 'Argument "ax" to "limits"' in line for line in lines), lines
    assert any("bad.py:5: error" in line and '"Evaluation"' in line for line in lines), lines
    assert len(lines) == 3, lines
