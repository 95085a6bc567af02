"""Designed experiments: a sweep whose runs were laid out in advance, not drawn by a sampler.

Two designs are recognised from the runs alone, on the distinct configurations of the
parameters that are not replicates (seeds and folds repeat a configuration, they do not
change it):

* a grid: a complete or nearly complete product of a few levels per parameter — within each
  group of runs that set the same parameters (conditional parameters), or within each level
  of one categorical (a nested grid, e.g. one grid per dataset) — whose runs are spread over
  the cells more evenly than random draws from those levels would spread them (a Monte-Carlo
  test of the cell counts), or a partial grid without the repeats random draws would make;
* one factor at a time: every configuration differs from one baseline in at most one
  parameter (an ablation study).

The order of a design's runs is the plan's, not a sampler's choice: claims about learning
over time (concentration, new bests against luck) are not made for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.diagnostics.prep import Prepared

MAX_LEVELS = 20  # a parameter with more distinct values is not a grid axis
COMPLETE = 0.9  # share of the product's cells needed for a (nearly) complete grid
EVEN_ALPHA = 0.01  # cell counts more even than this share of random draws: laid out
NULL_DRAWS = 400
ONE_FACTOR_SHARE = 0.9


@dataclass(frozen=True)
class Design:
    kind: str | None  # grid | one-factor | None (drawn by a sampler)
    confidence: str
    evidence: tuple[str, ...]
    repeats: float | None = None  # runs per distinct configuration, when configurations repeat
    replicates: tuple[str, ...] = ()  # the replicate parameters that vary
    #: one factor at a time: per run, the parameter its configuration varies from the
    #: baseline (-1 the baseline itself, -2 several)
    factor: np.ndarray | None = None


def design(prep: Prepared, rng: np.random.Generator | None = None) -> Design:
    """The design the runs follow, or kind None when they look drawn by a sampler."""
    rng = rng or np.random.default_rng(23)
    replicates = tuple(p.name for p, r in zip(prep.params, prep.replicate) if r)
    runs_per = prep.n / len(prep.distinct) if len(prep.distinct) else None
    repeats = runs_per if runs_per is not None and runs_per >= 1.5 else None
    evidence = []
    if repeats:
        by = f" (over {', '.join(replicates)})" if replicates else ""
        evidence.append(f"{len(prep.distinct):,} distinct configurations, each run "
                        f"{runs_per:.1f} times on average{by}")
    cols = np.flatnonzero(~prep.replicate)
    if prep.n < 4 or not len(cols):
        return Design(None, "low", tuple(evidence), repeats, replicates)
    values = _level_table(prep, cols)
    if values is not None:
        found = _grid(prep, values, rng)
        if found is not None:
            confidence, words = found
            return Design("grid", confidence, tuple(evidence + words), repeats, replicates)
    # an ablation that removes a component leaves its parameter unset: a difference; a
    # conditional parameter unset because another changed is none (momentum without sgd)
    found_one = _one_factor(prep, cols, unset_differs=True) or \
        _one_factor(prep, cols, unset_differs=False)
    if found_one is not None:
        return Design("one-factor", "high" if len(prep.distinct) >= 8 else "medium",
                      tuple(evidence + [found_one[0]]), repeats, replicates, found_one[1])
    return Design(None, "low", tuple(evidence), repeats, replicates)


def _level_table(prep: Prepared, cols: np.ndarray) -> np.ndarray | None:
    """(distinct runs × parameters) level indices, -1 when inactive; None when a parameter
    has too many distinct values, or a level only one configuration uses, to be a grid axis."""
    first = prep.distinct
    table = np.full((len(first), len(cols)), -1, dtype=int)
    for k, j in enumerate(cols):
        column = prep.codes[first, j] if prep.categorical[j] else prep.raw(j)[first]
        missing = column < 0 if prep.categorical[j] else np.isnan(column)
        present = column[~missing]
        if not len(present):
            continue
        levels, index, counts = np.unique(present, return_inverse=True, return_counts=True)
        if len(levels) > MAX_LEVELS or (len(levels) > 1 and counts.min() < 2):
            return None
        table[~missing, k] = index
    return table


def _grid(prep: Prepared, table: np.ndarray, rng: np.random.Generator
          ) -> tuple[str, list[str]] | None:
    """The best reading of the runs as a (possibly conditional or nested) grid."""
    # runs of each distinct configuration, in the order of the table's rows (the keys number
    # the configurations 0, 1, ...)
    counts = np.bincount(prep.keys)[prep.keys[prep.distinct]]
    groupings = [("", np.zeros(len(table), dtype=int))]
    for k, j in enumerate(np.flatnonzero(~prep.replicate)):
        if prep.categorical[j] and len(np.unique(table[:, k])) > 1:
            groupings.append((prep.params[j].name, table[:, k]))
    best = None
    for nested_by, group in groupings:
        cells = _cells(table, group)
        if cells <= 1:
            continue
        completeness = len(table) / cells
        if best is None or completeness > best[1]:
            best = (nested_by, completeness, cells)
    if best is None:
        return None
    nested_by, completeness, cells = best
    shape = _shape(table)
    where = f", one grid per {nested_by}" if nested_by else ""
    words = [f"{len(table):,} distinct configurations of {cells:,} level combinations "
             f"({completeness:.0%}{where}; levels per parameter: {shape})"]
    if completeness >= COMPLETE:
        p_even = _evenness_p(counts, cells, rng)
        if p_even < EVEN_ALPHA:
            even = "every configuration run equally often" if counts.min() == counts.max() \
                else "runs spread over the cells more evenly than random draws would spread them"
            words.append(f"{even} (p = {p_even:.3f})")
            return ("high" if completeness == 1 or cells >= 12 else "medium"), words
        if _balanced_repeats(table, counts):
            words.append("every configuration of each branch (the runs that set the same "
                         "parameters) run the same number of times, more than once")
            return "high" if completeness == 1 else "medium", words
        return None
    # a partial grid (stopped early): no repeats where random draws would repeat themselves
    n = prep.n
    expected = n - cells * (1 - (1 - 1 / cells) ** n)
    duplicates = n - len(table)
    if duplicates == 0 and expected >= 3:
        words.append(f"no configuration repeated, where random draws from these levels would "
                     f"repeat {expected:.1f}")
        return ("high" if expected >= 6 else "medium"), words
    return None


def _balanced_repeats(table: np.ndarray, counts: np.ndarray) -> bool:
    """Within each branch of at least 4 configurations every configuration has the same number
    of runs, at least 2: a plan of repeats (random draws make such counts only by chance)."""
    pattern = (table >= 0) @ (1 << np.arange(table.shape[1]))
    for key in np.unique(pattern):
        c = counts[pattern == key]
        if len(c) < 4 or c.min() != c.max() or c.min() < 2:
            return False
    return True


def _cells(table: np.ndarray, group: np.ndarray) -> int:
    """Level combinations: per group of configurations (same activity pattern, same group
    level), the product of the levels each active parameter takes there."""
    active = table >= 0
    pattern = active @ (1 << np.arange(table.shape[1]))
    total = 0
    for key in {(int(a), int(b)) for a, b in zip(pattern, group)}:
        rows = (pattern == key[0]) & (group == key[1])
        sub = table[rows]
        product = 1
        for k in np.flatnonzero(active[rows][0]):
            product *= len(np.unique(sub[:, k]))
        total += product
    return total


def _shape(table: np.ndarray) -> str:
    return " × ".join(str(len(np.unique(col[col >= 0]))) for col in table.T)


def _evenness_p(counts: np.ndarray, cells: int, rng: np.random.Generator) -> float:
    """Share of random draws (n runs into the cells, uniformly) whose cell counts are at least
    as even as the observed ones (χ² statistic, unvisited cells included)."""
    n = int(counts.sum())
    full = np.concatenate([counts, np.zeros(max(0, cells - len(counts)), dtype=int)])
    expected = n / cells
    observed = float(np.sum((full - expected) ** 2) / expected)
    draws = rng.multinomial(n, np.full(cells, 1 / cells), size=NULL_DRAWS)
    null = np.sum((draws - expected) ** 2, axis=1) / expected
    return float((1 + np.sum(null <= observed + 1e-9)) / (1 + NULL_DRAWS))


def _one_factor(prep: Prepared, cols: np.ndarray, unset_differs: bool
                ) -> tuple[str, np.ndarray] | None:
    """Every distinct configuration differs from the baseline (each parameter's most common
    value) in at most one parameter; an unset value is a value of its own when
    `unset_differs`, else it differs from nothing."""
    first = prep.distinct
    if len(first) < 4 or len(cols) < 2:
        return None
    diff = np.zeros(len(first), dtype=int)
    which = np.full(len(first), -1)
    varied = 0
    for j in cols:
        if prep.categorical[j]:
            codes = prep.codes[first, j]
            column = np.where(codes >= 0, codes, np.nan)
        else:
            column = prep.raw(j)[first]
        if unset_differs:
            column = np.where(np.isnan(column), -np.inf, column)
        active = ~np.isnan(column)
        values, counts = np.unique(column[active], return_counts=True)
        if not len(values):
            continue
        base = values[np.argmax(counts)]
        differs = active & (column != base)
        diff += differs
        which = np.where(differs, j, which)
        varied += len(values) > 1
    if varied < 2 or np.mean(diff <= 1) < ONE_FACTOR_SHARE or (diff == 0).sum() > 1 + \
            int(0.1 * len(first)):
        return None
    which = np.where(diff > 1, -2, which)
    # per run: the factor its configuration varies (-1: the baseline, -2: several)
    by_key = np.empty(len(first), dtype=int)
    by_key[prep.keys[first]] = which  # the keys number the configurations 0, 1, ...
    factor = by_key[prep.keys]
    return (f"{int(np.sum(diff <= 1)):,} of {len(first):,} configurations differ from one "
            f"baseline in at most one parameter: {varied} factors varied one at a time",
            factor)
