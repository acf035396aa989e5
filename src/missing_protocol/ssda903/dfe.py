"""What every DfE 903 rule shares: the DfE's messages, the sources, the registration in the
rule registry (family `ssda903`) and the one way a failing row becomes a finding."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from missing_protocol.rules.registry import Finding, Status, rule
from missing_protocol.ssda903.tables import (
    CollectionYear,
    EpisodeRow,
    HeaderRow,
    MissingRow,
    Tables903,
    Unit,
)

SOURCE = "DfE SSDA903 validation"


INTERNAL_SOURCE = "SSDA903 integrity check (as lac_validator)"


OWNER = "local authority"


RuleCheck = Callable[[Tables903, CollectionYear], Iterator[Finding]]


def breach(
    code: str, row: MissingRow | HeaderRow | EpisodeRow, column: str, text: str, child: str
) -> Finding:
    """A failing row's finding: the DfE's message (and what failed), with the row's file, line
    and column (its XML element name when read from the XML) so a user can go to it."""
    ref = row.ref
    if ref.unit is Unit.ELEMENT:
        text += f" (XML element {ref.number})"
    return Finding(
        rule=code,
        status=Status.BREACHED,
        episode_id=None,
        child_id=child or None,
        responsible=None,
        due=None,
        done=None,
        message=text,
        source=INTERNAL_SOURCE if code.startswith("INT") else SOURCE,
        file=ref.file,
        line=ref.line,
        field=ref.column(column),
    )


def shown(value: str) -> str:
    return f" (got {value!r})" if value else " (blank)"


# The DfE messages, as the DfE validation rules word them (lac_validator carries the same text).
MESSAGES = {
    "1004": "The start date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1005": "The end date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1006": "Missing type invalid.",
    "564": "Child was missing or away from placement without authorisation and the date started "
    "is blank.",
    "565": "The date that the child started to be missing or away from placement without "
    "authorisation has been completed but whether the child was missing or away from placement "
    "without authorisation has not been completed.",
    "566": "The date that the child's episode of being missing or away from placement without "
    "authorisation ended has been completed but whether the child was missing or away without "
    "authorisation has not been completed.",
    "567": "The date that the missing episode or episode that the child was away from placement "
    "without authorisation ended is before the date that it started.",
    "570": "The date that the child started to be missing or away from placement without "
    "authorisation is after the end of the collection year.",
    "571": "The date that the child ceased to be missing or away from placement without "
    "authorisation is before the start or after the end of the collection year.",
    "574": "A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    "586": "Dates of missing periods are before child's date of birth.",
    "575": "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    "577": "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    "578": "The date that the child started to be missing is after the child ceased to be "
    "looked after.",
    "580": "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    "581": "Child is missing but has not yet started to be looked after.",
    "INT04": "Internal Check: Child in Missing does not exist in Header.",
    "INT13": "Internal Check: DOB in Missing is different to DOB in Header.",
}


def ssda903_rule(code: str, title: str) -> Callable[[RuleCheck], RuleCheck]:
    return rule(
        code,
        title=title,
        source=INTERNAL_SOURCE if code.startswith("INT") else SOURCE,
        owner=OWNER,
        parameters=(),
        family="ssda903",
    )
