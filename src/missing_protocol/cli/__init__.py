"""The console script `missing-protocol`: each command lives in its own module of this package,
imported when the command is run (`_app.COMMAND_MODULES`)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from missing_protocol.cli._app import EXIT_USAGE, app
from missing_protocol.cli._output import utf8_stdout
from missing_protocol.common.texttable import visible

# What a failed write of the output says (a full disk, a quota, a file size limit, a dead device).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class _Left(io.RawIOBase):
    """Standard output or error at the OS level, where a reader that has left (`| head`, EPIPE)
    takes the rest as /dev/null would: the command runs on to its answer and its exit code, with
    nothing on stderr (click would make it 1, which reads as problems found)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        # Set once the reader has gone: a command then stops formatting what nobody reads.
        self.left = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            self.left = True
            return len(data)  # dropped: the reader is gone; other errors (a full disk) propagate


def _leave_quietly(stream: TextIO) -> TextIO:
    """`stream` written through `_Left` (the same file, encoding and buffering)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return stream  # no file behind it (a test's capture): left as it is
    if not isinstance(stream, io.TextIOWrapper):
        return stream  # replaced by an embedding program: left as it is
    stream.flush()
    return io.TextIOWrapper(
        io.BufferedWriter(_Left(fd)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


@contextlib.contextmanager
def _quiet_when_left() -> Iterator[None]:
    streams = sys.stdout, sys.stderr
    if sys.stdout is not None:  # None when started with stdout closed (`>&-`)
        sys.stdout = _leave_quietly(sys.stdout)
    if sys.stderr is not None:
        sys.stderr = _leave_quietly(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a failed write was said already
                if stream is not None:
                    stream.flush()
        sys.stdout, sys.stderr = streams  # for a caller that runs main() in its own process


def main() -> None:
    stdout = sys.stdout if isinstance(sys.stdout, io.TextIOWrapper) else None
    # A program that runs main() in its own process gets its stdout back as it was.
    was = (stdout.encoding, stdout.errors) if stdout is not None else None
    utf8_stdout()  # first: the quiet wrapper keeps the stream's encoding
    try:
        with _quiet_when_left():
            _main()
    finally:
        if stdout is not None and was is not None and sys.stdout is stdout:
            with contextlib.suppress(OSError, ValueError):
                stdout.flush()
                stdout.reconfigure(encoding=was[0], errors=was[1])


def _main() -> None:
    try:
        try:
            app(prog_name="missing-protocol")
        finally:
            if sys.stdout is not None:  # None when started with stdout closed (`>&-`)
                sys.stdout.flush()  # here, so that a failed write is seen, not lost at shutdown
    except concurrent.futures.BrokenExecutor:
        # A `--jobs` worker ended without a result (killed, e.g. out of memory): not a traceback.
        _quiet_stdout()
        sys.stderr.write(
            "missing-protocol: error: a worker process stopped (killed, or out of memory); "
            "try fewer --jobs (--jobs 1 starts none)\n"
        )
        raise SystemExit(EXIT_USAGE) from None
    except OSError as problem:
        # One line, no traceback: output that cannot be written, or an input read as a stream
        # where a file is needed (`validate /dev/stdin`).
        _quiet_stdout()
        if isinstance(problem, io.UnsupportedOperation):
            what = "cannot read a pipe here (give a file)"
        elif problem.filename:
            what = f"{problem.filename}"
        elif problem.errno in _WRITE_ERRORS:
            what = "cannot write the output"
        else:
            what = "cannot go on"
        message = visible(f"{what}: {problem.strerror or problem}")
        sys.stderr.write(f"missing-protocol: error: {message}\n")
        raise SystemExit(EXIT_USAGE) from None


def _quiet_stdout() -> None:
    # What is still buffered for stdout would fail again when Python flushes it at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
