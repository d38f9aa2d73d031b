"""The report's analyses: pure functions from ReportData's tables to small summary tables.

No protection happens here (see ``_protect``); ``_sections`` protects what these return.
Item analysis follows Moodle's quiz statistics:

- facility index: the mean score on the item as a percentage of its maximum;
- discrimination index: 100 x the correlation between the item's score and the score on
  the rest of the test (the total less this item), over learners who have every item;
- discriminative efficiency: 100 x the covariance of item and rest-of-test scores divided
  by the largest covariance they could have with the same scores (both sorted);
- Cronbach's alpha per test: k / (k - 1) x (1 - sum of item variances / variance of totals).

Variances use n - 1. Practice answers count the first attempt only unless asked otherwise
(retries are the learner's practice).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pandas as pd

from msp_learn.reports._learners import NOT_GIVEN

ALL = "All"


# attempts

def first_attempts(answers: pd.DataFrame, *, all_attempts: bool = False) -> pd.DataFrame:
    """Each learner's answer to each item on their first attempt (the first one given, if
    they answered twice in it); every answer with ``all_attempts``."""
    if all_attempts or answers.empty:
        return answers
    keys = ["learner", "source", "activity_kind", "activity_id", "item"]
    group = answers.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    when = answers["recorded_at"]
    when = when.astype("int64").to_numpy() if isinstance(
        when.dtype, pd.DatetimeTZDtype) else np.zeros(len(answers), "int64")
    order = np.lexsort((np.arange(len(answers)), when,
                        answers["attempt"].to_numpy("int64"), group))
    ranked = group[order]
    first = order[np.r_[True, ranked[1:] != ranked[:-1]]]
    return answers.iloc[np.sort(first)]


# completion and scores

def _expected(learners: pd.DataFrame) -> pd.DataFrame:
    """The learners expected to do the assessed work: those in the learners file or the
    gradebook (all of them when the table does not say)."""
    if {"in_file", "in_gradebook"} <= set(learners.columns):
        keep = learners["in_file"].astype(bool) | learners["in_gradebook"].astype(bool)
        return learners[keep]
    return learners


def submissions(grades: pd.DataFrame, learners: pd.DataFrame,
                assignments: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per expected learner per assignment: ``completed`` (submitted), ``score`` and
    ``max_score`` over the items graded so far, ``awaiting`` (items still to be marked),
    ``percent`` (score / max_score x 100), ``submitted_at``, with the learner's team and role.
    """
    names = list(assignments) if assignments is not None else sorted(
        grades["assignment"].dropna().unique())
    people = _expected(learners)[["learner", "name", "team", "role"]]
    grid = people.merge(pd.DataFrame({"assignment": names}), how="cross")
    g = grades.assign(graded=grades["score"].notna(),
                      waiting=grades["score"].isna() | grades["needs_manual"].astype(bool))
    g = g.assign(marked_max=g["max_score"].where(g["graded"], 0.0))
    per = g.groupby(["learner", "assignment"], as_index=False).agg(
        score=("score", "sum"), max_score=("marked_max", "sum"),
        awaiting=("waiting", "sum"), submitted_at=("submitted_at", "min"))
    for frame in (grid, per):
        for key in ("learner", "assignment"):
            frame[key] = frame[key].astype(object)
    out = grid.merge(per, on=["learner", "assignment"], how="left")
    out["completed"] = out["submitted_at"].notna() | out["max_score"].notna()
    out["awaiting"] = out["awaiting"].fillna(0).astype(int)
    out["percent"] = (100 * out["score"] / out["max_score"]).where(out["max_score"] > 0)
    return out


def completion_by(subs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Completion and scores per group (``by``: team, role, assignment, learner), with an
    ``All`` row: ``learners``, ``due`` (learner-assignments), ``completed``, ``completion``
    (%), ``mean_score`` (mean percent of the completed ones), ``awaiting`` (items to mark).
    """
    cols = [by, "learners", "due", "completed", "completion", "mean_score", "awaiting"]
    if subs.empty:
        return pd.DataFrame(columns=cols)
    s = subs.assign(done_score=subs["percent"].where(subs["completed"]))
    stats = {"learners": ("learner", "nunique"), "due": ("learner", "size"),
             "completed": ("completed", "sum"), "completion": ("completed", "mean"),
             "mean_score": ("done_score", "mean"), "awaiting": ("awaiting", "sum")}
    out = s.groupby(by, as_index=False, sort=True).agg(**stats)
    if by != "learner":
        out = pd.concat([out, s.assign(**{by: ALL}).groupby(by, as_index=False).agg(**stats)],
                        ignore_index=True)
    out["completion"] = 100 * out["completion"]
    out[["completed", "awaiting"]] = out[["completed", "awaiting"]].astype(int)
    return out[cols]


def by_period(subs: pd.DataFrame) -> pd.DataFrame:
    """Submissions per month: ``period`` (YYYY-MM), ``submissions``, ``learners``,
    ``mean_score``."""
    done = subs[subs["completed"] & subs["submitted_at"].notna()]
    if done.empty:
        return pd.DataFrame(columns=["period", "submissions", "learners", "mean_score"])
    month = done["submitted_at"].dt.tz_convert("UTC").dt.strftime("%Y-%m")
    out = done.assign(period=month).groupby("period", as_index=False).agg(
        submissions=("learner", "size"), learners=("learner", "nunique"),
        mean_score=("percent", "mean"))
    return out


# item analysis

def grade_scores(grades: pd.DataFrame) -> pd.DataFrame:
    """The gradebook as item scores: ``learner, test, item, score, max_score`` (graded only)."""
    g = grades.dropna(subset=["score", "max_score"])
    return pd.DataFrame({"learner": g["learner"], "test": g["assignment"], "item": g["item"],
                         "score": g["score"].astype(float),
                         "max_score": g["max_score"].astype(float)})


def test_label(frame: pd.DataFrame) -> pd.Series:
    """A test's name for answers: ``source:activity_kind:activity_id``."""
    return (frame["source"].astype(str) + ":" + frame["activity_kind"].astype(str) + ":"
            + frame["activity_id"].astype(str))


def answer_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Answers with a right answer as item scores (1 right, 0 wrong, out of 1)."""
    a = answers[answers["correct"].notna()]
    return pd.DataFrame({"learner": a["learner"], "test": test_label(a), "item": a["item"],
                         "score": a["correct"].astype(bool).astype(float), "max_score": 1.0})


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return np.nan
    return float(np.corrcoef(x, y)[0, 1])


def _cov(x: np.ndarray, y: np.ndarray) -> float:
    return float(((x - x.mean()) * (y - y.mean())).sum() / (len(x) - 1))


def _by_test(scores: pd.DataFrame):
    """For each test (sorted): its items (sorted), the learners-by-items matrix of each
    learner's first score on each item (NaN where none) and each item's maximum score.
    A score without a test, learner or item is left out: it has no place in a matrix."""
    scores = scores.dropna(subset=["test", "learner", "item"])
    test_at, tests = pd.factorize(scores["test"], sort=True)
    learner_at = pd.factorize(scores["learner"], sort=True)[0]
    item_at, items = pd.factorize(scores["item"], sort=True)
    score = scores["score"].to_numpy(float)
    maximum = scores["max_score"].to_numpy(float)
    order = np.argsort(test_at, kind="stable")  # each test's rows, in their first order
    bounds = np.searchsorted(test_at[order], np.arange(len(tests) + 1))
    for k, test in enumerate(tests):
        rows = order[bounds[k]:bounds[k + 1]]
        row_of = np.unique(learner_at[rows], return_inverse=True)[1]
        its, col_of = np.unique(item_at[rows], return_inverse=True)
        first = np.unique(row_of * len(its) + col_of, return_index=True)[1]
        wide = np.full((row_of.max() + 1, len(its)), np.nan)
        wide[row_of[first], col_of[first]] = score[rows[first]]
        maxes = pd.Series(maximum[rows]).groupby(col_of).max().to_numpy()
        yield test, items[its], wide, maxes


def _item_rows(test, items, wide: np.ndarray, maxes: np.ndarray) -> list[dict]:
    complete = wide[~np.isnan(wide).any(axis=1)]
    totals = complete.sum(axis=1)
    rows = []
    for j, item in enumerate(items):
        column = wide[:, j]
        x_all = column[~np.isnan(column)] / maxes[j]
        x = complete[:, j]
        rest = totals - x
        disc = _corr(x, rest) * 100 if len(x) >= 2 else np.nan
        eff = np.nan
        if len(x) >= 2:
            cov_max = _cov(np.sort(x), np.sort(rest))
            eff = 100 * _cov(x, rest) / cov_max if cov_max > 0 else np.nan
        rows.append({"test": test, "item": item, "learners": len(x_all),
                     "facility": 100 * x_all.mean() if len(x_all) else np.nan,
                     "sd": 100 * x_all.std(ddof=1) if len(x_all) >= 2 else np.nan,
                     "complete": len(x), "discrimination": disc, "efficiency": eff})
    return rows


def _alpha_row(test, wide: np.ndarray) -> dict:
    complete = wide[~np.isnan(wide).any(axis=1)]
    n, k = complete.shape
    alpha = np.nan
    if k >= 2 and n >= 2:
        total_var = complete.sum(axis=1).var(ddof=1)
        if total_var > 0:
            alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var)
    return {"test": test, "items": k, "learners": n, "alpha": alpha}


ITEM_STAT_COLUMNS = ["test", "item", "learners", "facility", "sd", "complete",
                     "discrimination", "efficiency"]
ALPHA_COLUMNS = ["test", "items", "learners", "alpha"]


def item_analysis(scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(item_statistics(scores), cronbach_alpha(scores))`` in one pass over the scores."""
    stats, alphas = [], []
    for test, items, wide, maxes in _by_test(scores):
        stats += _item_rows(test, items, wide, maxes)
        alphas.append(_alpha_row(test, wide))
    return (pd.DataFrame(stats, columns=ITEM_STAT_COLUMNS),
            pd.DataFrame(alphas, columns=ALPHA_COLUMNS))


def item_statistics(scores: pd.DataFrame) -> pd.DataFrame:
    """Per test and item: ``learners`` (who have a score for it), ``facility`` (%), ``sd``
    (% of the maximum), and over learners with every item of the test (``complete``):
    ``discrimination`` and ``efficiency`` (%)."""
    return item_analysis(scores)[0]


def cronbach_alpha(scores: pd.DataFrame) -> pd.DataFrame:
    """Per test: ``items``, ``learners`` with every item, and Cronbach's ``alpha`` (NaN with
    fewer than 2 items or 2 learners, or when every total is the same)."""
    return item_analysis(scores)[1]


def _hashable(value):
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def response_analysis(answers: pd.DataFrame) -> pd.DataFrame:
    """How often each response was given to each item: ``count``, ``learners``,
    ``frequency`` (% of the item's answers) and ``correct`` (whether that response is right;
    NaN where there is no right answer)."""
    cols = ["test", "item", "response", "count", "learners", "frequency", "correct"]
    if answers.empty:
        return pd.DataFrame(columns=cols)
    response = answers["response"]
    nested = response.map(type).isin([dict, list])  # few: a risk rating, an ordering...
    if nested.any():
        response = response.where(~nested, response[nested].map(_hashable))
    a = answers.assign(test=test_label(answers), response=response)
    out = a.groupby(["test", "item", "response"], as_index=False, dropna=False).agg(
        count=("learner", "size"), learners=("learner", "nunique"),
        correct=("correct", "first"))
    out["frequency"] = 100 * out["count"] / out.groupby(["test", "item"])["count"].transform(
        "sum")
    return out[cols]


# myths

def _team_of(frame: pd.DataFrame, learners: pd.DataFrame, by: str = "team") -> pd.DataFrame:
    groups = learners.set_index("learner")[by]
    return frame.assign(**{by: frame["learner"].map(groups).fillna(NOT_GIVEN)})


def myths_believed(answers: pd.DataFrame, learners: pd.DataFrame, items: pd.DataFrame,
                   *, by: str = "team", first: bool = True) -> pd.DataFrame:
    """For each myth (a statement whose right answer is 'myth') and team: ``answered``
    (learners), ``believed`` (learners who said it is true) and ``percent``; first answers
    from practice, workshops and assessed work together, one per learner per myth."""
    cols = ["item", "title", by, "answered", "believed", "percent"]
    quiz = answers[(answers["activity_kind"] == "quiz") & answers["correct"].notna()]
    if quiz.empty:
        return pd.DataFrame(columns=cols)
    quiz = quiz.sort_values("recorded_at", kind="stable")
    right = quiz["response"].where(quiz["correct"].astype(bool),
                                   quiz["response"].map({"myth": "true", "true": "myth"}))
    myths = set(quiz.loc[right == "myth", "item"])
    quiz = quiz[quiz["item"].isin(myths)]
    quiz = first_attempts(quiz) if first else quiz  # first=False: already first attempts
    quiz = quiz.drop_duplicates(["learner", "item"], keep="first")
    quiz = _team_of(quiz, learners, by).assign(
        believed=lambda f: (f["response"] == "true") & ~f["correct"].astype(bool))
    rows = []
    for (item, group), part in quiz.groupby(["item", by]):
        rows.append({"item": item, by: group, "answered": len(part),
                     "believed": int(part["believed"].sum())})
    for item, part in quiz.groupby("item"):
        rows.append({"item": item, by: ALL, "answered": len(part),
                     "believed": int(part["believed"].sum())})
    out = pd.DataFrame(rows)
    out["percent"] = 100 * out["believed"] / out["answered"]
    titles = items[items["kind"] == "myth"].set_index("item")["title"]
    out["title"] = out["item"].map(titles).fillna(out["item"])
    overall = out[out[by] == ALL].set_index("item")["percent"]
    out["_rank"] = out["item"].map(overall)
    out = out.sort_values(["_rank", "item", by], ascending=[False, True, True])
    return out[cols].reset_index(drop=True)


# case studies

def _first_runs(frame: pd.DataFrame, all_runs: bool) -> pd.DataFrame:
    if all_runs or frame.empty:
        return frame
    keys = ["learner", "case_study", "source"]
    return frame[frame["run"] == frame.groupby(keys)["run"].transform("min")]


def case_paths(choices: pd.DataFrame, *, all_runs: bool = False) -> pd.DataFrame:
    """How often each choice is taken at each node: ``count`` (choices made), ``learners``,
    ``share`` (% of the choices made at that node); first run of each learner by default."""
    cols = ["case_study", "node", "choice", "next", "count", "learners", "share"]
    c = _first_runs(choices, all_runs)
    if c.empty:
        return pd.DataFrame(columns=cols)
    out = c.groupby(["case_study", "node", "choice"], as_index=False, dropna=False).agg(
        next=("next", "first"), count=("learner", "size"), learners=("learner", "nunique"))
    out["share"] = 100 * out["count"] / out.groupby(["case_study", "node"])["count"].transform(
        "sum")
    return out[cols]


def endings_reached(endings: pd.DataFrame, *, all_runs: bool = False) -> pd.DataFrame:
    """Which endings are reached: ``learners``, ``runs`` and ``share`` (% of the runs of that
    case study that reached an ending)."""
    cols = ["case_study", "ending", "learners", "runs", "share"]
    e = _first_runs(endings, all_runs)
    if e.empty:
        return pd.DataFrame(columns=cols)
    out = e.groupby(["case_study", "ending"], as_index=False).agg(
        learners=("learner", "nunique"), runs=("learner", "size"))
    out["share"] = 100 * out["runs"] / out.groupby("case_study")["runs"].transform("sum")
    return out[cols]


def choices_and_endings(choices: pd.DataFrame, endings: pd.DataFrame,
                        case_endings: pd.DataFrame | None = None, *,
                        all_runs: bool = False) -> pd.DataFrame:
    """How choices relate to outcomes: for runs that reached an ending, per choice, how many
    ``runs`` took it and ended at each ``ending`` (``share``: % of the runs with that choice),
    with the ending's outcome measure when the content gives it."""
    cols = ["case_study", "node", "choice", "ending", "runs", "share", "outcomes_asked",
            "risk_outcome"]
    keys = ["learner", "case_study", "run", "source"]
    c, e = _first_runs(choices, all_runs), _first_runs(endings, all_runs)
    if c.empty or e.empty:
        return pd.DataFrame(columns=cols)
    e = e.drop_duplicates(keys, keep="last")[[*keys, "ending"]]
    joined = c.drop_duplicates([*keys, "node", "choice"]).merge(e, on=keys)
    out = joined.groupby(["case_study", "node", "choice", "ending"], as_index=False).agg(
        runs=("learner", "size"))
    out["share"] = 100 * out["runs"] / out.groupby(["case_study", "node", "choice"])[
        "runs"].transform("sum")
    if case_endings is not None and not case_endings.empty:
        out = out.merge(case_endings[["case_study", "ending", "outcomes_asked",
                                      "risk_outcome"]], on=["case_study", "ending"], how="left")
    else:
        out["outcomes_asked"] = out["risk_outcome"] = None
    return out[cols]


# coverage

#: Which catalogue item an answer is about: (its content kind, the column holding its id).
CONTENT_OF = {"quiz": ("myth", "item"), "risk-scenario": ("risk-scenario", "activity_id"),
              "case-study": ("case-study", "activity_id")}


def coverage(answers: pd.DataFrame, items: pd.DataFrame, learners: pd.DataFrame, *,
             vocab: str = "principles", by: str = "team", first: bool = True) -> pd.DataFrame:
    """How each team does on each term of ``vocab`` (``principles`` or ``categories``): over
    first answers with a right answer to items about the term, ``learners``, ``answers``,
    ``correct`` (% right). A team's weakest term has the lowest ``correct``."""
    cols = [by, "term", "learners", "answers", "correct"]
    a = answers[answers["correct"].notna()]
    a = first_attempts(a) if first else a  # first=False: already first attempts
    if a.empty or items.empty:
        return pd.DataFrame(columns=cols)
    # Each learner's answers to each item counted first (a few per learner and item), then
    # spread over the item's terms: the same figures as spreading every answer, far fewer rows.
    parts = []
    for kind, (content, column) in CONTENT_OF.items():
        sub = a[a["activity_kind"] == kind]
        if sub.empty:
            continue
        terms = items[items["kind"] == content].set_index("item")[vocab]
        counted = (sub.assign(right=sub["correct"].astype(bool))
                   .groupby(["learner", column], observed=True, sort=False)["right"]
                   .agg(["size", "sum"]).reset_index())
        parts.append(pd.DataFrame({"learner": counted["learner"].astype(object),
                                   "term": counted[column].astype(object).map(terms),
                                   "answers": counted["size"], "right": counted["sum"]}))
    if not parts:
        return pd.DataFrame(columns=cols)
    a = pd.concat(parts).dropna(subset=["term"]).explode("term").dropna(subset=["term"])
    a = _team_of(a, learners, by)
    stats = {"learners": ("learner", "nunique"), "answers": ("answers", "sum"),
             "right": ("right", "sum")}
    teams = a.groupby([by, "term"], as_index=False).agg(**stats)
    overall = a.groupby("term", as_index=False).agg(**stats).assign(**{by: ALL})
    out = pd.concat([teams, overall], ignore_index=True)
    out["correct"] = 100 * out["right"] / out["answers"]
    return out[cols]


def weakest(cov: pd.DataFrame, *, by: str = "team") -> pd.DataFrame:
    """Each group's weakest term (lowest % right; ties by name) among the figures shown."""
    shown = cov.dropna(subset=["correct"])
    if shown.empty:
        return pd.DataFrame(columns=[by, "term", "correct", "answers"])
    shown = shown.sort_values([by, "correct", "term"])
    return shown.drop_duplicates(by, keep="first")[[by, "term", "correct", "answers"]] \
        .reset_index(drop=True)
