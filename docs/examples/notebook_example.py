"""darkscan from a notebook (docs/python.md#an-example): a basf2-style ROOT ntuple, written
here with uproot, converted to an event file, selected, scanned and plotted, each step a cell.

    python docs/examples/notebook_example.py [--darkscan build/cpu/darkscan] [--work DIR]

The simulation the signal model needs comes from `darkscan generate` (the executable given,
else $DARKSCAN_BIN, else `darkscan` on the PATH); the "data" ntuple is one of its signal
samples under basf2's branch names, so the scan finds an excess at m(h') = 0.6 GeV.
Needs the extras darkscan[root] (uproot), darkscan[pandas] (pandas, h5py) and darkscan[plot] (matplotlib).
"""
# %% Set-up: a small config (example.toml: one final state, two signal masses) and the simulation
import argparse
import os
import pathlib
import subprocess
import tempfile

import numpy as np
import uproot

import darkscan

HERE = pathlib.Path(__file__).resolve().parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--darkscan", default=os.environ.get("DARKSCAN_BIN", "darkscan"))
parser.add_argument("--work", default=None, help="folder for the files (default: a temporary one)")
args = parser.parse_args()
work = pathlib.Path(args.work or tempfile.mkdtemp(prefix="darkscan-example-")).resolve()
work.mkdir(parents=True, exist_ok=True)
os.chdir(work)

# The example's config sits beside this script (the tests use it too).
(work / "example.toml").write_text((HERE / "example.toml").read_text())
subprocess.run([args.darkscan, "generate", "--config", "example.toml", "--output", "simulation.h5"], check=True,
               stdout=subprocess.DEVNULL)

# %% A ROOT ntuple as basf2's VariablesToNtuple writes it: one TTree, flat branches of doubles
basf2_names = {"event": "__event__", "hp_trk0_px": "daughter__bo0__cm__sppx__bc",
               "hp_trk0_charge": "daughter__bo0__cm__spcharge__bc"}
signal = darkscan.events.read("simulation.h5", samples=["signal_pipi_m0.600_ctau30"])["signal_pipi_m0.600_ctau30"]
branches = {basf2_names.get(k, k): v.astype(np.float64) for k, v in signal.columns.items()
            if not k.startswith("true_") and k != "mc_weight"}
with uproot.recreate("ntuple.root") as f:
    f.mktree("dh", {k: np.float64 for k in branches}).extend(branches)

# %% Convert: the [columns] mapping of the config, as a dict
darkscan.events.from_root("ntuple.root", "data.h5", tree="dh", columns=basf2_names, attributes={"kind": "data"})
print(darkscan.events.read("data.h5")["data"])

# %% Select the data, and model the signal from the simulation
selection = darkscan.select("data.h5", "selected.h5", config="example.toml")
print(selection.samples["data"].cutflow.to_pandas().tail(3))
model = darkscan.signal_model("simulation.h5", "signal_model.h5", config="example.toml")
print(model.to_pandas())

# %% Scan: p0, Z and limits in every window
result = darkscan.scan("selected.h5", "signal_model.h5", "scan.h5", config="example.toml")
rows = result.to_pandas()
best = rows.loc[rows["z"].idxmax()]
print(f"largest local excess: Z = {best['z']:.2f} at m = {best['mass']:.3f} GeV (cτ = {best['ctau_cm']:g} cm)")

# %% Any output file as pandas tables, with units
tables = darkscan.read("scan.h5")
print(tables, tables["scan"].attrs["units"]["ul_xsec_fb"])

# %% Plots: the run's figures from these files (in a notebook, the returned Figure shows itself)
for name, fig in (("mass_pipi.png", darkscan.plot.mass("selected.h5", "pipi")),
                  ("limits_pipi.png", darkscan.plot.limits("scan.h5", "pipi"))):
    fig.savefig(name)
    print(f"figure: {work / name}")
