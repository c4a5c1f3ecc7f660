"""The tool runner against the mock server, with scripted conversations: `run_tools` and
`stream_tools` on the blocking client and on the async one (asyncio and trio)."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

import anyio
import pytest
from pydantic import BaseModel

from cerebras.cloud.sdk import AsyncCerebras, Cerebras, CerebrasError
from cerebras.cloud.sdk.lib import (
    ToolCall,
    ToolError,
    ToolRunEvent,
    ToolRunResult,
    ToolTurn,
    function_tool,
    pydantic_function_tool,
    run_tools,
)
from cerebras.cloud.sdk.resources.chat.completions import CompletionsResource
from cerebras.cloud.sdk.testing import MockCerebrasServer

pytestmark = pytest.mark.anyio

MODEL = "llama3.1-8b"
USER: List[Dict[str, Any]] = [{"role": "user", "content": "Work it out."}]
Json = Dict[str, Any]


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: Callable[..., Any], mock_server: MockCerebrasServer) -> Any:
    return make_client(flavor, base_url=mock_server.base_url)


async def run(client: Any, **params: Any) -> ToolRunResult:
    params.setdefault("model", MODEL)
    params.setdefault("messages", USER)
    if isinstance(client, Cerebras):
        return client.chat.completions.run_tools(**params)
    return await client.chat.completions.run_tools(**params)


async def stream(client: Any, **params: Any) -> List[ToolRunEvent]:
    params.setdefault("model", MODEL)
    params.setdefault("messages", USER)
    if isinstance(client, Cerebras):
        with client.chat.completions.stream_tools(**params) as events:
            return list(events)
    async with client.chat.completions.stream_tools(**params) as events:
        return [event async for event in events]


def bodies(server: MockCerebrasServer) -> List[Json]:
    return [request.json for request in server.requests_to("chat")]


def tool_messages(body: Json) -> List[Json]:
    return [m for m in body["messages"] if m["role"] == "tool"]


@function_tool
def add(a: int, b: int) -> int:
    """Add two numbers.

    Args:
        a: The first.
        b: The second.
    """
    return a + b


# --------------------------------------------------------------------------- the loop


async def test_five_tool_rounds_then_an_answer_make_six_requests(
    client: Any, mock_server: MockCerebrasServer
) -> None:
    for k in range(5):
        mock_server.add_reply(tool_calls=[{"id": f"call_{k}", "name": "add", "arguments": {"a": k, "b": 10}}])
    mock_server.add_reply("All added up.")

    result = await run(client, tools=[add])

    sent = bodies(mock_server)
    assert len(sent) == 6
    for turn, body in enumerate(sent):
        assert [m["role"] for m in body["messages"]] == ["user"] + ["assistant", "tool"] * turn
        assert [(m["tool_call_id"], m["content"]) for m in tool_messages(body)] == [
            (f"call_{k}", str(k + 10)) for k in range(turn)
        ]
        assert body["tools"] == [add.definition]
    assert result.stopped_by == "answer"
    assert result.turns == 6 and len(result.completions) == 6
    assert result.content == "All added up."
    assert [r.content for r in result.tool_results] == ["10", "11", "12", "13", "14"]
    assert result.messages == [*sent[-1]["messages"], {"role": "assistant", "content": "All added up."}]


async def test_the_conversation_goes_on_from_the_returned_messages(
    client: Any, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 1, "b": 2}}])
    mock_server.add_reply("3")
    first = await run(client, tools=[add])
    mock_server.add_reply("6")
    follow_up = [*first.messages, {"role": "user", "content": "Double it."}]

    second = await run(client, tools=[add], messages=follow_up)

    assert second.content == "6" and second.turns == 1
    assert bodies(mock_server)[-1]["messages"] == follow_up


async def test_parallel_calls_run_concurrently(
    client: Any, mock_server: MockCerebrasServer, flavor: str
) -> None:
    def slow(label: str) -> Any:
        if flavor != "sync" and label != "c":  # async code: two coroutines and one plain function

            async def tool(x: int) -> str:
                await anyio.sleep(0.5)
                return label

        else:

            def tool(x: int) -> str:
                time.sleep(0.5)
                return label

        return function_tool(tool, name=label)

    mock_server.add_reply(tool_calls=[{"name": n, "arguments": {"x": i}} for i, n in enumerate("abc")])
    mock_server.add_reply("done")
    marks: Dict[str, float] = {}

    def before(call: ToolCall) -> bool:
        marks.setdefault("start", time.perf_counter())
        return True

    def after(turn: ToolTurn) -> None:
        marks.setdefault("end", time.perf_counter())

    result = await run(client, tools=[slow(n) for n in "abc"], on_tool_call=before, on_turn=after)

    round_time = marks["end"] - marks["start"]
    assert round_time <= 0.6, f"one round of three 0.5 s tools took {round_time:.3f} s"
    assert [r.content for r in result.tool_results] == ["a", "b", "c"]
    assert all(r.duration >= 0.45 for r in result.tool_results)
    assert [m["content"] for m in tool_messages(bodies(mock_server)[1])] == ["a", "b", "c"]


def test_results_are_sent_in_call_order_and_streamed_as_they_finish(
    mock_server: MockCerebrasServer, make_client: Callable[..., Any]
) -> None:
    client: Cerebras = make_client("sync", base_url=mock_server.base_url)

    def sleeper(name: str, seconds: float) -> Any:
        def tool() -> str:
            time.sleep(seconds)
            return name

        return function_tool(tool, name=name)

    tools = [sleeper("slow", 0.3), sleeper("fast", 0.05), sleeper("medium", 0.15)]
    mock_server.add_reply(tool_calls=[{"name": "slow"}, {"name": "fast"}, {"name": "medium"}])
    mock_server.add_reply("done")

    with client.chat.completions.stream_tools(model=MODEL, messages=USER, tools=tools) as run_events:
        events = list(run_events)

    finished = [e.result.content for e in events if e.type == "tool_result"]
    assert finished == ["fast", "medium", "slow"]
    assert [m["content"] for m in tool_messages(bodies(mock_server)[1])] == ["slow", "fast", "medium"]


# --------------------------------------------------------------------------- errors


def explode(x: int) -> str:
    """Always fails."""
    raise RuntimeError("the service is down")


async def test_tool_errors_go_back_to_the_model(client: Any, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(
        tool_calls=[
            {"id": "c1", "name": "explode", "arguments": {"x": 1}},
            {"id": "c2", "name": "add", "arguments": '{"a": 1, "b":'},
            {"id": "c3", "name": "add", "arguments": {"a": "one", "b": 2}},
            {"id": "c4", "name": "no_such_tool", "arguments": {}},
            {"id": "c5", "name": "add", "arguments": {"a": 1, "b": 2}},
        ]
    )
    mock_server.add_reply("Sorry, some of that failed.")

    result = await run(client, tools=[add, explode])

    assert result.stopped_by == "answer" and result.turns == 2
    sent = tool_messages(bodies(mock_server)[1])
    assert [m["tool_call_id"] for m in sent] == ["c1", "c2", "c3", "c4", "c5"]
    contents = [m["content"] for m in sent]
    assert contents[0] == "Error: explode raised RuntimeError: the service is down"
    assert "not valid JSON" in contents[1]
    assert "a: Input should be a valid integer" in contents[2]
    assert "no tool named 'no_such_tool'" in contents[3] and "add, explode" in contents[3]
    assert contents[4] == "3"
    assert [r.status for r in result.tool_results] == [
        "error",
        "invalid_arguments",
        "invalid_arguments",
        "unknown_tool",
        "ok",
    ]
    assert isinstance(result.tool_results[0].error, RuntimeError)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ({"name": "explode", "arguments": {"x": 1}}, "error"),
        ({"name": "add", "arguments": "not json"}, "invalid_arguments"),
        ({"name": "missing", "arguments": {}}, "unknown_tool"),
    ],
)
async def test_raise_tool_errors_raises_instead(
    client: Any, mock_server: MockCerebrasServer, call: Json, status: str
) -> None:
    mock_server.add_reply(tool_calls=[call])
    mock_server.add_reply("never requested")

    with pytest.raises(ToolError) as caught:
        await run(client, tools=[add, explode], raise_tool_errors=True)

    assert caught.value.result.status == status
    assert caught.value.result.call.name == call["name"]
    if status == "error":
        assert isinstance(caught.value.__cause__, RuntimeError)
    assert len(bodies(mock_server)) == 1


async def test_max_turns_stops_the_loop(client: Any, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 1, "b": 1}}], times=None)

    result = await run(client, tools=[add], max_turns=3)

    assert result.stopped_by == "max_turns"
    assert result.turns == 3 and len(bodies(mock_server)) == 3
    assert result.messages[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "2"}
    assert result.completion.choices[0].finish_reason == "tool_calls"
    with pytest.raises(ValueError, match="max_turns"):
        await run(client, tools=[add], max_turns=0)


async def test_bad_run_parameters_are_refused(client: Any) -> None:
    with pytest.raises(ValueError, match="n must be 1"):
        await run(client, tools=[add], n=2)
    with pytest.raises(ValueError, match="Two tools are named 'add'"):
        await run(client, tools=[add, add])
    with pytest.raises(TypeError, match="list of tools"):
        await run(client, tools=add)
    with pytest.raises(TypeError, match="'stream'"):
        run_tools(Cerebras(api_key="k", warm_tcp_connection=False).chat.completions, tools=[], stream=True)


# --------------------------------------------------------------------------- hooks


async def test_on_tool_call_can_veto(client: Any, mock_server: MockCerebrasServer, flavor: str) -> None:
    ran: List[str] = []

    def delete_file(path: str) -> str:
        ran.append("delete")
        return "deleted"

    def send_email(to: str) -> str:
        ran.append("send")
        return "sent"

    def read_file(path: str) -> str:
        ran.append("read")
        return "contents"

    verdicts: Dict[str, Any] = {
        "delete_file": False,
        "send_email": "A human must approve emails.",
        "read_file": True,
    }
    seen: List[Any] = []

    def approve(call: ToolCall) -> Any:
        seen.append((call.name, call.arguments_dict, call.turn, call.tool is not None))
        return verdicts[call.name]

    async def approve_async(call: ToolCall) -> Any:
        await anyio.sleep(0)
        return approve(call)

    mock_server.add_reply(
        tool_calls=[
            {"name": "delete_file", "arguments": {"path": "/etc"}},
            {"name": "send_email", "arguments": {"to": "a@b.c"}},
            {"name": "read_file", "arguments": {"path": "notes"}},
        ]
    )
    mock_server.add_reply("ok")

    hook = approve if flavor == "sync" else approve_async
    result = await run(client, tools=[delete_file, send_email, read_file], on_tool_call=hook)

    assert ran == ["read"]
    assert seen[0] == ("delete_file", {"path": "/etc"}, 1, True)
    assert [(r.status, r.content) for r in result.tool_results] == [
        ("vetoed", "The call to delete_file was declined, so it did not run."),
        ("vetoed", "A human must approve emails."),
        ("ok", "contents"),
    ]
    assert [m["content"] for m in tool_messages(bodies(mock_server)[1])] == [
        r.content for r in result.tool_results
    ]


async def test_on_turn_sees_every_turn(client: Any, mock_server: MockCerebrasServer, flavor: str) -> None:
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 2, "b": 2}}])
    mock_server.add_reply("4")
    turns: List[ToolTurn] = []

    async def observe_async(turn: ToolTurn) -> None:
        turns.append(turn)

    result = await run(client, tools=[add], on_turn=turns.append if flavor == "sync" else observe_async)

    assert [t.index for t in turns] == [1, 2]
    assert [r.content for r in turns[0].tool_results] == ["4"] and turns[0].tool_calls[0].name == "add"
    assert turns[1].tool_calls == () and turns[1].completion is result.completion


def test_each_turn_goes_through_the_public_create(
    mock_server: MockCerebrasServer, make_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: List[int] = []
    original = CompletionsResource.create

    def traced(self: CompletionsResource, **params: Any) -> Any:
        seen.append(len(params["messages"]))
        return original(self, **params)

    monkeypatch.setattr(CompletionsResource, "create", traced)
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 2, "b": 2}}])
    mock_server.add_reply("4")

    make_client("sync", base_url=mock_server.base_url).chat.completions.run_tools(
        model=MODEL, messages=USER, tools=[add]
    )

    assert seen == [1, 3]


# --------------------------------------------------------------------------- request parameters


async def test_reasoning_is_sent_back_and_parameters_pass_through(
    client: Any, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply(
        reasoning="The user wants a sum; call add.",
        tool_calls=[{"id": "c1", "name": "add", "arguments": {"a": 1, "b": 2}}],
    )
    mock_server.add_reply("3")

    await run(
        client,
        tools=[add],
        clear_thinking=False,
        reasoning_format="parsed",
        tool_choice="required",
        parallel_tool_calls=False,
        temperature=0.2,
    )

    first, second = bodies(mock_server)
    assert second["messages"][1] == {
        "role": "assistant",
        "content": None,
        "reasoning": "The user wants a sum; call add.",
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}
        ],
    }
    for body in (first, second):
        assert body["clear_thinking"] is False
        assert body["reasoning_format"] == "parsed"
        assert body["parallel_tool_calls"] is False
        assert body["temperature"] == 0.2
        assert "stream" not in body or body["stream"] is False
    # a forced call holds for the first request only, or the model could never answer
    assert (first["tool_choice"], second["tool_choice"]) == ("required", "auto")


class Lookup(BaseModel):
    """Look a word up in the dictionary (answered by the caller)."""

    word: str


async def test_definition_only_tools_are_left_to_the_caller(
    client: Any, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply(
        tool_calls=[
            {"id": "c1", "name": "add", "arguments": {"a": 1, "b": 2}},
            {"id": "c2", "name": "Lookup", "arguments": {"word": "tool"}},
        ]
    )
    lookup = pydantic_function_tool(Lookup)

    result = await run(client, tools=[add, lookup])

    assert result.stopped_by == "pending_tool_calls" and result.turns == 1
    assert [(c.id, c.name, c.arguments_dict) for c in result.pending_tool_calls] == [
        ("c2", "Lookup", {"word": "tool"})
    ]
    assert result.messages[-1] == {"role": "tool", "tool_call_id": "c1", "content": "3"}
    assert bodies(mock_server)[0]["tools"] == [add.definition, lookup]

    mock_server.add_reply("Done.")
    answered = [*result.messages, {"role": "tool", "tool_call_id": "c2", "content": "an instrument"}]
    final = await run(client, tools=[add, lookup], messages=answered)
    assert final.stopped_by == "answer"
    assert [m["tool_call_id"] for m in tool_messages(bodies(mock_server)[1])] == ["c1", "c2"]


# --------------------------------------------------------------------------- streaming


async def test_stream_events_come_in_order(client: Any, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(
        "Let me check.",
        reasoning="Need the sum.",
        tool_calls=[{"id": "c1", "name": "add", "arguments": {"a": 20, "b": 22}}],
    )
    mock_server.add_reply("The answer is 42.")

    events = await stream(client, tools=[add], stream_options={"include_usage": True})

    kinds: List[str] = []
    for event in events:
        if not kinds or kinds[-1] != event.type:
            kinds.append(event.type)
    assert kinds == [
        "reasoning_delta",
        "text_delta",
        "tool_call_started",
        "tool_result",
        "turn_end",
        "text_delta",
        "turn_end",
        "final",
    ]
    texts = ["".join(e.text for e in events if e.type == "text_delta" and e.turn == n) for n in (1, 2)]
    assert texts == ["Let me check.", "The answer is 42."]
    assert "".join(e.text for e in events if e.type == "reasoning_delta") == "Need the sum."
    started = next(e for e in events if e.type == "tool_call_started")
    assert (started.call.id, started.call.name, started.call.arguments_dict) == (
        "c1",
        "add",
        {"a": 20, "b": 22},
    )
    final = events[-1]
    assert final.type == "final"
    assert final.result.content == "The answer is 42." and final.result.turns == 2
    assert final.result.completion.usage is not None
    sent = bodies(mock_server)
    assert all(body["stream"] is True for body in sent)
    assert sent[1]["messages"][1]["reasoning"] == "Need the sum."
    assert sent[1]["messages"][1]["content"] == "Let me check."
    assert tool_messages(sent[1]) == [{"role": "tool", "tool_call_id": "c1", "content": "42"}]


async def test_a_stream_closed_early_makes_no_further_request(
    client: Any, mock_server: MockCerebrasServer
) -> None:
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 1, "b": 1}}])
    mock_server.add_reply("never requested")
    params: Json = {"model": MODEL, "messages": USER, "tools": [add]}

    if isinstance(client, Cerebras):
        events = client.chat.completions.stream_tools(**params)
        with events:
            first = next(iter(events))
        assert first.type == "tool_call_started"
        with pytest.raises(CerebrasError, match="closed before"):
            events.final_result()
    else:
        assert isinstance(client, AsyncCerebras)
        events = client.chat.completions.stream_tools(**params)
        async with events:
            first = await events.__anext__()
        assert first.type == "tool_call_started"
        with pytest.raises(CerebrasError, match="closed before"):
            await events.final_result()
    assert events.result is None
    assert len(bodies(mock_server)) == 1


async def test_final_result_and_text_deltas(client: Any, mock_server: MockCerebrasServer) -> None:
    mock_server.add_reply(tool_calls=[{"name": "add", "arguments": {"a": 1, "b": 1}}])
    mock_server.add_reply("Two.")
    mock_server.add_reply("Again two.")
    params: Json = {"model": MODEL, "messages": USER, "tools": [add]}

    if isinstance(client, Cerebras):
        result = client.chat.completions.stream_tools(**params).final_result()
        text = "".join(client.chat.completions.stream_tools(**params).text_deltas())
    else:
        result = await client.chat.completions.stream_tools(**params).final_result()
        text = "".join([t async for t in client.chat.completions.stream_tools(**params).text_deltas()])

    assert result.content == "Two." and result.turns == 2
    assert text == "Again two."
