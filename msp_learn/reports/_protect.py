"""Small-group protection: no figure about fewer than ``min_group`` learners, and no way to
get one back by subtracting the figures shown from a total.

Primary suppression hides every cell about fewer than ``min_group`` learners (a whole row
for a small team). That alone can leak: when a table shows an "All teams" total and only one
team is hidden, the hidden figure is the total minus the others. Complementary suppression
then hides more cells until no hidden cell can be worked out exactly from the shown cells
and totals.

The check is exact linear algebra, not a rule of thumb: the hidden cells are unknowns, each
total shown is an equation over them, and a hidden cell can be worked out exactly when its
unit vector lies in the span of those equations (its row of the null space is zero).
While any hidden cell can be, the smallest shown cell in its row or column (where that row
or column has a total) is hidden too; a total is hidden only when nothing else is left.
Whether a pattern leaks depends only on which cells are hidden and which totals are shown,
not on the values, so one mask protects every table of the same shape (a count and the
percentage made from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_GROUP = 5


@dataclass(frozen=True)
class Suppression:
    """Which cells to hide (``cells``, same shape as the table) and which totals."""

    cells: pd.DataFrame
    row_totals: pd.Series
    col_totals: pd.Series

    @property
    def any(self) -> bool:
        return bool(self.cells.to_numpy().any() or self.row_totals.any()
                    or self.col_totals.any())


def _equations(shape: tuple[int, int], row_totals: np.ndarray | None,
               col_totals: np.ndarray | None) -> list[list[tuple[int, int]]]:
    """Each shown total as the list of cells it sums (None: that kind of total is not shown;
    a True entry in the array: that total is hidden)."""
    rows, cols = shape
    eqs = []
    if row_totals is not None:
        eqs += [[(r, c) for c in range(cols)] for r in range(rows) if not row_totals[r]]
    if col_totals is not None:
        eqs += [[(r, c) for r in range(rows)] for c in range(cols) if not col_totals[c]]
    return eqs


def recoverable(hidden: np.ndarray, *, row_totals: np.ndarray | None = None,
                col_totals: np.ndarray | None = None) -> list[tuple[int, int]]:
    """The hidden cells that the shown cells and totals give away exactly.

    ``hidden`` is a boolean array of the table's cells; ``row_totals``/``col_totals`` are
    None when the table shows no such totals, else a boolean array of which are hidden.
    A hidden cell is given away when its unit vector lies in the row space of the equations,
    that is, when its row of the null-space basis is zero (one SVD for the whole table).
    """
    unknown = [tuple(int(v) for v in rc) for rc in np.argwhere(hidden)]
    if not unknown:
        return []
    index = {cell: j for j, cell in enumerate(unknown)}
    rows = []
    for eq in _equations(hidden.shape, row_totals, col_totals):
        vec = np.zeros(len(unknown))
        for cell in eq:
            if cell in index:
                vec[index[cell]] = 1.0
        if vec.any():
            rows.append(vec)
    if not rows:
        return []
    a = np.array(rows)
    _, sing, vt = np.linalg.svd(a)
    rank = int((sing > 1e-9 * max(a.shape)).sum())
    null = vt[rank:].T  # unknowns x (unknowns - rank)
    if null.shape[1] == 0:
        return list(unknown)
    given = np.abs(null).max(axis=1) < 1e-9
    return [cell for cell, g in zip(unknown, given, strict=True) if g]


def _lone(hidden: np.ndarray, hid_r: np.ndarray | None, hid_c: np.ndarray | None
          ) -> list[tuple[int, int]]:
    """Hidden cells alone in a row or column whose total is shown (the obvious leaks)."""
    out = []
    if hid_r is not None:
        for r in np.flatnonzero((hidden.sum(axis=1) == 1) & ~hid_r):
            out.append((int(r), int(np.flatnonzero(hidden[r])[0])))
    if hid_c is not None:
        for c in np.flatnonzero((hidden.sum(axis=0) == 1) & ~hid_c):
            out.append((int(np.flatnonzero(hidden[:, c])[0]), int(c)))
    return out


def suppress(values: pd.DataFrame, primary: pd.DataFrame, *, row_totals: bool = False,
             col_totals: bool = True) -> Suppression:
    """The cells (and totals) to hide so that no primary cell can be recovered.

    Args:
        values: the table's figures (counts), used to choose the cheapest cells to hide.
        primary: True where a cell is about too few learners.
        row_totals / col_totals: whether the table (or the report beside it) shows the total
            of each row / each column.
    """
    vals = values.to_numpy(dtype=float, na_value=0.0)
    hidden = primary.to_numpy(dtype=bool).copy()
    n_rows, n_cols = hidden.shape
    hid_r = np.zeros(n_rows, bool) if row_totals else None
    hid_c = np.zeros(n_cols, bool) if col_totals else None
    while True:
        # the cheap pass first (a cell alone in its line), then the exact check
        leaks = _lone(hidden, hid_r, hid_c) or recoverable(hidden, row_totals=hid_r,
                                                           col_totals=hid_c)
        if not leaks:
            break
        r, c = leaks[0]
        candidates = []
        if hid_r is not None and not hid_r[r]:
            candidates += [(r, j) for j in range(n_cols) if not hidden[r, j]]
        if hid_c is not None and not hid_c[c]:
            candidates += [(i, c) for i in range(n_rows) if not hidden[i, c]]
        if candidates:
            # the smallest non-zero figure first (least lost); zeros only when nothing else
            i, j = min(candidates, key=lambda rc: (vals[rc] == 0, vals[rc], rc))
            hidden[i, j] = True
        elif hid_r is not None and not hid_r[r]:
            hid_r[r] = True
        elif hid_c is not None and not hid_c[c]:
            hid_c[c] = True
        else:  # cannot happen: a cell with no shown total in its row or column is not given away
            break
    return Suppression(
        pd.DataFrame(hidden, index=values.index, columns=values.columns),
        pd.Series(hid_r if hid_r is not None else np.zeros(n_rows, bool), index=values.index),
        pd.Series(hid_c if hid_c is not None else np.zeros(n_cols, bool), index=values.columns))


def protect_groups(frame: pd.DataFrame, *, size: str, figures: list[str],
                   min_group: int = MIN_GROUP, total: bool = True) -> tuple[pd.DataFrame, int]:
    """A table of groups (one row each, ``size`` learners in each): the figures of groups under
    ``min_group`` learners are hidden (NaN), with complementary rows hidden when a total of
    the groups is shown (``total``). Returns the protected copy and how many rows were hidden.

    The ``size`` column is hidden too, so a hidden group's size cannot be read off either.
    """
    out = frame.copy()
    if out.empty:
        return out, 0
    sizes = out[[size]].fillna(0)
    primary = sizes < min_group
    mask = suppress(sizes, primary, col_totals=total).cells[size].to_numpy()
    for col in [size, *figures]:
        out[col] = out[col].astype(object).where(~mask, None)
    return out, int(mask.sum())


def protect_cells(counts: pd.DataFrame, sizes: pd.DataFrame, *, min_group: int = MIN_GROUP,
                  row_totals: bool = False, col_totals: bool = True) -> Suppression:
    """For a cross-table (e.g. team by item): hide each cell about fewer than ``min_group``
    learners (``sizes``, same shape) and enough others that none can be recovered."""
    primary = sizes.fillna(0) < min_group
    return suppress(counts, primary, row_totals=row_totals, col_totals=col_totals)
