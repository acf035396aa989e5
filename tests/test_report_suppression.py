"""Disclosure control: counts 1-5 shown as c, their percentages hidden, totals kept."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from typing import Any

import jsonschema
import pendulum
import pytest

from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED, Disclosure
from missing_protocol.formats.events import read_objects
from missing_protocol.report import period_report, render_csv, render_html, render_json, render_text
from missing_protocol.report.disclosed import disclose
from missing_protocol.report.figures import PeriodFigures

YEAR = Period(pendulum.Date(2025, 4, 1), pendulum.Date(2026, 4, 1))
SCHEMA = json.loads(
    (resources.files("missing_protocol") / "schemas" / "report.schema.json").read_text("utf-8")
)


def small_year(own: int, home: int) -> PeriodFigures:
    """`own` looked-after children and `home` children missing from home, one episode each."""
    log: list[dict[str, Any]] = []
    for n in range(own + home):
        log.append({"type": "child", "child_id": f"C{n}", "ethnicity": "BCRB", "sex": "male"})
        log.append(
            {
                "type": "reported",
                "episode_id": f"E{n}",
                "child_id": f"C{n}",
                "at": "2025-05-01T10:00:00+01:00",
                "missing_from": "care" if n < own else "home",
                "responsible_authority": "HRY",
            }
        )
    return period_report(read_objects(log), YEAR, "HRY")


@pytest.mark.parametrize(
    ("count", "shown"), [(0, 0), (1, "c"), (3, "c"), (5, "c"), (6, 6), (120, 120)]
)
def test_counts_from_one_to_five_are_hidden(count: int, shown: int | str) -> None:
    assert PUBLISHED.count(count) == shown
    assert INTERNAL.count(count) == count


def test_a_percentage_is_hidden_with_its_count_and_absent_without_a_base() -> None:
    assert PUBLISHED.percent(3, 10) == "c"
    assert PUBLISHED.percent(6, 10) == 60.0
    assert PUBLISHED.percent(0, 0) is None
    assert INTERNAL.percent(3, 10) == 30.0


def test_totals_are_never_hidden() -> None:
    assert PUBLISHED.total(3) == 3
    f = small_year(own=3, home=7)
    data = render_json.to_dict(disclose(f))
    assert (data["episodes"], data["children"]) == (10, 10)
    assert data["interviews"]["found_episodes"] == 0
    assert data["by_month"][1]["total"] == 10


def test_json_is_suppressed_by_default_and_says_so() -> None:
    data = render_json.to_dict(disclose(small_year(own=3, home=7)))
    jsonschema.validate(data, SCHEMA)
    assert data["suppressed"] is True
    assert data["cohorts"] == {"own_looked_after": "c", "placed_here_by_others": 0, "from_home": 7}
    assert data["ethnicity"]["Black"] == {"children": 10, "percent": 100.0}
    assert data["by_month"][1]["own_looked_after"] == "c"


def test_json_without_suppression_shows_everything_and_says_so() -> None:
    data = render_json.to_dict(disclose(small_year(own=3, home=7), INTERNAL))
    jsonschema.validate(data, SCHEMA)
    assert data["suppressed"] is False
    assert data["cohorts"]["own_looked_after"] == 3


def test_shares_hide_small_groups_and_their_percent() -> None:
    f = small_year(own=2, home=8)
    assert render_json.to_dict(disclose(f))["sex"]["male"] == {"children": 10, "percent": 100.0}
    mixed = period_report(
        read_objects(
            [
                {"type": "child", "child_id": "A", "sex": "female"},
                *(
                    {
                        "type": "reported",
                        "episode_id": f"E{c}",
                        "child_id": c,
                        "at": "2025-05-01T10:00:00+01:00",
                        "missing_from": "home",
                        "responsible_authority": "HRY",
                    }
                    for c in "ABCDEFGH"
                ),
            ]
        ),
        YEAR,
        "HRY",
    )
    sex = render_json.to_dict(disclose(mixed))["sex"]
    assert sex["female"] == {"children": "c", "percent": "c"}
    assert sex["unknown"] == {"children": 7, "percent": 87.5}


def test_text_hides_small_counts_keeps_totals_and_states_the_policy() -> None:
    text = render_text.render(disclose(small_year(own=3, home=7)))
    assert "Disclosure control: counts from 1 to 5 are shown as 'c'" in text
    assert "3 were looked after by HRY" not in text
    assert "c were looked after by HRY" in text
    assert "10 missing episodes involving 10 children" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("Looked after by HRY"))
    assert row.split()[-2:] == ["c", "c"]


def test_no_suppress_is_stated_on_every_output() -> None:
    f = small_year(own=3, home=7)
    assert "NOT SUPPRESSED" in render_text.render(disclose(f, INTERNAL))
    assert "NOT SUPPRESSED" in render_html.render(disclose(f, INTERNAL))
    summary = dict(render_csv.tables(disclose(f, INTERNAL))["summary.csv"])  # type: ignore[arg-type]
    assert summary["suppressed"] == "false"
    assert "NOT SUPPRESSED" in str(summary["notice"])
    assert "3 were looked after by HRY" in render_text.render(disclose(f, INTERNAL))


def test_csv_tables_are_suppressed() -> None:
    f = small_year(own=3, home=7)
    cohorts = list(
        csv.reader(io.StringIO(render_csv.render(render_csv.tables(disclose(f))["cohorts.csv"])))
    )
    assert cohorts[0] == ["cohort", "children", "percent"]
    assert cohorts[1] == ["own_looked_after", "c", "c"]
    assert cohorts[3] == ["from_home", "7", "70.0"]
    assert cohorts[4] == ["total", "10", "100.0"]


def test_html_hides_small_counts_in_tables() -> None:
    page = render_html.render(disclose(small_year(own=3, home=7)))
    assert '<td>Looked after by HRY</td><td class="n">c</td><td class="n">c</td>' in page
    assert "Disclosure control" in page


def test_the_suppression_band_is_a_parameter() -> None:
    strict = Disclosure(largest=9)
    assert strict.count(9) == "c" and strict.count(10) == 10
