"""Small-group protection: no figure about fewer than min_group learners, none recoverable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from msp_learn.reports._protect import protect_groups, recoverable, suppress


def test_hiding_one_small_team_alone_would_leak_so_a_second_is_hidden():
    """Teams of 12, 3 and 9 with an 'all teams' total of 24 shown: hiding only the team of 3
    lets anyone work it out (24 - 12 - 9 = 3), so the next smallest (9) is hidden too."""
    table = pd.DataFrame({"team": ["A", "B", "C"], "learners": [12, 3, 9],
                          "completed": [10, 2, 9]})
    naive = np.array([[False], [True], [False]])
    assert recoverable(naive, col_totals=np.zeros(1, bool)) == [(1, 0)]
    out, hidden = protect_groups(table, size="learners", figures=["completed"], min_group=5)
    assert hidden == 2
    assert out["learners"].tolist() == [12, None, None]
    assert out["completed"].tolist() == [10, None, None]


def test_without_a_total_one_small_team_is_all_that_is_hidden():
    """No total shown: nothing to subtract from, so only the small team goes."""
    table = pd.DataFrame({"team": ["A", "B", "C"], "learners": [12, 3, 9]})
    out, hidden = protect_groups(table, size="learners", figures=[], min_group=5, total=False)
    assert hidden == 1 and out["learners"].tolist() == [12, None, 9]


def test_min_group_is_configurable():
    """With min_group 3, a team of 3 is shown (and nothing else needs hiding)."""
    table = pd.DataFrame({"team": ["A", "B", "C"], "learners": [12, 3, 9]})
    out, hidden = protect_groups(table, size="learners", figures=[], min_group=3)
    assert hidden == 0 and out["learners"].tolist() == [12, 3, 9]


def test_a_cross_table_with_row_and_column_totals_leaks_nothing_after_suppression():
    """Team by answer with both totals shown. The one small cell (A, y = 2) could be worked
    out from its row (20 - 10 - 8) or column (17 - 9 - 6); after suppression no hidden cell
    can be worked out from any row or column total, or any combination of them."""
    counts = pd.DataFrame([[10, 2, 8], [7, 9, 6], [5, 6, 12]], index=list("ABC"),
                          columns=list("xyz"))
    primary = counts < 5
    naive = primary.to_numpy()
    assert (0, 1) in recoverable(naive, row_totals=np.zeros(3, bool),
                                 col_totals=np.zeros(3, bool))
    result = suppress(counts, primary, row_totals=True, col_totals=True)
    hidden = result.cells.to_numpy()
    assert hidden[0, 1]
    assert hidden.sum() >= 4  # at least a rectangle
    assert recoverable(hidden, row_totals=result.row_totals.to_numpy(),
                       col_totals=result.col_totals.to_numpy()) == []
    # every row and column with a hidden cell has at least two hidden (a check by hand)
    for line in (*hidden, *hidden.T):
        assert line.sum() != 1


def test_a_bridge_between_two_hidden_rectangles_is_still_found():
    """Two hidden 2x2 rectangles joined by one more hidden cell: every row and column has two
    or more hidden cells, yet the joining cell is worked out exactly (it is a bridge):
    rows r0 and r1 add up to a known sum, and so do columns c0, c1; the check must see it."""
    hidden = np.zeros((4, 5), bool)
    hidden[0, 0] = hidden[0, 1] = hidden[1, 0] = hidden[1, 1] = True
    hidden[2, 2] = hidden[2, 3] = hidden[3, 2] = hidden[3, 3] = True
    hidden[1, 2] = True
    assert (1, 2) in recoverable(hidden, row_totals=np.zeros(4, bool),
                                 col_totals=np.zeros(5, bool))
