"""Checks on a case study's graph: links resolve, all reachable, every path ends, no silent loops.

Also, on the raw data so it shows alongside schema errors: endings that still carry their own
``outcomes_wanted`` lists that differ from one another (a person has one list of desired
outcomes, declared once as ``desired_outcomes``).
"""

from __future__ import annotations

from collections import deque

from msp_learn.content._yaml import Located
from msp_learn.content.messages import did_you_mean
from msp_learn.content.problems import Problem


def _records(data: dict, key: str) -> list[tuple[int, dict]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def check_case_study(path: str, data: dict, located: Located) -> list[Problem]:
    """Every structural problem in a case study's graph of nodes, choices and endings.

    Works on the raw data, so graph problems are reported alongside schema errors; parts
    with the wrong shape are skipped here (the schema reports them).
    """
    problems: list[Problem] = []

    def report(where: tuple, message: str, hint: str, severity: str = "error") -> None:
        mark = located.mark(where)
        problems.append(Problem(path, mark.line, mark.column, message, hint, severity))

    places: dict[str, tuple] = {}
    for group in ("nodes", "endings"):
        for i, item in _records(data, group):
            ident = _text(item.get("id"))
            if ident is None:
                continue
            if ident in places:
                first = located.mark(places[ident] + ("id",))
                report((group, i, "id"), f"the id '{ident}' is used twice "
                       f"(first at line {first.line})", "Give every node and ending its own id.")
            else:
                places[ident] = (group, i)
    node_ids = [_text(n.get("id")) for _, n in _records(data, "nodes")]
    endings = {_text(e.get("id")) for _, e in _records(data, "endings")} - {None}
    edges: dict[str, list[tuple[str, tuple, bool]]] = {n: [] for n in node_ids if n}

    for i, node in _records(data, "nodes"):
        node_id = _text(node.get("id"))
        seen: set[str] = set()
        for j, choice in _records(node, "choices"):
            where = ("nodes", i, "choices", j)
            choice_id = _text(choice.get("id"))
            if choice_id is not None and choice_id in seen:
                report(where + ("id",), f"the choice id '{choice_id}' is used twice in node "
                       f"'{node_id}'", "Give each choice in a node its own id.")
            seen.add(choice_id)
            honours, breaks = choice.get("honours"), choice.get("breaks")
            if isinstance(honours, list) and isinstance(breaks, list):
                both = sorted({h for h in honours if isinstance(h, str)} & set(
                    b for b in breaks if isinstance(b, str)))
                if both:
                    report(where + ("breaks",), f"'{', '.join(both)}' is listed as both "
                           "honoured and broken", "Keep each principle in one list.")
            target = _text(choice.get("next"))
            if target is None:
                continue
            if target not in places:
                report(where + ("next",), f"'next: {target}' does not match any node or "
                       "ending", did_you_mean(target, places))
            elif node_id in edges:
                edges[node_id].append((target, where, choice.get("loop") is True))

    problems.extend(_outcome_lists(path, data, located))
    start = _text(data.get("start"))
    if start is None:
        return problems
    if start not in places:
        report(("start",), f"'start: {start}' does not match any node",
               did_you_mean(start, [n for n in node_ids if n]))
        return problems
    if start in endings:
        report(("start",), "the case study starts at an ending", "Point 'start' at a node.")
        return problems

    reachable = _reach(start, edges)
    for ident, place in places.items():
        if ident not in reachable:
            report(place + ("id",), f"'{ident}' cannot be reached from the start",
                   "Point some choice's 'next' at it, or remove it.")

    incoming: dict[str, set[str]] = {ident: set() for ident in places}
    for source, targets in edges.items():
        for target, _, _ in targets:
            incoming[target].add(source)
    finishing = set(endings)
    queue = deque(endings)
    while queue:
        for source in incoming[queue.popleft()]:
            if source not in finishing:
                finishing.add(source)
                queue.append(source)
    for i, node in _records(data, "nodes"):
        node_id = _text(node.get("id"))
        if node_id in reachable and node_id not in finishing:
            report(("nodes", i, "id"), f"no path from '{node_id}' reaches an ending",
                   "Give one of its choices a 'next' that leads to an ending.")

    back_edges = _back_edges(start, edges)
    for source, targets in edges.items():
        for target, where, marked in targets:
            is_back = (source, where) in back_edges
            if is_back and not marked:
                report(where + ("next",), f"this choice loops back to '{target}'",
                       "If going back is intended, add 'loop: true' to the choice; "
                       "otherwise point it forward.")
            elif marked and not is_back:
                report(where + ("loop",), "this choice is marked 'loop: true' but does not "
                       "loop back", "Remove 'loop: true'.", "warning")
    return problems


def _reach(start: str, edges: dict[str, list]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for target, _, _ in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _back_edges(start: str, edges: dict[str, list]) -> set[tuple[str, tuple]]:
    """Choices that lead to a node already on the current path from the start (iterative DFS)."""
    back: set[tuple[str, tuple]] = set()
    state: dict[str, int] = {}  # 1 = on the path, 2 = finished
    stack = [(start, iter(edges.get(start, [])))]
    state[start] = 1
    while stack:
        node, it = stack[-1]
        step = next(it, None)
        if step is None:
            state[node] = 2
            stack.pop()
            continue
        target, where, _ = step
        if state.get(target) == 1:
            back.add((node, where))
        elif target not in state:
            state[target] = 1
            stack.append((target, iter(edges.get(target, []))))
    return back


def _outcome_lists(path: str, data: dict, located: Located) -> list[Problem]:
    """An error for each ending whose own outcome list differs from the first ending's."""
    problems: list[Problem] = []
    lists = [(i, e) for i, e in _records(data, "endings") if isinstance(e.get("outcomes_wanted"),
                                                                        list)]
    if not lists:
        return problems
    first_i, first = lists[0]
    wanted = [str(x).strip() for x in first["outcomes_wanted"]]
    for i, ending in lists[1:]:
        these = [str(x).strip() for x in ending["outcomes_wanted"]]
        if set(these) == set(wanted):
            continue
        missing = [w for w in wanted if w not in these]
        extra = [w for w in these if w not in wanted]
        diff = "; ".join(part for part in (
            f"it leaves out '{missing[0]}'" if missing else "",
            f"it adds '{extra[0]}'" if extra else "") if part)
        mark = located.mark(("endings", i, "outcomes_wanted"), key=True)
        problems.append(Problem(
            path, mark.line, mark.column, f"this ending's outcomes differ from those of ending "
            f"'{first.get('id')}' ({diff})", "A person has one list of desired outcomes for the "
            "whole story: declare it once under 'desired_outcomes', so every ending is measured "
            "against the same list."))
    return problems
