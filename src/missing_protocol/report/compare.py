"""What-if (issue 13, `missing-protocol compare`): one log judged under two profiles (pure).

Both judgements use check.evaluate on the same assembly as of the same moment. The episodes
compared are those reported in the period (every episode when no period is given); a finding
under one profile is paired with the same rule's finding on the same episode under the other
(by order when a rule yields several per episode), and a duty that only one profile raises is
paired with nothing (`None`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from missing_protocol import clock
from missing_protocol.check import evaluate
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import Disclosure
from missing_protocol.episode import Assembly
from missing_protocol.profiles import Profile
from missing_protocol.profiles.diff import diff
from missing_protocol.report.compliance import Tally, protocol_rule_ids
from missing_protocol.report.compliance_section import shown_tally
from missing_protocol.report.split import change
from missing_protocol.rules import REGISTRY, Finding, Status


@attrs.frozen
class Changed:
    """One duty whose status or owner differs between the two profiles."""

    rule: str
    episode_id: str
    child_id: str | None
    a: Finding | None
    b: Finding | None


@attrs.frozen
class Comparison:
    a: Profile
    b: Profile
    as_of: dt.datetime
    period: Period | None
    episodes: int
    # (rule, tally under a, tally under b), in catalogue order.
    rules: tuple[tuple[str, Tally, Tally], ...]
    # (owner, rule, tally under a, tally under b): who owns a duty may differ between profiles.
    owners: tuple[tuple[str, str, Tally, Tally], ...]
    # Each changed duty: empty when only their count was kept (compare_part's keep_changed).
    changed: tuple[Changed, ...]
    changed_count: int = attrs.field()

    @changed_count.default
    def _count(self) -> int:
        return len(self.changed)


def _key(findings: Iterable[Finding]) -> dict[tuple[str, str, int], Finding]:
    seen: Counter[tuple[str, str]] = Counter()
    out = {}
    for f in findings:
        pair = (f.rule, f.episode_id or "")
        out[(*pair, seen[pair])] = f
        seen[pair] += 1
    return out


def _statuses(findings: Sequence[Finding], key: Any) -> dict[Any, Counter[Status]]:
    grouped: defaultdict[Any, Counter[Status]] = defaultdict(Counter)
    for f in findings:
        grouped[key(f)][f.status] += 1
    return dict(grouped)


def compare(
    assembly: Assembly,
    as_of: dt.datetime,
    a: Profile,
    b: Profile,
    period: Period | None = None,
) -> Comparison:
    return compare_from(compare_part(assembly, as_of, a, b, period), as_of, a, b, period)


def compare_part(
    assembly: Assembly,
    as_of: dt.datetime,
    a: Profile,
    b: Profile,
    period: Period | None = None,
    *,
    keep_changed: bool = True,
) -> dict[str, Any]:
    """The comparison's part from one assembly of whole children (common.mergeable): statuses
    counted per rule and per owner under each profile, and the changed duties (only their
    count without `keep_changed`: a national log may change a duty in every episode)."""
    ids = protocol_rule_ids()
    chosen = {
        ep.episode_id
        for ep in assembly.episodes
        if period is None or period.contains(ep.reported_at)
    }

    # Only the compared episodes are judged, unworded: the comparison never shows a message.
    compared = [ep for ep in assembly.episodes if ep.episode_id in chosen]

    def judged(profile: Profile) -> list[Finding]:
        found = evaluate(assembly, as_of, profile, episodes=compared, worded=False)
        return [f for f in found if f.episode_id in chosen and f.rule in ids]

    under_a, under_b = judged(a), judged(b)
    order = {rule: i for i, rule in enumerate(ids)}
    keyed_a, keyed_b = _key(under_a), _key(under_b)
    changed = []
    for k in {*keyed_a, *keyed_b}:
        fa, fb = keyed_a.get(k), keyed_b.get(k)
        if _outcome(fa) != _outcome(fb):
            either = fa or fb
            found = Changed(k[0], k[1], either.child_id if either else None, fa, fb)
            # Partitions never share an episode: this key orders the changes of all of them.
            changed.append(((k[1], order[k[0]], k[2]), found))
    return {
        "episodes": len(chosen),
        "rules": (_statuses(under_a, _rule), _statuses(under_b, _rule)),
        "owners": (_statuses(under_a, _owner_rule), _statuses(under_b, _owner_rule)),
        "changed": changed if keep_changed else len(changed),
    }


def compare_from(
    part: dict[str, Any],
    as_of: dt.datetime,
    a: Profile,
    b: Profile,
    period: Period | None = None,
) -> Comparison:
    """The comparison from its part (one assembly's, or the parts of all merged)."""
    ids = protocol_rule_ids()
    order = {rule: i for i, rule in enumerate(ids)}
    rules_a, rules_b = (_tallies(seen) for seen in part["rules"])
    owners_a, owners_b = (_tallies(seen) for seen in part["owners"])
    pairs = sorted({*owners_a, *owners_b}, key=lambda p: (p[0], order[p[1]]))
    changed = part["changed"]
    kept = () if isinstance(changed, int) else tuple(c for _, c in sorted(changed))
    return Comparison(
        a=a,
        b=b,
        as_of=as_of,
        period=period,
        episodes=part["episodes"],
        rules=tuple((r, rules_a.get(r, Tally()), rules_b.get(r, Tally())) for r in ids),
        owners=tuple(
            (o, r, owners_a.get((o, r), Tally()), owners_b.get((o, r), Tally())) for o, r in pairs
        ),
        changed=kept,
        changed_count=changed if isinstance(changed, int) else len(kept),
    )


def _tallies(seen: dict[Any, Counter[Status]]) -> dict[Any, Tally]:
    return {key: Tally.of(statuses) for key, statuses in seen.items()}


def _rule(f: Finding) -> str:
    return f.rule


def _owner_rule(f: Finding) -> tuple[str, str]:
    return (f.responsible or "unknown", f.rule)


def _outcome(f: Finding | None) -> tuple[str, str | None] | None:
    return None if f is None else (f.status.value, f.responsible)


def _pair(a: Tally, b: Tally, d: Disclosure) -> dict[str, Any]:
    shown_a, shown_b = shown_tally(a, d), shown_tally(b, d)
    difference = {k: change(shown_a[k], shown_b[k]) for k in shown_a if k != "met_on_time_percent"}
    difference["met_on_time_points"] = change(
        shown_a["met_on_time_percent"], shown_b["met_on_time_percent"]
    )
    return {"a": shown_a, "b": shown_b, "difference": difference}


def _finding(f: Finding | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"status": f.status.value, "responsible": f.responsible, "due": clock.iso(f.due)}


def section(c: Comparison, d: Disclosure, *, include_episodes: bool = False) -> dict[str, Any]:
    """The compare JSON (schemas/compare.schema.json): counts suppressed unless `d` says not;
    the changed episodes (restricted, never suppressed) only with `include_episodes`."""
    parameters = diff(c.a, c.b).to_dict()
    for stretch in parameters["stretches"]:
        for x in stretch["differences"]:
            x["rules"] = [r.id for r in REGISTRY.values() if x["parameter"] in r.parameters]
    out: dict[str, Any] = {
        "as_of": clock.iso(c.as_of),
        "profiles": {"a": c.a.name, "b": c.b.name},
        "period": None
        if c.period is None
        else {"from": c.period.start.isoformat(), "to": c.period.end.isoformat()},
        "suppressed": d.suppress,
        "notice": d.notice,
        "episodes": d.total(c.episodes),
        "parameters": parameters,
        "rules": [{"rule": r, **_pair(a, b, d)} for r, a, b in c.rules],
        "owners": [{"owner": o, "rule": r, **_pair(a, b, d)} for o, r, a, b in c.owners],
        "changed_duties": d.count(c.changed_count),
    }
    if include_episodes:
        out["episodes_changed"] = [
            {
                "episode_id": x.episode_id,
                "child_id": x.child_id,
                "rule": x.rule,
                "a": _finding(x.a),
                "b": _finding(x.b),
            }
            for x in c.changed
        ]
    return out
