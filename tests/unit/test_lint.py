"""Content lint: personal data, placeholders, plain English and content-set rules."""

import copy

import pytest

from msp_learn.content import load_catalogue, load_file
from msp_learn.content.lint import (
    MAX_SENTENCE_WORDS,
    Readability,
    content_set_problems,
    readability,
    readability_of,
    sentences,
    syllables,
    words,
)
from tests.conftest import starter, starter_data


def myth_with(write, reality_lines, name="exercises/myths/example-item.yaml"):
    """A starter myth whose 'reality' is a folded block holding ``reality_lines``."""
    block = "reality: >-\n" + "".join(f"  {line}\n" for line in reality_lines)
    text = starter("myth.yaml")
    start = text.index("reality: >-\n")
    end = text.index("why_it_matters:")
    text = text[:start] + block + text[end:]
    path = write(name, text)
    first = text.splitlines().index("reality: >-") + 2  # the line of reality_lines[0]
    return path, first


def lint_problems(path):
    return [p for p in load_file(path).problems]


@pytest.mark.parametrize("detail, what", [
    ("943 476 5919", "an NHS number"),
    ("9434765919", "an NHS number"),
    ("QQ 12 34 56 C", "a National Insurance number"),
    ("QQ123456C", "a National Insurance number"),
    ("07700 900123", "a UK phone number"),
    ("07700900123", "a UK phone number"),
    ("01632 960123", "a UK phone number"),
    ("020 7946 0000", "a UK phone number"),
    ("0113 496 0000", "a UK phone number"),
    ("+44 7700 900123", "a UK phone number"),
    ("+44 (0)20 7946 0000", "a UK phone number"),
    ("jo.bloggs@example.org", "an email address"),
    ("SW1A 1AA", "a full UK postcode"),
    ("B33 8TH", "a full UK postcode"),
    ("M1 1AE", "a full UK postcode"),
])
def test_personal_data_is_an_error_at_its_line(write, detail, what):
    """Is each kind of real-looking personal detail caught, on the line where it sits?"""
    path, first = myth_with(write, [
        "Consent matters and should be sought, but a concern can be raised",
        f"without it. Her details are {detail} and nothing else.",
        "Tell the person where it is safe to do so."])
    (problem,) = lint_problems(path)
    assert problem.is_error
    assert problem.message == f"'{detail}' looks like {what}"
    assert "fictional, non-identifying" in problem.hint
    assert problem.line == first + 1
    line = path.read_text().splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith(detail)
    assert load_file(path).item is None  # an error makes the file invalid


def test_personal_data_in_any_value_even_ids_and_comments(write):
    data = starter_data("myth.yaml")
    data["comment"] = "Ring 07700 900123 about this."
    data["basis"][0]["detail"] = "Letter from jo@example.org"
    data["tags"] = ["consent"]
    path = write("exercises/myths/example-item.yaml", data)
    found = {p.message for p in lint_problems(path)}
    assert found == {"'07700 900123' looks like a UK phone number",
                     "'jo@example.org' looks like an email address"}


def test_match_split_across_a_folded_line_is_placed_at_its_start(write):
    path, first = myth_with(write, ["You can write to her at", "flat 2, AB1", "2CD today."])
    (problem,) = lint_problems(path)
    assert problem.message == "'AB1 2CD' looks like a full UK postcode"
    assert (problem.line, problem.column) == (first + 1, 11)


def test_value_on_one_line_is_placed_at_the_match(write):
    text = starter("myth.yaml").replace(
        "why_it_matters: Waiting", "why_it_matters: Call 07700 900123 first. Waiting")
    path = write("exercises/myths/example-item.yaml", text)
    (problem,) = lint_problems(path)
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "07700" in line)
    assert (problem.line, problem.column) == (line_no, len("why_it_matters: Call ") + 1)


@pytest.mark.parametrize("ordinary", [
    "Under s42(1) the council must make enquiries.",
    "Mrs Khan, aged 81, lives alone.",
    "The Care Act 2014 and the Mental Capacity Act 2005 apply.",
    "Between 2019 and 2024 the number of concerns rose.",
    "DL v A Local Authority [2012] EWCA Civ 253 and EWHC 2003 (Fam).",
    "See paragraph 14.17 and principle 3.",
    "She lost 12,000 pounds over 18 months.",
    "The National Domestic Abuse Helpline is 0808 2000 247.",
    "He has lived at number 14 for 40 years.",
    "Ring 999 in an emergency, or 101 otherwise.",
    "Her Covid-19 jab was on 1 March 2021 at 10.30.",
    "MARAC, IDVA, DASH, CQC and MSP are all used here.",
    "A person in the B1 and C2 groups.",
])
def test_ordinary_text_is_not_mistaken_for_personal_data(write, ordinary):
    path, _ = myth_with(write, [ordinary])
    assert lint_problems(path) == []


@pytest.mark.parametrize("text, placeholder", [
    ("TODO write the reality.", "TODO"),
    ("The reality is TBC.", "TBC"),
    ("Outcome TBD by the team.", "TBD"),
    ("FIXME this is wrong.", "FIXME"),
    ("Mrs XXX lives alone.", "XXX"),
    ("Mrs xxx lives alone.", "xxx"),
    ("Lorem ipsum dolor sit amet.", "Lorem ipsum"),
    ("And then...", "..."),
    ("Speak to [insert name here] first.", "[insert"),
])
def test_placeholder_text_is_an_error_at_its_line(write, text, placeholder):
    path, first = myth_with(write, ["Consent matters and should be sought.", text])
    (problem,) = lint_problems(path)
    assert problem.is_error and problem.message == f"placeholder text '{placeholder}'"
    assert problem.line == first + 1
    line = path.read_text().splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith(placeholder)


def test_placeholder_in_an_authors_comment_is_allowed(write):
    data = starter_data("myth.yaml") | {"comment": "TODO: check the paragraph number."}
    assert lint_problems(write("exercises/myths/example-item.yaml", data)) == []


def test_ordinary_words_are_not_placeholders(write):
    path, _ = myth_with(write, ["Her to-do list, a todo app and a box of tbcs are fine.",
                                "Mr Fox's exit was calm."])
    assert lint_problems(path) == []


def test_two_matches_in_one_value_are_placed_separately(write):
    path, first = myth_with(write, ["TODO one.", "Something else.", "TODO two."])
    problems = lint_problems(path)
    assert [p.line for p in problems] == [first, first + 2]


def test_long_sentence_is_a_warning_saying_how_long(write):
    long = " ".join(["word"] * 30) + " and then five more words here."
    path, first = myth_with(write, ["Consent matters and should be sought.", long,
                                    "Short again."])
    (problem,) = lint_problems(path)
    assert problem.severity == "warning"
    assert problem.message.startswith("this sentence has 36 words ('word word")
    assert problem.line == first + 1 and problem.column == 3
    assert load_file(path).item is not None  # a warning does not make the file invalid


def test_sentence_of_exactly_the_limit_is_fine(write):
    path, _ = myth_with(write, [" ".join(["word"] * MAX_SENTENCE_WORDS) + "."])
    assert lint_problems(path) == []


def test_long_trainer_note_is_not_checked_but_long_feedback_is(write):
    data = starter_data("case-study.yaml")
    long = " ".join(["word"] * 40) + "."
    data["trainer_notes"] = long
    path = write("case_studies/example-item/case.yaml", data)
    assert lint_problems(path) == []
    data["nodes"][0]["choices"][1]["feedback"] = long
    path = write("case_studies/example-item/case.yaml", data)
    (problem,) = lint_problems(path)
    assert "40 words" in problem.message
    assert path.read_text().splitlines()[problem.line - 1].strip().startswith("feedback:")


@pytest.mark.parametrize("name", ["case-study.yaml", "myth.yaml"])
def test_starters_pass_the_lint(write, name):
    folder = {"case-study.yaml": "case_studies/example-item/case.yaml",
              "myth.yaml": "exercises/myths/example-item.yaml",
              "risk-scenario.yaml": "exercises/risks/example-item.yaml"}[name]
    assert lint_problems(write(folder, starter(name))) == []


def test_basis_must_name_a_known_source(write):
    """The schema already checks every basis against the `sources` vocabulary."""
    text = starter("myth.yaml").replace("source: dpa-2018", "source: data-protection-act")
    path = write("exercises/myths/example-item.yaml", text)
    (problem,) = load_file(path).problems
    assert problem.message == "'data-protection-act' is not an allowed value for 'source'"
    assert problem.line == next(i for i, line in enumerate(text.splitlines(), 1)
                                if "data-protection-act" in line)
    text = starter("risk-scenario.yaml").replace("source: care-act-2014", "source: care-act")
    (problem,) = load_file(write("exercises/risks/example-item.yaml", text)).problems
    assert "'care-act' is not an allowed value" in problem.message
    assert problem.hint.startswith("Did you mean 'care-act-")


# -- plain English --------------------------------------------------------------------------

@pytest.mark.parametrize("word, count", [
    ("the", 1), ("cat", 1), ("home", 1), ("makes", 1), ("table", 2), ("people", 2),
    ("decided", 3), ("wanted", 2), ("abuse", 2), ("personal", 3), ("capacity", 4),
    ("safeguarding", 4), ("proportionality", 6), ("best-interests", 4),
])
def test_syllable_heuristic(word, count):
    assert syllables(word) == count


def test_sentences_and_words():
    text = 'Ask first, e.g. about money. She said "no." Then s42(1) applies! Why?\nFine'
    assert sentences(text) == ["Ask first, e.g. about money.", 'She said "no."',
                               "Then s42(1) applies!", "Why?", "Fine"]
    assert words("Mrs O'Neill's best-interests meeting, s42(1).") == [
        "Mrs", "O'Neill's", "best-interests", "meeting", "s42", "1"]


def test_flesch_reading_ease():
    easy = readability_of(["The cat sat on the mat. It was warm."])
    assert (easy.words, easy.sentences) == (9, 2) and easy.score > 90
    hard = readability_of(["Proportionality necessitates individualised consideration of "
                           "organisational accountability."])
    assert hard.score < 0 and hard.band == "very difficult"
    assert Readability(0, 0, 0).score == 0.0


def test_readability_of_an_item_reads_only_learner_facing_text():
    from msp_learn.schemas import MythItem

    data = starter_data("myth.yaml")
    item = MythItem.model_validate(data)
    noisy = MythItem.model_validate(data | {"comment": "Proportionality necessitates "
                                            "individualised organisational deliberation."})
    assert readability(item) == readability(noisy)
    assert readability(item).words == len(words(" ".join(
        [data["statement"], data["reality"], data["why_it_matters"], data["instead"]])))


# -- content-set rules ----------------------------------------------------------------------

def load_case(write, data):
    path = write("case_studies/example-item/case.yaml", data)
    loaded = load_catalogue([path]).files[0]
    assert loaded.item is not None, loaded.problems
    return content_set_problems(loaded.path, loaded.item, loaded.located), path


def test_small_case_study_gets_content_set_warnings(write):
    problems, path = load_case(write, starter_data("case-study.yaml"))
    messages = [p.message for p in problems]
    assert messages == [
        "the case study has 1 decision point; the content set asks for at least 3",
        "the case study has 2 endings; the content set asks for at least 3"]
    assert all(p.severity == "warning" for p in problems)
    lines = path.read_text().splitlines()
    assert lines[problems[0].line - 1].lstrip().startswith("- id: first-visit")
    assert lines[problems[1].line - 1].lstrip().startswith("- id: he-decides")


def test_endings_that_do_not_differ_are_reported(write):
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["nodes"][0]["asks_outcomes"] = True
    for ending in data["endings"]:
        ending["outcome_achievement"], ending["risk_outcome"] = "partially", "reduced"
        ending["outcomes_asked"] = "asked-and-expressed"
    problems, _ = load_case(write, data)
    messages = [p.message for p in problems]
    assert "every ending has outcome_achievement 'partially'" in messages
    assert "every ending has risk_outcome 'reduced'" in messages


def test_a_full_case_study_meets_the_content_set_rules(write):
    data = copy.deepcopy(starter_data("case-study.yaml"))
    first = data["nodes"][0]
    for n in (2, 3):
        node = copy.deepcopy(first)
        node["id"] = f"step-{n}"
        for choice in node["choices"]:
            choice["next"] = f"ending-{n}"
        data["nodes"].append(node)
        ending = copy.deepcopy(data["endings"][0])
        ending.update(id=f"ending-{n}", outcome_achievement="partially", risk_outcome="remains")
        data["endings"].append(ending)
    first["choices"][0]["next"], first["choices"][1]["next"] = "step-2", "step-3"
    data["nodes"][1]["choices"][1]["next"] = "he-decides"
    data["nodes"][2]["choices"][1]["next"] = "police-called"
    problems, _ = load_case(write, data)
    assert problems == []


def test_content_set_rules_do_not_apply_to_other_kinds(write):
    path = write("exercises/myths/example-item.yaml", starter("myth.yaml"))
    loaded = load_file(path)
    assert content_set_problems(loaded.path, loaded.item, loaded.located) == []


# -- the outcome measure and the law -------------------------------------------------------

def case_problems(write, data):
    """Every problem ``load_file`` reports for a case study written from ``data``."""
    path = write("case_studies/example-item/case.yaml", data)
    return load_file(path).problems, path


def line_of(path, problem):
    return path.read_text().splitlines()[problem.line - 1]


def test_an_ending_rated_without_its_outcomes_asked_is_an_error_at_the_rating(write):
    """Is a rating on an ending where nobody asked refused, at the rating, saying why?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["endings"][1]["outcome_achievement"] = "not-achieved"  # police-called: not-asked
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.is_error
    assert problem.message.startswith("'outcome_achievement' is given, but outcomes_asked is "
                                      "'not-asked'")
    assert "Remove 'outcome_achievement'" in problem.hint
    assert line_of(path, problem).lstrip().startswith("outcome_achievement: not-achieved")


def test_an_ending_asked_and_expressed_but_not_rated_is_an_error(write):
    """Must an ending whose outcomes were asked and expressed say how far they were achieved?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    del data["endings"][0]["outcome_achievement"]
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert "'outcome_achievement' is missing" in problem.message
    assert "fully" in problem.hint and "not-achieved" in problem.hint
    assert line_of(path, problem).lstrip().startswith("outcomes_asked: asked-and-expressed")


@pytest.mark.parametrize("asked", ["asked-none-expressed", "not-asked", "dont-know"])
def test_no_rating_is_allowed_unless_outcomes_were_expressed(write, asked):
    """Is every first step other than 'asked and expressed' refused a rating?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["endings"][1].update(outcomes_asked=asked, outcome_achievement="partially")
    problems, _ = case_problems(write, data)
    assert any(f"outcomes_asked is '{asked}'" in p.message for p in problems)


def test_a_path_that_never_asks_cannot_reach_an_asked_ending(write):
    """Is an ending said to be asked, reached by a path where nobody asked, an error naming
    that path?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    del data["nodes"][0]["choices"][0]["asks_outcomes"]
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.is_error
    assert problem.message == ("this ending says Samuel was asked what they wanted, but a path "
                               "reaches it where nobody asked (choices: ask-outcomes)")
    assert "asks_outcomes: true" in problem.hint
    assert line_of(path, problem).lstrip() == "outcomes_asked: asked-and-expressed"


def test_a_path_that_asks_cannot_reach_a_not_asked_ending(write):
    """Is an ending said to be unasked, reached by a path that asked, an error?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["nodes"][0]["asks_outcomes"] = True  # now both paths ask at the first node
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.message == ("this ending says nobody asked Samuel what they wanted, but a "
                               "path that asks reaches it (choices: call-police)")
    assert line_of(path, problem).lstrip() == "outcomes_asked: not-asked"


def test_asking_anywhere_on_the_path_counts_and_dont_know_is_never_checked(write):
    """Does a choice that asks early count for the ending later, and is 'dont-know' left
    alone whichever way the paths go?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    first = data["nodes"][0]
    second = copy.deepcopy(first) | {"id": "second-visit"}
    del second["choices"][0]["asks_outcomes"]
    first["choices"][0]["next"] = "second-visit"
    data["nodes"].append(second)
    data["endings"][1]["outcomes_asked"] = "dont-know"  # reached both asked and not
    problems, _ = case_problems(write, data)
    assert [p for p in problems if p.is_error] == []


def test_words_saying_nobody_asked_on_an_asked_ending_are_a_warning(write):
    """Does an asked ending whose text says nobody asked get a warning at that text?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["endings"][0]["text"] = "He has a plan, but no one ever asked him what he wanted."
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.severity == "warning"
    assert problem.message == ("the ending says 'no one ever asked', but outcomes_asked is "
                               "'asked-and-expressed'")
    assert line_of(path, problem).lstrip().startswith("text:")
    data["endings"][0]["text"] = "He never asked for help before, but now he has a plan."
    assert case_problems(write, data)[0] == []  # not about what he wanted


def test_outcome_lists_that_differ_between_endings_are_reported(write):
    """Does a file in the old format, with a different outcome list on each ending, get told
    where the lists differ and where the outcomes now go?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    del data["desired_outcomes"]
    data["endings"][0]["outcomes_wanted"] = ["Keep seeing my nephew", "Stop the money going"]
    data["endings"][1]["outcomes_wanted"] = ["Keep seeing my nephew"]
    problems, path = case_problems(write, data)
    messages = [p.message for p in problems]
    assert ("this ending's outcomes differ from those of ending 'he-decides' (it leaves out "
            "'Stop the money going')") in messages
    assert messages.count("an ending no longer lists the person's outcomes") == 2
    assert "'desired_outcomes' is missing" in messages
    differ = next(p for p in problems if "differ" in p.message)
    assert "declare it once under 'desired_outcomes'" in differ.hint
    assert line_of(path, differ).lstrip().startswith("outcomes_wanted:")
    moved = next(p for p in problems if "no longer lists" in p.message)
    assert "remove 'outcomes_wanted' from every ending" in moved.hint
    assert line_of(path, moved).lstrip().startswith("outcomes_wanted:")


def test_identical_old_outcome_lists_are_not_said_to_differ(write):
    data = copy.deepcopy(starter_data("case-study.yaml"))
    for ending in data["endings"]:
        ending["outcomes_wanted"] = ["Stop the money going", "Keep seeing my nephew"]
    problems, _ = case_problems(write, data)
    assert not any("differ" in p.message for p in problems)


def test_less_restrictive_for_a_person_presumed_to_have_capacity_is_an_error(write):
    """Is the MCA's less-restrictive tag refused where the person is presumed to have
    capacity, pointing to proportionality, and allowed once capacity is in question?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["nodes"][0]["choices"][1]["mca"] = ["assume-capacity", "less-restrictive"]
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.is_error and "'capacity: presumed'" in problem.message
    assert "'proportionality'" in problem.hint
    line = line_of(path, problem)
    assert line[problem.column - 1:].startswith("less-restrictive")
    for capacity in ("in-question", "lacks"):
        data["capacity"] = capacity
        assert case_problems(write, data)[0] == []


@pytest.mark.parametrize("category, step, words", [
    ("modern-slavery", "National Referral Mechanism", "refer him to the National Referral "
     "Mechanism (NRM) if he agrees"),
    ("domestic", "DASH", "complete a DASH checklist with him alone"),
])
def test_a_category_without_its_statutory_step_is_a_warning(write, category, step, words):
    """Is a case tagged with a category whose statutory step is never taught warned, at the
    tag, and is the warning gone once a trainer note teaches it?"""
    data = copy.deepcopy(starter_data("case-study.yaml"))
    data["abuse_categories"] = ["financial", category]
    problems, path = case_problems(write, data)
    (problem,) = problems
    assert problem.severity == "warning" and f"tagged '{category}'" in problem.message
    assert step in problem.message
    assert line_of(path, problem)[problem.column - 1:].startswith(category)
    data["trainer_notes"] += f" If it fits, {words}."
    assert case_problems(write, data)[0] == []
    del data["trainer_notes"]
    data["trainer_notes"] = "Use this as a warm-up."
    data["nodes"][0]["choices"][0]["feedback"] += f" Also {words}."
    assert case_problems(write, data)[0] == []


def test_a_domestic_abuse_risk_scenario_needs_a_dash_step(write):
    """Does a risk scenario tagged 'domestic' need a DASH grade or DASH in its answer?"""
    data = copy.deepcopy(starter_data("risk-scenario.yaml"))
    data["abuse_categories"] = list(data["abuse_categories"]) + ["domestic"]
    data["factors"]["domestic_abuse"] = "none"
    path = write("exercises/risks/example-item.yaml", data)
    problems = [p for p in load_file(path).problems if "statutory step" in p.message]
    (problem,) = problems
    assert "DASH" in problem.message and problem.severity == "warning"
    data["factors"]["domestic_abuse"] = "standard"
    path = write("exercises/risks/example-item.yaml", data)
    assert not [p for p in load_file(path).problems if "statutory step" in p.message]


def test_finding_words_in_the_source_agrees_with_the_whitespace_regex():
    """Does ``_find_words`` (the lint's way to place a phrase in the file) find the same
    span as the regex ``w1\\s+w2...`` it replaced, on random texts, phrases and bounds?"""
    import random
    import re

    from msp_learn.content.lint import _find_words

    rng = random.Random(20261202)
    alphabet = ["a", "b", "ab", " ", "  ", "\n", "\t", "\u00a0", ".", "é"]
    checked = found = 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        needle = " ".join(rng.choice(["a", "b", "ab", "ba", "a.", "é"])
                          for _ in range(rng.randint(1, 3)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        pattern = re.compile(r"\s+".join(re.escape(w) for w in needle.split()))
        m = pattern.search(text, start, end)
        got = _find_words(text, needle.split(), start, end)
        assert got == (None if m is None else m.span()), (text, needle, start, end)
        checked += 1
        found += m is not None
    assert checked == 4000 and found > 300  # both found and not-found cases were checked
