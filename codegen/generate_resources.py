"""Write the resource modules of the body-taking endpoints from their request TypedDicts.

Each request parameter is declared once, as a field of `CompletionCreateParams` in the endpoint's
params module (name, type, and the docstring under it). This script reads those fields (with `ast`,
so nothing is imported; see `declarations.py`) and writes, for sync and async: the three `create`
overloads (`stream` false/absent, true, and a plain `bool`), the implementation with its Args
section, the request body and header parameters, `parse`, `run_tools` and `stream_tools` for chat,
and the raw / streaming-response wrapper classes. `resources/files.py` and `resources/batches.py`
are written the same way from their params TypedDicts and the routes declared in
`platform_resources.py`.

    python codegen/generate_resources.py           # rewrite the generated modules
    python codegen/generate_resources.py --check   # exit 1 if any of them is stale

A field annotated `Annotated[T, Alias("Header-Name")]` is sent as that header instead of in the body.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules, however this one is loaded

from declarations import (
    TAIL_FORWARD,
    TAIL_SIGNATURE,
    Param,
    header_dict,
    keyword_annotation,
    read_params,
    tail_docs,
    union_with_none,
)
from platform_resources import render_platform

ROOT = Path(__file__).resolve().parent.parent
SDK = ROOT / "src" / "cerebras" / "cloud" / "sdk"
PARAMS_CLASS = "CompletionCreateParams"
_union_with_none = union_with_none


@dataclass
class Endpoint:
    params_file: str
    """Path of the params module, relative to the SDK package."""
    params_import: str
    """How the resource module refers to the params module (relative import of the package)."""
    path: str
    summary: str
    result: str
    chunk: str
    result_module: str
    resource_doc: str
    params: List[Param] = field(default_factory=list)


ENDPOINTS: Dict[str, Endpoint] = {
    "chat": Endpoint(
        params_file="types/chat/completion_create_params.py",
        params_import="...types.chat",
        path="/v1/chat/completions",
        summary="Generate the next message of a conversation.",
        result="ChatCompletion",
        chunk="ChatChunkResponse",
        result_module="...types.chat.chat_completion",
        resource_doc="Chat completions",
    ),
    "text": Endpoint(
        params_file="types/completion_create_params.py",
        params_import="..types",
        path="/v1/completions",
        summary="Continue a text prompt.",
        result="Completion",
        chunk="CompletionResponse",
        result_module="..types.completion",
        resource_doc="Text completions",
    ),
}

TAIL_DOCS = tail_docs()
# `parse` always sends `stream=False`, and formats/tools go through the post-parse helpers.
PARSE_SKIPPED = ("stream", "stream_options")
PARSE_RESPONSE_FORMAT = "Type[_ParsedT] | completion_create_params.ResponseFormat | Omit"


def _annotation(p: Param, mode: str) -> str:
    if p.name == "stream":
        return {"false": "Literal[False] | Omit | None = omit", "impl": "bool | Omit | None = omit"}[mode]
    if p.name == "response_format" and mode == "parse":
        return PARSE_RESPONSE_FORMAT + " = omit"
    return keyword_annotation(p)


def signature(params: List[Param], mode: str) -> str:
    """Keyword-only parameters for `mode`: false / true / bool (the overloads), impl, or parse."""
    lines = ["        self,\n", "        *,\n"]
    ordered = [p for p in params if p.required]
    if mode in ("true", "bool"):
        ordered.append(Param("stream", "", True, ""))
    ordered += [p for p in params if not p.required and not (mode in ("true", "bool") and p.name == "stream")]
    for p in ordered:
        if mode == "parse" and p.name in PARSE_SKIPPED:
            continue
        if p.name == "stream" and mode in ("true", "bool"):
            text = "Literal[True]" if mode == "true" else "bool | None"
        else:
            text = _annotation(p, mode)
        lines.append(f"        {p.name}: {text},\n")
    return "".join(lines) + TAIL_SIGNATURE


def args_docs(params: List[Param], skip: tuple = ()) -> str:
    lines = [f"          {p.name}: {p.doc}\n" for p in params if p.name not in skip]
    return "        Args:\n" + "".join(lines) + TAIL_DOCS


def body_dict(params: List[Param]) -> str:
    entries = "".join(f'                    "{p.name}": {p.name},\n' for p in params if p.header is None)
    return "                {\n" + entries + "                }\n"


def forward(params: List[Param], skip: tuple, indent: str) -> str:
    names = [p.name for p in params if p.name not in skip] + list(TAIL_FORWARD)
    return "".join(f"{indent}{n}={n},\n" for n in names)


def create_methods(ep: Endpoint, is_async: bool) -> str:
    a = "async " if is_async else ""
    stream = "AsyncStream" if is_async else "Stream"
    res, chunk = ep.result, ep.chunk
    returns = {
        "false": res,
        "true": f"{stream}[{chunk}]",
        "bool": f"{res} | {stream}[{chunk}]",
    }
    out = []
    for mode in ("false", "true", "bool"):
        out.append(
            f"    @overload\n    {a}def create(\n{signature(ep.params, mode)}    ) -> {returns[mode]}: ...\n\n"
        )
    stream_slot = "_, stream_cls" if is_async else "stream_cls, _"
    aw = "await " if is_async else ""
    out.append(
        f"    {a}def create(\n{signature(ep.params, 'impl')}    ) -> {returns['bool']}:\n"
        f'        """{ep.summary}\n\n'
        f"        With `stream=True` the reply arrives as a `{stream}` of chunks; otherwise as one object.\n\n"
        f'{args_docs(ep.params)}        """\n'
        f"        cast_to, {stream_slot} = _result_types()\n"
        f"        result: {returns['bool']} = {aw}self._client.post(\n"
        f'            "{ep.path}",\n'
        f"            body=compact(\n{body_dict(ep.params)}            ),\n"
        f"            options=call_options(\n"
        f"                header_params={header_dict(ep.params)},\n"
        f"                extra_headers=extra_headers,\n"
        f"                extra_query=extra_query,\n"
        f"                extra_body=extra_body,\n"
        f"                timeout=timeout,\n"
        f"            ),\n"
        f"            cast_to=cast_to,\n"
        f"            stream=bool(stream),\n"
        f"            stream_cls=stream_cls,\n"
        f"        )\n"
        f"        return result\n"
    )
    return "".join(out)


PARSE_DOC = """\
        \"\"\"Like `create()`, but `response_format` may be a pydantic model class, and the reply is parsed.

        The class is sent as a strict `json_schema` response format, and each choice's
        `message.parsed` is an instance of it. Tools made with `pydantic_function_tool()` come back
        with `tool_calls[i].function.parsed_arguments` as instances of their model. Raises
        `LengthFinishReasonError` when the reply was cut short and `ContentValidationError` when it
        does not fit the model; both keep the completion.

"""


def parse_method(ep: Endpoint, is_async: bool) -> str:
    a = "async " if is_async else ""
    aw = "await " if is_async else ""
    skip = (*PARSE_SKIPPED, "response_format", "tools")
    return (
        f"    {a}def parse(\n{signature(ep.params, 'parse')}    ) -> ParsedChatCompletion[_ParsedT]:\n"
        f'{PARSE_DOC}{args_docs(ep.params, PARSE_SKIPPED)}        """\n'
        "        from ...lib.parsing import parse_chat_completion, prepare_tools, to_response_format_param\n\n"
        "        prepared_tools = prepare_tools(tools)\n"
        "        # `_ParsedT` has no bound (a dict format gives `ParsedChatCompletion[object]`); a class that is\n"
        "        # not a pydantic model is refused at run time by `to_response_format_param`.\n"
        "        format_arg = cast(\n"
        '            "Type[pydantic.BaseModel] | completion_create_params.ResponseFormat | Omit", response_format\n'
        "        )\n"
        "\n"
        "        def post_parse(completion: Any, response: httpx.Response) -> Any:\n"
        "            return parse_chat_completion(\n"
        "                completion=completion, response_format=format_arg, tools=prepared_tools, response=response\n"
        "            )\n\n"
        "        # Through `with_raw_response`/`with_streaming_response` the caller wants the response, with\n"
        "        # this step added to its `parse()`; called plainly, the parsed reply. Either way the request\n"
        "        # goes through the public `create`, so whatever wraps `create` sees it too.\n"
        "        plain = response_mode() is None\n"
        "        create = self.with_raw_response.create if plain else self.create\n"
        f"        raw: Any = {aw}create(\n"
        f"{forward(ep.params, skip, '            ')}"
        "            response_format=to_response_format_param(format_arg),\n"
        "            tools=prepared_tools,\n"
        "            stream=False,\n"
        "        )\n"
        "        raw.add_post_parser(post_parse)\n"
        "        # A dict (or no) `response_format` leaves `_ParsedT` unsolved: `parsed` holds decoded JSON or None.\n"
        f'        return cast("ParsedChatCompletion[_ParsedT]", {aw}raw.parse() if plain else raw)\n'
    )


# `run_tools` / `stream_tools`: thin methods over `lib.tool_runner`, taking `create`'s parameters
# (less the ones a run sets itself) plus the runner's options.
RUNNER_SKIPPED = {"run_tools": ("stream", "stream_options", "tools"), "stream_tools": ("stream", "tools")}
RUNNER_DEFAULTS = {"max_turns": 10, "max_workers": 8}
RUNNER_OPTIONS = (
    (
        "max_turns",
        f"int = {RUNNER_DEFAULTS['max_turns']}",
        'the most requests to make; the run then stops with `stopped_by="max_turns"`.',
    ),
    (
        "max_workers",
        f"int = {RUNNER_DEFAULTS['max_workers']}",
        "how many tool calls of one turn run at the same time, at most.",
    ),
    (
        "on_tool_call",
        "{hook} | None = None",
        "called before each call runs: `False` or a string vetoes it (the string is sent as its result).",
    ),
    ("on_turn", "{turn_hook} | None = None", "called after each turn with a `ToolTurn`."),
    (
        "raise_tool_errors",
        "bool = False",
        "raise `ToolError` when a tool fails instead of sending the error to the model.",
    ),
)
RUNNER_DOCS = {
    "run_tools": "Call the model, run the tools it asks for and send back the results, until it answers.",
    "stream_tools": "Like `run_tools()`, with every reply streamed: returns a stream of typed events.",
}
RUNNER_DETAILS = """\
        `tools` takes plain functions (sync or async; typed parameters, described by their docstring),
        `function_tool()`s and tool definitions. Each turn is a `create()` call; the calls of one reply
        run concurrently, and a tool that raises, arguments that do not fit or an unknown tool name go
        back to the model as the call's result. See `cerebras.cloud.sdk.lib.tool_runner`.

"""


def runner_method(ep: Endpoint, is_async: bool, method: str) -> str:
    skip = RUNNER_SKIPPED[method]
    prefix = "Async" if is_async else ""
    hooks = {"hook": f"{prefix}ToolCallHook", "turn_hook": f"{prefix}TurnHook"}
    returns = {"run_tools": "ToolRunResult", "stream_tools": f"{prefix}ToolRunStream"}[method]
    is_coroutine = is_async and method == "run_tools"
    lines = ["        self,\n", "        *,\n"]
    lines += [f"        {p.name}: {p.type},\n" for p in ep.params if p.required]
    lines.append("        tools: Iterable[ToolLike],\n")
    lines += [
        f"        {p.name}: {_annotation(p, 'impl')},\n"
        for p in ep.params
        if not p.required and p.name not in skip
    ]
    lines += [f"        {name}: {text.format(**hooks)},\n" for name, text, _ in RUNNER_OPTIONS]
    option_docs = (
        "          tools: functions, `FunctionTool`s or tool definitions the model may call.\n"
        + "".join(f"          {name}: {doc}\n" for name, _, doc in RUNNER_OPTIONS)
    )
    docs = args_docs(ep.params, skip).replace("        Args:\n", "        Args:\n" + option_docs, 1)
    target = ("async_" if is_async else "") + method
    forwarded = ["tools", *(name for name, _, _ in RUNNER_OPTIONS)]
    return (
        f"    {'async ' if is_coroutine else ''}def {method}(\n{''.join(lines)}{TAIL_SIGNATURE}    ) -> {returns}:\n"
        f'        """{RUNNER_DOCS[method]}\n\n{RUNNER_DETAILS}{docs}        """\n'
        f"        from ...lib.tool_runner import {target}\n\n"
        f"        return {'await ' if is_coroutine else ''}{target}(\n"
        "            self,\n"
        f"{forward(ep.params, skip, '            ')}"
        + "".join(f"            {name}={name},\n" for name in forwarded)
        + "        )\n"
    )


def resource_class(ep: Endpoint, is_async: bool, with_parse: bool) -> str:
    prefix = "Async" if is_async else ""
    base = "AsyncAPIResource" if is_async else "SyncAPIResource"
    raw_doc = "`AsyncAPIResponse`" if is_async else "`APIResponse`"
    cm_doc = "an async context manager" if is_async else "a context manager"
    out = (
        f"class {prefix}CompletionsResource({base}):\n"
        f'    """{ep.resource_doc}{", async" if is_async else ""}."""\n\n'
        "    @cached_property\n"
        f"    def with_raw_response(self) -> {prefix}CompletionsResourceWithRawResponse:\n"
        f'        """Methods that return the {raw_doc} (headers, status) instead of the parsed reply."""\n'
        f"        return {prefix}CompletionsResourceWithRawResponse(self)\n\n"
        "    @cached_property\n"
        f"    def with_streaming_response(self) -> {prefix}CompletionsResourceWithStreamingResponse:\n"
        f'        """Methods that return {cm_doc} around the unread response."""\n'
        f"        return {prefix}CompletionsResourceWithStreamingResponse(self)\n\n"
        f"{create_methods(ep, is_async)}"
    )
    if with_parse:
        out += "\n" + parse_method(ep, is_async)
        out += "".join("\n" + runner_method(ep, is_async, m) for m in RUNNER_SKIPPED)
    return out


def wrapper_class(is_async: bool, kind: str, dots: str, with_parse: bool = False) -> str:
    prefix = "Async" if is_async else ""
    func = ("async_" if is_async else "") + (
        "to_raw_response_wrapper" if kind == "raw" else "to_streamed_response_wrapper"
    )
    suffix = "RawResponse" if kind == "raw" else "StreamingResponse"
    methods = ("create", "parse") if with_parse else ("create",)
    out = (
        f"class {prefix}CompletionsResourceWith{suffix}:\n"
        f"    def __init__(self, resource: {prefix}CompletionsResource) -> None:\n"
        "        self._resource = resource\n"
        "        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access\n"
    )
    out += "".join(f"            self.{m} = {func}(resource.{m})\n" for m in methods)
    out += "\n    if not TYPE_CHECKING:\n"
    for m in methods:
        out += (
            "\n        @property\n"
            f"        def {m}(self):\n"
            f"            from {dots}_response import {func}\n\n"
            f"            return {func}(self._resource.{m})\n"
        )
    return out


def _header(ep: Endpoint) -> str:
    return f"# generated by codegen/generate_resources.py from {ep.params_file}; do not edit\n"


COMMON_IMPORTS = "from {d}_types import Body, Headers, NotGiven, Omit, Query, not_given, omit\n"


def render_chat_sync(ep: Endpoint) -> str:
    return (
        _header(ep) + '"""`client.chat.completions`: generate chat replies (`POST /v1/chat/completions`).\n\n'
        "The blocking resource lives here and the async one in `_async_completions`; both are importable\n"
        'from this module, the official path.\n"""\n\n'
        "from __future__ import annotations\n\n"
        "from functools import cache, cached_property\n"
        "from typing import (\n    TYPE_CHECKING,\n    Any,\n    Dict,\n    Iterable,\n    Optional,\n"
        "    Sequence,\n    Tuple,\n    Type,\n    Union,\n    cast,\n    overload,\n)\n\n"
        "import httpx\n"
        "from typing_extensions import Literal, TypeVar\n\n"
        "from ..._pipeline import response_mode\n"
        "from ..._resource import SyncAPIResource, call_options, compact\n"
        + COMMON_IMPORTS.format(d="...")
        + "\nif TYPE_CHECKING:\n"
        "    import pydantic\n\n"
        "    from ..._response import (\n"
        "        to_raw_response_wrapper,\n"
        "        to_streamed_response_wrapper,\n"
        "    )\n"
        "    from ..._streaming import Stream\n"
        "    from ...lib._parsed_types import ParsedChatCompletion\n"
        "    from ...lib._tool_types import ToolCallHook, ToolLike, ToolRunResult, TurnHook\n"
        "    from ...lib.tool_runner import ToolRunStream\n"
        "    from ...types.chat import completion_create_params\n"
        "    from ...types.chat.chat_completion import ChatChunkResponse, ChatCompletion\n"
        "    from ._async_completions import (\n"
        "        AsyncCompletionsResource,\n"
        "        AsyncCompletionsResourceWithRawResponse,\n"
        "        AsyncCompletionsResourceWithStreamingResponse,\n"
        "    )\n\n"
        "# A dict `response_format` (or none) leaves nothing to infer: the parsed content is then plain JSON.\n"
        '_ParsedT = TypeVar("_ParsedT", default=object)\n\n'
        "__all__ = [\n"
        '    "AsyncCompletionsResource",\n'
        '    "AsyncCompletionsResourceWithRawResponse",\n'
        '    "AsyncCompletionsResourceWithStreamingResponse",\n'
        '    "CompletionsResource",\n'
        '    "CompletionsResourceWithRawResponse",\n'
        '    "CompletionsResourceWithStreamingResponse",\n'
        "]\n\n\n"
        "@cache\n"
        "def _result_types() -> Tuple[Any, Any, Any]:\n"
        '    """The result type and stream classes, imported on the first call rather than with the module."""\n'
        "    from ..._streaming import AsyncStream, Stream\n"
        "    from ...types.chat.chat_completion import ChatCompletion\n\n"
        "    return ChatCompletion, Stream[ChatCompletion], AsyncStream[ChatCompletion]\n\n\n"
        + resource_class(ep, False, True)
        + "\n\n"
        + wrapper_class(False, "raw", "...", True)
        + "\n\n"
        + wrapper_class(False, "streaming", "...", True)
        + "\n\n"
        "_ASYNC_NAMES = frozenset(\n"
        "    {\n"
        '        "AsyncCompletionsResource",\n'
        '        "AsyncCompletionsResourceWithRawResponse",\n'
        '        "AsyncCompletionsResourceWithStreamingResponse",\n'
        "    }\n"
        ")\n\n\n"
        "def __getattr__(name: str) -> Any:\n"
        "    # The async classes import this module's helpers; loading them on first access keeps the two\n"
        "    # modules free of an import cycle.\n"
        "    if name in _ASYNC_NAMES:\n"
        "        from . import _async_completions\n\n"
        "        return getattr(_async_completions, name)\n"
        '    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
    )


def render_chat_async(ep: Endpoint) -> str:
    return (
        _header(ep)
        + '"""The async `client.chat.completions` (imported through `completions`, its official path)."""\n\n'
        "from __future__ import annotations\n\n"
        "from functools import cached_property\n"
        "from typing import (\n    TYPE_CHECKING,\n    Any,\n    Dict,\n    Iterable,\n    Optional,\n    Sequence,\n"
        "    Type,\n    Union,\n    cast,\n    overload,\n)\n\n"
        "import httpx\n"
        "from typing_extensions import Literal\n\n"
        "from ..._pipeline import response_mode\n"
        "from ..._resource import AsyncAPIResource, call_options, compact\n"
        + COMMON_IMPORTS.format(d="...")
        + "\nif TYPE_CHECKING:\n"
        "    import pydantic\n\n"
        "    from ..._response import (\n"
        "        async_to_raw_response_wrapper,\n"
        "        async_to_streamed_response_wrapper,\n"
        "    )\n"
        "    from ..._streaming import AsyncStream\n"
        "    from ...lib._parsed_types import ParsedChatCompletion\n"
        "    from ...lib._tool_types import AsyncToolCallHook, AsyncTurnHook, ToolLike, ToolRunResult\n"
        "    from ...lib.tool_runner import AsyncToolRunStream\n"
        "    from ...types.chat import completion_create_params\n"
        "    from ...types.chat.chat_completion import ChatChunkResponse, ChatCompletion\n\n"
        "from .completions import _ParsedT, _result_types\n\n"
        "__all__ = [\n"
        '    "AsyncCompletionsResource",\n'
        '    "AsyncCompletionsResourceWithRawResponse",\n'
        '    "AsyncCompletionsResourceWithStreamingResponse",\n'
        "]\n\n\n"
        + resource_class(ep, True, True)
        + "\n\n"
        + wrapper_class(True, "raw", "...", True)
        + "\n\n"
        + wrapper_class(True, "streaming", "...", True)
    )


def render_text(ep: Endpoint) -> str:
    return (
        _header(ep) + '"""`client.completions`: continue a text prompt (`POST /v1/completions`)."""\n\n'
        "from __future__ import annotations\n\n"
        "from functools import cache, cached_property\n"
        "from typing import TYPE_CHECKING, Any, Dict, Iterable, Optional, Sequence, Tuple, Union, overload\n\n"
        "import httpx\n"
        "from typing_extensions import Literal\n\n"
        "from .._resource import AsyncAPIResource, SyncAPIResource, call_options, compact\n"
        + COMMON_IMPORTS.format(d="..")
        + "\nif TYPE_CHECKING:\n"
        "    from .._response import (\n"
        "        async_to_raw_response_wrapper,\n"
        "        async_to_streamed_response_wrapper,\n"
        "        to_raw_response_wrapper,\n"
        "        to_streamed_response_wrapper,\n"
        "    )\n"
        "    from .._streaming import AsyncStream, Stream\n"
        "    from ..types import completion_create_params\n"
        "    from ..types.completion import Completion, CompletionResponse\n\n"
        "__all__ = [\n"
        '    "AsyncCompletionsResource",\n'
        '    "AsyncCompletionsResourceWithRawResponse",\n'
        '    "AsyncCompletionsResourceWithStreamingResponse",\n'
        '    "CompletionsResource",\n'
        '    "CompletionsResourceWithRawResponse",\n'
        '    "CompletionsResourceWithStreamingResponse",\n'
        "]\n\n\n"
        "@cache\n"
        "def _result_types() -> Tuple[Any, Any, Any]:\n"
        '    """The result type and stream classes, imported on the first call rather than with the module."""\n'
        "    from .._streaming import AsyncStream, Stream\n"
        "    from ..types.completion import Completion\n\n"
        "    return Completion, Stream[Completion], AsyncStream[Completion]\n\n\n"
        + resource_class(ep, False, False)
        + "\n\n"
        + resource_class(ep, True, False)
        + "\n\n"
        + wrapper_class(False, "raw", "..")
        + "\n\n"
        + wrapper_class(True, "raw", "..")
        + "\n\n"
        + wrapper_class(False, "streaming", "..")
        + "\n\n"
        + wrapper_class(True, "streaming", "..")
    )


def load(name: str, params_source: Optional[str] = None) -> Endpoint:
    """The endpoint `name` with its parameters read from its params module (or from `params_source`)."""
    ep = ENDPOINTS[name]
    source = params_source if params_source is not None else (SDK / ep.params_file).read_text()
    return Endpoint(
        **{**ep.__dict__, "params": read_params(source, PARAMS_CLASS, "completion_create_params")}
    )


def render_all(sources: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Generated text keyed by path relative to the SDK package; `sources` overrides params modules."""
    sources = sources or {}
    chat, text = load("chat", sources.get("chat")), load("text", sources.get("text"))
    return {
        "resources/chat/completions.py": _prune(render_chat_sync(chat)),
        "resources/chat/_async_completions.py": _prune(render_chat_async(chat)),
        "resources/completions.py": _prune(render_text(text)),
        **render_platform(sources),
    }


def _prune(text: str) -> str:
    """Drop the `Union` import when no parameter type needs it."""
    if text.count("Union[") == 0:
        text = text.replace("    Union,\n", "", 1).replace(" Tuple, Union, overload", " Tuple, overload", 1)
    return text


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    args = parser.parse_args(argv)
    stale = []
    for rel, text in render_all().items():
        target = SDK / rel
        if target.exists() and target.read_text() == text:
            continue
        if args.check:
            stale.append(rel)
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale generated files (run `python codegen/generate_resources.py`): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
