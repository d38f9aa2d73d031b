"""Packaging: environment.yml names the same dependencies as pyproject.toml."""

import re
import tomllib

import yaml

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python" in {_name(d) for d in conda} and "pip" in conda
    listed = {_name(d) for d in conda} - {"python", "pip"}
    listed |= {_name(d) for d in pip if not d.startswith("-e")}
    assert listed == wanted, f"missing: {wanted - listed}, extra: {listed - wanted}"
    assert any(line.startswith("-e .") for line in pip), "environment.yml should install the kit"
    py = next(d for d in conda if _name(d) == "python")
    assert ">=3.11" in py and project["requires-python"] == ">=3.11"


def test_every_schema_field_has_a_description():
    """Does every field of every content model say what it is (for messages and editors)?"""
    from pydantic import BaseModel

    from msp_learn.content.messages import _models_in
    from msp_learn.schemas import KINDS

    seen, stack = set(), list(KINDS.values())
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        assert model.model_config.get("extra") == "forbid", model
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
            stack.extend(m for m in _models_in(info.annotation) if issubclass(m, BaseModel))
    assert len(seen) >= 10
