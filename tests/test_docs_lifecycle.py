"""docs/lifecycle.md and `missing-protocol diagram` are drawn from the state machine (CONTRACT §2,
§4): the page is current and the command prints every state and transition."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from missing_protocol import diagram
from missing_protocol.lifecycle import FINAL_STATES, INITIAL, RECORDING_EVENTS, STATES, TRANSITIONS

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / diagram.DOCS_PAGE


def _console_script() -> str:
    """The installed `missing-protocol` script: beside this interpreter, else on PATH."""
    beside = shutil.which("missing-protocol", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("missing-protocol")
    assert found, "the missing-protocol console script is not installed"
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_console_script(), "diagram", *args], capture_output=True, text=True, timeout=60
    )


def test_lifecycle_page_is_current() -> None:
    """CONTRACT §2 (the machine is the single definition): docs/lifecycle.md is exactly what
    `diagram.render_page()` draws from it. If this fails, run the command named in the page."""
    assert PAGE.read_text(encoding="utf-8") == diagram.render_page(), (
        f"docs/lifecycle.md is out of date: run `{diagram.REGENERATE}`"
    )


def test_lifecycle_page_covers_states_recording_events_and_order() -> None:
    """CONTRACT §2: the page has the mermaid diagram, every state, the recording events and the
    same-`at` ordering."""
    page = diagram.render_page()
    block = re.search(r"^```mermaid\n(.*?)^```", page, re.MULTILINE | re.DOTALL)
    assert block is not None and block.group(1) == diagram.mermaid()
    for state in STATES:
        assert f"`{state}`" in page
    for event in RECORDING_EVENTS:
        assert f"`{event}`" in page
    assert "1. `reported`\n2. `found`, `report_cancelled`\n3. `interview_offered`" in page


def test_write_docs_regenerates_the_page(tmp_path: Path) -> None:
    """CONTRACT §2: the regeneration script writes the page, and reports an unchanged one."""
    target = tmp_path / "docs" / "lifecycle.md"
    done = subprocess.run(
        [sys.executable, "-m", "missing_protocol.diagram", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == diagram.render_page()
    assert diagram.write_docs(target) is False


def _mermaid_transitions(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for src, dst, event in re.findall(r"^\s+(\S+) --> (\S+) : (\S+)$", text, re.MULTILINE):
        found.add((INITIAL if src == "[*]" else src, event, dst))
    return found


def test_diagram_command_mermaid_prints_every_state_and_transition() -> None:
    """CONTRACT §4 `missing-protocol diagram [--format mermaid]`: the default output is a
    mermaid state diagram with every state and every transition of the machine."""
    default = _run()
    explicit = _run("--format", "mermaid")
    assert default.returncode == explicit.returncode == 0, default.stderr + explicit.stderr
    assert default.stdout == explicit.stdout == diagram.mermaid()
    out = explicit.stdout
    assert out.startswith("stateDiagram-v2\n")
    expected = {(src, event, dst) for (src, event), dst in TRANSITIONS.items()}
    assert _mermaid_transitions(out) == expected
    for state in STATES:
        if state != INITIAL:
            assert re.search(rf"\b{state}\b", out), state
    for state in FINAL_STATES:
        assert f"    {state} --> [*]" in out
    for event in RECORDING_EVENTS:
        assert event in out


def test_diagram_command_dot() -> None:
    """CONTRACT §4 `missing-protocol diagram --format dot`: a Graphviz digraph with every state
    and transition of the machine."""
    done = _run("--format", "dot")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("digraph episode_lifecycle {") and out.rstrip().endswith("}")
    edges = set(re.findall(r'^\s+(\w+) -> (\w+) \[label="(\w+)"\];$', out, re.MULTILINE))
    assert edges == {(src, dst, event) for (src, event), dst in TRANSITIONS.items()}
    for state in STATES:
        assert re.search(rf"\b{state}\b", out), state
    for state in FINAL_STATES:
        assert f"{state} [peripheries=2];" in out


@pytest.mark.parametrize("fmt", ["svg", ""])
def test_diagram_command_unknown_format_is_a_usage_error(fmt: str) -> None:
    """CONTRACT §3 exit codes: a usage error exits 2."""
    done = _run("--format", fmt)
    assert done.returncode == 2
    assert done.stdout == ""
