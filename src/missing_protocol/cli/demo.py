"""`missing-protocol demo`: check and report on the example year shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from missing_protocol import profiles, synth
from missing_protocol.cli._app import app
from missing_protocol.cli._output import echo
from missing_protocol.cli.report import build_report, write_outputs
from missing_protocol.formats.events import Parsed, read_file
from missing_protocol.report import PUBLISHED, assemble_parsed
from missing_protocol.report import wording as w
from missing_protocol.report.partnership import Partnership

EXAMPLE = "example_year.jsonl"


def example_events() -> list[Parsed]:
    """The shipped example year, read from the installed package (wheel, sdist or source tree)."""
    source = resources.files("missing_protocol") / "data" / EXAMPLE
    with resources.as_file(source) as path:
        return list(read_file(path))


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
    parsed = example_events()
    statutory = profiles.load("statutory")
    log = assemble_parsed(parsed)
    figures, part = build_report(log, synth.PERIOD, synth.AUTHORITY, PUBLISHED, statutory)
    echo(
        f"Example year: {synth.AUTHORITY_NAME} ({synth.AUTHORITY}), {w.period_text(figures)} "
        "(invented data)"
    )
    echo("")
    for line in check_summary(parsed):
        echo(line)
    echo("")
    echo("Report for scrutiny:")
    for line in w.headline(figures, PUBLISHED):
        echo(f"  {line}")
    echo(f"  {partnership_line(part)}")
    html = Path(out_dir) / "report.html"
    write_outputs(figures, PUBLISHED, str(html), None, part)
    echo("")
    echo(f"HTML report: {html.resolve()}")
