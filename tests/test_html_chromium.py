"""The HTML report renders in headless Chromium with its charts and headline figures.

Skipped only outside CI when Chromium is absent; in CI (CI=true, where .ci/run installs
Debian's chromium) a missing browser is a failure. In CI (or with UPDATE_DOCS_SCREENSHOT=1) the
screenshot is also written to docs/img/report.png, the picture on the report pages of the site,
which .ci/run builds after the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from missing_protocol import synth
from missing_protocol.common.suppression import PUBLISHED
from missing_protocol.report import assemble_parsed, compute, render_html
from missing_protocol.report.disclosed import disclose
from missing_protocol.report.partnership import partnership

DOCS_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "img" / "report.png"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")


def chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    found = chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium); runs in CI")
    return found


def headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_report_renders_with_charts_and_headline_figures(browser: str, tmp_path: Path) -> None:
    log = assemble_parsed(synth.generate())
    figures = compute(log.assembly, synth.PERIOD, synth.AUTHORITY, rejected_events=log.rejected)
    part = partnership(log.assembly, synth.PERIOD, PUBLISHED, authority=synth.AUTHORITY)
    page = tmp_path / "report.html"
    page.write_text(render_html.render(disclose(figures), part), encoding="utf-8")
    url = page.as_uri()

    shot = tmp_path / "report.png"
    taken = headless(
        browser, tmp_path / "profile1", f"--screenshot={shot}", "--window-size=1200,2000", url
    )
    assert shot.exists(), taken.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank page is a few kB; charts and tables are not
    if os.environ.get("CI") == "true" or os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copyfile(shot, DOCS_SCREENSHOT)

    dom = headless(browser, tmp_path / "profile2", "--dump-dom", url).stdout
    assert ">806<" in dom and ">190<" in dom
    assert "806 missing episodes involving 190 children" in dom
    assert dom.count("<svg") >= 5  # months, interviews, ethnicity, sex, self-report reasons
    assert "Episodes by month and cohort" in dom
    # The partnership section: hotspots with H3 cells and the self-report figures, no detail.
    assert "Harryford Broadway" in dom and "H3 cell" in dom
    assert "Young people's own reports" in dom and "Unknown to services" in dom
    assert "RESTRICTED" not in dom


def test_the_compliance_chart_renders_with_the_relaunch_marked(
    browser: str, tmp_path: Path
) -> None:
    """Issue 13: compliance over time, judged under Harryford's profile, split at its version."""
    from missing_protocol.check import parse_as_of
    from missing_protocol.cli._compliance import compliance_sections
    from missing_protocol.cli.demo import example_events, example_profile

    log = assemble_parsed(example_events())
    harryford = example_profile()
    figures = compute(log.assembly, synth.PERIOD, synth.AUTHORITY, rejected_events=log.rejected)
    sections = compliance_sections(
        log, synth.PERIOD, synth.AUTHORITY, PUBLISHED, harryford,
        parse_as_of(synth.EXAMPLE_AS_OF), harryford.versions[1].effective_from,
    )  # fmt: skip
    page = tmp_path / "report.html"
    page.write_text(render_html.render(disclose(figures), None, **sections), encoding="utf-8")
    url = page.as_uri()

    shot = tmp_path / "report.png"
    taken = headless(
        browser, tmp_path / "profile1", f"--screenshot={shot}", "--window-size=1200,4000", url
    )
    assert shot.exists(), taken.stderr[-2000:]

    dom = headless(browser, tmp_path / "profile2", "--dump-dom", url).stdout
    assert "Compliance over time" in dom
    assert 'aria-label="Share of duties met on time by month and family"' in dom
    assert "profile version from 1 Jul 2025" in dom  # the marked line at effective_from
    assert "Return home interviews" in dom and "Strategy discussions" in dom
    assert "Before and after 1 Jul 2025" in dom
    assert ">806<" in dom  # the published figures stay
