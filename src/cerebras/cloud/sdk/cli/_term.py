"""Terminal output for the ``cerebras`` command: colour decisions and line bookkeeping.

Standard library only. Colour is used only on a terminal, and never when ``NO_COLOR`` is set (to
anything but the empty string) or ``TERM=dumb``.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, TextIO

__all__ = ["Console", "wants_colour"]

_DIM = "\033[2m"
_RED_BOLD = "\033[1;31m"
_RESET = "\033[0m"


def wants_colour(stream: TextIO, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether escape codes may be written to ``stream``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", "") != "" or env.get("TERM", "") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real file
        return False


class Console:
    """Writes the reply to stdout and everything else to stderr.

    It remembers whether either stream was left in the middle of a line, so that an interruption
    or an error can end that line first, and a finished reply always ends with exactly one newline.
    """

    def __init__(self, out: TextIO, err: TextIO, environ: Optional[Mapping[str, str]] = None) -> None:
        self.out = out
        self.err = err
        self.out_colour = wants_colour(out, environ)
        self.err_colour = wants_colour(err, environ)
        self._out_open = False  # stdout holds text not yet ended by a newline
        self._err_open = False
        self._wrote_reply = False

    def reply(self, text: str) -> None:
        """Write a piece of the reply to stdout at once (flushed)."""
        if not text:
            return
        self._end_err_line()
        # The state is updated first: a Ctrl-C can land right after the write, and ending a line
        # that turns out to be already ended is better than leaving the prompt after the reply.
        self._out_open = not text.endswith("\n")
        self._wrote_reply = True
        self.out.write(text)
        self.out.flush()

    def reasoning(self, text: str) -> None:
        """Write a piece of the model's reasoning to stderr, dimmed on a terminal."""
        if not text:
            return
        self._end_out_line()
        self._err_open = not text.endswith("\n")
        self.err.write(f"{_DIM}{text}{_RESET}" if self.err_colour else text)
        self.err.flush()

    def finish_reply(self) -> None:
        """End the reply with a newline unless it already ends with one (an empty reply prints one)."""
        self._end_err_line()
        if self._out_open or not self._wrote_reply:
            self.out.write("\n")
        self._out_open = False
        self._wrote_reply = True
        self.out.flush()

    def line(self, text: str) -> None:
        """Write a whole line to stdout."""
        self._end_err_line()
        self._out_open = False
        self.out.write(text + "\n")

    def break_lines(self) -> None:
        """End any partial line on either stream (after an error or an interruption)."""
        self._end_out_line()
        self._end_err_line()

    def error(self, message: str) -> None:
        """Write ``cerebras: error: <message>`` to stderr, ending any partial line first."""
        self.break_lines()
        prefix = f"{_RED_BOLD}error:{_RESET}" if self.err_colour else "error:"
        self.err.write(f"cerebras: {prefix} {message}\n")
        self.err.flush()

    def note(self, message: str) -> None:
        """Write ``cerebras: <message>`` to stderr (progress such as a coming retry), dimmed on a
        terminal, ending any partial line first."""
        self.break_lines()
        self.err.write(
            f"cerebras: {_DIM}{message}{_RESET}\n" if self.err_colour else f"cerebras: {message}\n"
        )
        self.err.flush()

    def _end_out_line(self) -> None:
        if self._out_open:
            self._out_open = False
            self.out.write("\n")
            self.out.flush()

    def _end_err_line(self) -> None:
        if self._err_open:
            self._err_open = False
            self.err.write("\n")
            self.err.flush()
