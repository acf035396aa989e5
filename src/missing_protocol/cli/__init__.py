"""The console script `missing-protocol`: each command lives in its own module of this package."""

from __future__ import annotations

import concurrent.futures
import errno
import io
import os
import sys

# Importing a command module registers its command on the group.
from missing_protocol.cli import check as _check  # noqa: F401
from missing_protocol.cli import compare as _compare  # noqa: F401
from missing_protocol.cli import convert as _convert  # noqa: F401
from missing_protocol.cli import demo as _demo  # noqa: F401
from missing_protocol.cli import diagram as _diagram  # noqa: F401
from missing_protocol.cli import intelligence as _intelligence  # noqa: F401
from missing_protocol.cli import report as _report  # noqa: F401
from missing_protocol.cli import rules as _rules  # noqa: F401
from missing_protocol.cli import serve as _serve  # noqa: F401
from missing_protocol.cli import validate as _validate  # noqa: F401
from missing_protocol.cli._app import EXIT_PROBLEMS, EXIT_USAGE, app
from missing_protocol.cli._output import one_line, utf8_stdout

# What a failed write of the output says (a full disk, a quota, a file size limit, a dead device).
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def main() -> None:
    utf8_stdout()
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
        if isinstance(problem, BrokenPipeError):
            raise SystemExit(EXIT_PROBLEMS) from None  # the reader left (`| head`), as click does
        if isinstance(problem, io.UnsupportedOperation):
            what = "cannot read a pipe here (give a file)"
        elif problem.filename:
            what = f"{problem.filename}"
        elif problem.errno in _WRITE_ERRORS:
            what = "cannot write the output"
        else:
            what = "cannot go on"
        message = one_line(f"{what}: {problem.strerror or problem}")
        sys.stderr.write(f"missing-protocol: error: {message}\n")
        raise SystemExit(EXIT_USAGE) from None


def _quiet_stdout() -> None:
    # What is still buffered for stdout would fail again when Python flushes it at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
