"""`missing-protocol report` and `missing-protocol demo` end to end through click."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from intelligence_log import CHILDREN, PERSONS
from intelligence_log import write as write_intelligence
from missing_protocol.cli import app

SCHEMA = json.loads(
    (resources.files("missing_protocol") / "schemas" / "report.schema.json").read_text("utf-8")
)
YEAR = ["--from", "2025-04-01", "--to", "2026-04-01"]
MARCH = ["--from", "2026-03-01", "--to", "2026-04-01", "--authority", "309"]
SCHEMAS = resources.files("missing_protocol") / "schemas"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    lines = [
        {"type": "child", "child_id": "C1", "ethnicity": "BCRB", "sex": "male"},
        *(
            {
                "type": "reported",
                "episode_id": f"E{n}",
                "child_id": f"C{n}",
                "at": "2025-05-01T10:00:00+01:00",
                "missing_from": "care" if n % 2 else "home",
                "responsible_authority": "HRY",
                "location": "Elm Lodge",
            }
            for n in range(1, 9)
        ),
        {"type": "found", "episode_id": "E1", "at": "2025-05-01T12:00:00+01:00"},
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_text_report(log: Path) -> None:
    result = run("report", str(log), *YEAR, "--authority", "HRY")
    assert result.exit_code == 0, result.output
    assert "8 missing episodes involving 8 children" in result.stdout
    assert "Disclosure control" in result.stdout


def test_json_report_follows_the_schema_and_is_suppressed_by_default(log: Path) -> None:
    result = run("report", str(log), *YEAR, "--authority", "HRY", "--format", "json")
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["suppressed"] is True
    assert data["cohorts"] == {
        "own_looked_after": "c",
        "placed_here_by_others": 0,
        "from_home": "c",
    }
    assert list(data)[:7] == [
        "period",
        "authority",
        "suppressed",
        "episodes",
        "children",
        "cohorts",
        "ethnicity",
    ]


def test_no_suppress(log: Path) -> None:
    result = run(
        "report", str(log), *YEAR, "--authority", "HRY", "--format", "json", "--no-suppress"
    )
    data = json.loads(result.stdout)
    assert data["suppressed"] is False
    assert data["cohorts"]["own_looked_after"] == 4
    assert "NOT SUPPRESSED" in run("report", str(log), *YEAR, "--no-suppress").stdout


def test_authority_defaults_to_the_one_with_most_reports(log: Path) -> None:
    result = run("report", str(log), *YEAR)
    assert result.exit_code == 0
    assert "reporting for HRY" in result.stderr


def test_html_and_csv_outputs(log: Path, tmp_path: Path) -> None:
    html, folder = tmp_path / "out" / "report.html", tmp_path / "csv"
    result = run("report", str(log), *YEAR, "--html", str(html), "--csv", str(folder))
    assert result.exit_code == 0, result.output
    page = html.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    # Self-contained: nothing is fetched when the page is opened.
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:|//)|url\((?!#)|@import|<link|<script""", page
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        "by_month.csv",
        "cohorts.csv",
        "compliance.csv",
        "ethnicity.csv",
        "hotspot_cells.csv",
        "hotspot_places.csv",
        "hotspots_found_at.csv",
        "hotspots_missing_from.csv",
        "intelligence_summary.csv",
        "interview_reasons.csv",  # issue 14: what interviews told us
        "interview_risks.csv",
        "interviews.csv",
        "plan_actions_by_kind.csv",
        "plan_actions_by_owner.csv",
        "plans.csv",
        "plans_by_month.csv",
        "self_report_classes.csv",
        "self_report_reasons.csv",
        "sex.csv",
        "summary.csv",
    ]
    assert "HTML report written to" in result.stderr


def test_profile_sets_the_interview_deadline(log: Path, tmp_path: Path) -> None:
    with log.open("a", encoding="utf-8") as handle:
        for kind, at in [
            ("interview_offered", "2025-05-02T10:00:00+01:00"),
            ("interview_completed", "2025-05-05T12:30:00+01:00"),  # 72.5 h after found
        ]:
            handle.write(json.dumps({"type": kind, "episode_id": "E1", "at": at}) + "\n")
    args = ["report", str(log), *YEAR, "--no-suppress", "--format", "json"]
    default = json.loads(run(*args).stdout)
    assert default["interviews"]["completed_within_deadline"] == 0
    assert default["profile"] == "statutory"
    local = tmp_path / "local.toml"
    local.write_text('[parameters]\nrhi_within = "3 working days"\n', encoding="utf-8")
    data = json.loads(run(*args, "--profile", str(local)).stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["interviews"]["completed_within_deadline"] == 1
    assert data["interviews"]["deadlines"] == ["3 working days"]
    assert data["profile"] == "local"
    text = run("report", str(log), *YEAR, "--profile", str(local)).stdout
    assert "Completed within 3 working days" in text
    bad = run("report", str(log), *YEAR, "--profile", "nowhere")
    assert bad.exit_code == 2 and "unknown profile" in bad.stderr


@pytest.fixture
def intel(tmp_path: Path) -> Path:
    return write_intelligence(tmp_path / "intel.jsonl")


def plain_ids(output: str) -> list[str]:
    return [i for i in (*CHILDREN, *PERSONS) if re.search(rf"(?<![\w-]){i}(?![\w-])", output)]


def test_the_embedded_intelligence_schemas_are_the_shipped_ones() -> None:
    for key, name in [
        ("hotspots", "hotspots"),
        ("self_reports", "self-reports"),
        ("persons", "persons"),
    ]:
        shipped = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
        assert SCHEMA["$defs"][key] == shipped, (
            f"copy schemas/{name}.schema.json into report's $defs"
        )


def test_hotspots_and_self_report_figures_but_no_restricted_detail_by_default(
    intel: Path, tmp_path: Path
) -> None:
    html = tmp_path / "report.html"
    result = run("report", str(intel), *MARCH, "--format", "json", "--html", str(html))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert "persons" not in data and "self_reports" not in data["self_reports"]
    spots = data["hotspot_figures"]["missing_from"]["places"]
    park = next(r for r in spots if r["place"] == "Station Road Park")
    assert park == {
        "place": "Station Road Park",
        "episodes": "c",
        "children": "c",
        "previous_episodes": "c",
        "change": "c",
    }
    assert data["hotspot_figures"]["found_at"]["cells"]  # places with coordinates
    figures = data["self_reports"]["figures"]
    assert (figures["self_reports"], figures["children"]) == (6, 5)
    assert data["hotspots"]["missing_from"]  # issue 5's list is still there
    text = run("report", str(intel), *MARCH).stdout
    page = html.read_text("utf-8")
    for output in (result.stdout, text, page):
        assert plain_ids(output) == []
        assert "RESTRICTED" not in output and "persons of concern" not in output.lower()
    for output in (text, page):
        assert "Young people's own reports" in output and "Hotspots" in output
        assert "Unknown to services (hidden missing)" in output
        # The log begins on 10 February: the previous period (February) is only partly there.
        assert "records begin on 10 February 2026" in output and "only partly" in output
    assert "Station Road Park" in page and "Market Square" in page


def test_include_intelligence_adds_persons_and_each_self_report(
    intel: Path, tmp_path: Path
) -> None:
    html = tmp_path / "report.html"
    args = ["report", str(intel), *MARCH, "--include-intelligence", "--no-suppress"]
    data = json.loads(run(*args, "--format", "json", "--html", str(html)).stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["persons"]["figures"]["persons"] == 4
    assert data["persons"]["figures"]["flags"]["links_after_disruption"] == 1
    assert len(data["self_reports"]["self_reports"]) == 6
    text = run(*args).stdout
    page = html.read_text("utf-8")
    for output in (text, page):
        assert "RESTRICTED" in output
        assert set(plain_ids(output)) == {*CHILDREN, *PERSONS}
    assert "links after disruption" in page and "Restricted: each self-report" in page


def test_profile_tolerance_matches_the_self_reports(intel: Path, tmp_path: Path) -> None:
    args = ["report", str(intel), *MARCH, "--no-suppress", "--format", "json"]

    def matched(*extra: str) -> int:
        data = json.loads(run(*args, *extra).stdout)
        count: int = data["self_reports"]["figures"]["classes"]["matched"]["self_reports"]
        return count

    strict = tmp_path / "strict.toml"
    strict.write_text('[parameters]\nself_report_tolerance = "PT1H"\n', encoding="utf-8")
    # R1 gives whole days (2 to 3 March) for E1 (18:00 on 2 March to 10:00 on 3 March):
    # within the statutory day of slack, not within an hour.
    assert matched() == 1
    assert matched("--profile", str(strict)) == 0


def test_pseudonymise_key_replaces_child_and_person_ids_everywhere(
    intel: Path, tmp_path: Path
) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    html = tmp_path / "report.html"
    args = ["report", str(intel), *MARCH, "--include-intelligence", "--format", "json"]
    plain = json.loads(run(*args).stdout)
    masked_run = run(*args, "--pseudonymise-key", str(key), "--html", str(html))
    assert masked_run.exit_code == 0, masked_run.output
    masked = json.loads(masked_run.stdout)
    page = html.read_text("utf-8")
    for output in (masked_run.stdout, page):
        assert plain_ids(output) == [] and "px-" in output
    assert masked["persons"]["figures"] == plain["persons"]["figures"]
    assert masked["self_reports"]["figures"] == plain["self_reports"]["figures"]
    assert masked["hotspot_figures"] == plain["hotspot_figures"]
    bad = run(*args, "--pseudonymise-key", str(tmp_path / "nowhere"))
    assert bad.exit_code == 2


def test_rejected_events_are_counted_and_reported_but_do_not_stop_the_report(
    log: Path,
) -> None:
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "found", "episode_id": "E2", "at": "yesterday"}\nnot json\n')
    result = run("report", str(log), *YEAR, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rejected_events"] == 2
    assert "2 rejected events not counted" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01", "--to", "2026-04-01"], "bad period"),
        (["--from", "2025-04-01", "--to", "2025-04-01"], "must end after"),
        (
            ["--from", "2025-04-01", "--to", "2026-04-01", "--assume-tz", "Mars/Olympus"],
            "time zone",
        ),
    ],
)
def test_bad_options_exit_2_with_a_message(log: Path, args: list[str], message: str) -> None:
    result = run("report", str(log), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "missing.jsonl"), *YEAR)
    assert result.exit_code == 2
    assert "missing.jsonl" in result.stderr


def test_a_log_without_reports_needs_an_authority(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert run("report", str(empty), *YEAR).exit_code == 2
    assert run("report", str(empty), *YEAR, "--authority", "HRY").exit_code == 0


def test_an_output_folder_that_cannot_be_created_is_a_usage_error_before_the_report(
    log: Path, tmp_path: Path
) -> None:
    """docs/contract.md, output files: missing folders of --html and --csv are created (as
    `convert` creates its OUT's); one that cannot be is one line and exit 2, said before the
    report is worked out, so nothing goes to standard output."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for option, target in (
        ("--html", blocker / "sub" / "report.html"),
        ("--csv", blocker / "tables"),
        ("--html", blocker / "report.html"),  # a file where its folder should be
    ):
        result = CliRunner().invoke(app, ["report", str(log), *YEAR, option, str(target)])
        folder = target if option == "--csv" else target.parent
        why = "File exists" if folder == blocker else "Not a directory"
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"missing-protocol: error: {option}: cannot create the folder {folder}: {why}"
        ]


def test_demo_prints_the_headline_figures_and_writes_the_html(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "806 missing episodes involving 190 children" in result.stdout
    assert "82 were looked after by HRY" in result.stdout
    assert "54% were Black, 19% White, 17% Mixed, 6% Asian; 56% were male" in result.stdout
    assert "0 rejected" in result.stdout
    assert f"HTML report: {(out / 'report.html').resolve()}" in result.stdout
    assert "Young people made 51 self-reports: 38 matched a recorded episode" in result.stdout
    page = (out / "report.html").read_text("utf-8")
    assert "806" in page and "Young people's own reports" in page
    assert "RESTRICTED" not in page and "P0001" not in page
    # Issue 14: the demo shows what interviews told us, in its output and on the page.
    assert "What interviews told us: 583 return interviews" in result.stdout
    assert 'id="interviews-told-us"' in page
