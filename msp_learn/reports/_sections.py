"""Every table of the report, protected, titled and described for a Safeguarding Adults Board.

``sections(data)`` runs the analyses over a ``ReportData`` and turns each result into a
``Section``: learner-facing column names, figures rounded for reading, a ``Plot`` where a
chart helps (with its text alternative in words), and ``notes`` saying what was hidden to
protect small groups. Outputs draw these and compute nothing.
"""

from __future__ import annotations

import math

import pandas as pd

from msp_learn.reports import _analyses as A
from msp_learn.reports._data import ReportData
from msp_learn.reports._protect import MIN_GROUP, protect_cells, protect_groups, suppress
from msp_learn.reports._section import Plot, Section

GROUPS = ("Completion", "Scores", "Items", "Myths", "Case studies", "Coverage", "Practice")


def _label(vocab: str, term: str) -> str:
    from msp_learn.vocab import vocabulary

    try:
        return vocabulary(vocab).label(term)
    except (KeyError, ValueError):
        return str(term)


def _round(frame: pd.DataFrame, cols, places: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_numeric(out[c], errors="coerce").round(places)
    return out


def _hidden_note(count: int, what: str, min_group: int) -> tuple[str, ...]:
    if not count:
        return ()
    return (f"{count} {what} not shown: fewer than {min_group} learners, or hidden so that a "
            "small group's figures cannot be worked out from the totals.",)


def _best(values: pd.Series) -> str:
    """The row labels in words for a plot's text alternative."""
    return ", ".join(str(v) for v in values)


# Completion and scores

def _completion(data: ReportData, subs: pd.DataFrame, min_group: int) -> list[Section]:
    out = []
    names = {"team": "Team", "role": "Role"}
    for by, word in names.items():
        table = A.completion_by(subs, by)
        body, hidden = protect_groups(table[table[by] != A.ALL], size="learners",
                                      figures=["due", "completed", "completion", "mean_score",
                                               "awaiting"], min_group=min_group)
        table = pd.concat([body, table[table[by] == A.ALL]], ignore_index=True)
        table = _round(table, ["completion", "mean_score"])
        frame = table.rename(columns={
            by: word, "learners": "Learners", "due": "Assignments due",
            "completed": "Completed", "completion": "Completion (%)",
            "mean_score": "Average score (%)", "awaiting": "Items awaiting marking"})
        frame[word] = frame[word].replace({A.ALL: f"All {word.lower()}s"})
        shown = frame.dropna(subset=["Completion (%)"])
        alt = "; ".join(f"{r[word]}: {r['Completion (%)']:g}% completed" for _, r in
                        shown.iterrows()) or "No completion figures to show."
        out.append(Section(
            id=f"completion-by-{by}", group="Completion",
            title=f"Completion of assessed work by {word.lower()}",
            description=(f"How much of the assessed work each {word.lower()} has submitted, and "
                         "the average score of what was submitted (items still to be marked "
                         "are left out of the score)."),
            frame=frame,
            plot=Plot("hbar", f"Assessed work completed, by {word.lower()}", alt, x=word,
                      y="Completion (%)", unit="%"),
            notes=_hidden_note(hidden, f"{word.lower()}(s)", min_group)))
    table = A.completion_by(subs, "assignment")
    frame = _round(table, ["completion", "mean_score"]).rename(columns={
        "assignment": "Assignment", "learners": "Learners", "due": "Due",
        "completed": "Completed", "completion": "Completion (%)",
        "mean_score": "Average score (%)", "awaiting": "Items awaiting marking"})
    frame["Assignment"] = frame["Assignment"].replace({A.ALL: "All assignments"})
    body = frame[frame["Assignment"] != "All assignments"]
    notes = ()
    inner = table["assignment"] != A.ALL
    if inner.any():
        # an average over fewer than min_group submissions is not shown, nor one that the
        # 'All assignments' average would give back
        sizes = table.loc[inner, ["completed"]].reset_index(drop=True)
        mask = suppress(sizes, sizes < min_group, col_totals=True).cells["completed"]
        hide = pd.Series(False, index=frame.index)
        hide[frame.index[inner.to_numpy()]] = mask.to_numpy()
        frame.loc[hide, "Average score (%)"] = None
        if hide.any():
            notes = (f"{int(hide.sum())} average score(s) not shown: fewer than {min_group} "
                     "submissions, or hidden so that one cannot be worked out from the "
                     "average of all assignments.",)
    out.append(Section(
        id="completion-by-assignment", group="Completion",
        title="Completion of each assignment",
        description="For each assignment: how many learners were due to do it, how many "
                    "submitted it, and the average score of the submissions.",
        frame=frame,
        plot=Plot("bar", "Assignments completed", "; ".join(
            f"{r['Assignment']}: {r['Completion (%)']:g}% completed" for _, r in
            body.iterrows() if not _missing(r["Completion (%)"])) or "No assignments.",
            x="Assignment", y="Completion (%)", unit="%"),
        notes=notes))
    period = A.by_period(subs)
    body, hidden = protect_groups(period, size="learners", figures=["submissions",
                                                                    "mean_score"],
                                  min_group=min_group)
    frame = _round(body, ["mean_score"]).rename(columns={
        "period": "Month", "submissions": "Submissions", "learners": "Learners",
        "mean_score": "Average score (%)"})
    out.append(Section(
        id="submissions-by-month", group="Completion", title="Assessed work submitted each month",
        description="How many submissions came in each month, from how many learners, and "
                    "their average score.",
        frame=frame,
        plot=Plot("bar", "Submissions each month", "; ".join(
            f"{r['Month']}: {int(r['Submissions'])} submissions" for _, r in frame.iterrows()
            if not _missing(r["Submissions"])) or "No submissions yet.",
            x="Month", y="Submissions", unit="submissions"),
        notes=_hidden_note(hidden, "month(s)", min_group)))
    learners = A.completion_by(subs, "learner")
    who = data.learners.set_index("learner")
    frame = pd.DataFrame({
        "Learner": learners["learner"],
        "Name": learners["learner"].map(who["name"]) if len(who) else learners["learner"],
        "Team": learners["learner"].map(who["team"]) if len(who) else None,
        "Role": learners["learner"].map(who["role"]) if len(who) else None,
        "Assignments due": learners["due"], "Completed": learners["completed"],
        "Average score (%)": learners["mean_score"].round(1),
        "Items awaiting marking": learners["awaiting"]})
    out.append(Section(
        id="completion-by-learner", group="Completion", title="Completion by learner",
        description="Each learner's assessed work: how much is submitted and the average "
                    "score. This table names individuals: share it only with their managers, "
                    "not with a Board.",
        frame=frame, extra={"names_individuals": True}))
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scores(data: ReportData, subs: pd.DataFrame, min_group: int) -> list[Section]:
    """Average score by team and assignment (a heatmap), cells protected."""
    done = subs[subs["completed"]]
    if done.empty:
        return []
    counts = done.pivot_table(index="team", columns="assignment", values="learner",
                              aggfunc="nunique").fillna(0)
    means = done.pivot_table(index="team", columns="assignment", values="percent",
                             aggfunc="mean").reindex_like(counts)
    # each team's overall average (by team) and each assignment's (by assignment) are shown
    hide = protect_cells(counts, counts, min_group=min_group, row_totals=True,
                         col_totals=True)
    rows = []
    for team in counts.index:
        for assignment in counts.columns:
            hidden = bool(hide.cells.loc[team, assignment])
            if counts.loc[team, assignment] == 0:
                continue
            rows.append({"Team": team, "Assignment": assignment,
                         "Learners": None if hidden else int(counts.loc[team, assignment]),
                         "Average score (%)": None if hidden or _missing(
                             means.loc[team, assignment]) else round(
                             float(means.loc[team, assignment]), 1)})
    frame = pd.DataFrame(rows, columns=["Team", "Assignment", "Learners", "Average score (%)"])
    n_hidden = int(hide.cells.to_numpy().sum())
    return [Section(
        id="scores-by-team-and-assignment", group="Scores",
        title="Average score by team and assignment",
        description="The average score each team got on each assignment they submitted.",
        frame=frame,
        plot=Plot("heatmap", "Average score by team and assignment",
                  "A grid of teams by assignments; each cell is the team's average score on "
                  "that assignment, blank where it is not shown. " + "; ".join(
                      f"{r['Team']}, {r['Assignment']}: {r['Average score (%)']:g}%"
                      for _, r in frame.iterrows() if not _missing(r["Average score (%)"])),
                  x="Assignment", y="Team", value="Average score (%)", unit="%"),
        notes=_hidden_note(n_hidden, "team-by-assignment figure(s)", min_group))]


# Items

def _item_names(data: ReportData) -> dict[str, str]:
    titles = dict(zip(data.items["item"], data.items["title"], strict=True)) \
        if len(data.items) else {}
    risks = data.items[data.items["kind"] == "risk-scenario"] if len(data.items) else None
    names = dict(titles)
    for cell in data.grades["item"].dropna().unique() if len(data.grades) else ():
        if cell.startswith("test-myth-"):
            ident = cell[len("test-myth-"):]
            names[cell] = titles.get(ident, ident)
        elif cell.startswith("test-risk-"):
            rest = cell[len("test-risk-"):]
            ident, _, fld = rest.rpartition("-")
            title = titles.get(ident, ident) if risks is not None else ident
            names[cell] = f"{title}: {fld}"
        elif cell.startswith("rubric-"):
            names[cell] = "Written answer: " + cell[len("rubric-"):].replace("-", " ")
    return names


def _namer(data: ReportData):
    """A test's name in words: an assignment's id, or the activity's title and source."""
    titles = dict(zip(data.items["item"], data.items["title"], strict=True)) \
        if len(data.items) else {}
    what = {"quiz": "Myths quiz", "case-study": "Case study", "risk-scenario": "Risk scenario"}
    sources = {"practice": "practice", "workshop": "workshop", "assessed": "assessed work"}

    def name(test: str) -> str:
        if ":" not in test:
            return test  # an assignment
        source, kind, ident = test.split(":", 2)
        where = sources.get(source, source)
        if kind == "quiz":
            return f"Myths quiz ({where})" if source != "assessed" else f"{ident} ({where})"
        return f"{what.get(kind, kind)}: {titles.get(ident, ident)} ({where})"
    return name


def _items(data: ReportData, answers: pd.DataFrame, min_group: int,
           all_attempts: bool) -> list[Section]:
    out = []
    names = _item_names(data)
    _test_name = _namer(data)
    steps = {(r.case_study, r.node): r.node_title for r in data.case_structure.itertuples()}

    def _question(test: str, item) -> str:
        """An item in words: a statement, a rating, a cell, or a point in a case study."""
        kind, _, ident = test.partition(":")[2].partition(":")
        if kind == "case-study":
            return steps.get((ident, item), item)
        if kind == "risk-scenario":
            return str(item).replace("_", " ").capitalize()
        return names.get(item, item)

    practice = answers[answers["source"] != "assessed"]
    scores = pd.concat([A.grade_scores(data.grades), A.answer_scores(practice)],
                       ignore_index=True)
    stats, alpha = A.item_analysis(scores)
    few = stats["learners"] < min_group
    few_complete = stats["complete"] < min_group
    for c in ("facility", "sd"):
        stats[c] = stats[c].where(~few)
    for c in ("discrimination", "efficiency"):
        stats[c] = stats[c].where(~few_complete)
    frame = _round(stats, ["facility", "sd", "discrimination", "efficiency"])
    frame = pd.DataFrame({
        "Test": frame["test"].map(_test_name),
        "Item": [_question(t, i) for t, i in zip(frame["test"], frame["item"], strict=True)],
        "Learners": frame["learners"], "Facility (%)": frame["facility"],
        "Standard deviation (%)": frame["sd"], "Discrimination index (%)": frame[
            "discrimination"], "Discriminative efficiency (%)": frame["efficiency"]})
    notes = ["First attempts only: retries are the learner's practice." if not all_attempts
             else "Every attempt is counted."]
    if few.any() or few_complete.any():
        notes.append(f"Figures about fewer than {min_group} learners are not shown.")
    out.append(Section(
        id="item-analysis", group="Items", title="How each question performed",
        description="For each question: the facility index (how many got it right, as a "
                    "percentage; low means hard), the discrimination index (how well it "
                    "separates learners who did well on the rest of the test from those who did "
                    "not; 30% or more is good, below 0 suggests a problem with the question) and "
                    "the discriminative efficiency (the discrimination as a share of the most "
                    "it could be). Defined as in Moodle's quiz statistics.",
        frame=frame, notes=tuple(notes)))
    alpha["alpha"] = alpha["alpha"].where(alpha["learners"] >= min_group)
    out.append(Section(
        id="reliability", group="Items", title="How consistent each test is",
        description="Cronbach's alpha for each test: how consistently its questions measure "
                    "the same thing (from 0 to 1; 0.7 or more is usually taken as good). "
                    "Only learners who answered every question count.",
        frame=pd.DataFrame({"Test": alpha["test"].map(_test_name), "Questions": alpha["items"],
                            "Learners": alpha["learners"],
                            "Cronbach's alpha": alpha["alpha"].round(2)}),
        notes=(f"Not shown for tests with fewer than {min_group} learners.",)
        if (alpha["learners"] < min_group).any() else ()))
    responses = A.response_analysis(answers[~answers["activity_kind"].str.startswith(
        "workshop-")])
    per_item = responses.groupby(["test", "item"])["learners"].transform("sum") \
        if len(responses) else pd.Series(dtype=float)
    small = responses[per_item < min_group] if len(responses) else responses
    responses = responses[per_item >= min_group] if len(responses) else responses
    # a case study's questions are its points in the story, its answers the choices' words
    labels = {(r.case_study, r.node, r.choice): r.label
              for r in data.case_structure.itertuples()}
    question, answer = [], []
    for test, item, response in zip(responses["test"], responses["item"],
                                    responses["response"], strict=True):
        _source, kind, ident = test.split(":", 2)
        question.append(_question(test, item))
        answer.append(labels.get((ident, item, response), str(response))
                      if kind == "case-study" else _response_words(response))
    frame = pd.DataFrame({
        "Test": responses["test"].map(_test_name),
        "Question": question, "Answer given": answer,
        "Times given": responses["count"], "Share (%)": responses["frequency"].round(1),
        "Right answer": responses["correct"].map(
            lambda v: "" if _missing(v) else ("Yes" if bool(v) else "No"))})
    out.append(Section(
        id="responses", group="Items", title="Which answers learners chose",
        description="For each question, how often each answer was given: a wrong answer "
                    "chosen often points to a common misunderstanding worth training on.",
        frame=frame,
        notes=(f"{small.groupby(['test', 'item']).ngroups} question(s) answered by fewer than "
               f"{min_group} learners are not shown.",) if len(small) else ()))
    return out


def _response_words(value) -> str:
    return {"myth": "It's a myth", "true": "It's true"}.get(value, str(value))


# Myths

def _myths(data: ReportData, first: pd.DataFrame, min_group: int) -> list[Section]:
    table = A.myths_believed(first, data.learners, data.items, first=False)
    if table.empty:
        return [Section(id="myths-believed", group="Myths", title="Myths most often believed",
                        description="No answers to myth statements yet.",
                        frame=pd.DataFrame(columns=["Statement", "Learners who answered",
                                                    "Believed it", "Believed (%)"]))]
    overall = table[table["team"] == A.ALL].copy()
    small = overall["answered"] < min_group
    overall["believed"] = overall["believed"].astype(object).where(~small, None)
    overall["percent"] = overall["percent"].where(~small)
    overall = overall.sort_values("percent", ascending=False, na_position="last")
    frame = pd.DataFrame({"Statement": overall["title"],
                          "Learners who answered": overall["answered"],
                          "Believed it": overall["believed"],
                          "Believed (%)": pd.to_numeric(overall["percent"]).round(1)})
    top = frame.dropna(subset=["Believed (%)"]).head(5)
    sections = [Section(
        id="myths-believed", group="Myths", title="Myths most often believed",
        description="Statements that are myths, and how many learners said they were true, "
                    "most believed first (first answers from practice, workshops and assessed "
                    "work).",
        frame=frame,
        plot=Plot("hbar", "Myths most often believed", "The most believed myths: " + "; ".join(
            f"\u201c{r['Statement']}\u201d, believed by {r['Believed (%)']:g}%"
            for _, r in top.iterrows()) if len(top) else "No figures to show.",
            x="Statement", y="Believed (%)", unit="%"),
        notes=(f"{int(small.sum())} myth(s) answered by fewer than {min_group} learners: "
               "figures not shown.",) if small.any() else ())]
    teams = table[table["team"] != A.ALL]
    answered = teams.pivot_table(index="team", columns="item", values="answered",
                                 aggfunc="sum").fillna(0)
    hide = protect_cells(answered, answered, min_group=min_group, col_totals=True)
    rows = []
    for r in teams.itertuples():
        hidden = bool(hide.cells.loc[r.team, r.item])
        rows.append({"Team": r.team, "Statement": r.title,
                     "Learners who answered": None if hidden else r.answered,
                     "Believed (%)": None if hidden else round(float(r.percent), 1)})
    frame = pd.DataFrame(rows, columns=["Team", "Statement", "Learners who answered",
                                        "Believed (%)"])
    sections.append(Section(
        id="myths-by-team", group="Myths", title="Myths believed, by team",
        description="For each team, the share of its learners who believed each myth: where "
                    "a team needs a refresher.",
        frame=frame,
        plot=Plot("heatmap", "Myths believed, by team",
                  "A grid of teams by myth statements; each cell is the share of the team who "
                  "believed the myth, blank where it is not shown.",
                  x="Statement", y="Team", value="Believed (%)", unit="%"),
        notes=_hidden_note(int(hide.cells.to_numpy().sum()), "team figure(s)", min_group)))
    return sections


# Case studies

def _cases(data: ReportData, min_group: int) -> list[Section]:
    out = []
    paths = A.case_paths(data.choices)
    structure = data.case_structure
    labels = {(r.case_study, r.node, r.choice): r.label for r in structure.itertuples()}
    nodes = {(r.case_study, r.node): r.node_title for r in structure.itertuples()}
    titles = dict(zip(data.items["item"], data.items["title"], strict=True)) \
        if len(data.items) else {}
    ending_titles = {(r.case_study, r.ending): r.title for r in data.case_endings.itertuples()}
    for case, part in paths.groupby("case_study"):
        at_node = part.groupby("node")["learners"].transform("sum")
        small = at_node < min_group
        part = part.assign(count=part["count"].astype(object).where(~small, None),
                           share=part["share"].round(1).astype(object).where(~small, None))
        frame = pd.DataFrame({
            "node": part["node"], "choice": part["choice"], "next": part["next"],
            "count": part["count"],
            "Point in the story": [nodes.get((case, n), n) for n in part["node"]],
            "Choice": [labels.get((case, n, c), c) for n, c in zip(part["node"],
                                                                    part["choice"],
                                                                    strict=True)],
            "Leads to": [nodes.get((case, x)) or ending_titles.get((case, x), x)
                         for x in part["next"]],
            "Times chosen": part["count"], "Share at this point (%)": part["share"]})
        title = titles.get(case, case)
        common = part.dropna(subset=["count"]).sort_values("count", ascending=False).head(3)
        alt = (f"A diagram of the paths through \u201c{title}\u201d: each arrow is a choice, "
               "its width how often it was taken. Most taken: " + "; ".join(
                   f"\u201c{labels.get((case, r.node, r.choice), r.choice)}\u201d "
                   f"({r.count} times)" for r in common.itertuples()) + ".") if len(common) \
            else f"A diagram of the paths through \u201c{title}\u201d."
        out.append(Section(
            id=f"case-paths-{case}", group="Case studies",
            title=f"Paths through \u201c{title}\u201d",
            description="How often each choice was taken at each point of the case study "
                        "(each learner's first run). The columns node, choice, next and count "
                        "hold the ids the path diagram is drawn from.",
            frame=frame,
            plot=Plot("paths", f"Paths through \u201c{title}\u201d", alt, x="node", y="count",
                      unit="choices"),
            notes=(f"Points in the story reached by fewer than {min_group} learners are not "
                   "counted.",) if small.any() else ()))
    endings = A.endings_reached(data.endings)
    if len(endings):
        per_case = endings.groupby("case_study")["learners"].transform("sum")
        small = per_case < min_group
        info = data.case_endings.set_index(["case_study", "ending"]) \
            if len(data.case_endings) else None

        def outcome(case, ending, col):
            if info is None or (case, ending) not in info.index:
                return ""
            value = info.loc[(case, ending), col]
            vocab = {"outcomes_asked": "outcomes_asked", "risk_outcome": "risk_outcomes"}[col]
            return _label(vocab, value) if isinstance(value, str) else ""
        frame = pd.DataFrame({
            "Case study": endings["case_study"].map(lambda c: titles.get(c, c)),
            "Ending": [ending_titles.get((c, e), e) for c, e in zip(
                endings["case_study"], endings["ending"], strict=True)],
            "Learners": endings["learners"].astype(object).where(~small, None),
            "Share (%)": endings["share"].round(1).astype(object).where(~small, None),
            "Outcomes asked for": [outcome(c, e, "outcomes_asked") for c, e in zip(
                endings["case_study"], endings["ending"], strict=True)],
            "Risk": [outcome(c, e, "risk_outcome") for c, e in zip(
                endings["case_study"], endings["ending"], strict=True)]})
        out.append(Section(
            id="case-endings", group="Case studies", title="Endings reached",
            description="Which ending each learner's first run through a case study reached, "
                        "with the ending's Making Safeguarding Personal outcome measure: were "
                        "the person's outcomes asked for, and what happened to the risk.",
            frame=frame,
            notes=(f"Case studies finished by fewer than {min_group} learners are not "
                   "counted.",) if small.any() else ()))
    joined = A.choices_and_endings(data.choices, data.endings, data.case_endings)
    if len(joined):
        per_choice = joined.groupby(["case_study", "node", "choice"])["runs"].transform("sum")
        small = per_choice < min_group
        frame = pd.DataFrame({
            "Case study": joined["case_study"].map(lambda c: titles.get(c, c)),
            "Point in the story": [nodes.get((c, n), n) for c, n in zip(
                joined["case_study"], joined["node"], strict=True)],
            "Choice": [labels.get((c, n, ch), ch) for c, n, ch in zip(
                joined["case_study"], joined["node"], joined["choice"], strict=True)],
            "Ending": [ending_titles.get((c, e), e) for c, e in zip(
                joined["case_study"], joined["ending"], strict=True)],
            "Runs": joined["runs"].astype(object).where(~small, None),
            "Share of runs with this choice (%)": joined["share"].round(1).astype(
                object).where(~small, None)})
        out.append(Section(
            id="choices-and-endings", group="Case studies",
            title="Which choices led to which endings",
            description="For each choice, where the runs that took it ended: choices that "
                        "mostly lead to endings where the person was not asked what they "
                        "wanted are the ones to talk through.",
            frame=frame,
            notes=(f"Choices taken by fewer than {min_group} learners are not counted.",)
            if small.any() else ()))
    return out


# Coverage

def _coverage(data: ReportData, first: pd.DataFrame, min_group: int) -> list[Section]:
    out = []
    weakest = {}
    for vocab, word, vocab_name in (("principles", "principle", "principles"),
                                    ("categories", "abuse category", "abuse_categories")):
        cov = A.coverage(first, data.items, data.learners, vocab=vocab, first=False)
        teams = cov[cov["team"] != A.ALL]
        if teams.empty:
            continue
        sizes = teams.pivot_table(index="team", columns="term", values="learners",
                                  aggfunc="sum").fillna(0)
        hide = protect_cells(sizes, sizes, min_group=min_group, col_totals=True)
        keep = [not bool(hide.cells.loc[r.team, r.term]) for r in teams.itertuples()]
        shown = cov[cov["team"] == A.ALL]
        visible = pd.concat([teams[keep], shown], ignore_index=True)
        frame = pd.DataFrame({
            "Team": visible["team"].replace({A.ALL: "All teams"}),
            word.capitalize(): visible["term"].map(lambda t, v=vocab_name: _label(v, t)),
            "Learners": visible["learners"], "Answers": visible["answers"],
            "Right (%)": visible["correct"].round(1)})
        hidden_rows = teams[[not k for k in keep]]
        hidden_frame = pd.DataFrame({
            "Team": hidden_rows["team"], word.capitalize(): hidden_rows["term"].map(
                lambda t, v=vocab_name: _label(v, t)),
            "Learners": None, "Answers": None, "Right (%)": None})
        frame = pd.concat([frame, hidden_frame], ignore_index=True) if len(hidden_frame) \
            else frame
        out.append(Section(
            id=f"coverage-{vocab}", group="Coverage",
            title=f"How teams do on each {word}",
            description=(f"The share of right answers to questions about each {word} (first "
                         "answers from practice, workshops and assessed work)."),
            frame=frame,
            plot=Plot("heatmap", f"Right answers by team and {word}",
                      f"A grid of teams by {word}s; each cell is the share of right answers, "
                      "blank where it is not shown.", x=word.capitalize(), y="Team",
                      value="Right (%)", unit="%"),
            notes=_hidden_note(len(hidden_frame), "team figure(s)", min_group)))
        weakest[word] = A.weakest(teams[keep])
    if weakest:
        teams = sorted(set().union(*(set(w["team"]) for w in weakest.values())))
        rows = []
        for team in teams:
            row = {"Team": team}
            for word, table in weakest.items():
                hit = table[table["team"] == team]
                vocab_name = "principles" if word == "principle" else "abuse_categories"
                row[f"Weakest {word}"] = _label(vocab_name, hit["term"].iloc[0]) \
                    if len(hit) else ""
                row[f"Right on it (%) ({word})"] = round(float(hit["correct"].iloc[0]), 1) \
                    if len(hit) else None
            rows.append(row)
        out.append(Section(
            id="weakest-by-team", group="Coverage", title="Where each team is weakest",
            description="For each team, the safeguarding principle and the category of abuse "
                        "where its learners gave the fewest right answers (among the figures "
                        "that can be shown).",
            frame=pd.DataFrame(rows)))
    return out


# Practice

def _practice(data: ReportData, min_group: int) -> list[Section]:
    practice = data.answers[data.answers["source"] == "practice"]
    learners = data.learners
    teams = A._team_of(practice, learners)
    reflect = A._team_of(data.reflections, learners)
    finished = A._team_of(data.endings[data.endings["source"] == "practice"], learners)
    workshop = A._team_of(data.answers[data.answers["source"] == "workshop"], learners)
    table = pd.DataFrame({
        "learners": learners.groupby("team")["learner"].nunique(),
        "practised": teams.groupby("team")["learner"].nunique(),
        "answers": teams.groupby("team").size(),
        "finished": finished.groupby("team").size(),
        "reflections": reflect.groupby("team")["learner"].nunique(),
        "workshop": workshop.groupby("team")["learner"].nunique()})
    table = table[table["learners"].notna()].fillna(0).astype(int).rename_axis(
        "team").reset_index()
    body, hidden = protect_groups(table, size="learners", figures=[
        "practised", "answers", "finished", "reflections", "workshop"], min_group=min_group)
    frame = body.rename(columns={
        "team": "Team", "learners": "Learners", "practised": "Learners who practised",
        "answers": "Practice answers", "finished": "Case studies finished",
        "reflections": "Learners who wrote a reflection",
        "workshop": "Learners in a workshop (linked)"})
    anon = len(data.anonymous)
    notes = list(_hidden_note(hidden, "team(s)", min_group))
    if anon:
        sessions = data.anonymous["workshop"].nunique()
        notes.append(f"{anon} workshop answer(s) in {sessions} workshop(s) came from people who "
                     "did not link their alias to their account; they are counted in the "
                     "question figures only, never against a person or team.")
    return [Section(
        id="practice-by-team", group="Practice", title="Practice and reflection by team",
        description="How much each team uses the kit outside assessed work: practice "
                    "answers, case studies finished, reflections written and workshops joined.",
        frame=frame,
        plot=Plot("stacked", "Practice by team", "For each team, the number of learners who "
                  "practised, wrote a reflection, or joined a workshop.", x="Team",
                  y="Learners who practised",
                  series=("Learners who practised", "Learners who wrote a reflection",
                          "Learners in a workshop (linked)"), unit="learners"),
        notes=tuple(notes))]


def _problems(data: ReportData) -> Section:
    frame = pd.DataFrame([{"File": p.file, "Line": p.line or None, "Column": p.column or None,
                           "Problem": p.message,
                           "Kind": "Left out" if p.severity == "error" else "Check"}
                          for p in data.problems],
                         columns=["File", "Line", "Column", "Problem", "Kind"])
    return Section(
        id="data-problems", group="Completion", title="Problems found in the data",
        description="What could not be read, or looks wrong, in the files this report was "
                    "made from. 'Left out' rows are not in any figure; 'Check' rows are.",
        frame=frame, extra={"problems": True})


def sections(data: ReportData, *, min_group: int = MIN_GROUP,
             all_attempts: bool = False) -> list[Section]:
    """Every table of the report, protected (see ``_protect``), in report order."""
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    subs = A.submissions(data.grades, data.learners, data.assignments["assignment"]
                         if len(data.assignments) else None)
    first = A.first_attempts(data.answers)  # once: the slowest step at council scale
    out = [*_completion(data, subs, min_group), *_scores(data, subs, min_group),
           *_items(data, data.answers if all_attempts else first, min_group, all_attempts),
           *_myths(data, first, min_group), *_cases(data, min_group),
           *_coverage(data, first, min_group), *_practice(data, min_group),
           _problems(data)]
    for s in out:
        assert s.group in GROUPS, s.group
        for col in s.frame.columns:  # outputs get plain columns, never categories
            if isinstance(s.frame[col].dtype, pd.CategoricalDtype):
                s.frame[col] = s.frame[col].astype(object)
    return out


__all__ = ["GROUPS", "sections"]
