"""`missing-protocol check --input-format 903|ssd` (issue 7): national tables checked directly."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from missing_protocol.cli import app

MISSING = (
    "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
    "C1,14/02/2010,M,01/05/2024,03/05/2024\n"
    "C1,14/02/2010,M,10/05/2024,not a date\n"
)
HEADER = "CHILD,SEX,DOB,ETHNIC\nC1,1,14/02/2010,WBRI\n"


def _tables(tmp_path: Path) -> list[str]:
    (tmp_path / "missing.csv").write_text(MISSING)
    (tmp_path / "header.csv").write_text(HEADER)
    return [str(tmp_path / "header.csv"), str(tmp_path / "missing.csv")]


def test_check_903_runs_the_protocol_rules_and_names_the_bad_row(tmp_path: Path) -> None:
    """RHI-72H on a 903 period: 903 carries no interview, so the duty is overdue; a row with an
    unparseable MIS_END is a rejected event naming its row and column, and the run goes on."""
    args = ["check", "--input-format", "903", "--authority", "309", "--format", "json"]
    result = CliRunner().invoke(app, [*args, "--as-of", "2024-06-30", *_tables(tmp_path)])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["counts"]["episodes"] == 1
    assert [(e["line"], e["field"]) for e in out["errors"]] == [(3, "MIS_END")]
    rhi = [f for f in out["findings"] if f["rule"] == "RHI-72H"]
    assert [f["status"] for f in rhi] == ["overdue"]
    assert rhi[0]["responsible"] == "309"
    assert "rows = converted + rejected: 3 = 2 + 1" in result.stderr


def test_check_903_without_authority_is_a_usage_error(tmp_path: Path) -> None:
    """CONTRACT §3 exit code 2: 903 tables name no authority, so --authority is required."""
    result = CliRunner().invoke(app, ["check", "--input-format", "903", *_tables(tmp_path)])
    assert result.exit_code == 2
    assert "--authority" in result.stderr
