"""Running the DfE 903 rules on tables: every `ssda903` rule in the registry, findings in file
and line order."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from missing_protocol.rules.registry import Finding, rules_of
from missing_protocol.ssda903.tables import CollectionYear, Tables903


def validate_903(
    tables: Tables903,
    collection_year: CollectionYear | str,
    *,
    authority: str | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every `ssda903` rule (or those in `codes`) on the tables: one breached finding per failing
    row, in table and row order. `authority` fills each finding's `responsible`."""
    year = (
        collection_year
        if isinstance(collection_year, CollectionYear)
        else CollectionYear.parse(collection_year)
    )
    wanted = None if codes is None else set(codes)
    findings: list[Finding] = []
    for entry in rules_of("ssda903"):
        if wanted is None or entry.id in wanted:
            findings.extend(entry.evaluate(tables, year))
    if authority is not None:
        findings = [attrs.evolve(f, responsible=authority) for f in findings]
    rank = {entry.id: i for i, entry in enumerate(rules_of("ssda903"))}

    def key(f: Finding) -> tuple[str, int, int]:
        return (f.file or "", f.line or 0, rank[f.rule])

    return sorted(findings, key=key)
