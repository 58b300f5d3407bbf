"""Bad input to darkscan.stats.evaluate raises darkscan.InputError (a ValueError) with one
line naming the column and the element, never a crash (docs/python.md#errors); a value the
CSV reader also refuses gets its reason in the same words."""
import math

import numpy as np
import pytest

import darkscan
from conftest import run_stats

GOOD = {"n_obs": 3, "n_sb": 10, "f": 2.0, "delta": 0.1, "eff_rel_unc": 0.05, "lumi_rel_unc": 0.01}


def evaluate(**changes):
    args = {**GOOD, **{k: v for k, v in changes.items() if k in GOOD}}
    options = {k: v for k, v in changes.items() if k not in GOOD}
    return darkscan.stats.evaluate(*args.values(), **options)


def refused(**changes):
    with pytest.raises(darkscan.InputError) as caught:
        evaluate(**changes)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize("changes,message", [
    ({"n_obs": ["3", "4"]}, "column 'n_obs': dtype <U1 is not an integer or real number type"),
    ({"f": np.array([2 + 1j])}, "column 'f': dtype complex128 is not an integer or real number type"),
    ({"delta": [True, False]}, "column 'delta': dtype bool is not an integer or real number type"),
    ({"n_sb": [object()]}, "column 'n_sb': dtype object is not an integer or real number type"),
    ({"eff_rel_unc": [[0.1, 0.2], [0.1]]}, "column 'eff_rel_unc': not an array of numbers"),
    ({"n_obs": [1, 2, 3], "f": [1.0, 2.0]},
     "shapes do not broadcast: n_obs (3,), n_sb (), f (2,), delta (), eff_rel_unc (), lumi_rel_unc ()"),
    ({"f": [2.0, math.nan]}, "column 'f', element 1: nan is not a finite number"),
    ({"lumi_rel_unc": np.inf}, "column 'lumi_rel_unc': inf is not a finite number"),
    ({"n_obs": [1, -1]}, "column 'n_obs', element 1: -1 is not a count (a non-negative integer)"),
    ({"n_sb": [[1.0, 2.0], [3.0, 2.5]]}, "column 'n_sb', element (1, 1): 2.5 is not a count (a non-negative integer)"),
    ({"n_obs": np.array([300], dtype=np.int16)}, "column 'n_obs', element 0: n_obs = 300 is above the largest "
                                                 "supported count, 255"),
    ({"f": [0.0]}, "column 'f', element 0: f = 0 must be a positive number"),
    ({"delta": -0.5}, "column 'delta': delta = -0.5 must be a number >= 0"),
    ({"eff_rel_unc": [0.05, 0.25]}, "column 'eff_rel_unc', element 1: eff_rel_unc = 0.25 is 0.2 or more"),
    ({"prior": "flat"}, "signal prior 'flat' is not one of uniform, jeffreys"),
    ({"nuisance_prior": "normal"}, "nuisance prior 'normal' is not one of gaussian, lognormal"),
    ({"prior": None}, "prior = None must be a string"),
    ({"backend": "gpu"}, "backend 'gpu' is not one of auto, cpu, cuda"),
    ({"cl": 1.5}, "credibility level 1.5 must lie strictly between 0 and 1"),
    ({"cl": math.nan}, "credibility level nan must lie strictly between 0 and 1"),
    ({"cl": "0.9"}, "cl = '0.9' must be a number"),
    ({"threads": -2}, "threads = -2 must be 0 (every core) or more"),
    ({"threads": 1.5}, "threads = 1.5 must be a whole number"),
])
def test_refused_with_the_message(changes, message):
    assert message in refused(**changes)


def test_a_lognormal_prior_takes_what_the_gaussian_refuses():
    r = evaluate(eff_rel_unc=0.5, nuisance_prior="lognormal")
    assert r.p0.shape == () and 0 < r.ul_events < math.inf


@pytest.mark.parametrize("column,value,text", [
    ("n_obs", -1, "-1"), ("n_sb", 2.5, "2.5"), ("n_obs", 300, "300"), ("n_sb", 4294967296, "4294967296"),
    ("f", 0.0, "0"), ("delta", -0.1, "-0.1"), ("eff_rel_unc", -0.05, "-0.05"), ("lumi_rel_unc", 0.2, "0.2"),
    ("f", math.nan, "nan"), ("delta", math.inf, "inf"),
])
def test_the_reason_is_the_command_lines(darkscan_bin, tmp_path, column, value, text):
    """The same value refused by `darkscan stats` in a CSV row (2nd data line) and by
    evaluate in element 1: one reason, after "<file>:3: column 'x': " and "column 'x', element 1: "."""
    row = {k: str(v) for k, v in GOOD.items()}
    row[column] = text
    status, err, _ = run_stats(darkscan_bin, tmp_path, GOOD, [[str(v) for v in GOOD.values()], list(row.values())])
    assert status == 2, err
    cli_prefix = f"{tmp_path / 'in.csv'}:3: column '{column}': "
    assert cli_prefix in err, err
    cli_reason = err.strip().split(cli_prefix, 1)[1]

    python = refused(**{column: [GOOD[column], value]})
    prefix = f"column '{column}', element 1: "
    assert python.startswith(prefix), python
    assert python[len(prefix):] == cli_reason


def test_empty_inputs_give_empty_results():
    r = darkscan.stats.evaluate(np.zeros((0, 3)), 1, 1.0, 0.0, 0.0, 0.0)
    assert r.p0.shape == r.z.shape == r.ul_events.shape == r.flags.shape == (0, 3)
