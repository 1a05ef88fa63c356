"""The quickstart's examples, run in order and compared with the output the page shows.

The page (``docs/quickstart.md``) is read like a notebook:

- a ```` ```python ```` block runs in one namespace shared by all the page's Python
  blocks, in page order, with standard output captured; the ```` ```text ```` block
  right after it (nothing but blank lines between them) is its expected output. A
  Python block with no text block after it just runs; a text block that does not
  follow a Python block is an error, so the page cannot show output nobody checks.
- a ```` ```console ```` block is a terminal transcript: ``$ usc-events ...`` runs the
  installed command line (``python -m usc_events.cli.app`` with the arguments split as a
  shell would), and the lines up to the next ``$`` are what it prints: standard
  output, then standard error. ``$ echo $?`` prints the exit status of the command
  before it; a command that fails without an ``$ echo $?`` after it shows
  ``[exit status N]``. ``$ pip install ...`` is shown, not run.

Everything runs in one temporary folder, so files the page writes (``export``,
``network.png``) land there and a later example can read them. The command line
runs with a fixed width (``COLUMNS=100``), no colour and UTF-8 output, so its tables
are the same on every terminal. Lines are compared after stripping trailing
whitespace, and trailing blank lines are ignored.

After changing the corpus or the page, regenerate every output block with::

    python tests/test_quickstart.py --update
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "quickstart.md"

#: The terminal width the command line's output is rendered for.
COLUMNS = 100

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_PROMPT = "$ "
_NOT_RUN = ("pip install ",)
_STATUS = "echo $?"
_CLI = "usc-events"


@dataclass(frozen=True)
class Block:
    """One fenced block of the page: its language and where its body lies."""

    lang: str
    body: str
    fence_start: int  # offset of the opening fence
    start: int  # offset of the body's first character in the page
    end: int  # offset just past the body
    fence_end: int  # offset just past the closing fence


@dataclass(frozen=True)
class Example:
    """A runnable block and the output the page shows for it."""

    number: int  # position among the page's fenced blocks, from 0
    kind: Literal["python", "console"]
    source: str
    expected: str | None  # None: a Python block shown without output
    output: Block | None  # the block holding the expected output

    @property
    def id(self) -> str:
        """The pytest id: the block's number and its first line, as a slug."""
        if self.kind == "python":
            first = next(line for line in self.source.splitlines() if line.strip())
        else:
            first = next(command for command in _commands(self.source) if _runs(command))
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", first).strip("-")[:60]
        return f"block{self.number:02d}-{slug}"


def blocks(page: str) -> list[Block]:
    """Every fenced block of ``page``, in order."""
    return [
        Block(
            match["lang"],
            match["body"],
            match.start(),
            match.start("body"),
            match.end("body"),
            match.end(),
        )
        for match in _FENCE.finditer(page)
    ]


def _commands(console: str) -> list[str]:
    return [line[len(_PROMPT) :] for line in console.splitlines() if line.startswith(_PROMPT)]


def _runs(command: str) -> bool:
    return not command.startswith(_NOT_RUN)


def examples(page: str) -> list[Example]:
    """The page's runnable examples, each with its expected output.

    Raises
    ------
    ValueError
        When a text block does not follow a Python block, or a console block holds
        text before its first command.
    """
    found: list[Example] = []
    fenced = blocks(page)
    attached: set[int] = set()
    for number, block in enumerate(fenced):
        line = page.count("\n", 0, block.fence_start) + 1
        if block.lang == "python":
            after = fenced[number + 1] if number + 1 < len(fenced) else None
            if (
                after is not None
                and after.lang == "text"
                and page[block.fence_end : after.fence_start].strip() == ""
            ):
                attached.add(number + 1)
                found.append(Example(number, "python", block.body, after.body, after))
                continue
            found.append(Example(number, "python", block.body, None, None))
        elif block.lang == "text" and number not in attached:
            raise ValueError(
                f"quickstart.md line {line}: a text block that does not follow a python "
                "block; its output would be checked by nothing"
            )
        elif block.lang == "console":
            if block.body.strip() and not block.body.startswith(_PROMPT):
                raise ValueError(
                    f"quickstart.md line {line}: a console block must start with "
                    f"a '{_PROMPT}' command line"
                )
            if any(_runs(command) for command in _commands(block.body)):
                found.append(Example(number, "console", block.body, block.body, block))
    return found


def normalise(text: str) -> str:
    """``text`` without trailing whitespace on each line and without trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n")


def cli_environment(workdir: Path) -> dict[str, str]:
    """The environment the command line runs in: fixed width, no colour, UTF-8."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("USC_EVENTS_")
        and name not in {"FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}
    }
    env.update(
        COLUMNS=str(COLUMNS),
        LINES="50",
        NO_COLOR="1",
        TERM="dumb",
        PYTHONIOENCODING="utf-8",
        MPLBACKEND="Agg",
        USC_EVENTS_CACHE_DIR=str(workdir / ".cache"),
    )
    return env


def run_console(source: str, workdir: Path, env: Mapping[str, str]) -> str:
    """The transcript of a console block, its commands run in ``workdir``."""
    commands = _commands(source)
    transcript: list[str] = []
    status: int | None = None
    for position, command in enumerate(commands):
        transcript.append(_PROMPT + command)
        if not _runs(command):
            continue
        if command == _STATUS:
            if status is None:
                raise ValueError(f"'{_PROMPT}{_STATUS}' before any command was run")
            transcript.append(str(status))
            continue
        args = shlex.split(command)
        if args[0] != _CLI:
            raise ValueError(f"the page may only run {_CLI}, not {command!r}")
        done = subprocess.run(
            [sys.executable, "-m", "usc_events.cli", *args[1:]],
            cwd=workdir,
            env=dict(env),
            capture_output=True,
            encoding="utf-8",
            check=False,
        )
        transcript.extend((done.stdout + done.stderr).splitlines())
        status = done.returncode
        announced = position + 1 < len(commands) and commands[position + 1] == _STATUS
        if status != 0 and not announced:
            transcript.append(f"[exit status {status}]")
    return "\n".join(transcript) + "\n"


class Notebook:
    """Runs a page's examples in order, once each, and keeps what each printed."""

    def __init__(self, page: str, workdir: Path) -> None:
        self.examples = examples(page)
        self.workdir = workdir
        self.env = cli_environment(workdir)
        self.namespace: dict[str, Any] = {"__name__": "__quickstart__"}
        self.outputs: list[str | BaseException] = []

    def output(self, number: int) -> str:
        """What example ``number`` printed, after running every example before it."""
        while len(self.outputs) <= number:
            example = self.examples[len(self.outputs)]
            try:
                self.outputs.append(self._run(example))
            except Exception as error:
                self.outputs.append(error)
        result = self.outputs[number]
        if isinstance(result, BaseException):
            raise result
        return result

    def _run(self, example: Example) -> str:
        if example.kind == "console":
            return run_console(example.source, self.workdir, self.env)
        printed = io.StringIO()
        code = compile(example.source, f"<quickstart.md block {example.number}>", "exec")
        with (
            contextlib.chdir(self.workdir),
            _environment(self.env),
            contextlib.redirect_stdout(printed),
        ):
            exec(code, self.namespace)
        return printed.getvalue()

    def close(self) -> None:
        """Close what the page left open (a database connection, say)."""
        for value in self.namespace.values():
            if hasattr(value, "close") and type(value).__module__ == "sqlite3":
                value.close()


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def update(path: Path = PAGE) -> int:
    """Rewrite every output block of the page with what its example prints now.

    Returns the number of blocks that changed.
    """
    page = path.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="quickstart-") as folder:
        notebook = Notebook(page, Path(folder))
        replacements = [
            (example.output, notebook.output(position))
            for position, example in enumerate(notebook.examples)
            if example.output is not None
        ]
        notebook.close()
    changed = 0
    for block, output in reversed(replacements):
        assert block is not None
        text = normalise(output) + "\n"
        if normalise(block.body) != normalise(text):
            changed += 1
            page = page[: block.start] + text + page[block.end :]
    path.write_text(page, encoding="utf-8")
    return changed


# --- the tests ---------------------------------------------------------------------

_EXAMPLES = examples(PAGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notebook]:
    book = Notebook(PAGE.read_text(encoding="utf-8"), tmp_path_factory.mktemp("quickstart"))
    yield book
    book.close()


def check(notebook: Notebook, position: int) -> None:
    """Fail unless example ``position`` prints exactly the output the page shows."""
    example = notebook.examples[position]
    printed = notebook.output(position)
    if example.expected is not None:
        assert normalise(printed) == normalise(example.expected)


@pytest.mark.parametrize(
    "position", range(len(_EXAMPLES)), ids=[example.id for example in _EXAMPLES]
)
def test_quickstart_example_prints_what_the_page_shows(notebook: Notebook, position: int) -> None:
    check(notebook, position)


def test_the_page_has_examples_of_both_kinds() -> None:
    kinds = {example.kind for example in _EXAMPLES}
    assert kinds == {"python", "console"}


_TOY = """\
```python
x = 2
```

```python
print(x + 1)
```

```text
3
```

```console
$ pip install nothing-at-all
$ usc-events show no-such-record
$ echo $?
1
```
"""


def test_a_page_runs_like_a_notebook_and_a_terminal(tmp_path: Path) -> None:
    book = Notebook(_TOY, tmp_path)
    assert [example.kind for example in book.examples] == ["python", "python", "console"]
    assert book.output(1) == "3\n"
    lines = book.output(2).splitlines()
    assert lines[:2] == ["$ pip install nothing-at-all", "$ usc-events show no-such-record"]
    assert lines[2].startswith("error: no record in any table has the id or name 'no-such-record'")
    assert lines[3:] == ["$ echo $?", "1"]


def test_a_changed_output_line_fails(tmp_path: Path) -> None:
    check(Notebook(_TOY, tmp_path), 1)
    with pytest.raises(AssertionError):
        check(Notebook(_TOY.replace("\n3\n", "\n4\n"), tmp_path), 1)
    with pytest.raises(AssertionError):  # the error line is missing from the transcript
        check(Notebook(_TOY, tmp_path), 2)


def test_a_failure_without_echo_shows_its_exit_status(tmp_path: Path) -> None:
    page = "```console\n$ usc-events timeline --from 2025-13\n```\n"
    transcript = Notebook(page, tmp_path).output(0)
    assert transcript.splitlines()[-1] == "[exit status 1]"


def test_output_nobody_checks_is_refused() -> None:
    with pytest.raises(ValueError, match="line 2: a text block that does not follow"):
        examples("text\n```text\n3\n```\n")
    with pytest.raises(ValueError, match="console block must start with"):
        examples("```console\nusc-events info\n```\n")


def test_trailing_whitespace_and_blank_lines_do_not_count() -> None:
    assert normalise("a  \nb\t\n\n\n") == normalise("a\nb")
    assert normalise(" a") != normalise("a")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_quickstart.py --update")
    print(f"{update()} output blocks changed")
