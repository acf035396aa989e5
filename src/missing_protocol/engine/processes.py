"""Worker processes and the temporary folder: starting workers, stopping them at once, a
temporary folder that runs out of room, and how many files a process may open.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import errno
import multiprocessing
import signal
import tempfile
from collections.abc import Iterator


def open_files() -> int:
    """How many files this process may open (the soft RLIMIT_NOFILE: 1,024 on most Linux, 256
    on macOS, where a log of 4 GB would need more partition files)."""
    try:
        import resource  # not on Windows
    except ImportError:
        return 1 << 20
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return 1 << 20 if soft == resource.RLIM_INFINITY else soft


class TemporaryFolderFull(OSError):
    """The temporary folder (`filename`) had no room left for the spilled log."""


@contextlib.contextmanager
def room_to_spill() -> Iterator[None]:
    """A full disk, quota or file size limit met while spilling (here or in a worker) as
    TemporaryFolderFull: it is the temporary folder that is full, not the output."""
    try:
        yield
    except TemporaryFolderFull:
        raise
    except OSError as problem:
        # EFBIG: a limit on a file's size (ulimit -f) met by a partition or a copy.
        if problem.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        raise TemporaryFolderFull(problem.errno, problem.strerror, tempfile.gettempdir()) from None


@contextlib.contextmanager
def workers(jobs: int) -> Iterator[concurrent.futures.Executor | None]:
    """The worker processes of a run with several jobs (None: judge in this process)."""
    if jobs <= 1:
        yield None
        return
    # fork: workers start with the modules and the profile already loaded. Ctrl-C (SIGINT to the
    # whole process group) is the parent's to handle: a worker never stops on it by itself.
    pool = concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupt
    )
    try:
        yield pool
    except BaseException as stop:
        # A failed or interrupted run stops at once: the ranges and partitions still queued
        # are dropped, not worked through before the error is shown.
        if isinstance(stop, KeyboardInterrupt):
            _stop_at_once(pool)  # interrupted: the partitions being judged are not waited for
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_at_once(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """End the workers now (ProcessPoolExecutor.terminate_workers from Python 3.14 on).

    A worker ended while it sends a result leaves half a message, which the pool's own thread
    would wait for the rest of for ever: the parent's copy of the results pipe's write end is
    closed too, so that it reads the end of the pipe instead and the pool shuts down."""
    for process in list((pool._processes or {}).values()):
        process.terminate()
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
