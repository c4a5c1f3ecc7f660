"""Request parameters of `POST /v1/chat/completions`, as plain-dict friendly TypedDicts."""

from typing import Dict, Iterable, Optional, Sequence, Union

from typing_extensions import Annotated, Literal, Required, TypeAlias, TypedDict

from ..._types import Alias

__all__ = [
    "CompletionCreateParams",
    "Message",
    "MessageSystemMessageRequest",
    "MessageSystemMessageRequestContentUnionMember1",
    "MessageSystemMessageRequestContentUnionMember1TextContent",
    "MessageSystemMessageRequestContentUnionMember1ImageURLContent",
    "MessageSystemMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageSystemMessageRequestContentUnionMember1ImageContent",
    "MessageDeveloperMessageRequest",
    "MessageDeveloperMessageRequestContentUnionMember1",
    "MessageDeveloperMessageRequestContentUnionMember1TextContent",
    "MessageDeveloperMessageRequestContentUnionMember1ImageURLContent",
    "MessageDeveloperMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageDeveloperMessageRequestContentUnionMember1ImageContent",
    "MessageUserMessageRequest",
    "MessageUserMessageRequestContentUnionMember1",
    "MessageUserMessageRequestContentUnionMember1TextContent",
    "MessageUserMessageRequestContentUnionMember1ImageURLContent",
    "MessageUserMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageUserMessageRequestContentUnionMember1ImageContent",
    "MessageAssistantMessageRequest",
    "MessageAssistantMessageRequestContentUnionMember1",
    "MessageAssistantMessageRequestReasoningUnionMember1",
    "MessageAssistantMessageRequestToolCall",
    "MessageAssistantMessageRequestToolCallFunction",
    "MessageToolMessageRequest",
    "MessageToolMessageRequestContentUnionMember1",
    "Prediction",
    "PredictionContentUnionMember1",
    "ResponseFormat",
    "ResponseFormatResponseFormatText",
    "ResponseFormatResponseFormatJsonObject",
    "ResponseFormatResponseFormatJsonSchema",
    "ResponseFormatResponseFormatJsonSchemaJsonSchema",
    "StreamOptions",
    "ToolChoice",
    "ToolChoiceChoiceObject",
    "ToolChoiceChoiceObjectFunction",
    "Tool",
    "ToolFunction",
]

# --------------------------------------------------------------------------- system messages


class MessageSystemMessageRequestContentUnionMember1TextContent(TypedDict, total=False):
    """A text part of a system message."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageSystemMessageRequestContentUnionMember1ImageURLContentImageURL(TypedDict, total=False):
    """Where to fetch an image from."""

    url: Required[str]
    """An http(s) URL or a `data:` URL."""

    detail: Optional[str]


class MessageSystemMessageRequestContentUnionMember1ImageURLContent(TypedDict, total=False):
    """An image part of a system message, given by URL."""

    image_url: Required[MessageSystemMessageRequestContentUnionMember1ImageURLContentImageURL]

    type: Required[Literal["image_url"]]


class MessageSystemMessageRequestContentUnionMember1ImageContent(TypedDict, total=False):
    """An image part of a system message, given inline."""

    image: Required[str]

    type: Required[Literal["image"]]


MessageSystemMessageRequestContentUnionMember1: TypeAlias = Union[
    MessageSystemMessageRequestContentUnionMember1TextContent,
    MessageSystemMessageRequestContentUnionMember1ImageURLContent,
    MessageSystemMessageRequestContentUnionMember1ImageContent,
]


class MessageSystemMessageRequest(TypedDict, total=False):
    """Instructions that set the assistant's behaviour."""

    content: Required[Union[str, Iterable[MessageSystemMessageRequestContentUnionMember1]]]
    """Plain text, or a list of content parts."""

    name: Optional[str]
    """Optional name of the participant."""

    role: Literal["system"]


# --------------------------------------------------------------------------- developer messages


class MessageDeveloperMessageRequestContentUnionMember1TextContent(TypedDict, total=False):
    """A text part of a developer message."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageDeveloperMessageRequestContentUnionMember1ImageURLContentImageURL(TypedDict, total=False):
    """Where to fetch an image from."""

    url: Required[str]
    """An http(s) URL or a `data:` URL."""

    detail: Optional[str]


class MessageDeveloperMessageRequestContentUnionMember1ImageURLContent(TypedDict, total=False):
    """An image part of a developer message, given by URL."""

    image_url: Required[MessageDeveloperMessageRequestContentUnionMember1ImageURLContentImageURL]

    type: Required[Literal["image_url"]]


class MessageDeveloperMessageRequestContentUnionMember1ImageContent(TypedDict, total=False):
    """An image part of a developer message, given inline."""

    image: Required[str]

    type: Required[Literal["image"]]


MessageDeveloperMessageRequestContentUnionMember1: TypeAlias = Union[
    MessageDeveloperMessageRequestContentUnionMember1TextContent,
    MessageDeveloperMessageRequestContentUnionMember1ImageURLContent,
    MessageDeveloperMessageRequestContentUnionMember1ImageContent,
]


class MessageDeveloperMessageRequest(TypedDict, total=False):
    """Developer instructions; OpenAI-family models treat them like a system message."""

    content: Required[Union[str, Iterable[MessageDeveloperMessageRequestContentUnionMember1]]]
    """Plain text, or a list of content parts."""

    name: Optional[str]
    """Optional name of the participant."""

    role: Literal["developer"]


# --------------------------------------------------------------------------- user messages


class MessageUserMessageRequestContentUnionMember1TextContent(TypedDict, total=False):
    """A text part of a user message."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageUserMessageRequestContentUnionMember1ImageURLContentImageURL(TypedDict, total=False):
    """Where to fetch an image from."""

    url: Required[str]
    """An http(s) URL or a `data:` URL."""

    detail: Optional[str]


class MessageUserMessageRequestContentUnionMember1ImageURLContent(TypedDict, total=False):
    """An image part of a user message, given by URL."""

    image_url: Required[MessageUserMessageRequestContentUnionMember1ImageURLContentImageURL]

    type: Required[Literal["image_url"]]


class MessageUserMessageRequestContentUnionMember1ImageContent(TypedDict, total=False):
    """An image part of a user message, given inline."""

    image: Required[str]

    type: Required[Literal["image"]]


MessageUserMessageRequestContentUnionMember1: TypeAlias = Union[
    MessageUserMessageRequestContentUnionMember1TextContent,
    MessageUserMessageRequestContentUnionMember1ImageURLContent,
    MessageUserMessageRequestContentUnionMember1ImageContent,
]


class MessageUserMessageRequest(TypedDict, total=False):
    """A message written by the end user."""

    content: Required[Union[str, Iterable[MessageUserMessageRequestContentUnionMember1]]]
    """Plain text, or a list of content parts (text and images)."""

    name: Optional[str]
    """Optional name of the participant."""

    role: Literal["user"]


# --------------------------------------------------------------------------- assistant messages


class MessageAssistantMessageRequestContentUnionMember1(TypedDict, total=False):
    """A text part of an earlier assistant answer."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageAssistantMessageRequestReasoningUnionMember1(TypedDict, total=False):
    """A text part of earlier assistant reasoning."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageAssistantMessageRequestToolCallFunction(TypedDict, total=False):
    """The function an earlier assistant turn called."""

    arguments: Required[str]
    """Arguments as JSON text."""

    name: Required[str]


class MessageAssistantMessageRequestToolCall(TypedDict, total=False):
    """A tool call made by an earlier assistant turn."""

    id: Required[str]

    function: Required[MessageAssistantMessageRequestToolCallFunction]

    type: Required[Literal["function"]]

    index: Optional[int]


class MessageAssistantMessageRequest(TypedDict, total=False):
    """An earlier answer of the assistant, replayed as context."""

    content: Union[str, Iterable[MessageAssistantMessageRequestContentUnionMember1], None]
    """Answer text; may be left out for turns that only call tools."""

    name: Optional[str]
    """Optional name of the participant."""

    reasoning: Union[str, Iterable[MessageAssistantMessageRequestReasoningUnionMember1], None]
    """Earlier reasoning to replay."""

    role: Literal["assistant"]

    tool_calls: Optional[Iterable[MessageAssistantMessageRequestToolCall]]
    """Tools the assistant called in that turn."""


# --------------------------------------------------------------------------- tool messages


class MessageToolMessageRequestContentUnionMember1(TypedDict, total=False):
    """A text part of a tool result."""

    text: Required[str]

    type: Required[Literal["text"]]


class MessageToolMessageRequest(TypedDict, total=False):
    """The result of a tool call, sent back to the model."""

    content: Required[Union[str, Iterable[MessageToolMessageRequestContentUnionMember1]]]
    """The tool's output."""

    tool_call_id: Required[str]
    """`id` of the tool call this answers."""

    name: Optional[str]

    role: Literal["tool"]


Message: TypeAlias = Union[
    MessageSystemMessageRequest,
    MessageDeveloperMessageRequest,
    MessageUserMessageRequest,
    MessageAssistantMessageRequest,
    MessageToolMessageRequest,
]

# --------------------------------------------------------------------------- other shapes


class PredictionContentUnionMember1(TypedDict, total=False):
    """A text part of a predicted output."""

    text: Required[str]

    type: Required[Literal["text"]]


class Prediction(TypedDict, total=False):
    """Text the answer is expected to contain, used to speed up generation."""

    content: Required[Union[str, Iterable[PredictionContentUnionMember1]]]

    type: Required[Literal["content"]]


class ResponseFormatResponseFormatText(TypedDict, total=False):
    """Free-form text output (the default)."""

    type: Required[Literal["text"]]


class ResponseFormatResponseFormatJsonObject(TypedDict, total=False):
    """Output must be a JSON object."""

    type: Required[Literal["json_object"]]


class ResponseFormatResponseFormatJsonSchemaJsonSchema(TypedDict, total=False):
    """A named JSON Schema the output must follow."""

    name: Required[str]

    description: Optional[str]

    schema: Optional[Dict[str, object]]
    """The JSON Schema itself."""

    strict: Optional[bool]
    """Whether the schema is enforced exactly."""


class ResponseFormatResponseFormatJsonSchema(TypedDict, total=False):
    """Output must follow the given JSON Schema."""

    json_schema: Required[ResponseFormatResponseFormatJsonSchemaJsonSchema]

    type: Required[Literal["json_schema"]]


ResponseFormat: TypeAlias = Union[
    ResponseFormatResponseFormatText,
    ResponseFormatResponseFormatJsonObject,
    ResponseFormatResponseFormatJsonSchema,
]


class StreamOptions(TypedDict, total=False):
    """Options for streamed chat completions."""

    include_usage: Optional[bool]
    """Send token usage in the final chunk."""


class ToolChoiceChoiceObjectFunction(TypedDict, total=False):
    """Names the function the model must call."""

    name: Required[str]


class ToolChoiceChoiceObject(TypedDict, total=False):
    """Forces a call to one particular tool."""

    function: Required[ToolChoiceChoiceObjectFunction]

    type: Required[str]
    """Normally `function`."""


ToolChoice: TypeAlias = Union[Literal["none", "auto", "required"], ToolChoiceChoiceObject]


class ToolFunction(TypedDict, total=False):
    """A function the model may call."""

    name: Required[str]

    description: Optional[str]
    """What the function does; helps the model decide when to call it."""

    parameters: Optional[Dict[str, object]]
    """JSON Schema of the arguments."""

    strict: bool
    """Whether the arguments must follow `parameters` exactly."""


class Tool(TypedDict, total=False):
    """A tool offered to the model."""

    function: Required[ToolFunction]

    type: Required[str]
    """Normally `function`."""


# --------------------------------------------------------------------------- the request


class CompletionCreateParams(TypedDict, total=False):
    """Keyword arguments of `client.chat.completions.create`."""

    messages: Required[Iterable[Message]]
    """The conversation so far."""

    model: Required[str]
    """Model identifier, e.g. `llama3.1-8b`."""

    clear_thinking: Optional[bool]
    """Strip reasoning from messages older than the latest user message."""

    disable_reasoning: Optional[bool]
    """Turn reasoning off for reasoning-capable models."""

    frequency_penalty: Optional[float]
    """-2.0 to 2.0; positive values discourage tokens in proportion to how often they appeared."""

    logit_bias: Optional[Dict[str, float]]
    """Token id (as a string) -> bias between -100 and 100 added to its logit."""

    logprobs: Optional[bool]
    """Return log-probabilities of the generated tokens."""

    max_completion_tokens: Optional[int]
    """Upper bound on generated tokens, reasoning included."""

    max_tokens: Optional[int]
    """Older upper bound on generated tokens; prefer `max_completion_tokens`."""

    min_completion_tokens: Optional[int]
    """Lower bound on generated tokens; -1 means up to the maximum sequence length."""

    min_tokens: Optional[int]
    """Older name of `min_completion_tokens`."""

    model_parameters: Optional[Dict[str, object]]
    """Model-specific settings, checked by the server against the model's own schema."""

    n: Optional[int]
    """How many alternative answers to generate."""

    parallel_tool_calls: Optional[bool]
    """Allow several tool calls in one turn."""

    prediction: Optional[Prediction]
    """Expected output, used to speed up generation."""

    presence_penalty: Optional[float]
    """-2.0 to 2.0; positive values discourage any token that already appeared."""

    prompt_cache_key: Optional[str]
    """Opaque key grouping requests that share a prompt prefix."""

    reasoning_effort: Optional[Literal["none", "low", "medium", "high"]]
    """Reasoning budget for reasoning models."""

    reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]]
    """Where reasoning goes: `parsed`/`text_parsed` -> `message.reasoning`, `raw` -> inline, `hidden` -> dropped."""

    response_format: Optional[ResponseFormat]
    """Constrain the output to text, any JSON object, or a JSON Schema."""

    seed: Optional[int]
    """Best-effort deterministic sampling."""

    service_tier: Optional[Literal["auto", "default", "flex", "priority"]]
    """Requested service tier."""

    stop: Union[str, Sequence[str], None]
    """Up to four sequences that end generation."""

    stream: Optional[bool]
    """Stream the answer as server-sent events."""

    stream_options: Optional[StreamOptions]
    """Options for streaming."""

    temperature: Optional[float]
    """Sampling temperature, 0 to 2; lower is more deterministic."""

    tool_choice: Optional[ToolChoice]
    """`none`, `auto`, `required`, or a specific function."""

    tools: Optional[Iterable[Tool]]
    """Functions the model may call."""

    top_logprobs: Optional[int]
    """0 to 20 alternatives per position; needs `logprobs`."""

    top_p: Optional[float]
    """Nucleus sampling probability mass."""

    user: Optional[str]
    """End-user identifier for abuse monitoring."""

    cf_ray: Annotated[str, Alias("CF-RAY")]
    """Sent as the `CF-RAY` header."""

    x_amz_cf_id: Annotated[str, Alias("X-Amz-Cf-Id")]
    """Sent as the `X-Amz-Cf-Id` header."""

    x_delay_time: Annotated[float, Alias("X-delay-time")]
    """Sent as the `X-delay-time` header."""

    queue_threshold: Annotated[int, Alias("queue_threshold")]
    """For `flex`/`auto` service tiers: the longest queue time to accept, 50 to 20000 ms, sent as the `queue_threshold` header; a longer expected wait raises `QueueThresholdExceededError`."""
