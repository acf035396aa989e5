"""The output edge: any string the reader accepted can be printed or written.

JSON allows an unpaired surrogate escape (`"\\ud800"`), and the reader keeps it as it is; UTF-8
cannot encode it. At the edge it is written as its escape (`\\ud800`), so a text line shows it,
and in JSON output it reads back as the same string.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from missing_protocol.common.texttable import visible_lines

# How every output file is written: UTF-8, an unpaired surrogate as its backslash escape.
ENCODING = "utf-8"
ERRORS = "backslashreplace"


def utf8_stdout() -> None:
    """Standard output as every output file is written (UTF-8, surrogates escaped), whatever the
    locale: JSON is UTF-8 (RFC 8259), and an id outside the locale's code page (a Windows
    redirect writes cp1252) must not end the run with a UnicodeEncodeError."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding=ENCODING, errors=ERRORS)


def printable(text: str) -> str:
    """`text` with each unpaired surrogate replaced by its backslash escape."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return text.encode(ENCODING, ERRORS).decode(ENCODING)
    return text


def reader_left(stream: Any) -> bool:
    """Whether the reader of `stream` has gone (`| head`): what is still written is dropped, so
    a command need not format it (`main` writes standard output through `cli._Left`)."""
    raw = getattr(getattr(stream, "buffer", None), "raw", None)
    return getattr(raw, "left", False) is True


def echo(text: str, *, nl: bool = True, err: bool = False) -> None:
    if err:  # a diagnostic may name a value from the log: no escape sequence reaches stderr
        text = visible_lines(text.split("\n"))
    click.echo(printable(text), nl=nl, err=err)
