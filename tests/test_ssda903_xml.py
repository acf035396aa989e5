"""The SSDA903 XML return (root EXPSSDA903) read into the same tables as the CSV files, and
written back: round trips against the equivalent CSV, the same validation findings, bad XML."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pendulum
from click.testing import CliRunner

from missing_protocol.cli import app
from missing_protocol.episode import assemble
from missing_protocol.model import Child, Found, MissingFrom, Reported, Sex
from missing_protocol.ssda903 import (
    Unit,
    read_episodes_903,
    read_tables,
    read_xml_tables,
    to_tables,
    validate_903,
    write_903_xml,
    write_header_csv,
    write_missing_csv,
)

# One return, as the DfE's XML and as the equivalent Header, Missing and Episodes CSV files.
# C1 has two periods (the second an `A` period still open), C2 one that ends before it starts
# and one with an invalid start, C3 none; C2 was looked after only from 01/06/2024.
XML = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>C1</CHILDID>
      <UPN>A123456789012</UPN>
      <SEX>1</SEX>
      <DOB>14/02/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC />
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>01/05/2024</MIS_START>
        <MIS_END>03/05/2024</MIS_END>
      </AMISSING>
      <AMISSING>
        <MISSING>A</MISSING>
        <MIS_START>03/05/2024</MIS_START>
      </AMISSING>
      <AREVIEW><REVIEW>01/04/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
    </HEADER>
    <EPISODE>
      <DECOM>01/04/2023</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC /><REC />
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>C2</CHILDID>
      <SEX>2</SEX>
      <DOB>01/01/2011</DOB>
      <ETHNIC>BCRB</ETHNIC>
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>10/05/2024</MIS_START>
        <MIS_END>08/05/2024</MIS_END>
      </AMISSING>
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>31/02/2024</MIS_START>
      </AMISSING>
    </HEADER>
    <EPISODE>
      <DECOM>01/06/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>C3</CHILDID>
      <SEX>1</SEX>
      <DOB>05/05/2012</DOB>
      <ETHNIC>AIND</ETHNIC>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"""
HEADER = "CHILD,SEX,DOB,ETHNIC\nC1,1,14/02/2010,WBRI\nC2,2,01/01/2011,BCRB\nC3,1,05/05/2012,AIND\n"
MISSING = (
    "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
    "C1,14/02/2010,M,01/05/2024,03/05/2024\n"
    "C1,14/02/2010,A,03/05/2024,\n"
    "C2,01/01/2011,M,10/05/2024,08/05/2024\n"
    "C2,01/01/2011,M,31/02/2024,\n"
)
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "C1,01/04/2023,S,C2,N1,U1,PR1,,\n"
    "C2,01/06/2024,S,C2,N1,U1,PR1,,\n"
)


def _csv_files() -> list[tuple[str, io.StringIO]]:
    return [
        ("header.csv", io.StringIO(HEADER)),
        ("missing.csv", io.StringIO(MISSING)),
        ("episodes.csv", io.StringIO(EPISODES)),
    ]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `text` containing `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def _as_csv(tables) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    missing, header = io.StringIO(), io.StringIO()
    write_missing_csv(tables.missing, missing)
    write_header_csv(tables.header or (), header)
    return missing.getvalue(), header.getvalue()


def test_xml_to_tables_to_csv_is_the_equivalent_csv() -> None:
    read = read_tables([("return.xml", io.StringIO(XML))])
    assert read.errors == ()
    assert _as_csv(read.tables) == (MISSING, HEADER)
    episodes = [(e.child, e.decom, e.dec, e.rec) for e in read.tables.episodes or ()]
    assert episodes == [("C1", "01/04/2023", "", ""), ("C2", "01/06/2024", "", "")]
    # Rows are numbered by the line of their element.
    first, second = read.tables.missing[:2]
    assert (first.ref.number, first.ref.unit) == (_line_of(XML, "<AMISSING>"), Unit.LINE)
    assert second.ref.number == _line_of(XML, "<AMISSING>", 2)
    assert read.tables.header is not None
    assert read.tables.header[1].ref.label == f"return.xml:{_line_of(XML, '<HEADER>', 2)}"


def test_xml_gives_the_same_events_as_the_csv() -> None:
    from_xml = read_episodes_903([("return.xml", io.StringIO(XML))], authority="309")
    from_csv = read_episodes_903(_csv_files(), authority="309")
    assert from_xml.events == from_csv.events  # origins differ, and are not compared
    assert (from_xml.rows, from_xml.converted, from_xml.rejected) == (7, 5, 2)
    assert (from_csv.rows, from_csv.converted, from_csv.rejected) == (7, 5, 2)
    assert from_xml.away == from_csv.away == frozenset({"C1/2024-05-03"})
    assert [loss.what for loss in from_xml.losses] == [loss.what for loss in from_csv.losses]
    xml_errors = [(e.field, e.message) for e in from_xml.errors]
    assert xml_errors == [(e.field, e.message) for e in from_csv.errors]
    assert [(e.file, e.line) for e in from_xml.errors] == [
        ("return.xml", _line_of(XML, "<AMISSING>", 3)),
        ("return.xml", _line_of(XML, "<AMISSING>", 4)),
    ]


def _where(field: str | None) -> str | None:
    """The column a finding names (its XML element name on XML), as the CSV names it."""
    return {"CHILDID": "CHILD"}.get(field or "", field)


def test_validation_gives_the_same_findings_on_xml_as_on_csv() -> None:
    on_csv = validate_903(read_tables(_csv_files()).tables, "2024/25", authority="309")
    xml_tables = read_tables([("return.xml", io.StringIO(XML))]).tables
    on_xml = validate_903(xml_tables, "2024/25", authority="309")
    found = [(f.rule, f.child_id, f.status, _where(f.field)) for f in on_csv]
    assert found == [(f.rule, f.child_id, f.status, _where(f.field)) for f in on_xml]
    assert {f.rule for f in on_xml} >= {"1004", "567", "577", "578", "581"}
    start = next(f for f in on_xml if f.rule == "1004")
    line = _line_of(XML, "<AMISSING>", 4)
    assert (start.file, start.line, start.field) == ("return.xml", line, "MIS_START")


def test_a_bad_cell_names_the_element_and_its_line() -> None:
    xml = XML.replace("<SEX>2</SEX>", "<SEX>7</SEX>").replace("<CHILDID>C3</CHILDID>", "")
    done = read_episodes_903([("return.xml", io.StringIO(xml))], authority="309")
    fields = {(e.line, e.field) for e in done.errors}
    assert (_line_of(xml, "<HEADER>", 2), "SEX") in fields
    assert (_line_of(xml, "<HEADER>", 3), "CHILDID") in fields
    blank = next(e for e in done.errors if e.field == "CHILDID")
    assert blank.message == "child id is blank"


def at(text: str) -> pendulum.DateTime:
    return pendulum.parse(text)  # type: ignore[return-value]


def test_xml_written_from_episodes_reads_back_as_the_same_tables() -> None:
    assembly = assemble(
        [
            Child("C1", pendulum.Date(2010, 2, 14), Sex.MALE, None, "309"),
            Reported("E1", "C1", at("2024-05-01T22:00:00+01:00"), MissingFrom.CARE, "309"),
            Found("E1", at("2024-05-03T08:00:00+01:00")),
            Reported("E2", "C2", at("2024-06-01T10:00:00+01:00"), MissingFrom.CARE, "309"),
        ]
    )
    export = to_tables(assembly, away=frozenset({"E2"}))
    out = io.StringIO()
    assert write_903_xml(export.tables, out) == 2
    text = out.getvalue()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>')
    assert text.count("<MIS_END>03/05/2024</MIS_END>") == 1
    assert text.count("<MIS_END />") == 1  # the open period's blank cell: an empty element
    back = read_xml_tables(text, "out.xml")
    assert back.errors == ()
    assert _as_csv(back.tables) == _as_csv(export.tables)


def _as_the_reference_reads(xml: str) -> list[dict[str, str | None]]:
    """The Missing rows as csc-validator-be-903's XML reader (lac_validator/ingress.py) builds
    them: the leaf elements of the whole CHILD (the last of each name), overlaid by the leaves
    of the AMISSING group, so an element a group leaves out takes another group's value."""
    rows = []
    for child in ElementTree.fromstring(xml):
        whole = {node.tag: node.text for node in child.iter() if len(node) == 0}
        for group in child.iter("AMISSING"):
            own = {node.tag: node.text for node in group.iter() if len(node) == 0}
            row = {**whole, **own}
            rows.append({k: row.get(k) for k in ("CHILDID", "MISSING", "MIS_START", "MIS_END")})
    return rows


def test_an_open_period_is_written_with_an_empty_mis_end_that_the_reference_reads_as_blank() -> (
    None
):
    # A blank cell left out would be filled by the reference validator from the child's other
    # period: C1's open period would read as ended on 03/05/2024 (DfE 903 Missing, MIS_END).
    assembly = assemble(
        [
            Reported("E1", "C1", at("2024-05-01T22:00:00+01:00"), MissingFrom.CARE, "309"),
            Found("E1", at("2024-05-03T08:00:00+01:00")),
            Reported("E2", "C1", at("2024-06-01T10:00:00+01:00"), MissingFrom.CARE, "309"),
        ]
    )
    out = io.StringIO()
    write_903_xml(to_tables(assembly, away=frozenset()).tables, out)
    assert _as_the_reference_reads(out.getvalue()) == [
        {"CHILDID": "C1", "MISSING": "M", "MIS_START": "01/05/2024", "MIS_END": "03/05/2024"},
        {"CHILDID": "C1", "MISSING": "M", "MIS_START": "01/06/2024", "MIS_END": None},
    ]
    # events -> 903 XML -> events: the second episode is still open.
    back = read_episodes_903([("out.xml", io.StringIO(out.getvalue()))], authority="309")
    assert back.errors == ()
    assert [type(e).__name__ for e in back.events] == ["Child", "Reported", "Found", "Reported"]


def test_an_absent_and_an_empty_element_both_read_as_a_blank_cell() -> None:
    period = "<MISSING>M</MISSING><MIS_START>01/06/2024</MIS_START>"
    head = "<CHILDID>C1</CHILDID><SEX>1</SEX><DOB>14/02/2010</DOB><ETHNIC>WBRI</ETHNIC>"
    read = [
        read_xml_tables(
            f"<EXPSSDA903><CHILD><HEADER>{head}<AMISSING>{period}{end}</AMISSING>"
            "</HEADER></CHILD></EXPSSDA903>"
        )
        .tables.missing[0]
        .mis_end
        for end in ("", "<MIS_END/>", "<MIS_END />", "<MIS_END></MIS_END>")
    ]
    assert read == ["", "", "", ""]


def test_the_xml_written_from_the_csv_tables_is_read_back_as_them() -> None:
    tables = read_tables(_csv_files()).tables
    out = io.StringIO()
    write_903_xml(tables, out)
    again = read_xml_tables(out.getvalue())
    assert _as_csv(again.tables) == (MISSING, HEADER)


def _read_one(xml: str, name: str = "bad.xml"):  # type: ignore[no-untyped-def]
    return read_episodes_903([(name, io.StringIO(xml))], authority="309")


def test_xml_that_is_not_well_formed_is_one_error_naming_file_and_line() -> None:
    broken = XML.replace("</MIS_END>", "</MIS_ENDS>", 1)
    done = _read_one(broken)
    (error,) = done.errors
    line = _line_of(broken, "</MIS_ENDS>")
    assert (error.file, error.line, error.field) == ("bad.xml", line, None)
    assert error.message.startswith("not well-formed XML: mismatched tag (line")
    assert (done.rows, done.converted, done.rejected) == (1, 0, 1)
    assert done.events == ()


def test_an_empty_or_truncated_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    (error,) = read_episodes_903([empty], authority="309").errors
    assert (error.file, error.line) == (str(empty), 1)
    assert "no element found" in error.message
    (error,) = _read_one(XML[: len(XML) // 2]).errors
    assert "not well-formed XML" in error.message


def test_another_root_element_is_not_a_903_return() -> None:
    cin = '<?xml version="1.0"?>\n<Message><Header /><Children /></Message>\n'
    (error,) = _read_one(cin).errors
    assert error.line == 2
    assert error.message == "root element is <MESSAGE>, not <EXPSSDA903> (the SSDA903 XML return)"


def test_entities_are_refused_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        "<EXPSSDA903><CHILD><HEADER><CHILDID>&b;</CHILDID></HEADER></CHILD></EXPSSDA903>\n"
    )
    (error,) = _read_one(bomb).errors
    assert error.line == 3
    assert "entities" in error.message


def test_a_child_without_header_is_an_error_and_the_others_go_on() -> None:
    extra = "  <CHILD>\n    <EPISODE><DECOM>01/01/2024</DECOM></EPISODE>\n  </CHILD>\n"
    xml = XML.replace("</EXPSSDA903>", extra + "</EXPSSDA903>")
    done = _read_one(xml)
    problem = next(e for e in done.errors if e.field == "HEADER")
    assert problem.line == _line_of(xml, "<CHILD>", 4)
    assert "no HEADER" in problem.message
    assert len([e for e in done.events if isinstance(e, Reported)]) == 2
    assert (done.rows, done.converted, done.rejected) == (8, 5, 3)


def test_a_file_without_line_breaks_numbers_rows_by_element() -> None:
    flat = re.sub(r">\s+<", "><", XML.strip())
    read = read_tables([("flat.xml", io.StringIO(flat))])
    refs = [r.ref for r in read.tables.missing]
    assert {r.unit for r in refs} == {Unit.ELEMENT}
    # HEADER C1 is element 1, its periods 2 and 3, its EPISODE 4, HEADER C2 5, ...
    assert [r.number for r in refs] == [2, 3, 6, 7]
    done = _read_one(flat, "flat.xml")
    assert (done.rows, done.converted, done.rejected) == (7, 5, 2)  # two bad rows, one line
    assert [e.line for e in done.errors] == [6, 7]
    assert done.errors[0].message.endswith("(XML element 6)")
    (finding,) = [
        f for f in validate_903(read.tables, "2024/25", codes=["567"]) if f.child_id == "C2"
    ]
    # The file line (the whole return is on line 1), and the element in the message.
    assert (finding.file, finding.line, finding.field) == ("flat.xml", 1, "MIS_END")
    assert finding.message.endswith("(XML element 6)")


def test_xml_is_recognised_by_name_or_by_its_first_character(tmp_path: Path) -> None:
    sniffed = read_tables([("return.txt", io.StringIO(XML))])
    assert _as_csv(sniffed.tables) == (MISSING, HEADER)
    # Blanks before the XML declaration: still taken for XML (and refused, as XML parsers do).
    (error,) = read_tables([("return.txt", io.StringIO("\n  " + XML))]).errors
    assert "XML or text declaration not at start" in error.message
    latin = tmp_path / "return.dat"
    latin.write_bytes(
        XML.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .replace("C3", "Cé")
        .encode("latin-1")
    )
    header = read_tables([latin]).tables.header or ()
    assert [h.child for h in header] == ["C1", "C2", "Cé"]


def _run(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_convert_and_check_take_the_xml(tmp_path: Path) -> None:
    (tmp_path / "missing.csv").write_text(MISSING)
    (tmp_path / "header.csv").write_text(HEADER)
    out = tmp_path / "written.xml"
    base = ("convert", "--from", "903", "--to", "903", "--authority", "309")
    made = _run(*base, tmp_path / "missing.csv", tmp_path / "header.csv", out)
    assert made.exit_code == 1  # C2's two rows are rejected
    assert f"wrote {out} (2 rows)" in made.output
    assert "it is not a whole return" in made.output
    back = _run(*base, out, tmp_path / "again")
    assert back.exit_code == 0, back.output
    assert "rows = converted + rejected: 5 = 5 + 0" in back.output
    assert (tmp_path / "again" / "header.csv").read_text() == HEADER
    assert (tmp_path / "again" / "missing.csv").read_text() == "".join(MISSING.splitlines(True)[:3])

    given = tmp_path / "return.xml"
    given.write_text(XML)
    args = ["check", "--input-format", "903", "--authority", "309", "--format", "json"]
    checked = _run(*args, "--as-of", "2024-06-30", given)
    assert checked.exit_code == 1
    result = json.loads(checked.stdout)
    assert result["counts"]["episodes"] == 2
    assert [e["field"] for e in result["errors"]] == ["MIS_END", "MIS_START"]
    assert "903: rows = converted + rejected: 7 = 5 + 2" in checked.stderr
