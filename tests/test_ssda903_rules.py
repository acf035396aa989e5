"""903 Missing-table validation: each rule on a tiny table with one passing and one failing row."""

from __future__ import annotations

import io

import pytest

from missing_protocol.rules import rules_of
from missing_protocol.rules.registry import Status
from missing_protocol.ssda903 import CollectionYear, Tables903, read_tables, validate_903
from missing_protocol.ssda903.dfe import MESSAGES

YEAR = "2024/25"  # 01/04/2024 to 31/03/2025
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
HEADER = "CHILD,SEX,DOB,ETHNIC\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
PASS = "C1,01/01/2010,M,01/05/2024,03/05/2024\n"  # row 2 in every case below


def tables(missing: str, header: str | None = None, episodes: str | None = None) -> Tables903:
    sources = [("missing.csv", io.StringIO(MISSING + missing))]
    if header is not None:
        sources.append(("header.csv", io.StringIO(HEADER + header)))
    if episodes is not None:
        sources.append(("episodes.csv", io.StringIO(EPISODES + episodes)))
    read = read_tables(sources)
    assert read.errors == ()
    return read.tables


# code -> (tables, the (file, row, column) that fails)
CASES = {
    "1004": (tables(PASS + "C2,01/01/2010,M,31/02/2024,\n"), ("missing.csv", 3, "MIS_START")),
    "1005": (
        tables(PASS + "C2,01/01/2010,M,01/05/2024,2024-05-03\n"),
        ("missing.csv", 3, "MIS_END"),
    ),
    "1006": (tables(PASS + "C2,01/01/2010,X,01/05/2024,\n"), ("missing.csv", 3, "MISSING")),
    "564": (tables(PASS + "C2,01/01/2010,A,,03/05/2024\n"), ("missing.csv", 3, "MIS_START")),
    "565": (tables(PASS + "C2,01/01/2010,,01/05/2024,\n"), ("missing.csv", 3, "MISSING")),
    "566": (tables(PASS + "C2,01/01/2010,,,03/05/2024\n"), ("missing.csv", 3, "MISSING")),
    "567": (
        tables(PASS + "C2,01/01/2010,M,05/05/2024,03/05/2024\n"),
        ("missing.csv", 3, "MIS_END"),
    ),
    "570": (tables(PASS + "C2,01/01/2010,M,01/04/2025,\n"), ("missing.csv", 3, "MIS_START")),
    "571": (
        tables(PASS + "C2,01/01/2010,M,01/03/2024,31/03/2024\n"),
        ("missing.csv", 3, "MIS_END"),
    ),
    # C1 row 3 starts the day row 2 ended (allowed); C2's second period starts while row 4 is open.
    "574": (
        tables(
            PASS
            + "C1,01/01/2010,A,03/05/2024,04/05/2024\n"
            + "C2,01/01/2010,M,01/06/2024,\n"
            + "C2,01/01/2010,M,02/06/2024,03/06/2024\n"
        ),
        ("missing.csv", 5, "MIS_START"),
    ),
    "586": (tables(PASS + "C2,02/05/2024,M,01/05/2024,\n"), ("missing.csv", 3, "MIS_START")),
    "INT04": (
        tables(PASS + "C2,01/01/2010,M,01/05/2024,\n", header="C1,1,01/01/2010,WBRI\n"),
        ("missing.csv", 3, "CHILD"),
    ),
    "INT13": (
        tables(
            PASS + "C2,02/01/2010,M,01/05/2024,\n",
            header="C1,1,01/01/2010,WBRI\nC2,2,01/01/2010,BAFR\n",
        ),
        ("missing.csv", 3, "DOB"),
    ),
    # C1's placement runs past its period; C2's placement ended 01/06 with its period open.
    "575": (
        tables(
            PASS + "C2,01/01/2010,M,01/05/2024,\n",
            episodes="C1,01/04/2024,S,C2,N1,U1,PR1,,\nC2,01/04/2024,S,C2,N1,U1,PR1,01/06/2024,E3\n",
        ),
        ("missing.csv", 3, "MIS_END"),
    ),
    "578": (
        tables(
            PASS + "C2,01/01/2010,M,10/06/2024,11/06/2024\n",
            episodes="C1,01/04/2024,S,C2,N1,U1,PR1,,\nC2,01/04/2024,S,C2,N1,U1,PR1,01/06/2024,E3\n",
        ),
        ("missing.csv", 3, "MIS_START"),
    ),
    # Both are missing on their 18th birthday when care ends; only C2's reason is not E8.
    "580": (
        tables(
            "C1,01/06/2006,M,20/05/2024,01/06/2024\nC2,01/06/2006,M,20/05/2024,01/06/2024\n",
            episodes=(
                "C1,01/04/2024,S,C2,N1,U1,PR1,01/06/2024,E8\n"
                "C2,01/04/2024,S,C2,N1,U1,PR1,01/06/2024,E3\n"
            ),
        ),
        ("episodes.csv", 3, "REC"),
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_only_the_failing_row(code: str) -> None:
    given, (file, row, column) = CASES[code]
    findings = validate_903(given, YEAR, codes=[code], authority="309")
    assert [(f.rule, f"{f.file}:{f.line}") for f in findings] == [(code, f"{file}:{row}")]
    only = findings[0]
    assert only.status is Status.BREACHED
    assert only.child_id == "C2"
    assert only.responsible == "309"
    assert only.field == column and only.episode_id is None
    assert only.message.startswith(MESSAGES[code])


def test_every_case_is_a_registered_rule() -> None:
    registered = {r.id for r in rules_of("ssda903")}
    assert set(CASES) <= registered
    for entry in rules_of("ssda903"):
        assert entry.source and entry.owner == "local authority" and entry.summary


def test_a_clean_table_passes_every_rule() -> None:
    clean = tables(
        PASS + "C1,01/01/2010,A,03/05/2024,\n",
        header="C1,1,01/01/2010,WBRI\n",
        episodes="C1,01/04/2024,S,C2,N1,U1,PR1,,\n",
    )
    assert validate_903(clean, CollectionYear(2024)) == []


def test_episodes_rules_need_the_episodes_table() -> None:
    given, _ = CASES["575"]
    without = Tables903(missing=given.missing)
    assert validate_903(without, YEAR, codes=["575", "578", "580"]) == []


def test_messages_are_the_dfe_wording() -> None:
    given, _ = CASES["574"]
    (finding,) = validate_903(given, YEAR, codes=["574"])
    assert "cannot start when the previous" in finding.message
    assert "missing.csv:4" in finding.message  # the period still open


def test_collection_year_parsing() -> None:
    year = CollectionYear.parse("2024/25")
    assert (str(year.start), str(year.end)) == ("2024-04-01", "2025-03-31")
    assert CollectionYear.parse("2024-2025") == year
    for bad in ("2024", "2024/26", "24/25"):
        with pytest.raises(ValueError):
            CollectionYear.parse(bad)


def test_findings_come_in_row_order() -> None:
    given = tables("C1,01/01/2010,X,bad,\nC2,01/01/2010,,01/05/2024,\n")
    findings = validate_903(given, YEAR)
    assert [(f"{f.file}:{f.line}", f.rule) for f in findings] == [
        ("missing.csv:2", "1004"),
        ("missing.csv:2", "1006"),
        ("missing.csv:3", "565"),
    ]
