"""Agent loops: a reply's message object, passed back in `messages`, is sent as a valid assistant message."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import respx
from pydantic import BaseModel

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib import final_completion, parse_chat_completion, pydantic_function_tool

BASE_URL = "http://127.0.0.1:4010"
Json = Dict[str, Any]

TOOL_CALL: Json = {
    "id": "call_9",
    "type": "function",
    "function": {"name": "GetWeather", "arguments": '{"city": "Oslo"}'},
}
REPLY: Json = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-oss-120b",
    "system_fingerprint": "fp",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": None,
                "reasoning": "I should look the weather up.",
                "tool_calls": [TOOL_CALL],
            },
        }
    ],
}


class GetWeather(BaseModel):
    city: str


def _client() -> Cerebras:
    return Cerebras(base_url=BASE_URL, api_key="test", warm_tcp_connection=False, max_retries=0)


def _sent_messages(route: respx.Route) -> List[Json]:
    body = json.loads(route.calls.last.request.content)
    return body["messages"]


def _next_turn(client: Cerebras, assistant: Any) -> List[Json]:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/chat/completions").respond(200, json=REPLY)
        client.chat.completions.create(
            model="gpt-oss-120b",
            messages=[
                {"role": "user", "content": "Weather in Oslo?"},
                assistant,
                {"role": "tool", "tool_call_id": "call_9", "content": "sunny"},
            ],
        )
    return _sent_messages(route)


def test_a_reply_message_is_sent_back_as_it_came() -> None:
    client = _client()
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/chat/completions").respond(200, json=REPLY)
        reply = client.chat.completions.create(
            model="gpt-oss-120b", messages=[{"role": "user", "content": "hi"}]
        )
    message = reply.choices[0].message  # type: ignore[union-attr]

    sent = _next_turn(client, message)

    assert sent[1] == {
        "role": "assistant",
        # null content is valid for an assistant turn that only calls tools
        "content": None,
        "reasoning": "I should look the weather up.",
        "tool_calls": [TOOL_CALL],
    }
    assert "reasoning_content" not in json.dumps(sent)
    assert sent[2] == {"role": "tool", "tool_call_id": "call_9", "content": "sunny"}


def test_an_assembled_stream_message_is_sent_back() -> None:
    chunks = [
        {"index": 0, "delta": {"role": "assistant", "content": ""}},
        {"index": 0, "delta": {"reasoning": "Look it up."}},
        {
            "index": 0,
            "delta": {
                "tool_calls": [{**TOOL_CALL, "index": 0, "function": {"name": "GetWeather", "arguments": ""}}]
            },
        },
        {
            "index": 0,
            "delta": {
                "tool_calls": [
                    {"index": 0, "type": "function", "function": {"arguments": '{"city": "Oslo"}'}}
                ]
            },
        },
        {"index": 0, "delta": {}, "finish_reason": "tool_calls"},
    ]
    envelope = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
    }
    sse = (
        "".join(f"data: {json.dumps({**envelope, 'choices': [c]})}\n\n" for c in chunks) + "data: [DONE]\n\n"
    )

    client = _client()
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/chat/completions").respond(
            200, content=sse.encode(), headers={"content-type": "text/event-stream"}
        )
        stream = client.chat.completions.create(
            model="gpt-oss-120b", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        message = final_completion(stream).choices[0].message

    sent = _next_turn(client, message)

    assert sent[1] == {
        "role": "assistant",
        "content": "",
        "reasoning": "Look it up.",
        "tool_calls": [{**TOOL_CALL, "index": 0}],
    }


def test_a_parsed_message_does_not_send_its_parsed_values() -> None:
    client = _client()
    tools = [pydantic_function_tool(GetWeather)]
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/chat/completions").respond(200, json=REPLY)
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-oss-120b", messages=[{"role": "user", "content": "hi"}], tools=tools
        )
        parsed = parse_chat_completion(
            completion=raw.parse(), response_format=None, tools=tools, response=raw.http_response
        )
    message = parsed.choices[0].message
    assert message.tool_calls is not None
    assert message.tool_calls[0].function.parsed_arguments == GetWeather(city="Oslo")

    sent = _next_turn(client, message)

    assert sent[1] == REPLY["choices"][0]["message"]
    assert "parsed" not in json.dumps(sent)
