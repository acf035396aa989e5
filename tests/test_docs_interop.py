"""docs/interop.md stays true: its Python examples run, and its table of DfE codes lists every
registered `ssda903` rule with the DfE message the findings carry (issue 16, point 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from missing_protocol.rules import rules_of
from missing_protocol.ssda903.dfe import MESSAGES

PAGE = (Path(__file__).parent.parent / "docs" / "interop.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```python\n(.*?)```", PAGE, re.S)


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_the_python_examples_run(number: int) -> None:
    exec(compile(EXAMPLES[number], f"docs/interop.md example {number + 1}", "exec"), {})


def test_the_code_table_lists_every_dfe_rule_with_its_message() -> None:
    rows = re.findall(r"^\| (\w+) \| (.+?) \| (.+?) \|$", PAGE, re.M)
    table = {code: message for code, message, _ in rows if code in MESSAGES}
    assert list(table) == [r.id for r in rules_of("ssda903")]
    assert table == {r.id: MESSAGES[r.id] for r in rules_of("ssda903")}
