"""docs/api.md documents every public name of `missing_protocol` (issue 12, API reference).

mkdocstrings renders `::: missing_protocol` from griffe's view of the package: a name in
`__all__` that griffe sees as a submodule (as `check`) would silently drop out of the page, so
such a name needs its own `::: module.name` line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import missing_protocol

griffe = pytest.importorskip("griffe", reason="the docs extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "api.md"


def test_every_public_name_is_on_the_api_page() -> None:
    """Issue 12: the API reference covers `missing_protocol.__all__`, nothing left out."""
    package = griffe.load("missing_protocol", search_paths=[str(ROOT / "src")])
    page = PAGE.read_text(encoding="utf-8")
    explicit = set(re.findall(r"^::: missing_protocol\.(?:\w+\.)*(\w+)$", page, re.MULTILINE))
    filtered = set(re.findall(r'"!\^(\w+)\$"', page))
    assert "::: missing_protocol\n" in page
    for name in missing_protocol.__all__:
        member = package.members.get(name)
        assert member is not None, f"{name} is in __all__ but griffe cannot see it"
        if member.is_module or name in filtered:
            assert name in explicit, f"{name}: add `::: missing_protocol.<module>.{name}` to api.md"
