"""`client.chat.completions.parse()` through the real clients, against the bundled mock server."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import pydantic
import pytest
from pydantic import BaseModel

from cerebras.cloud.sdk import (
    APIResponseValidationError,
    AsyncCerebras,
    BadRequestError,
    Cerebras,
    UnprocessableEntityError,
    pydantic_function_tool,
)
from cerebras.cloud.sdk.lib import (
    ContentValidationError,
    LengthFinishReasonError,
    ParsedChatCompletion,
    to_strict_json_schema,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

MODEL = "llama3.1-8b"
MESSAGES: List[Dict[str, Any]] = [{"role": "user", "content": "Recommend a film."}]
DUNE = '{"title": "Dune", "year": 2021, "genres": ["sci-fi", "drama"], "sequel": "Dune: Part Two"}'
CITY_FORMAT: Dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "city",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
            "required": ["name", "population"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
PLAIN_TOOL: Dict[str, Any] = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}},
}


class Movie(BaseModel):
    title: str
    year: int
    genres: List[str]
    sequel: Optional[str] = None


class GetWeather(BaseModel):
    """Current weather of a city."""

    city: str
    days: int


def _client(server: MockCerebrasServer) -> Cerebras:
    return Cerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


def _async_client(server: MockCerebrasServer) -> AsyncCerebras:
    return AsyncCerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


@pytest.fixture
def client(mock_server: MockCerebrasServer) -> Iterator[Cerebras]:
    with _client(mock_server) as client:
        yield client


def _sent(server: MockCerebrasServer) -> Dict[str, Any]:
    body: Dict[str, Any] = json.loads(server.last_request.body)
    return body


def _check_strict_movie_format(sent: Dict[str, Any]) -> None:
    response_format = sent["response_format"]
    assert response_format["type"] == "json_schema"
    spec = response_format["json_schema"]
    assert spec["name"] == "Movie"
    assert spec["strict"] is True
    schema = spec["schema"]
    assert schema == to_strict_json_schema(Movie)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "year", "genres", "sequel"}  # strict: every field
    assert sent.get("stream") in (None, False)


# --- a pydantic model as response_format ----------------------------------------------------------


def test_parse_model_from_the_mock_default_reply(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)

    assert isinstance(completion, ParsedChatCompletion)
    assert isinstance(completion, ChatCompletionResponse)
    message = completion.choices[0].message
    assert isinstance(message.parsed, Movie)
    # The mock answers json_schema requests with a document that fits the schema it received.
    assert message.parsed == Movie.model_validate_json(message.content or "")
    _check_strict_movie_format(_sent(mock_server))


def test_parse_model_from_a_scripted_reply(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(DUNE)
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie, n=1)

    assert completion.choices[0].message.parsed == Movie(
        title="Dune", year=2021, genres=["sci-fi", "drama"], sequel="Dune: Part Two"
    )
    assert completion.choices[0].message.content == DUNE
    assert completion.choices[0].finish_reason == "stop"
    # `parsed` is ours, not the API's: dumps leave it out.
    assert "parsed" not in completion.to_dict()["choices"][0]["message"]
    assert "parsed" not in completion.to_json()
    mock_server.assert_all_used()


def test_every_choice_is_parsed(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(DUNE)
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie, n=2)
    assert len(completion.choices) == 2
    assert [c.message.parsed for c in completion.choices] == [Movie.model_validate_json(DUNE)] * 2


def test_a_parsed_message_can_be_sent_back_as_is(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(DUNE)
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
    follow_up = [*MESSAGES, completion.choices[0].message, {"role": "user", "content": "Another one?"}]
    client.chat.completions.create(model=MODEL, messages=follow_up)  # type: ignore[arg-type]
    sent_message = _sent(mock_server)["messages"][1]
    assert sent_message == {"role": "assistant", "content": DUNE}


# --- a dict as response_format ---------------------------------------------------------------------


def test_json_schema_dict_passes_through_and_content_is_decoded(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply('{"name": "Oslo", "population": 709037}')
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=CITY_FORMAT)

    assert _sent(mock_server)["response_format"] == CITY_FORMAT
    assert completion.choices[0].message.parsed == {"name": "Oslo", "population": 709037}


def test_json_schema_dict_against_the_mock_default(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=CITY_FORMAT)
    parsed = completion.choices[0].message.parsed
    assert isinstance(parsed, dict)
    assert parsed == json.loads(completion.choices[0].message.content or "")
    assert set(parsed) == {"name", "population"}


def test_json_object_dict_is_decoded_and_text_is_left_alone(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    completion = client.chat.completions.parse(
        model=MODEL, messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert _sent(mock_server)["response_format"] == {"type": "json_object"}
    assert completion.choices[0].message.parsed == {"response": "You said: Recommend a film."}

    completion = client.chat.completions.parse(
        model=MODEL, messages=MESSAGES, response_format={"type": "text"}
    )
    assert completion.choices[0].message.parsed is None
    assert completion.choices[0].message.content == "You said: Recommend a film."

    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES)
    assert "response_format" not in _sent(mock_server)
    assert completion.choices[0].message.parsed is None


def test_a_class_that_is_not_a_model_is_refused_before_sending(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    with pytest.raises(TypeError, match="response_format"):
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=dict)  # type: ignore[arg-type]
    assert mock_server.requests_to("chat") == []


# --- replies that cannot be parsed ------------------------------------------------------------------


def test_content_that_does_not_fit_the_model(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    bad = '{"title": "Dune", "year": "soon"}'
    mock_server.add_reply(bad, headers={"x-request-id": "req_bad"})
    with pytest.raises(ContentValidationError) as caught:
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)

    error = caught.value
    assert isinstance(error, APIResponseValidationError)
    assert error.content == bad
    assert error.choice_index == 0
    assert error.tool_call is None
    assert isinstance(error.completion, ChatCompletionResponse)
    assert error.completion.choices[0].message.content == bad
    assert error.completion._request_id == "req_bad"
    assert isinstance(error.__cause__, pydantic.ValidationError)
    assert "Movie" in str(error)


def test_content_that_is_not_json_with_a_dict_format(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply("Oslo, about 700k people")
    with pytest.raises(ContentValidationError) as caught:
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=CITY_FORMAT)
    assert caught.value.content == "Oslo, about 700k people"
    assert caught.value.completion.choices[0].message.content == "Oslo, about 700k people"


def test_finish_reason_length_raises(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply('{"title": "Du', finish_reason="length")
    with pytest.raises(LengthFinishReasonError) as caught:
        client.chat.completions.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie, max_completion_tokens=3
        )
    completion = caught.value.completion
    assert isinstance(completion, ChatCompletionResponse)
    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == '{"title": "Du'
    assert "max_completion_tokens" in str(caught.value)
    assert _sent(mock_server)["max_completion_tokens"] == 3


def test_finish_reason_length_is_fine_when_nothing_is_parsed(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply("Once upon a", finish_reason="length")
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES)
    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.parsed is None


# --- tools ---------------------------------------------------------------------------------------------


def test_pydantic_tool_call_gets_parsed_arguments(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    tool = pydantic_function_tool(GetWeather)
    mock_server.add_reply(
        tool_calls=[
            {"name": "GetWeather", "arguments": {"city": "Oslo", "days": 3}},
            {"name": "get_time", "arguments": {}},
        ]
    )
    completion = client.chat.completions.parse(
        model=MODEL, messages=MESSAGES, tools=[tool, PLAIN_TOOL], response_format=Movie
    )

    sent = _sent(mock_server)
    assert sent["tools"] == [dict(tool), PLAIN_TOOL]
    function = sent["tools"][0]["function"]
    assert function["name"] == "GetWeather"
    assert function["strict"] is True
    assert function["description"] == "Current weather of a city."
    assert function["parameters"]["additionalProperties"] is False

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.parsed is None  # a turn that only calls tools has nothing to parse
    calls = choice.message.tool_calls
    assert calls is not None and len(calls) == 2
    assert calls[0].id == "call_1"
    assert calls[0].function.name == "GetWeather"
    assert calls[0].function.parsed_arguments == GetWeather(city="Oslo", days=3)
    assert json.loads(calls[0].function.arguments or "") == {"city": "Oslo", "days": 3}
    assert calls[1].function.parsed_arguments is None  # a plain dict tool
    assert "parsed_arguments" not in completion.to_json()


def test_forced_pydantic_tool_call(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    completion = client.chat.completions.parse(
        model=MODEL,
        messages=MESSAGES,
        tools=(t for t in [pydantic_function_tool(GetWeather, name="weather")]),  # any iterable
        tool_choice="required",
    )
    assert _sent(mock_server)["tool_choice"] == "required"
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    assert calls[0].function.name == "weather"
    assert isinstance(calls[0].function.parsed_arguments, GetWeather)


def test_tool_arguments_that_do_not_fit(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(tool_calls=[{"name": "GetWeather", "arguments": {"city": "Oslo"}}])
    with pytest.raises(ContentValidationError) as caught:
        client.chat.completions.parse(
            model=MODEL, messages=MESSAGES, tools=[pydantic_function_tool(GetWeather)]
        )
    assert json.loads(caught.value.content) == {"city": "Oslo"}
    assert caught.value.tool_call is not None
    assert caught.value.tool_call.function.name == "GetWeather"
    assert caught.value.completion.choices[0].message.tool_calls is not None


# --- arguments parse() does not take -------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [{"stream": True}, {"stream": False}, {"stream_options": {"include_usage": True}}, {"temperatur": 0.5}],
)
def test_unknown_and_streaming_arguments_are_refused(
    client: Cerebras, mock_server: MockCerebrasServer, extra: Dict[str, Any]
) -> None:
    with pytest.raises(TypeError, match=next(iter(extra))):
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie, **extra)
    assert mock_server.requests_to("chat") == []


# --- request ids, errors, raw responses ---------------------------------------------------------------


def test_request_id_comes_from_the_header(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(DUNE, headers={"x-request-id": "req_parse_1"})
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
    assert completion._request_id == "req_parse_1"

    mock_server.add_reply(headers={"x-request-id": "req_parse_2"})
    completion = client.chat.completions.parse(model=MODEL, messages=MESSAGES)
    assert completion._request_id == "req_parse_2"


def test_http_error_raises_the_status_error(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    mock_server.add_error(400, "schema is not supported", headers={"x-request-id": "req_400"})
    with pytest.raises(BadRequestError) as caught:
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
    assert caught.value.status_code == 400
    assert "schema is not supported" in str(caught.value)
    assert caught.value.request_id == "req_400"
    assert len(mock_server.requests_to("chat")) == 1


def test_error_payload_in_a_200_raises_the_status_error(
    client: Cerebras, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_json({"error": {"message": "bad model params", "type": "invalid"}, "status_code": 422})
    with pytest.raises(UnprocessableEntityError, match="bad model params"):
        client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)


def test_with_raw_response_create_still_works(client: Cerebras, mock_server: MockCerebrasServer) -> None:
    client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
    mock_server.add_reply("plain", headers={"x-request-id": "req_raw"})
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
    assert raw.status_code == 200
    assert raw.request_id == "req_raw"
    completion = raw.parse()
    assert type(completion) is ChatCompletionResponse
    assert completion.choices[0].message.content == "plain"
    assert completion._request_id == "req_raw"
    assert "response_format" not in _sent(mock_server)


# --- async -----------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_parse_model(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        mock_server.add_reply(DUNE, headers={"x-request-id": "req_async"})
        completion = await client.chat.completions.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        )
        default = await client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)

    assert isinstance(completion, ParsedChatCompletion)
    assert completion.choices[0].message.parsed == Movie.model_validate_json(DUNE)
    assert completion._request_id == "req_async"
    assert isinstance(default.choices[0].message.parsed, Movie)
    _check_strict_movie_format(_sent(mock_server))


@pytest.mark.anyio
async def test_async_parse_dict_formats(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        mock_server.add_reply('{"name": "Oslo", "population": 709037}')
        completion = await client.chat.completions.parse(
            model=MODEL, messages=MESSAGES, response_format=CITY_FORMAT
        )
        assert _sent(mock_server)["response_format"] == CITY_FORMAT
        text = await client.chat.completions.parse(
            model=MODEL, messages=MESSAGES, response_format={"type": "text"}
        )
    assert completion.choices[0].message.parsed == {"name": "Oslo", "population": 709037}
    assert text.choices[0].message.parsed is None


@pytest.mark.anyio
async def test_async_content_validation_and_length_errors(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        mock_server.add_reply('{"title": 7}')
        with pytest.raises(ContentValidationError) as caught:
            await client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
        mock_server.add_reply('{"title": "Du', finish_reason="length")
        with pytest.raises(LengthFinishReasonError) as cut:
            await client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)

    assert caught.value.content == '{"title": 7}'
    assert caught.value.completion.choices[0].message.content == '{"title": 7}'
    assert cut.value.completion.choices[0].finish_reason == "length"
    assert cut.value.completion.choices[0].message.content == '{"title": "Du'


@pytest.mark.anyio
async def test_async_pydantic_tool_call(mock_server: MockCerebrasServer) -> None:
    tool = pydantic_function_tool(GetWeather)
    mock_server.add_reply(tool_calls=[{"name": "GetWeather", "arguments": {"city": "Bergen", "days": 1}}])
    async with _async_client(mock_server) as client:
        completion = await client.chat.completions.parse(model=MODEL, messages=MESSAGES, tools=[tool])
    assert _sent(mock_server)["tools"] == [dict(tool)]
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    assert calls[0].function.parsed_arguments == GetWeather(city="Bergen", days=1)


@pytest.mark.anyio
async def test_async_refuses_stream_and_unknown_arguments(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        for extra in ({"stream": True}, {"stream_options": {"include_usage": True}}, {"bogus": 1}):
            with pytest.raises(TypeError, match=next(iter(extra))):
                await client.chat.completions.parse(model=MODEL, messages=MESSAGES, **extra)  # type: ignore[call-arg]
    assert mock_server.requests_to("chat") == []


@pytest.mark.anyio
async def test_async_http_error_and_raw_response(mock_server: MockCerebrasServer) -> None:
    async with _async_client(mock_server) as client:
        mock_server.add_error(400, "no such schema feature")
        with pytest.raises(BadRequestError, match="no such schema feature"):
            await client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)

        mock_server.add_reply("plain", headers={"x-request-id": "req_araw"})
        raw = await client.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
        completion = await raw.parse()
    assert raw.request_id == "req_araw"
    assert type(completion) is ChatCompletionResponse
    assert completion.choices[0].message.content == "plain"
