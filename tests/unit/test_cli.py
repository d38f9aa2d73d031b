"""The msp-learn command line: exit codes and output."""

import json
import subprocess
import sys

import pytest

from msp_learn.cli import main
from msp_learn.schemas.export import JSON_DIR, json_schemas
from tests.conftest import ROOT, starter


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_kit_content_is_clean(capsys):
    """Does the kit's own content validate with exit 0?"""
    code, out, _ = run(capsys, "validate", str(ROOT / "case_studies"), str(ROOT / "exercises"))
    assert code == 0, out
    assert out.startswith("OK:") or "OK:" in out


def test_validate_broken_file_exits_1_with_position(capsys, write):
    path = write("exercises/myths/broken.yaml", starter("myth.yaml", "broken").replace(
        "is_myth: true", "is_myth: maybe"))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert f"{path}:7:10: 'is_myth' should be true or false, not the text 'maybe'." in out
    assert "INVALID: 1 file checked, 1 error, 0 warnings." in out


def test_usage_errors_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "no-such"))
    assert code == 2 and "no such file or folder" in err
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    code, _, err = run(capsys, "new", "myth", "Bad Name", "--root", str(tmp_path))
    assert code == 2 and "not a valid id" in err


@pytest.mark.parametrize("kind", ["case-study", "myth", "risk"])
def test_new_writes_a_file_that_validates(capsys, tmp_path, kind):
    code, out, _ = run(capsys, "new", kind, "fresh-item", "--root", str(tmp_path))
    assert code == 0
    written = out.split()[1]
    code, out, _ = run(capsys, "validate", written)
    assert code == 0, out
    code, _, err = run(capsys, "new", kind, "fresh-item", "--root", str(tmp_path))
    assert code == 2 and "already exists" in err


def test_list_shows_content(capsys):
    code, out, _ = run(capsys, "list", "--json", str(ROOT / "exercises"))
    rows = json.loads(out)
    assert code == 0
    assert {"kind": "reflection-set", "id": "gibbs"}.items() <= next(
        r for r in rows if r["id"] == "gibbs").items()
    code, out, _ = run(capsys, "list", "--kind", "myth", str(ROOT / "exercises"))
    assert out.startswith("myth (") and "reflection-set" not in out


def test_json_schemas_are_up_to_date():
    """Do the committed JSON Schema files match the models (run 'msp-learn schema')?"""
    for name, text in json_schemas().items():
        assert (JSON_DIR / name).read_text() == text, f"{name} is stale: run 'msp-learn schema'"


def test_console_script_runs():
    """Does the installed `msp-learn` entry point work as a process?"""
    result = subprocess.run([sys.executable, "-m", "msp_learn.cli", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("msp-learn ")
