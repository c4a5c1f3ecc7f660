"""Request parameters of `POST /v1/completions` (text completions)."""

from typing import Dict, Iterable, Optional, Sequence, Union

from typing_extensions import Annotated, Literal, Required, TypedDict

from .._types import Alias

__all__ = ["CompletionCreateParams", "StreamOptions"]


class StreamOptions(TypedDict, total=False):
    """Options for streamed text completions."""

    include_usage: Optional[bool]
    """Send token usage in the final chunk."""


class CompletionCreateParams(TypedDict, total=False):
    """Keyword arguments of `client.completions.create`."""

    model: Required[str]
    """Model identifier, e.g. `llama3.1-8b`."""

    prompt: Required[Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]]]
    """Text, several texts, token ids, or several lists of token ids."""

    best_of: Optional[int]
    """Generate this many candidates on the server and return the best; must exceed `n`."""

    echo: Optional[bool]
    """Put the prompt in front of the returned text."""

    frequency_penalty: Optional[float]
    """-2.0 to 2.0; positive values discourage tokens in proportion to how often they appeared."""

    grammar_root: Optional[str]
    """Root rule of the grammar used for structured generation."""

    logit_bias: Optional[Dict[str, float]]
    """Token id (as a string) -> bias between -100 and 100 added to its logit."""

    logprobs: Optional[int]
    """Return log-probabilities of the N most likely tokens at each position."""

    max_tokens: Optional[int]
    """Upper bound on generated tokens."""

    min_tokens: Optional[int]
    """Lower bound on generated tokens; -1 means up to the maximum sequence length."""

    n: Optional[int]
    """How many completions to generate."""

    presence_penalty: Optional[float]
    """-2.0 to 2.0; positive values discourage any token that already appeared."""

    prompt_cache_key: Optional[str]
    """Opaque key grouping requests that share a prompt prefix."""

    reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]]
    """How reasoning is returned."""

    return_raw_tokens: Optional[bool]
    """Return token ids instead of text."""

    seed: Optional[int]
    """Best-effort deterministic sampling."""

    stop: Union[str, Sequence[str], None]
    """Up to four sequences that end generation."""

    stream: Optional[bool]
    """Stream the completion as server-sent events."""

    stream_options: Optional[StreamOptions]
    """Options for streaming."""

    suffix: Optional[str]
    """Text that follows the insertion point (accepted for compatibility)."""

    temperature: Optional[float]
    """Sampling temperature; lower is more deterministic."""

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
