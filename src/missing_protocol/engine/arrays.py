"""A large JSON array file read as JSON Lines, so that it is routed by child like one.

An array is otherwise read whole (its text, then every event at once: 386 MiB for 100k
episodes). Exported arrays mostly hold one object a line (`[`, `{…},` lines, `]`), or are
pretty-printed (each object over lines, its `}` standing as far in as its `{`, as `json.dump`
with `indent`, `jq` and `JSON.stringify` write them): each such file of a large log is copied,
streamed a line at a time, to a JSON Lines file in which each object stands on the line of its
`{` (the brackets and an object's other lines become blank lines), so every error and warning
names the same line. Any other layout, or anything the two readers might read differently (a
value orjson refuses, such as NaN; a whole number past 64 bits, which orjson reads as a float;
deep nesting; bytes that are not UTF-8; a broken element or separator), is left to the whole
reader, which words it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

import orjson

from missing_protocol.engine.processes import room_to_spill
from missing_protocol.formats.events import is_array_file

# What a person watching a long run sees while the arrays are copied.
COPYING = "copying the JSON arrays to JSON Lines, to read them child by child"
_SPACE = b" \t\r\n"  # JSON's whitespace (bytes.strip would also take \x0b and \x0c)
_BOM = b"\xef\xbb\xbf"
_NONE, _COMMA, _OBJECT = "none", "comma", "object"


def copied(
    names: Sequence[str],
    folder: tempfile.TemporaryDirectory[str],
    stage: Callable[[str], None] | None = None,
) -> list[str] | None:
    """The files to route for a log of `names`: each array file's JSON Lines copy in a run's
    folder (`as_lines`), each JSON Lines file as it is; None when an array is not laid out so
    (the log is then read whole). The folder goes when there is no copy, or on any failure (a
    full disk is TemporaryFolderFull, as when the log is spilled). `stage` is told first: the
    copy comes before a line is routed (about 5 s per 100k episodes pretty-printed)."""
    if stage is not None:
        stage(COPYING)
    paths: list[str] = []
    try:
        with room_to_spill():
            for index, name in enumerate(names):
                with open(name, "rb") as handle:
                    array = is_array_file(handle, name)
                copy = as_lines(name, folder.name, index) if array else name
                if copy is None:
                    break
                paths.append(copy)
    except BaseException:
        folder.cleanup()
        raise
    if len(paths) < len(names):
        folder.cleanup()
        return None
    return paths


def as_lines(name: str, folder: str, index: int = 0) -> str | None:
    """The array file `name` copied into `folder` as JSON Lines (its path), or None when it is
    not laid out one object a line (it is then read whole)."""
    copy = os.path.join(folder, f"array-{index:04d}.jsonl")
    with open(name, "rb") as handle, open(copy, "wb") as out:
        done = _copied(handle, out)
    if not done:
        os.remove(copy)  # a part of the log's size: not kept while the log is read whole
    return copy if done else None


def _copied(handle: BinaryIO, out: BinaryIO) -> bool:
    """The array in `handle` written to `out` an object a line, each on the line number where
    its `{` stands; False at anything the whole reader must decide."""
    opened = closed = False
    last = _NONE  # what the last object was followed by
    lines = enumerate(handle, start=1)
    for number, line in lines:
        if number == 1 and line.startswith(_BOM):
            line = line[3:]
        text = line.strip(_SPACE)
        if not opened:
            if not text:
                out.write(b"\n")  # blank lines before the `[`
                continue
            if not text.startswith(b"["):
                return False
            opened, text = True, text[1:].lstrip(_SPACE)
        if closed:
            if text:
                return False  # text after the array
            out.write(b"\n")
            continue
        closing = text.endswith(b"]")  # an object ends with `}`: this is the array's end
        body = text[:-1].rstrip(_SPACE) if closing else text
        if body:
            comma = body.endswith(b",")
            body = body[:-1].rstrip(_SPACE) if comma else body
            if last is _OBJECT or (closing and comma):
                return False  # no comma between two objects, or one before `]`
            if not _one_object(body):
                if not text.startswith(b"{"):
                    return False  # not an object
                # Pretty-printed: the object goes on until a `}` that stands no further in.
                rest = _spread_object(line, lines, out)
                if rest is None:
                    return False
                last, closed = _after_object(rest)
                if last is _NONE:
                    return False  # a comma before `]`, or anything else after the `}`
                continue
            last = _COMMA if comma else _OBJECT
            out.write(body + b"\n")
        else:
            out.write(b"\n")
        if closing:
            if last is _COMMA and not body:
                return False  # a comma before `]`
            closed = True
    return opened and closed


# Past this, an object spread over lines is left to the whole reader (memory stays bounded).
_SPREAD_BYTES = 1 << 20


def _spread_object(first: bytes, lines: Iterator[tuple[int, bytes]], out: BinaryIO) -> bytes | None:
    """An object spread over lines from `first` (after the array's `[`, if it is there) to the
    first line that starts with a `}` standing no further in than its `{` and closes it, written
    on its first line and the others left blank; what follows that `}` on its line, or None if
    there is no such line. Its newlines become tabs: like a newline, a tab is whitespace between
    values and refused inside a string, so the text is one object exactly when the lines were,
    and the first such text that is one object ends where Python's JSON reader ends it."""
    if len(first) > _SPREAD_BYTES:
        return None  # e.g. a whole array on one line: not copied
    column = first.find(b"{")
    parts, size = [first[column:]], len(first)
    # Braces left open by the lines so far, counted once a `}` line has not closed the object:
    # only a `}` that may close it is tried again (strings may hold braces: orjson decides).
    open_braces: int | None = None
    for _, line in lines:
        # Most lines stand further in: no `}` in their first columns (one search, no copy).
        end = line.find(b"}", 0, column + 1)
        if end >= 0 and not line[:end].strip(_SPACE) and (open_braces is None or open_braces <= 1):
            body = (b"".join(parts) + b"}").replace(b"\n", b"\t")
            whole = _object_so_far(body)
            if whole:
                out.write(body + b"\n" * (len(parts) + 1))
                return line[end + 1 :].strip(_SPACE)
            if whole is not None:
                return None  # broken before this `}`: more lines cannot mend it
            # The `}` of an object inside it (as `indent=0` writes): the object goes on.
            if open_braces is None:
                open_braces = sum(p.count(b"{") - p.count(b"}") for p in parts)
        parts.append(line)
        if open_braces is not None:
            open_braces += line.count(b"{") - line.count(b"}")
        size += len(line)
        if size > _SPREAD_BYTES:
            return None
    return None  # the end of the file inside the object


def _after_object(rest: bytes) -> tuple[str, bool]:
    """What follows an object's `}` on its line: (a comma or nothing, whether `]` ends the
    array), or _NONE when it is anything else."""
    comma = rest.startswith(b",")
    rest = rest[1:].lstrip(_SPACE) if comma else rest
    if rest == b"]" and not comma:
        return _OBJECT, True
    if rest:
        return _NONE, False
    return (_COMMA if comma else _OBJECT), False


# What orjson reads otherwise than Python's json (the whole reader): a whole number past 64 bits
# (orjson gives a float) and deep nesting (the whole reader's orjson.dumps check of each element
# stops at 254 levels, orjson.loads at 1024). Any run of 19 digits, or many brackets, even inside
# a string, sends the file to the whole reader.
_DIGITS = bytes.maketrans(b"123456789", b"000000000")  # a run of digits, as zeros
_LONG_NUMBER = b"0" * 19
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_BRACKETS = 128


def _long_number(text: bytes) -> bool:
    # Digits as zeros, then one search: eight times a regex's speed on an event's line; a long
    # text (an array on one line) is searched in place, not copied.
    if len(text) > _SPREAD_BYTES:
        return _LONG_DIGITS.search(text) is not None
    return text.translate(_DIGITS).find(_LONG_NUMBER) >= 0


def _one_object(text: bytes) -> bool:
    return _object_so_far(text) is True


def _object_so_far(text: bytes) -> bool | None:
    """Whether `text` is one object that both readers read alike; None when it is cut short
    inside one (orjson met its end), so that more lines may close it."""
    if not (text.startswith(b"{") and text.endswith(b"}")):
        return False
    if text.count(b"{") + text.count(b"[") > _BRACKETS or _long_number(text):
        return False  # more text would not change that
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as problem:
        return None if problem.pos >= len(text) else False
    return True
