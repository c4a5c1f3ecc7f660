"""The request pipeline, free of I/O: (configuration, options) in, an `httpx.Request` out; a
response in, a verdict out.

Both clients run the same generator, `attempts()`. It yields what it needs done (send this request,
sleep this long, read or close that response) and receives the outcome; `_base_client` holds the two
small loops that do the actual I/O, one blocking and one async. Nothing here sees a client: it works
on the `ClientConfig` value and the request's `FinalRequestOptions`.
"""

from __future__ import annotations

import collections.abc as abc
import email.utils
import logging
import random
import sys
import time
from contextvars import ContextVar
from datetime import date, datetime
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Generator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
    cast,
)

import httpx
from typing_extensions import Literal

from ._config import ClientConfig
from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY, RAW_RESPONSE_HEADER
from ._encoding import ENCODABLE_PATHS, RequestEncoding, check_request_encoding, encode_body, encode_json
from ._exceptions import QueueThresholdExceededError, status_error_from_response, transport_error
from ._logs import redact_headers
from ._qs import querystring
from ._types import Headers, NotGiven, Omit, RequestFiles, not_given

if TYPE_CHECKING:
    from ._observe import Observation

log = logging.getLogger("cerebras.cloud.sdk._base_client")

QUEUE_THRESHOLD_HEADER = "queue_threshold"
"""The service-tier header (its exact documented name) that bounds the expected queue time, in ms."""

TimeoutArg = Union[float, httpx.Timeout, None, NotGiven]

_UNBUILT: Any = object()

ResponseMode = Literal["raw", "stream"]
"""How a call hands back its response: `raw` as an `APIResponse` whose body was read (the
`with_raw_response` wrappers), `stream` as an unread one (`with_streaming_response`)."""

# The raw/streaming wrappers call the public resource method (so that a patched method is what
# runs), whose signature has no room for a mode; they set it here around the call, and the client
# moves it into the request's options, where it is a typed field.
_response_mode: ContextVar[Optional[ResponseMode]] = ContextVar("cerebras_response_mode", default=None)


def set_response_mode(mode: Optional[ResponseMode]) -> Any:
    """Make the next request built in this context use `mode`; returns a token for `reset_response_mode`."""
    return _response_mode.set(mode)


def reset_response_mode(token: Any) -> None:
    _response_mode.reset(token)


def response_mode() -> Optional[ResponseMode]:
    """The mode the next request built in this context will use (`None`: a plain call)."""
    return _response_mode.get()


def take_response_mode() -> Optional[ResponseMode]:
    """The mode set for the request being built, cleared so that a request it leads to (a
    warm-up, a follow-up call) is not affected."""
    mode = _response_mode.get()
    if mode is not None:
        _response_mode.set(None)
    return mode


class FinalRequestOptions:
    """Everything needed to build one HTTP request, before client defaults are applied."""

    __slots__ = (
        "_body",
        "_encoded",
        "content",
        "extra_json",
        "files",
        "follow_redirects",
        "headers",
        "idempotency_key",
        "json_data",
        "max_retries",
        "method",
        "mode",
        "observation",
        "params",
        "request_encoding",
        "timeout",
        "url",
    )

    def __init__(
        self,
        *,
        method: str,
        url: str,
        params: Optional[Mapping[str, object]] = None,
        headers: Optional[Headers] = None,
        max_retries: Union[int, NotGiven] = not_given,
        timeout: TimeoutArg = not_given,
        files: Optional[RequestFiles] = None,
        json_data: object = None,
        content: Any = None,
        extra_json: Optional[Mapping[str, object]] = None,
        idempotency_key: Optional[str] = None,
        follow_redirects: Optional[bool] = None,
        mode: Optional[ResponseMode] = None,
        request_encoding: Union[RequestEncoding, NotGiven, None] = not_given,
    ) -> None:
        self.method = method
        self.url = url
        self.params: Mapping[str, object] = params or {}
        self.headers: Headers = headers or {}
        self.max_retries = max_retries
        self.timeout = timeout
        self.files = files
        self.json_data = json_data
        self.content = content
        self.extra_json = extra_json
        self.idempotency_key = idempotency_key
        self.follow_redirects = follow_redirects
        self.mode: Optional[ResponseMode] = mode
        self.request_encoding: Union[RequestEncoding, NotGiven, None] = (
            request_encoding
            if isinstance(request_encoding, NotGiven)
            else check_request_encoding(request_encoding)
        )
        self._body: Any = _UNBUILT
        self._encoded: Any = None
        self.observation: Optional[Observation] = None  # set by the client if anything watches the call

    def json_body(self) -> Any:
        """The JSON body this call sends (see `prepared_body`); `None` for an upload or raw content."""
        return None if self.files is not None or self.content is not None else prepared_body(self)

    def to_log_dict(self) -> Dict[str, object]:
        """The options that were set, with credentials redacted, for the debug log."""
        out: Dict[str, object] = {"method": self.method, "url": self.url}
        if self.params:
            out["params"] = dict(self.params)
        if self.headers:
            out["headers"] = redact_headers(self.headers)
        for name in (
            "max_retries",
            "timeout",
            "json_data",
            "extra_json",
            "follow_redirects",
            "mode",
            "request_encoding",
        ):
            value = getattr(self, name)
            if value is not None and not isinstance(value, NotGiven):
                out[name] = value
        if self.files is not None:
            out["files"] = "<files>"
        if self.content is not None:
            out["content"] = "<content>"
        return out

    def __repr__(self) -> str:
        return f"FinalRequestOptions({self.to_log_dict()!r})"


# --------------------------------------------------------------------------- body


def to_jsonable(value: Any) -> Any:
    """Walk request params into plain JSON values.

    Sentinels are dropped, iterables become lists (a `str` stays a string), pydantic models
    become their set fields, dates become ISO strings. Keys the types do not describe pass through.
    """
    cls: type = type(value)  # pyright: ignore[reportUnknownVariableType]
    if cls is str or cls is int or cls is float or cls is bool or value is None:
        return value
    # `collections.abc` rather than `typing` aliases: an isinstance check against a `typing` alias
    # goes through slow generic machinery, and this runs for every value of every request.
    if cls is dict or isinstance(value, abc.Mapping):
        return {
            k: to_jsonable(v)
            for k, v in value.items()  # pyright: ignore[reportUnknownVariableType]
            if not isinstance(v, _SENTINELS)
        }
    if cls is list or cls is tuple:
        return [to_jsonable(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    if _is_pydantic_model(value):
        return value.model_dump(mode="json", exclude_unset=True, by_alias=True)
    if isinstance(value, (str, int, float, bytes, bytearray)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, abc.Iterable):
        return [to_jsonable(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value


_SENTINELS = (Omit, NotGiven)


def _is_pydantic_model(value: object) -> bool:
    # Looked up rather than imported: building a request (the warm-up's, say) should not load
    # pydantic, and no model instance can exist before pydantic's model module is loaded.
    main: Any = sys.modules.get("pydantic.main")
    return main is not None and isinstance(value, main.BaseModel)


def build_body(options: FinalRequestOptions) -> Any:
    """The JSON body: the method's params, then `extra_body` merged over the top level."""
    body = to_jsonable(options.json_data) if options.json_data is not None else None
    if options.extra_json:
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise TypeError("extra_body can only be merged into a JSON object body")
        for key, value in options.extra_json.items():
            if isinstance(value, (Omit, NotGiven)):
                body.pop(key, None)  # pyright: ignore[reportUnknownMemberType]
            else:
                body[key] = to_jsonable(value)
    return body  # pyright: ignore[reportUnknownVariableType]


def prepared_body(options: FinalRequestOptions) -> Any:
    """`build_body`, done once per call: a generator in the params can only be walked once,
    and every retry must send the same body as the first attempt."""
    if options._body is _UNBUILT:
        options._body = build_body(options)
    return options._body


# --------------------------------------------------------------------------- request


def build_request(
    config: ClientConfig, options: FinalRequestOptions, retries_taken: int = 0, async_library: str = "false"
) -> httpx.Request:
    """Turn options plus the client's configuration into the exact request to send for this attempt.

    `async_library` is what the `X-Stainless-Async` header reports: `false` for the blocking
    client, `async:<library>` for the async one.
    """
    is_get = options.method.lower() == "get"
    per_request = options.headers
    merged = dict(config.header_layer(async_library))
    if per_request:
        for name, value in per_request.items():
            key = name.lower()
            if isinstance(value, (Omit, NotGiven)):
                merged.pop(key, None)
            else:
                _check_header_value(value)
                merged[key] = (name, value)
    if is_get:
        merged.pop("content-type", None)

    user_keys = {name.lower() for name in per_request} if per_request else ()
    if options.mode is not None and "x-stainless-raw-response" not in user_keys:
        # The official client announces the raw and streamed-response modes on the wire.
        merged["x-stainless-raw-response"] = (RAW_RESPONSE_HEADER, options.mode)
    if "x-stainless-retry-count" not in user_keys:
        merged["x-stainless-retry-count"] = ("x-stainless-retry-count", str(retries_taken))

    timeout = config.timeout if isinstance(options.timeout, NotGiven) else options.timeout
    read_timeout = timeout.read if isinstance(timeout, httpx.Timeout) else timeout
    if read_timeout is not None and "x-stainless-read-timeout" not in user_keys:
        merged["x-stainless-read-timeout"] = ("x-stainless-read-timeout", str(read_timeout))

    url = config.url_for(options.url)
    extensions: Dict[str, Any] = {"timeout": config.timeout_extension(timeout)}
    host = url.host
    if "_" in host:
        extensions["sni_hostname"] = host.replace("_", "-")

    params: Dict[str, object] = dict(config.default_query)
    if options.params:
        params.update(options.params)
    query: Optional[List[Tuple[str, str]]] = querystring.stringify_items(params) if params else None
    if query:
        url = url.copy_merge_params(httpx.QueryParams(cast(Any, query)))

    content: Any = None
    files: Any = None
    data: Any = None
    if not is_get:
        if options.files is not None:
            files = options.files
            merged.pop("content-type", None)
            body = prepared_body(options)
            if isinstance(body, Mapping):
                data = querystring_form(body)  # pyright: ignore[reportUnknownArgumentType]
        elif options.content is not None:
            content = options.content
            if isinstance(content, (bytearray, memoryview)):  # httpx would iterate them as ints
                content = bytes(cast("bytearray | memoryview[int]", content))
        else:
            body = prepared_body(options)
            if body is not None:
                encoding = (
                    (config.request_encoding if options.url in ENCODABLE_PATHS else None)
                    if isinstance(options.request_encoding, NotGiven)
                    else options.request_encoding
                )
                if encoding is None:
                    content = encode_json(body)
                else:
                    content = _encoded_body(options, body, encoding, merged)

    # The httpx client's own defaults (Accept-Encoding, Connection, its User-Agent, anything the
    # caller configured on their `http_client`) come first and ours after, as `httpx.Headers.update`
    # would order them; so omitting `User-Agent` falls back to httpx's. One list, one Headers: the
    # per-request cost is linear in the number of headers.
    pairs = [pair for key, pair in config.httpx_headers().items() if key not in merged]
    pairs.extend(merged.values())
    headers = httpx.Headers(pairs)
    cookies = config.http_client.cookies or None
    if files is not None:
        return httpx.Request(
            options.method,
            url,
            headers=headers,
            cookies=cookies,
            files=files,
            data=data,
            extensions=extensions,
        )
    return httpx.Request(
        options.method, url, headers=headers, cookies=cookies, content=content, extensions=extensions
    )


def _encoded_body(
    options: FinalRequestOptions, body: Any, encoding: RequestEncoding, headers: Dict[str, Tuple[str, str]]
) -> bytes:
    # Encoded once per call, like the body itself: retries resend the same bytes.
    if options._encoded is None:
        options._encoded = encode_body(body, encoding)
    content, content_type, content_encoding = options._encoded
    headers["content-type"] = ("Content-Type", content_type)
    if content_encoding is not None:
        headers["content-encoding"] = ("Content-Encoding", content_encoding)
    return content  # type: ignore[no-any-return]


def _check_header_value(value: object) -> None:
    # The error httpx >= 0.24 raises itself; older versions fail with an AttributeError instead.
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"Header value must be str or bytes, not {type(value)}")


def querystring_form(body: Mapping[str, object]) -> Dict[str, Any]:
    """Multipart form fields from a JSON body: nested keys as `key[sub]`, lists as `key[]`."""
    fields: Dict[str, Any] = {}

    def walk(key: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():  # pyright: ignore[reportUnknownVariableType]
                walk(f"{key}[{k}]", v)
        elif isinstance(value, list):
            items: List[object] = value  # pyright: ignore[reportUnknownVariableType]
            fields.setdefault(f"{key}[]", []).extend(_form_scalar(v) for v in items)
        elif value is not None:
            fields[key] = _form_scalar(value)

    for k, v in body.items():
        walk(k, v)
    return fields


def _form_scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# --------------------------------------------------------------------------- retry decisions


def should_retry(response: httpx.Response) -> bool:
    """Whether an error response deserves another attempt (the server's `x-should-retry` first)."""
    hint = response.headers.get("x-should-retry")
    if hint == "true":
        log.debug("Retrying as header `x-should-retry` is set to `true`")
        return True
    if hint == "false":
        log.debug("Not retrying as header `x-should-retry` is set to `false`")
        return False
    status = response.status_code
    if status in (408, 409, 429) or status >= 500:
        log.debug("Retrying due to status code %i", status)
        return True
    log.debug("Not retrying")
    return False


def server_retry_hint(headers: Optional[httpx.Headers], now: Optional[float] = None) -> Optional[float]:
    """Seconds the server asked us to wait (`retry-after-ms`, then `retry-after`), if it said."""
    if headers is None:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return float(raw_ms) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None
    try:
        when = email.utils.mktime_tz(parsed)
    except (OverflowError, ValueError):
        return None
    return when - (time.time() if now is None else now)


def retry_delay(
    retry_number: int, headers: Optional[httpx.Headers] = None, now: Optional[float] = None
) -> float:
    """Seconds to wait before retry number `retry_number` (1 for the first retry).

    A server hint between 0 and 60 s is obeyed exactly; otherwise exponential backoff from 0.5 s,
    capped at 8 s, shortened by up to 25 % of jitter so that clients do not retry in lockstep.
    `now` (a Unix time) is only for reading an HTTP-date `retry-after`; it defaults to the clock.
    """
    hint = server_retry_hint(headers, now)
    if hint is not None and 0 < hint <= MAX_RETRY_AFTER:
        return hint
    exponent = min(max(retry_number - 1, 0), 1000)
    base = min(INITIAL_RETRY_DELAY * 2.0**exponent, MAX_RETRY_DELAY)
    return max(base * (1 - 0.25 * random.random()), 0.0)


# --------------------------------------------------------------------------- the attempt loop


class Send:
    __slots__ = ("follow_redirects", "request", "stream")

    def __init__(self, request: httpx.Request, stream: bool, follow_redirects: Optional[bool]) -> None:
        self.request = request
        self.stream = stream
        self.follow_redirects = follow_redirects


class Sleep:
    """Wait before retry number `attempt`, which follows a `status_code` response or an `error`."""

    __slots__ = ("attempt", "error", "seconds", "status_code")

    def __init__(
        self, seconds: float, attempt: int = 0, status_code: Optional[int] = None, error: Any = None
    ) -> None:
        self.seconds = seconds
        self.attempt = attempt
        self.status_code = status_code
        self.error = error


class Close:
    __slots__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


class Read:
    __slots__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


Action = Union[Send, Sleep, Close, Read]
Outcome = Union[httpx.Response, BaseException, None]


def attempts(
    config: ClientConfig, options: FinalRequestOptions, *, stream: bool = False, async_library: str = "false"
) -> Generator[Action, Outcome, Tuple[httpx.Response, int]]:
    """Send, retry and fail as the API's rules say; return the successful response and the retry count.

    The runner answers `Send` with the response or the exception `send` raised, `Read` with `None` or
    the exception reading raised; `Close` and `Sleep` with `None`. A `stream` request (or one in
    `stream` mode) is sent without reading its body.
    """
    max_retries = config.max_retries if isinstance(options.max_retries, NotGiven) else options.max_retries
    stream = stream or options.mode == "stream"
    debug = log.isEnabledFor(logging.DEBUG)
    if debug:
        log.debug("Request options: %s", options.to_log_dict())
    retries_taken = 0
    while True:
        request = build_request(config, options, retries_taken, async_library)
        if debug:
            log.debug("Sending HTTP Request: %s %s", request.method, request.url)
        outcome = yield Send(request, stream, options.follow_redirects)

        if not isinstance(outcome, httpx.Response):
            assert outcome is not None
            if debug:
                if isinstance(outcome, httpx.TimeoutException):
                    log.debug("Encountered httpx.TimeoutException", exc_info=outcome)
                else:
                    log.debug("Encountered Exception", exc_info=outcome)
            if retries_taken < max_retries:
                retries_taken += 1
                delay = _log_retry(request, retries_taken, max_retries, None)
                yield Sleep(delay, retries_taken, None, outcome)
                continue
            raise transport_error(outcome, request) from outcome

        response = outcome
        if debug:
            log.debug(
                'HTTP Response: %s %s "%i %s" %s',
                request.method,
                request.url,
                response.status_code,
                response.reason_phrase,
                redact_headers(response.headers),
            )
        if 200 <= response.status_code < 300:
            return response, retries_taken
        if debug:
            log.debug("Encountered httpx.HTTPStatusError")

        if retries_taken < max_retries and should_retry(response):
            if response.status_code == 429 and QUEUE_THRESHOLD_HEADER in request.headers:
                # A queue-threshold rejection asks for an answer now, not after a wait: read the
                # body to tell it from an ordinary rate limit, which is retried as usual.
                failure = cast(Optional[BaseException], (yield Read(response)))
                if failure is not None:
                    raise transport_error(failure, request) from failure
                error = status_error_from_response(response)
                if isinstance(error, QueueThresholdExceededError):
                    raise error from None
            retries_taken += 1
            delay = _log_retry(request, retries_taken, max_retries, response.headers)
            yield Close(response)
            yield Sleep(delay, retries_taken, response.status_code)
            continue

        if not response.is_closed and not _body_read(response):
            # `Read` is answered with None or the exception reading raised, never a response.
            failure = cast(Optional[BaseException], (yield Read(response)))
            if failure is not None:
                raise transport_error(failure, request) from failure
        log.debug("Re-raising status error")
        raise status_error_from_response(response) from None


def _body_read(response: httpx.Response) -> bool:
    try:
        response.content  # noqa: B018
    except httpx.ResponseNotRead:
        return False
    return True


def _log_retry(
    request: httpx.Request, retry_number: int, max_retries: int, headers: Optional[httpx.Headers]
) -> float:
    left = max_retries - retry_number + 1
    if left == 1:
        log.debug("1 retry left")
    else:
        log.debug("%i retries left", left)
    delay = retry_delay(retry_number, headers)
    log.info("Retrying request to %s in %f seconds", request.url.path, delay)
    return delay
