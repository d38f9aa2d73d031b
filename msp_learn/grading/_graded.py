"""Grading an assessed notebook without its views: which cells need the kernel, and what the
assessor reads under the written answers (pure: no kernel, no nbgrader).

During autograde the display cells (``assessed.start``, ``myth``, ``risk``, ``case_walk``,
``written``) show nothing, so running them costs a kernel round trip each for no output, and
``assessed.for_assessor`` only prints what the answers file holds and the comment bank. The
``GradeWithoutViews`` step (``preprocessors``) uses :func:`shows_nothing_when_graded` to
leave the first kind unrun and :func:`for_assessor_call` with :func:`assessor_text` and
:func:`comment_bank_html` to write the second kind's output itself, once per submission in
the nbgrader process (the rubric is read once per command) instead of in every kernel.

A cell is recognised only when all of its code is the generated form: the ``assessed`` import
and calls with literal arguments. Anything else (a hand-edited cell) is left for the kernel.
"""

from __future__ import annotations

import ast

from msp_learn.grading._answers import AnswersRead

ASSESSOR_ONLY = "msp-assessor-only"  # marks outputs the feedback leaves out
DISPLAY_CALLS = frozenset({"start", "myth", "risk", "case_walk", "written"})
_IMPORT = ("msp_learn.grading", "assessed")


def _calls(source: str) -> list[tuple[str, list, dict]] | None:
    """The ``assessed.NAME(...)`` calls a cell makes, or None when it does anything else."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    calls = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module, [(a.name, a.asname) for a in
                                                               node.names]) == \
                (_IMPORT[0], [(_IMPORT[1], None)]):
            continue
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            return None
        func = node.value.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "assessed"):
            return None
        try:
            args = [ast.literal_eval(a) for a in node.value.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.value.keywords}
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        if None in kwargs:  # **mapping
            return None
        calls.append((func.attr, args, kwargs))
    return calls


def shows_nothing_when_graded(source: str) -> bool:
    """Does this cell only call display functions (which return at once during autograde)?"""
    calls = _calls(source)
    return bool(calls) and all(name in DISPLAY_CALLS for name, _, _ in calls)


def for_assessor_call(source: str) -> tuple[str, list[dict], str | None, dict | None] | None:
    """``(ident, prompts, path_of, route)`` when the cell is exactly one
    ``assessed.for_assessor`` call of the generated shape; None otherwise (the kernel runs
    it)."""
    calls = _calls(source)
    if not calls or len(calls) != 1 or calls[0][0] != "for_assessor":
        return None
    _, args, kwargs = calls[0]
    if len(args) != 2 or set(kwargs) - {"path_of", "route"}:
        return None
    ident, prompts = args
    path_of, route = kwargs.get("path_of"), kwargs.get("route")
    if not (isinstance(ident, str) and isinstance(prompts, list) and all(
            isinstance(p, dict) and isinstance(p.get("id"), str) and "text" in p
            for p in prompts) and (path_of is None or isinstance(path_of, str))
            and (route is None or isinstance(route, dict))):
        return None
    return ident, prompts, path_of, route


def _state(read: AnswersRead, kind: str, ident: str) -> dict | None:
    entry = read.activities.get(f"{kind}:{ident}") or {}
    return entry.get("state")


def assessor_text(read: AnswersRead, ident: str, prompts: list[dict],
                  path_of: str | None = None, route: dict | None = None) -> str:
    """What the assessor reads (and the learner's feedback shows): the path taken through a
    case study (in its labels, with ``route``), then each prompt and its answer. A problem
    with the answers file is not repeated here: ``NoteAnswersProblem`` says it once, at the
    top of the notebook."""
    from msp_learn.grading._case_path import describe_path

    lines = []
    answers = (_state(read, "written", ident) or {}).get("answers")
    answers = answers if isinstance(answers, dict) else {}
    if path_of:
        path = (_state(read, "case", path_of) or {}).get("path")
        lines.append(f"Path through the case study: {describe_path(path, route)}")
    for p in prompts:
        text = str(answers.get(p["id"]) or "").strip()
        lines.append(f"\n{p['text']}\n{text if text else '(no answer written)'}")
    return "".join(f"{line}\n" for line in lines)


def comment_bank_html() -> str:
    """The bank of reusable comments, for assessors only (``ASSESSOR_ONLY``)."""
    from msp_learn.grading._rubric import rubric
    from msp_learn.html import escape

    rows = "".join(f"<li><b>{escape(c.id)}</b> ({escape(c.criterion)}): {escape(c.text)}</li>"
                   for c in rubric().comments)
    return (f'<div class="{ASSESSOR_ONLY}"><p><b>For assessors: comments you can reuse</b> '
            "(copy one into the comment box, or give its id to <code>msp-learn course mark "
            "ASSIGNMENT LEARNER CELL --use ID</code>; <code>msp-learn course comments</code> "
            "lists them)</p>"
            f"<ul>{rows}</ul></div>")
