"""Logs on standard input or a pipe: `check -`, `cat log | check /dev/stdin`, `check <(…)`.

The engine reads a log more than once (its size, then routing by child, then each partition), and
a pipe can be read only once, so such an input is first copied to a temporary file: memory stays
bounded whatever its size. Errors and findings name the input as given (`-`), not the copy.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from missing_protocol.engine.problems import Problems

STDIN = "-"
# Names that are standard input itself: it can be read once, so it may be given once.
_STDIN_NAMES = frozenset({STDIN, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
T = TypeVar("T")


def is_stdin(name: str) -> bool:
    """Whether `name` is standard input itself (`-`, `/dev/stdin`)."""
    return name in _STDIN_NAMES


def _is_stream(name: str) -> bool:
    # A pipe, a terminal or a process substitution: anything that is neither a file nor a folder.
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError):
        return False  # missing or unreadable: the engine names it as a usage error
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _copy(name: str, copy: str) -> None:
    """The stream `name` into the file `copy`; a usage error (exit 2) if it cannot be done whole,
    never a half-read stream (or a file that happens to be named `-`) handed on instead."""
    try:
        with contextlib.ExitStack() as stack:
            if name == STDIN:
                if sys.stdin is None:
                    raise click.UsageError("cannot read -: standard input is closed")
                source = sys.stdin.buffer
            else:
                source = stack.enter_context(open(name, "rb"))
            with open(copy, "wb") as out:
                shutil.copyfileobj(source, out)
    except OSError as problem:
        why = problem.strerror or str(problem)
        if problem.errno in (errno.ENOSPC, errno.EDQUOT):
            why += f" in the temporary folder {tempfile.gettempdir()} (set TMPDIR to one with more room)"
        raise click.UsageError(
            f"cannot read {name}: copying it to a temporary file: {why}"
        ) from None


@contextlib.contextmanager
def readable(files: Iterable[str]) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The inputs as paths that can be read again, and each copy's name as it was given."""
    files = list(files)
    if sum(is_stdin(name) for name in files) > 1:
        raise click.UsageError("standard input is given more than once; it can be read once")
    names: list[str] = []
    given: dict[str, str] = {}
    try:
        folder = tempfile.mkdtemp(prefix="missing-protocol-input-")
    except OSError as problem:
        raise click.UsageError(f"no temporary folder for the input: {problem}") from None
    try:
        for index, name in enumerate(files):
            if name != STDIN and not _is_stream(name):
                names.append(name)
                continue
            # The suffix is kept: a `.jsonl` name is read as JSON Lines even if it opens with '['.
            suffix = Path(name).suffix if name != STDIN else ""
            copy = str(Path(folder) / f"input-{index}{suffix}")
            _copy(name, copy)
            names.append(copy)
            given[copy] = name
        yield names, given
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_given(items: Iterable[T], given: Mapping[str, str]) -> tuple[T, ...]:
    """Errors, warnings or row findings (anything with a `file`) naming each input as the user
    gave it, not its temporary copy."""
    return tuple(_named(item, given) for item in items)


def _named(item: T, given: Mapping[str, str]) -> T:
    held: Any = item  # an attrs value with a `file`: EventError or Finding
    return attrs.evolve(held, file=given[held.file]) if held.file in given else item


def relabelled(result: T, given: Mapping[str, str]) -> T:
    """A check's result or outcome with its `errors`, `warnings` and row findings (DfE 903
    rules name their file) naming each input as given."""
    if not given:
        return result
    holder: Any = result
    if isinstance(holder.errors, Problems):  # an engine Outcome's: renamed as they are read
        rename = functools.partial(_named, given=given)
        return attrs.evolve(  # type: ignore[no-any-return]
            holder, errors=holder.errors.mapped(rename), warnings=holder.warnings.mapped(rename)
        )
    changes = {
        "errors": as_given(holder.errors, given),
        "warnings": as_given(holder.warnings, given),
    }
    if isinstance(holder.findings, tuple):  # a CheckResult; an engine Outcome streams events' only
        changes["findings"] = as_given(holder.findings, given)
    return attrs.evolve(holder, **changes)  # type: ignore[no-any-return]
