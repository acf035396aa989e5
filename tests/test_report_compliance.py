"""Compliance over time (issue 13 point 1): per rule, month and owner; suppressed; charted."""

from __future__ import annotations

import math
from pathlib import Path

import pendulum
import pytest

from builders import HOST, LA
from missing_protocol import profiles
from missing_protocol.check import evaluate, parse_as_of
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED, SUPPRESSED
from missing_protocol.engine.parallel import judged_jobs
from missing_protocol.formats.events import read_objects
from missing_protocol.profiles import Profile
from missing_protocol.report import (
    assemble_parsed,
    compliance_chart,
    compliance_render,
    compute,
    render_csv,
    render_text,
)
from missing_protocol.report.compliance import (
    Compliance,
    Duties,
    Family,
    Tally,
    compliance,
    duty,
    protocol_rule_ids,
)
from missing_protocol.report.compliance_section import section, shown_tally
from missing_protocol.report.disclosed import disclose
from relaunch_log import AS_OF, QUARTER, events, write_profile

RULE_IDS = protocol_rule_ids()


def judged(profile: Profile) -> Compliance:
    log = assemble_parsed(read_objects(events()))
    moment = parse_as_of(AS_OF)
    findings = evaluate(log.assembly, moment, profile)
    return compliance(log.assembly, findings, QUARTER, LA, profile=profile, as_of=moment)


@pytest.fixture(scope="module")
def relaunched(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    return profiles.load(write_profile(tmp_path_factory.mktemp("p") / "relaunch.toml"))


def rule(c: Compliance, rule_id: str) -> tuple[Tally, ...]:
    (series,) = [s for s in c.rules if s.key == rule_id]
    return series.months


def test_notify_host_is_tallied_in_the_month_of_each_report() -> None:
    """NOTIFY-HOST (24 h, statutory): told 2 h and 10 h after, then never: met, met, overdue."""
    c = judged(profiles.load("statutory"))
    assert c.months == ("2026-01", "2026-02", "2026-03")
    assert rule(c, "NOTIFY-HOST") == (Tally(met=1), Tally(met=1), Tally(overdue=1))
    total = Tally(met=2, overdue=1)
    assert (total.judged, total.fell_due) == (3, 3)
    assert c.versions == ()


def test_each_episode_is_judged_by_the_version_in_force_at_its_report(
    relaunched: Profile,
) -> None:
    """NOTIFY-HOST under the relaunch (4 h from 1 Feb): January stays met, February is late."""
    c = judged(relaunched)
    assert rule(c, "NOTIFY-HOST") == (Tally(met=1), Tally(late=1), Tally(overdue=1))
    assert c.versions == (pendulum.Date(2026, 2, 1),)


def test_the_same_by_owning_authority(relaunched: Profile) -> None:
    """RHI-72H owner: the responsible LA, then the host once rhi_owner_out_of_area = host."""
    owners = {o.owner: {s.key: s.months for s in o.rules} for o in judged(relaunched).owners}
    assert owners[LA]["RHI-72H"] == (Tally(met=1), Tally(), Tally())
    assert owners[HOST]["RHI-72H"] == (Tally(), Tally(met=1), Tally(met=1))
    assert "NOTIFY-HOST" not in owners[HOST]  # the responsible authority tells the host
    # The reporting authority's rows come first.
    assert next(o.owner for o in judged(relaunched).owners) == LA


def test_a_family_sums_its_rules_month_by_month() -> None:
    c = judged(profiles.load("statutory"))
    families = {s.key: s for s in c.families()}
    notify = [s for s in c.rules if s.key.startswith("NOTIFY-")]
    for month in range(3):
        expected = Tally()
        for s in notify:
            expected = expected + s.months[month]
        assert families[Family.NOTIFICATIONS].months[month] == expected


def test_duties_only_of_the_reports_episodes_are_counted() -> None:
    """Scope as the period report: the authority's episodes reported in the period only."""
    log = assemble_parsed(read_objects(events()))
    moment, statutory = parse_as_of(AS_OF), profiles.load("statutory")
    findings = evaluate(log.assembly, moment, statutory)

    def judged_duties(period: Period, authority: str) -> int:
        c = compliance(log.assembly, findings, period, authority, profile=statutory, as_of=moment)
        return sum(t.judged for s in c.rules for t in s.months)

    assert judged_duties(QUARTER, LA) == sum(1 for f in findings if f.rule in RULE_IDS)
    assert judged_duties(QUARTER, "ZZZ") == 0
    assert judged_duties(Period(pendulum.Date(2026, 4, 1), pendulum.Date(2026, 5, 1)), LA) == 0


def test_disclosure_control_hides_small_counts_and_their_share(relaunched: Profile) -> None:
    """Counts 1 to 5 are `c`, with their share; judged and fell-due totals stay (suppression)."""
    shown = section(judged(relaunched), PUBLISHED)
    (host,) = [s for s in shown["rules"] if s["rule"] == "NOTIFY-HOST"]
    february = host["months"][1]
    assert february["late"] == SUPPRESSED and february["met"] == 0
    assert february["judged"] == 1 and february["fell_due"] == 1
    # 0% of 1 would give away the hidden late duty: the share is hidden with the rest too.
    assert february["met_on_time_percent"] == SUPPRESSED
    big = shown_tally(Tally(met=40, late=3), PUBLISHED)
    assert big["met"] == 40 and big["late"] == SUPPRESSED and big["met_on_time_percent"] == "c"
    assert shown_tally(Tally(met=40, late=6), PUBLISHED)["met_on_time_percent"] == 87.0
    assert shown_tally(Tally(met=40), PUBLISHED)["met_on_time_percent"] == 100.0
    internal = section(judged(relaunched), INTERNAL)
    (host,) = [s for s in internal["rules"] if s["rule"] == "NOTIFY-HOST"]
    assert host["total"]["met_on_time_percent"] == round(100 / 3, 1)
    assert host["total"]["late"] == 1


def test_text_and_csv_show_the_months_and_the_owners(relaunched: Profile) -> None:
    shown = section(judged(relaunched), INTERNAL)
    text = "\n".join(compliance_render.text(shown))
    assert "Compliance over time" in text and "Jan 26" in text and "Mar 26" in text
    assert "1 Feb 2026" in text  # the version inside the period is named
    assert f"{HOST}  RHI-72H" in text
    rows = compliance_render.csv_table(shown)
    assert rows[0][:4] == ["owner", "rule", "family", "month"]
    late = rows[0].index("late")
    (feb,) = [r for r in rows if r[:4] == ["all", "NOTIFY-HOST", "notifications", "2026-02"]]
    assert feb[late] == 1
    assert any(r[0] == HOST and r[1] == "RHI-72H" and r[3] == "total" for r in rows)


def test_the_report_renderers_carry_the_section(relaunched: Profile, tmp_path: Path) -> None:
    log = assemble_parsed(read_objects(events()))
    figures = compute(log.assembly, QUARTER, LA)
    shown = section(judged(relaunched), PUBLISHED)
    assert "Compliance over time" in render_text.render(disclose(figures), compliance=shown)
    written = render_csv.write(disclose(figures), tmp_path, compliance=shown)
    assert tmp_path / "compliance.csv" in written


def test_the_chart_never_draws_a_hidden_share(relaunched: Profile) -> None:
    """Chart geometry comes from the suppressed section: a `c` month is a gap, not a point."""
    for disclosure in (PUBLISHED, INTERNAL):
        shown = section(judged(relaunched), disclosure)
        axes = compliance_chart.draw(shown).axes[0]
        lines = {str(line.get_label()): line for line in axes.get_lines()}
        families = {s["family"]: s for s in shown["families"]}
        plotted = []
        for family in (Family.RHI, Family.NOTIFICATIONS, Family.STRATEGY):
            ys = lines[family.label].get_ydata()
            values = [m["met_on_time_percent"] for m in families[family.value]["months"]]
            for value, y in zip(values, ys, strict=True):
                assert math.isnan(y) if not isinstance(value, float) else y == value
            plotted += values
        # The small log hides every share when published and none when internal.
        assert (SUPPRESSED in plotted) is disclosure.suppress
        assert any(isinstance(v, float) for v in plotted) is not disclosure.suppress
    published = compliance_chart.draw(section(judged(relaunched), PUBLISHED))
    texts = [t.get_text() for t in published.axes[0].texts]
    assert SUPPRESSED in texts
    assert "profile version from 1 Feb 2026" in texts


def test_the_chart_is_inline_svg_with_the_version_line(relaunched: Profile) -> None:
    svg = compliance_chart.share_by_month(section(judged(relaunched), INTERNAL))
    assert svg.startswith("<svg") and "profile version from 1 Feb 2026" in svg
    assert "http://" not in svg.split(">", 1)[1].replace("http://www.w3.org", "")


def test_duties_tally_exactly_as_the_findings_they_come_from(relaunched: Profile) -> None:
    """Compliance (every rule) counted from `duty` projections, as `report` holds them to bound
    its memory, equals compliance counted from the whole findings, judged in 1 or 2 processes."""
    log = assemble_parsed(read_objects(events()))
    moment = parse_as_of(AS_OF)
    findings = evaluate(log.assembly, moment, relaunched)
    whole = compliance(log.assembly, findings, QUARTER, LA, profile=relaunched, as_of=moment)
    for jobs in (1, 2):
        duties = Duties(judged_jobs(log.assembly, moment, relaunched, duty, jobs=jobs))
        assert list(duties) == [duty(f) for f in findings]
        assert list(duties) == list(duties)  # read again for each part of a split
        counted = compliance(log.assembly, duties, QUARTER, LA, profile=relaunched, as_of=moment)
        assert counted == whole
    assert any(t.judged for s in whole.rules for t in s.months)
