"""darkscan from Python (docs/python.md): the statistics engine on numpy arrays.

    import darkscan
    r = darkscan.stats.evaluate(n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc)
    r.p0, r.z, r.ul_events, r.flags

Bad input raises darkscan.InputError, a ValueError whose message is the one line the
command line prints for the same mistake.
"""
from . import _core
from ._core import InputError
from . import stats
from . import plot
from . import events
from .stages import select, signal_model, scan, lee, interpret, run
from ._files import read

__version__ = _core.version()
"""The version, as `darkscan --version` prints it."""

__all__ = ["InputError", "stats", "plot", "__version__"]
__all__ += ["events", "select", "signal_model", "scan", "lee", "interpret", "run", "read"]
