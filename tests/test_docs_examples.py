"""Every example in README.md and docs/**/*.md runs (issue 12): a page that shows code or output
the library no longer produces fails the suite.

Sybil parses each page into its examples, which run in page order in one working directory per
page (a copy of `examples/`), sharing one Python namespace:

- ```` ```python ```` blocks run with their assertions (and `>>>` blocks as doctests);
- ```` ```json title="NAME" ```` (any language with a `title`) writes its text to the file NAME, so
  a page can show its input and then use it;
- ```` ```console ```` blocks: each `$ missing-protocol ...` (or `$ python -m missing_protocol...`)
  line is run with bash and its output (stdout and stderr, as a terminal shows them) compared with
  the lines under it. Only the working directory is normalised away; a line `...` stands for any
  number of lines. A command that exits 2 or more fails unless the page shows its exit code
  (`...; echo "exit $?"`).

New pages are picked up by the glob; a page needs no registration.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

sybil = pytest.importorskip("sybil", reason="sybil is in the test extra")
from sybil import Document, Example, Region, Sybil  # noqa: E402
from sybil.parsers.markdown import PythonCodeBlockParser  # noqa: E402
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
WORKDIR = "__docs_workdir__"
COMMANDS = ("missing-protocol ", "python -m missing_protocol")
PROMPT = "$ "
ANY_LINES = "..."
TIMEOUT = 120
MAX_LINES = 60  # of a mismatch shown in the failure


class FileBlockParser:
    """A fenced block with `title="NAME"` is a file the page shows: write it for what follows."""

    lexer = RawFencedCodeBlockLexer(
        info_pattern=re.compile(r'[\w+-]+ +title="(?P<title>[^"/]+)"[^\n]*$\n', re.MULTILINE),
        mapping={"title": "title", "source": "source"},
    )

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            region.parsed = (region.lexemes["title"], str(region.lexemes["source"]))
            region.evaluator = self.evaluate
            yield region

    @staticmethod
    def evaluate(example: Example) -> None:
        name, text = example.parsed
        (Path(example.namespace[WORKDIR]) / name).write_text(text, encoding="utf-8")


class ConsoleParser:
    """A ```console block: commands after `$ `, each followed by the output it must print."""

    lexer = RawFencedCodeBlockLexer(
        info_pattern=re.compile(r"console[ \t]*$\n", re.MULTILINE),
        mapping={"source": "source"},
    )

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            region.parsed = session(str(region.lexemes["source"]))
            region.evaluator = self.evaluate
            yield region

    @staticmethod
    def evaluate(example: Example) -> str | None:
        workdir = Path(example.namespace[WORKDIR])
        for command, expected in example.parsed:
            if not command.startswith(COMMANDS):
                return f"not a missing-protocol command (the runner runs only those): {command}"
            done = run(command, workdir)
            if done.returncode >= 2:
                return f"`{command}` exited {done.returncode}:\n{done.stdout}"
            shown = normalise(done.stdout, workdir)
            if not matches(expected, shown):
                printed, page = "\n".join(shown[:MAX_LINES]), "\n".join(expected[:MAX_LINES])
                return f"`{command}` printed:\n{printed}\n\nbut the page shows:\n{page}"
        return None


def session(source: str) -> list[tuple[str, list[str]]]:
    """The commands of a console block with the output lines shown under each."""
    steps: list[tuple[str, list[str]]] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith(PROMPT):
            if steps:
                steps[-1][1].append(line)
            continue
        command = line[len(PROMPT) :]
        while command.endswith("\\") and i < len(lines):
            command = command[:-1] + lines[i].strip()
            i += 1
        steps.append((command.strip(), []))
    return steps


def run(command: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Run one shown command with this interpreter's scripts first on PATH."""
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    return subprocess.run(
        ["bash", "-c", command],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def normalise(output: str, workdir: Path) -> list[str]:
    """What must vary between runs: only where the page's working directory is."""
    for place in {str(workdir), str(workdir.resolve())}:
        output = output.replace(place + os.sep, "").replace(place, ".")
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(expected: list[str], shown: list[str]) -> bool:
    """The shown output, line for line; a line `...` on the page stands for any lines."""
    expected = [line.rstrip() for line in expected]
    while expected and not expected[-1]:
        expected.pop()
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == ANY_LINES else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in shown)) is not None


DOCS = Sybil(
    parsers=[PythonCodeBlockParser(), FileBlockParser(), ConsoleParser()],
    patterns=["*.md"],
)


def _page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: a page's examples, in order, do what the page says."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    document = DOCS.parse(page)
    document.namespace[WORKDIR] = str(tmp_path)
    for example in document.examples():
        where = f"{_page_id(page)}, line {example.line}"
        try:
            example.evaluate()
        except Exception as failure:
            raise AssertionError(f"{where}: {failure}") from failure


def test_the_runner_compares_output() -> None:
    """Issue 12: a page showing output the code no longer produces fails; `...` skips lines."""
    steps = session("$ missing-protocol rules \\\n  --format json\n{\n...\n}\n")
    assert steps == [("missing-protocol rules --format json", ["{", "...", "}"])]
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "b"], ["a", "c"])
    assert not matches(["a"], ["a", "extra"])
    assert normalise("written to /w/x/report.html\n\n", Path("/w/x")) == ["written to report.html"]


UNRUN_FENCE = re.compile(r"^```(?:sh|bash|shell|text)?\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_shown_sessions_are_console_blocks(page: Path) -> None:
    """Issue 12: a command shown with a `$ ` prompt (so with its output) is in a ```console block,
    which runs; ```sh blocks are synopses without output."""
    for block in UNRUN_FENCE.findall(page.read_text(encoding="utf-8")):
        prompts = [line for line in block.splitlines() if line.startswith(PROMPT)]
        assert not prompts, f"{_page_id(page)}: make this a ```console block: {prompts[0]}"


def _evaluate_page(text: str, folder: Path) -> None:
    page = folder / "page.md"
    page.write_text(text, encoding="utf-8")
    document = DOCS.parse(page)
    document.namespace[WORKDIR] = str(folder)
    for example in document.examples():
        example.evaluate()


FENCE = "```"


@pytest.mark.parametrize(
    "block",
    [
        # An output the command does not print.
        f"{FENCE}console\n$ missing-protocol rules --format json | head -n 1\n[\n{FENCE}\n",
        # A usage error (exit 2) the page does not show.
        f"{FENCE}console\n$ missing-protocol rules --profile no-such-profile\n{FENCE}\n",
        # Not a missing-protocol command.
        f"{FENCE}console\n$ ls\n{FENCE}\n",
        # A Python assertion that no longer holds.
        f"{FENCE}python\nassert 1 + 1 == 3\n{FENCE}\n",
    ],
)
def test_a_page_that_no_longer_holds_fails(block: str, tmp_path: Path) -> None:
    """Issue 12: a page showing what the code does not do fails the suite."""
    with pytest.raises(AssertionError):
        _evaluate_page(block, tmp_path)


def test_a_file_block_feeds_the_commands_after_it(tmp_path: Path) -> None:
    """Issue 12: a titled block is written for the console block that follows it."""
    _evaluate_page(
        f'{FENCE}json title="one.jsonl"\n{{"type": "child", "child_id": "C1"}}\n{FENCE}\n\n'
        f"{FENCE}console\n$ missing-protocol check one.jsonl --as-of 2026-01-01 --format json"
        f" | grep -c '\"accepted\": 1'\n1\n{FENCE}\n",
        tmp_path,
    )
