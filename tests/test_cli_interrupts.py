"""How a run ends when it is cut short: the reader of its output leaves (`| head`), the user presses
Ctrl-C, or the temporary folder fills up (docs/contract.md "Command line": exit codes; CONTRACT §3).

Each case: no traceback, one line at most on stderr, the documented exit code, the temporary
folder removed and no `--jobs` worker left behind. They run the console script in a subprocess,
since each depends on the process itself (its standard streams, its signals, its children).
"""

from __future__ import annotations

import errno
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from builders import console_script, found, reported
from missing_protocol.cli import app

# The module (the package's `engine.run` is its function of that name).
engine_run = importlib.import_module("missing_protocol.engine.run")
ON_LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _log(path: Path, episodes: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(episodes):
            for event in (
                reported(f"E{n}", "2026-03-02T20:00:00+00:00", child_id=f"C{n}"),
                found(f"E{n}", "2026-03-03T08:00:00+00:00"),
            ):
                out.write(json.dumps(event) + "\n")
    return path


def _env(tmp: Path) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp)}


# ---- the reader leaves: `missing-protocol check … | head -1` ----------------------------------

LOG_COMMANDS = [
    ["check", "--format", "json", "--as-of", "2026-03-02T21:00:00Z"],  # all pending: exit 0
    ["check", "--format", "json", "--as-of", "2026-03-31", "--jobs", "2"],  # overdue: exit 1
    ["check", "--as-of", "2026-03-02T21:00:00Z"],
    ["due", "--as-of", "2026-03-02T21:00:00Z", "--within", "P30D", "--format", "json"],
    ["report", "--from", "2026-03-01", "--to", "2026-04-01", "--format", "json"],
    ["hotspots", "--from", "2026-03-01", "--to", "2026-04-01"],
]


@pytest.mark.parametrize(
    "args", [*LOG_COMMANDS, ["rules", "--format", "json"], ["diagram"]], ids=" ".join
)
def test_a_reader_that_leaves_costs_no_traceback_and_keeps_the_answers_exit_code(
    tmp_path: Path, args: list[str]
) -> None:
    """docs/contract.md, exit codes: the output is dropped once the pipe is closed, and the run
    ends as it would have (its answer's exit code, its own stderr lines, no "Exception ignored",
    no temporary folder left)."""
    log = _log(tmp_path / "log.jsonl", 300)
    command = [
        console_script(),
        *args,
        *([str(log)] if args[0] not in ("rules", "diagram") else []),
    ]
    env = _env(tmp_path / "tmp")
    whole = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    assert whole.stdout  # there is output to lose
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left before the first byte
    try:
        left = subprocess.run(
            command, stdout=write_end, stderr=subprocess.PIPE, env=env, timeout=120, check=False
        )
    finally:
        os.close(write_end)
    assert (left.returncode, left.stderr) == (whole.returncode, whole.stderr)
    assert list((tmp_path / "tmp").iterdir()) == []
    if args[:2] == ["check", "--format"] and "--jobs" not in args:
        assert whole.returncode == 0  # not click's 1 ("problems found") for a clean answer


# ---- Ctrl-C ---------------------------------------------------------------------------------

# Run the console script with the engine spilling every log to partitions of 64 KiB, so that a
# log of a few MB is still being routed and judged, in its temporary folder, when interrupted.
# Ctrl-C is heard as from a terminal even when the suite runs in the background (`cmd &` in a
# script starts its commands with SIGINT ignored, and Python keeps it so).
_SPILLING = (
    "import signal, sys\n"
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "import importlib\n"
    "engine = importlib.import_module('missing_protocol.engine.run')\n"
    "engine.run.__kwdefaults__.update(spill_bytes=0, partition_bytes=65536)\n"
    "from missing_protocol.cli import main\n"
    "sys.argv[0] = 'missing-protocol'\n"
    "main()\n"
)


def _children(pid: int) -> set[int]:
    found_ = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found_.add(int(stat.parent.name))
    return found_


@ON_LINUX
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_is_one_line_exit_130_and_leaves_nothing_behind(tmp_path: Path, jobs: str) -> None:
    """docs/contract.md, exit codes: Ctrl-C (SIGINT to the process group, as a terminal sends it)
    during a long check is one line on stderr and exit 130; the temporary folder is removed and
    no worker process is left."""
    log = _log(tmp_path / "log.jsonl", 40_000)
    tmp = tmp_path / "tmp"
    command = [sys.executable, "-c", _SPILLING, "check", str(log), "--format", "json"]
    process = subprocess.Popen(
        [*command, "--as-of", "2026-03-31", "--jobs", jobs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(tmp),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        # Wait until the engine works in its temporary folder (the partitions are written).
        while not any(
            p.name.startswith("missing-protocol-") and "input" not in p.name for p in tmp.iterdir()
        ):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        workers = _children(process.pid)
        assert process.poll() is None, "the check ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err.decode() == "missing-protocol: interrupted\n"
    assert list(tmp.iterdir()) == []
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers)
    if jobs == "2":
        assert len(workers) >= 2  # there were workers to stop


# ---- a full temporary disk ------------------------------------------------------------------


def _failing_open(code: int) -> Callable[..., object]:
    """`open` for a temporary folder whose files are created, then every write fails with
    `code` (ENOSPC: no room left on the disk; EFBIG: past the file size limit of `ulimit -f`)."""

    class _Failing(io.FileIO):
        def write(self, _data: object) -> int:
            raise OSError(code, os.strerror(code))

    def failing(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode and str(file).startswith(os.environ["TMPDIR"]):
            return _Failing(str(file), "w")
        return open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    return failing


_full_disk_open = _failing_open(errno.ENOSPC)


@pytest.mark.parametrize(
    "command",
    [["check", "--format", "json"], ["report", "--from", "2026-03-01", "--to", "2026-04-01"]],
)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_temporary_folder_says_so_and_how_to_choose_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], jobs: str
) -> None:
    """docs/contract.md, exit codes: no room for the spilled partitions (ENOSPC) is not "cannot
    write the output" but one line naming the temporary folder and TMPDIR, exit 2, and the
    folder is removed."""
    log = _log(tmp_path / "log.jsonl", 200)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    monkeypatch.setitem(engine_run.run.__kwdefaults__, "spill_bytes", 0)
    from missing_protocol.report import by_partition

    monkeypatch.setitem(by_partition.report_log.__kwdefaults__, "spill_bytes", 0)
    # Every file the engine writes in the temporary folder: the routed partitions (in this
    # process, or in the forked workers with --jobs 2) and the judged findings.
    for module in (engine_run, importlib.import_module("missing_protocol.engine.fanout")):
        monkeypatch.setattr(module, "open", _full_disk_open, raising=False)
    result = CliRunner().invoke(app, [*command[:1], str(log), *command[1:], "--jobs", jobs])
    _says_the_temporary_folder_is_full(result, tmp, "No space left on device")


def _says_the_temporary_folder_is_full(result: Any, tmp: Path, why: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"missing-protocol: error: no room left in the temporary folder {tmp} ({why}): set "
        "TMPDIR to a folder on a disk with more room"
    ]
    assert list(tmp.iterdir()) == []


def test_a_file_size_limit_met_copying_an_array_names_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large JSON array is copied to JSON Lines in the temporary folder (engine.arrays): a file
    size limit met there (EFBIG) is the temporary folder's, as a full disk is, not "cannot write
    the output"; exit 2, and the folder is removed."""
    lines = _log(tmp_path / "log.jsonl", 200).read_text().splitlines()
    log = tmp_path / "log.json"
    log.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    monkeypatch.setitem(engine_run.run.__kwdefaults__, "spill_bytes", 0)
    monkeypatch.setattr(
        importlib.import_module("missing_protocol.engine.arrays"),
        "open",
        _failing_open(errno.EFBIG),
        raising=False,
    )
    result = CliRunner().invoke(app, ["check", str(log), "--format", "json"])
    _says_the_temporary_folder_is_full(result, tmp, "File too large")
