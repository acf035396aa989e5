"""The 903 XML return (root EXPSSDA903) read as the tables the CSV files give, and written."""

from __future__ import annotations

from collections import defaultdict
from typing import IO, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

import attrs

from missing_protocol.formats.fields import plain_rejection, rejection
from missing_protocol.model import EventError
from missing_protocol.ssda903.tables import (
    EpisodeRow,
    HeaderRow,
    MissingRow,
    RowRef,
    Table,
    TableRead,
    Tables903,
    Unit,
)

#
# The DfE's XML form of the return (root EXPSSDA903): one CHILD element per child, holding a
# HEADER (CHILDID, UPN, SEX, DOB, ETHNIC, ...; the child's missing periods are AMISSING groups
# inside it, each with MISSING, MIS_START and MIS_END) and its EPISODE elements (DECOM, RNE, ...,
# DEC, REC). The names are the CSV columns' except CHILDID (CHILD) and PL (PLACE). Element
# names as Social Finance's 903 validator reads them (its XML-to-tables converter), which was
# read for comparison, not copied; other elements are ignored, as other CSV columns are.


XML_ROOT = "EXPSSDA903"


@attrs.define
class _Element:
    """A parsed element: upper-case local name, line of its start tag, children and text."""

    tag: str
    line: int
    children: list[_Element] = attrs.Factory(list)
    parts: list[str] = attrs.Factory(list)

    def all(self, tag: str) -> list[_Element]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def value(self, tag: str) -> str:
        """The text of the first child element `tag`, stripped; '' when absent or empty."""
        found = self.first(tag)
        return "".join(found.parts).strip() if found is not None else ""


class _XmlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _parse_xml(data: str | bytes) -> _Element:
    """The element tree of a 903 XML file, with each element's line.

    Parsed with the standard library's expat, the parser under xml.etree (which does not give
    lines). A return comes from outside, so, as defusedxml does (without adding it as a
    dependency), entity declarations and external entities are refused rather than expanded:
    the 903 schema uses none. Bytes are decoded as the XML declaration says (UTF-8 by default).
    """
    parser = expat.ParserCreate()
    stack: list[_Element] = []
    roots: list[_Element] = []

    def start(name: str, _attributes: object) -> None:
        element = _Element(name.rpartition(":")[2].upper(), parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def refuse(*_: object) -> NoReturn:
        message = "the file declares or refers to XML entities, which a 903 return does not use"
        raise _XmlError(parser.CurrentLineNumber, message)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as problem:
        where = f"line {problem.lineno}, column {problem.offset + 1}"
        message = f"not well-formed XML: {expat.ErrorString(problem.code)} ({where})"
        raise _XmlError(problem.lineno, message) from None
    return roots[0]


def read_xml_tables(data: str | bytes, file: str | None = None) -> TableRead:
    """The 903 XML return as the Header, Missing and Episodes tables the CSV files give.

    Each CHILD's HEADER is a Header row and each of its AMISSING groups a Missing row (with the
    HEADER's DOB, as the Missing CSV carries it); each EPISODE is an Episodes row. A row's
    number is the line of its element; when two of these elements share a line (a file written
    without line breaks), every row is numbered by its place among them instead (`Unit.ELEMENT`),
    so that each row keeps its own number. A file that is not well-formed XML, or whose root is
    not EXPSSDA903, is one error (at its line) and counts as one rejected row; a CHILD without a
    HEADER is an error, and the other children go on.
    """
    try:
        root = _parse_xml(data)
    except _XmlError as problem:
        error = plain_rejection(problem.line, None, str(problem), file)
        return TableRead(Tables903(), (error,), frozenset({(file, problem.line)}))
    if root.tag != XML_ROOT:
        expected = f"not <{XML_ROOT}> (the SSDA903 XML return)"
        said = f"root element is <{root.tag}>, {expected}"
        error = rejection(root.line, None, said, file, f"the root element is {expected}")
        return TableRead(Tables903(), (error,), frozenset({(file, root.line)}))
    children = root.all("CHILD")
    # Every element that becomes a row (or an error), in document order.
    placed: list[_Element] = []
    for child in children:
        head = child.first("HEADER")
        placed.extend([head, *head.all("AMISSING")] if head is not None else [child])
        placed.extend(child.all("EPISODE"))
    by_line = len({e.line for e in placed}) == len(placed)
    numbers = {id(e): e.line if by_line else n for n, e in enumerate(placed, start=1)}
    unit = Unit.LINE if by_line else Unit.ELEMENT

    def ref(table: Table, element: _Element) -> RowRef:
        line = None if by_line else element.line
        return RowRef(table, numbers[id(element)], file, unit, line)

    header: list[HeaderRow] = []
    missing: list[MissingRow] = []
    episodes: list[EpisodeRow] = []
    errors: list[EventError] = []
    for child in children:
        head = child.first("HEADER")
        if head is None:
            message = "CHILD has no HEADER element, so no child id: its periods are not read"
            errors.append(plain_rejection(numbers[id(child)], "HEADER", message, file))
            continue
        child_id, dob = head.value("CHILDID"), head.value("DOB")
        sex, ethnic = head.value("SEX"), head.value("ETHNIC")
        header.append(HeaderRow(child_id, sex, dob, ethnic, ref(Table.HEADER, head)))
        for period in head.all("AMISSING"):
            kind, start, end = (period.value(c) for c in ("MISSING", "MIS_START", "MIS_END"))
            missing.append(MissingRow(child_id, kind, start, end, ref(Table.MISSING, period), dob))
        for episode in child.all("EPISODE"):
            decom, dec, rec = (episode.value(c) for c in ("DECOM", "DEC", "REC"))
            episodes.append(EpisodeRow(child_id, decom, dec, rec, ref(Table.EPISODES, episode)))
    tables = Tables903(tuple(missing), tuple(header), tuple(episodes) if episodes else None)
    return TableRead(tables, tuple(errors), frozenset((e.file, e.line) for e in errors))


def write_903_xml(tables: Tables903, stream: IO[str]) -> int:
    """The Header and Missing tables as the 903 XML (EXPSSDA903); returns the periods written.

    One CHILD per child (Header order, then children with Missing rows but no Header row), its
    HEADER holding CHILDID, SEX, DOB and ETHNIC and one AMISSING (MISSING, MIS_START, MIS_END)
    per period. A blank cell is an empty element (`<MIS_END />`), as the reference validator's
    sample return writes one: its reader (csc-validator-be-903) fills an element left out with
    the last one of that name in the same CHILD, so an open period would read as closed. Only these
    elements are written: it is the Missing part of a return, not a whole one (no UPN, episodes,
    reviews, ...).
    """
    heads = {row.child: row for row in tables.header or ()}
    periods: dict[str, list[MissingRow]] = defaultdict(list)
    for period in tables.missing:
        periods[period.child].append(period)
    order = [*heads, *(c for c in periods if c not in heads)]
    root = ElementTree.Element(XML_ROOT)

    def add(parent: ElementTree.Element, tag: str, text: str) -> None:
        ElementTree.SubElement(parent, tag).text = text or None  # None: written `<TAG />`

    for child_id in order:
        head = ElementTree.SubElement(ElementTree.SubElement(root, "CHILD"), "HEADER")
        row = heads.get(child_id)
        dob = row.dob if row else next((p.dob for p in periods[child_id] if p.dob), "")
        ElementTree.SubElement(head, "CHILDID").text = child_id
        add(head, "SEX", row.sex if row else "")
        add(head, "DOB", dob)
        add(head, "ETHNIC", row.ethnic if row else "")
        for period in periods.get(child_id, ()):
            group = ElementTree.SubElement(head, "AMISSING")
            add(group, "MISSING", period.missing)
            add(group, "MIS_START", period.mis_start)
            add(group, "MIS_END", period.mis_end)
    ElementTree.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ElementTree.tostring(root, encoding="unicode"))
    stream.write("\n")
    return len(tables.missing)
