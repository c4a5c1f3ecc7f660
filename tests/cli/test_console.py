"""In-process tests of the CLI's terminal helper (line endings and colour decisions)."""

from __future__ import annotations

import io

from cerebras.cloud.sdk.cli._term import Console, wants_colour


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reply_ends_with_exactly_one_newline() -> None:
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err, environ={})
    console.reply("Hello")
    console.reply(" world")
    console.finish_reply()
    assert out.getvalue() == "Hello world\n"

    out2 = io.StringIO()
    console = Console(out2, err, environ={})
    console.reply("line\n")
    console.finish_reply()
    assert out2.getvalue() == "line\n"

    empty = io.StringIO()
    console = Console(empty, err, environ={})
    console.finish_reply()
    assert empty.getvalue() == "\n"


def test_error_ends_the_partial_reply_first() -> None:
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err, environ={})
    console.reply("partial")
    console.error("500 InternalServerError: boom")
    assert out.getvalue() == "partial\n"
    assert err.getvalue() == "cerebras: error: 500 InternalServerError: boom\n"


def test_reasoning_is_dimmed_only_on_a_terminal() -> None:
    out, err = io.StringIO(), FakeTerminal()
    console = Console(out, err, environ={"TERM": "xterm"})
    console.reasoning("thinking")
    console.reply("answer")
    console.finish_reply()
    assert err.getvalue() == "\x1b[2mthinking\x1b[0m\n"
    assert out.getvalue() == "answer\n"

    plain = io.StringIO()
    console = Console(io.StringIO(), plain, environ={})
    console.reasoning("thinking")
    assert plain.getvalue() == "thinking"


def test_colour_decision() -> None:
    assert wants_colour(FakeTerminal(), {})
    assert not wants_colour(FakeTerminal(), {"NO_COLOR": "1"})
    assert wants_colour(FakeTerminal(), {"NO_COLOR": ""})  # empty means unset (no-color.org)
    assert not wants_colour(FakeTerminal(), {"TERM": "dumb"})
    assert not wants_colour(io.StringIO(), {})
