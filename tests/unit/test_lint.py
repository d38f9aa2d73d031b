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
