"""Read YAML into plain data while keeping where every key and value sits in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_BYTES = 2_000_000

Path = tuple[Any, ...]

#: libyaml's parser when PyYAML was built with it (its wheels are): the same nodes and marks
#: as the pure-Python parser, several times faster on the kit's files. It is used only where
#: the two agree: on text without tabs (libyaml takes some tabs the pure parser refuses), and
#: never for the message about a file that will not parse (the pure parser's says more, e.g.
#: which character is wrong): then the pure parser reads the file again.
_FAST = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Node | None:
    if _FAST is not None and "\t" not in text:
        try:
            return _single_node(_FAST, text)
        except yaml.YAMLError:
            pass  # the pure parser says what is wrong, below
    return _single_node(yaml.SafeLoader, text)


def _single_node(loader_class, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass
class Located:
    """Parsed data plus the position of every value (``values``) and mapping key (``keys``)."""

    data: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> Mark:
        """The best position for ``path``: itself, else its nearest ancestor."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Mark(1, 1))


class YamlError(Exception):
    """The text is not usable YAML; carries a position and a fix."""

    def __init__(self, message: str, mark: Mark, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.hint = hint


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain Python data, recording positions."""

    def __init__(self) -> None:
        self.located = Located(None)
        self.constructor = SafeConstructor()
        self.count = 0
        self.problems: list[YamlError] = []

    def build(self, node: Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError("the file expands to too many values", _mark(node),
                            "Remove repeated anchors/aliases (&name / *name).")
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", _mark(node),
                            "Content files need only a few levels; flatten this part.")
        self.located.values[path] = _mark(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, path, depth)
        raise YamlError("unsupported YAML node", _mark(node))  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        if not node.tag.startswith("tag:yaml.org,2002:"):
            raise YamlError(f"the tag {node.tag!r} is not allowed", _mark(node),
                            "Remove the '!' tag; content files hold plain values.")
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(f"cannot read this value ({exc.problem or exc})", _mark(node),
                            "Quote it if it is meant as text.") from None
        except (ValueError, OverflowError) as exc:
            raise YamlError(f"cannot read this value ({exc})", _mark(node),
                            "Quote it if it is meant as text.") from None

    def mapping(self, node: MappingNode, path: Path, depth: int) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("merge keys ('<<') are not supported", _mark(key_node),
                                "Write the keys out in full.")
            if not isinstance(key_node, ScalarNode):
                raise YamlError("a key must be a plain word", _mark(key_node),
                                "Use 'name: value' with a simple name before the colon.")
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key) if isinstance(key, (int, float, bool)) or key is None else key
            if key in result:
                first = self.located.keys[path + (key,)]
                self.problems.append(YamlError(
                    f"the key '{key}' appears twice (first at line {first.line})",
                    _mark(key_node), "Keep one of them; YAML would silently drop the first."))
                continue
            self.located.keys[path + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result


def _deepest_bracket(text: str) -> Mark:
    """Where bracket nesting first passes MAX_DEPTH, for files too deep to compose."""
    depth, line, col = 0, 1, 0
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return Mark(line, col)
        elif ch in "]}":
            depth -= 1
    return Mark(1, 1)


def decode(raw: bytes) -> str:
    """Decode file bytes as UTF-8 text, or raise YamlError saying where it is not text."""
    if len(raw) > MAX_BYTES:
        raise YamlError(f"the file is larger than {MAX_BYTES // 1_000_000} MB", Mark(1, 1),
                        "Content files are small text files; split this one up.")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        return_mark = _offset_mark(raw, offset)
        raise YamlError("this is not a text file (it contains NUL bytes)", return_mark,
                        "Save the file as plain UTF-8 text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError("this is not UTF-8 text", _offset_mark(raw, exc.start),
                        "Save the file as UTF-8 text.") from None


def _offset_mark(raw: bytes, offset: int) -> Mark:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    return Mark(line, offset - (before.rfind(b"\n") + 1) + 1)


def parse(text: str) -> tuple[Located, list[YamlError]]:
    """Parse one YAML document. Raises YamlError when unreadable; returns soft problems too."""
    if not text.strip():
        raise YamlError("the file is empty", Mark(1, 1),
                        "Start with 'schema_version: 1' and 'kind: ...', or run 'msp-learn new'.")
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        what = exc.problem or "this is not valid YAML"
        if "expected a single document" in str(exc):
            what, hint = "the file holds more than one YAML document", "Remove the '---' line."
        else:
            hint = "Check the indentation and that text with ':' or '#' is in quotes."
        raise YamlError(f"YAML syntax: {what}", where, hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}", Mark(1, 1)) from None
    except RecursionError:
        raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", _deepest_bracket(text),
                        "Content files need only a few levels; flatten this part.") from None
    if node is None:
        raise YamlError("the file holds only comments", Mark(1, 1),
                        "Start with 'schema_version: 1' and 'kind: ...'.")
    builder = _Builder()
    builder.located.data = builder.build(node, (), 0)
    return builder.located, builder.problems
