"""The parts of the house import one way (issue 16, point 4; docs/architecture.md).

Every `import` of a `missing_protocol` module, at the top of a file or inside a function, is
read from the source and checked against the directions below: the core imports no format,
report, intelligence, check or CLI module; the shared ground under report and intelligence
imports only the core; intelligence never imports report (report composes intelligence); the
national formats (903, SSD) are imported by no core, check, report or intelligence module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "missing_protocol"

# A module's part is that of the longest prefix of its dotted name listed here.
PARTS = {
    "model": "core",
    "clock": "core",
    "lifecycle": "core",
    "episode": "core",
    "assembly": "core",  # the values a fold gives (episode.assemble re-exports them)
    "responsibility": "core",
    "matching": "core",
    "profiles": "core",
    "rules": "core",
    "diagram": "core",
    "privacy": "core",  # pseudonyms put into parsed events, before anything is computed
    "check": "check",
    "engine": "check",  # the batch path of check, derived from the core's rules
    "workflow": "check",  # one-event validation: the reader, fold and rules reused
    "serve": "cli",  # the HTTP edge, as thin as the CLI
    "formats": "events",  # the event log reader and writer
    "tabular": "national",
    "ssda903": "national",
    "ssd": "national",
    "common": "common",
    "report": "report",
    "intelligence": "intelligence",
    "synth": "synth",
    "cli": "cli",
    "": "api",  # missing_protocol/__init__.py, the public API
}

# What each part may import besides itself.
ALLOWED = {
    "core": set(),
    "events": {"core"},
    "check": {"core", "events"},
    "national": {"core", "events", "check"},
    "common": {"core"},
    "intelligence": {"core", "events", "check", "common"},
    "report": {"core", "events", "check", "common", "intelligence"},
    "synth": {"core", "events", "common"},
    "api": {"core", "events", "check", "national"},
    "cli": {"core", "events", "check", "national", "common", "report", "intelligence", "synth"},
}


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def part_of(dotted: str) -> str | None:
    """The part of `missing_protocol.<dotted>`; None for a module no part claims yet."""
    if not dotted:
        return PARTS[""]
    names = dotted.split(".")
    for n in range(len(names), 0, -1):
        if ".".join(names[:n]) in PARTS:
            return PARTS[".".join(names[:n])]
    return None


def imports_of(path: Path) -> set[str]:
    """Every missing_protocol module the file imports (dotted, without the package name)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from missing_protocol import x`: x may be a module; judge it as one.
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name == "missing_protocol" or name.startswith("missing_protocol."):
                found.add(name.removeprefix("missing_protocol").lstrip("."))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_is_a_module_of_the_package() -> None:
    for name in PARTS:
        if name:
            assert (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file(), name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _dotted(p) or "missing_protocol")
def test_imports_go_one_way(path: Path) -> None:
    mine = part_of(_dotted(path))
    if mine is None:
        pytest.skip(f"{_dotted(path)} belongs to no part yet: add it to PARTS")
    wrong = sorted(
        target for target in imports_of(path) if part_of(target) not in (None, mine, *ALLOWED[mine])
    )
    assert wrong == [], f"{mine} module {_dotted(path)} imports {wrong}"


def test_the_core_imports_no_format_report_intelligence_or_cli_module() -> None:
    # Stated directly, beside the table: the rule the table must never loosen.
    assert ALLOWED["core"] == set()
    for part in ("national", "report", "intelligence", "common", "synth", "cli", "check"):
        assert "core" in ALLOWED[part]
    assert "report" not in ALLOWED["intelligence"] and "intelligence" in ALLOWED["report"]
    assert not ALLOWED["common"] - {"core"}
