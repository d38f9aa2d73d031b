"""Reading YAML with positions."""

import pytest

from msp_learn.content._yaml import MAX_DEPTH, Mark, YamlError, decode, parse


def test_positions_of_keys_and_values_are_recorded():
    """Are keys and values placed at their 1-based line and column?"""
    located, problems = parse("a: 1\nb:\n  - x: hello\n")
    assert problems == []
    assert located.data == {"a": 1, "b": [{"x": "hello"}]}
    assert located.keys[("b", 0, "x")] == Mark(3, 5)
    assert located.values[("b", 0, "x")] == Mark(3, 8)
    assert located.mark(("b", 0, "missing")) == Mark(3, 5)


def test_duplicate_keys_are_reported_not_dropped():
    """Does a repeated key give a problem naming the first occurrence?"""
    _, problems = parse("id: a\ntitle: x\nid: b\n")
    assert len(problems) == 1
    assert problems[0].mark == Mark(3, 1)
    assert "first at line 1" in problems[0].message


@pytest.mark.parametrize("text, line", [
    ("a: [1, 2\n", 2), ("a: 1\n b: 2\n", 2), ("- a\nb: 1\n", 2), ("a: 'open\n", 2),
])
def test_syntax_errors_have_a_position(text, line):
    """Does broken YAML raise YamlError with the line of the problem?"""
    with pytest.raises(YamlError) as info:
        parse(text)
    assert info.value.mark.line == line
    assert info.value.message.startswith("YAML syntax")


def test_python_tags_are_refused():
    """Is an arbitrary-object tag refused rather than constructed?"""
    with pytest.raises(YamlError, match="tag"):
        parse("a: !!python/object:os.system echo\n")


def test_alias_bombs_are_stopped():
    """Does a billion-laughs file stop with an error instead of eating memory?"""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    with pytest.raises(YamlError, match="too many values"):
        parse("\n".join(lines) + "\n")


def test_deep_nesting_is_stopped_with_a_position():
    """Is nesting deeper than the limit reported (including past Python's recursion limit)?"""
    with pytest.raises(YamlError, match="nesting"):
        parse("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    with pytest.raises(YamlError, match="nesting") as info:
        parse("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert info.value.mark.line == 1 and info.value.mark.column > MAX_DEPTH


def test_binary_and_non_utf8_are_refused_with_a_place():
    """Do NUL bytes and invalid UTF-8 give an error at the offending byte?"""
    with pytest.raises(YamlError, match="not a text file") as info:
        decode(b"a: 1\nb: \x00\n")
    assert info.value.mark == Mark(2, 4)
    with pytest.raises(YamlError, match="UTF-8"):
        decode(b"a: \xff\xfe\n")


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_files(text):
    with pytest.raises(YamlError):
        parse(text)


def test_several_documents_are_refused():
    with pytest.raises(YamlError, match="more than one"):
        parse("a: 1\n---\nb: 2\n")


def _libyaml():
    """PyYAML's libyaml loader. Its wheels (pip) and conda-forge's package carry it; without
    it the kit still reads content, with the pure parser only, several times slower."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    assert fast is not None, ("this PyYAML was built without libyaml: install PyYAML's "
                              "wheel (pip install --force-reinstall --only-binary :all: PyYAML)")
    return fast


def _parsed_by(monkeypatch, fast, text):
    from msp_learn.content import _yaml

    monkeypatch.setattr(_yaml, "_FAST", fast)
    try:
        located, problems = parse(text)
    except YamlError as exc:
        return ("error", exc.message, exc.mark)
    return (located.data, located.values, located.keys, [(p.message, p.mark) for p in problems])


def test_libyaml_reads_every_kit_file_as_the_pure_parser_does(monkeypatch):
    """libyaml (when PyYAML has it) is only a faster way to the same data and positions."""
    import glob
    from pathlib import Path

    fast = _libyaml()
    root = Path(__file__).resolve().parents[2]
    files = [Path(f) for d in ("case_studies", "exercises")
             for f in glob.glob(str(root / d / "**" / "*.yaml"), recursive=True)]
    assert len(files) >= 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _parsed_by(monkeypatch, fast, text) == _parsed_by(monkeypatch, None, text), path


@pytest.mark.parametrize("text, says", [
    ("a: 1\nb:\n\t- x\n", "'\\t'"),  # a tab: only the pure parser reads such text
    ("a: [1, 2\nb: x\n", "expected ',' or ']', but got ':'"),  # the pure parser's words
])
def test_tabs_and_broken_files_get_the_pure_parsers_message(monkeypatch, text, says):
    fast = _parsed_by(monkeypatch, _libyaml(), text)
    assert fast == _parsed_by(monkeypatch, None, text)
    assert fast[0] == "error" and says in fast[1]
