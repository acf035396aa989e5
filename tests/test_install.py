"""The slim core install (issue 11): the wheel without extras, in a fresh venv, checks and
validates; the commands that need an extra name it in one line and exit 2.

Slow-ish (builds a wheel, installs the core from the package index): marked `install`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from builders import ROOT

pytestmark = pytest.mark.install

EXAMPLES = ROOT / "examples"
HEAVY = ("matplotlib", "numpy", "h3", "jsonschema", "starlette", "uvicorn", "dask", "pandas")


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def slim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel with no extras; returns its bin directory."""
    base = tmp_path_factory.mktemp("slim")
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", base / "dist", ROOT)
    assert built.returncode == 0, built.stderr
    [wheel] = (base / "dist").glob("missing_protocol-*.whl")
    venv.create(base / "venv", with_pip=True)
    bin_dir = base / "venv" / "bin"
    installed = _run(bin_dir / "pip", "install", "-q", "--disable-pip-version-check", wheel)
    assert installed.returncode == 0, installed.stderr
    return bin_dir


def test_the_core_install_brings_none_of_the_heavy_packages(slim: Path) -> None:
    listed = _run(slim / "pip", "list", "--format", "json", "--disable-pip-version-check")
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert "missing-protocol" in names
    assert not names & set(HEAVY), names & set(HEAVY)


def test_check_runs_and_gives_the_expected_json(slim: Path) -> None:
    # CONTRACT §3 on an example log, exactly as examples/README.md records it.
    result = _run(
        slim / "missing-protocol",
        "check",
        "examples/parent-declines.jsonl",
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    expected = json.loads((EXAMPLES / "parent-declines.expected.json").read_text())
    assert json.loads(result.stdout) == expected


def test_validate_runs_on_the_example(slim: Path, tmp_path: Path) -> None:
    lines = (EXAMPLES / "parent-declines.jsonl").read_text().splitlines()
    history = tmp_path / "history.jsonl"
    history.write_text("\n".join(lines[:-1]) + "\n")
    event = tmp_path / "event.json"
    event.write_text(lines[-1])
    cli = _run(
        slim / "missing-protocol",
        "validate",
        history,
        "--event",
        event,
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
    )
    assert cli.returncode == 0, cli.stderr
    verdict = json.loads(cli.stdout)
    assert verdict["accepted"] is True and verdict["duties"]
    # The Python API in the slim install, importing every core module along the way.
    script = (
        "import json, sys, pkgutil, importlib, missing_protocol as mp\n"
        "skip = ('missing_protocol.serve', 'missing_protocol.report.charts',"
        " 'missing_protocol.report.render_html', 'missing_protocol.report.html_partnership',"
        " 'missing_protocol.report.compliance_chart', 'missing_protocol.report.html_interviews')\n"
        "for m in pkgutil.walk_packages(mp.__path__, 'missing_protocol.'):\n"
        "    if not m.name.startswith(skip) and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "lines = [json.loads(l) for l in open(sys.argv[1])]\n"
        "v = mp.validate(lines[:-1], lines[-1], as_of='2026-11-30')\n"
        "print(v.accepted, v.state_after)\n"
    )
    api = _run(slim / "python", "-c", script, EXAMPLES / "parent-declines.jsonl")
    assert api.returncode == 0, api.stderr
    assert api.stdout.split() == ["True", verdict["state_after"]]


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("serve",), "serve"),
        (("demo",), "report"),
        (
            (
                "hotspots",
                "examples/parent-declines.jsonl",
                "--from",
                "2026-01-01",
                "--to",
                "2027-01-01",
            ),
            "intelligence",
        ),
        (
            (
                "report",
                "examples/parent-declines.jsonl",
                "--from",
                "2026-01-01",
                "--to",
                "2027-01-01",
            ),
            "report",
        ),
    ],
)
def test_a_command_without_its_extra_names_it_and_exits_2(
    slim: Path, args: tuple[str, ...], extra: str
) -> None:
    result = _run(slim / "missing-protocol", *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"missing-protocol: error: `{args[0]}` needs the '{extra}' extra: "
        f"pip install 'missing-protocol[{extra}]'"
    ]
