"""The argument parser of the ``cerebras`` command (standard library only, so ``--help`` is fast)."""

from __future__ import annotations

import argparse
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .._version import __version__
from ._parser_bulk import add_bulk_commands
from ._parser_platform import add_platform_commands

__all__ = ["DEFAULT_MODEL", "CommandLineParser", "build_parser", "version_text"]

DEFAULT_MODEL = "llama3.1-8b"

_DESCRIPTION = """\
Talk to the Cerebras inference API from a shell.

Settings come from the options below, else from the environment: CEREBRAS_API_KEY,
CEREBRAS_BASE_URL and CEREBRAS_MODEL. Global options may be given before or after the
command. Use --mock to try every command against a local mock server, with no key and
no network."""

_EPILOG = """\
examples:
  cerebras chat "Why is fast inference useful?"
  echo "Summarise this" | cerebras chat - -m llama-3.3-70b --no-stream
  cerebras complete "It was a dark and stormy" --max-tokens 20
  cerebras models list
  cerebras files upload requests.jsonl && cerebras batches create FILE_ID --wait
  cerebras --mock chat "hello"
  cerebras --mock --fail 429x2 --max-retries 2 chat "hello"

exit status:
  0    success
  1    unexpected error (set CEREBRAS_LOG=debug for a traceback)
  2    usage error, or no API key
  3    the API answered with an error status
  4    the API could not be reached, or timed out
  5    a batch did not finish within --max-wait (it goes on running)
  130  interrupted (Ctrl-C)
  141  output closed early (broken pipe)"""

_PROMPT_HELP = "the prompt; '-' reads it from standard input"
_JSON_HELP = "print the whole response as JSON instead of text (implies --no-stream)"
_MODEL_HELP = f"model id (default: $CEREBRAS_MODEL, else {DEFAULT_MODEL})"


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def version_text(version: str = __version__) -> str:
    """What ``--version`` prints: the version, and which implementation this is.

    ``1.91.0+rewrite.1`` reads ``cerebras 1.91.0+rewrite.1 (independent implementation of the
    official cerebras_cloud_sdk 1.91.0 surface)``: the public part of the version is the official
    release whose surface is reproduced, the local label ``rewrite.N`` marks the re-implementation.
    """
    public, _, local = version.partition("+")
    if local.split(".")[0] == "rewrite":
        return (
            f"cerebras {version} (independent implementation of the official "
            f"cerebras_cloud_sdk {public} surface)"
        )
    return f"cerebras {version} (independent implementation, not the official cerebras_cloud_sdk)"


MockFault = Tuple[str, Optional[str]]


class _MockFault(argparse.Action):
    """Record ``(option, value)`` for a mock-server fault option, in command-line order.

    The record is a list shared by the top-level parser and the command parsers (``store``), read
    by :meth:`CommandLineParser.parse`: argparse copies a command parser's namespace over the
    top-level one, which would drop the faults given before the command if they were kept there.
    """

    def __init__(
        self, option_strings: Sequence[str], dest: str, store: List[MockFault], **kwargs: Any
    ) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.store = store

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Union[str, Sequence[Any], None],
        option_string: Optional[str] = None,
    ) -> None:
        self.store.append((self.option_strings[0], values if isinstance(values, str) else None))


class CommandLineParser(argparse.ArgumentParser):
    """The ``cerebras`` parser. :meth:`parse` reports an unknown option with the usage of the command
    it was given to (``cerebras chat hi --bogus`` shows the ``chat`` usage), and collects the mock
    server fault options in command-line order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command_parsers: Dict[str, argparse.ArgumentParser] = {}
        self.mock_faults: List[MockFault] = []

    def parse(self, args: Optional[Sequence[str]] = None) -> argparse.Namespace:
        """Like :meth:`parse_args`; ``mock_faults`` is the list of ``(option, value)`` pairs given."""
        self.mock_faults.clear()
        options, extras = self.parse_known_args(args)
        if extras:
            target = self.command_parsers.get(str(getattr(options, "command", "")), self)
            target.error(f"unrecognized arguments: {' '.join(extras)}")
        options.mock_faults = list(self.mock_faults)
        return options


def _global_options(faults: List[MockFault]) -> argparse.ArgumentParser:
    """The options every (sub)command accepts.

    Their defaults are suppressed so that an option given before the command is not overwritten by
    the subcommand parser's default; :func:`cerebras.cloud.sdk.cli.main` fills in the real defaults.
    """
    parent = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = parent.add_argument_group("global options")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key (default: $CEREBRAS_API_KEY; prefer the variable, command lines are visible to others)",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="API root (default: $CEREBRAS_BASE_URL, else https://api.cerebras.ai)",
    )
    group.add_argument(
        "--timeout", type=_positive_float, metavar="SECONDS", help="timeout per attempt (default: 60)"
    )
    group.add_argument(
        "--max-retries",
        type=_non_negative_int,
        metavar="N",
        help="retries for connection errors, 408, 409, 429 and 5xx (default: 2)",
    )
    group.add_argument(
        "--mock",
        action="store_true",
        help="start the bundled mock server in this process and talk to it (no key, no network)",
    )
    group.add_argument(
        "--version",
        action="version",
        version=version_text(),
        help="print the version and which implementation this is, and exit",
    )
    mock = parent.add_argument_group(
        "mock server faults (with --mock)",
        "Queued in the order given; then the mock answers normally. N: a count, or '*' for every request.",
    )
    mock.add_argument(
        "--fail",
        dest="mock_faults",
        action=_MockFault,
        store=faults,
        metavar="STATUS[xN]",
        help="answer with this error status, N times (e.g. 429x2)",
    )
    mock.add_argument(
        "--delay",
        dest="mock_faults",
        action=_MockFault,
        store=faults,
        metavar="SECONDS[xN]",
        help="wait before answering",
    )
    mock.add_argument(
        "--chunk-delay",
        dest="mock_faults",
        action=_MockFault,
        store=faults,
        metavar="SECONDS[xN]",
        help="wait between the chunks of a streamed answer",
    )
    mock.add_argument(
        "--disconnect",
        dest="mock_faults",
        action=_MockFault,
        store=faults,
        nargs=0,
        help="close the connection without answering (once per use)",
    )
    mock.add_argument(
        "--script",
        dest="mock_faults",
        action=_MockFault,
        store=faults,
        metavar="FILE",
        help="queue the steps of a JSON script file (see the README, 'Testing your code')",
    )
    return parent


def _add_generation_options(parser: argparse.ArgumentParser, *, chat: bool) -> None:
    parser.add_argument("prompt", metavar="PROMPT", help=_PROMPT_HELP)
    parser.add_argument("-m", "--model", metavar="MODEL", default=None, help=_MODEL_HELP)
    if chat:
        parser.add_argument("--system", metavar="TEXT", default=None, help="a system message sent first")
    parser.add_argument("--temperature", type=_float, metavar="X", default=None, help="sampling temperature")
    parser.add_argument(
        "--max-tokens", type=_non_negative_int, metavar="N", default=None, help="most tokens to generate"
    )
    parser.add_argument(
        "--no-stream",
        dest="stream",
        action="store_false",
        default=True,
        help="wait for the whole reply instead of printing it as it arrives",
    )
    parser.add_argument("--json", action="store_true", default=False, help=_JSON_HELP)


def build_parser(prog: Optional[str] = "cerebras") -> CommandLineParser:
    """Build the parser; after parsing, ``command`` names what to run (``chat``, ``complete``,
    ``models list``, ``models get``) and the global options are present only if given."""
    faults: List[MockFault] = []
    common = _global_options(faults)
    formatter = argparse.RawDescriptionHelpFormatter
    parser = CommandLineParser(
        prog=prog,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=formatter,
        parents=[common],
    )
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", dest="command", parser_class=argparse.ArgumentParser
    )
    commands.required = True

    chat = commands.add_parser(
        "chat",
        parents=[common],
        formatter_class=formatter,
        help="send one chat message and print the reply",
        description=(
            "Send PROMPT as a user message and print the reply as it arrives.\n\n"
            "Reasoning (from reasoning models) goes to standard error, dimmed on a terminal,\n"
            "so standard output holds only the reply. --json prints the whole chat.completion\n"
            "object instead (the request is then not streamed)."
        ),
    )
    _add_generation_options(chat, chat=True)
    chat.set_defaults(command="chat")

    complete = commands.add_parser(
        "complete",
        parents=[common],
        formatter_class=formatter,
        help="complete a text prompt and print the continuation",
        description=(
            "Send PROMPT to the text completions endpoint and print the continuation as it\n"
            "arrives. --json prints the whole text_completion object instead (the request is\n"
            "then not streamed)."
        ),
    )
    _add_generation_options(complete, chat=False)
    complete.set_defaults(command="complete")

    models = commands.add_parser(
        "models",
        parents=[common],
        formatter_class=formatter,
        help="list the available models, or show one",
        description="List the available models, or show one.",
    )
    model_commands = models.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    model_commands.required = True
    models_list = model_commands.add_parser(
        "list",
        parents=[common],
        help="print a table of the models (id, owner, creation date)",
        description="Print a table of the available models: id, owner and creation date (UTC).",
    )
    models_list.add_argument("--json", action="store_true", default=False, help="print the API's JSON")
    models_list.set_defaults(command="models list")
    models_get = model_commands.add_parser(
        "get",
        parents=[common],
        help="print one model's fields",
        description="Print one model's fields as 'key: value' lines.",
    )
    models_get.add_argument("model_id", metavar="ID", help="the model id")
    models_get.add_argument("--json", action="store_true", default=False, help="print the API's JSON")
    models_get.set_defaults(command="models get")
    command_parsers: Dict[str, Any] = {
        "chat": chat,
        "complete": complete,
        "models list": models_list,
        "models get": models_get,
    }
    add_platform_commands(commands, common, command_parsers)
    add_bulk_commands(commands, common, command_parsers)
    parser.mock_faults = faults
    parser.command_parsers = command_parsers
    return parser
