"""Logs on standard input or a pipe: `check -`, `cat log | check /dev/stdin`, `check <(…)`.

The engine reads a log more than once (its size, then routing by child, then each partition), and
a pipe can be read only once, so such an input is first copied to a temporary file: memory stays
bounded whatever its size. Errors name the input as given (`-`, `/dev/stdin`), not the copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs

from missing_protocol.model import EventError

STDIN = "-"
T = TypeVar("T")


def _is_stream(name: str) -> bool:
    # A pipe, a terminal or a process substitution: anything that is neither a file nor a folder.
    try:
        mode = os.stat(name).st_mode
    except (OSError, ValueError):
        return False  # missing or unreadable: the engine names it as a usage error
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def readable(files: Iterable[str]) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The inputs as paths that can be read again, and each copy's name as it was given."""
    names: list[str] = []
    given: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="missing-protocol-input-") as folder:
        for index, name in enumerate(files):
            if name != STDIN and not _is_stream(name):
                names.append(name)
                continue
            # The suffix is kept: a `.jsonl` name is read as JSON Lines even if it opens with '['.
            copy = str(Path(folder) / f"input-{index}{Path(name).suffix if name != STDIN else ''}")
            try:
                with contextlib.ExitStack() as stack:
                    source = (
                        sys.stdin.buffer if name == STDIN else stack.enter_context(open(name, "rb"))
                    )
                    with open(copy, "wb") as out:
                        shutil.copyfileobj(source, out)
            except OSError:
                names.append(name)  # unreadable: the engine says so, naming it
                continue
            names.append(copy)
            given[copy] = name
        yield names, given


def as_given(errors: Iterable[EventError], given: Mapping[str, str]) -> tuple[EventError, ...]:
    """Errors (or warnings) naming each input as the user gave it, not its temporary copy."""
    return tuple(
        attrs.evolve(e, file=given[e.file]) if e.file is not None and e.file in given else e
        for e in errors
    )


def relabelled(result: T, given: Mapping[str, str]) -> T:
    """A check's result or outcome with its `errors` and `warnings` named as given."""
    if not given:
        return result
    holder: Any = result
    return attrs.evolve(  # type: ignore[no-any-return]
        holder, errors=as_given(holder.errors, given), warnings=as_given(holder.warnings, given)
    )
