"""Turn pydantic validation errors into author-friendly problems with positions and fixes."""

from __future__ import annotations

import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from msp_learn.content._yaml import Located
from msp_learn.content.problems import Problem


def close_match(word: Any, options: typing.Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option closest to ``word``, if any is close enough to be a likely misspelling."""
    if not isinstance(word, str):
        return None
    found = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: Any, options: typing.Iterable[str], *, show_all: int = 12,
                 cutoff: float = 0.6) -> str:
    """A hint naming the closest option, or listing the options when none is close."""
    options = list(options)
    guess = close_match(word, options, cutoff)
    if guess:
        return f"Did you mean '{guess}'?"
    shown = ", ".join(options[:show_all]) + (", ..." if len(options) > show_all else "")
    return f"Use one of: {shown}."


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _literals_in(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [a for a in typing.get_args(annotation) if isinstance(a, str)]
    return [v for arg in typing.get_args(annotation) for v in _literals_in(arg)]


def field_at(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model holding the last named step of ``loc``, and that field's info."""
    current: type[BaseModel] | None = model
    owner, info = None, None
    for step in loc:
        if isinstance(step, int) or current is None:
            continue
        info = current.model_fields.get(step)
        owner = current
        if info is None:
            return owner, None
        inner = _models_in(info.annotation)
        current = inner[0] if inner else None
    return owner, info


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, dict):
        return "a set of keys and values"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"a {type(value).__name__}"


_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list (lines starting with '- ')", "dict_type": "a set of keys and values",
    "model_type": "a set of keys and values", "model_attributes_type": "a set of keys and values",
    "literal_error": "one of the allowed values",
}


#: Keys that moved elsewhere in the format: (model name, key) -> how to fix the file.
MOVED_KEYS = {
    ("Ending", "outcomes_wanted"): (
        "an ending no longer lists the person's outcomes",
        "Declare them once, in the person's own words, under 'desired_outcomes' at the top "
        "of the file, then remove 'outcomes_wanted' from every ending."),
}


def _about(info: FieldInfo | None) -> str:
    return f"It is: {info.description}" if info is not None and info.description else ""


def _slugify(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "my-id"


def translate(path: str, model: type[BaseModel], exc: ValidationError,
              located: Located) -> list[Problem]:
    """One Problem per error in ``exc``, placed at the right line and column."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind, value = err["type"], err.get("input")
        owner, info = field_at(model, loc)
        names = [step for step in loc if isinstance(step, str)]
        name = names[-1] if names else "file"
        mark = located.mark(loc)
        if kind == "missing":
            mark = located.mark(loc[:-1])
            message = f"'{name}' is missing"
            hint = f"Add '{name}:'. {_about(info)}".strip()
        elif kind == "content_rule":
            ctx = err.get("ctx", {})
            mark = located.mark(loc + (ctx.get("field", ""),))
            message, hint = ctx.get("message", err["msg"]), ctx.get("hint", "")
        elif kind == "extra_forbidden" and owner is not None and (
                owner.__name__, name) in MOVED_KEYS:
            mark = located.mark(loc, key=True)
            message, hint = MOVED_KEYS[(owner.__name__, name)]
        elif kind == "extra_forbidden":
            mark = located.mark(loc, key=True)
            allowed = list(owner.model_fields) if owner else []
            message = f"unknown key '{name}'"
            hint = (did_you_mean(name, allowed, show_all=30, cutoff=0.75).replace("Use one of",
                    "Remove it; the keys allowed here are") if allowed else "Remove it.")
        elif kind == "literal_error" and not isinstance(value, str):
            allowed = _literals_in(info.annotation) if info is not None else []
            message = f"'{name}' should be one of the allowed values, not {_describe(value)}"
            hint = did_you_mean(None, allowed)
        elif kind == "literal_error":
            allowed = _literals_in(info.annotation) if info is not None else []
            where = f" for '{name}'" if names else ""
            message = f"'{value}' is not an allowed value{where}"
            hint = did_you_mean(value, allowed)
        elif kind == "string_pattern_mismatch":
            message = f"'{value}' is not a valid id for '{name}'"
            hint = (f"Use lower-case letters, digits and hyphens, e.g. '{_slugify(value)}'.")
        elif kind in ("string_too_short", "too_short") and not value:
            message = f"'{name}' is empty"
            hint = f"Fill it in. {_about(info)}".strip()
        elif kind == "too_short":
            need = err.get("ctx", {}).get("min_length", 1)
            message = f"'{name}' has {len(value)} entr{'y' if len(value) == 1 else 'ies'}; it needs at least {need}"
            hint = _about(info)
        elif kind in _EXPECTED:
            message = f"'{name}' should be {_EXPECTED[kind]}, not {_describe(value)}"
            hint = _about(info)
        else:
            message = f"'{name}': {err['msg'][0].lower()}{err['msg'][1:]}"
            hint = _about(info)
        problems.append(Problem(path, mark.line, mark.column, message, hint))
    return problems
