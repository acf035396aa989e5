"""Progress on long runs: a live count (then the stage) on stderr only when a person watches.

Driven through a pseudo-terminal, as a person at a terminal would see it, and piped, as a
script would: stdout is the same either way, and the progress never reaches it.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from importlib import resources

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

EXAMPLE = str(resources.files("missing_protocol") / "data" / "example_year.jsonl")
MAIN = "from missing_protocol.cli import main; main()"
YEAR = ["--from", "2025-04-01", "--to", "2026-04-01"]


def _run(args: list[str], *, terminal: bool) -> tuple[int, bytes, str]:
    """Exit code, stdout and stderr of the console script, stderr on a terminal or a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "TERM")}
    env.update(TERM="xterm", COLUMNS="100")
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-c", MAIN, *args], capture_output=True, env=env, timeout=300
        )
        return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", MAIN, *args],
            stdout=subprocess.PIPE,
            stderr=follower,
            env=env,
            timeout=300,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the terminal is closed once everything written has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return done.returncode, done.stdout, b"".join(chunks).decode("utf-8", "replace")


# The report's stages after reading; the bar redraws ten times a second, so a stage that
# ends sooner may not be drawn, but together they last about a second on the example year.
REPORT_STAGES = ("working out the figures", "judging compliance")


@pytest.mark.parametrize(
    ("command", "stages"),
    [
        (["check", EXAMPLE, "--as-of", "2026-05-31"], ()),
        (
            ["report", EXAMPLE, *YEAR, "--as-of", "2026-05-31"],
            REPORT_STAGES,
        ),
    ],
    ids=["check", "report"],
)
def test_progress_shows_on_a_terminal_and_never_in_the_output(
    command: list[str], stages: tuple[str, ...]
) -> None:
    """check and report (text): the count read shows on a terminal's stderr, then is cleared;
    the report names its stages; stdout is byte for byte what a pipe gets, with no progress."""
    code, shown, watched = _run(command, terminal=True)
    piped_code, piped, quiet = _run(command, terminal=False)
    assert (code, shown) == (piped_code, piped)
    assert "reading events: " in watched
    if stages:
        assert any(stage in watched for stage in stages)
    assert "reading events" not in quiet and "\x1b[" not in quiet
    assert b"reading events" not in shown and b"\x1b[" not in shown
