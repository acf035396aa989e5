"""`missing-protocol demo`: check and report on the example year shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import click

from missing_protocol import profiles, synth
from missing_protocol.check import parse_as_of
from missing_protocol.cli._app import app, require_extra
from missing_protocol.cli._compliance import compliance_sections
from missing_protocol.cli._output import echo
from missing_protocol.cli.report import build_report, write_outputs
from missing_protocol.common.suppression import PUBLISHED
from missing_protocol.formats.events import Parsed, read_file
from missing_protocol.profiles import Profile
from missing_protocol.report import assemble_parsed, interviews_tables
from missing_protocol.report import wording as w
from missing_protocol.report.compliance import CHARTED, Family
from missing_protocol.report.compliance_render import share
from missing_protocol.report.compliance_section import family_label
from missing_protocol.report.disclosed import disclose
from missing_protocol.report.interviews import learned
from missing_protocol.report.partnership import Partnership
from missing_protocol.report.split import first_version

EXAMPLE = "example_year.jsonl"
# Harryford's local profile: the protocol relaunched on 1 July 2025 (issue 13).
EXAMPLE_PROFILE = "harryford.toml"


def example_events() -> list[Parsed]:
    """The shipped example year, read from the installed package (wheel, sdist or source tree)."""
    source = resources.files("missing_protocol") / "data" / EXAMPLE
    with resources.as_file(source) as path:
        return list(read_file(path))


def example_profile() -> Profile:
    """Harryford's local profile, shipped with the example year."""
    source = resources.files("missing_protocol") / "data" / EXAMPLE_PROFILE
    with resources.as_file(source) as path:
        return profiles.load(path)


def relaunch_line(split: dict[str, Any], profile: str) -> str:
    """The share of duties met on time before and after the relaunch, per charted family."""
    before, after = split["before"]["families"], split["after"]["families"]
    shares = ", ".join(
        f"{family_label(b['family']).lower()} {share(b)} -> {share(a)}"
        for b, a in zip(before, after, strict=True)
        if Family(b["family"]) in CHARTED
    )
    return (
        f"Protocol relaunched on {w.iso_day(split['at'])} (profile {profile}): duties met on "
        f"time before -> after: {shares}."
    )


def check_summary(parsed: list[Parsed]) -> list[str]:
    """The protocol check of the example, in a few lines (CONTRACT §3 result, as JSON data)."""
    from missing_protocol.check import check

    result = check(parsed, as_of=synth.EXAMPLE_AS_OF, profile="statutory").to_dict()
    counts = result["counts"]
    statuses: dict[str, int] = {}
    for finding in result["findings"]:
        statuses[finding["status"]] = statuses.get(finding["status"], 0) + 1
    order = ("met", "late", "pending", "overdue", "breached", "not_required")
    tally = ", ".join(f"{statuses.get(s, 0)} {s.replace('_', ' ')}" for s in order)
    return [
        f"Check (profile statutory, as of {result['as_of']}):",
        f"  {counts['events']} events: {counts['accepted']} accepted, {counts['rejected']} rejected; "
        f"{counts['episodes']} episodes of {counts['children']} children",
        f"  findings: {tally}",
        "  (missing-protocol check FILE --only-problems lists the late, overdue and breached ones)",
    ]


def partnership_line(part: Partnership) -> str:
    """One sentence on the published intelligence figures: top hotspot and self-reports."""
    found_at = part.hotspots["found_at"]["places"]
    top = found_at[0] if found_at else None
    f = part.self_reports["figures"]
    classes = f["classes"]
    hotspot = f"Most often found at: {top['place']} ({top['episodes']} episodes). " if top else ""
    return (
        f"{hotspot}Young people made {f['self_reports']} self-reports: "
        f"{classes['matched']['self_reports']} matched a recorded episode, "
        f"{classes['unknown_to_services']['self_reports']} were unknown to services and "
        f"{classes['conflicting']['self_reports']} conflicted with the records."
    )


def interviews_line(told: dict[str, Any]) -> str:
    """One sentence from 'What interviews told us': top reasons and family-network actions."""
    kinds = {k["label"]: k for k in told["plans"]["by_kind"]}
    family = kinds["family_network"]
    return (
        f"What interviews told us: {interviews_tables.summary(told)} "
        f"{told['plans']['after_interview']} plans followed; {family['children']} children "
        f"had family-network support in theirs."
    )


@app.command("demo")
@click.option(
    "--out",
    "out_dir",
    default="missing-protocol-report",
    show_default=True,
    metavar="DIR",
    help="Where to write report.html.",
)
def demo_command(out_dir: str) -> None:
    """Run the check and the period report on the example year for Harryford (HRY)."""
    require_extra("demo", "report", "h3", "matplotlib")
    parsed = example_events()
    statutory = profiles.load("statutory")
    log = assemble_parsed(parsed)
    figures, part = build_report(log, synth.PERIOD, synth.AUTHORITY, PUBLISHED, statutory)
    # Compliance is judged under Harryford's own profile, so the chart marks the relaunch; the
    # published figures above stay those of the statutory profile.
    harryford = example_profile()
    sections = compliance_sections(
        log,
        synth.PERIOD,
        synth.AUTHORITY,
        PUBLISHED,
        harryford,
        parse_as_of(synth.EXAMPLE_AS_OF),
        first_version(harryford, synth.PERIOD),
    )
    # What interviews told us, also under Harryford's profile: its chart marks the relaunch.
    told = learned(log.assembly, synth.PERIOD, synth.AUTHORITY, harryford)
    published = disclose(attrs.evolve(figures, learned=told), PUBLISHED)
    echo(
        f"Example year: {synth.AUTHORITY_NAME} ({synth.AUTHORITY}), {w.period_text(published)} "
        "(invented data)"
    )
    echo("")
    for line in check_summary(parsed):
        echo(line)
    echo("")
    echo("Report for scrutiny:")
    for line in w.headline(published):
        echo(f"  {line}")
    echo(f"  {partnership_line(part)}")
    echo(f"  {relaunch_line(sections['split'], harryford.name)}")
    if published.learned is not None:
        echo(f"  {interviews_line(published.learned)}")
    html = Path(out_dir) / "report.html"
    write_outputs(published, str(html), None, part, sections=sections)
    echo("")
    echo(f"HTML report: {html.resolve()}")
