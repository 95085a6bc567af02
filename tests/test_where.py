"""--where: parse and apply."""

import numpy as np
import pandas as pd
import pytest

from reportgen.errors import ConfigError
from reportgen.where import apply, parse

RUNS = pd.DataFrame({"lr": [0.1, 0.01, np.nan, 0.5], "opt": ["adam", "sgd", "adam", None],
                     "state": ["finished", "finished", "crashed", "finished"],
                     "my col": [1, 2, 3, 4]})


@pytest.mark.parametrize("expr, rows", [
    ("lr < 0.2", [0, 1]),
    ("lr >= 0.1", [0, 3]),
    ("opt == adam", [0, 2]),
    ('opt == "adam" and lr > 0.05', [0]),
    ("opt != 'sgd'", [0, 2]),
    ("state = finished AND lr <= 0.01", [1]),
    ("`my col` > 2", [2, 3]),
])
def test_clauses_select_rows(expr, rows):
    kept = apply(RUNS.assign(i=range(4)), parse(expr), "runs.csv")
    assert kept["i"].tolist() == rows


@pytest.mark.parametrize("expr, message", [
    ("lr ~ 3", "--where: cannot read 'lr ~ 3'"),
    ("speed > 3", "--where: runs.csv has no column 'speed'; columns: lr, opt, state, my col"),
    ("opt > adam", "--where: 'opt > \"adam\"' compares text with >; use == or != for text"),
])
def test_errors(expr, message):
    with pytest.raises(ConfigError) as info:
        apply(RUNS, parse(expr), "runs.csv")
    assert str(info.value).startswith(message)
