"""The ``cerebras`` command line: chat, text completions and models from a shell.

``cerebras --help`` lists the commands; ``python -m cerebras.cloud.sdk`` runs the same program.

Only the standard library is imported until the arguments have been parsed and a request is to be
made, so ``--help``, ``--version`` and usage errors answer at once. The commands themselves live in
:mod:`cerebras.cloud.sdk.cli._run`.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import List, NamedTuple, Optional, Sequence, Tuple

from ._parser import DEFAULT_MODEL, CommandLineParser, build_parser
from ._term import Console

__all__ = ["Settings", "main"]

# Exit statuses (also listed in `cerebras --help`).
EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2  # argparse's status for usage errors; also a missing key or an invalid setting
EXIT_API_STATUS = 3
EXIT_CONNECTION = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a process killed by SIGPIPE

_NO_KEY = (
    "no API key: set the CEREBRAS_API_KEY environment variable or pass --api-key "
    "(or use --mock to try the bundled mock server)"
)

_EMPTY_MESSAGE = "the message is empty: give some text, or '-' to read it from standard input"


class Settings(NamedTuple):
    """Connection settings resolved from the options and the environment."""

    api_key: Optional[str]
    base_url: Optional[str]
    timeout: Optional[float]
    max_retries: Optional[int]
    mock: bool
    model: str
    debug: bool


def _resolve_settings(options: object) -> Settings:
    def env(name: str) -> Optional[str]:
        value = os.environ.get(name, "").strip()
        return value or None

    api_key = getattr(options, "api_key", None) or env("CEREBRAS_API_KEY")
    base_url = getattr(options, "base_url", None) or env("CEREBRAS_BASE_URL")
    model = getattr(options, "model", None) or env("CEREBRAS_MODEL") or DEFAULT_MODEL
    return Settings(
        api_key=api_key,
        base_url=base_url,
        timeout=getattr(options, "timeout", None),
        max_retries=getattr(options, "max_retries", None),
        mock=bool(getattr(options, "mock", False)),
        model=model,
        debug=os.environ.get("CEREBRAS_LOG", "").strip().lower() == "debug",
    )


def _check_prompt(parser: CommandLineParser, options: argparse.Namespace) -> None:
    """Refuse an empty chat message given on the command line (a usage error, exit status 2)."""
    if getattr(options, "command", None) != "chat":
        return
    prompt = str(getattr(options, "prompt", ""))
    if prompt != "-" and not prompt.strip():
        parser.command_parsers["chat"].error(_EMPTY_MESSAGE)


def _load_mock_faults(parser: CommandLineParser, options: argparse.Namespace, settings: Settings) -> None:
    """Turn the mock fault options into steps for the mock server (``options.mock_steps``).

    The loader (standard library only) is imported only when such an option was given.
    """
    given: List[Tuple[str, Optional[str]]] = options.mock_faults
    options.mock_steps = []
    if not given:
        return
    if not settings.mock:
        names = sorted({option for option, _ in given})
        parser.error(f"{', '.join(names)}: scripts the bundled mock server, so it needs --mock")
    from ..testing._script_file import ScriptFileError, steps_from_options

    try:
        options.mock_steps = steps_from_options(given)
    except ScriptFileError as exc:
        parser.error(str(exc))


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at the null device so that the interpreter's final flush
    does not fail again (and print a second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``cerebras`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit status.

    Usage errors, ``--help`` and ``--version`` raise :class:`SystemExit` as :mod:`argparse` does.
    """
    parser = build_parser()
    options = parser.parse(argv)
    settings = _resolve_settings(options)
    _check_prompt(parser, options)
    _load_mock_faults(parser, options, settings)
    console = Console(sys.stdout, sys.stderr)

    if settings.api_key is None and not settings.mock:
        console.error(_NO_KEY)
        return EXIT_USAGE

    try:
        try:
            from ._run import run

            status = run(options, settings, console)
            sys.stdout.flush()  # here, not at exit, so that a broken pipe is handled below
            return status
        except KeyboardInterrupt:
            try:
                console.break_lines()
            except (OSError, ValueError):
                pass
            return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # a second Ctrl-C while ending lines
        return EXIT_INTERRUPTED
    except Exception as exc:
        if settings.debug:
            traceback.print_exc()
        message = " ".join(str(exc).split()) or "(no message)"
        if settings.api_key:
            message = message.replace(settings.api_key, "<redacted>")
        try:
            console.error(f"{type(exc).__name__}: {message}")
        except (OSError, ValueError):
            pass
        return EXIT_UNEXPECTED
