"""A generated corpus of broken content files: each gets a clean error with a position."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from msp_learn.cli import main
from msp_learn.content import load_catalogue
from msp_learn.schemas import KINDS
from tests.conftest import ROOT, starter_data

BASES = {
    "case": starter_data("case-study.yaml", "case"),
    "myth": starter_data("myth.yaml", "myth"),
    "risk": starter_data("risk-scenario.yaml", "risk"),
    # a copy of the kit's set under its own id (the kit's 'gibbs' is loaded beside it)
    "gibbs": yaml.safe_load((ROOT / "exercises/reflections/gibbs.yaml").read_text())
    | {"id": "gibbs-copy"},
}
WRONG = [["a", "list"], {"a": "mapping"}, None, 3.5]
LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def dump(data) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


def corpus() -> list[tuple[str, bytes]]:
    """(name, bytes) of files that are each broken in one known way."""
    out: list[tuple[str, bytes]] = []
    for base_name, base in BASES.items():
        for key in base:
            if key in ("schema_version", "kind", "id"):
                continue
            dropped = copy.deepcopy(base)
            del dropped[key]
            if KINDS[base["kind"]].model_fields[key].is_required():
                out.append((f"{base_name}-missing-{key}", dump(dropped)))
            for i, wrong in enumerate(WRONG):
                bad = copy.deepcopy(base)
                bad[key] = wrong
                required = KINDS[base["kind"]].model_fields[key].is_required()
                if not isinstance(base[key], type(wrong)) and (wrong is not None or required):
                    out.append((f"{base_name}-wrongtype-{key}-{i}", dump(bad)))
        for key in ("colour", "titel", "Kind"):
            out.append((f"{base_name}-extra-{key}", dump(base | {key: "x"})))
        out.append((f"{base_name}-bad-id", dump(base | {"id": "Not An Id!"})))
        out.append((f"{base_name}-future-version", dump(base | {"schema_version": 9})))
        out.append((f"{base_name}-no-kind", dump({k: v for k, v in base.items() if k != "kind"})))
        out.append((f"{base_name}-bad-kind", dump(base | {"kind": "case_study"})))
        text = dump(base)
        out.append((f"{base_name}-truncated-flow", text + b"extra: [unclosed\n"))
        out.append((f"{base_name}-tab-indent", text.replace(b"\n  ", b"\n\t", 1)))
        out.append((f"{base_name}-dup-key", text + b"id: again\n"))
        out.append((f"{base_name}-two-docs", text + b"---\n" + text))
        out.append((f"{base_name}-nul", text[:40] + b"\x00" + text[40:]))
        out.append((f"{base_name}-latin1", text + "note: caf\u00e9\n".encode("latin-1")))
        out.append((f"{base_name}-python-tag", text + b"x: !!python/name:os.system\n"))
        out.append((f"{base_name}-custom-tag", text + b"x: !include other.yaml\n"))
        out.append((f"{base_name}-merge", b"base: &b {a: 1}\n" + text + b"<<: *b\n"))
        out.append((f"{base_name}-bad-indent", text.replace(b"\n", b"\n ", 3)))
        out.append((f"{base_name}-unclosed-quote", text + b"note: 'never closed\n"))
    case = BASES["case"]
    for i, node in enumerate(case["nodes"]):
        for j, _ in enumerate(node["choices"]):
            for target in ("nowhere", "first-visit", "he-decide"):
                bad = copy.deepcopy(case)
                bad["nodes"][i]["choices"][j]["next"] = target
                out.append((f"case-next-{i}-{j}-{target}", dump(bad)))
            for vocab_key, wrong in (("honours", ["empowerement"]), ("breaks", ["kindness"]),
                                     ("mca", ["best-interest"])):
                bad = copy.deepcopy(case)
                bad["nodes"][i]["choices"][j][vocab_key] = wrong
                out.append((f"case-{vocab_key}-{i}-{j}", dump(bad)))
    for field, wrong in (("outcome_achievement", "fully achieved"), ("risk_outcome", "gone"),
                         ("outcomes_asked", "asked"), ("outcomes_wanted", ["Old format"])):
        bad = copy.deepcopy(case)
        bad["endings"][0][field] = wrong
        out.append((f"case-ending-{field}", dump(bad)))
    bad = copy.deepcopy(case)
    bad["endings"][1]["outcome_achievement"] = "not-achieved"  # rated, but nobody asked
    out.append(("case-ending-rated-unasked", dump(bad)))
    bad = copy.deepcopy(case)
    del bad["endings"][0]["outcome_achievement"]  # asked and expressed, but not rated
    out.append(("case-ending-asked-unrated", dump(bad)))
    bad = copy.deepcopy(case)
    bad["endings"].append(copy.deepcopy(case["endings"][0]))
    out.append(("case-duplicate-ending", dump(bad)))
    bad = copy.deepcopy(case)
    bad["nodes"][0]["choices"] = bad["nodes"][0]["choices"][:1]
    out.append(("case-one-choice", dump(bad)))
    risk = BASES["risk"]
    for field, wrong in (("likelihood", 0), ("impact", 6), ("capacity", "yes"),
                         ("wishes", "no"), ("domestic_abuse", "severe"), ("coercion", "perhaps")):
        bad = copy.deepcopy(risk)
        bad["factors"][field] = wrong
        out.append((f"risk-factor-{field}", dump(bad)))
    for field, wrong in (("level", "extreme"), ("level", "low"), ("responses", ["hug"]),
                         ("escalate_to", ["the news"])):
        bad = copy.deepcopy(risk)
        bad["model_answer"][field] = wrong
        out.append((f"risk-answer-{field}-{wrong}", dump(bad)))
    gibbs = BASES["gibbs"]
    bad = copy.deepcopy(gibbs)
    bad["prompts"][0]["stage"] = "descripton"
    out.append(("gibbs-stage-typo", dump(bad)))
    bad = copy.deepcopy(gibbs)
    bad["prompts"] = bad["prompts"][:2]
    out.append(("gibbs-missing-stages", dump(bad)))
    out += [
        ("empty", b""), ("blank", b"\n\n   \n"), ("comment-only", b"# nothing here\n"),
        ("binary", bytes(range(256)) * 4), ("utf16", dump(BASES["myth"]).decode().encode("utf-16")),
        ("top-list", b"- kind: myth\n- id: x\n"), ("top-scalar", b"just some words\n"),
        ("top-number", b"42\n"), ("deep-flow", b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n"),
        ("deep-block", "".join(f"{'  ' * i}k{i}:\n" for i in range(60)).encode() + b"  " * 60
         + b"v\n"),
        ("alias-bomb", b"a: &a [x,x,x,x,x,x,x,x,x,x]\n" + b"".join(
            f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 10)}]\n".encode()
            for i in range(7))),
        ("huge", b"comment: '" + b"x" * 2_100_000 + b"'\n"),
        ("null-kind", b"schema_version: 1\nkind:\n"), ("list-kind", b"kind: [myth]\n"),
        ("key-is-list", b"? [a, b]\n: 1\n"), ("bool-version", dump(BASES["myth"] | {
            "schema_version": True})),
    ]
    return out


CORPUS = corpus()


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 200, len(CORPUS)
    assert len({name for name, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("name, content", CORPUS, ids=[n for n, _ in CORPUS])
def test_broken_file_gets_a_clean_positioned_error(tmp_path, name, content):
    """Does this broken file give at least one error, each with a real line and column?"""
    folder = {"case": "case_studies/case", "myth": "exercises/myths", "risk": "exercises/risks",
              "gibbs": "exercises/reflections"}.get(name.split("-")[0], "misc")
    path = tmp_path / folder / ("case.yaml" if folder.startswith("case_") else f"{name}.yaml")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    catalogue = load_catalogue([path])
    errors = catalogue.errors
    assert errors, f"{name} was not reported as broken"
    lines = max(1, content.count(b"\n") + 1)
    for problem in errors:
        text = str(problem)
        match = LINE.match(text)
        assert match, text
        assert 1 <= problem.line <= lines and problem.column >= 1, text
        assert "Traceback" not in text and "pydantic" not in text.lower(), text
        assert problem.message and text.count("\n") == 0


def test_whole_corpus_through_the_cli(tmp_path, capsys):
    """Does `msp-learn validate` over all broken files exit 1, printing only positioned lines?"""
    for i, (name, content) in enumerate(CORPUS):
        (tmp_path / f"{i:03d}-{name}.yaml").write_bytes(content)
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(f"INVALID: {len(CORPUS)} files checked")
    for line in out[:-1]:
        assert LINE.match(line), line
    assert len({LINE.match(line)["path"] for line in out[:-1]}) == len(CORPUS)


def test_bases_are_valid(tmp_path):
    """Sanity: the bases themselves are valid, so each mutation is what breaks a file."""
    for name, base in BASES.items():
        path = tmp_path / ("case_studies/case/case.yaml" if name == "case" else f"{name}.yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump(base))
        catalogue = load_catalogue([path])
        assert catalogue.errors == [], name
