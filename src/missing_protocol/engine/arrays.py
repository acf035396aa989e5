"""A large JSON array file read as JSON Lines, so that it is routed by child like one.

An array is otherwise read whole (its text, then every event at once: 386 MiB for 100k
episodes). Exported arrays mostly hold one object a line (`[`, `{…},` lines, `]`), are
pretty-printed (each object over lines, its `}` standing as far in as its `{`, as `json.dump`
with `indent`, `jq` and `JSON.stringify` write them), or stand on one line (`json.dumps`,
`JSON.stringify` without indent, pandas' `to_json(orient="records")`): each such file of a
large log is copied, streamed a line at a time (a long line 64 kB at a time), to a JSON
Lines file in which each object stands on a line of its own. An object keeps its line number
(the brackets and a spread object's other lines become blank lines), except where several share
a line: each gets a line of the copy, and `Lines` tells which line of the array each stands
for, and its place there, so every error and warning names the same line and comes in the same
order. Any other layout, or anything the two readers might read differently (a value orjson
refuses, such as NaN; a whole number past 64 bits, which orjson reads as a float; deep nesting;
bytes that are not UTF-8; a broken element or separator), is left to the whole reader, which
words it.
"""

from __future__ import annotations

import array
import bisect
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

import attrs
import orjson

from missing_protocol.engine.processes import room_to_spill
from missing_protocol.formats.events import is_array_file

# What a person watching a long run sees while the arrays are copied.
COPYING = "copying the JSON arrays to JSON Lines, to read them child by child"
_SPACE = b" \t\r\n"  # JSON's whitespace (bytes.strip would also take \x0b and \x0c)
_BOM = b"\xef\xbb\xbf"
_NONE, _COMMA, _OBJECT = "none", "comma", "object"


@attrs.frozen
class Lines:
    """Which line of an array each line of its copy stands for, where objects shared a line:
    the copy's lines `firsts[i]` to `firsts[i] + counts[i] - 1` are the objects of the array's
    line `lines[i]`, in order, and a line after them stands `shifts[i]` lines further on."""

    firsts: array.array[int]
    counts: array.array[int]
    lines: array.array[int]
    shifts: array.array[int]

    def at(self, number: int) -> tuple[int, int]:
        """The array's line for line `number` of the copy, and the object's place on it."""
        run = bisect.bisect_right(self.firsts, number) - 1
        if run < 0:
            return number, 0
        first = self.firsts[run]
        if number < first + self.counts[run]:
            return self.lines[run], number - first
        return number - self.shifts[run], 0


class _Runs:
    """The copy's lines of the array's lines that held several objects, as they are written."""

    def __init__(self) -> None:
        self.shift = 0  # lines the copy has gained so far
        self.lines = Lines(*(array.array("q") for _ in range(4)))

    def add(self, line: int, count: int) -> None:
        """`count` objects of the array's line `line` written, a line each."""
        if count > 1:
            self.lines.firsts.append(line + self.shift)
            self.lines.counts.append(count)
            self.lines.lines.append(line)
            self.shift += count - 1
            self.lines.shifts.append(self.shift)


@attrs.frozen
class Copies:
    """What to route for a log: each file's path (an array's JSON Lines copy, or the file as it
    is), and for a copy whose objects shared lines, its Lines (else None)."""

    paths: list[str]
    lines: list[Lines | None]

    @classmethod
    def none(cls, names: Sequence[str]) -> Copies:
        """The files routed as they are (JSON Lines, or a log read whole)."""
        return cls(list(names), [None] * len(names))


def copied(
    names: Sequence[str],
    folder: tempfile.TemporaryDirectory[str],
    stage: Callable[[str], None] | None = None,
) -> Copies | None:
    """The files to route for a log of `names`: each array file's JSON Lines copy in a run's
    folder (`as_lines`), each JSON Lines file as it is; None when an array is not laid out so
    (the log is then read whole). The folder goes when there is no copy, or on any failure (a
    full disk is TemporaryFolderFull, as when the log is spilled). `stage` is told first: the
    copy comes before a line is routed (about 5 s per 100k episodes pretty-printed)."""
    if stage is not None:
        stage(COPYING)
    copies = Copies([], [])
    try:
        with room_to_spill():
            for index, name in enumerate(names):
                with open(name, "rb") as handle:
                    is_array = is_array_file(handle, name)
                copy = as_lines(name, folder.name, index) if is_array else (name, None)
                if copy is None:
                    break
                copies.paths.append(copy[0])
                copies.lines.append(copy[1])
    except BaseException:
        folder.cleanup()
        raise
    if len(copies.paths) < len(names):
        folder.cleanup()
        return None
    return copies


def as_lines(name: str, folder: str, index: int = 0) -> tuple[str, Lines | None] | None:
    """The array file `name` copied into `folder` as JSON Lines (its path, and its Lines where
    objects shared a line), or None when it is not laid out so (it is then read whole)."""
    copy = os.path.join(folder, f"array-{index:04d}.jsonl")
    runs = _Runs()
    with open(name, "rb") as handle, open(copy, "wb") as out:
        done = _copied(handle, out, runs)
    if not done:
        os.remove(copy)  # a part of the log's size: not kept while the log is read whole
        return None
    return copy, (runs.lines if runs.shift else None)


# A line longer than an object may be (an array on one line is the whole file) is read on this
# much at a time.
_CHUNK = 1 << 16


def _numbered(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered; a line longer than _SPREAD_BYTES is given cut there, and the
    one who takes it reads the rest (`_rest_of_line`) before asking for the next line."""
    return enumerate(iter(lambda: handle.readline(_SPREAD_BYTES + 1), b""), start=1)


def _long(line: bytes) -> bool:
    return len(line) > _SPREAD_BYTES and not line.endswith(b"\n")


def _rest_of_line(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.readline(_CHUNK):
        yield chunk
        if chunk.endswith(b"\n"):
            return


def _copied(handle: BinaryIO, out: BinaryIO, runs: _Runs) -> bool:
    """The array in `handle` written to `out` an object a line, each on the line number where
    its `{` stands, or (where objects share a line) a line each, told to `runs`; False at
    anything the whole reader must decide."""
    opened = closed = False
    last = _NONE  # what the last object was followed by
    lines = _numbered(handle)
    for number, line in lines:
        cut = _long(line)  # as read: the BOM counts
        if number == 1 and line.startswith(_BOM):
            line = line[3:]
        if cut:
            # A long line (an array on one line): its objects streamed, a chunk at a time.
            if closed or last is _OBJECT:
                return False
            start = line.lstrip(_SPACE)
            if not opened:
                if not start.startswith(b"["):
                    return False
                opened, start = True, start[1:].lstrip(_SPACE)
            ended = _several(itertools.chain([start], _rest_of_line(handle)), out.write)
            if ended is None:
                return False
            count, last, closed = ended
            runs.add(number, count)
            continue
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
                objects: list[bytearray] = []
                ended = _several([text + b"\n"], objects.append)
                if ended is not None:  # several objects on the line
                    out.write(b"".join(objects))
                    count, last, closed = ended
                    runs.add(number, count)
                    continue
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


# Past this, an object spread over lines is left to the whole reader (memory stays bounded), and
# a line is read on a chunk at a time.
_SPREAD_BYTES = 1 << 20
# Past this (a partition's size, far beyond any event), an object on a line is left to the
# whole reader.
_OBJECT_BYTES = 16 << 20


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
        if _long(line):
            return None  # cut short (`_numbered`): longer than an object may be
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


# Where an object on a line may end: a `}` and what may follow an element (a comma, the array's
# `]`, the line's end); and the white space before the next element.
_END = re.compile(rb"\}[ \t\r]*[,\]\n]")
_GAP = re.compile(rb"[ \t\r]*")
# The `}`s followed by a comma that an object may hold before one closes it (a plan's actions
# each end so): past this many, the log is read whole, not each object so far read again.
_TRIES = 64


def _ending(chunks: Iterable[bytes]) -> Iterator[bytes]:
    last = b"\n"
    for chunk in chunks:
        yield chunk
        last = chunk[-1:] or last
    if last != b"\n":
        yield b"\n"  # the last line of a file with no newline


def _several(
    chunks: Iterable[bytes], emit: Callable[[bytearray], object]
) -> tuple[int, str, bool] | None:
    """The objects of a line from its first `{` to its end (`chunks`: a long line a chunk at a
    time), each emitted with a newline: (how many, what followed the last, whether `]` ended
    the array), or None at anything else (the line ends inside an object, a separator is not a
    comma, an element is not an object). Each object ends at the first `}` that closes it
    (orjson decides, as for a spread object): the first text from its `{` that is one object."""
    source = _ending(chunks)
    buffer = bytearray()  # the line from the current object on: grown, never copied whole
    start = search = count = 0
    tries = reread = 0  # the object's `}`s that did not close it, and the bytes they reread
    while True:
        match = _END.search(buffer, search)
        if match is None:
            chunk = next(source, None)
            if chunk is None or len(buffer) - start > _OBJECT_BYTES:
                return None  # the line ends inside an object, or the object is too long
            # Searched up to a last `}` with only white space after it (its follower is yet to
            # come): the next search starts there, not at the object's start again (its last
            # 4 kB looked at, not copied whole: a tail all white space is searched again).
            tail = max(start, search, len(buffer) - 4096)
            kept = tail + len(buffer[tail:].rstrip(b" \t\r"))
            if kept == tail:
                kept = search
            elif buffer[kept - 1 : kept] == b"}":
                kept -= 1
            search = max(search, kept) - start
            del buffer[:start]
            buffer += chunk
            start = 0
            continue
        end = match.start() + 1
        whole = _object_so_far(buffer[start:end])
        if whole is None:
            tries, reread = tries + 1, reread + end - start
            if tries > _TRIES or reread > _OBJECT_BYTES:
                return None  # e.g. a string of `},`: each try reads the object so far
            search = end  # a `}` inside the object (or a string): it goes on
            continue
        if whole is False:
            return None
        emit(buffer[start:end] + b"\n")
        count += 1
        follower = buffer[match.end() - 1 : match.end()]
        if follower == b"\n":
            return count, _OBJECT, False
        if follower == b"]":
            rest = itertools.chain([bytes(buffer[match.end() :])], source)
            return (count, _OBJECT, True) if not any(c.strip(_SPACE) for c in rest) else None
        # A comma: the next element starts after white space, or the line ends.
        start = _GAP.match(buffer, match.end()).end()  # type: ignore[union-attr]
        while start == len(buffer):
            chunk = next(source, None)
            if chunk is None:
                return None  # pragma: no cover - the line always ends with a newline
            buffer, start = bytearray(chunk), _GAP.match(chunk).end()  # type: ignore[union-attr]
        if buffer[start : start + 1] == b"\n":
            return count, _COMMA, False
        if buffer[start : start + 1] != b"{":
            return None  # a comma before `]`, or an element that is not an object
        search, tries, reread = start, 0, 0


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


def _long_number(text: bytes | bytearray) -> bool:
    # Digits as zeros, then one search: eight times a regex's speed on an event's line; a long
    # text (an array on one line) is searched in place, not copied.
    if len(text) > _SPREAD_BYTES:
        return _LONG_DIGITS.search(text) is not None
    return text.translate(_DIGITS).find(_LONG_NUMBER) >= 0


def _one_object(text: bytes) -> bool:
    return _object_so_far(text) is True


def _object_so_far(text: bytes | bytearray) -> bool | None:
    """Whether `text` is one object that both readers read alike; None when it is cut short
    inside one (orjson met its end), so that more lines may close it."""
    if not (text.startswith(b"{") and text.endswith(b"}")):
        return False
    if text.count(b"{") + text.count(b"[") > _BRACKETS or _long_number(text):
        return False  # more text would not change that
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as problem:
        # Its `pos` counts characters, not bytes: its end is that of the text it decoded (none
        # when the bytes are not UTF-8).
        return None if 0 < len(problem.doc) <= problem.pos else False
    return True
