"""`missing-protocol check --input-format 903 --collection-year` (issue 16): the DfE rules on a
903 return, with file and line, listed like a linter; the same through `ssda903.check_return`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from builders import shipped_schema
from missing_protocol import ssda903
from missing_protocol.cli import app

HEADER = "CHILD,SEX,DOB,ETHNIC\nC1,1,14/02/2010,WBRI\nC2,2,01/01/2011,WBRI\n"
MISSING = (
    "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
    "C1,14/02/2010,M,01/05/2024,31/05/2024\n"
    "C1,14/02/2010,m,05/05/2024,06/06/2024\n"  # 574: starts before row 2 ends
    "C3,01/01/2010,M,01/06/2024,02/06/2024\n"  # INT04: no Header row
)
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "C1,01/04/2024,S,C2,N1,U1,PR1,,\n"
    "C3,10/06/2024,S,C2,N1,U1,PR1,,\n"  # 577/578/581: C3 missing before care began
)
CLEAN = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,14/02/2010,M,01/05/2024,03/05/2024\n"


def _files(tmp_path: Path, **tables: str) -> list[str]:
    paths = []
    for name, text in tables.items():
        (tmp_path / f"{name}.csv").write_text(text)
        paths.append(str(tmp_path / f"{name}.csv"))
    return paths


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["check", "--input-format", "903", "--as-of", "2024-07-01", *args]
    )
    return result.exit_code, result.stdout


def test_header_and_missing_give_the_dfe_findings_with_file_and_line(tmp_path: Path) -> None:
    files = _files(tmp_path, header=HEADER, missing=MISSING)
    code, out = _check("--collection-year", "2024/25", "--format", "json", *files)
    assert code == 1  # breached findings exit 1, as check (CONTRACT §3)
    payload = json.loads(out)
    jsonschema.validate(payload, shipped_schema("check-result.schema.json"))
    missing = str(tmp_path / "missing.csv")
    found = [(f["rule"], f["file"], f["line"], f["field"]) for f in payload["findings"]]
    assert found == [("574", missing, 3, "MIS_START"), ("INT04", missing, 4, "CHILD")]
    first = payload["findings"][0]
    assert (first["status"], first["child_id"], first["source"]) == (
        "breached",
        "C1",
        "DfE SSDA903 validation",
    )
    assert first["message"].startswith("A new missing/away from placement")
    # Without --authority only the DfE findings: no episodes were judged.
    assert payload["counts"]["episodes"] == 0


def test_with_episodes_and_authority_the_protocol_findings_follow(tmp_path: Path) -> None:
    files = _files(tmp_path, header=HEADER, missing=MISSING, episodes=EPISODES)
    code, out = _check(
        "--collection-year", "2024/25", "--authority", "309", "--format", "json", *files
    )
    assert code == 1
    findings = json.loads(out)["findings"]
    dfe = [(f["rule"], f["line"]) for f in findings if "line" in f]
    assert dfe == [("574", 3), ("INT04", 4), ("577", 4), ("578", 4), ("581", 4)]
    protocol = {f["rule"] for f in findings if "line" not in f}
    assert {"RHI-72H", "NOTIFY-IRO"} <= protocol


def test_text_lists_the_dfe_findings_by_file_and_line(tmp_path: Path) -> None:
    files = _files(tmp_path, header=HEADER, missing=MISSING, episodes=EPISODES)
    code, out = _check("--collection-year", "2024/25", *files)
    missing = str(tmp_path / "missing.csv")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"{missing}:3: 574 MIS_START A new missing")
    assert [line.split(" ")[1] for line in lines[1:5]] == ["INT04", "577", "578", "581"]
    assert all(line.startswith(f"{missing}:4: ") for line in lines[1:5])


def test_a_clean_return_exits_0(tmp_path: Path) -> None:
    files = _files(tmp_path, header=HEADER, missing=CLEAN)
    code, out = _check("--collection-year", "2024/25", *files)
    assert code == 0, out


def test_collection_year_usage_errors_exit_2(tmp_path: Path) -> None:
    files = _files(tmp_path, header=HEADER, missing=CLEAN)
    assert _check("--collection-year", "2024", *files)[0] == 2
    events = CliRunner().invoke(app, ["check", "--collection-year", "2024/25", *files])
    assert events.exit_code == 2 and "needs --input-format 903" in events.output


def test_the_python_api_gives_the_same_findings() -> None:
    sources = [("header.csv", io.StringIO(HEADER)), ("missing.csv", io.StringIO(MISSING))]
    checked = ssda903.check_return(sources, "2024/25", as_of="2024-07-01")
    assert checked.conversion is None
    assert [(f.rule, f.file, f.line) for f in checked.result.findings] == [
        ("574", "missing.csv", 3),
        ("INT04", "missing.csv", 4),
    ]
    assert checked.result.exit_code == 1


def test_a_table_on_standard_input_is_named_as_given(tmp_path: Path) -> None:
    """903 findings name their file and line: a table given as `-` is named `-`, never the
    temporary copy the CLI reads it from."""
    [header] = _files(tmp_path, header=HEADER)
    result = CliRunner().invoke(
        app,
        [
            *("check", "--input-format", "903", "--as-of", "2024-07-01", "--collection-year"),
            *("2024/25", "--format", "json", header, "-"),
        ],
        input=MISSING,
    )
    found = [(f["rule"], f["file"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("574", "-", 3), ("INT04", "-", 4)]
