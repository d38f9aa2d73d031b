"""The path a learner took through a case study, in the content's words (pure: no kernel).

The answers file records choice ids (``state['path']``), which are unique only within their
node; the assessor and the learner's feedback read the choices' labels instead, replayed from
the start node, and the ending reached.
"""

from __future__ import annotations


def route_of(case: dict) -> dict:
    """What :func:`describe_path` needs of a case study (the builder's walk dict): the start
    node, each node's choices as ``{choice_id: [label, next]}`` and the endings' titles."""
    return {"start": case["start"],
            "choices": {n["id"]: {c["id"]: [c["label"], c["next"]] for c in n["choices"]}
                        for n in case["nodes"]},
            "endings": {e["id"]: e["title"] for e in case["endings"]}}


def describe_path(path, route: dict | None = None) -> str:
    """``path`` as the labels of the choices made, then the ending reached; a choice that is
    not in the case study (an edited file) is shown by its id. 'not recorded' when empty."""
    if not isinstance(path, list) or not path:
        return "not recorded"
    if not isinstance(route, dict):
        return " -> ".join(map(str, path))
    choices, endings = route.get("choices") or {}, route.get("endings") or {}
    node, steps = route.get("start"), []
    for choice_id in path:
        found = (choices.get(node) or {}).get(choice_id) if node is not None else None
        if not found:
            steps.append(str(choice_id))
            node = None
            continue
        label, node = found
        steps.append(str(label))
        if node in endings:
            steps.append(f"ending reached: {endings[node]}")
            node = None
    return " -> ".join(steps)
