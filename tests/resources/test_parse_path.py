"""`chat.completions.parse` runs on `create`'s request path, with a post-parse step, and has raw and
streamed-response forms, sync and async (against the bundled mock server)."""

from __future__ import annotations

import inspect
from typing import Any, List

import pytest
from pydantic import BaseModel

import cerebras.cloud.sdk.resources.chat as chat_resources
from cerebras.cloud.sdk import APIResponse, AsyncAPIResponse, AsyncCerebras, Cerebras
from cerebras.cloud.sdk.lib import ParsedChatCompletion
from cerebras.cloud.sdk.testing import MockCerebrasServer

MODEL = "llama3.1-8b"
MESSAGES = [{"role": "user", "content": "Recommend a film."}]
DUNE = '{"title": "Dune", "year": 2021}'


class Movie(BaseModel):
    title: str
    year: int


def sync_client(server: MockCerebrasServer) -> Cerebras:
    return Cerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


def async_client(server: MockCerebrasServer) -> AsyncCerebras:
    return AsyncCerebras(base_url=server.base_url, api_key="test", warm_tcp_connection=False, max_retries=0)


def check_parsed(parsed: Any) -> None:
    assert isinstance(parsed, ParsedChatCompletion)
    movie = parsed.choices[0].message.parsed
    assert isinstance(movie, Movie) and movie == Movie(title="Dune", year=2021)
    assert parsed._request_id == "req_parse"


def test_raw_and_streamed_parse_sync(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_reply(DUNE, headers={"x-request-id": "req_parse"}, times=3)
    with sync_client(cerebras_mock) as client:
        check_parsed(client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie))

        raw = client.chat.completions.with_raw_response.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        )
        assert isinstance(raw, APIResponse)
        assert raw.status_code == 200 and raw.request_id == "req_parse"
        check_parsed(raw.parse())
        assert raw.parse() is raw.parse()  # cached, as any parse()

        with client.chat.completions.with_streaming_response.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        ) as response:
            assert isinstance(response, APIResponse)
            assert not response.is_closed  # not read until asked
            check_parsed(response.parse())
        assert response.is_closed
    sent = [r.json for r in cerebras_mock.requests]
    assert len(sent) == 3
    assert all(body["response_format"]["type"] == "json_schema" for body in sent)
    # The raw forms announce their mode on the wire, as create's do.
    modes = [r.headers.get("x-stainless-raw-response") for r in cerebras_mock.requests]
    assert modes == ["raw", "raw", "stream"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_raw_and_streamed_parse_async(cerebras_mock: MockCerebrasServer, anyio_backend: str) -> None:
    cerebras_mock.add_reply(DUNE, headers={"x-request-id": "req_parse"}, times=3)
    async with async_client(cerebras_mock) as client:
        check_parsed(
            await client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie)
        )

        raw = await client.chat.completions.with_raw_response.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        )
        assert isinstance(raw, AsyncAPIResponse)
        check_parsed(await raw.parse())

        async with client.chat.completions.with_streaming_response.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        ) as response:
            assert isinstance(response, AsyncAPIResponse)
            check_parsed(await response.parse())
    assert len(cerebras_mock.requests) == 3


def test_parse_goes_through_the_public_create(
    cerebras_mock: MockCerebrasServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    cerebras_mock.add_reply(DUNE, headers={"x-request-id": "req_parse"}, times=3)
    client = sync_client(cerebras_mock)
    client.chat.completions.with_raw_response  # noqa: B018  # built before the patch
    calls: List[str] = []
    original = chat_resources.CompletionsResource.create

    def traced(self: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["model"])
        return original(self, **kwargs)

    monkeypatch.setattr(chat_resources.CompletionsResource, "create", traced)
    check_parsed(client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Movie))
    check_parsed(
        client.chat.completions.with_raw_response.parse(
            model=MODEL, messages=MESSAGES, response_format=Movie
        ).parse()
    )
    with client.chat.completions.with_streaming_response.parse(
        model=MODEL, messages=MESSAGES, response_format=Movie
    ) as response:
        check_parsed(response.parse())
    assert calls == [MODEL, MODEL, MODEL]
    client.close()


def test_the_wrappers_keep_parse_signature() -> None:
    for cls in (chat_resources.CompletionsResource, chat_resources.AsyncCompletionsResource):
        expected = list(inspect.signature(cls.parse).parameters)[1:]
        resource = object.__new__(cls)
        for wrapper in (resource.with_raw_response, resource.with_streaming_response):
            assert list(inspect.signature(wrapper.parse).parameters) == expected
