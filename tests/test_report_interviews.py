"""Issue 14, 'What interviews told us': reasons, risks, plans and actions, computed from a
hand-built log and checked in every report format (text, JSON with its schema, CSV, HTML), with
disclosure control (counts of 1 to 5 hidden, rare free text pooled)."""

from __future__ import annotations

import csv
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pendulum
import pytest

from missing_protocol import check, profiles, synth
from missing_protocol.cli.demo import example_events
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED
from missing_protocol.formats.events import read_objects
from missing_protocol.report import (
    PeriodFigures,
    period_report,
    render_csv,
    render_html,
    render_json,
    render_text,
)
from missing_protocol.report.disclosed import disclose
from test_html_chromium import chromium, headless

MARCH = Period(pendulum.Date(2026, 3, 1), pendulum.Date(2026, 4, 1))
SPRING = Period(pendulum.Date(2026, 2, 1), pendulum.Date(2026, 4, 1))
LA, OTHER = "309", "KSW"
SCHEMA = json.loads(
    (resources.files("missing_protocol") / "schemas" / "report.schema.json").read_text("utf-8")
)


def episode(
    eid: str,
    child: str,
    day: str,
    *,
    care: bool = False,
    responsible: str = LA,
    host: str | None = None,
    reasons: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
    plan_at: str | None = None,
    actions: tuple[tuple[str, str], ...] = (),
    declined: bool = False,
) -> list[dict[str, Any]]:
    """Reported at 20:00 on `day` (March 2026 unless a full date), found, offered, interviewed
    the day after next at noon (or declined), with a plan at `plan_at` when given."""
    date = day if "-" in day else f"2026-03-{int(day):02d}"
    start = pendulum.parse(f"{date}T20:00:00Z")
    assert isinstance(start, pendulum.DateTime)
    iso = lambda moment: moment.isoformat()  # noqa: E731
    out: list[dict[str, Any]] = [
        {
            "type": "reported",
            "episode_id": eid,
            "child_id": child,
            "at": iso(start),
            "missing_from": "care" if care else "home",
            "responsible_authority": responsible,
            **({"host_authority": host} if host else {}),
        },
        {"type": "found", "episode_id": eid, "at": iso(start.add(hours=12))},
        {"type": "interview_offered", "episode_id": eid, "at": iso(start.add(hours=14))},
    ]
    if declined:
        out.append(
            {
                "type": "interview_declined",
                "episode_id": eid,
                "at": iso(start.add(hours=16)),
                "declined_by": "child",
            }
        )
    else:
        out.append(
            {
                "type": "interview_completed",
                "episode_id": eid,
                "at": iso(start.add(hours=40)),
                "reasons": list(reasons),
                "risks": list(risks),
            }
        )
    if plan_at is not None:
        out.append(
            {
                "type": "plan_made",
                "episode_id": eid,
                "at": plan_at,
                "actions": [{"kind": k, "owner": o} for k, o in actions],
            }
        )
    return out


SW, CAMHS = "Allocated social worker", "CAMHS"
LOG = [
    # C1 from home, twice: a repeated reason counts once per interview; a plan late the second time.
    *episode(
        "E1", "C1", "2", reasons=("conflict at home", "conflict at home", "boredom"),
        risks=("cse",), plan_at="2026-03-06T09:00:00Z",
        actions=(("mental_health_referral", CAMHS), ("family_network", SW)),
    ),
    *episode(
        "E2", "C1", "9", reasons=("boredom",), risks=("cse", "mental_health"),
        plan_at="2026-03-27T09:00:00Z", actions=(("family_network", SW),),
    ),
    # C2 looked after by 309, no plan; C3 placed in 309 by another authority.
    *episode("E3", "C2", "5", care=True, reasons=("conflict in placement",)),
    *episode(
        "E4", "C3", "12", care=True, responsible=OTHER, host=LA, reasons=("boredom",),
        risks=("cce",), plan_at="2026-03-16T09:00:00Z", actions=(("disruption", "Police"),),
    ),
    # Not 309's: another authority's child missing from home.
    *episode(
        "E5", "C4", "2", responsible=OTHER, reasons=("boredom",),
        plan_at="2026-03-06T09:00:00Z", actions=(("family_network", SW),),
    ),
    # Interviewed in February, plan in March: in March's plans, not in March's interviews.
    *episode(
        "E6", "C5", "2026-02-20", reasons=("boredom",), plan_at="2026-03-03T09:00:00Z",
        actions=(("family_network", SW),),
    ),
    # Declined, then a plan: a plan made in March, no interview.
    *episode(
        "E7", "C6", "16", declined=True, plan_at="2026-03-18T09:00:00Z",
        actions=(("family_network", SW), ("education", "School")),
    ),
]  # fmt: skip


def report(period: Period = MARCH, log: list[dict[str, Any]] = LOG, **kw: Any) -> PeriodFigures:
    return period_report(read_objects(log), period, LA, **kw)


def section(figures: PeriodFigures, disclosure: Any = INTERNAL) -> dict[str, Any]:
    data = render_json.to_dict(disclose(figures, disclosure))
    jsonschema.validate(data, SCHEMA)
    told: dict[str, Any] = data["interviews_told_us"]
    return told


def test_reasons_and_risks_once_per_interview_and_by_distinct_children() -> None:
    s = section(report())
    assert (s["interviews"], s["children"]) == (4, 3)
    assert s["by_cohort"] == {"own_looked_after": 1, "placed_here_by_others": 1, "from_home": 2}
    assert (s["with_reasons"], s["with_risks"]) == (4, 3)
    assert [(r["label"], r["interviews"], r["children"]) for r in s["reasons"]] == [
        ("boredom", 3, 2),
        ("conflict at home", 1, 1),
        ("conflict in placement", 1, 1),
    ]
    assert s["top_reasons"] == ["boredom", "conflict at home", "conflict in placement"]
    assert [(r["label"], r["interviews"], r["children"]) for r in s["risks"]] == [
        ("cse", 2, 1),
        ("cce", 1, 1),
        ("mental_health", 1, 1),
    ]


def test_risks_by_cohort() -> None:
    risks = {r["label"]: r["by_cohort"] for r in section(report())["risks"]}
    assert risks["cse"] == {"own_looked_after": 0, "placed_here_by_others": 0, "from_home": 2}
    assert risks["cce"] == {"own_looked_after": 0, "placed_here_by_others": 1, "from_home": 0}


def test_plans_after_the_interview_on_time_by_plan_after_rhi() -> None:
    """PLAN-AFTER-RHI's plan_within (10 working days): E1 and E4 on time, E2 late, E3 none."""
    p = section(report())["plans"]
    assert (p["after_interview"], p["within_deadline"], p["actions"]) == (3, 2, 4)
    assert p["percent_within_deadline"] == 66.7
    assert p["deadlines"] == ["10 working days"]


def test_the_plans_table_shows_a_whole_percentage_as_every_other_table() -> None:
    """PLAN-AFTER-RHI in the text and HTML plans table: 67%, as the funnel shows its shares
    (it printed 66.7 under a % heading)."""
    from missing_protocol.report.interviews_tables import plans

    rows = plans(section(report()))
    assert rows[-1][1:] == ["2", "67%"]


def test_actions_by_kind_and_owner_and_children_with_each_kind() -> None:
    p = section(report())["plans"]
    kinds = {k["label"]: (k["actions"], k["plans"], k["children"]) for k in p["by_kind"]}
    assert kinds == {
        "mental_health_referral": (1, 1, 1),
        "family_network": (2, 2, 1),
        "disruption": (1, 1, 1),
        "education": (0, 0, 0),
        "other": (0, 0, 0),
    }
    assert [(o["label"], o["actions"]) for o in p["by_owner"]] == [
        (SW, 2),
        (CAMHS, 1),
        ("Police", 1),
    ]


def test_plans_by_month_with_a_family_network_action_and_profile_versions(tmp_path: Path) -> None:
    """Every plan made in the month for the authority's episodes (interviewed or declined)."""
    assert section(report())["by_month"] == [{"month": "2026-03", "plans": 5, "family_network": 4}]
    toml = tmp_path / "relaunch.toml"
    toml.write_text(
        'name = "relaunch"\n[[versions]]\neffective_from = 2026-03-15\nplan_within = "PT72H"\n',
        encoding="utf-8",
    )
    # E9, reported after the relaunch, is judged by its 72 hours; the others by 10 working days.
    later = episode(
        "E9", "C9", "20", reasons=("boredom",), plan_at="2026-03-24T09:00:00Z",
        actions=(("education", "School"),),
    )  # fmt: skip
    s = section(report(SPRING, [*LOG, *later], profile=profiles.load(toml)))
    assert s["by_month"] == [
        {"month": "2026-02", "plans": 0, "family_network": 0},
        {"month": "2026-03", "plans": 6, "family_network": 4},
    ]
    assert s["versions"] == ["2026-03-15"]
    # E6 (interviewed in February) now counts too.
    assert s["interviews"] == 6
    assert s["plans"]["deadlines"] == ["10 working days", "PT72H"]
    assert (s["plans"]["after_interview"], s["plans"]["within_deadline"]) == (5, 4)


def test_small_counts_are_hidden_and_rare_free_text_pooled() -> None:
    """Disclosure control: 1 to 5 shown as c; reasons, risks and owners with hidden counts are
    pooled into one row, so no rare free text is published; totals stay."""
    s = section(report(), PUBLISHED)
    assert (s["interviews"], s["children"]) == (4, 3)
    assert s["reasons"] == [
        {
            "label": "other reasons (each given in 1 to 5 interviews)",
            "interviews": "c",
            "pooled": True,
        }
    ]
    assert s["top_reasons"] == []
    assert s["plans"]["within_deadline"] == "c" and s["plans"]["percent_within_deadline"] == "c"
    assert {k["actions"] for k in s["plans"]["by_kind"]} == {"c", 0}
    assert [o["label"] for o in s["plans"]["by_owner"]] == [
        "other owners (each with 1 to 5 actions)"
    ]
    assert s["by_month"] == [{"month": "2026-03", "plans": 5, "family_network": "c"}]
    assert "conflict in placement" not in json.dumps(s)


def many(n: int, reason: str, start: int = 0) -> list[dict[str, Any]]:
    return [
        event
        for i in range(start, start + n)
        for event in episode(f"M{i}", f"K{i}", "2026-03-02", reasons=(reason,))
    ]


def test_a_shown_reason_stays_and_a_rare_one_is_pooled_with_its_count_kept_when_large() -> None:
    log = [*many(7, "boredom"), *many(6, "a rare reason that could name a child", 7)]
    s = section(report(log=log), PUBLISHED)
    assert [(r["label"], r["interviews"]) for r in s["reasons"]] == [
        ("boredom", 7),
        ("a rare reason that could name a child", 6),
    ]
    one_off = [*many(7, "boredom"), *many(1, "only once", 7), *many(1, "only twice", 8)]
    s = section(report(log=one_off), PUBLISHED)
    assert [(r["label"], r["interviews"]) for r in s["reasons"]] == [
        ("boredom", 7),
        ("other reasons (each given in 1 to 5 interviews)", "c"),
    ]
    assert s["top_reasons"] == ["boredom"]


def test_the_text_report_has_the_section() -> None:
    text = render_text.render(disclose(report(), INTERNAL))
    assert "What interviews told us" in text
    lines = text.splitlines()
    row = next(line for line in lines if line.strip().startswith("boredom"))
    assert row.split()[1:] == ["3", "2", "0", "1", "2"]
    assert any("child sexual exploitation" in line for line in lines)
    assert ["Mar", "2026", "5", "4"] in [line.split() for line in lines]


def test_the_csv_tables_hold_the_section(tmp_path: Path) -> None:
    render_csv.write(disclose(report(), PUBLISHED), tmp_path)

    def rows(name: str) -> list[list[str]]:
        with (tmp_path / name).open(encoding="utf-8") as handle:
            return list(csv.reader(handle))

    assert rows("plans_by_month.csv") == [
        ["month", "plans", "family_network"],
        ["2026-03", "5", "c"],
    ]
    kinds = rows("plan_actions_by_kind.csv")
    assert kinds[0] == ["kind", "actions", "plans", "children"]
    assert ["family_network", "c", "c", "c"] in kinds and ["education", "0", "0", "0"] in kinds
    assert rows("interview_reasons.csv")[1][0].startswith("other reasons")
    summary = dict(r for r in rows("plans.csv")[1:] if len(r) == 2)
    assert summary["interviews_completed"] == "4" and summary["plans_after_interview"] == "c"


def test_the_html_report_has_the_section_and_its_chart() -> None:
    page = render_html.render(disclose(report(), INTERNAL))
    assert 'id="interviews-told-us"' in page and "What interviews told us" in page
    assert 'aria-label="Plans made by month, with family network"' in page
    assert "Referral to mental-health services" in page


@pytest.mark.parametrize("disclosure", [PUBLISHED, INTERNAL])
def test_a_log_with_no_interviews_still_has_a_valid_section(disclosure: Any) -> None:
    log = [e for e in LOG if e["type"] not in ("interview_completed", "plan_made")]
    s = section(report(log=log), disclosure)
    assert (s["interviews"], s["reasons"], s["risks"], s["plans"]["by_owner"]) == (0, [], [], [])
    assert "What interviews told us" in render_text.render(disclose(report(log=log), disclosure))


def test_the_section_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The HTML section in a real browser (as tests/test_html_chromium.py): the section, its
    tables and the month chart with the profile version marked; skipped locally without
    Chromium, required in CI."""
    found = chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium); runs in CI")
    toml = tmp_path / "relaunch.toml"
    toml.write_text(
        'name = "relaunch"\n[[versions]]\neffective_from = 2026-03-15\nplan_within = "PT72H"\n',
        encoding="utf-8",
    )
    page = tmp_path / "report.html"
    figures = report(SPRING, profile=profiles.load(toml))
    page.write_text(render_html.render(disclose(figures, INTERNAL)), encoding="utf-8")
    dom = headless(found, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    assert 'id="interviews-told-us"' in dom
    assert "Support from the wider family network" in dom
    assert "profile version from 15 Mar 2026" in dom  # the version line's label in the chart
    assert "Reasons most often given: boredom" in dom


@pytest.fixture(scope="module")
def example() -> list[Any]:
    return example_events()


def test_the_example_year_shows_the_section_with_plausible_figures(example: list[Any]) -> None:
    """Issue 14 point 4: the shipped example's interviews and plans carry reasons, risks and
    actions; the family-network share grows through the year (the council's aim) and the
    published figures stay those of issue 5."""
    figures = period_report(example, synth.PERIOD, synth.AUTHORITY)
    assert (figures.episodes, figures.children) == (806, 190)
    s = section(figures, PUBLISHED)
    assert s["interviews"] > 500 and len(s["top_reasons"]) == 5
    by_cohort = {r["label"]: r["by_cohort"] for r in s["reasons"] if not r.get("pooled")}
    assert by_cohort["conflict in placement"]["from_home"] == 0
    assert by_cohort["conflict at home"]["own_looked_after"] == 0
    months = s["by_month"]

    def share(rows: list[dict[str, Any]]) -> float:
        return sum(r["family_network"] for r in rows) / sum(r["plans"] for r in rows)

    assert share(months[-3:]) > share(months[:3]) + 0.1
    kinds = {k["label"]: k["actions"] for k in s["plans"]["by_kind"]}
    assert all(isinstance(n, int) and n > 50 for n in kinds.values())


def test_the_example_year_actions_fall_due_and_are_followed_through(example: list[Any]) -> None:
    """PLAN-ACTION-DUE on the example: actions met, late and never done, none pending at the
    example's as-of, every one owned by the action's owner."""
    result = check(example, as_of=synth.EXAMPLE_AS_OF)
    actions = [f for f in result.findings if f.rule == "PLAN-ACTION-DUE"]
    statuses = {f.status.value for f in actions}
    assert statuses == {"met", "late", "overdue"}
    assert {f.responsible for f in actions} >= {"Harryford CAMHS", "Virtual School"}
