"""Issue 10 point 3 (`--jobs`): `--jobs auto` chooses the workers by the log's size and the usable
cores, and the output is the same as with one job."""

from __future__ import annotations

import importlib
import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from missing_protocol import synth
from missing_protocol.cli import app
from missing_protocol.engine.run import AUTO_JOBS, auto_jobs

# The module, not the `run` function that missing_protocol.engine exports under its name.
engine_run = importlib.import_module("missing_protocol.engine.run")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(40, 160), path)
    return path


def _cores(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(count)), raising=False)


def test_a_log_judged_in_memory_takes_one_process(log: Path) -> None:
    assert auto_jobs([str(log)]) == 1
    assert auto_jobs([str(log)], spill_bytes=log.stat().st_size) == 1


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 2), (3, 3), (64, AUTO_JOBS)])
def test_a_spilled_log_takes_a_worker_per_core_up_to_the_cap(
    log: Path, monkeypatch: pytest.MonkeyPatch, cores: int, expected: int
) -> None:
    _cores(monkeypatch, cores)
    assert auto_jobs([str(log), str(log)], spill_bytes=log.stat().st_size) == expected


def test_without_forked_workers_one_process_does_it_all(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cores(monkeypatch, 8)

    def no_fork(method: str) -> None:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert auto_jobs([str(log)], spill_bytes=0) == 1


def test_an_unreadable_file_is_left_to_the_run_to_say(tmp_path: Path) -> None:
    assert auto_jobs([str(tmp_path / "missing.jsonl")], spill_bytes=0) == 1


@pytest.mark.parametrize("command", ["check", "due", "report"])
def test_auto_chooses_workers_and_prints_what_one_job_prints(
    log: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """CONTRACT §3 output unchanged by `--jobs auto` when it starts two workers."""
    _cores(monkeypatch, 2)
    monkeypatch.setattr(engine_run, "SPILL_BYTES", 0)  # every log counts as large
    chosen: list[int] = []
    real = engine_run.auto_jobs
    monkeypatch.setattr(engine_run, "auto_jobs", lambda *a: chosen.append(real(*a)) or chosen[-1])
    args = [command, str(log), "--format", "json", "--as-of", "2025-10-01"]
    if command == "report":
        args += ["--from", "2025-04-01", "--to", "2026-04-01"]
    runner = CliRunner()
    auto = runner.invoke(app, [*args, "--jobs", "auto"])
    assert chosen == [2]
    by_default = runner.invoke(app, args)
    assert chosen == [2], "the default is one process: auto is not asked"
    one = runner.invoke(app, [*args, "--jobs", "1"])
    assert auto.output and auto.output == one.output == by_default.output
    assert auto.exit_code == one.exit_code


@pytest.mark.parametrize("value", ["0", "-1", "257", "two", ""])
def test_a_bad_jobs_value_is_a_usage_error(log: Path, value: str) -> None:
    """CONTRACT §3 exit 2 for a usage error, named in one line."""
    result = CliRunner().invoke(app, ["check", str(log), "--jobs", value])
    assert result.exit_code == 2
    assert "--jobs" in result.output and "auto" in result.output
    assert "Traceback" not in result.output
