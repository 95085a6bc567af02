"""`--where`: restrict the runs before anything is computed.

Grammar: clauses joined by `and`; each clause is `FIELD OP VALUE` with OP one of
`< <= > >= == != =`. FIELD is a column name (in backquotes when it has spaces); VALUE a number,
a quoted string or a bare word. Missing values never match. Example:
`val_loss < 0.5 and optimizer == "adam" and state == finished`.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reportgen.errors import ConfigError

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "==": operator.eq, "=": operator.eq, "!=": operator.ne}
_CLAUSE = re.compile(
    r"""^\s*(?:`(?P<qfield>[^`]+)`|(?P<field>[^\s<>=!]+))\s*(?P<op><=|>=|==|!=|<|>|=)\s*
        (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: Any

    def __str__(self) -> str:
        value = f'"{self.value}"' if isinstance(self.value, str) else f"{self.value:g}"
        return f"{self.field} {self.op} {value}"


def parse(expression: str) -> list[Clause]:
    """Clauses of a `--where` expression; ConfigError naming the part that does not parse."""
    clauses = []
    for part in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE):
        m = _CLAUSE.match(part)
        if not m:
            raise ConfigError(
                f"--where: cannot read '{part.strip()}'; write FIELD OP VALUE joined by 'and', "
                'e.g. --where "val_loss < 0.5 and optimizer == adam"'
            )
        field = m.group("qfield") or m.group("field")
        if m.group("bare") is not None:
            raw = m.group("bare")
            try:
                value: Any = float(raw)
            except ValueError:
                value = raw
        else:
            value = m.group("dq") if m.group("dq") is not None else m.group("sq")
        clauses.append(Clause(field, m.group("op"), value))
    return clauses


def apply(runs: pd.DataFrame, clauses: list[Clause], origin: str) -> pd.DataFrame:
    """The runs matching every clause."""
    keep = np.ones(len(runs), dtype=bool)
    for clause in clauses:
        if clause.field not in runs.columns:
            columns = ", ".join(str(c) for c in runs.columns)
            raise ConfigError(
                f"--where: {origin} has no column '{clause.field}'; columns: {columns}"
            )
        column = runs[clause.field]
        compare = _OPS[clause.op]
        if isinstance(clause.value, float):
            numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                hit = compare(numbers, clause.value) & ~np.isnan(numbers)
        else:
            if clause.op not in ("==", "=", "!="):
                raise ConfigError(
                    f"--where: '{clause}' compares text with {clause.op}; use == or != for text"
                )
            text = column.map(lambda v: None if v is None or (isinstance(v, float)
                                                              and np.isnan(v)) else str(v))
            hit = (compare(text, clause.value) & text.notna()).to_numpy(dtype=bool)
        keep &= hit
    return runs[keep].reset_index(drop=True)
