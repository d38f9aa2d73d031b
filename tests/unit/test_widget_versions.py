"""The widget code a kit page loads was built for the JupyterLab packages Voila's page carries.

Voila's page script (``voila.js``) provides one copy of each shared JupyterLab package; every
federated extension the kit lets into its pages (``server._argv.EXTENSION_ALLOWLIST``) asks
for a semver range of each. When a range is not met, webpack's module federation logs
"Unsatisfied version" in the browser console and runs the extension on the older copy
anyway. This reads the built files of the installed packages, so a dependency bump that
brings the mismatch back fails here, before any browser starts.
"""

import re
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path
from jupyterlab_server.config import get_federated_extensions

from msp_learn.server._argv import EXTENSION_ALLOWLIST

#: A package's registration in a built bundle: ``<fn>("@scope/name","1.2.3",``.
PROVIDED = re.compile(r'[\w$]\("((?:@[\w.-]+/)?[\w.-]+)","(\d+)\.(\d+)\.(\d+)[^"]*",')
#: What a consumer asks for, webpack's parsed range: ``"@scope/name",!1,[1,4,2,5]``; a
#: leading 1 is a caret range (^4.2.5).
REQUIRED = re.compile(r'"((?:@[\w.-]+/)?[\w.-]+)",\s*(?:!\d,\s*|false,\s*|true,\s*)?\[(\d+),(\d+),(\d+),(\d+)')


def _version_tuple(groups) -> tuple[int, int, int]:
    return tuple(int(g) for g in groups)


def provided_by(script: str) -> dict[str, tuple[int, int, int]]:
    """The packages a built bundle registers in the shared scope, with their versions."""
    return {m[1]: _version_tuple(m.groups()[1:]) for m in PROVIDED.finditer(script)}


def required_by(script: str) -> dict[str, tuple[int, tuple[int, int, int]]]:
    """The ranges a built extension asks for: name -> (range kind, lowest version)."""
    return {m[1]: (int(m[2]), _version_tuple(m.groups()[2:])) for m in REQUIRED.finditer(script)}


def satisfies(version: tuple[int, int, int], kind: int, lowest: tuple[int, int, int]) -> bool:
    """Does ``version`` meet the caret range ``^lowest`` (webpack's kind 1)?"""
    assert kind == 1, f"range kind {kind} is not a caret range: teach this test to read it"
    if version < lowest:
        return False
    major, minor = lowest[0], lowest[1]
    if major > 0:
        return version[0] == major
    return version[:2] == (0, minor) if minor > 0 else version == lowest


def mismatches(page: str, extensions: dict[str, str]) -> list[str]:
    """Every shared package some extension asks for that the page provides at a version
    outside the range (extensions' own registrations count as provided too)."""
    provided = provided_by(page)
    for script in extensions.values():
        for name, version in provided_by(script).items():
            provided.setdefault(name, version)
    found = []
    for extension, script in extensions.items():
        for name, (kind, lowest) in sorted(required_by(script).items()):
            if name in provided and not satisfies(provided[name], kind, lowest):
                have = ".".join(map(str, provided[name]))
                found.append(f"{extension} asks for {name} ^{'.'.join(map(str, lowest))}, "
                             f"the page has {have}")
    return found


def _voila_page_script() -> str:
    for root in jupyter_path("voila", "templates", "base", "static"):
        script = Path(root) / "voila.js"
        if script.is_file():
            return script.read_text(encoding="utf-8")
    pytest.fail("Voila's page script (voila/templates/base/static/voila.js) is not installed")


def _allowed_extensions() -> dict[str, str]:
    """The built entry script of each extension a kit page loads: the allowlist, less the
    Voila widget manager for the other ipywidgets major version (Voila loads one)."""
    import ipywidgets
    from voila.utils import get_voila_labextensions_path

    found = get_federated_extensions(get_voila_labextensions_path())
    other = "7" if ipywidgets.__version__.startswith("8.") else "8"
    scripts = {}
    for name in EXTENSION_ALLOWLIST:
        if name in found and name != f"@voila-dashboards/widgets-manager{other}":
            entry = Path(found[name]["ext_path"]) / found[name]["jupyterlab"]["_build"]["load"]
            scripts[name] = entry.read_text(encoding="utf-8")
    return scripts


def test_the_installed_widget_code_was_built_for_voilas_page():
    """Does every extension the kit's pages load ask only for package versions Voila's page
    provides (no "Unsatisfied version" warning in any learner's console)?"""
    page, extensions = _voila_page_script(), _allowed_extensions()
    assert "@jupyter-widgets/jupyterlab-manager" in extensions
    assert any(name.startswith("@voila-dashboards/widgets-manager") for name in extensions)
    assert len(provided_by(page)) >= 20, "the page script's shared packages were not found"
    assert all(required_by(s) for s in extensions.values()), "an extension's ranges were not read"
    assert mismatches(page, extensions) == []


def test_a_mismatch_is_found_and_named():
    """Does the check name an extension built for a newer JupyterLab than the page's, and
    accept one built for the page's own?"""
    page = 'a("@jupyterlab/rendermime","4.2.5",(()=>1)),a("@lumino/widgets","2.5.0",(()=>2)),'
    newer = 'x("@jupyterlab/rendermime",!1,[1,4,5,10]),x("@lumino/widgets",!1,[1,2,3,1,,"alpha",0])'
    same = 'x("@jupyterlab/rendermime",[1,4,2,4]),y("@jupyterlab/other",[1,9,0,0])'
    assert mismatches(page, {"new-ext": newer}) == [
        "new-ext asks for @jupyterlab/rendermime ^4.5.10, the page has 4.2.5"]
    assert mismatches(page, {"same-ext": same}) == []
    assert satisfies((4, 6, 6), 1, (4, 2, 4)) and not satisfies((5, 0, 0), 1, (4, 2, 4))
    assert satisfies((0, 3, 9), 1, (0, 3, 1)) and not satisfies((0, 4, 0), 1, (0, 3, 1))
