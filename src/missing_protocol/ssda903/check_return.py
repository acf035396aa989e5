"""Checking a 903 return: the DfE rules on its tables, and, for an authority, the protocol
rules on the episodes converted from it, in one `CheckResult` (`missing-protocol check
--input-format 903 --collection-year`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

import attrs

from missing_protocol.check import CheckResult, check_parsed
from missing_protocol.formats.events import Parsed
from missing_protocol.profiles import Profile
from missing_protocol.ssda903.read import Source903, read_tables
from missing_protocol.ssda903.tables import CollectionYear
from missing_protocol.ssda903.to_events import converted
from missing_protocol.ssda903.validate import validate_903
from missing_protocol.tabular import Conversion


@attrs.frozen
class ReturnCheck:
    """The result, and the conversion behind its protocol findings (None without authority)."""

    result: CheckResult
    conversion: Conversion | None


def check_return(
    sources: Iterable[Source903],
    collection_year: CollectionYear | str,
    *,
    authority: str | None = None,
    as_of: str | dt.datetime | None = None,
    profile: str | os.PathLike[str] | Profile = "statutory",
) -> ReturnCheck:
    """903 files (CSV tables or the XML return) checked as one return.

    The DfE findings (family `ssda903`, status `breached`, with `file`, `line` and `field`)
    come first, in file and line order. With `authority` (903 does not name one) the tables
    are also converted to events and judged by the protocol rules, whose findings follow;
    without it, only the DfE findings are given. Rows that could not be read are the result's
    errors either way. Raises `UnreadableFile` for a file that cannot be opened, ValueError
    for a collection year that is not one.
    """
    year = (
        collection_year
        if isinstance(collection_year, CollectionYear)
        else CollectionYear.parse(collection_year)
    )
    read = read_tables(sources)
    dfe = validate_903(read.tables, year, authority=authority)
    conversion = None if authority is None else converted(read, authority=authority)
    parsed: Iterable[Parsed] = conversion.parsed if conversion is not None else read.errors
    result = check_parsed(parsed, as_of=as_of, profile=profile)
    return ReturnCheck(attrs.evolve(result, findings=(*dfe, *result.findings)), conversion)
