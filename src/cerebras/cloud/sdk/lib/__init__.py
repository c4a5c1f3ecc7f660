"""What this SDK adds beyond the official one: stream helpers, structured outputs and tools.

* Streams: `ChatCompletionAccumulator` / `TextCompletionAccumulator` fold chunks into the
  completion a non-streamed call returns; `final_completion`, `text_deltas` and `until_done`
  (and their `async_` twins) read a stream through one shared accumulator.
* Structured outputs: `to_strict_json_schema` and `type_to_response_format` describe a pydantic
  model for strict mode; `parse_chat_completion` turns a reply into a `ParsedChatCompletion`
  whose messages carry `.parsed`.
* Tools: `pydantic_function_tool` makes a strict function tool from a model; `function_tool`
  makes a runnable `FunctionTool` from a typed Python function, and the tool runner
  (`client.chat.completions.run_tools(...)` / `stream_tools(...)`, module `tool_runner`) calls the
  model and runs the tools it asks for until it answers.
* Batch input: `BatchInputWriter`, `write_batch_input` and `check_batch_input` write and check the
  Batch API's JSONL input against its documented limits before upload.
"""

from ._accumulate import (
    ChatCompletionAccumulator,
    CompletionAccumulator,
    TextCompletionAccumulator,
    accumulator_for,
)
from ._parsed_types import (
    ParsedChatCompletion,
    ParsedChatCompletionMessage,
    ParsedChoice,
    ParsedFunction,
    ParsedFunctionToolCall,
)
from ._schema import to_strict_json_schema
from ._tool_functions import FunctionTool, ToolArgumentsError, function_tool, tool_output_text
from ._tool_types import (
    AsyncToolCallHook,
    AsyncTurnHook,
    FinalResultEvent,
    ReasoningDeltaEvent,
    StoppedBy,
    TextDeltaEvent,
    ToolCall,
    ToolCallHook,
    ToolCallStartedEvent,
    ToolError,
    ToolLike,
    ToolResult,
    ToolResultEvent,
    ToolRunEvent,
    ToolRunResult,
    ToolStatus,
    ToolTurn,
    TurnEndEvent,
    TurnHook,
)
from .batch_input import (
    BatchInputError,
    BatchInputSummary,
    BatchInputWriter,
    batch_request,
    check_batch_input,
    write_batch_input,
)
from .parsing import (
    ContentValidationError,
    LengthFinishReasonError,
    parse_chat_completion,
    prepare_tools,
    to_response_format_param,
    type_to_response_format,
)
from .streaming import (
    AsyncStreamHelper,
    StreamHelper,
    async_final_completion,
    async_stream_helper,
    async_text_deltas,
    async_until_done,
    chunk_text,
    final_completion,
    stream_helper,
    text_deltas,
    until_done,
)
from .tool_runner import (
    AsyncToolRunStream,
    ToolRunStream,
    async_run_tools,
    async_stream_tools,
    run_tools,
    stream_tools,
)
from .tools import PydanticFunctionTool, pydantic_function_tool

__all__ = [
    "AsyncStreamHelper",
    "AsyncToolCallHook",
    "AsyncToolRunStream",
    "AsyncTurnHook",
    "BatchInputError",
    "BatchInputSummary",
    "BatchInputWriter",
    "ChatCompletionAccumulator",
    "CompletionAccumulator",
    "ContentValidationError",
    "FinalResultEvent",
    "FunctionTool",
    "LengthFinishReasonError",
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedFunction",
    "ParsedFunctionToolCall",
    "PydanticFunctionTool",
    "ReasoningDeltaEvent",
    "StoppedBy",
    "StreamHelper",
    "TextCompletionAccumulator",
    "TextDeltaEvent",
    "ToolArgumentsError",
    "ToolCall",
    "ToolCallHook",
    "ToolCallStartedEvent",
    "ToolError",
    "ToolLike",
    "ToolResult",
    "ToolResultEvent",
    "ToolRunEvent",
    "ToolRunResult",
    "ToolRunStream",
    "ToolStatus",
    "ToolTurn",
    "TurnEndEvent",
    "TurnHook",
    "accumulator_for",
    "async_final_completion",
    "async_run_tools",
    "async_stream_helper",
    "async_stream_tools",
    "async_text_deltas",
    "async_until_done",
    "batch_request",
    "check_batch_input",
    "chunk_text",
    "final_completion",
    "function_tool",
    "parse_chat_completion",
    "prepare_tools",
    "pydantic_function_tool",
    "run_tools",
    "stream_helper",
    "stream_tools",
    "text_deltas",
    "to_response_format_param",
    "to_strict_json_schema",
    "tool_output_text",
    "type_to_response_format",
    "until_done",
    "write_batch_input",
]
