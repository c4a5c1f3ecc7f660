"""The default httpx clients keep cookies as httpx does, and skip the jar for responses that
set none (the SDK's per-response saving)."""

from __future__ import annotations

from typing import Any, List

import httpx
import pytest

from cerebras.cloud.sdk import DefaultAsyncHttpxClient, DefaultHttpxClient


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/set":
        return httpx.Response(200, headers=[("Set-Cookie", "session=abc; Path=/")])
    return httpx.Response(200, json={"cookie": request.headers.get("cookie")})


def test_sync_client_stores_and_sends_cookies() -> None:
    with DefaultHttpxClient(transport=httpx.MockTransport(_handler), cookies={"given": "1"}) as client:
        assert dict(client.cookies) == {"given": "1"}
        client.get("http://api.test/set")
        assert client.get("http://api.test/echo").json() == {"cookie": "given=1; session=abc"}
        client.cookies = {"other": "2"}  # assignment replaces the jar, as with httpx
        assert isinstance(client.cookies, httpx.Cookies)
        assert client.get("http://api.test/echo").json() == {"cookie": "other=2"}


@pytest.mark.anyio
async def test_async_client_stores_and_sends_cookies() -> None:
    async with DefaultAsyncHttpxClient(transport=httpx.MockTransport(_handler)) as client:
        await client.get("http://api.test/set")
        assert dict(client.cookies) == {"session": "abc"}
        assert (await client.get("http://api.test/echo")).json() == {"cookie": "session=abc"}


def test_responses_without_set_cookie_skip_the_jar(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: List[str] = []
    original = httpx.Cookies.extract_cookies

    def spy(self: Any, response: httpx.Response) -> None:
        seen.append(response.request.url.path)
        original(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", spy)
    with DefaultHttpxClient(transport=httpx.MockTransport(_handler)) as client:
        client.get("http://api.test/echo")
        client.get("http://api.test/set")
    assert seen == ["/set"]
    with httpx.Client(transport=httpx.MockTransport(_handler)) as plain:  # httpx itself: every response
        plain.get("http://api.test/echo")
    assert seen == ["/set", "/echo"]
